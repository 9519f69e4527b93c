#!/usr/bin/env bash
# Emulation for real: binfmt_misc with Debian's qemu-user-static registered
# by this test (fix-binary, so the emulator need not be in the image).  An
# arm64 bundle is refused by default with the emulator named, and runs when
# the policy allows emulation.  The host's binfmt_misc state (mount and
# entries) is restored afterwards, also when the test fails.
source "$(dirname "$0")/lib.sh"
require_root

BINFMT=/proc/sys/fs/binfmt_misc
ENTRY=edgeguard-test-aarch64
QEMU=/usr/bin/qemu-aarch64-static
R=$T/runc-root
G=(--root "$R")
FOREIGN=${EDGEGUARD_FOREIGN:-$TOP/build/foreign}

if [[ ! -x $QEMU ]]; then
        not_ok "qemu-user-static is installed ($QEMU; hack/install-deps.sh installs it)"
        finish
fi
binfmt_state() { { mountpoint -q "$BINFMT" && echo mounted && ls "$BINFMT"; } 2>&1 | tr '\n' ' '; }
before=$(binfmt_state)
we_mounted=""
restore() {
        [[ -e $BINFMT/$ENTRY ]] && echo -1 >"$BINFMT/$ENTRY"
        [[ -n $we_mounted ]] && umount "$BINFMT"
        we_mounted=""
}
on_exit restore
on_exit 'runc --root "$R" list -q 2>/dev/null | xargs -r -n1 runc --root "$R" delete --force'

if ! mountpoint -q "$BINFMT"; then
        if mount -t binfmt_misc binfmt_misc "$BINFMT"; then we_mounted=1; else
                not_ok "mounting binfmt_misc (the kernel needs CONFIG_BINFMT_MISC)"
                finish
        fi
fi
# Debian's own qemu-aarch64 magic and mask, with F: the interpreter is
# opened now, not looked up inside the container at exec time.
printf '%s' ":$ENTRY:M::\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:$QEMU:F" \
        >"$BINFMT/register"
check "registered $ENTRY" grep -q '^enabled' "$BINFMT/$ENTRY"

"$TOP/hack/busybox-bundle.sh" "$T/arm" busybox uname -m >/dev/null
install -m 0755 "$FOREIGN/arm64/busybox-static" "$T/arm/rootfs/bin/busybox"

"$EG" "${G[@]}" --log "$T/arm/log.json" --log-format json create --bundle "$T/arm" arm </dev/null >/dev/null 2>&1
check_eq "arm64 under emulation: refused by default" "$?" 1
msg=$(tail -n 1 "$T/arm/log.json" | jq -r .msg)
check_contains "the refusal names the emulator" "$msg" \
        "which this host runs only under emulation: binfmt_misc entry $ENTRY hands it to $QEMU"
check_contains "the refusal says which policy key allows it" "$msg" "Set \"allow_emulation\": true in $EDGEGUARD_POLICY"
check_eq "the record: rule emulation, emulator named" \
        "$(tail -n 1 "$DECISIONS" | jq -r '[.decision, .rule, .emulator.name, .emulator.interpreter, .emulator.flags] | join(" ")')" \
        "refuse emulation $ENTRY $QEMU F"
check_eq "refused: no container left" "$(runc "${G[@]}" list -q | wc -l)" 0

printf '{"allow_emulation": true}\n' >"$EDGEGUARD_POLICY"
out=$("$EG" "${G[@]}" run --bundle "$T/arm" arm </dev/null 2>&1)
check_eq "allow_emulation: the arm64 busybox really runs (under qemu)" "$out" aarch64
check_eq "allow_emulation: recorded as allowed, emulation noted" \
        "$(tail -n 1 "$DECISIONS" | jq -r '[.decision, .rules.emulation.action, .emulator.name] | join(" ")')" \
        "allow note $ENTRY"

restore
check_eq "the host's binfmt_misc state is restored" "$(binfmt_state)" "$before"
finish
