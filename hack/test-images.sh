#!/usr/bin/env bash
# test-images.sh OUTDIR: container images for the engine tests and the demo,
# made without any registry from Debian's busybox-static (this host's, and
# a foreign architecture's fetched by hack/fetch-foreign-binaries.sh).
#
# In OUTDIR:
#   native-rootfs.tar       a root filesystem for `docker import` (the engine
#                           labels it with its own platform)
#   native.tar              the same as a `docker save` archive, for `ctr
#                           images import`
#   edgeguard-test_*.tar    `docker save` archives for `docker load`, each
#                           with the image config written here, so the label
#                           can say what the binaries are not:
#     edgeguard-test/foreign:1              FOREIGN binaries, labelled FOREIGN
#     edgeguard-test/label-native-holds-foreign:1   labelled NATIVE, FOREIGN binaries
#     edgeguard-test/label-foreign-holds-native:1   labelled FOREIGN, NATIVE binaries
#     edgeguard-test/foreign-interpreter:1  labelled NATIVE, NATIVE busybox, but
#                                           the entrypoint is a script whose #!
#                                           names a FOREIGN busybox
#     edgeguard-test/pause:1                NATIVE busybox sleeping for ever: a
#                                           pod sandbox image (the CRI plugin's
#                                           sandbox_image) in place of k8s's pause
#   platforms               "NATIVE FOREIGN" as OCI architectures
#
# NATIVE is this host (amd64 or arm64), FOREIGN the other one.  Archives are
# reproducible: sorted, owned by 0:0, mtime 0.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: test-images.sh OUTDIR}
FOREIGN_DIR=${EDGEGUARD_FOREIGN:-$here/build/foreign}

oci_arch() {
        case $1 in
        amd64) echo amd64 ;; arm64) echo arm64 ;; armhf) echo arm ;; i386) echo 386 ;;
        *) echo "test-images.sh: no OCI name for Debian's $1" >&2; return 1 ;;
        esac
}

native_deb=$(dpkg --print-architecture)
case $native_deb in
amd64) foreign_deb=arm64 ;;
arm64) foreign_deb=amd64 ;;
*) echo "test-images.sh: no foreign architecture chosen for $native_deb" >&2; exit 1 ;;
esac
native=$(oci_arch "$native_deb")
foreign=$(oci_arch "$foreign_deb")
native_busybox=/bin/busybox
foreign_busybox=$FOREIGN_DIR/$foreign_deb/busybox-static
[[ -f $foreign_busybox ]] || { echo "test-images.sh: $foreign_busybox missing (make $FOREIGN_DIR/.complete)" >&2; exit 1; }
case $(LC_ALL=C ldd "$native_busybox" 2>&1 || true) in
*"not a dynamic executable"*) ;;
*) echo "test-images.sh: $native_busybox is not static (install busybox-static)" >&2; exit 1 ;;
esac

mkdir -p "$out"
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A root filesystem: busybox at /bin with the applets the tests use.  No
# /proc or /sys: runc makes its own mount points.
rootfs() {
        local dir=$1 busybox=$2 applet
        mkdir -p "$dir/bin" "$dir/tmp" "$dir/etc"
        install -m 0755 "$busybox" "$dir/bin/busybox"
        for applet in sh echo cat sleep true false ls ps id env uname hostname wc grep; do
                ln -sf busybox "$dir/bin/$applet"
        done
        echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/etc/passwd"
        echo 'root:x:0:' >"$dir/etc/group"
}

layer_tar() {
        tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$1" -cf "$2" .
}

# save_archive FILE NAME ARCH ROOTFS CMD_JSON [ENTRYPOINT_JSON]
save_archive() {
        local file=$1 name=$2 arch=$3 root=$4 cmd=$5 entrypoint=${6:-null} dir diff config
        dir=$work/$(echo "$name" | tr '/:' '__')
        mkdir -p "$dir/layer"
        layer_tar "$root" "$dir/layer/layer.tar"
        diff=$(sha256sum "$dir/layer/layer.tar" | cut -d' ' -f1)
        jq -cn --arg arch "$arch" --arg diff "sha256:$diff" --argjson cmd "$cmd" \
                --argjson entrypoint "$entrypoint" '{
                architecture: $arch, os: "linux",
                created: "1970-01-01T00:00:00Z",
                config: {Env: ["PATH=/bin"], Cmd: $cmd, Entrypoint: $entrypoint},
                rootfs: {type: "layers", diff_ids: [$diff]},
                history: [{created: "1970-01-01T00:00:00Z", created_by: "hack/test-images.sh"}]
        }' >"$dir/config.json"
        config=$(sha256sum "$dir/config.json" | cut -d' ' -f1)
        mv "$dir/config.json" "$dir/$config.json"
        jq -cn --arg config "$config.json" --arg tag "$name" \
                '[{Config: $config, RepoTags: [$tag], Layers: ["layer/layer.tar"]}]' >"$dir/manifest.json"
        tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$dir" \
                -cf "$out/$file" manifest.json "$config.json" layer
}

rootfs "$work/native" "$native_busybox"
rootfs "$work/foreign" "$foreign_busybox"
rootfs "$work/interp" "$native_busybox"
mkdir -p "$work/interp/opt/$foreign" "$work/interp/app"
install -m 0755 "$foreign_busybox" "$work/interp/opt/$foreign/busybox"
printf '#!/opt/%s/busybox sh\necho started\n' "$foreign" >"$work/interp/app/start.sh"
chmod 0755 "$work/interp/app/start.sh"

layer_tar "$work/native" "$out/native-rootfs.tar"
save_archive native.tar edgeguard-test/native:1 "$native" "$work/native" '["/bin/sh"]'
save_archive edgeguard-test_foreign_1.tar edgeguard-test/foreign:1 "$foreign" "$work/foreign" '["/bin/sh"]'
save_archive edgeguard-test_label-native-holds-foreign_1.tar edgeguard-test/label-native-holds-foreign:1 "$native" "$work/foreign" '["/bin/sh"]'
save_archive edgeguard-test_label-foreign-holds-native_1.tar edgeguard-test/label-foreign-holds-native:1 "$foreign" "$work/native" '["/bin/sh"]'
save_archive edgeguard-test_foreign-interpreter_1.tar edgeguard-test/foreign-interpreter:1 "$native" "$work/interp" null '["/app/start.sh"]'
save_archive edgeguard-test_pause_1.tar edgeguard-test/pause:1 "$native" "$work/native" null '["/bin/sleep", "2147483647"]'
echo "$native $foreign" >"$out/platforms"
