#!/bin/sh
# Install what building and testing minirun needs, from Debian 12's packages.
# Run as root. Idempotent.
set -eu
export DEBIAN_FRONTEND=noninteractive
PKGS="
  build-essential autoconf automake pkg-config python3 git
  libyajl-dev libseccomp-dev libcap-dev libmount-dev
  go-md2man bats jq python3-jsonschema golang-github-opencontainers-specs-dev
  busybox-static clang libclang-rt-14-dev valgrind hyperfine runc crun strace
  qemu-system-x86 linux-image-amd64 xz-utils
"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi
