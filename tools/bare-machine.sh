#!/usr/bin/env bash
# The two commands on a bare machine: a fresh Debian 12 container holding only README's prerequisites
# (installed with README's one apt-get line), a person's account (not root), a fresh clone of this
# repository's HEAD, then `make test` and `make run` (checked by asking its liveness URL).
#
# Usage: tools/bare-machine.sh            (debian:bookworm from Docker Hub)
#        BASE_IMAGE=local/debian:bookworm tools/bare-machine.sh   (where Docker Hub is unreachable:
#        tools/local-base-images.sh makes that image)
# The host's own certificate authorities (EXTRA_CA_DIR, default /usr/local/share/ca-certificates: a
# TLS-inspecting proxy's, say) are trusted inside, so pip and npm reach their registries as the host does;
# they are the machine's, not the project's. The container shares the host's network (DOCKER_NETWORK).
set -euo pipefail

BASE_IMAGE="${BASE_IMAGE:-debian:bookworm}"
EXTRA_CA_DIR="${EXTRA_CA_DIR:-/usr/local/share/ca-certificates}"
DOCKER_NETWORK="${DOCKER_NETWORK:-host}"
PORT="${PORT:-8765}"
repo="$(git rev-parse --show-toplevel)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git -C "$repo" bundle create "$work/repo.bundle" HEAD 2>/dev/null
mkdir "$work/certs"
find "$EXTRA_CA_DIR" -name '*.crt' -exec cp {} "$work/certs/" \; 2>/dev/null || true
chmod -R a+rX "$work"

# README's prerequisites, word for word, with git to clone and ca-certificates to reach the registries.
prerequisites="$(sed -n '/^sudo apt-get install python3.11/,/^```/p' "$repo/README.md" | sed '$d' \
  | sed 's/^sudo apt-get install//; s/\\$//' | tr '\n' ' ')"
echo "bare-machine: $BASE_IMAGE with README's prerequisites:$prerequisites"

docker run --rm --network "$DOCKER_NETWORK" -v "$work:/given:ro" -e DEBIAN_FRONTEND=noninteractive \
  -e PORT="$PORT" "$BASE_IMAGE" bash -euo pipefail -c "
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends git ca-certificates $prerequisites >/dev/null
    cp /given/certs/*.crt /usr/local/share/ca-certificates/ 2>/dev/null || true
    update-ca-certificates >/dev/null
    useradd --create-home --shell /bin/bash person
    su person -c '
      set -euo pipefail
      export PIP_CERT=/etc/ssl/certs/ca-certificates.crt NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
      git clone -q /given/repo.bundle ~/casework && cd ~/casework
      echo \"bare-machine: make test\"
      make test
      echo \"bare-machine: make run\"
      (make run > run.log 2>&1 &)
      for _ in \$(seq 1 120); do
        python3 -c \"import urllib.request; urllib.request.urlopen(\\\"http://127.0.0.1:\$PORT/health/live/\\\")\" 2>/dev/null && break
        sleep 2
      done
      python3 -c \"import urllib.request; print(urllib.request.urlopen(\\\"http://127.0.0.1:\$PORT/sign-in/\\\").status)\"
      echo \"bare-machine: make run answers on port \$PORT\"
    '
  "
