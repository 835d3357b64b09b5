#!/usr/bin/env bats
# minirund's images (issue 12): docker load of docker-archive and OCI
# archives (ours, skopeo's), layers content-addressed and kept once, the
# whiteouts in overlayfs form, hostile tars refused with nothing left
# behind, save giving back the loaded bytes, tag, rmi, import, inspect,
# history, filters.

load helpers
load daemon-helpers

setup_file() { daemon_setup_file; }
teardown_file() { daemon_teardown_file; }

layers_here() {
	find "$DMN_DIR/data/layers" -mindepth 1 -maxdepth 1 | wc -l
}

archive() { # archive OUT NAME SPEC-JSON
	printf '%s' "$3" >"$DMN_DIR/spec.json"
	python3 "$TOP_SRCDIR/tests/daemon/mkarchive.py" "$1" "$2" "$DMN_DIR/spec.json"
}

@test "docker load of a docker-archive: the image, its config and its one layer" {
	run dk images --format '{{.Repository}}:{{.Tag}} {{.Size}}'
	assert_equal "$output" "busybox:latest 1.98MB"
	run dk image inspect -f '{{json .Config.Cmd}} {{.Os}} {{len .RootFS.Layers}}' busybox
	assert_equal "$output" '["sh"] linux 1'
	diff_id=$(dk image inspect -f '{{index .RootFS.Layers 0}}' busybox)
	[ -d "$DMN_DIR/data/layers/${diff_id#sha256:}/diff/bin" ]
	[ -f "$DMN_DIR/data/layers/${diff_id#sha256:}/diff/bin/busybox" ]
}

@test "the image id is the sha256 of its config, as docker computes it" {
	mkdir -p "$DMN_DIR/x"
	tar -C "$DMN_DIR/x" -xf "$DMN_DIR/busybox.tar"
	cfg=$(jq -r '.[0].Config' "$DMN_DIR/x/manifest.json")
	want=sha256:$(sha256sum "$DMN_DIR/x/$cfg" | cut -d' ' -f1)
	run dk image inspect -f '{{.Id}}' busybox
	assert_equal "$output" "$want"
	rm -rf "$DMN_DIR/x"
}

@test "docker load of an OCI archive (gzip layer): the same layer is not stored twice" {
	"$TOP_SRCDIR/tests/daemon/mkimage.sh" oci-archive "$DMN_DIR/oci.tar" ocibox:1
	before=$(layers_here)
	run dk load -i "$DMN_DIR/oci.tar"
	assert_status 0
	assert_contains "$output" "Loaded image: ocibox:1"
	assert_equal "$(layers_here)" "$before"
	run dk image inspect -f '{{.Id}}' ocibox:1
	assert_equal "$output" "$(dk image inspect -f '{{.Id}}' busybox)"
	dk rmi ocibox:1 >/dev/null
}

@test "docker load of what skopeo copy writes (oci-archive and docker-archive)" {
	command -v skopeo >/dev/null || skip "skopeo not installed (apt-get install skopeo)"
	skopeo copy -q "docker-archive:$DMN_DIR/busybox.tar" "oci-archive:$DMN_DIR/sk-oci.tar:skopeo/bb:oci"
	skopeo copy -q "docker-archive:$DMN_DIR/busybox.tar" "docker-archive:$DMN_DIR/sk-docker.tar:skopeo/bb:docker"
	run dk load -i "$DMN_DIR/sk-oci.tar"
	assert_status 0
	assert_contains "$output" "Loaded image: skopeo/bb:oci"
	run dk load -i "$DMN_DIR/sk-docker.tar"
	assert_status 0
	assert_contains "$output" "Loaded image: skopeo/bb:docker"
	run dk image inspect -f '{{index .RootFS.Layers 0}}' skopeo/bb:oci
	assert_equal "$output" "$(dk image inspect -f '{{index .RootFS.Layers 0}}' busybox)"
	dk rmi skopeo/bb:oci skopeo/bb:docker >/dev/null
}

@test "a compressed archive loads too: gzip, xz, zstd, bzip2; a truncated one is refused" {
	local z
	for z in gzip xz zstd bzip2; do
		command -v $z >/dev/null || continue
		$z -c "$DMN_DIR/busybox.tar" >"$DMN_DIR/bb.tar.$z"
		run dk load -i "$DMN_DIR/bb.tar.$z"
		assert_status 0
		assert_contains "$output" "Loaded image: busybox:latest"
	done
	head -c 300000 "$DMN_DIR/bb.tar.gzip" >"$DMN_DIR/cut.tar.gz"
	run dk load -i "$DMN_DIR/cut.tar.gz"
	assert_status 1
	assert_contains "$output" "corrupt or truncated compressed data"
}

@test "docker save gives back the layer byte for byte; save | load is the same image" {
	id=$(dk image inspect -f '{{.Id}}' busybox)
	dk save busybox -o "$DMN_DIR/saved.tar"
	mkdir -p "$DMN_DIR/s"
	tar -C "$DMN_DIR/s" -xf "$DMN_DIR/saved.tar"
	run jq -r '.[0].RepoTags[0]' "$DMN_DIR/s/manifest.json"
	assert_equal "$output" busybox:latest
	layer=$(jq -r '.[0].Layers[0]' "$DMN_DIR/s/manifest.json")
	got=sha256:$(sha256sum "$DMN_DIR/s/$layer" | cut -d' ' -f1)
	assert_equal "$got" "$(dk image inspect -f '{{index .RootFS.Layers 0}}' busybox)"
	dk tag busybox saved:1
	dk rmi saved:1 >/dev/null
	run dk load -i "$DMN_DIR/saved.tar"
	assert_equal "$(dk image inspect -f '{{.Id}}' busybox)" "$id"
	if command -v skopeo >/dev/null; then
		run skopeo inspect --raw "docker-archive:$DMN_DIR/saved.tar"
		assert_status 0
	fi
	rm -rf "$DMN_DIR/s"
}

@test "whiteouts and opaque directories become overlayfs' own form" {
	archive "$DMN_DIR/wh.tar" wh:1 '[
	  [{"name":"a","type":"dir"},{"name":"a/x","data":"x"},{"name":"a/keep","data":"k"},
	   {"name":"b","type":"dir"},{"name":"b/old","data":"o"}],
	  [{"name":"a","type":"dir"},{"name":"a/.wh.x"},
	   {"name":"b","type":"dir"},{"name":"b/.wh..wh..opq"},{"name":"b/new","data":"n"}]
	]'
	run dk load -i "$DMN_DIR/wh.tar"
	assert_status 0
	top=$(dk image inspect -f '{{index .RootFS.Layers 1}}' wh:1)
	d=$DMN_DIR/data/layers/${top#sha256:}/diff
	run stat -c '%F %t:%T' "$d/a/x"
	assert_equal "$output" "character special file 0:0"
	[ ! -e "$d/a/.wh.x" ]
	[ ! -e "$d/b/.wh..wh..opq" ]
	run python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "$d/b"
	assert_equal "$output" y
	# and saved back as they came
	dk save wh:1 -o "$DMN_DIR/wh-saved.tar"
	mkdir -p "$DMN_DIR/w"
	tar -C "$DMN_DIR/w" -xf "$DMN_DIR/wh-saved.tar"
	run tar -tf "$DMN_DIR/w/${top#sha256:}/layer.tar"
	assert_contains "$output" "a/.wh.x"
	assert_contains "$output" "b/.wh..wh..opq"
	dk rmi wh:1 >/dev/null
	rm -rf "$DMN_DIR/w"
}

hostile() { # hostile SPEC MESSAGE: refused, nothing left behind
	local before
	before=$(layers_here)
	archive "$DMN_DIR/h.tar" hostile:1 "$1"
	run dk load -i "$DMN_DIR/h.tar"
	assert_status 1
	assert_contains "$output" "$2"
	assert_equal "$(layers_here)" "$before"
	run ls -A "$DMN_DIR/data/tmp"
	assert_equal "$output" ""
	run dk image inspect hostile:1
	assert_status 1
}

@test "hostile layers are refused: absolute paths" {
	hostile '[[{"name":"/etc/passwd-minirund-test","data":"x"}]]' "absolute path in the archive"
	[ ! -e /etc/passwd-minirund-test ]
}

@test "hostile layers are refused: .. in a path" {
	hostile '[[{"name":"a","type":"dir"},{"name":"a/../../../../tmp/minirund-escape","data":"x"}]]' '".." in a path'
	[ ! -e /tmp/minirund-escape ]
}

@test "hostile layers are refused: a path through a symlink out of the layer" {
	hostile "[[{\"name\":\"evil\",\"type\":\"symlink\",\"link\":\"$DMN_DIR/outside\"},{\"name\":\"evil/file\",\"data\":\"x\"}]]" \
		"goes through a symlink"
	[ ! -e "$DMN_DIR/outside" ]
}

@test "hostile layers are refused: a hard link to a file out of the layer" {
	echo secret >"$DMN_DIR/secret"
	hostile "[[{\"name\":\"h\",\"type\":\"hardlink\",\"link\":\"../../../../..$DMN_DIR/secret\"}]]" '".." in a path'
	hostile "[[{\"name\":\"h\",\"type\":\"hardlink\",\"link\":\"$DMN_DIR/secret\"}]]" "absolute path"
	hostile '[[{"name":"h","type":"hardlink","link":"not/there"}]]' "not in the archive before it"
	assert_equal "$(stat -c %h "$DMN_DIR/secret")" 1
}

@test "hostile layers are refused: device nodes" {
	hostile '[[{"name":"kmem","type":"char","mode":438}]]' "device nodes are not allowed"
	hostile '[[{"name":"sda","type":"block","mode":438}]]' "device nodes are not allowed"
}

@test "a layer whose content is not its diff id is refused" {
	hostile '[{"entries":[{"name":"f","data":"x"}],"bad_diff_id":true}]' "layer digest mismatch"
}

@test "an archive that is not an image, or not a tar, is refused" {
	echo "not a tar at all, just some text padding it out beyond one block of five hundred and twelve bytes" >"$DMN_DIR/junk"
	for i in $(seq 8); do cat "$DMN_DIR/junk" "$DMN_DIR/junk" >"$DMN_DIR/junk2"; mv "$DMN_DIR/junk2" "$DMN_DIR/junk"; done
	run dk load -i "$DMN_DIR/junk"
	assert_status 1
	assert_contains "$output" "not a tar archive"
	tar -C "$TOP_SRCDIR" -cf "$DMN_DIR/plain.tar" README.md
	run dk load -i "$DMN_DIR/plain.tar"
	assert_status 1
	assert_contains "$output" "neither manifest.json nor index.json"
}

@test "tag and rmi: a tag goes, the image stays while it has another; a used image is refused" {
	dk tag busybox mybox:v1
	dk tag busybox registry.example:5000/team/mybox:v2
	run dk images --format '{{.Repository}}:{{.Tag}}' --filter reference='mybox*'
	assert_equal "$output" "mybox:v1"
	run dk rmi mybox:v1
	assert_status 0
	assert_equal "$output" "Untagged: mybox:v1"
	dk create --name user1 registry.example:5000/team/mybox:v2 >/dev/null
	run dk rmi registry.example:5000/team/mybox:v2
	assert_status 0
	run dk rmi busybox
	assert_status 1
	assert_contains "$output" "container $(dk inspect -f '{{.Id}}' user1 | cut -c1-12) is using its referenced image"
	dk rm user1 >/dev/null
	run dk tag busybox Bad/Name
	assert_status 1
	assert_contains "$output" "must be lowercase"
}

@test "docker import of a rootfs tar, with changes and a message" {
	"$TOP_SRCDIR/bundles/busybox/mkrootfs.sh" "$DMN_DIR/rootfs" >/dev/null
	tar -C "$DMN_DIR/rootfs" -cf "$DMN_DIR/rootfs.tar" .
	run dk import -c 'CMD ["echo", "hi"]' -c 'ENV A=1 B=2' -c 'WORKDIR /tmp' -c 'LABEL x=y' -m "made here" \
		"$DMN_DIR/rootfs.tar" imported:1
	assert_status 0
	assert_match "$output" '^sha256:[0-9a-f]{64}$'
	run dk image inspect -f '{{json .Config.Cmd}} {{json .Config.Env}} {{.Config.WorkingDir}} {{.Config.Labels.x}}' imported:1
	assert_equal "$output" '["echo","hi"] ["A=1","B=2"] /tmp y'
	run dk history --format '{{.Comment}}' imported:1
	assert_equal "$output" "made here"
	run dk import -c 'ONBUILD RUN x' "$DMN_DIR/rootfs.tar" imported:2
	assert_status 1
	assert_contains "$output" "ONBUILD: not a change docker import takes"
	dk rmi imported:1 >/dev/null
	rm -rf "$DMN_DIR/rootfs"
}

@test "the image's Entrypoint, Cmd, User, ExposedPorts, StopSignal are a created container's unless it sets its own" {
	"$TOP_SRCDIR/bundles/busybox/mkrootfs.sh" "$DMN_DIR/rootfs" >/dev/null
	tar -C "$DMN_DIR/rootfs" -cf "$DMN_DIR/rootfs.tar" .
	dk import -c 'ENTRYPOINT ["echo", "a"]' -c 'CMD ["b"]' -c 'USER 65534:65534' -c 'EXPOSE 80 53/udp' \
		-c 'STOPSIGNAL SIGINT' "$DMN_DIR/rootfs.tar" withep:1 >/dev/null
	fmt='{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Config.User}} {{json .Config.ExposedPorts}} {{.Config.StopSignal}}'
	dk create --name ep1 withep:1 >/dev/null
	assert_equal "$(dk inspect -f "$fmt" ep1)" '["echo","a"] ["b"] 65534:65534 {"53/udp":{},"80/tcp":{}} SIGINT'
	# a Cmd of the container replaces the image's, the Entrypoint stays
	dk create --name ep2 -u 0 --expose 8080 withep:1 c d >/dev/null
	assert_equal "$(dk inspect -f "$fmt" ep2)" '["echo","a"] ["c","d"] 0 {"53/udp":{},"80/tcp":{},"8080/tcp":{}} SIGINT'
	# an Entrypoint of the container drops the image's Cmd too, as dockerd does
	dk create --name ep3 --entrypoint sh withep:1 >/dev/null
	assert_equal "$(dk inspect -f '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' ep3)" '["sh"] null'
	dk rm ep1 ep2 ep3 >/dev/null
	dk rmi withep:1 >/dev/null
	rm -rf "$DMN_DIR/rootfs" "$DMN_DIR/rootfs.tar"
}

@test "images: dangling filter, image prune, rmi by id" {
	"$TOP_SRCDIR/tests/daemon/mkimage.sh" docker-archive "$DMN_DIR/other.tar" other:1
	# a different config, so another image
	archive "$DMN_DIR/d.tar" dangling:1 '[[{"name":"f","data":"dangling"}]]'
	dk load -i "$DMN_DIR/d.tar" >/dev/null
	dk tag dangling:1 dangling:2
	id=$(dk image inspect -f '{{.Id}}' dangling:1)
	run dk rmi "${id:7:12}"
	assert_status 1
	assert_contains "$output" "referenced in multiple repositories"
	dk rmi dangling:2 >/dev/null
	api DELETE /images/dangling:1
	assert_api 200 '"Untagged":"dangling:1"'
	assert_contains "$body" "\"Deleted\":\"$id\""
	run dk images -q --filter dangling=true
	assert_equal "$output" ""
}
