#!/usr/bin/env bash
# Builds the production image and checks what is in it (issue 18): it runs as a non-root user, holds
# none of the test and lint tools nor Node, has GOV.UK Frontend's assets collected, and passes Django's
# deployment checks with production-shaped settings. Prints the build time and the image's size.
#
#   tools/image-check.sh                  # fails when there is no Docker daemon
#   tools/image-check.sh --if-available   # says "skipped: no Docker daemon" and exits 0 instead
#
# Environment: PYTHON_IMAGE and NODE_IMAGE replace the Dockerfile's base images (where Docker Hub is
# unreachable: tools/local-base-images.sh makes local ones); DOCKER_NETWORK is the build's network
# ("host" for a daemon without a bridge); IMAGE_TAG names the image (default casework:image-check).
set -euo pipefail
cd "$(dirname "$0")/.."

if_available=0
for arg in "$@"; do
    case "$arg" in
        --if-available) if_available=1 ;;
        *) echo "usage: $0 [--if-available]" >&2; exit 2 ;;
    esac
done

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
    if [ "$if_available" = 1 ]; then
        echo "image-check: skipped: no Docker daemon"
        exit 0
    fi
    echo "image-check: FAILED: no Docker daemon (run with --if-available to skip instead)" >&2
    exit 1
fi

tag="${IMAGE_TAG:-casework:image-check}"
build=(docker build --network "${DOCKER_NETWORK:-default}" --tag "$tag")
[ -n "${PYTHON_IMAGE:-}" ] && build+=(--build-arg "PYTHON_IMAGE=$PYTHON_IMAGE")
[ -n "${NODE_IMAGE:-}" ] && build+=(--build-arg "NODE_IMAGE=$NODE_IMAGE")

echo "image-check: building $tag"
started=$(date +%s)
if ! "${build[@]}" . >/tmp/image-check-build.$$.log 2>&1; then
    tail -n 30 /tmp/image-check-build.$$.log >&2
    echo "image-check: FAILED: the image did not build (log above)" >&2
    exit 1
fi
rm -f /tmp/image-check-build.$$.log
echo "image-check: built in $(($(date +%s) - started)) s"

failures=0
pass() { echo "ok: $1"; }
fail() { echo "FAILED: $1"; failures=$((failures + 1)); }
# No network inside the checks: nothing they look at may need one.
in_image() { docker run --rm --network none "$tag" "$@"; }

user="$(in_image id -u)" || user=""
if [ -z "$user" ]; then
    fail "the image does not run (docker run $tag id -u)"
elif [ "$user" = 0 ]; then
    fail "runs as root"
else
    pass "runs as a non-root user (uid $user)"
fi

# The dev extra's tools (pyproject.toml): none of them may be importable in the image.
present="$(in_image python -c '
import importlib
for name in ["pytest", "pytest_django", "playwright", "faker", "factory", "hypothesis", "time_machine",
             "ruff", "mypy", "djlint", "schemathesis", "moto", "pypdf"]:
    try:
        importlib.import_module(name)
    except ImportError:
        continue
    print(name)
print("checked")
')" || present="(python did not run)"
present="$(echo "$present" | grep -vx checked || true)"
if [ -z "$present" ]; then
    pass "no test or lint tools import (pytest, Playwright, Faker, factory_boy, hypothesis, ruff, mypy, pypdf, ...)"
else
    fail "test or lint tools are installed: $(echo "$present" | tr '\n' ' ')"
fi

binaries="$(in_image sh -c 'for b in node npm npx pytest ruff mypy playwright; do command -v "$b"; done; true')" \
    || binaries="(sh did not run)"
if [ -z "$binaries" ]; then pass "no node, npm or tool binaries on PATH"; else fail "binaries on PATH: $(echo "$binaries" | tr '\n' ' ')"; fi

# The stylesheet and a font, collected with the manifest that production's static storage reads,
# and the fonts and images that WhiteNoise serves at /assets/ (WHITENOISE_ROOT).
if in_image sh -c 'cd /app/staticfiles \
        && test -s staticfiles.json \
        && test -s govuk-frontend/dist/govuk/govuk-frontend.min.css \
        && ls govuk-frontend/dist/govuk/assets/fonts/*.woff2 >/dev/null \
        && ls /app/node_modules/govuk-frontend/dist/govuk/assets/fonts/*.woff2 >/dev/null'; then
    pass "GOV.UK Frontend's assets are collected (/app/staticfiles, with staticfiles.json)"
else
    fail "GOV.UK Frontend's assets are missing from /app/staticfiles"
fi

# The same production-shaped settings as `make check-deploy`.
if deploy="$(docker run --rm --network none \
        -e DEBUG=0 -e SECRET_KEY="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
        -e ALLOWED_HOSTS=casework.example -e SERVICE_CONTACT_EMAIL=casework-support@casework.example \
        -e SITE_URL=https://casework.example \
        "$tag" python manage.py check --deploy --fail-level WARNING 2>&1)"; then
    pass "manage.py check --deploy --fail-level WARNING"
else
    echo "$deploy"
    fail "manage.py check --deploy --fail-level WARNING"
fi

size=$(docker image inspect --format '{{.Size}}' "$tag") || size=0
echo "image-check: $tag is $((size / 1000000)) MB"

if [ "$failures" -gt 0 ]; then
    echo "image-check: FAILED: $failures check(s) failed" >&2
    exit 1
fi
echo "image-check: all checks passed"
