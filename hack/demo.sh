#!/usr/bin/env bash
# The demo for this stage, on the real runc: a native busybox module runs
# through edgeguard, an arm64 one is refused at create with the reason in
# runc's log (where docker run's error comes from), `edgeguard check`
# explains it, and the decision log shows both decisions.  Everything lives
# in a temporary directory and a private runc --root, removed on exit.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin  # runc lives in /usr/sbin
top=$(cd "$(dirname "$0")/.." && pwd)
eg=$top/edgeguard
foreign=${EDGEGUARD_FOREIGN:-$top/build/foreign}
[[ $(id -u) -eq 0 ]] || { echo "demo.sh: run as root (runc needs it)" >&2; exit 1; }
[[ -x $eg ]] || { echo "demo.sh: build first (make)" >&2; exit 1; }
[[ -f $foreign/arm64/busybox-static ]] || { echo "demo.sh: fetch the foreign binaries first (make demo does)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/edgeguard-demo.XXXXXX)
root=$tmp/state
cleanup() {
        runc --root "$root" list -q 2>/dev/null | xargs -r -n1 runc --root "$root" delete --force
        rm -rf "$tmp"
}
trap cleanup EXIT
say() { if [[ -t 1 ]]; then printf '\n\033[1m== %s\033[0m\n' "$*"; else printf '\n== %s\n' "$*"; fi; }

# A private policy and decision log: the machine's are not touched.
export EDGEGUARD_POLICY=$tmp/policy.json
printf '{"decision_log": "%s"}\n' "$tmp/decisions.jsonl" >"$EDGEGUARD_POLICY"

"$top/hack/busybox-bundle.sh" "$tmp/native" sh -c 'echo "hello from busybox on $(uname -m)"' >/dev/null
"$top/hack/busybox-bundle.sh" "$tmp/arm64" true >/dev/null
install -m 0755 "$foreign/arm64/busybox-static" "$tmp/arm64/rootfs/bin/busybox"
g=(--root "$root" --log "$tmp/log.json" --log-format json)

say "a native module: edgeguard decides, then runc runs it"
"$eg" "${g[@]}" run --bundle "$tmp/native" native-module </dev/null

say "an arm64 module on this $(uname -m) host: refused at create, exit code $(
        set +e; "$eg" "${g[@]}" create --bundle "$tmp/arm64" arm64-module </dev/null 2>/dev/null; echo $?)"
echo "runc's --log now ends with the line containerd's shim turns into docker run's error:"
tail -n 1 "$tmp/log.json" | jq .
echo "containers left behind: $(runc --root "$root" list -q | wc -l)"

say "edgeguard check explains it, without creating or logging anything"
"$eg" check "$tmp/arm64" || true

say "the decision log: one JSON line per decision ($tmp/decisions.jsonl)"
jq -c '{time, decision, rule, id, detected: (.detected.os + "/" + .detected.arch), host: (.host.os + "/" + .host.arch)}' \
        "$tmp/decisions.jsonl"
