#!/bin/sh
# Build an image archive of the busybox rootfs (bundles/busybox/mkrootfs.sh)
# for minirund's tests, without docker or network:
#   mkimage.sh docker-archive OUT.tar [NAME:TAG]   what `docker save` writes
#   mkimage.sh oci-archive OUT.tar [NAME:TAG]      an OCI image layout (gzip layer)
# The config sets Cmd ["sh"], a PATH, a label and WorkingDir /.
set -eu

format=${1:?usage: mkimage.sh docker-archive|oci-archive OUT.tar [NAME:TAG]}
out=${2:?usage: mkimage.sh docker-archive|oci-archive OUT.tar [NAME:TAG]}
name=${3:-busybox:latest}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/mkimage.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$top/bundles/busybox/mkrootfs.sh" "$work/rootfs" >/dev/null
# a stable layer: sorted names, fixed owner and times
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1700000000 -C "$work/rootfs" -cf "$work/layer.tar" .
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)

config() {
	printf '{"architecture":"amd64","os":"linux","created":"2023-11-14T22:13:20Z",'
	printf '"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],'
	printf '"Cmd":["sh"],"WorkingDir":"/","Labels":{"org.minirun.test":"busybox"}},'
	printf '"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},' "$diff_id"
	printf '"history":[{"created":"2023-11-14T22:13:20Z","created_by":"mkimage.sh"}]}'
}

mkdir -p "$work/img"
case $format in
docker-archive)
	config >"$work/img/config.json"
	cfg=$(sha256sum "$work/img/config.json" | cut -d' ' -f1)
	mv "$work/img/config.json" "$work/img/$cfg.json"
	mkdir "$work/img/$diff_id"
	mv "$work/layer.tar" "$work/img/$diff_id/layer.tar"
	printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$cfg" "$name" "$diff_id" \
		>"$work/img/manifest.json"
	;;
oci-archive)
	b=$work/img/blobs/sha256
	mkdir -p "$b"
	gzip -n -c "$work/layer.tar" >"$work/layer.tar.gz"
	lsum=$(sha256sum "$work/layer.tar.gz" | cut -d' ' -f1)
	lsize=$(stat -c %s "$work/layer.tar.gz")
	mv "$work/layer.tar.gz" "$b/$lsum"
	config >"$work/config.json"
	csum=$(sha256sum "$work/config.json" | cut -d' ' -f1)
	csize=$(stat -c %s "$work/config.json")
	mv "$work/config.json" "$b/$csum"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",' >"$work/manifest.json"
	printf '"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},' \
		"$csum" "$csize" >>"$work/manifest.json"
	printf '"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
		"$lsum" "$lsize" >>"$work/manifest.json"
	msum=$(sha256sum "$work/manifest.json" | cut -d' ' -f1)
	msize=$(stat -c %s "$work/manifest.json")
	mv "$work/manifest.json" "$b/$msum"
	printf '{"imageLayoutVersion":"1.0.0"}' >"$work/img/oci-layout"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",' >"$work/img/index.json"
	printf '"digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
		"$msum" "$msize" "$name" >>"$work/img/index.json"
	;;
*)
	echo "mkimage.sh: unknown format $format" >&2
	exit 2
	;;
esac
tar -C "$work/img" -cf "$out" .
