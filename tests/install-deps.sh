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
  libmicrohttpd-dev libsqlite3-dev nettle-dev zlib1g-dev liblzma-dev libzstd-dev libbz2-dev sqlite3
  python3-docker skopeo
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

# docker.io, for its `docker` client only: the tests drive minirund with it
# and never start dockerd. So that installing it starts no daemon, services
# are held off (policy-rc.d) while it goes in.
if ! dpkg-query -W -f='${Status}' docker.io 2>/dev/null | grep -q 'ok installed'; then
	held=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		held=1
	fi
	[ -n "$missing" ] || apt-get update -qq
	apt-get install -y -qq --no-install-recommends docker.io
	[ -z "$held" ] || rm -f /usr/sbin/policy-rc.d
fi
