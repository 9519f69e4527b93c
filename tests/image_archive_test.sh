#!/usr/bin/env bash
# edgeguard check --archive / --oci: images judged by their binaries with no
# daemon.  docker save archives from hack/test-images.sh (Debian's
# busybox-static, this host's and a foreign one), an OCI layout from skopeo,
# and layouts assembled here (tests/image_layout.py): a multi-platform index
# whose arm/v7 manifest holds arm64 binaries, whiteouts and an opaque
# directory over the entrypoint, a tampered config blob.
source "$(dirname "$0")/lib.sh"

FOREIGN_DIR=${EDGEGUARD_FOREIGN:-$TOP/build/foreign}
"$TOP/hack/test-images.sh" "$T/images" || { not_ok "hack/test-images.sh makes the archives"; finish; }
read -r NATIVE FOREIGN <"$T/images/platforms"
I=$T/images
eg() { "$EG" check "$@" 2>&1; }
status_of() { "$EG" check "$@" >/dev/null 2>&1; echo $?; }

# ---- docker save archives
out=$(eg --archive "$I/native.tar")
check_eq "a native docker save archive: runs here (exit 0)" "$(status_of --archive "$I/native.tar")" 0
check_contains "... natively, judged by /bin/busybox" "$out" "runs natively"
out=$(eg --archive "$I/edgeguard-test_foreign_1.tar")
check_eq "a foreign archive: refused here (exit 1)" "$(status_of --archive "$I/edgeguard-test_foreign_1.tar")" 1
check_contains "... why, in the shim's words" "$out" "REFUSED"
check_eq "... and runs on its own platform (--host linux/$FOREIGN)" \
        "$(status_of --archive "$I/edgeguard-test_foreign_1.tar" --host "linux/$FOREIGN")" 0
out=$(eg --archive "$I/edgeguard-test_label-native-holds-foreign_1.tar" --host "linux/$FOREIGN")
check_eq "a lying label (says $NATIVE, holds $FOREIGN) on a $FOREIGN target: exit 1" "$?" 1
check_contains "... the manifest does not run on the platform it claims" "$out" "DOES NOT RUN THERE"
gzip -c "$I/native.tar" >"$T/native.tar.gz"
zstd -q -c "$I/native.tar" >"$T/native.tar.zst"
check_eq "a gzip-compressed archive reads as the plain one" "$(status_of --archive "$T/native.tar.gz")" 0
check_eq "a zstd-compressed archive too" "$(status_of --archive "$T/native.tar.zst")" 0
json=$("$EG" check --json --archive "$I/edgeguard-test_foreign_1.tar" --host "linux/$NATIVE" --host "linux/$FOREIGN")
check_eq "--json: one row per target, verdicts in order" \
        "$(jq -r '[.targets[].verdict] | join(",")' <<<"$json")" "refuse,allow"
check_eq "--json: the executable detected" "$(jq -r '.targets[1].detected' <<<"$json")" "linux/$FOREIGN"

# ---- an OCI layout from skopeo
if skopeo copy -q "docker-archive:$I/edgeguard-test_foreign_1.tar" "oci:$T/skopeo:foreign" >/dev/null 2>&1; then
        check_eq "skopeo's OCI layout of the foreign image: refused here" "$(status_of --oci "$T/skopeo")" 1
        check_eq "... runs on linux/$FOREIGN" "$(status_of --oci "$T/skopeo" --host "linux/$FOREIGN")" 0
else
        not_ok "skopeo copy docker-archive: -> oci: (skopeo is in hack/install-deps.sh)"
fi

# ---- an OCI layout from umoci
mkdir -p "$T/umroot/bin"
install -m 0755 "$FOREIGN_DIR/$FOREIGN/busybox-static" "$T/umroot/bin/busybox"
ln -s busybox "$T/umroot/bin/sh"
if umoci init --layout "$T/um" && umoci new --image "$T/um:t" &&
        umoci insert --rootless --image "$T/um:t" "$T/umroot" / >/dev/null &&
        umoci config --image "$T/um:t" --config.entrypoint /bin/sh --architecture "$FOREIGN"; then
        check_eq "umoci's layout of a $FOREIGN image: runs on linux/$FOREIGN" \
                "$(status_of --oci "$T/um" --host "linux/$FOREIGN")" 0
        check_contains "... and is refused on linux/$NATIVE (no manifest for it)" \
                "$(eg --oci "$T/um" --host "linux/$NATIVE")" "no manifest of the image is for linux/$NATIVE"
else
        not_ok "umoci init/new/insert/config (umoci is in hack/install-deps.sh)"
fi

# ---- a hand-assembled multi-platform index
bb() { echo "$FOREIGN_DIR/$1/busybox-static"; }
root_layer() { # busybox of Debian arch $1 at /bin, sh linked to it
        jq -cn --arg f "$(bb "$1")" '[{path: "bin/", dir: true}, {path: "bin/busybox", file: $f, mode: 493},
                {path: "bin/sh", symlink: "busybox"}, {path: "etc/", dir: true},
                {path: "etc/passwd", text: "root:x:0:0::/:/bin/sh\napp:x:1000:1000::/:/bin/sh\n"}]'
}
manifest() { # OS_ARCH VARIANT DEBIAN_ARCH [EXTRA_LAYERS_JSON] [USER]
        jq -cn --arg a "$1" --arg v "$2" --argjson l0 "$(root_layer "$3")" --argjson more "${4:-[]}" --arg u "${5:-}" '{
                platform: ({os: "linux", architecture: $a} + (if $v != "" then {variant: $v} else {} end)),
                config: ({os: "linux", architecture: $a, config: {Entrypoint: ["/bin/sh"], User: $u}}
                         + (if $v != "" then {variant: $v} else {} end)),
                layers: ([$l0] + $more)}'
}
layout() { # DIR MANIFEST_JSON...
        local dir=$1; shift
        jq -s '{manifests: .}' <<<"$(printf '%s\n' "$@")" >"$dir.json"
        python3 "$TOP/tests/image_layout.py" "$dir" "$dir.json"
}
layout "$T/liar" "$(manifest amd64 "" amd64)" "$(manifest arm v7 arm64)" "$(manifest arm64 "" arm64)"
out=$(eg --oci "$T/liar" --targets iotedge)
check_eq "an index whose arm/v7 manifest holds arm64 binaries: exit 1" "$?" 1
check_contains "... linux/amd64 is served and runs" "$out" "linux/amd64      runs natively"
check_contains "... linux/arm/v7 gets the lying manifest, refused" "$out" "linux/arm/v7     REFUSED"
check_contains "... linux/arm64 runs" "$out" "linux/arm64      runs natively"
check_contains "... the lying manifest named against its claim" "$(grep 'DOES NOT RUN THERE' <<<"$out")" "(linux/arm/v7)"
tar -C "$T/liar" -cf "$T/liar.tar" .
out=$(eg --archive "$T/liar.tar" --targets iotedge)
check_eq "the same index as an OCI-layout tar (buildx type=oci): exit 1" "$?" 1
check_contains "... the same lying manifest" "$(grep 'DOES NOT RUN THERE' <<<"$out")" "(linux/arm/v7)"
layout "$T/honest" "$(manifest amd64 "" amd64)" "$(manifest arm v7 armhf)" "$(manifest arm64 "" arm64)"
out=$(eg --oci "$T/honest" --targets iotedge)
check_eq "the honest multi-platform image serves every IoT Edge target: exit 0" "$?" 0
jq '. + {nest: 1, attestation: true}' "$T/honest.json" >"$T/nested.json"
python3 "$TOP/tests/image_layout.py" "$T/nested" "$T/nested.json"
out=$(eg --oci "$T/nested" --targets iotedge)
check_eq "the same behind a nested index, with an attestation manifest (as buildx writes): exit 0" "$?" 0
check_contains "... the attestation is not taken for an image" "$out" "attestation manifests not images: skipped"
jq '. + {nest: 5}' "$T/honest.json" >"$T/deep.json"
python3 "$TOP/tests/image_layout.py" "$T/deep" "$T/deep.json"
check_contains "indexes nested 5 deep: refused" "$(eg --oci "$T/deep")" "indexes nested more than 4 deep"
layout "$T/amd64only" "$(manifest amd64 "" amd64)"
out=$(eg --oci "$T/amd64only" --host linux/arm64)
check_eq "a target no manifest serves: refused" "$?" 1
check_contains "... saying so" "$out" "no manifest of the image is for linux/arm64"
layout "$T/armv6" "$(manifest arm v6 armel)"
check_eq "containerd's matching: an arm/v7 host pulls the arm/v6 manifest" \
        "$("$EG" check --json --oci "$T/armv6" --host linux/arm/v7 | jq -r '.targets[0].claims')" "linux/arm/v6"

# ---- whiteouts and opaque directories over the entrypoint
wh='[[{"path": "bin/.wh.busybox", "text": ""}]]'
layout "$T/whiteout" "$(manifest "$NATIVE" "" "$NATIVE" "$wh")"
out=$(eg --oci "$T/whiteout")
check_contains "a whiteout hiding the entrypoint's target: nothing to run" "$out" '"/bin/sh": No such file or directory in the container'
check_eq "... a gate's answer: exit 1, whatever the policy's unknown mode" "$(status_of --oci "$T/whiteout")" 1
check_contains "... saying it cannot be known to run" "$out" "cannot be judged, so not known to run"
opq=$(jq -cn --arg f "$(bb "$FOREIGN")" '[[{path: "bin/", dir: true}, {path: "bin/.wh..wh..opq", text: ""},
        {path: "bin/busybox", file: $f, mode: 493}, {path: "bin/sh", symlink: "busybox"}]]')
layout "$T/opaque" "$(manifest "$NATIVE" "" "$NATIVE" "$opq")"
json=$("$EG" check --json --oci "$T/opaque")
check_eq "an opaque /bin replacing the entrypoint with a $FOREIGN one: judged $FOREIGN" \
        "$(jq -r '.targets[0].detected' <<<"$json")" "linux/$FOREIGN"

# ---- config.User through the layers
layout "$T/user" "$(manifest "$NATIVE" "" "$NATIVE" "[]" app)"
check_eq "User app, found in the image's /etc/passwd: runs" "$(status_of --oci "$T/user")" 0
layout "$T/nouser" "$(manifest "$NATIVE" "" "$NATIVE" "[]" nobody)"
out=$(eg --oci "$T/nouser")
check_contains "User nobody, not in /etc/passwd: refused as dockerd would" "$out" "unable to find user nobody"

# ---- hostile or broken input
jq '. + {tamper: "config"}' "$T/user.json" >"$T/tampered.json"
python3 "$TOP/tests/image_layout.py" "$T/tampered" "$T/tampered.json"
out=$(eg --oci "$T/tampered")
check_eq "a config blob that does not hash to its digest: refused" "$?" 1
check_contains "... naming the blob" "$out" "its content's digest is sha256:"
check_eq "a missing archive: exit 2" "$(status_of --archive "$T/nothing.tar")" 2
check_eq "--host arm64 (no OS): exit 2" "$(status_of --archive "$I/native.tar" --host arm64)" 2
check_eq "two images at once: exit 2" "$(status_of --archive "$I/native.tar" --oci "$T/user")" 2
check_eq "--targets nonsense: exit 2" "$(status_of --archive "$I/native.tar" --targets nonsense)" 2
printf 'not a tar' >"$T/junk.tar"
check_eq "a file that is no archive: refused (exit 1)" "$(status_of --archive "$T/junk.tar")" 1
finish
