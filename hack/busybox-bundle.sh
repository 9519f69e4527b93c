#!/usr/bin/env bash
# busybox-bundle.sh DIR [ARG...]: an OCI bundle in DIR whose rootfs is Debian's
# busybox-static for this host, running ARG... (default: sh) without a
# terminal.  Needs runc (for `runc spec`), jq and busybox-static.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin  # runc lives in /usr/sbin
dir=$1; shift
[[ $# -gt 0 ]] || set -- sh
busybox=/bin/busybox
# The rootfs has no libc: only the static build runs in it.
linkage=$(LC_ALL=C ldd "$busybox" 2>&1 || true)
if [[ $linkage != *"not a dynamic executable"* ]]; then
        echo "busybox-bundle.sh: $busybox is not statically linked (install busybox-static)" >&2
        exit 1
fi
mkdir -p "$dir/rootfs/bin" "$dir/rootfs/tmp"
cp "$busybox" "$dir/rootfs/bin/busybox"
for applet in sh echo cat sleep true false ls ps id env; do
        ln -sf busybox "$dir/rootfs/bin/$applet"
done
args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
(cd "$dir" && rm -f config.json && runc spec)
jq --argjson args "$args" '.process.terminal = false | .process.args = $args' \
        "$dir/config.json" >"$dir/config.json.new"
mv "$dir/config.json.new" "$dir/config.json"
