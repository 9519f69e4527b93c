#!/usr/bin/env bash
# bench-windows.sh: a create decision by edgeguard-authz.exe under wine
# against the Linux edgeguard-authz, on the same fixture and policy.  Never
# a test: it prints numbers and whether the project's target (wine within
# 2x of Linux) is met, and exits 0 unless it could not measure.
#
#   Both plugins judge tests/data/authz/windows-process-create.json N times
#   (allowed), asking a stand-in for dockerd the image's platform each time
#   and GET /info once per 10 s: on Linux a Python server on a unix socket,
#   under wine tests/win/fake_engine.c on a named pipe.  The policy states
#   the host (windows(10.0.19043)/amd64, wine's Windows 10), so that both
#   take the same path.  Reported: the record's duration_us (the decision
#   inside the plugin, dockerd's answers included) and curl's round trip,
#   median and p99.
#
#   hack/bench-windows.sh [N]   (make bench; N defaults to 200)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-200}
win=$top/build/windows
[[ -x $top/edgeguard-authz && -x $win/edgeguard-authz.exe ]] ||
        { echo "bench-windows.sh: build first (make && make windows)" >&2; exit 1; }
w=$(mktemp -d /tmp/edgeguard-bench-win.XXXXXX)
pids=()
export WINEDEBUG=-all WINEPREFIX=$w/wine
unset DISPLAY WAYLAND_DISPLAY
cleanup() {
        local p
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        wineserver -k 2>/dev/null || true
        rm -rf "$w"
}
trap cleanup EXIT
fixture=$top/tests/data/authz/windows-process-create.json
port() { local p; for ((p = 20000 + RANDOM % 20000; ; p++)); do ! (: </dev/tcp/127.0.0.1/$p) 2>/dev/null && { echo "$p"; return; }; done; }
until_ok() { local i; for ((i = 0; i < 600; i++)); do "$@" && return 0; sleep 0.1; done; return 1; }
# (the wine plugin's log is its default, %ProgramData%\edgeguard\decisions.jsonl:
# wine reads a "/..." path that exists on Linux as a Linux path)
policy() { jq -n --arg log "$1" '{repeat_window: 0, host: "windows(10.0.19043)/amd64"} + if $log == "" then {} else {decision_log: $log} end'; }
# stats FILE: "median p99" of the numbers in FILE, one a line
stats() { sort -n "$1" | awk '{v[NR] = $1} END {m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.99) > 0 ? int(NR * 0.99) : 1]; printf "%d %d", m, p}'; }
# measure NAME URL-PREFIX CURL-ARGS...: n round trips, in µs
measure() {
        local name=$1 url=$2 i
        shift 2
        for ((i = 0; i < n; i++)); do
                curl -s -o /dev/null -w '%{time_total}\n' "$@" -X POST "$url/AuthZPlugin.AuthZReq" --data-binary @"$fixture"
        done | awk '{printf "%d\n", $1 * 1000000}' >"$w/$name.rtt"
}

# ---- Linux: edgeguard-authz on a unix socket, a Python dockerd stand-in
python3 - "$w/docker.sock" <<'PY' &
import json, socketserver, sys
class H(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline().decode()
        while self.rfile.readline() not in (b"\r\n", b""):
            pass
        path = line.split(" ")[1]
        if path == "/info":
            body = {"Isolation": "process", "DefaultRuntime": ""}
        else:
            body = {"Os": "windows", "Architecture": "amd64", "OsVersion": "10.0.19043.0"}
        data = json.dumps(body).encode()
        self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(data) + data)
socketserver.ThreadingUnixStreamServer(sys.argv[1], H).serve_forever()
PY
pids+=($!)
until_ok test -S "$w/docker.sock"
policy "$w/linux.jsonl" >"$w/linux-policy.json"
"$top/edgeguard-authz" --socket "$w/plugin.sock" --policy "$w/linux-policy.json" \
        --docker-host "unix://$w/docker.sock" 2>"$w/linux.log" &
pids+=($!)
until_ok test -S "$w/plugin.sock"
measure linux http://p --unix-socket "$w/plugin.sock"

# ---- wine: edgeguard-authz.exe on TCP, fake_engine.exe on a named pipe
[[ -e $win/wine-prefix/.complete ]] || { echo "bench-windows.sh: no wine prefix template (run tests/windows_build_test.sh)" >&2; exit 1; }
cp -a "$win/wine-prefix" "$WINEPREFIX"
wine "$win/tests/fake_engine.exe" '\\.\pipe\eg_bench' process 10.0.19043.0 'C:\bench.ready' >/dev/null 2>&1 &
pids+=($!)
until_ok test -e "$WINEPREFIX/drive_c/bench.ready"
policy "" >"$w/wine-policy.json"
p=$(port)
(cd "$WINEPREFIX/drive_c" && exec wine "$win/edgeguard-authz.exe" --listen "127.0.0.1:$p" \
        --policy "$(winepath -w "$w/wine-policy.json")" --docker-host npipe:////./pipe/eg_bench) >"$w/wine.log" 2>&1 &
pids+=($!)
until_ok grep -qs "serving on" "$w/wine.log"
measure wine "http://127.0.0.1:$p"

jq -r '.duration_us' "$w/linux.jsonl" >"$w/linux.us"
jq -r '.duration_us' "$WINEPREFIX/drive_c/ProgramData/edgeguard/decisions.jsonl" >"$w/wine.us"
for f in linux wine; do
        [[ $(jq -s 'map(select(.decision == "allow")) | length' "$( [[ $f == linux ]] && echo "$w/linux.jsonl" || echo "$WINEPREFIX/drive_c/ProgramData/edgeguard/decisions.jsonl")") -eq $n ]] ||
                { echo "bench-windows.sh: $f did not allow all $n creates" >&2; exit 1; }
done
read -r lm lp <<<"$(stats "$w/linux.us")"
read -r wm wp <<<"$(stats "$w/wine.us")"
read -r lrm lrp <<<"$(stats "$w/linux.rtt")"
read -r wrm wrp <<<"$(stats "$w/wine.rtt")"
echo "create decision (duration_us, $n creates, same fixture and policy):"
echo "  linux  median ${lm} µs  p99 ${lp} µs   round trip median ${lrm} µs  p99 ${lrp} µs"
echo "  wine   median ${wm} µs  p99 ${wp} µs   round trip median ${wrm} µs  p99 ${wrp} µs"
awk -v l="$lm" -v w="$wm" 'BEGIN {r = w / (l > 0 ? l : 1); printf "  wine/linux %.2fx (target 2x): %s\n", r, r <= 2 ? "met" : "NOT met"}'
