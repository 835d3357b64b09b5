#!/bin/sh
# Build the root filesystem of the busybox example bundle from the host's
# static busybox (Debian: busybox-static). No network is needed.
#
# Usage: mkrootfs.sh [TARGET_DIR]
#   TARGET_DIR defaults to the rootfs/ folder beside this script.
#   BUSYBOX=/path/to/busybox overrides /bin/busybox.
#
# Idempotent: the tree is built in a temporary sibling directory and then
# replaces TARGET_DIR, so a rerun rebuilds it cleanly and an interrupted run
# leaves the old tree alone.
set -eu

prog=$(basename "$0")
die() {
	echo "$prog: $*" >&2
	exit 1
}

here=$(cd "$(dirname "$0")" && pwd)
target=${1:-$here/rootfs}
busybox=${BUSYBOX:-/bin/busybox}

[ $# -le 1 ] || die "usage: $prog [TARGET_DIR]"
[ -n "$target" ] || die "empty target directory"

# ---- the busybox must be a static binary: it runs inside a rootfs with no libc.

hint="install Debian's static busybox: apt-get install busybox-static"
if [ ! -f "$busybox" ] || [ ! -x "$busybox" ]; then
	die "$busybox not found; $hint"
fi

# od field N bytes at OFFSET as an unsigned integer in host byte order.
od_u() { od -An -tu"$2" -j"$1" -N"$2" "$busybox" | tr -d ' \n'; }

# A static ELF executable has no PT_INTERP (program header type 3).
is_static_elf() {
	[ "$(od -An -tx1 -N4 "$busybox" | tr -d ' \n')" = 7f454c46 ] || return 1
	class=$(od_u 4 1)
	data=$(od_u 5 1)
	# The header fields are read in host byte order: only check native files.
	host_le=$(printf '\001\000' | od -An -tu2 | tr -d ' \n')
	if { [ "$data" = 1 ] && [ "$host_le" != 1 ]; } || { [ "$data" = 2 ] && [ "$host_le" = 1 ]; }; then
		return 0
	fi
	case $class in
	2) phoff=$(od_u 32 8) phentsize=$(od_u 54 2) phnum=$(od_u 56 2) ;;
	1) phoff=$(od_u 28 4) phentsize=$(od_u 42 2) phnum=$(od_u 44 2) ;;
	*) return 1 ;;
	esac
	i=0
	while [ "$i" -lt "$phnum" ]; do
		[ "$(od_u $((phoff + i * phentsize)) 4)" != 3 ] || return 1
		i=$((i + 1))
	done
	return 0
}

is_static_elf || die "$busybox is not a statically linked busybox; $hint"
applets=$("$busybox" --list) || die "$busybox --list failed; $hint"
[ -n "$applets" ] || die "$busybox --list printed no applets; $hint"

# ---- refuse to replace something that is not a rootfs made by this script.

case $target in
/ | /bin | /usr | /etc | "$HOME" | "$HOME/") die "refusing to use $target as the rootfs" ;;
esac
if [ -e "$target" ] || [ -L "$target" ]; then
	if [ ! -d "$target" ] || [ -L "$target" ]; then
		die "$target exists and is not a directory"
	fi
	if [ -n "$(ls -A "$target")" ] && [ ! -e "$target/bin/busybox" ]; then
		die "$target is not empty and does not look like a busybox rootfs: remove it first"
	fi
fi

parent=$(dirname "$target")
mkdir -p "$parent"
umask 022
tmp=$(mktemp -d "$parent/.rootfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# ---- the tree

for d in bin sbin usr/bin usr/sbin etc proc sys dev tmp root var var/tmp run; do
	mkdir -p "$tmp/$d"
done
chmod 0700 "$tmp/root"
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"

cp "$busybox" "$tmp/bin/busybox"
chmod 0755 "$tmp/bin/busybox"

# One relative symlink per applet in /bin (PATH holds /bin in every config).
for a in $applets; do
	case $a in
	busybox | */*) continue ;;
	esac
	ln -s busybox "$tmp/bin/$a"
done
[ -L "$tmp/bin/sh" ] || die "$busybox has no sh applet"

cat >"$tmp/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD

cat >"$tmp/etc/group" <<'GROUP'
root:x:0:
daemon:x:1:
tty:x:5:
nogroup:x:65534:
GROUP

version=$("$busybox" 2>/dev/null | sed -n '1s/^BusyBox v\([^ ]*\).*/\1/p') || version=
cat >"$tmp/etc/os-release" <<OSRELEASE
NAME="minirun busybox"
ID=busybox
VERSION_ID="${version:-unknown}"
PRETTY_NAME="minirun example rootfs (BusyBox ${version:-unknown})"
HOME_URL="https://busybox.net/"
OSRELEASE
chmod 0644 "$tmp/etc/passwd" "$tmp/etc/group" "$tmp/etc/os-release"
chmod 0755 "$tmp"

# ---- swap the new tree in

rm -rf "$target"
mv "$tmp" "$target"
trap - EXIT
echo "$prog: built $target (busybox ${version:-unknown}, $(echo "$applets" | wc -w) applets)"
