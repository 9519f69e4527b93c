#!/usr/bin/env bash
# The main job, for real: a private dockerd with edgeguard as its default
# runtime (as on an IoT Edge device), and three modules deployed to it with
# `docker run`: a native one (it runs), one built for another architecture
# (refused: docker run's error carries edgeguard's reason), and one
# labelled for this host that holds foreign binaries (refused, the lying
# label named).  The engine plugin edgeguard-authz stands at dockerd's API
# beside it: the foreign module and the lying label are refused at `docker
# create` by the image's binaries (nothing is created); a program swapped in
# after the plugin allowed the create is refused by the runtime, which judges
# the file that will run; and `--runtime runc`, which would bypass the
# runtime, is refused by the plugin.  Then the decision log, both doors in
# it, and `edgeguard why` telling each refused module's latest decision
# from it.  The dockerd, its containerd, the plugin, the images and the log live
# in a temporary directory and a private mount namespace (hack/plugin-ns.sh),
# removed on exit; the machine's own docker is not touched.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
DOCKER=${DOCKER:-/usr/bin/docker}
[[ $(id -u) -eq 0 ]] || { echo "demo.sh: run as root (dockerd needs it)" >&2; exit 1; }
[[ -x $top/edgeguard && -x $top/edgeguard-authz ]] || { echo "demo.sh: build first (make demo does)" >&2; exit 1; }
[[ -n ${EDGEGUARD_DEMO_NS:-} ]] || EDGEGUARD_DEMO_NS=1 exec "$top/hack/plugin-ns.sh" "$0" "$@"

tmp=$(mktemp -d /tmp/edgeguard-demo.XXXXXX)
d=$tmp/d
plugin=""
cleanup() {
        "$top/hack/dockerd.sh" stop "$d" || true
        [[ -z $plugin ]] || { kill "$plugin" && "$top/build/helpers/pidwait" "$plugin"; } || true
        rm -rf "$tmp"
}
trap cleanup EXIT
say() { if [[ -t 1 ]]; then printf '\n\033[1m== %s\033[0m\n' "$*"; else printf '\n== %s\n' "$*"; fi; }
step() { printf '$ %s\n' "$*"; }

say "the engine plugin, then a private dockerd: edgeguard-authz at its API, edgeguard as its default runtime"
mkdir -p "$d"
jq -n --arg log "$d/decisions.jsonl" --arg root "$d/data" '{decision_log: $log, docker_root: $root}' >"$d/policy.json"
plugin=$("$top/build/helpers/sd_notify_wait" 30 "$tmp/plugin.log" -- "$top/edgeguard-authz" \
        --policy "$d/policy.json" --docker-host "unix://$d/docker.sock")
echo "edgeguard-authz serving /run/docker/plugins/edgeguard.sock (a private tmpfs)"
AUTHZ_PLUGIN=edgeguard "$top/hack/dockerd.sh" start "$d"
export DOCKER_HOST=unix://$d/docker.sock DOCKER_CONFIG=$d/client
docker() { "$DOCKER" "$@"; }
echo "dockerd $(docker version --format '{{.Server.Version}}') on $DOCKER_HOST, default runtime: $(docker info --format '{{.DefaultRuntime}}'), runc $(docker info --format '{{.RuncCommit.ID}}')"
echo "policy $d/policy.json: $(jq -c . "$d/policy.json")"

"$top/hack/test-images.sh" "$tmp/images"
read -r native foreign <"$tmp/images/platforms"
docker import --change 'CMD ["/bin/sh"]' "$tmp/images/native-rootfs.tar" edgeguard-test/native:1 >/dev/null
docker load -q -i "$tmp/images/edgeguard-test_foreign_1.tar" >/dev/null
docker load -q -i "$tmp/images/edgeguard-test_label-native-holds-foreign_1.tar" >/dev/null
echo "images, made from Debian's busybox-static without a registry (hack/test-images.sh):"
for image in native foreign label-native-holds-foreign; do
        printf '  %-45s labelled %s\n' "edgeguard-test/$image:1" \
                "$(docker image inspect -f '{{.Os}}/{{.Architecture}}' "edgeguard-test/$image:1")"
done

say "1. a native module: it runs"
step "docker run --rm --network none --name SimulatedSensor edgeguard-test/native:1 uname -m"
docker run --rm --network none --name SimulatedSensor edgeguard-test/native:1 uname -m

say "2. a module built for $foreign on this $native host: refused at create by the plugin"
step "docker run --rm --network none --name ArmModule edgeguard-test/foreign:1 uname -m"
set +e
docker run --rm --network none --name ArmModule edgeguard-test/foreign:1 uname -m 2>&1 | grep -v '^WARNING: The requested image'
echo "(exit code ${PIPESTATUS[0]})"
step "docker ps -a --filter name=ArmModule   # nothing was created"
docker ps -a --filter name=ArmModule

say "3. a module labelled $native that holds $foreign binaries: refused at create by the plugin, by its binaries, the label named"
step "docker run --rm --network none --name LyingModule edgeguard-test/label-native-holds-foreign:1 uname -m"
docker run --rm --network none --name LyingModule edgeguard-test/label-native-holds-foreign:1 uname -m 2>&1
echo "(exit code $?)"

say "4. a program swapped in after the plugin allowed the create: the runtime judges the file that will run"
step "docker create --network none --name SwappedModule --entrypoint /bin/app edgeguard-test/native:1"
docker create --network none --name SwappedModule --entrypoint /bin/app edgeguard-test/native:1 >/dev/null
install -m 0755 "$top/build/foreign/$foreign/busybox-static" "$tmp/app"
step "docker cp app SwappedModule:/bin/app   # a $foreign program, after the create"
docker cp "$tmp/app" SwappedModule:/bin/app
step "docker start -a SwappedModule"
docker start -a SwappedModule 2>&1
echo "(exit code $?)"
docker rm SwappedModule >/dev/null

say "5. the bypass: a native module with --runtime runc (edgeguard would not be asked): refused by the plugin"
step "docker run --rm --network none --runtime runc --name Bypass edgeguard-test/native:1 uname -m"
docker run --rm --network none --runtime runc --name Bypass edgeguard-test/native:1 uname -m 2>&1
echo "(exit code $?)"
set -e

say "the decision log ($d/decisions.jsonl), one JSON line per decision"
jq -c '{time, door, decision, rule, name, image, declared: ((.declared.os // "?") + "/" + (.declared.arch // "?") + " (" + (.declared.source // "none") + ")"), detected: (if .detected then .detected.os + "/" + .detected.arch + " " + .detected.file else null end)}' \
        "$d/decisions.jsonl"
echo
echo "one full record:"
tail -n 1 "$d/decisions.jsonl" | jq '{time, door, decision, rule, reason, name, image, image_id, engine, host, declared, detected, rules: (.rules | map_values(.result)), policy, duration_us}'

say "6. why was my module refused? edgeguard why tells it from the decision log (both doors write it)"
step "edgeguard why --policy $d/policy.json ArmModule"
"$top/edgeguard" why --policy "$d/policy.json" ArmModule
step "edgeguard why --policy $d/policy.json LyingModule"
"$top/edgeguard" why --policy "$d/policy.json" LyingModule
step "edgeguard why --policy $d/policy.json SwappedModule"
"$top/edgeguard" why --policy "$d/policy.json" SwappedModule
step "edgeguard why --policy $d/policy.json --decision refuse --since 10m --json | jq -c '{name, door, rule}'"
"$top/edgeguard" why --policy "$d/policy.json" --decision refuse --since 10m --json | jq -c '{name, door, rule}'

say "cleaning up: containers, dockerd, containerd, mounts and $tmp"
