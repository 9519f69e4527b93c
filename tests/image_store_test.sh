#!/usr/bin/env bash
# edgeguard check --image / --container against a private dockerd 20.10's
# store (hack/dockerd.sh), read from its files: the reference through
# repositories.json to the overlay2 layer directories, and a container's
# own process and layer.  Runs under flock /tmp/edgeguard-engines.lock.
if [[ -z ${EDGEGUARD_ENGINES_LOCKED:-} ]]; then
        exec env EDGEGUARD_ENGINES_LOCKED=1 flock /tmp/edgeguard-engines.lock bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
require_root

DOCKER=${DOCKER:-/usr/bin/docker}
FOREIGN_DIR=${EDGEGUARD_FOREIGN:-$TOP/build/foreign}
D=$T/d
dockerd_stop() { "$TOP/hack/dockerd.sh" stop "$D"; }
on_exit dockerd_stop
if ! "$TOP/hack/dockerd.sh" start "$D"; then
        not_ok "the private dockerd starts (hack/dockerd.sh start)"
        finish
fi
export DOCKER_HOST=unix://$D/docker.sock DOCKER_CONFIG=$D/client
export EDGEGUARD_POLICY=$D/policy.json
unset EDGEGUARD_DECISION_LOG
docker() { "$DOCKER" "$@"; }
status_of() { "$EG" check "$@" >/dev/null 2>&1; echo $?; }

"$TOP/hack/test-images.sh" "$T/images"
read -r _ FOREIGN <"$T/images/platforms"
docker load -q -i "$T/images/native.tar" >/dev/null
docker load -q -i "$T/images/edgeguard-test_foreign_1.tar" >/dev/null
check_eq "the test images are loaded" "$(docker images -q 'edgeguard-test/*' | sort -u | wc -l)" 2

# ---- --image: the reference, its config and overlay2 layers, no dockerd API
out=$("$EG" check --image edgeguard-test/native:1 2>&1)
check_eq "--image of the native image: runs here" "$?" 0
check_contains "... judged by its binary" "$out" "runs natively"
out=$("$EG" check --image edgeguard-test/foreign:1 2>&1)
check_eq "--image of the foreign image: refused" "$?" 1
check_contains "... by its binary" "$out" "/bin/sh is linux/$FOREIGN"
check_eq "... which runs on linux/$FOREIGN" "$(status_of --image edgeguard-test/foreign:1 --host "linux/$FOREIGN")" 0
id=$(docker image inspect -f '{{.Id}}' edgeguard-test/foreign:1)
check_eq "--image by image id" "$(status_of --image "$id" --host "linux/$FOREIGN")" 0
check_eq "--image docker.io/edgeguard-test/native (familiar form, :latest) absent: exit 2" \
        "$(status_of --image docker.io/edgeguard-test/native)" 2
# the store is read, never written: the daemon's own view is unchanged
check_eq "dockerd still lists both images" "$(docker images -q 'edgeguard-test/*' | sort -u | wc -l)" 2

# ---- --container: a module refused at create, re-evaluated from the store
docker run --network none --name mod edgeguard-test/foreign:1 true >/dev/null 2>&1
check_eq "the foreign module is refused by the runtime" "$(docker inspect -f '{{.State.Status}}' mod)" created
out=$("$EG" check --container mod 2>&1)
check_eq "check --container mod: refused" "$?" 1
check_contains "... why, by its own command's binary" "$out" "/bin/true is linux/$FOREIGN"
cid=$(docker inspect -f '{{.Id}}' mod)
check_eq "check --container by an id prefix" "$(status_of --container "${cid:0:12}")" 1
check_eq "check --container of no such container: exit 2" "$(status_of --container nosuch)" 2

# the container's own layer is judged too: a native one whose busybox was
# replaced after create
docker create --network none --name patched edgeguard-test/native:1 >/dev/null
check_eq "a native container as created: runs" "$(status_of --container patched)" 0
install -m 0755 "$FOREIGN_DIR/$FOREIGN/busybox-static" "$T/busybox"
docker cp "$T/busybox" patched:/bin/busybox
out=$("$EG" check --container patched 2>&1)
check_eq "... its busybox replaced by a $FOREIGN one in its own layer: refused" "$?" 1
check_contains "... judged from that layer" "$out" "linux/$FOREIGN"
finish
