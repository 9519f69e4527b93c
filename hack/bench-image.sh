#!/usr/bin/env bash
# bench-image.sh [MIB...]: what `edgeguard check --oci` costs on a gzip
# layer of MIB MiB (default 10 100 500), against `gzip -dc` of the same
# layer (the decompression is the floor: every header must be read), and
# its peak RSS.  Two layouts: the entrypoint (busybox) first in the layer,
# and last (its bytes kept by the index pass as it goes by them, the
# config naming it).  EDGEGUARD_BASELINE=BINARY also times another build
# (e.g. an older one) on the same layers, as "base" and its ratio.  Prints numbers and the targets (time within
# 1.3 x gzip -dc, RSS <= 32 MiB); exits 0 unless it could not measure.
set -euo pipefail
cd "$(dirname "$0")/.."
eg=$PWD/edgeguard
base=${EDGEGUARD_BASELINE:-}
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(10 100 500)
w=$(mktemp -d /tmp/edgeguard-bench-image.XXXXXX)
trap 'rm -rf "$w"' EXIT
[[ -x $eg ]] || { echo "bench-image.sh: build edgeguard first (make)" >&2; exit 1; }
export EDGEGUARD_POLICY=$w/policy.json
echo '{}' >"$EDGEGUARD_POLICY"

# layout DIR ROOTFS ENTRYPOINT: an OCI layout of one gzip layer, streamed
layout() {
        python3 - "$@" <<'PY'
import gzip, hashlib, json, os, sys, tarfile
out, root, entry = sys.argv[1:4]
os.makedirs(out + "/blobs/sha256")
class Hash:
    def __init__(self, f): self.f, self.h, self.n = f, hashlib.sha256(), 0
    def write(self, b): self.h.update(b); self.n += len(b); return self.f.write(b) if self.f else len(b)
    def flush(self): pass
tmp = out + "/layer.tmp"
with open(tmp, "wb") as raw:
    zh = Hash(raw)
    with gzip.GzipFile(fileobj=zh, mode="wb", mtime=0, compresslevel=6) as gz:
        dh = Hash(gz)
        with tarfile.open(fileobj=dh, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            for name in sorted(os.listdir(root)):
                tar.add(os.path.join(root, name), arcname=name)
ld = zh.h.hexdigest(); os.rename(tmp, out + "/blobs/sha256/" + ld)
def blob(d):
    h = hashlib.sha256(d).hexdigest(); open(out + "/blobs/sha256/" + h, "wb").write(d); return "sha256:" + h, len(d)
cd, cs = blob(json.dumps({"os": "linux", "architecture": "amd64", "config": {"Entrypoint": [entry]},
                          "rootfs": {"type": "layers", "diff_ids": ["sha256:" + dh.h.hexdigest()]}}).encode())
md, ms = blob(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + ld, "size": zh.n}]}).encode())
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
           "digest": md, "size": ms}]}, open(out + "/index.json", "w"))
open(out + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
}

# the median of 3 wall times (s) of CMD
wall() {
        local i
        for i in 1 2 3; do
                /usr/bin/time -o "$w/time" -f %e "$@" >/dev/null 2>&1 || true
                cat "$w/time"
        done | sort -n | sed -n 2p
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

echo "== edgeguard check --oci of one gzip layer (s, median of 3; RSS KiB)"
printf '%-6s %-6s %8s %8s %7s %9s%s\n' MiB entry "gzip -dc" check ratio "peak RSS" \
        "${base:+     base  ratio}"
for mib in "${sizes[@]}"; do
        root=$w/root-$mib
        mkdir -p "$root/bin" "$root/data" "$root/zz"
        install -m 0755 /bin/busybox "$root/bin/busybox"
        install -m 0755 /bin/busybox "$root/zz/busybox"
        # text-like data (gzip ~1.3:1), in 1 MiB files
        for ((i = 0; i < mib; i++)); do
                head -c 786432 /dev/urandom | base64 -w 0 | head -c 1048576 >"$root/data/f$i"
        done
        layout "$w/first-$mib" "$root" /bin/busybox
        layout "$w/last-$mib" "$root" /zz/busybox
        rm -rf "$root"
        for where in first last; do
                dir=$w/$where-$mib
                blob=$(jq -r '.manifests[0].digest' "$dir/index.json")
                blob=$dir/blobs/sha256/$(jq -r '.layers[0].digest' "$dir/blobs/sha256/${blob#sha256:}" | cut -d: -f2)
                g=$(wall gzip -dc "$blob")
                c=$(wall "$eg" check --oci "$dir" --host linux/amd64)
                /usr/bin/time -o "$w/rss" -f %M "$eg" check --oci "$dir" --host linux/amd64 >"$w/out" 2>&1 ||
                        { echo "bench-image.sh: the check did not allow the image:" >&2; cat "$w/out" >&2; exit 1; }
                rss=$(cat "$w/rss")
                more=
                if [[ -n $base ]]; then
                        b=$(wall "$base" check --oci "$dir" --host linux/amd64)
                        more=$(printf ' %8s %6s' "$b" "$(ratio "$b" "$g")")
                fi
                printf '%-6s %-6s %8s %8s %7s %9s%s\n' "$mib" "$where" "$g" "$c" \
                        "$(ratio "$c" "$g")" "$rss" "$more"
        done
        rm -rf "$w/first-$mib" "$w/last-$mib"
done
echo "targets: check within 1.3 x gzip -dc; peak RSS <= 32768 KiB"
