#!/usr/bin/env bash
# The demo for this stage: a busybox bundle run through edgeguard with the
# real runc, containerd's call sequence, and how a refusal reaches the engine
# (runc's JSON log line).  Everything lives in a temporary directory and a
# private runc --root, removed on exit.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin  # runc lives in /usr/sbin
top=$(cd "$(dirname "$0")/.." && pwd)
eg=$top/edgeguard
[[ $(id -u) -eq 0 ]] || { echo "demo.sh: run as root (runc needs it)" >&2; exit 1; }
[[ -x $eg ]] || { echo "demo.sh: build first (make)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/edgeguard-demo.XXXXXX)
root=$tmp/state
cleanup() {
        runc --root "$root" list -q 2>/dev/null | xargs -r -n1 runc --root "$root" delete --force
        rm -rf "$tmp"
}
trap cleanup EXIT
say() { if [[ -t 1 ]]; then printf '\n\033[1m== %s\033[0m\n' "$*"; else printf '\n== %s\n' "$*"; fi; }

"$top/hack/busybox-bundle.sh" "$tmp/bundle" sh -c 'echo "hello from busybox on $(uname -m)"; exit 3' >/dev/null

say "edgeguard run: runc runs the container; output and exit code come back unchanged"
echo "\$ edgeguard --root $root run --bundle $tmp/bundle demo1"
set +e
"$eg" --root "$root" run --bundle "$tmp/bundle" demo1 </dev/null
echo "exit code: $?"
set -e

say "containerd's sequence: create, start, state, delete (all passed through)"
jq '.process.args = ["sleep", "60"]' "$tmp/bundle/config.json" >"$tmp/c" && mv "$tmp/c" "$tmp/bundle/config.json"
g=(--root "$root" --log "$tmp/bundle/log.json" --log-format json)
"$eg" "${g[@]}" create --bundle "$tmp/bundle" --pid-file "$tmp/bundle/init.pid" demo2 </dev/null >/dev/null
"$eg" "${g[@]}" start demo2
echo "state: $("$eg" "${g[@]}" state demo2 | jq -c '{id, status, pid}')"
"$eg" "${g[@]}" delete --force demo2
echo "deleted; containers left: $("$eg" --root "$root" list -q | wc -l)"

say "a refusal's channel: one JSON error line in runc's --log, exit 1"
echo "(here: EDGEGUARD_RUNC points at a runc that does not exist)"
set +e
EDGEGUARD_RUNC=/opt/missing/runc "$eg" "${g[@]}" create --bundle "$tmp/bundle" demo3 </dev/null
echo "exit code: $?"
set -e
echo "last line of $tmp/bundle/log.json, as containerd's shim reads it:"
tail -n 1 "$tmp/bundle/log.json"
