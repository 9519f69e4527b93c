#!/usr/bin/env bash
# Emulation for real: binfmt_misc with Debian's qemu-user-static registered
# by this test (fix-binary, so the emulator need not be in the image).  An
# arm64 bundle is refused by default with the emulator named, and runs when
# the policy allows emulation.  The host's binfmt_misc state (mount and
# entries) is restored afterwards, also when the test fails.
source "$(dirname "$0")/lib.sh"
require_root


before=$(binfmt_state)
binfmt_register_aarch64 || finish

bundle arm arm64 busybox uname -m

"$EG" "${G[@]}" --log "$T/arm/log.json" --log-format json create --bundle "$T/arm" arm </dev/null >/dev/null 2>&1
check_eq "arm64 under emulation: refused by default" "$?" 1
msg=$(tail -n 1 "$T/arm/log.json" | jq -r .msg)
check_contains "the refusal names the emulator" "$msg" \
        "which this host runs only under emulation: binfmt_misc entry $BINFMT_ENTRY hands it to $QEMU_AARCH64"
check_contains "the refusal says which policy key allows it" "$msg" "Set \"allow_emulation\": true in $EDGEGUARD_POLICY"
check_eq "the record: rule emulation, emulator named" \
        "$(tail -n 1 "$DECISIONS" | jq -r '[.decision, .rule, .emulator.name, .emulator.interpreter, .emulator.flags] | join(" ")')" \
        "refuse emulation $BINFMT_ENTRY $QEMU_AARCH64 F"
check_eq "refused: no container left" "$(runc "${G[@]}" list -q | wc -l)" 0

printf '{"allow_emulation": true}\n' >"$EDGEGUARD_POLICY"
out=$("$EG" "${G[@]}" run --bundle "$T/arm" arm </dev/null 2>&1)
check_eq "allow_emulation: the arm64 busybox really runs (under qemu)" "$out" aarch64
check_eq "allow_emulation: recorded as allowed, emulation noted" \
        "$(tail -n 1 "$DECISIONS" | jq -r '[.decision, .rules.emulation.action, .emulator.name] | join(" ")')" \
        "allow note $BINFMT_ENTRY"

binfmt_restore
check_eq "the host's binfmt_misc state is restored" "$(binfmt_state)" "$before"
finish
