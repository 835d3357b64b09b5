#!/usr/bin/env bats
# minirun spec: the default config.json (like `runc spec`), --rootless, and
# the example busybox bundle.

load helpers

CAPS='["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]'

@test "spec writes config.json in the current directory" {
	cd "$MR_TMP"
	run --separate-stderr "$MINIRUN" spec
	assert_status 0
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	[ -f "$MR_TMP/config.json" ]
	jq -e 'type == "object"' "$MR_TMP/config.json" >/dev/null
	# one file and nothing else
	assert_equal "$(ls -A "$MR_TMP")" "config.json"
}

@test "spec --bundle DIR writes DIR/config.json, not in the current directory" {
	mkdir "$MR_TMP/cwd" "$MR_TMP/bundle"
	cd "$MR_TMP/cwd"
	run --separate-stderr "$MINIRUN" spec --bundle "$MR_TMP/bundle"
	assert_status 0
	[ -f "$MR_TMP/bundle/config.json" ]
	[ ! -e "$MR_TMP/cwd/config.json" ]
}

@test "spec --bundle with a relative path" {
	mkdir -p "$MR_TMP/x/bundle"
	cd "$MR_TMP/x"
	run --separate-stderr "$MINIRUN" spec -b bundle
	assert_status 0
	[ -f "$MR_TMP/x/bundle/config.json" ]
	[ ! -e "$MR_TMP/x/config.json" ]
}

@test "spec in the current directory and with --bundle write the same file" {
	mkdir "$MR_TMP/a" "$MR_TMP/b"
	cd "$MR_TMP/a"
	run "$MINIRUN" spec
	assert_status 0
	run "$MINIRUN" spec --bundle "$MR_TMP/b"
	assert_status 0
	cmp "$MR_TMP/a/config.json" "$MR_TMP/b/config.json"
}

@test "spec refuses to overwrite config.json (file unchanged)" {
	printf 'precious\n' >"$MR_TMP/config.json"
	cp "$MR_TMP/config.json" "$MR_TMP/before"
	run --separate-stderr "$MINIRUN" spec --bundle "$MR_TMP"
	assert_status 1
	assert_equal "$output" ""
	assert_equal "$stderr" "minirun: config.json exists in $MR_TMP: remove it first"
	cmp "$MR_TMP/before" "$MR_TMP/config.json"
}

@test "spec refuses to overwrite config.json in the current directory" {
	cd "$MR_TMP"
	run "$MINIRUN" spec
	assert_status 0
	cp config.json before
	local mtime
	mtime=$(stat -c %Y.%s config.json)
	run --separate-stderr "$MINIRUN" spec
	assert_status 1
	assert_equal "$output" ""
	assert_match "$stderr" '^minirun: config\.json exists in .+: remove it first$'
	cmp before config.json
	assert_equal "$(stat -c %Y.%s config.json)" "$mtime"
}

@test "spec refuses a config.json that is a dangling symlink" {
	ln -s "$MR_TMP/elsewhere" "$MR_TMP/config.json"
	run --separate-stderr "$MINIRUN" spec --bundle "$MR_TMP"
	assert_status 1
	assert_equal "$output" ""
	assert_match "$stderr" '^minirun: '
	[ ! -e "$MR_TMP/elsewhere" ] || fail "spec wrote through the symlink"
}

@test "spec --bundle to a missing directory fails without creating it" {
	run --separate-stderr "$MINIRUN" spec --bundle "$MR_TMP/missing"
	assert_status 1
	assert_equal "$output" ""
	assert_line_count "$stderr" 1
	assert_match "$stderr" '^minirun: '
	[ ! -e "$MR_TMP/missing" ]
}

@test "spec with an unexpected argument is an error" {
	cd "$MR_TMP"
	run --separate-stderr "$MINIRUN" spec extra
	assert_status 1
	assert_equal "$output" ""
	assert_match "$stderr" '^minirun: '
	[ ! -e "$MR_TMP/config.json" ]
}

@test "spec output validates against the official OCI config schema" {
	run "$MINIRUN" spec -b "$MR_TMP"
	assert_status 0
	validate_official "$MR_TMP/config.json"
}

@test "spec output validates against minirun's config schema" {
	run "$MINIRUN" spec -b "$MR_TMP"
	assert_status 0
	validate_ours "$MR_TMP/config.json" config-schema.json
}

@test "spec output passes \$CONFIG_CHECK" {
	run "$MINIRUN" spec -b "$MR_TMP"
	assert_status 0
	mkdir "$MR_TMP/rootfs"  # the checker wants root.path to exist
	run --separate-stderr "$CONFIG_CHECK" "$MR_TMP"
	assert_status 0
	assert_equal "$output" ""
	assert_equal "$stderr" ""
}

@test "spec: process runs sh with a terminal, as root, in /" {
	run "$MINIRUN" spec -b "$MR_TMP"
	assert_status 0
	local c="$MR_TMP/config.json"
	assert_match "$(jq -r .ociVersion "$c")" '^1\.2\.[0-9]+$'
	assert_equal "$(jqf "$c" .process.terminal)" true
	assert_equal "$(jqf "$c" .process.args)" '["sh"]'
	assert_equal "$(jqf "$c" .process.cwd)" '"/"'
	assert_equal "$(jqf "$c" .process.user)" '{"uid":0,"gid":0}'
	jq -e '.process.env | index("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")' "$c" >/dev/null
	assert_equal "$(jqf "$c" .process.noNewPrivileges)" true
	assert_equal "$(jq -S -c .process.rlimits "$c")" '[{"hard":1024,"soft":1024,"type":"RLIMIT_NOFILE"}]'
}

@test "spec: root is rootfs, read-only" {
	run "$MINIRUN" spec -b "$MR_TMP"
	assert_status 0
	assert_equal "$(jqf "$MR_TMP/config.json" .root)" '{"path":"rootfs","readonly":true}'
}

@test "spec: bounding/effective/permitted caps only, no inheritable or ambient" {
	run "$MINIRUN" spec -b "$MR_TMP"
	assert_status 0
	local c="$MR_TMP/config.json"
	assert_equal "$(jqf "$c" '.process.capabilities | keys_unsorted | sort')" '["bounding","effective","permitted"]'
	local set
	for set in bounding effective permitted; do
		assert_equal "$(jqf "$c" ".process.capabilities.$set | sort")" "$CAPS"
	done
	jq -e '.process.capabilities | has("inheritable") | not' "$c" >/dev/null
	jq -e '.process.capabilities | has("ambient") | not' "$c" >/dev/null
}

@test "spec: namespaces pid, network, ipc, uts, mount, cgroup" {
	run "$MINIRUN" spec -b "$MR_TMP"
	assert_status 0
	assert_equal "$(jqf "$MR_TMP/config.json" '[.linux.namespaces[].type]')" \
		'["pid","network","ipc","uts","mount","cgroup"]'
	# no paths: new namespaces, not joined ones
	jq -e 'all(.linux.namespaces[]; has("path") | not)' "$MR_TMP/config.json" >/dev/null
	jq -e '.linux | has("uidMappings") or has("gidMappings") | not' "$MR_TMP/config.json" >/dev/null
}

@test "spec: the standard mounts, masked and read-only paths" {
	run "$MINIRUN" spec -b "$MR_TMP"
	assert_status 0
	local c="$MR_TMP/config.json"
	assert_equal "$(jqf "$c" '[.mounts[].destination]')" \
		'["/proc","/dev","/dev/pts","/dev/shm","/dev/mqueue","/sys","/sys/fs/cgroup"]'
	assert_equal "$(jqf "$c" '.mounts[] | select(.destination == "/proc") | [.type, .source]')" '["proc","proc"]'
	assert_equal "$(jqf "$c" '.mounts[] | select(.destination == "/sys") | [.type, .source]')" '["sysfs","sysfs"]'
	jq -e '.mounts[] | select(.destination == "/sys") | .options | index("ro")' "$c" >/dev/null
	assert_equal "$(jqf "$c" '.mounts[] | select(.destination == "/sys/fs/cgroup") | .type')" '"cgroup"'
	jq -e '.mounts[] | select(.destination == "/dev/pts") | .options | index("gid=5")' "$c" >/dev/null
	jq -e '.mounts[] | select(.destination == "/dev/pts") | .options | index("newinstance")' "$c" >/dev/null
	local p
	for p in /proc/acpi /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/scsi /sys/firmware; do
		jq -e --arg p "$p" '.linux.maskedPaths | index($p)' "$c" >/dev/null || fail "$p is not masked"
	done
	for p in /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger; do
		jq -e --arg p "$p" '.linux.readonlyPaths | index($p)' "$c" >/dev/null || fail "$p is not read-only"
	done
	# all devices denied by default, like runc
	assert_equal "$(jqf "$c" .linux.resources.devices)" '[{"allow":false,"access":"rwm"}]'
}

@test "spec: tab-indented like runc" {
	run "$MINIRUN" spec -b "$MR_TMP"
	assert_status 0
	local c="$MR_TMP/config.json"
	assert_equal "$(head -c 1 "$c")" "{"
	assert_equal "$(sed -n 2p "$c")" $'\t"ociVersion": '"$(jqf "$c" .ociVersion)"','
	grep -q $'^\t\t"terminal": true,$' "$c" || fail "process.terminal is not on its own line, indented by two tabs"
}

@test "spec output round-trips through \$CONFIG_CHECK --emit byte for byte" {
	run "$MINIRUN" spec -b "$MR_TMP"
	assert_status 0
	mkdir "$MR_TMP/rootfs"
	"$CONFIG_CHECK" --emit "$MR_TMP" >"$MR_TMP/emitted.json"
	if ! cmp "$MR_TMP/config.json" "$MR_TMP/emitted.json"; then
		diff -u "$MR_TMP/config.json" "$MR_TMP/emitted.json" >&2 || true
		fail "--emit differs from the spec output"
	fi
}

@test "spec --rootless output round-trips through \$CONFIG_CHECK --emit byte for byte" {
	run "$MINIRUN" spec --rootless -b "$MR_TMP"
	assert_status 0
	mkdir "$MR_TMP/rootfs"
	"$CONFIG_CHECK" --emit "$MR_TMP" >"$MR_TMP/emitted.json"
	if ! cmp "$MR_TMP/config.json" "$MR_TMP/emitted.json"; then
		diff -u "$MR_TMP/config.json" "$MR_TMP/emitted.json" >&2 || true
		fail "--emit differs from the spec --rootless output"
	fi
}

# check_rootless CONFIG UID GID
check_rootless() {
	local c=$1 uid=$2 gid=$3
	# a user namespace, no network namespace, the rest as before
	assert_equal "$(jqf "$c" '[.linux.namespaces[].type] | sort')" \
		'["cgroup","ipc","mount","pid","user","uts"]'
	assert_equal "$(jqf "$c" .linux.uidMappings)" "[{\"containerID\":0,\"hostID\":$uid,\"size\":1}]"
	assert_equal "$(jqf "$c" .linux.gidMappings)" "[{\"containerID\":0,\"hostID\":$gid,\"size\":1}]"
	# /sys is a read-only bind mount of the host's, not a new sysfs
	local sys
	sys=$(jqf "$c" '[.mounts[] | select(.destination == "/sys")]')
	assert_equal "$(jq -c 'length' <<<"$sys")" 1
	assert_equal "$(jq -c '.[0].source' <<<"$sys")" '"/sys"'
	jq -e '.[0].type != "sysfs"' <<<"$sys" >/dev/null || fail "/sys is still a sysfs mount: $sys"
	jq -e '.[0].options | (index("rbind") or index("bind"))' <<<"$sys" >/dev/null || fail "/sys is not a bind mount: $sys"
	jq -e '.[0].options | index("ro")' <<<"$sys" >/dev/null || fail "/sys is not read-only: $sys"
	# no cgroup mount, no gid= on devpts
	jq -e '[.mounts[] | select(.destination == "/sys/fs/cgroup" or .type == "cgroup")] | length == 0' "$c" >/dev/null \
		|| fail "rootless config still mounts a cgroup fs"
	jq -e '.mounts[] | select(.destination == "/dev/pts") | all(.options[]; startswith("gid=") | not)' "$c" >/dev/null \
		|| fail "devpts still has a gid= option"
	# what did not change
	assert_equal "$(jqf "$c" .root)" '{"path":"rootfs","readonly":true}'
	assert_equal "$(jqf "$c" '.process.capabilities | keys_unsorted | sort')" '["bounding","effective","permitted"]'
}

@test "spec --rootless: user namespace mapping the caller's ids, no network namespace" {
	run --separate-stderr "$MINIRUN" spec --rootless -b "$MR_TMP"
	assert_status 0
	assert_equal "$output" ""
	check_rootless "$MR_TMP/config.json" "$(id -u)" "$(id -g)"
}

@test "spec --rootless maps the ids of a non-root caller" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to another uid"
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
	mkdir "$MR_TMP/b"
	chown 4321:8765 "$MR_TMP/b"
	chmod 755 "$MR_TMP"
	run --separate-stderr setpriv --reuid=4321 --regid=8765 --clear-groups \
		"$MINIRUN" spec --rootless -b "$MR_TMP/b"
	assert_status 0
	check_rootless "$MR_TMP/b/config.json" 4321 8765
}

@test "spec --rootless validates against the official schema, ours and \$CONFIG_CHECK" {
	run "$MINIRUN" spec --rootless -b "$MR_TMP"
	assert_status 0
	validate_official "$MR_TMP/config.json"
	validate_ours "$MR_TMP/config.json" config-schema.json
	mkdir "$MR_TMP/rootfs"
	run --separate-stderr "$CONFIG_CHECK" "$MR_TMP"
	assert_status 0
	assert_equal "$stderr" ""
}

@test "spec --rootless differs from spec only where it should" {
	mkdir "$MR_TMP/a" "$MR_TMP/b"
	run "$MINIRUN" spec -b "$MR_TMP/a"
	assert_status 0
	run "$MINIRUN" spec --rootless -b "$MR_TMP/b"
	assert_status 0
	# Strip what --rootless changes; what remains must be equal.
	local strip='del(.linux.namespaces, .linux.uidMappings, .linux.gidMappings, .linux.resources)
		| .mounts |= map(select(.destination != "/sys" and .destination != "/sys/fs/cgroup"
			and .destination != "/dev/pts"))'
	assert_equal "$(jq -S -c "$strip" "$MR_TMP/b/config.json")" "$(jq -S -c "$strip" "$MR_TMP/a/config.json")"
}

@test "\$CONFIG_CHECK names the JSON path of an invalid namespace" {
	run "$MINIRUN" spec -b "$MR_TMP"
	assert_status 0
	mkdir "$MR_TMP/rootfs"
	jq '.linux.namespaces += [{"type": "bogus"}]' "$MR_TMP/config.json" >"$MR_TMP/c" && mv "$MR_TMP/c" "$MR_TMP/config.json"
	run --separate-stderr "$CONFIG_CHECK" "$MR_TMP"
	assert_status 1
	assert_equal "$output" ""
	# the message, optionally followed by a parenthesized hint
	assert_match "$stderr" '^config\.json: linux\.namespaces\[6\]\.type: unknown namespace "bogus"( \([^()]*\))?$'
}

# ---- the busybox example bundle

@test "bundles/busybox/config.json validates against the official schema and ours" {
	validate_official "$BUSYBOX_BUNDLE/config.json"
	validate_ours "$BUSYBOX_BUNDLE/config.json" config-schema.json
}

@test "bundles/busybox: mkrootfs.sh builds a rootfs and the bundle passes \$CONFIG_CHECK" {
	requires_static_busybox
	make_busybox_bundle "$MR_TMP/bundle"
	local r="$MR_TMP/bundle/rootfs"
	[ -x "$r/bin/busybox" ]
	cmp /bin/busybox "$r/bin/busybox"
	[ -L "$r/bin/sh" ]
	[ -x "$r/bin/sh" ]
	local d
	for d in bin sbin usr/bin usr/sbin etc proc sys dev tmp root var run; do
		[ -d "$r/$d" ] || fail "rootfs lacks /$d"
	done
	assert_equal "$(stat -c %a "$r/tmp")" 1777
	grep -q '^root:x:0:0:' "$r/etc/passwd"
	grep -q '^root:x:0:' "$r/etc/group"
	# every applet has its link
	local a
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || [ -L "$r/bin/$a" ] || [ -e "$r/bin/$a" ] || fail "no /bin/$a"
	done
	# the links resolve to the rootfs' busybox, not the host's (chroot view)
	assert_match "$(readlink "$r/bin/sh")" '^(busybox|/bin/busybox)$'

	run --separate-stderr "$CONFIG_CHECK" "$MR_TMP/bundle"
	assert_status 0
	assert_equal "$stderr" ""
	validate_official "$MR_TMP/bundle/config.json"
}

@test "bundles/busybox: the rootfs runs the config's command (chroot)" {
	requires_static_busybox
	[ "$(id -u)" -eq 0 ] || skip "needs root for chroot"
	make_busybox_bundle "$MR_TMP/bundle"
	local chroot cmd
	chroot=$(PATH=$PATH:/usr/sbin:/sbin command -v chroot) || skip "needs chroot"
	mapfile -t cmd < <(jq -r '.process.args[]' "$MR_TMP/bundle/config.json")
	run --separate-stderr env -i PATH=/bin "$chroot" "$MR_TMP/bundle/rootfs" "${cmd[@]}"
	assert_status 0
	assert_contains "$output" "hello from minirun"
	assert_contains "$output" "uid=0(root)"
}

@test "bundles/busybox: mkrootfs.sh is idempotent and rebuilds cleanly" {
	requires_static_busybox
	local r="$MR_TMP/rootfs"
	run "$BUSYBOX_BUNDLE/mkrootfs.sh" "$r"
	assert_status 0
	touch "$r/stray" "$r/bin/stray"
	rm "$r/bin/ls"
	run "$BUSYBOX_BUNDLE/mkrootfs.sh" "$r"
	assert_status 0
	[ ! -e "$r/stray" ] && [ ! -e "$r/bin/stray" ] || fail "stale files survived the rebuild"
	[ -L "$r/bin/ls" ] || fail "the rebuild did not restore /bin/ls"
	# no temporary directories left beside it
	assert_equal "$(ls -A "$MR_TMP")" "rootfs"
}

@test "bundles/busybox: mkrootfs.sh refuses a dynamically linked busybox" {
	local dyn=/bin/ls
	[ -x "$dyn" ] || skip "no /bin/ls"
	run --separate-stderr env BUSYBOX="$dyn" "$BUSYBOX_BUNDLE/mkrootfs.sh" "$MR_TMP/rootfs"
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "busybox-static"
	[ ! -e "$MR_TMP/rootfs" ]
}

@test "bundles/busybox: mkrootfs.sh refuses to replace a directory that is not a rootfs" {
	mkdir "$MR_TMP/precious"
	echo data >"$MR_TMP/precious/file"
	run --separate-stderr "$BUSYBOX_BUNDLE/mkrootfs.sh" "$MR_TMP/precious"
	[ "$status" -ne 0 ]
	assert_equal "$(cat "$MR_TMP/precious/file")" data
}

@test "bundles/busybox/config.json is spec's output with a non-interactive demo" {
	run "$MINIRUN" spec -b "$MR_TMP"
	assert_status 0
	local b="$BUSYBOX_BUNDLE/config.json"
	assert_equal "$(jqf "$b" .process.terminal)" false
	assert_equal "$(jqf "$b" .hostname)" '"minirun"'
	assert_equal "$(jqf "$b" '.process.args[0]')" '"sh"'
	# everything else is what `minirun spec` writes
	local norm='del(.process.terminal, .process.args, .hostname)'
	assert_equal "$(jq -S -c "$norm" "$b")" "$(jq -S -c "$norm" "$MR_TMP/config.json")"
}

@test "bundles/busybox/config.json is in the emitter's canonical form" {
	mkdir -p "$MR_TMP/b/rootfs"
	cp "$BUSYBOX_BUNDLE/config.json" "$MR_TMP/b/"
	"$CONFIG_CHECK" --emit "$MR_TMP/b" >"$MR_TMP/emitted.json"
	if ! cmp "$MR_TMP/b/config.json" "$MR_TMP/emitted.json"; then
		diff -u "$MR_TMP/b/config.json" "$MR_TMP/emitted.json" >&2 || true
		fail "bundles/busybox/config.json is not written the way minirun writes it"
	fi
}
