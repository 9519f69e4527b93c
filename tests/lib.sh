# shellcheck shell=bash
# Shared by the tests/*_test.sh suites: assertions that print TAP-like lines
# and a closing "N passed, N failed", a private scratch directory, and
# cleanup that runs however the suite ends.
set -u
# Debian installs runc in /usr/sbin, which a non-login PATH may lack.
export PATH=$PATH:/usr/sbin:/sbin
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck disable=SC2034 # used by the suites that source this file
EG=$TOP/edgeguard
# shellcheck disable=SC2034
HELPERS=$TOP/build/helpers
T=$(mktemp -d /tmp/edgeguard-test.XXXXXX)
# Never the machine's policy or decision log: a private one per suite.
export EDGEGUARD_POLICY=$T/policy.json
export EDGEGUARD_DECISION_LOG=$T/decisions.jsonl
DECISIONS=$EDGEGUARD_DECISION_LOG
# What create judged, for start to verify: never the machine's /run/edgeguard.
export EDGEGUARD_STATE_DIR=$T/start-records
printf '{"decision_log": "%s"}\n' "$DECISIONS" >"$EDGEGUARD_POLICY"
_passed=0 _failed=0
declare -a _cleanups=()

on_exit() { _cleanups+=("$*"); }
_run_cleanups() {
        local i
        for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do eval "${_cleanups[i]}" || true; done
        rm -rf "$T"
}
trap _run_cleanups EXIT

ok() { echo "ok - $1"; _passed=$((_passed + 1)); }
not_ok() { echo "not ok - $1"; shift; [[ $# -gt 0 ]] && printf '#   %s\n' "$@"; _failed=$((_failed + 1)); }

# check NAME CMD...: passes when CMD succeeds.
check() {
        local name=$1; shift
        if "$@"; then ok "$name"; else not_ok "$name" "command failed: $*"; fi
}

# check_eq NAME ACTUAL EXPECTED
check_eq() {
        if [[ "$2" == "$3" ]]; then ok "$1"; else not_ok "$1" "got:      $2" "expected: $3"; fi
}

# check_contains NAME HAYSTACK NEEDLE
check_contains() {
        if [[ "$2" == *"$3"* ]]; then ok "$1"; else not_ok "$1" "\"$3\" not in:" "$2"; fi
}

# The real runc's state in a directory of the suite's own ($R; ${G[@]} are
# the global flags that select it); every container left there is deleted
# at exit.  containers counts those there.
R=$T/runc-root
# shellcheck disable=SC2034 # used by the suites that source this file
G=(--root "$R")
on_exit 'runc --root "$R" list -q 2>/dev/null | xargs -r -n1 runc --root "$R" delete --force'
containers() { runc --root "$R" list -q | wc -l; }

# bundle NAME DEBARCH ARGS...: a busybox bundle $T/NAME running ARGS, whose
# busybox is Debian's for DEBARCH ("host": this machine's) from $FOREIGN.
FOREIGN=${EDGEGUARD_FOREIGN:-$TOP/build/foreign}
bundle() {
        local dir=$T/$1 arch=$2; shift 2
        "$TOP/hack/busybox-bundle.sh" "$dir" "$@" >/dev/null
        if [[ $arch != host ]]; then
                install -m 0755 "$FOREIGN/$arch/busybox-static" "$dir/rootfs/bin/busybox"
        fi
}

# Tests that need root or a kernel feature fail loudly rather than skip.
require_root() {
        if [[ $(id -u) -ne 0 ]]; then
                not_ok "running as root (required by $(basename "$0"))"
                finish
        fi
}

# Emulation for real: binfmt_misc with Debian's qemu-aarch64 magic and mask
# registered under this suite's own name, with F (the interpreter is opened
# now, not looked up inside the container at exec time).  binfmt_restore
# removes the entry and undoes a mount made here; binfmt_state says what the
# host had, to compare before and after.
BINFMT=/proc/sys/fs/binfmt_misc
BINFMT_ENTRY=edgeguard-test-aarch64
QEMU_AARCH64=/usr/bin/qemu-aarch64-static
_binfmt_we_mounted=""
binfmt_state() { { mountpoint -q "$BINFMT" && echo mounted && ls "$BINFMT"; } 2>&1 | tr '\n' ' '; }
binfmt_restore() {
        [[ -e $BINFMT/$BINFMT_ENTRY ]] && echo -1 >"$BINFMT/$BINFMT_ENTRY"
        [[ -n $_binfmt_we_mounted ]] && umount "$BINFMT"
        _binfmt_we_mounted=""
}
binfmt_register_aarch64() {
        if [[ ! -x $QEMU_AARCH64 ]]; then
                not_ok "qemu-user-static is installed ($QEMU_AARCH64; hack/install-deps.sh installs it)"
                return 1
        fi
        on_exit binfmt_restore
        if ! mountpoint -q "$BINFMT"; then
                if mount -t binfmt_misc binfmt_misc "$BINFMT"; then _binfmt_we_mounted=1; else
                        not_ok "mounting binfmt_misc (the kernel needs CONFIG_BINFMT_MISC)"
                        return 1
                fi
        fi
        printf '%s' ":$BINFMT_ENTRY:M::\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:$QEMU_AARCH64:F" \
                >"$BINFMT/register"
        check "registered $BINFMT_ENTRY" grep -q '^enabled' "$BINFMT/$BINFMT_ENTRY"
}

finish() {
        echo "$_passed passed, $_failed failed"
        [[ $_failed -eq 0 ]]
        exit
}
