#!/bin/bash
# bench/daemon.sh: minirund against its peers, in one run, interleaved:
#   docker run --rm busybox true   against minirund, against a private dockerd
#                                   (docker.io, with its own containerd), and
#   podman run --rm busybox true   (podman with a private store)
# plus minirund's idle RSS and `docker ps` with 100 containers.
# Medians of wall time. Needs root, the docker client, busybox-static; podman
# and dockerd are measured when installed (apt-get install podman docker.io).
# Nothing it starts listens anywhere but on unix sockets in its temp dir;
# dockerd runs with --bridge=none --iptables=false, so the host's network is
# left alone. Everything is stopped and removed at the end.
#
# Usage: sudo bench/daemon.sh [-n N] [--no-dockerd] [--no-podman] [--minirund PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
n=20
use_dockerd=1
use_podman=1
minirund=$top/minirund
while [ $# -gt 0 ]; do
	case $1 in
	-n) n=$2; shift ;;
	--no-dockerd) use_dockerd=0 ;;
	--no-podman) use_podman=0 ;;
	--minirund) minirund=$2; shift ;;
	*) echo "usage: $0 [-n N] [--no-dockerd] [--no-podman] [--minirund PATH]" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "bench/daemon.sh: run as root" >&2; exit 1; }
command -v docker >/dev/null || { echo "bench/daemon.sh: no docker client (apt-get install docker.io)" >&2; exit 1; }
command -v dockerd >/dev/null || use_dockerd=0
command -v podman >/dev/null || use_podman=0

T=$(mktemp -d /tmp/mrd-bench.XXXXXX)
pids=()
cleanup() {
	set +e
	DOCKER_HOST=unix://$T/mrd.sock docker rm -f $(DOCKER_HOST=unix://$T/mrd.sock docker ps -aq 2>/dev/null) >/dev/null 2>&1
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; done
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	grep -o " $T[^ ]*" /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$T"
}
trap cleanup EXIT

wait_sock() { for i in $(seq 300); do curl -sf --unix-socket "$1" http://d/_ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

"$top/tests/daemon/mkimage.sh" docker-archive "$T/busybox.tar" busybox:latest

# minirund
"$minirund" --host "unix://$T/mrd.sock" --data-root "$T/mrd-data" --exec-root "$T/mrd-exec" \
	--cgroup-parent /minirun-bench 2>"$T/minirund.log" &
pids+=($!)
mrd_pid=$!
wait_sock "$T/mrd.sock"
DOCKER_HOST=unix://$T/mrd.sock docker load -i "$T/busybox.tar" >/dev/null

# dockerd, private
if [ $use_dockerd = 1 ]; then
	dockerd --host "unix://$T/dockerd.sock" --data-root "$T/dockerd-data" --exec-root "$T/dockerd-exec" \
		--pidfile "$T/dockerd.pid" --bridge=none --iptables=false --ip6tables=false \
		--storage-driver overlay2 >"$T/dockerd.log" 2>&1 &
	pids+=($!)
	if wait_sock "$T/dockerd.sock"; then
		DOCKER_HOST=unix://$T/dockerd.sock docker load -i "$T/busybox.tar" >/dev/null
	else
		echo "dockerd did not start (see below): not measured" >&2
		tail -5 "$T/dockerd.log" >&2
		use_dockerd=0
	fi
fi

# podman, private (as ../shared/clients/10-podman.sh sets it up)
if [ $use_podman = 1 ]; then
	P=$T/podman
	mkdir -p "$P"/{root,runroot,tmp}
	printf '[storage]\ndriver = "overlay"\nrunroot = "%s/runroot"\ngraphroot = "%s/root"\n' "$P" "$P" >"$P/storage.conf"
	printf '[containers]\nnetns = "none"\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nevents_logfile_path = "%s/events.log"\ntmp_dir = "%s/tmp"\nlock_type = "file"\n' \
		"$P" "$P" >"$P/containers.conf"
	export CONTAINERS_CONF=$P/containers.conf CONTAINERS_STORAGE_CONF=$P/storage.conf
	podman_cmd=(podman --root "$P/root" --runroot "$P/runroot" --tmpdir "$P/tmp")
	"${podman_cmd[@]}" load -i "$T/busybox.tar" >/dev/null 2>&1 || use_podman=0
fi

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ms() { awk '{printf "%.1f", $1/1000000}'; }

: >"$T/mrd.t"; : >"$T/dockerd.t"; : >"$T/podman.t"
for i in $(seq $((n + 2))); do
	t=$(now); DOCKER_HOST=unix://$T/mrd.sock docker run --rm --network none busybox true; e=$(( $(now) - t ))
	[ "$i" -gt 2 ] && echo $e >>"$T/mrd.t"
	if [ $use_dockerd = 1 ]; then
		t=$(now); DOCKER_HOST=unix://$T/dockerd.sock docker run --rm --network none busybox true; e=$(( $(now) - t ))
		[ "$i" -gt 2 ] && echo $e >>"$T/dockerd.t"
	fi
	if [ $use_podman = 1 ]; then
		t=$(now); "${podman_cmd[@]}" run --rm --network none busybox true; e=$(( $(now) - t ))
		[ "$i" -gt 2 ] && echo $e >>"$T/podman.t"
	fi
done

mrd_ms=$(median <"$T/mrd.t" | ms)
rss=$(awk '/VmRSS/ {print $2}' /proc/$mrd_pid/status)

# docker ps with 100 containers (created, not started)
for i in $(seq 100); do DOCKER_HOST=unix://$T/mrd.sock docker create busybox true >/dev/null; done
: >"$T/ps.t"
for i in $(seq $n); do
	t=$(now); curl -sf --unix-socket "$T/mrd.sock" 'http://d/v1.41/containers/json?all=1' >/dev/null; echo $(( $(now) - t )) >>"$T/ps.t"
done
: >"$T/dps.t"
for i in $(seq $n); do
	t=$(now); DOCKER_HOST=unix://$T/mrd.sock docker ps -a >/dev/null; echo $(( $(now) - t )) >>"$T/dps.t"
done
rss100=$(awk '/VmRSS/ {print $2}' /proc/$mrd_pid/status)

echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (2 vCPU, shared with other work)"
echo
echo "| docker run --rm busybox true, median of $n | wall |"
echo "|---|---|"
echo "| minirund | $mrd_ms ms |"
[ $use_dockerd = 1 ] && echo "| dockerd $(dockerd --version | awk '{print $3}' | tr -d ,) + containerd | $(median <"$T/dockerd.t" | ms) ms |"
[ $use_podman = 1 ] && echo "| podman run --rm ($(podman --version | awk '{print $3}')) | $(median <"$T/podman.t" | ms) ms |"
echo
echo "| minirund | |"
echo "|---|---|"
echo "| idle RSS (after the runs) | $rss kB |"
echo "| RSS with 100 containers | $rss100 kB |"
echo "| GET /containers/json, 100 containers | $(median <"$T/ps.t" | ms) ms |"
echo "| docker ps -a, 100 containers (client included) | $(median <"$T/dps.t" | ms) ms |"
