#!/usr/bin/env bash
# Pass-through fidelity: whatever edgeguard is asked to pass on reaches runc
# exactly as runc would have received it directly.  A recording fake runc
# stands in for runc here; runc_lifecycle_test.sh uses the real one.
source "$(dirname "$0")/lib.sh"

FAKE=$HELPERS/fake_runc
mkdir -p "$T/cwd"
# A bundle the policy allows, so that creating verbs reach the fake runc.
"$TOP/hack/busybox-bundle.sh" "$T/bundle" true >/dev/null
printf 'stdin line 1\nstdin line 2\n' >"$T/stdin"

# invoke WHICH ARGS...: runs the fake directly (WHICH=direct) or through
# edgeguard (WHICH=eg) in a fixed, minimal environment with fds 5 and 7 open;
# leaves rc, out, err and the record in $T/WHICH.*
invoke() {
        local which=$1 prog; shift
        [[ $which == direct ]] && prog=$FAKE || prog=$EG
        (
                cd "$T/cwd" || exit 99
                exec 5<"$T/stdin" 7>>"$T/fd7"
                exec env -i PATH=/usr/bin:/bin LANG=C "SPACED=a b" EDGEGUARD_RUNC="$FAKE" \
                        EDGEGUARD_POLICY="$EDGEGUARD_POLICY" EDGEGUARD_DECISION_LOG="$DECISIONS" \
                        FAKE_RUNC_RECORD="$T/record" FAKE_RUNC_EXIT="${FAKE_EXIT:-0}" \
                        "$prog" "$@" <"$T/stdin" >"$T/out" 2>"$T/err"
        )
        echo $? >"$T/$which.rc"
        mv "$T/out" "$T/$which.out"
        mv "$T/err" "$T/$which.err"
        if [[ -f $T/record ]]; then mv "$T/record" "$T/$which.record"; else : >"$T/$which.record"; fi
}

# What must be identical: everything but the pid, the ppid and argv[0].
stable() { grep -v -e '^pid=' -e '^ppid=' -e '^argv\[0\]=' "$1"; }

compare() {
        local name=$1; shift
        invoke direct "$@"
        invoke eg "$@"
        local d
        d=$(diff <(stable "$T/direct.record") <(stable "$T/eg.record"))
        if [[ -z $d && -s $T/eg.record ]]; then ok "$name: argv, env, cwd, fds, signals"; else not_ok "$name: argv, env, cwd, fds, signals" "$d"; fi
        check_eq "$name: argv[0] unchanged" "$(grep '^argv\[0\]=' "$T/eg.record")" "argv[0]=$EG"
        check_eq "$name: stdout" "$(cat "$T/eg.out")" "$(cat "$T/direct.out")"
        check_eq "$name: stderr" "$(cat "$T/eg.err")" "$(cat "$T/direct.err")"
        check_eq "$name: exit code" "$(cat "$T/eg.rc")" "$(cat "$T/direct.rc")"
}

G="--root /run/containerd/runc/moby --log $T/bundle/log.json --log-format json"
compare "create (containerd's argv)" $G create --bundle "$T/bundle" --pid-file "$T/bundle/init.pid" \
        --console-socket /tmp/pty.sock --preserve-fds 2 abc
compare "create, no policy yet" $G create --bundle "$T/bundle" abc
compare "run -d" $G run -d --bundle "$T/bundle" abc
compare "restore -no-subreaper" $G restore -no-subreaper --image-path /ck --bundle "$T/bundle" abc
compare "start" $G start abc
compare "state" $G state abc
compare "exec --process" $G exec --process /tmp/p.json --detach --pid-file /tmp/p.pid abc
compare "ps" $G ps --format json abc
compare "update --resources -" $G update --resources - abc
compare "kill" $G kill abc 9
compare "delete --force" $G delete --force abc
compare "features" features
compare "--version" --version
compare "unknown verb" frobnicate --x
compare "arguments with spaces and newlines" $G exec abc sh -c 'echo "a  b"
second line'
FAKE_EXIT=42 compare "exit code 42" $G state abc
FAKE_EXIT=255 compare "exit code 255" $G delete abc
check_contains "stdin reaches runc" "$(cat "$T/eg.out")" "stdin line 2"
check "fd 5 and 7 reach runc" grep -q "^fd 7 $T/fd7" "$T/eg.record"
check_eq "every create, run and restore above left one decision record" \
        "$(jq -r .decision "$DECISIONS" | sort | uniq -c | tr -s ' ')" " 4 allow"
check_eq "edgeguard adds no fd of its own" "$(grep -c '^fd ' "$T/eg.record")" \
        "$(grep -c '^fd ' "$T/direct.record")"

# Exec in place: the pid the caller started is the one that becomes runc.
(
        cd "$T/cwd" || exit 99
        env EDGEGUARD_RUNC="$FAKE" FAKE_RUNC_RECORD="$T/record" "$EG" state abc >/dev/null 2>&1 </dev/null &
        echo "$! $BASHPID" >"$T/pids"
        wait
)
read -r started caller <"$T/pids"
check_eq "same pid before and after exec" "$(grep '^pid=' "$T/record")" "pid=$started"
check_eq "runc's parent is edgeguard's caller" "$(grep '^ppid=' "$T/record")" "ppid=$caller"

# Ignored signals survive the exec, as they would into runc directly.
(trap '' USR2 PIPE; invoke direct state abc; invoke eg state abc)
check_eq "ignored signals unchanged" "$(grep SigIgn "$T/eg.record")" "$(grep SigIgn "$T/direct.record")"

# A signal sent to edgeguard's pid reaches runc (it is runc by then).
mkfifo "$T/ready"
for sig in USR1 TERM; do
        env EDGEGUARD_RUNC="$FAKE" FAKE_RUNC_RECORD="$T/record" FAKE_RUNC_WAIT_SIGNAL="$T/ready" \
                "$EG" kill abc </dev/null >/dev/null 2>&1 &
        pid=$!
        read -r _ <"$T/ready"  # the fake announces itself once its handlers are in
        kill -s "$sig" "$pid"
        wait "$pid"
        check_eq "SIG$sig sent to edgeguard's pid reaches runc" "$?" "$((100 + $(kill -l "$sig")))"
done

# runc missing: the path tried is named on stderr and in runc's JSON log.
echo '{"level":"info","msg":"earlier line","time":"2026-01-01T00:00:00Z"}' >"$T/log.json"
EDGEGUARD_RUNC=/nonexistent/runc "$EG" --log "$T/log.json" --log-format json create \
        --bundle "$T/bundle" abc </dev/null >"$T/out" 2>"$T/err"
check_eq "missing runc: exit 1" "$?" 1
check_contains "missing runc: stderr names the path" "$(cat "$T/err")" "/nonexistent/runc"
check_eq "missing runc: nothing on stdout" "$(cat "$T/out")" ""
check_eq "missing runc: log appended, not truncated" "$(wc -l <"$T/log.json")" 2
check_eq "missing runc: last log line is a runc error line" \
        "$(tail -n 1 "$T/log.json" | jq -r '[.level, (.msg | contains("/nonexistent/runc")), (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")), (keys | join(","))] | map(tostring) | join(" ")')" \
        "error true true level,msg,time"

EDGEGUARD_RUNC=/nonexistent/runc "$EG" --log "$T/log.txt" create --bundle "$T/bundle" abc </dev/null >/dev/null 2>&1
check "missing runc, text log format: a logrus text line" \
        grep -q '^time="[0-9T:Z-]*" level=error msg="edgeguard: runc not found at /nonexistent/runc' "$T/log.txt"

EDGEGUARD_RUNC=/nonexistent/runc "$EG" delete abc </dev/null >/dev/null 2>"$T/err"
check_eq "missing runc: delete fails with exit 1 too" "$?" 1

EDGEGUARD_RUNC=runc "$EG" state abc </dev/null >/dev/null 2>"$T/err"
check_contains "relative EDGEGUARD_RUNC is refused" "$(cat "$T/err")" "must be an absolute path"

# edgeguard installed as runc must not exec itself: link, hard link, copy.
ln -s "$EG" "$T/runc-symlink"
cp "$EG" "$T/runc-copy"
ln "$EG" "$T/runc-hardlink" 2>/dev/null || cp "$EG" "$T/runc-hardlink"
for kind in symlink copy hardlink; do
        EDGEGUARD_RUNC="$T/runc-$kind" "$EG" state abc </dev/null >/dev/null 2>"$T/err"
        rc=$?
        check_contains "runc that is edgeguard itself ($kind) is refused" "$rc $(cat "$T/err")" "1 edgeguard: refusing to exec"
done

# A creating command line that runc's grammar does not accept: refused
# before anything runs, with the reason in the log.
rm -f "$T/record" "$T/log.json"
EDGEGUARD_RUNC=$FAKE FAKE_RUNC_RECORD=$T/record "$EG" --log "$T/log.json" --log-format json \
        create --bundle "$T/bundle" --bogus abc </dev/null >/dev/null 2>&1
check_eq "unreadable create: exit 1" "$?" 1
check "unreadable create: runc never ran" test ! -e "$T/record"
check_contains "unreadable create: reason in the log" "$(jq -r .msg "$T/log.json")" "flag provided but not defined: -bogus"
EDGEGUARD_RUNC=$FAKE FAKE_RUNC_RECORD=$T/record "$EG" delete --bogus abc </dev/null >/dev/null 2>&1
check "unreadable delete still reaches runc (it owns the error)" test -s "$T/record"

rm -f "$T/record"
EDGEGUARD_RUNC=$FAKE FAKE_RUNC_RECORD=$T/record "$EG" create "" </dev/null >/dev/null 2>"$T/err"
check_eq "create with an empty id: refused" "$?/$(cat "$T/err")" "1/edgeguard: refusing to create a container with an empty id"
check "create with an empty id: runc never ran" test ! -e "$T/record"

# The --log path is a FIFO: no hang, the error still reaches stderr.
mkfifo "$T/log.fifo"
timeout 10 env EDGEGUARD_RUNC=/nonexistent/runc "$EG" --log "$T/log.fifo" --log-format json \
        create abc </dev/null >/dev/null 2>"$T/err"
check_eq "FIFO as --log: no hang, exit 1" "$?" 1
check_contains "FIFO as --log: reported" "$(cat "$T/err")" "opening runc log $T/log.fifo"

finish
