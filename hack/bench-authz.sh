#!/usr/bin/env bash
# bench-authz.sh: what the engine plugin costs, measured in one run against
# the same private dockerd without it.  Never a test: it prints numbers and
# which of the project's targets they meet, and exits 0 unless it could not
# measure.
#
#   latency    GET /_ping and GET /containers/json (docker ps), N each on one
#              kept-alive connection: median and p99, dockerd alone, then
#              the same dockerd with the plugin (enabled by a SIGHUP reload)
#   create     the plugin's decision time (the record's duration_us, the
#              image and daemon callbacks included) over 50 creates
#   memory     the plugin's resident memory and threads, idle and holding
#              1000 connections
#
#   hack/bench-authz.sh [N]   (make bench; N defaults to 2000)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[[ $(id -u) -eq 0 ]] || { echo "bench-authz.sh: run as root (dockerd needs it)" >&2; exit 1; }
[[ -x $top/edgeguard-authz ]] || { echo "bench-authz.sh: build first (make)" >&2; exit 1; }
[[ -n ${EDGEGUARD_BENCH_NS:-} ]] || EDGEGUARD_BENCH_NS=1 exec "$top/hack/plugin-ns.sh" "$0" "$@"
n=${1:-2000}
DOCKER=${DOCKER:-/usr/bin/docker}
py=$top/hack/bench-authz.py
w=$(mktemp -d /tmp/edgeguard-bench.XXXXXX)
d=$w/d
plugin=""
cleanup() {
        "$top/hack/dockerd.sh" stop "$d" || true
        [[ -z $plugin ]] || { kill "$plugin" && "$top/build/helpers/pidwait" "$plugin"; } || true
        rm -rf "$w"
}
trap cleanup EXIT
ulimit -n 8192

mkdir -p "$d"
jq -n --arg log "$d/decisions.jsonl" --arg root "$d/data" '{decision_log: $log, docker_root: $root, repeat_window: 0}' >"$d/policy.json"
plugin=$("$top/build/helpers/sd_notify_wait" 30 "$w/plugin.log" -- "$top/edgeguard-authz" \
        --policy "$d/policy.json" --docker-host "unix://$d/docker.sock")
"$top/hack/dockerd.sh" start "$d" >/dev/null
sock=$d/docker.sock
export DOCKER_HOST=unix://$sock DOCKER_CONFIG=$d/client
"$top/hack/test-images.sh" "$w/images" >/dev/null
"$DOCKER" import --change 'CMD ["/bin/sh"]' "$w/images/native-rootfs.tar" edgeguard-test/native:1 >/dev/null

declare -A med p99
measure() {
        local tag=$1 url
        for url in /_ping /containers/json; do
                python3 "$py" latency "$sock" "$url" 100 >/dev/null # warm up
                read -r "med[$tag$url]" "p99[$tag$url]" < <(python3 "$py" latency "$sock" "$url" "$n")
        done
}
measure alone
jq '. + {"authorization-plugins": ["edgeguard"]}' "$d/daemon.json" >"$d/daemon.json.new"
mv "$d/daemon.json.new" "$d/daemon.json"
kill -HUP "$(cat "$d/dockerd.pid")"
# the reload is dockerd's to finish: asked (a create the plugin refuses),
# not waited for blindly; docker info keeps the list it started with
refused() {
        [[ $(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$sock" -X POST -H 'Content-Type: application/json' \
                "http://d/v1.41/containers/create?name=probe" -d '{"Image":"x","HostConfig":{"Runtime":"runc"}}') == 403 ]]
}
for _ in $(seq 1 200); do refused && break; done
refused || { echo "bench-authz.sh: dockerd did not load the plugin" >&2; exit 1; }
measure plugin

echo "engine plugin: API latency, $n calls each on one connection (microseconds)"
for url in /_ping /containers/json; do
        a=${med[alone$url]} b=${med[plugin$url]} ap=${p99[alone$url]} bp=${p99[plugin$url]}
        printf '  GET %-16s alone median %5d p99 %6d   with plugin median %5d p99 %6d   added %+5d / %+6d   ratio %s\n' \
                "$url" "$a" "$ap" "$b" "$bp" $((b - a)) $((bp - ap)) "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')"
done
# the plugin's own share: dockerd's AuthZReq for GET /_ping, posted to it directly
jq -n '{RequestMethod: "GET", RequestUri: "/v1.41/_ping", RequestHeaders: {"User-Agent": "Docker-Client/20.10.24 (linux)"}}' >"$w/ping-req.json"
read -r own own99 < <(python3 "$py" latency /run/docker/plugins/edgeguard.sock /AuthZPlugin.AuthZReq "$n" "$w/ping-req.json")
echo "  the plugin alone, dockerd's AuthZReq for GET /_ping posted to it: median $own p99 $own99 (the rest of the added time is dockerd's plugin client)"
added=$((med[plugin/_ping] - med[alone/_ping])) added99=$((p99[plugin/_ping] - p99[alone/_ping]))
echo "  target: _ping added <= 200 us median ($( ((added <= 200)) && echo met || echo NOT met)), <= 1000 us p99 ($( ((added99 <= 1000)) && echo met || echo NOT met))"

for i in $(seq 1 50); do
        curl -s -o /dev/null --unix-socket "$sock" -X POST -H 'Content-Type: application/json' \
                "http://d/v1.41/containers/create?name=bench$i" -d '{"Image":"edgeguard-test/native:1","Cmd":["true"]}'
done
jq -r 'select(.door == "authz" and .verb == "create" and .decision == "allow") | .duration_us' "$d/decisions.jsonl" >"$w/create.us"
cfirst=$(head -n 1 "$w/create.us")
read -r cmed cp90 < <(sort -n "$w/create.us" | awk '{ v[NR] = $1 } END { printf "%d %d\n", v[int((NR + 1) / 2)], v[int(NR * 0.9)] }')
echo "engine plugin: create decision, 50 creates (the record's duration_us: image and daemon callbacks included)"
echo "  median $cmed us, p90 $cp90 us, the first (GET /info not cached yet) $cfirst us; target <= 5000 us median ($( ((cmed <= 5000)) && echo met || echo NOT met))"

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$plugin/status"; }
threads() { awk '/^Threads/ { print $2 }' "/proc/$plugin/status"; }
idle_rss=$(rss) idle_threads=$(threads)
mkfifo "$w/held"
exec {hold}> >(exec python3 "$py" hold /run/docker/plugins/edgeguard.sock 1000 "$w/held")
read -r _ <"$w/held"
held_rss=$(rss) held_threads=$(threads)
exec {hold}>&-
echo "engine plugin: memory (resident, KiB) and threads"
echo "  idle $idle_rss KiB, $idle_threads threads; holding 1000 connections $held_rss KiB, $held_threads threads ($(( (held_rss - idle_rss) / 1000 )) KiB a connection)"
