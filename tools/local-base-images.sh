#!/usr/bin/env bash
# Local stand-ins for the Dockerfile's two base images, for a machine that cannot reach Docker Hub
# but can reach a Debian mirror. They are made from Debian bookworm itself (debootstrap), so they
# match the official images' distribution and Python minor version (3.11); Node is Debian's own
# (18.x) rather than 22, which is enough to install the GOV.UK Frontend package.
#
#   sudo tools/local-base-images.sh             # makes local/python:3.11-bookworm and local/node:bookworm
#   PYTHON_IMAGE=local/python:3.11-bookworm NODE_IMAGE=local/node:bookworm DOCKER_NETWORK=host \
#       tools/image-check.sh
#
# Needs root (debootstrap), debootstrap itself (apt-get install debootstrap) and a Docker daemon.
# MIRROR picks the Debian mirror; builds use the host's network (DOCKER_NETWORK, default "host"),
# for daemons without a bridge. The host's own certificate authorities (EXTRA_CA_DIR, default
# /usr/local/share/ca-certificates: a TLS-inspecting proxy's, say) are trusted in both bases, so pip
# and npm reach PyPI and the npm registry from inside a build as they do from the host. An existing
# local/debian:bookworm is reused; REFRESH=1 debootstraps it again.
set -euo pipefail

MIRROR="${MIRROR:-http://deb.debian.org/debian}"
NETWORK="${DOCKER_NETWORK:-host}"
DEBIAN_TAG="local/debian:bookworm"
PYTHON_TAG="${PYTHON_IMAGE:-local/python:3.11-bookworm}"
NODE_TAG="${NODE_IMAGE:-local/node:bookworm}"
EXTRA_CA_DIR="${EXTRA_CA_DIR:-/usr/local/share/ca-certificates}"

for tool in debootstrap docker; do
    command -v "$tool" >/dev/null || { echo "local-base-images: $tool is not installed" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "local-base-images: debootstrap needs root" >&2; exit 1; }

work="$(mktemp -d /tmp/local-base-images.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/rootfs" "$work/context" "$work/context/certs"
find "$EXTRA_CA_DIR" -name '*.crt' -exec cp {} "$work/context/certs/" \; 2>/dev/null || true

# Builds the Dockerfile on stdin as $1, with the certificates as its context; its output is shown
# only if it fails.
build() {
    docker build --network "$NETWORK" --tag "$1" --file - "$work/context" >"$work/build.log" 2>&1 || {
        cat "$work/build.log" >&2
        echo "local-base-images: $1 did not build" >&2
        exit 1
    }
}

if [ "${REFRESH:-0}" = 1 ] || ! docker image inspect "$DEBIAN_TAG" >/dev/null 2>&1; then
    rootfs="$work/rootfs"
    echo "local-base-images: debootstrap bookworm (minbase) from $MIRROR"
    debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >/dev/null
    # The same suites the official images use: the release, its updates and security.
    cat > "$rootfs/etc/apt/sources.list" <<SOURCES
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
    # The image's / is this folder: it must be 755, or no user but root can reach any file.
    chmod 0755 "$rootfs"
    tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' - "$DEBIAN_TAG" >/dev/null
    echo "local-base-images: made $DEBIAN_TAG"
else
    echo "local-base-images: reusing $DEBIAN_TAG (REFRESH=1 makes it again)"
fi

# Like python:3.11-slim-bookworm: `python` and `pip` on PATH, installing into their own prefix
# (a virtual environment at /usr/local/python), so `pip install` needs no --break-system-packages.
build "$PYTHON_TAG" <<DOCKERFILE
FROM $DEBIAN_TAG
RUN apt-get update \\
    && apt-get install --no-install-recommends -y python3 python3-venv ca-certificates \\
    && rm -rf /var/lib/apt/lists/* \\
    && python3 -m venv /usr/local/python
COPY certs/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
ENV PATH=/usr/local/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \\
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt
CMD ["python3"]
DOCKERFILE
echo "local-base-images: made $PYTHON_TAG ($(docker run --rm "$PYTHON_TAG" python --version))"

# Like node:22-bookworm-slim: node and npm on PATH (Debian's).
build "$NODE_TAG" <<DOCKERFILE
FROM $DEBIAN_TAG
RUN apt-get update \\
    && apt-get install --no-install-recommends -y nodejs npm ca-certificates \\
    && rm -rf /var/lib/apt/lists/*
COPY certs/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
DOCKERFILE
echo "local-base-images: made $NODE_TAG (node $(docker run --rm "$NODE_TAG" node --version))"
