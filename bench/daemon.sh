#!/bin/bash
# bench/daemon.sh: minirund against its peers, in one run, interleaved
# (minirund, dockerd, podman, minirund, ...), the same busybox image for all:
#   docker run --rm --network none busybox true   against minirund and against
#                                                  a private dockerd (docker.io,
#                                                  with its own containerd)
#   podman run --rm --network none busybox true   podman with a private store
# then each daemon's idle RSS, and `docker ps -a` (and the API's
# GET /containers/json) with 100 containers. Medians of wall time; one table.
#
# The private dockerd harms nothing on the host: it runs in a network and a
# mount namespace of its own (unshare: lo only, no bridge, no iptables, no
# forwarding; a tmpfs over /run and /opt there, so that containerd's shim
# sockets and its /opt/containerd stay inside), with private --data-root,
# --exec-root, --pidfile, a socket in the temp dir, a config file of ours
# (its key.json in the temp dir too) and its cgroups under /minirun-test. Its
# image comes from `docker load` of a tar built here: no registry. The host's
# links, netns, firewall rules, mounts and the kernel key limits dockerd may
# raise are compared before and after; the run fails if anything changed.
# Everything is stopped by its pid and removed at the end.
#
# Usage: sudo bench/daemon.sh [-n N] [-w W] [--no-dockerd] [--no-podman]
#                             [--no-install] [--minirund PATH] [--tmpdir DIR]
# Needs root, curl, busybox-static, the docker client; installs docker.io
# (dockerd, containerd) and podman from Debian when missing, unless
# --no-install (then what is missing is left out of the table).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
n=20
w=2
use_dockerd=1
use_podman=1
install=1
minirund=$top/minirund
tmpbase=
usage() {
	echo "usage: $0 [-n N] [-w W] [--no-dockerd] [--no-podman] [--no-install] [--minirund PATH] [--tmpdir DIR]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	-n) [ $# -ge 2 ] || usage; n=$2; shift ;;
	-w) [ $# -ge 2 ] || usage; w=$2; shift ;;
	--no-dockerd) use_dockerd=0 ;;
	--no-podman) use_podman=0 ;;
	--no-install) install=0 ;;
	--minirund) [ $# -ge 2 ] || usage; minirund=$2; shift ;;
	--tmpdir) [ $# -ge 2 ] || usage; tmpbase=$2; shift ;;
	*) usage ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "bench/daemon.sh: run as root" >&2; exit 1; }
[ -x "$minirund" ] || { echo "bench/daemon.sh: no minirund at $minirund (make first)" >&2; exit 1; }

# ---- what it needs, from Debian; services held off while it goes in
apt_install() {
	local held=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		held=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null || true
	[ -z "$held" ] || rm -f /usr/sbin/policy-rc.d
}
if [ $install = 1 ]; then
	want=()
	{ [ $use_dockerd = 1 ] && ! command -v dockerd >/dev/null; } || ! command -v docker >/dev/null && want+=(docker.io)
	[ $use_podman = 1 ] && ! command -v podman >/dev/null && want+=(podman)
	[ ${#want[@]} = 0 ] || apt_install "${want[@]}"
fi
command -v docker >/dev/null || { echo "bench/daemon.sh: no docker client (apt-get install docker.io)" >&2; exit 1; }
command -v dockerd >/dev/null && command -v containerd >/dev/null || use_dockerd=0
command -v podman >/dev/null || use_podman=0

# overlayfs cannot be an upperdir: minirund's and dockerd's roots go elsewhere
if [ -z "$tmpbase" ]; then
	tmpbase=/tmp
	[ "$(stat -f -c %T /tmp)" != overlayfs ] || tmpbase=/dev/shm
fi
T=$(mktemp -d "$tmpbase/mrd-bench.XXXXXX")
CG=/minirun-test/bench-daemon-$$
mrd_sock=$T/mrd.sock
dkd_sock=$T/dockerd.sock
mrd_pid=
dkd_pid=
dkd_ns=

# ---- the host before and after
host_state() {
	echo "links:"; ip -o link show | sed 's/^[0-9]*: //; s/ state .*//'
	echo "netns:"; ip netns list 2>/dev/null || true
	echo "iptables:"; iptables-save 2>/dev/null | grep -v '^#' || true
	echo "ip6tables:"; ip6tables-save 2>/dev/null | grep -v '^#' || true
	echo "nft:"; nft list ruleset 2>/dev/null || true
	echo "keys:"; cat /proc/sys/kernel/keys/root_maxkeys /proc/sys/kernel/keys/root_maxbytes
	# ours (the temp dir) and where a dockerd or containerd would mount; other
	# people's test mounts come and go meanwhile
	echo "mounts:"; awk -v t="$T" '{print $5}' /proc/self/mountinfo |
		grep -E "^($T|/run/(containerd|docker)|/var/(lib|run)/(docker|containerd)|/opt/containerd)" | sort || true
}
host_state >"$T/host.before"
read -r keys0 </proc/sys/kernel/keys/root_maxkeys
read -r kbytes0 </proc/sys/kernel/keys/root_maxbytes

stop_pid() { # stop_pid PID: TERM, then KILL after 30 s
	local p=$1 i
	[ -n "$p" ] || return 0
	kill -TERM "$p" 2>/dev/null || return 0
	for i in $(seq 300); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$p" 2>/dev/null || true
	while kill -0 "$p" 2>/dev/null; do sleep 0.1; done
}

cleanup() {
	local ids p m rc=0
	set +e
	if [ -n "$mrd_pid" ]; then
		ids=$(DOCKER_HOST=unix://$mrd_sock docker ps -aq 2>/dev/null)
		[ -z "$ids" ] || DOCKER_HOST=unix://$mrd_sock docker rm -f $ids >/dev/null 2>&1
		stop_pid "$mrd_pid"
	fi
	if [ -n "$dkd_pid" ]; then
		ids=$(DOCKER_HOST=unix://$dkd_sock docker ps -aq 2>/dev/null)
		[ -z "$ids" ] || DOCKER_HOST=unix://$dkd_sock docker rm -f $ids >/dev/null 2>&1
		stop_pid "$dkd_pid"
		# what dockerd started in its namespaces (containerd, shims) goes with them
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$dkd_ns" ] && stop_pid "${p#/proc/}"
		done
	fi
	if [ $use_podman = 1 ] && [ -n "${podman_cmd:-}" ]; then
		"${podman_cmd[@]}" rm -af >/dev/null 2>&1
		"${podman_cmd[@]}" rmi -af >/dev/null 2>&1
	fi
	grep -o " $T[^ ]*" /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
	for m in /sys/fs/cgroup/*"$CG" /sys/fs/cgroup"$CG"; do
		[ -d "$m" ] && find "$m" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	rmdir /sys/fs/cgroup/*/minirun-test /sys/fs/cgroup/minirun-test 2>/dev/null
	echo "$keys0" >/proc/sys/kernel/keys/root_maxkeys
	echo "$kbytes0" >/proc/sys/kernel/keys/root_maxbytes
	host_state >"$T/host.after"
	if ! diff -u "$T/host.before" "$T/host.after" >"$T/host.diff"; then
		echo "bench/daemon.sh: the host changed during the run:" >&2
		cat "$T/host.diff" >&2
		rc=1
	fi
	rm -rf "$T"
	for m in /sys/fs/cgroup/*"$CG" /sys/fs/cgroup"$CG"; do
		[ ! -d "$m" ] || { echo "bench/daemon.sh: $m is left" >&2; rc=1; }
	done
	return $rc
}
trap 'cleanup || exit 1' EXIT

wait_sock() { # wait_sock SOCKET PID
	local i
	for i in $(seq 600); do
		curl -sf --unix-socket "$1" http://d/_ping >/dev/null 2>&1 && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

"$top/tests/daemon/mkimage.sh" docker-archive "$T/busybox.tar" busybox:latest

# ---- minirund
"$minirund" --host "unix://$mrd_sock" --data-root "$T/mrd-data" --exec-root "$T/mrd-exec" \
	--runtime "$top/minirun" --shim "$top/minirun-shim" --cgroup-parent "$CG/minirund" 2>"$T/minirund.log" &
mrd_pid=$!
wait_sock "$mrd_sock" $mrd_pid || { echo "minirund did not start:" >&2; cat "$T/minirund.log" >&2; exit 1; }
DOCKER_HOST=unix://$mrd_sock docker load -i "$T/busybox.tar" >/dev/null

# ---- dockerd, private, in namespaces of its own
if [ $use_dockerd = 1 ]; then
	mkdir -p "$T/dockerd" "$T/dockerd-exec"
	printf '{"deprecated-key-path": "%s/dockerd/key.json"}\n' "$T" >"$T/dockerd.json"
	# shellcheck disable=SC2016
	unshare --mount --net --propagation private -- /bin/sh -c \
		'mount -t tmpfs -o mode=0755 bench-run /run && mount -t tmpfs -o mode=0755 bench-opt /opt &&
		 ip link set lo up && exec "$@"' sh \
		dockerd --config-file "$T/dockerd.json" --host "unix://$dkd_sock" --data-root "$T/dockerd" \
		--exec-root "$T/dockerd-exec" --pidfile "$T/dockerd.pid" --bridge=none --iptables=false \
		--ip6tables=false --ip-forward=false --ip-masq=false --userland-proxy=false \
		--cgroup-parent "$CG/dockerd" --exec-opt native.cgroupdriver=cgroupfs --storage-driver overlay2 \
		>"$T/dockerd.log" 2>&1 &
	dkd_pid=$!
	if wait_sock "$dkd_sock" $dkd_pid; then
		dkd_ns=$(readlink /proc/$dkd_pid/ns/mnt)
		DOCKER_HOST=unix://$dkd_sock docker load -i "$T/busybox.tar" >/dev/null
	else
		echo "dockerd did not start: not measured. Its log's end:" >&2
		tail -5 "$T/dockerd.log" >&2
		stop_pid "$dkd_pid"
		dkd_pid=
		use_dockerd=0
	fi
fi

# ---- podman, private (as ../shared/clients/10-podman.sh sets it up)
if [ $use_podman = 1 ]; then
	P=$T/podman
	mkdir -p "$P"/{root,runroot,tmp,networks,volumes}
	printf '[storage]\ndriver = "overlay"\nrunroot = "%s/runroot"\ngraphroot = "%s/root"\n' "$P" "$P" >"$P/storage.conf"
	cat >"$P/containers.conf" <<-EOF
		[containers]
		netns = "none"
		default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
		[network]
		network_config_dir = "$P/networks"
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$P/events.log"
		tmp_dir = "$P/tmp"
		static_dir = "$P/root/libpod"
		volume_path = "$P/volumes"
		lock_type = "file"
	EOF
	export CONTAINERS_CONF=$P/containers.conf CONTAINERS_STORAGE_CONF=$P/storage.conf
	# runc: crun 1.8 refuses a hybrid cgroup host whose v2 has controllers
	podman_cmd=(podman --root "$P/root" --runroot "$P/runroot" --tmpdir "$P/tmp" --cgroup-manager cgroupfs --runtime runc
		--events-backend file)
	if ! "${podman_cmd[@]}" load -i "$T/busybox.tar" >"$T/podman.log" 2>&1; then
		echo "podman load failed: podman not measured" >&2
		tail -3 "$T/podman.log" >&2
		use_podman=0
	fi
fi

# ---- docker run --rm, interleaved
now_us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print 0; else print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ms() { awk '{printf "%.1f", $1/1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a/b}'; }
timed() { # timed FILE ROUND COMMAND...: record the wall time after the warm-up
	local f=$1 r=$2 t0 t1
	shift 2
	t0=$(now_us)
	"$@" >/dev/null
	t1=$(now_us)
	[ "$r" -le "$w" ] || echo $((t1 - t0)) >>"$f"
}
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq $((n + w))); do
	timed "$T/run.mrd" "$r" docker -H "unix://$mrd_sock" run --rm --network none busybox true
	[ $use_dockerd = 0 ] || timed "$T/run.dkd" "$r" docker -H "unix://$dkd_sock" run --rm --network none busybox true
	[ $use_podman = 0 ] ||
		timed "$T/run.pod" "$r" "${podman_cmd[@]}" run --rm --network none --cgroup-parent "$CG/podman" busybox true
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- idle RSS (kB), after the runs and a second of quiet
sleep 1
rss() { # rss PID...: the sum of their VmRSS
	local p s=0 k
	for p in "$@"; do
		k=$(awk '/VmRSS/ {print $2}' "/proc/$p/status")
		s=$((s + k))
	done
	echo $s
}
mrd_rss=$(rss $mrd_pid)
if [ $use_dockerd = 1 ]; then
	ctd=$(pgrep -P "$dkd_pid" -x containerd || true)
	dkd_rss=$(rss $dkd_pid $ctd)
fi

# ---- docker ps with 100 containers (created, not started), on both daemons
ps_bench() { # ps_bench SOCKET TAG
	local i
	for i in $(seq 100); do docker -H "unix://$1" create --network none busybox true >/dev/null; done
	for i in $(seq $((n + w))); do
		# curl's own count: the request and the answer, not curl's start
		curl -sf -o /dev/null -w '%{time_total}\n' --unix-socket "$1" 'http://d/v1.41/containers/json?all=1' |
			awk -v r="$i" -v w="$w" 'r > w {printf "%d\n", $1 * 1000000}' >>"$T/api.$2"
		timed "$T/ps.$2" "$i" docker -H "unix://$1" ps -a
		timed "$T/ver.$2" "$i" docker -H "unix://$1" version
	done
}
ps_bench "$mrd_sock" mrd
mrd_rss100=$(rss $mrd_pid)
[ $use_dockerd = 0 ] || ps_bench "$dkd_sock" dkd

col() { # col FILE: the median in ms, or - when not measured
	if [ -s "$1" ]; then median <"$1" | ms; else echo -; fi
}
mrd_run=$(median <"$T/run.mrd")
dkd_head="dockerd (not measured)"
pod_head="podman (not measured)"
[ $use_dockerd = 0 ] || dkd_head="dockerd $(dockerd --version | awk '{print $3}' | tr -d ,) + containerd $(containerd --version | awk '{print $3}')"
[ $use_podman = 0 ] || pod_head="podman $(podman --version | awk '{print $3}') (runc)"

echo "machine: $(nproc) vCPU, $(uname -r); load average $load0 before the runs, $load1 after (shared with other work)"
echo "medians of $n runs after $w warm-up, interleaved; docker client $(docker version --format '{{.Client.Version}}' 2>/dev/null)"
echo
echo "| | minirund $("$minirund" --version | awk '{print $3}' | tr -d ,) | $dkd_head | $pod_head |"
echo "|---|---|---|---|"
echo "| run --rm --network none busybox true, wall | $(col "$T/run.mrd") ms | $(col "$T/run.dkd") ms | $(col "$T/run.pod") ms |"
printf '| minirund / peer | | %s | %s |\n' \
	"$([ -s "$T/run.dkd" ] && ratio "$mrd_run" "$(median <"$T/run.dkd")" || echo -)" \
	"$([ -s "$T/run.pod" ] && ratio "$mrd_run" "$(median <"$T/run.pod")" || echo -)"
echo "| idle RSS (the daemon; dockerd: + its containerd) | $((mrd_rss / 1024)).$((mrd_rss % 1024 * 10 / 1024)) MiB | ${dkd_rss:+$((dkd_rss / 1024)) MiB} | (no daemon) |"
echo "| RSS with 100 containers | $((mrd_rss100 / 1024)).$((mrd_rss100 % 1024 * 10 / 1024)) MiB | | |"
echo "| GET /containers/json?all=1, 100 containers (request to answer, curl's time_total) | $(col "$T/api.mrd") ms | $(col "$T/api.dkd") ms | |"
echo "| docker ps -a, 100 containers (client included) | $(col "$T/ps.mrd") ms | $(col "$T/ps.dkd") ms | |"
echo "| docker version (the client's own floor: one call) | $(col "$T/ver.mrd") ms | $(col "$T/ver.dkd") ms | |"
