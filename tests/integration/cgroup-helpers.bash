# Helpers for cgroups.bats (issue 5): the host's cgroup layout and
# hierarchies, a container's cgroup files as its init's /proc/PID/cgroup
# places them, cgroups a test makes itself, and a teardown that fails the
# test when a cgroup is left behind. `load helpers` first.
#
# Every cgroup a test touches lies under $MINIRUN_CGROUP_PARENT
# (/minirun-test/cgroups-<pid>, set by helpers.bash): the host's other
# cgroups are never written.

# CG_LAYOUT: v2 (cgroup2 at /sys/fs/cgroup), hybrid (v1 controllers and a
# cgroup2 mount at /sys/fs/cgroup/unified) or v1.
cg_layout() {
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		echo v2
	elif [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
		echo hybrid
	else
		echo v1
	fi
}
CG_LAYOUT=$(cg_layout)

cg_v2() { [ "$CG_LAYOUT" = v2 ]; }

# cg_hierarchies: "MOUNT CONTROLLERS" for each cgroup hierarchy mounted at
# /sys/fs/cgroup or just below it, one per hierarchy. CONTROLLERS is the v1
# mount's controller list ("cpu", "cpu,cpuacct", "name=systemd") or
# "cgroup2". (Read once per test: every process costs a tenth of a second
# in the emulated cgroup v2 VM.)
cg_read_hierarchies() {
	awk -v known=",$(awk 'NR > 1 { printf "%s,", $1 }' /proc/cgroups)" '
	{
		for (i = 7; i <= NF && $i != "-"; i++)
			;
		fstype = $(i + 1); opts = $(i + 3); mp = $5
		if (mp != "/sys/fs/cgroup" && mp !~ /^\/sys\/fs\/cgroup\/[^\/]+$/)
			next
		if (fstype == "cgroup2") {
			ctl = "cgroup2"
		} else if (fstype == "cgroup") {
			n = split(opts, o, ",")
			ctl = ""
			for (j = 1; j <= n; j++)
				if (o[j] ~ /^name=/ || index(known, "," o[j] ","))
					ctl = ctl (ctl == "" ? "" : ",") o[j]
		} else {
			next
		}
		if (!(ctl in seen)) {
			seen[ctl] = 1
			print mp, ctl
		}
	}' /proc/self/mountinfo
}
CG_HIERARCHIES=$(cg_read_hierarchies)

cg_hierarchies() {
	printf '%s\n' "$CG_HIERARCHIES"
}

# cg_dirs PATH: the directory of cgroup PATH in every hierarchy.
cg_dirs() {
	local mp ctl
	while read -r mp ctl; do
		echo "$mp$1"
	done <<<"$CG_HIERARCHIES"
}

# cg_proc_path PID CONTROLLER: PID's cgroup in the hierarchy that has
# CONTROLLER (a v1 name, "name=systemd", or "cgroup2" for the unified one),
# from /proc/PID/cgroup. Fails when there is no such hierarchy.
cg_proc_path() {
	local id ctl path
	while IFS=: read -r id ctl path; do
		if [ "$2" = cgroup2 ]; then
			[ "$id:$ctl" != 0: ] || { echo "$path"; return 0; }
		elif [[ -n $ctl && ,$ctl, == *",$2,"* ]]; then
			echo "$path"
			return 0
		fi
	done <"/proc/$1/cgroup"
	return 1
}

# cg_mount CONTROLLER: the mount of the hierarchy that has CONTROLLER.
cg_mount() {
	local mp ctl
	while read -r mp ctl; do
		if [[ ,$ctl, == *",$1,"* ]]; then
			echo "$mp"
			return 0
		fi
	done <<<"$CG_HIERARCHIES"
	return 1
}

# cg_dir_of PID CONTROLLER: the directory of PID's cgroup that holds
# CONTROLLER's files: on v2 the cgroup2 one (CONTROLLER is a v2 name), on
# v1 the controller's hierarchy, and on a hybrid host a controller that v1
# does not have but the unified hierarchy does (hugetlb here) is there.
cg_dir_of() {
	local pid=$1 c=$2 mp p
	if cg_v2 || [ "$c" = cgroup2 ]; then
		mp=$(cg_mount cgroup2) && p=$(cg_proc_path "$pid" cgroup2) || return 1
	elif mp=$(cg_mount "$c"); then
		p=$(cg_proc_path "$pid" "$c") || return 1
	elif [ "$CG_LAYOUT" = hybrid ] && grep -qw "$c" /sys/fs/cgroup/unified/cgroup.controllers; then
		mp=/sys/fs/cgroup/unified
		p=$(cg_proc_path "$pid" cgroup2) || return 1
	else
		return 1
	fi
	echo "$mp${p%/}"
}

# cg_has CONTROLLER: the host has CONTROLLER for containers (v1: a mounted
# hierarchy or, hybrid, the unified one; v2: in the root's cgroup.controllers).
cg_has() {
	if cg_v2; then
		grep -qw "$1" /sys/fs/cgroup/cgroup.controllers
	else
		cg_mount "$1" >/dev/null ||
			{ [ "$CG_LAYOUT" = hybrid ] && grep -qw "$1" /sys/fs/cgroup/unified/cgroup.controllers; }
	fi
}

# cg_pid ID: the pid in ID's state (as ct_pid, without a jq process: jq
# costs a third of a second in the emulated cgroup v2 VM).
cg_pid() {
	local s
	s=$(ct_state "$1") || return 1
	[[ $s =~ \"pid\":\ *([0-9]+) ]] || { echo "no pid in the state of $1: $s" >&2; return 1; }
	echo "${BASH_REMATCH[1]}"
}

# cg_file ID CONTROLLER FILE: FILE of container ID's cgroup (found from its
# init's /proc/PID/cgroup).
cg_file() {
	local dir
	dir=$(cg_dir_of "$(cg_pid "$1")" "$2") || { echo "no $2 cgroup for $1" >&2; return 1; }
	echo "$dir/$3"
}

# cg_val ID CONTROLLER FILE: the first line of that file, without the
# "default " that io.weight and io.bfq.weight put in front.
cg_val() {
	local f v
	f=$(cg_file "$@") || return 1
	[ -e "$f" ] || { echo "no file $f" >&2; return 1; }
	v=
	read -r v <"$f" || true
	echo "${v#default }"
}

# cg_expect ID CONTROLLER FILE VALUE: cg_val is VALUE (says which file not).
cg_expect() {
	local v
	v=$(cg_val "$1" "$2" "$3") || return 1
	if [ "$v" != "$4" ]; then
		printf '%s of %s: expected "%s", got "%s"\n' "$3" "$1" "$4" "$v" >&2
		return 1
	fi
}

# cg_path NAME: a cgroup path for one container of this test run.
cg_path() {
	echo "$MINIRUN_CGROUP_PARENT/$1"
}

# cg_assert_gone PATH: no hierarchy has cgroup PATH.
cg_assert_gone() {
	local d left=""
	for d in $(cg_dirs "$1"); do
		[ ! -e "$d" ] || left+=" $d"
	done
	[ -z "$left" ] || fail "cgroup left behind:$left"
}

# cg_assert_exists PATH: every hierarchy has cgroup PATH.
cg_assert_exists() {
	local d missing=""
	for d in $(cg_dirs "$1"); do
		[ -d "$d" ] || missing+=" $d"
	done
	[ -z "$missing" ] || fail "cgroup missing:$missing"
}

# cg_assert_placed PID PATH: /proc/PID/cgroup has PATH in every hierarchy
# (on a hybrid host the unified one too: "0::PATH").
cg_assert_placed() {
	cg_assert_lines "$(cat "/proc/$1/cgroup")" "$2"
}

# cg_assert_lines CGROUP-FILE-CONTENT PATH: each line of a /proc/PID/cgroup
# text ends in ":PATH", and there is a line for each mounted hierarchy.
cg_assert_lines() {
	local text=$1 want=$2 line bad="" n
	while IFS= read -r line; do
		[ "${line#*:*:}" = "$want" ] || bad+="$line"$'\n'
	done <<<"$text"
	[ -z "$bad" ] || fail "not in $want:"$'\n'"$bad(all: $text)"
	n=$(grep -c . <<<"$CG_HIERARCHIES")
	# (/proc/PID/cgroup also lists hierarchies mounted elsewhere or not at all)
	[ "$(grep -c . <<<"$text")" -ge "$n" ] || fail "expected $n hierarchies in: $text"
	if [ "$CG_LAYOUT" != v1 ]; then
		grep -qx "0::$want" <<<"$text" || fail "no 0::$want (the unified hierarchy) in: $text"
	fi
}

# cg_mkdir PATH: make cgroup PATH in every hierarchy, as a test-owned
# cgroup (removed by cg_teardown): v1 cpuset levels get their parent's cpus
# and mems, or no process could join them.
cg_mkdir() {
	local mp ctl
	echo "$1" >>"$MR_TMP/.cg-made"
	while read -r mp ctl; do
		cg_mkdir_in "$mp" "$ctl" "$1" || return 1
	done < <(cg_hierarchies)
}

# cg_enter PATH: move this shell ($BASHPID) into cgroup PATH in every
# hierarchy (use in a subshell that exits before the test ends).
cg_enter() {
	local d
	for d in $(cg_dirs "$1"); do
		echo "$BASHPID" >"$d/cgroup.procs" || { echo "cannot move into $d" >&2; return 1; }
	done
}

# cg_leftovers: cgroup directories under $MINIRUN_CGROUP_PARENT, any hierarchy.
cg_leftovers() {
	local d
	for d in $(cg_dirs "$MINIRUN_CGROUP_PARENT"); do
		[ ! -d "$d" ] || find "$d" -mindepth 1 -type d
	done
}

# cg_teardown: ct_teardown, then remove the cgroups the test made itself
# (cg_mkdir); fails the test when any other cgroup is left under
# $MINIRUN_CGROUP_PARENT (and removes it).
cg_teardown() {
	local made="" r=0 p d
	[ ! -f "${MR_TMP:-/nonexistent}/.cg-made" ] || made=$(sort -ru "$MR_TMP/.cg-made")
	# a test-made cgroup the test froze (and failed before thawing) would
	# keep the processes in it from dying
	for p in $made; do
		for d in $(cg_dirs "$p"); do
			[ ! -f "$d/freezer.state" ] || echo THAWED >"$d/freezer.state" 2>/dev/null || true
			[ ! -f "$d/cgroup.freeze" ] || echo 0 >"$d/cgroup.freeze" 2>/dev/null || true
		done
	done
	ct_teardown || r=$?
	for p in $made; do
		for d in $(cg_dirs "$p"); do
			[ ! -d "$d" ] || rmdir "$d" 2>/dev/null || true
		done
	done
	# a test-made cgroup's parents (below the file's parent) are the test's too
	for p in $made; do
		while p=${p%/*}; [ "${#p}" -gt "${#MINIRUN_CGROUP_PARENT}" ]; do
			for d in $(cg_dirs "$p"); do
				[ ! -d "$d" ] || rmdir "$d" 2>/dev/null || true
			done
		done
	done
	cg_remove_leftovers || r=1
	cgroup_parent_cleanup
	return $r
}

# cg_remove_leftovers: fails (saying which) when a cgroup is left under
# $MINIRUN_CGROUP_PARENT in any hierarchy, after removing it (and killing
# its processes: the tests only put containers there).
cg_remove_leftovers() {
	local left d
	left=$(cg_leftovers)
	[ -n "$left" ] || return 0
	echo "cgroups left behind:"$'\n'"$left" >&2
	sort -r <<<"$left" | while read -r d; do
		xargs -r kill -KILL <"$d/cgroup.procs" 2>/dev/null || true
		sleep 0.1
		rmdir "$d" 2>/dev/null || true
	done
	return 1
}

# cg_json_args ARG...: the arguments as a JSON array of strings (in bash:
# python costs seconds a call in the emulated cgroup v2 VM).
cg_json_args() {
	local a out="" sep="" c
	for a in "$@"; do
		a=${a//\\/\\\\}
		a=${a//\"/\\\"}
		a=${a//$'\n'/\\n}
		a=${a//$'\t'/\\t}
		for c in $'\r' $'\b' $'\f'; do
			[[ $a != *"$c"* ]] || { echo "cg_json_args: control character in: $a" >&2; return 1; }
		done
		out+="$sep\"$a\""
		sep=,
	done
	echo "[$out]"
}

# cg_bundle DIR NAME [ARG...]: a busybox bundle (as bb_bundle DIR ARGS)
# whose linux.cgroupsPath is $(cg_path NAME).
cg_bundle() {
	local dir=$1 name=$2 args=null
	shift 2
	bb_bundle "$dir"
	[ $# -eq 0 ] || args=$(cg_json_args "$@") || return 1
	bb_cfg "$dir" '(if $a != null then .process.args = $a else . end) | .linux.cgroupsPath = $p' \
		--argjson a "$args" --arg p "$(cg_path "$name")"
}

# cg_no_cgroupns DIR: drop the cgroup namespace from DIR's config, so that
# /proc/self/cgroup in the container shows the host's paths.
cg_no_cgroupns() {
	bb_cfg "$1" '.linux.namespaces |= map(select(.type != "cgroup"))'
}

# cg_start ID BUNDLE: ct_create, then start (the container runs).
cg_start() {
	ct_create "$1" "$2" || return 1
	xrun mr start "$1"
	if [ "$status" -ne 0 ]; then
		echo "start $1 failed: $stderr" >&2
		return 1
	fi
}

# cg_weight_file ID: the blockIO weight file container ID's cgroup has (v1
# blkio.bfq.weight or blkio.weight; v2 io.bfq.weight or io.weight), or
# fails: a v1 kernel without BFQ has none (CFQ's blkio.weight is gone since
# 5.0), nor has a v2 kernel without BFQ and iocost.
cg_weight_file() {
	local c f
	cg_v2 && c=io || c=blkio
	if ! cg_v2 && ! cg_mount blkio >/dev/null; then
		c=io # a hybrid host with io in its unified hierarchy
	fi
	for f in $c.bfq.weight $c.weight; do
		[ ! -e "$(cg_file "$1" "$c" "$f" 2>/dev/null)" ] || { echo "$f"; return 0; }
	done
	return 1
}

# cg_probe: the files this host gives a container's cgroup, from a probe
# container (made and deleted here, once per test): many are not in the
# root cgroup (io.weight, cpu.max.burst), nor does the kernel's version
# tell (a feature may be configured out or backported). CG_PROBE_FILES:
# "CONTROLLER FILE" lines.
cg_probe() {
	local pid c d f
	[ -z "${CG_PROBE_FILES:-}" ] || return 0
	cg_bundle "$MR_TMP/probe-bundle" cgprobe sleep 1000 || return 1
	ct_create cgprobe "$MR_TMP/probe-bundle" || return 1
	pid=$(cg_pid cgprobe)
	CG_PROBE_FILES=$(for c in memory cpu cpuset io blkio pids hugetlb rdma net_cls net_prio cgroup2; do
		d=$(cg_dir_of "$pid" "$c" 2>/dev/null) || continue
		for f in "$d"/*; do
			[ -f "$f" ] && echo "$c ${f##*/}"
		done
	done)
	"$MINIRUN" --root "$MR_ROOT" delete --force cgprobe
}

# cg_probe_has CONTROLLER FILE: a container's cgroup has FILE (cg_probe).
cg_probe_has() {
	cg_probe || return 1
	grep -qx "$1 $2" <<<"$CG_PROBE_FILES"
}

# cg_probe_weight: CG_WEIGHT_FILE, the blockIO weight file of a
# container's cgroup on this host ("" when it has none).
cg_probe_weight() {
	local c f
	CG_WEIGHT_FILE=
	for c in io blkio; do
		for f in $c.bfq.weight $c.weight; do
			if cg_probe_has "$c" "$f"; then
				CG_WEIGHT_FILE=$f
				return 0
			fi
		done
	done
}

CG_NO_WEIGHT="this host's blkio/io controller has no weight file (no BFQ; no iocost on v2): runs in the cgroup v2 VM lane (io.weight) or on a BFQ host"

# cg_expect_blkio_weight ID WEIGHT: the blockIO weight in the files this
# host has: v1 blkio.bfq.weight or blkio.weight; v2 io.bfq.weight, or
# io.weight converted as runc does (1 + (w - 10) * 9999 / 990).
cg_expect_blkio_weight() {
	local id=$1 w=$2
	if cg_v2; then
		if [ -e "$(cg_file "$id" io io.bfq.weight)" ]; then
			cg_expect "$id" io io.bfq.weight "$w"
		else
			cg_expect "$id" io io.weight $((1 + (w - 10) * 9999 / 990))
		fi
	elif [ -e "$(cg_file "$id" blkio blkio.bfq.weight)" ]; then
		cg_expect "$id" blkio blkio.bfq.weight "$w"
	else
		cg_expect "$id" blkio blkio.weight "$w"
	fi
}
