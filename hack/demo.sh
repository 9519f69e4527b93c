#!/usr/bin/env bash
# The main job, for real: a private dockerd with edgeguard as its default
# runtime (as on an IoT Edge device), and three modules deployed to it with
# `docker run`: a native one (it runs), one built for another architecture
# (refused: docker run's error carries edgeguard's reason), and one
# labelled for this host that holds foreign binaries (refused, the lying
# label named).  Then the decision log.  The dockerd, its containerd, the
# images and the log live in a temporary directory, removed on exit; the
# machine's own docker is not touched.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
DOCKER=${DOCKER:-/usr/bin/docker}
[[ $(id -u) -eq 0 ]] || { echo "demo.sh: run as root (dockerd needs it)" >&2; exit 1; }
[[ -x $top/edgeguard ]] || { echo "demo.sh: build first (make demo does)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/edgeguard-demo.XXXXXX)
d=$tmp/d
cleanup() { "$top/hack/dockerd.sh" stop "$d" || true; rm -rf "$tmp"; }
trap cleanup EXIT
say() { if [[ -t 1 ]]; then printf '\n\033[1m== %s\033[0m\n' "$*"; else printf '\n== %s\n' "$*"; fi; }
step() { printf '$ %s\n' "$*"; }

say "a private dockerd, edgeguard as its default runtime"
"$top/hack/dockerd.sh" start "$d"
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

say "2. a module built for $foreign on this $native host: refused"
step "docker run --rm --network none --name ArmModule edgeguard-test/foreign:1 uname -m"
set +e
docker run --rm --network none --name ArmModule edgeguard-test/foreign:1 uname -m 2>&1 | grep -v '^WARNING: The requested image'
echo "(exit code ${PIPESTATUS[0]})"

say "3. a module labelled $native that holds $foreign binaries: refused, the label named"
step "docker run --rm --network none --name LyingModule edgeguard-test/label-native-holds-foreign:1 uname -m"
docker run --rm --network none --name LyingModule edgeguard-test/label-native-holds-foreign:1 uname -m 2>&1
echo "(exit code $?)"
set -e

say "the decision log ($d/decisions.jsonl), one JSON line per decision"
jq -c '{time, decision, rule, name, image, declared: ((.declared.os // "?") + "/" + (.declared.arch // "?") + " (" + (.declared.source // "none") + ")"), detected: (.detected.os + "/" + .detected.arch + " " + .detected.file)}' \
        "$d/decisions.jsonl"
echo
echo "one full record:"
tail -n 1 "$d/decisions.jsonl" | jq '{time, decision, rule, name, image, image_id, engine, host, declared, detected, rules: (.rules | map_values(.result)), policy, duration_us}'

say "cleaning up: containers, dockerd, containerd, mounts and $tmp"
