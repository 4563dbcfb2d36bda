#!/usr/bin/env bash
# Builds the nordbid runtime image with buildah, without any registry: a
# static binary built here (time zone data embedded), plus CA certificates
# and a passwd line taken from this (Debian) host, FROM scratch through
# deploy/Containerfile.runtime. Then it checks the image's size and config
# and runs the binary inside it.
#
#   scripts/build-image.sh                     build, check, smoke-test
#   scripts/build-image.sh --context-only DIR  only lay out DIR/rootfs and
#                                              DIR/data (the Dockerfile's
#                                              builder stage uses this)
#
# Environment: VERSION (default: git describe, else "devel"), IMAGE
# (default localhost/nordbid:VERSION), MAX_BYTES (limit of the unpacked
# image, default 20000000),
# BUILDAH_ROOT (buildah storage; default /var/tmp/nordbid-buildah).
set -euo pipefail
cd "$(dirname "$0")/.."

# The image user; 65532 is the customary "nonroot" id of minimal images.
uid=65532

version=${VERSION:-$(git describe --always --dirty 2>/dev/null || echo devel)}

# context lays out DIR/rootfs (root-owned files of the image) and DIR/data
# (the empty data volume, owned by the image user at COPY time).
context() {
  local dir=$1
  rm -rf "$dir/rootfs" "$dir/data"
  mkdir -p "$dir/rootfs/usr/local/bin" "$dir/rootfs/etc/ssl/certs" "$dir/data"

  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$version" \
    -o "$dir/rootfs/usr/local/bin/nordbid" ./cmd/nordbid

  cp /etc/ssl/certs/ca-certificates.crt "$dir/rootfs/etc/ssl/certs/"
  # No zoneinfo tree: the binary embeds Go's time zone database
  # (time/tzdata), which it uses where the host has none.

  printf 'nordbid:x:%d:%d:nordbid:/data:/sbin/nologin\n' "$uid" "$uid" >"$dir/rootfs/etc/passwd"
  printf 'nordbid:x:%d:\n' "$uid" >"$dir/rootfs/etc/group"
}

if [ "${1:-}" = "--context-only" ]; then
  [ $# -eq 2 ] || { echo "usage: $0 [--context-only DIR]" >&2; exit 2; }
  context "$2"
  exit 0
fi
[ $# -eq 0 ] || { echo "usage: $0 [--context-only DIR]" >&2; exit 2; }

if ! command -v buildah >/dev/null; then
  echo "build-image: buildah is not installed (apt-get install buildah)" >&2
  exit 1
fi

image=${IMAGE:-localhost/nordbid:$version}
max_bytes=${MAX_BYTES:-20000000}
root=${BUILDAH_ROOT:-/var/tmp/nordbid-buildah}
# vfs needs no kernel overlay support and no fuse: it works in a VM, a
# container or CI alike, at the price of full copies per layer.
b=(buildah --storage-driver vfs --root "$root/storage" --runroot "$root/run")

work=$(mktemp -d)
ctr=
cleanup() {
  [ -z "$ctr" ] || "${b[@]}" rm "$ctr" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== build-image: static binary with time zones, CA bundle, passwd ($version)"
context "$work"
if ! file_out=$(file -b "$work/rootfs/usr/local/bin/nordbid" 2>/dev/null); then
  file_out=unknown
fi
echo "   binary: $file_out"

# A rebuild under the same tag would leave the old image behind, untagged,
# and vfs storage keeps a full copy of each: remove it first.
"${b[@]}" rmi --force "$image" >/dev/null 2>&1 || true

echo "== build-image: buildah build (vfs storage, chroot isolation) -> $image"
"${b[@]}" build --quiet --isolation chroot --format docker \
  -f deploy/Containerfile.runtime -t "$image" "$work" >/dev/null

# Two sizes: the uncompressed layers plus config, as the manifest in local
# storage lists them (what "buildah images" and "docker images" show), and
# the gzip-compressed blobs a registry stores and a node pulls. The limit
# applies to the uncompressed size, the larger; the other is reported.
size=$("${b[@]}" inspect --type image --format '{{.Manifest}}' "$image" |
  grep -o '"size":[0-9]*' | cut -d: -f2 | awk '{ s += $1 } END { print s + 0 }')
if [ "${size:-0}" -eq 0 ]; then
  echo "build-image: could not read the size of $image" >&2
  exit 1
fi
"${b[@]}" push --quiet --compression-format gzip "$image" "oci:$work/oci" >/dev/null
packed=$(find "$work/oci/blobs" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
mb() { awk -v s="$1" 'BEGIN { printf "%.1f", s / 1000000 }'; }
if [ "$size" -ge "$max_bytes" ]; then
  echo "FAIL image size uncompressed: $size bytes ($(mb "$size") MB), limit $max_bytes" >&2
  exit 1
fi
echo "ok   image size uncompressed: $size bytes ($(mb "$size") MB), limit $max_bytes"
echo "     image size compressed: $packed bytes ($(mb "$packed") MB)"

user=$("${b[@]}" inspect --type image --format '{{.Docker.Config.User}}' "$image")
health=$("${b[@]}" inspect --type image --format '{{.Docker.Config.Healthcheck.Test}}' "$image")
if [ "$user" != "$uid:$uid" ]; then
  echo "FAIL image user: got '$user', want $uid:$uid" >&2
  exit 1
fi
echo "ok   image user: $user (non-root)"
case $health in
  *"doctor --health http://127.0.0.1:8080/health"*) echo "ok   health check: $health" ;;
  *) echo "FAIL health check: got '$health'" >&2; exit 1 ;;
esac

# Run the binary from the image's own root: proves it is static and that
# it starts without anything from the host.
ctr=$("${b[@]}" from --quiet "$image")
out=$("${b[@]}" run --isolation chroot --user "$uid:$uid" "$ctr" -- /usr/local/bin/nordbid version)
echo "ok   runs in the image as $uid: $out"

echo "image $image built; list it with: ${b[*]} images"
