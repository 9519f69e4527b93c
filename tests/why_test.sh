#!/usr/bin/env bash
# `edgeguard why` on a decision log written by the real shim in front of the
# real runc: a native module allowed (created and started), a foreign one
# refused twice; then the decisions told back, filtered, passed through
# unchanged with --json, after a rotation, and with hostile lines planted
# in a copy of the log.
source "$(dirname "$0")/lib.sh"
require_root

create() {
        "$EG" "${G[@]}" --log "$T/$1/log.json" --log-format json create --bundle "$T/$1" \
                --pid-file "$T/$1/init.pid" "$1" </dev/null >/dev/null 2>&1
}
why() { "$EG" why "$@" 2>"$T/why.err"; }

bundle why-native host sleep 60
create why-native
check_eq "native module created" "$?" 0
"$EG" "${G[@]}" start why-native
"$EG" "${G[@]}" delete --force why-native
bundle why-arm arm64 true
create why-arm
check_eq "arm64 module refused" "$?" 1
create why-arm
check_eq "arm64 module refused again" "$?" 1
check_eq "the shim wrote four records (create, start, two refusals)" "$(grep -c . "$DECISIONS")" 4

# ---- the latest decision, in words, with the fix
out=$(why why-arm)
check_eq "why why-arm: exit 0" "$?" 0
reason=$(jq -r 'select(.id == "why-arm") | .reason' "$DECISIONS" | tail -n 1)
check_contains "names the log and how it was found" "$out" "decision log $DECISIONS (EDGEGUARD_DECISION_LOG): 4 records, 2 matching"
check_contains "the decision and its rule" "$out" "REFUSE by rule arch"
check_contains "the reason as the user saw it, the fix in it" "$out" "reason:     $reason"
check_contains "... which says what to do" "$reason" "docker pull --platform linux/amd64 IMAGE"
check_contains "the program judged" "$out" "executable: /bin/true -> /bin/busybox: linux/arm64, ELF 64-bit LSB AArch64"
check_contains "the host" "$out" "host:       $(jq -r 'select(.id == "why-arm") | .host | [.os, .arch, .variant] | map(select(. != "")) | join("/")' "$DECISIONS" | tail -n 1) (uname -m $(uname -m))"
check_contains "the rule's detail, as check prints it" "$out" "  arch            refuse   "
check_contains "one line of history" "$out" "history:    2 decisions about why-arm since"
check_eq "only the latest is told by default" "$(grep -c '^REFUSE' <<<"$out")" 1

# ---- --json: the records unchanged
check_eq "--json: the latest record, byte for byte" "$(why --json why-arm)" "$(grep '"id":"why-arm"' "$DECISIONS" | tail -n 1)"
check_eq "--json --last 5: every record of the module, in order" "$(why --json --last 5 why-arm)" "$(grep '"id":"why-arm"' "$DECISIONS")"
check_eq "the latest of the native module is its start" "$(why --json why-native | jq -r '.verb + " " + .decision')" "start allow"
check_contains "start's record: told as the runtime's, what create judged named" "$(why why-native)" \
        "$(printf '%s' 'start at the runtime'; printf '\n%s' 'reason:')"
check_contains "... the program create judged" "$(why why-native)" "judged:     /bin/sleep: linux/amd64"
check_eq "--last 2 on the native module: create then start" "$(why --json --last 2 why-native | jq -r .verb | paste -sd ' ')" "create start"

# ---- filters
check_eq "--decision allow: the native module only" "$(why --json --decision allow | jq -r .id | sort -u)" "why-native"
check_eq "--rule arch: the refused one only" "$(why --json --rule arch | jq -r .id | sort -u)" "why-arm"
check_eq "--since 1h: everything just written" "$(why --json --since 1h --last 9 | wc -l)" 4
why --since 2099-01-01T00:00:00Z why-arm >/dev/null
check_eq "--since in the future: exit 1" "$?" 1
check_contains "... saying what was searched" "$(cat "$T/why.err")" "no decision about why-arm since 2099-01-01T00:00:00Z in $DECISIONS (EDGEGUARD_DECISION_LOG): 4 records read"
why nosuchmodule >/dev/null
check_eq "an unknown module: exit 1" "$?" 1
for bad in "--decision maybe" "--last 0" "--last 1001" "--since yesterday" "--rule nosuchrule" "a b" "--bogus"; do
        # shellcheck disable=SC2086 # each case is several words
        why $bad >/dev/null
        check_eq "usage error: why $bad: exit 2" "$?" 2
done

# ---- where the log is: the policy's decision_log when the environment names none
out=$(env -u EDGEGUARD_DECISION_LOG "$EG" why why-arm 2>&1)
check_contains "the policy's decision_log is read" "$out" "decision log $DECISIONS (the decision_log of $EDGEGUARD_POLICY)"
echo '{"decision_log": ' >"$T/broken-policy.json"
out=$(env -u EDGEGUARD_DECISION_LOG "$EG" why --policy "$T/broken-policy.json" --since 1s why-arm 2>&1)
check_contains "an unusable policy: said, and the log the runtime then writes is read" "$out" \
        "$T/broken-policy.json"
check_contains "... the built-in default" "$out" "/var/log/edgeguard/decisions.jsonl (where the runtime logs while $T/broken-policy.json is unusable)"
out=$("$EG" why --log "$T/none.jsonl" why-arm 2>&1)
check_eq "no log: exit 1" "$?" 1
check_contains "... saying where it looked" "$out" "no decision log at $T/none.jsonl (--log)"
mkfifo "$T/fifo.jsonl"
out=$(timeout 20 "$EG" why --log "$T/fifo.jsonl" 2>&1)
check_eq "a FIFO as the log: refused, not waited on (exit 2)" "$?" 2
check_contains "... saying why" "$out" "is not a regular file"

# ---- hostile lines in a copy: each named by number and skipped
hostile=$T/hostile.jsonl
{
        head -n 2 "$DECISIONS"
        echo 'not json'
        head -c 300000 /dev/zero | tr '\0' 'x'; echo
        head -n 3 "$DECISIONS" | tail -n 1 | head -c 200; echo
        printf '{"time":"2026-11-30T10:00:00Z","decision":"refuse","id":"why-arm","rule":"arch","reason":"forged \\u001b[2J\\r"}\n'
        printf '%0.s[' {1..5000}; echo
        tail -n 2 "$DECISIONS"
} >"$hostile"
out=$(why --log "$hostile" --last 9 why-arm)
check_eq "hostile copy: still answered, exit 0" "$?" 0
err=$(cat "$T/why.err")
check_contains "a line that is not JSON: named" "$err" "$hostile:3: not a decision record"
check_contains "an over-long line: named and skipped" "$err" "$hostile:4: a line of 300001 bytes, over the 262144-byte limit: skipped"
check_contains "a cut record: named" "$err" "$hostile:5: not a decision record"
check_contains "deep nesting: named" "$err" "$hostile:7: not a decision record"
check_eq "the forged line's escape sequence is shown escaped, never raw" "$(grep -c $'\033' <<<"$out")" 0
check_contains "... as text" "$out" 'reason:     forged \x1b[2J\r'
check_eq "the good records are all told" "$(grep -c '^REFUSE' <<<"$out")" 3

# ---- rotation: the previous log (.1) is read first; every refusal logged
# (repeat_window 0), so that the third one is a line of the new log
mv "$DECISIONS" "$DECISIONS.1"
printf '{"decision_log": "%s", "repeat_window": 0}\n' "$DECISIONS" >"$EDGEGUARD_POLICY"
create why-arm
out=$(why --last 5 why-arm)
check_contains "after a rotation: both files named" "$out" "decision log $DECISIONS and $DECISIONS.1"
check_contains "... the history counts both" "$out" "history:    3 decisions about why-arm"
check_eq "... --json: the older file's records first" "$(why --json --last 5 why-arm)" "$(cat "$DECISIONS.1" "$DECISIONS" | grep '"id":"why-arm"')"

check_eq "no container left" "$(containers)" 0
finish
