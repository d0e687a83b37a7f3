#!/usr/bin/env bash
# make restore-check: prove a backup restores. On PostgreSQL (needs createdb, pg_dump, pg_restore and a
# server: PGHOST/PGUSER or the defaults below), it
#   1. makes a source database with the demo cases and an evidence file (migrate, setup_demo, seed),
#   2. backs it up as docs/operations.md says: pg_dump --format=custom, and a copy of the files,
#   3. restores both into a new database and a new folder,
#   4. checks on the restored copy that the cases and their history are all there and that the evidence
#      file downloads, through the permission-checked view, with the SHA-256 it was uploaded with,
# and drops what it made. Object storage is copied the same way as the folder (aws s3 sync / rclone):
# here the files are on disk.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
prefix=${RESTORE_CHECK_PREFIX:-casework_restore_check}_$$
source_db="${prefix}_source" restored_db="${prefix}_restored"
work=$(mktemp -d)
cleanup() {
  dropdb --if-exists "$source_db" 2>/dev/null || true
  dropdb --if-exists "$restored_db" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

url() { echo "postgres://$PGUSER@$PGHOST:$PGPORT/$1"; }
export DEBUG=1 VAR_DIR="$work/var"
unset OBJECT_STORAGE_BUCKET REDIS_URL || true

echo "1. A source database with demo cases and an evidence file"
createdb "$source_db"
DATABASE_URL=$(url "$source_db") MEDIA_ROOT="$work/media" $PYTHON manage.py migrate --noinput --verbosity 0
DATABASE_URL=$(url "$source_db") MEDIA_ROOT="$work/media" $PYTHON manage.py setup_demo >/dev/null
DATABASE_URL=$(url "$source_db") MEDIA_ROOT="$work/media" $PYTHON tools/restore_check.py seed "$work/fingerprint.json"

echo "2. Back up: pg_dump (custom format) and a copy of the files"
pg_dump --format=custom --no-owner --file "$work/casework.dump" "$source_db"
cp -a "$work/media" "$work/media-backup"
ls -l "$work/casework.dump"

echo "3. Restore into a new database and a new folder"
createdb "$restored_db"
pg_restore --no-owner --exit-on-error --dbname "$restored_db" "$work/casework.dump"
cp -a "$work/media-backup" "$work/media-restored"

echo "4. Check the restored copy"
DATABASE_URL=$(url "$restored_db") MEDIA_ROOT="$work/media-restored" $PYTHON manage.py migrate --check --verbosity 0
DATABASE_URL=$(url "$restored_db") MEDIA_ROOT="$work/media-restored" $PYTHON tools/restore_check.py verify "$work/fingerprint.json"
