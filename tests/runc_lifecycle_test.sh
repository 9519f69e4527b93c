#!/usr/bin/env bash
# The real runc, driven through edgeguard the way containerd drives it, on a
# busybox bundle built from Debian's busybox-static.  State lives in a private
# --root; every container is force-deleted however the suite ends.
source "$(dirname "$0")/lib.sh"
require_root

B=$T/bundle
unset EDGEGUARD_RUNC  # the default search must find Debian's /usr/sbin/runc

if ! "$TOP/hack/busybox-bundle.sh" "$B" sleep 1000 >"$T/bundle.log" 2>&1; then
        not_ok "building the busybox bundle" "$(cat "$T/bundle.log")"
        finish
fi

eg() { "$EG" --root "$R" --log "$B/log.json" --log-format json "$@"; }
status() { eg state "$1" | jq -r .status; }

eg create --bundle "$B" --pid-file "$B/init.pid" c1 </dev/null >"$T/c1.out" 2>"$T/c1.err"
check_eq "create exits 0" "$?" 0
check_eq "state: created" "$(status c1)" created
check "pid file written by runc" test -s "$B/init.pid"
check_eq "state is runc's JSON with our bundle" "$(eg state c1 | jq -r .bundle)" "$B"

check "start" eg start c1
check_eq "state: running" "$(status c1)" running
check_eq "exec echoes" "$(eg exec c1 echo hello-from-exec </dev/null)" hello-from-exec
eg exec c1 sh -c 'exit 7' </dev/null
check_eq "exec exit code comes back" "$?" 7
check_eq "ps --format json lists init" "$(eg ps --format json c1 | jq -r '.[0]')" "$(cat "$B/init.pid")"

check "pause" eg pause c1
check_eq "state: paused" "$(status c1)" paused
check "resume" eg resume c1
check_eq "state: running again" "$(status c1)" running

echo '{"pids":{"limit":42}}' | eg update --resources - c1
check_eq "update --resources - (JSON on stdin) exits 0" "$?" 0
check_eq "update took effect" "$(eg events --stats c1 | jq -r .data.pids.limit)" 42
check "update --resources=- form" eg update --resources=- c1 <<<'{"pids":{"limit":43}}'
check_eq "second update took effect" "$(eg events --stats c1 | jq -r .data.pids.limit)" 43

pid=$(cat "$B/init.pid")
check "kill KILL" eg kill c1 KILL
check "init process exits" "$HELPERS/pidwait" "$pid"
check_eq "state: stopped" "$(status c1)" stopped
check "delete" eg delete c1
if eg state c1 >/dev/null 2>&1; then not_ok "container gone after delete"; else ok "container gone after delete"; fi
check_eq "list is empty" "$(eg list -q)" ""

# delete --force on a running container, as containerd does after a failure.
eg run -d --bundle "$B" c2 </dev/null >/dev/null 2>&1
check_eq "run -d: running" "$(status c2)" running
check "delete --force a running container" eg delete --force c2
check_eq "nothing left" "$(eg list -q)" ""

# run in the foreground: output and exit code come back unchanged.
jq '.process.args = ["sh", "-c", "echo out-of-the-container; exit 23"]' "$B/config.json" >"$T/c" &&
        mv "$T/c" "$B/config.json"
out=$(eg run --bundle "$B" c3 </dev/null)
check_eq "run: exit code unchanged" "$?" 23
check_eq "run: container stdout reaches the caller" "$out" out-of-the-container
check_eq "run removed its container" "$(eg list -q)" ""

# run with no --bundle: the current directory, as containerd calls it.
out=$(cd "$B" && "$EG" --root "$R" run c4 </dev/null)
check_eq "run with the cwd as bundle" "$?/$out" "23/out-of-the-container"

# An explicit EDGEGUARD_RUNC works the same.
out=$(EDGEGUARD_RUNC=/usr/sbin/runc "$EG" --root "$R" run --bundle "$B" c5 </dev/null)
check_eq "EDGEGUARD_RUNC=/usr/sbin/runc" "$?/$out" "23/out-of-the-container"

check_eq "version passes through" "$("$EG" --version)" "$(runc --version)"
check_eq "features pass through" "$("$EG" features | jq -r .ociVersionMax)" "$(runc features | jq -r .ociVersionMax)"

finish
