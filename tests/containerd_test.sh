#!/usr/bin/env bash
# containerd without dockerd: a private containerd 1.6 (hack/containerd.sh)
# and `ctr run --runc-binary edgeguard`, the way k3s and other containerd
# hosts use edgeguard through a runtime's BinaryName.  The native image runs
# and its task goes through the pass-through verbs; the foreign one is
# refused with edgeguard's reason in ctr's error.
source "$(dirname "$0")/lib.sh"
require_root

C=$T/c
shared_before=$(ls -A /run/containerd 2>&1)
containerd_stop() { "$TOP/hack/containerd.sh" stop "$C"; }
on_exit containerd_stop
if ! "$TOP/hack/containerd.sh" start "$C"; then
        not_ok "the private containerd starts (hack/containerd.sh start)"
        finish
fi
# shellcheck source=/dev/null
source "$C/env"
unset EDGEGUARD_DECISION_LOG
DECISIONS=$C/decisions.jsonl
# ctr keeps IO FIFOs under /run/containerd/fifo unless told: the test's own
RUN=(run --runc-binary "$EG" --runc-root "$C/runc" --fifo-dir "$C/fifo")
quiet() { "$@" >/dev/null 2>&1; }

"$TOP/hack/test-images.sh" "$T/images"
read -r NATIVE FOREIGN <"$T/images/platforms"
for image in native edgeguard-test_foreign_1; do
        ctr images import --all-platforms "$T/images/$image.tar" >/dev/null
done
check_eq "the test images are imported" "$(ctr images ls -q | grep -c edgeguard-test/)" 2

check_eq "native: ctr run" "$(ctr "${RUN[@]}" --rm docker.io/edgeguard-test/native:1 native-once uname -m)" "$(uname -m)"
check_eq "... recorded as allowed" "$(jq -r 'select(.id == "native-once" and .verb == "create") | .decision' "$DECISIONS")" allow
check_eq "... and its start verified against what create judged" \
        "$(jq -r 'select(.id == "native-once" and .verb == "start") | .decision' "$DECISIONS")" allow

check "ctr run -d" quiet ctr "${RUN[@]}" -d docker.io/edgeguard-test/native:1 svc sleep 1000
check_eq "ctr task exec" "$(ctr task exec --fifo-dir "$C/fifo" --exec-id e1 svc echo inside)" inside
check "ctr task pause" quiet ctr task pause svc
check_eq "... paused" "$(ctr task ls | awk '$1 == "svc" { print $3 }')" PAUSED
check "ctr task resume" quiet ctr task resume svc
check_eq "... running" "$(ctr task ls | awk '$1 == "svc" { print $3 }')" RUNNING
check_contains "ctr task ps" "$(ctr task ps svc)" "$(ctr task ls | awk '$1 == "svc" { print $2 }')"
check "ctr task kill" quiet ctr task kill -s KILL svc
# ctr task delete waits for the exit it reports
check_contains "ctr task delete: the exit status" "$(ctr task delete svc 2>&1)" "exit code 137"
check "ctr container rm" quiet ctr container rm svc

out=$(ctr "${RUN[@]}" --rm docker.io/edgeguard-test/foreign:1 foreign-mod uname -m 2>&1)
check_eq "foreign: ctr run fails" "$?" 1
check_contains "... ctr's error holds edgeguard's reason" "$out" \
        "OCI runtime create failed: edgeguard: refused container \"foreign-mod\": /bin/uname is linux/$FOREIGN"
check_contains "... naming the host" "$out" "this host is linux/$NATIVE"
check_eq "... recorded: refused on rule arch, no moby store for a containerd id" \
        "$(jq -r 'select(.id == "foreign-mod") | [.decision, .rule, .engine.status] | join(",")' "$DECISIONS")" \
        "refuse,arch,skipped"
check_eq "... no task left" "$(ctr task ls -q | wc -l)" 0
# the shim gives runc --root RUNC_ROOT/NAMESPACE
check_eq "... no runc container left" "$(runc --root "$C/runc/$CONTAINERD_NAMESPACE" list -q | wc -l)" 0
quiet ctr container rm foreign-mod

containerd_stop
check_eq "stopping leaves no process behind" "$(pgrep -f -- "$C/" || true)" ""
check_eq "... /run/containerd as it was (containerd's fixed shim socket directory)" "$(ls -A /run/containerd 2>&1)" "$shared_before"
check_eq "... and no mount" "$(grep -cF "$C" /proc/self/mountinfo)" 0
finish
