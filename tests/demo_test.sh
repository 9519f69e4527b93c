#!/usr/bin/env bash
# The main job as a user runs it (hack/demo.sh: a private dockerd with the
# engine plugin and edgeguard as its runtime), its story asserted, and
# `edgeguard why` on the demo's decision log: each refused module told from
# the door that refused it.  Under flock /tmp/edgeguard-engines.lock, like
# every engine test; the demo removes what it made.
source "$(dirname "$0")/lib.sh"
require_root

out=$(flock /tmp/edgeguard-engines.lock "$TOP/hack/demo.sh" 2>&1)
check_eq "the demo: exit 0" "$?" 0
check_contains "1. the native module runs" "$out" "$(printf '%s\n%s' '$ docker run --rm --network none --name SimulatedSensor edgeguard-test/native:1 uname -m' "$(uname -m)")"
check_contains "2. the foreign module is refused by the plugin" "$out" "authorization denied by plugin edgeguard: refused a new container (name ArmModule"
check_contains "3. the lying label is refused by the plugin, by its binaries" "$out" \
        "authorization denied by plugin edgeguard: refused a new container (name LyingModule, image edgeguard-test/label-native-holds-foreign:1): /bin/uname is linux/"
check_contains "4. the program swapped in after create is refused by the runtime" "$out" "OCI runtime create failed: edgeguard: refused container"

why=${out#*== 6. why was my module refused?}
check "6. the why step ran" test "$why" != "$out"
arm=${why#*ArmModule$'\n'}
arm=${arm%%history:*}
check_contains "why ArmModule: the plugin's refusal" "$arm" "REFUSE by rule arch"
check_contains "why ArmModule: told as the plugin's decision" "$arm" "create at the engine plugin"
check_contains "why ArmModule: the reason with the fix" "$arm" "docker pull --platform linux/amd64 edgeguard-test/foreign:1"
lying=${why#*LyingModule$'\n'}
lying=${lying%%history:*}
check_contains "why LyingModule: the plugin's refusal" "$lying" "create at the engine plugin"
check_contains "why LyingModule: the foreign program" "$lying" "executable: /bin/uname -> /bin/busybox: linux/"
check_contains "why LyingModule: the lying label" "$lying" "declared:   linux/"
swapped=${why#*SwappedModule$'\n'}
swapped=${swapped%%history:*}
check_contains "why SwappedModule: the runtime's refusal" "$swapped" "create at the runtime"
check_contains "why SwappedModule: the swapped-in program" "$swapped" "executable: /bin/app: linux/"
check_contains "why SwappedModule: the history counts the plugin's allow too" "$why" "2 decisions about SwappedModule since"
check_contains "why --decision refuse --json: the four refusals, both doors" "$why" \
        "$(printf '%s\n' '{"name":"ArmModule","door":"authz","rule":"arch"}' '{"name":"LyingModule","door":"authz","rule":"arch"}' '{"name":"SwappedModule","door":"runtime","rule":"arch"}' '{"name":"Bypass","door":"authz","rule":"runtime"}')"
finish
