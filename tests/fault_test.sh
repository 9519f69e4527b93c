#!/usr/bin/env bash
# Fault injection on the real runc: the decision log, the policy file, runc
# itself, the bundle and runc's --log each made to fail in turn.  In every
# case create either proceeds or refuses exactly as the README says, with a
# message naming what failed, and state, kill and delete still pass through
# to a container that was running all along.
source "$(dirname "$0")/lib.sh"
require_root

machine_log_before=$(ls -la --time-style=full-iso /var/log/edgeguard 2>&1)
GOOD_POLICY=$EDGEGUARD_POLICY

last_error() { jq -r 'select(.level == "error") | .msg' "$T/$1/log.json" 2>/dev/null | tail -n 1; }
last_warning() { jq -r 'select(.level == "warning") | .msg' "$T/$1/log.json" 2>/dev/null | tail -n 1; }

# create BUNDLE ID: containerd's argv, run under ${AS[@]} (normally
# nothing).  A guard of 60 s turns a hang into exit 124, which every case
# asserts against; nothing waits on it otherwise.
AS=()
create() {
        timeout 60 "${AS[@]}" "$EG" "${G[@]}" --log "$T/$1/log.json" --log-format json \
                create --bundle "$T/$1" "$2" </dev/null >"$T/out" 2>"$T/err"
}

# tmpfs DIR OPTIONS: a private tmpfs, unmounted at exit.
tmpfs() {
        mkdir -p "$1"
        mount -t tmpfs -o "$2" edgeguard-fault "$1" || { not_ok "mounting a tmpfs on $1"; finish; }
        on_exit "umount '$1'"
}

bundle sleeper host sleep 600
bundle allowed host true
bundle refused arm64 true
victims=0

# passes_through CASE: state, kill and delete reach runc under the fault
# in force (the environment the caller set).
passes_through() {
        local victim=victim-$((victims += 1))
        check_eq "$1: state passes through" "$(timeout 60 "$EG" "${G[@]}" state sleeper | jq -r .status)" running
        timeout 60 "$EG" "${G[@]}" kill sleeper CONT
        check_eq "$1: kill passes through" "$?" 0
        runc "${G[@]}" create --bundle "$T/allowed" "$victim" </dev/null >/dev/null 2>&1
        timeout 60 "$EG" "${G[@]}" delete --force "$victim"
        check_eq "$1: delete passes through" "$?/$(runc "${G[@]}" list -q | grep -c "^$victim\$")" 0/0
}

# refuses_with CASE MESSAGE: the arm64 module is refused, the caller hears MESSAGE.
refuses_with() {
        create refused "r-$((victims += 1))"
        check_eq "$1: refused create exits 1" "$?" 1
        check_contains "$1: the refusal names the fault" "$(last_error refused)" "$2"
}

# runs_with_warning CASE MESSAGE: the allowed module is created; runc's log
# gets MESSAGE as a warning.
runs_with_warning() {
        local id=a-$((victims += 1))
        create allowed "$id"
        check_eq "$1: allowed create exits 0" "$?" 0
        check_eq "$1: ... and the container exists" "$(runc "${G[@]}" state "$id" | jq -r .status)" created
        check_contains "$1: ... runc's log warns" "$(last_warning allowed)" "$2"
        runc "${G[@]}" delete --force "$id"
}

"$EG" "${G[@]}" run -d --bundle "$T/sleeper" sleeper </dev/null >/dev/null 2>&1
check_eq "the sleeper runs through edgeguard" "$(runc "${G[@]}" state sleeper | jq -r .status)" running

# ---- the decision log's directory is read-only
tmpfs "$T/ro" ro,size=64k
export EDGEGUARD_DECISION_LOG=$T/ro/decisions.jsonl
refuses_with "read-only log directory" \
        "(the decision log could not be written: opening decision log $T/ro/decisions.jsonl: Read-only file system)"
runs_with_warning "read-only log directory" \
        "edgeguard: the decision log could not be written: opening decision log $T/ro/decisions.jsonl: Read-only file system"
passes_through "read-only log directory"

# ---- the disk is full: no room at all, then room for part of a record
tmpfs "$T/full" size=64k
pad_log() { head -c $(($1 - 11)) /dev/zero | tr '\0' x | jq -R -c '{pad: .}' >"$T/full/decisions.jsonl"; }
pad_log 8192 # two whole pages
dd if=/dev/zero of="$T/full/filler" bs=4k status=none 2>/dev/null
check_eq "the tmpfs is full" "$(stat -f -c %a "$T/full")" 0
export EDGEGUARD_DECISION_LOG=$T/full/decisions.jsonl
size_before=$(stat -c %s "$EDGEGUARD_DECISION_LOG")
refuses_with "disk full" "(the decision log could not be written: writing decision log $T/full/decisions.jsonl: No space left on device)"
runs_with_warning "disk full" "edgeguard: the decision log could not be written: writing decision log $T/full/decisions.jsonl: No space left on device"
check_eq "disk full: the log is as it was" "$(stat -c %s "$EDGEGUARD_DECISION_LOG")" "$size_before"
passes_through "disk full"
# 100 bytes short of a page: a record fits only in part
pad_log 8092
size_before=$(stat -c %s "$EDGEGUARD_DECISION_LOG")
refuses_with "disk full, room for part of a line" \
        "(the decision log could not be written: writing decision log $T/full/decisions.jsonl: only 100 of"
check_contains "disk full, room for part of a line: said so" "$(last_error refused)" \
        "bytes fitted (no space left on device); cut off again)"
check_eq "disk full, room for part of a line: the torn part is cut off" \
        "$(stat -c %s "$EDGEGUARD_DECISION_LOG")" "$size_before"
check "disk full, room for part of a line: whole JSON lines only" jq -e . "$EDGEGUARD_DECISION_LOG" >/dev/null
rm -f "$T/full/filler"
refuses_with "space again" "refused container"
check_eq "space again: the next record is a line of its own" "$(tail -n 1 "$EDGEGUARD_DECISION_LOG" | jq -r .decision)" refuse

# ---- the log is replaced by a FIFO (with and without a reader), or a symlink
mkfifo "$T/fifo.jsonl"
export EDGEGUARD_DECISION_LOG=$T/fifo.jsonl
refuses_with "FIFO as decision log, no reader: no hang" \
        "(the decision log could not be written: opening decision log $T/fifo.jsonl: No such device or address)"
exec 8<>"$T/fifo.jsonl" # a reader (and writer) holding it open
refuses_with "FIFO as decision log, held open: no hang" \
        "(the decision log could not be written: decision log $T/fifo.jsonl is not a regular file)"
runs_with_warning "FIFO as decision log" "decision log $T/fifo.jsonl is not a regular file"
exec 8<&-
passes_through "FIFO as decision log"
ln -s "$T/elsewhere.jsonl" "$T/link.jsonl"
export EDGEGUARD_DECISION_LOG=$T/link.jsonl
refuses_with "symlink as decision log" "is a symlink: not written"
check "symlink as decision log: nothing written through it" test ! -e "$T/elsewhere.jsonl"
passes_through "symlink as decision log"
export EDGEGUARD_DECISION_LOG=$DECISIONS

# ---- the repeat table's lock held elsewhere, with SIGALRM blocked by the
# caller (a mask is inherited through exec): the wait still ends, the
# refusal is logged in full
exec 9>>"$DECISIONS.repeats"
flock -x 9
lines=$(wc -l <"$DECISIONS")
AS=(perl -MPOSIX -e 'sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGALRM)); exec @ARGV or die')
refuses_with "repeat table locked, SIGALRM blocked: no hang" "refused container"
AS=()
check_eq "repeat table locked: the refusal logged in full" "$(($(wc -l <"$DECISIONS") - lines))" 1
exec 9>&-

# ---- the policy file: missing, empty, corrupt, a directory, a FIFO, unreadable
policy_case() { # CASE FILE MESSAGE
        export EDGEGUARD_POLICY=$2
        local lines
        lines=$(wc -l <"$DECISIONS")
        create allowed "p-$((victims += 1))"
        check_eq "$1: even an allowed module is refused" "$?" 1
        check_contains "$1: the file and the fault are named" "$(last_error allowed)" "policy file $2$3"
        check_eq "$1: recorded under rule policy" "$(tail -n 1 "$DECISIONS" | jq -r '[.decision, .rule] | join(" ")')" "refuse policy"
        check_eq "$1: one record" "$(wc -l <"$DECISIONS")" $((lines + 1))
        passes_through "$1"
        export EDGEGUARD_POLICY=$GOOD_POLICY
}
policy_case "policy missing" "$T/missing.json" ": No such file or directory"
: >"$T/empty.json"
policy_case "policy empty" "$T/empty.json" ": the document: invalid JSON: parse error: premature EOF (byte 0)"
printf '{"mode": "enforce", "rules": {"arch": ' >"$T/corrupt.json"
policy_case "policy corrupt" "$T/corrupt.json" ": rules.arch: invalid JSON: parse error: premature EOF (byte 38)"
mkdir "$T/dir.json"
policy_case "policy a directory" "$T/dir.json" " is not a regular file"
mkfifo "$T/fifo-policy.json"
policy_case "policy a FIFO: no hang" "$T/fifo-policy.json" " is not a regular file"
printf '{"decision_log": "%s"}\n' "$DECISIONS" >"$T/unreadable.json"
chmod 0000 "$T/unreadable.json"
# root reads anything: the check runs without the capabilities that allow it
export EDGEGUARD_POLICY=$T/unreadable.json
no_dac=-dac_override,-dac_read_search
AS=(setpriv --inh-caps="$no_dac" --bounding-set="$no_dac")
create allowed p-unreadable
check_eq "policy unreadable: refused" "$?" 1
check_contains "policy unreadable: named" "$(last_error allowed)" "policy file $T/unreadable.json: Permission denied"
AS=()
export EDGEGUARD_POLICY=$GOOD_POLICY
passes_through "policy unreadable"

# ---- runc missing, not executable, a directory: nothing to pass on to
runc_case() { # CASE PATH MESSAGE
        local id=x-$((victims += 1))
        EDGEGUARD_RUNC=$2 create allowed "$id"
        check_eq "$1: create exits 1" "$?" 1
        check_contains "$1: runc's log names it" "$(last_error allowed)" "$3"
        check_contains "$1: stderr names it" "$(cat "$T/err")" "$3"
        check_eq "$1: no container" "$(runc "${G[@]}" list -q | grep -c "^$id\$")" 0
        # a container whose backend edgeguard has not recorded: the
        # environment's runc is the one (sleeper keeps the runc it was made with)
        EDGEGUARD_RUNC=$2 timeout 60 "$EG" "${G[@]}" state "$id" >"$T/out" 2>"$T/err"
        check_eq "$1: state exits 1 too" "$?" 1
        check_contains "$1: state names it" "$(cat "$T/err")" "$3"
}
runc_case "runc missing" /nonexistent/runc "runc not found at /nonexistent/runc (EDGEGUARD_RUNC): No such file or directory"
install -m 0644 /usr/sbin/runc "$T/runc-noexec"
runc_case "runc not executable" "$T/runc-noexec" "cannot execute runc at $T/runc-noexec: Permission denied"
runc_case "runc a directory" "$T" "runc at $T (EDGEGUARD_RUNC) is not a regular file"
passes_through "after the runc faults"

# ---- the bundle or its rootfs gone
rm -rf "$T/gone"
create gone gone-1
check_eq "bundle gone: refused" "$?" 1
check_contains "bundle gone: named on stderr" "$(cat "$T/err")" "bundle $T/gone: No such file or directory"
bundle norootfs host true
rm -rf "$T/norootfs/rootfs"
create norootfs norootfs-1
check_eq "rootfs gone: refused" "$?" 1
check_contains "rootfs gone: named" "$(last_error norootfs)" "rootfs"
# ... and vanishing while creates are being checked: a process renames the
# rootfs away and back without pause while 40 creates run one after another
bundle racy host true
(while :; do mv "$T/racy/rootfs" "$T/racy/away" 2>/dev/null; mv "$T/racy/away" "$T/racy/rootfs" 2>/dev/null; done) &
renamer=$!
on_exit "kill $renamer 2>/dev/null"
lines=$(wc -l <"$DECISIONS")
statuses="" unexplained=0
for i in $(seq 1 40); do
        : >"$T/racy/log.json"
        create racy "racy-$i"
        rc=$?
        statuses+="$rc "
        if [[ $rc -eq 1 && -z $(last_error racy) ]]; then unexplained=$((unexplained + 1)); fi
        runc "${G[@]}" delete --force "racy-$i" >/dev/null 2>&1
done
kill "$renamer"
wait "$renamer" 2>/dev/null
mv "$T/racy/away" "$T/racy/rootfs" 2>/dev/null
echo "# rootfs vanishing mid-check: $(tr ' ' '\n' <<<"$statuses" | grep -c '^0$') created, $(tr ' ' '\n' <<<"$statuses" | grep -c '^1$') refused or failed"
check_eq "rootfs vanishing mid-check: every create exits 0 or 1 (no crash, no hang)" \
        "$(tr ' ' '\n' <<<"$statuses" | grep -cvE '^(0|1|)$')" 0
check_eq "rootfs vanishing mid-check: every failure says why in runc's log" "$unexplained" 0
check_eq "rootfs vanishing mid-check: 40 decisions recorded, none lost" "$(($(wc -l <"$DECISIONS") - lines))" 40
check "rootfs vanishing mid-check: every record is whole JSON" jq -e . "$DECISIONS" >/dev/null
passes_through "after the vanishing rootfs"

# ---- runc's --log cannot be written
"$EG" "${G[@]}" --log "$T/ro/runc.json" --log-format json create --bundle "$T/refused" log-1 \
        </dev/null >"$T/out" 2>"$T/err"
check_eq "--log unwritable, refused: exit 1" "$?" 1
check_contains "--log unwritable, refused: the reason reaches stderr" "$(cat "$T/err")" \
        "edgeguard: refused container \"log-1\""
check_contains "--log unwritable, refused: and why the log has not got it" "$(cat "$T/err")" \
        "opening runc log $T/ro/runc.json: Read-only file system"
runc "${G[@]}" --log "$T/ro/runc.json" --log-format json create --bundle "$T/allowed" log-direct \
        </dev/null >/dev/null 2>"$T/err.direct"
direct=$?
"$EG" "${G[@]}" --log "$T/ro/runc.json" --log-format json create --bundle "$T/allowed" log-2 \
        </dev/null >/dev/null 2>"$T/err"
check_eq "--log unwritable, allowed: runc's own outcome, as without edgeguard" "$?" "$direct"
check_contains "--log unwritable, allowed: runc's own error" "$(cat "$T/err")" "read-only file system"
passes_through "--log unwritable"

"$EG" "${G[@]}" delete --force sleeper
check_eq "no container left at the end" "$(containers)" 0
check_eq "the machine's /var/log/edgeguard untouched" "$(ls -la --time-style=full-iso /var/log/edgeguard 2>&1)" "$machine_log_before"
finish
