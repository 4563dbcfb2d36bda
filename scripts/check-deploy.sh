#!/usr/bin/env bash
# CI step for the deployment files. It checks, and says what it checked:
#
#   1. deploy/nordbid.service passes "systemd-analyze verify" (run against
#      a scratch root holding the unit, the distribution's units and a
#      freshly built binary at the unit's ExecStart path), with no warning;
#   2. "systemd-analyze security" rates its exposure at MAX_EXPOSURE (2.0)
#      or better;
#   3. deploy/sysusers.d creates the user the unit runs as, and every key
#      of deploy/sysctl.d exists in this kernel (read only: nothing is
#      applied to the host);
#   4. the runtime sections of Dockerfile and deploy/Containerfile.runtime
#      are identical;
#   5. the runtime image builds with buildah, stays under 20 MB and runs
#      (scripts/build-image.sh). buildah is installed with apt-get when
#      missing, so that CI really builds the image.
#
# Any failure stops the script with a non-zero status.
set -euo pipefail
cd "$(dirname "$0")/.."

max_exposure=${MAX_EXPOSURE:-2.0}
unit=deploy/nordbid.service
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL $*" >&2
  exit 1
}

command -v systemd-analyze >/dev/null ||
  fail "systemd-analyze is not installed (apt-get install systemd)"

echo "== 1. systemd-analyze verify $unit"
root=$work/root
mkdir -p "$root/etc/systemd/system" "$root/usr/lib/systemd" "$root/usr/local/bin"
# verify resolves the unit's dependencies (network-online.target,
# sysinit.target) from the root, so it gets a copy of the real ones.
for dir in /usr/lib/systemd/system /lib/systemd/system; do
  if [ -d "$dir" ]; then
    cp -a "$dir" "$root/usr/lib/systemd/"
    break
  fi
done
cp "$unit" "$root/etc/systemd/system/"
exec_path=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
[ "$exec_path" = /usr/local/bin/nordbid ] ||
  fail "ExecStart is $exec_path, want /usr/local/bin/nordbid"
CGO_ENABLED=0 go build -o "$root$exec_path" ./cmd/nordbid
# verify exits 0 on warnings such as unknown keys; any output is a failure.
if ! out=$(systemd-analyze verify --root="$root" nordbid.service 2>&1) || [ -n "$out" ]; then
  echo "$out" >&2
  fail "systemd-analyze verify reported problems"
fi
echo "ok   verify: no errors, no warnings"

echo "== 2. systemd-analyze security $unit (ceiling $max_exposure)"
threshold=$(awk -v m="$max_exposure" 'BEGIN { printf "%d", m * 10 }')
set +e
report=$(systemd-analyze security --offline=true --threshold="$threshold" "$unit" 2>&1)
status=$?
set -e
exposure=$(echo "$report" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
[ -n "$exposure" ] || { echo "$report" >&2; fail "no exposure level in the security report"; }
echo "$report" | grep '✗' || true
if [ "$status" -ne 0 ] || awk -v e="$exposure" -v m="$max_exposure" 'BEGIN { exit !(e > m) }'; then
  fail "exposure $exposure is above $max_exposure"
fi
echo "ok   exposure $exposure (ceiling $max_exposure)"

echo "== 3. sysusers.d and sysctl.d"
mkdir -p "$work/users/etc"
systemd-sysusers --root="$work/users" "$PWD/deploy/sysusers.d/nordbid.conf" >/dev/null 2>&1 ||
  fail "systemd-sysusers rejected deploy/sysusers.d/nordbid.conf"
user=$(sed -n 's/^User=//p' "$unit")
grep -q "^$user:" "$work/users/etc/passwd" || fail "sysusers.d does not create user $user"
echo "ok   sysusers.d creates user $user"
while read -r key; do
  [ -e "/proc/sys/${key//.//}" ] || fail "sysctl key $key does not exist in this kernel"
  echo "ok   sysctl key exists: $key"
done < <(sed -n 's/^\([a-z0-9_.]*\) *=.*/\1/p' deploy/sysctl.d/*.conf)

echo "== 4. Dockerfile and deploy/Containerfile.runtime: same runtime section"
runtime_section() { sed -n '/^# Runtime configuration/,$p' "$1" | tail -n +2; }
if ! diff <(runtime_section Dockerfile) <(runtime_section deploy/Containerfile.runtime); then
  fail "the runtime sections differ"
fi
echo "ok   identical from USER to CMD"

echo "== 5. runtime image (buildah)"
if ! command -v buildah >/dev/null; then
  echo "   buildah missing: installing it with apt-get"
  sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q buildah
fi
scripts/build-image.sh

echo "check-deploy: all checks passed"
