#!/usr/bin/env bash
# One runtime per container, whatever each call's environment holds: the
# runtime chosen at create (EDGEGUARD_RUNC, the policy's "runtime") is the
# one every later verb of that container runs, also when the call's
# environment is empty, as podman and conmon give `delete` and `kill`; crun
# behind edgeguard directly (lifecycle, its own flags read, -f/--config
# refused, a foreign bundle refused); a create refused for its command line
# is a decision record.  Real runc 1.1 and crun 1.8.
source "$(dirname "$0")/engines_ns.sh"
source "$(dirname "$0")/lib.sh"
require_root
engines_ns_setup "$T/ns" || { not_ok "private mount namespace set up"; finish; }
# the state directory is the namespace's /run/edgeguard/start: a test
# variable that reaches some calls and not others would be the split brain
unset EDGEGUARD_STATE_DIR

CRUN=$(command -v crun) RUNC=$(command -v runc)
CR=$T/crun-root
on_exit 'crun --root "$CR" list -q 2>/dev/null | xargs -r -n1 crun --root "$CR" delete --force'
bundle native host sleep 60
# nothing of the test's environment: what conmon gives `delete` and `kill`
bare() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
live_in() { "$1" --root "$2" state "$3" >/dev/null 2>&1; }

# 1. created with crun by the environment, driven without it
check "create through edgeguard with EDGEGUARD_RUNC=crun" \
        env EDGEGUARD_RUNC="$CRUN" "$EG" --root "$CR" create --bundle "$T/native" c1
check "the container is crun's" live_in crun "$CR" c1
check_eq "the decision record names the runtime executed" \
        "$(tail -n 1 "$DECISIONS" | jq -r '[.decision, .runtime] | join(" ")')" "allow $CRUN"
check "start with an empty environment reaches crun" bare "$EG" --root "$CR" start c1
check_eq "crun runs it" "$(crun --root "$CR" state c1 | jq -r .status)" running
check "kill with an empty environment" bare "$EG" --root "$CR" kill c1 KILL
for _ in $(seq 100); do
        [[ $(crun --root "$CR" state c1 2>/dev/null | jq -r .status) == stopped ]] && break
        sleep 0.1 # bounded wait for an exit, not synchronisation with edgeguard
done
check "delete with an empty environment" bare "$EG" --root "$CR" delete c1
check "crun no longer has it" test -z "$(crun --root "$CR" list -q)"
check_eq "the record is gone with it" "$(ls /run/edgeguard/start 2>/dev/null)" ""

# 2. created with runc (the default), a later call's EDGEGUARD_RUNC is ignored
printf '{"decision_log": "%s"}\n' "$DECISIONS" >/etc/edgeguard/policy.json
check "create with runc, the environment naming nothing" bare "$EG" --root "$R" create --bundle "$T/native" r1
check "start with EDGEGUARD_RUNC=crun still reaches runc" \
        env EDGEGUARD_RUNC="$CRUN" "$EG" --root "$R" start r1
check_eq "runc runs it" "$(runc --root "$R" state r1 | jq -r .status)" running
check "delete --force with EDGEGUARD_RUNC=crun" env EDGEGUARD_RUNC="$CRUN" "$EG" --root "$R" delete --force r1
check_eq "runc no longer has it" "$(containers)" 0
check_eq "the decision log found without the environment" \
        "$(jq -r 'select(.id == "r1" and .verb == "create") | .runtime' "$DECISIONS")" "$RUNC"

# 3. the policy's runtime, named by the file found without the environment
printf '{"decision_log": "%s", "runtime": "%s"}\n' "$DECISIONS" "$CRUN" >/etc/edgeguard/policy.json
check "create with the policy naming crun" bare "$EG" --root "$CR" create --bundle "$T/native" p1
check "the container is crun's" live_in crun "$CR" p1
# read once: the runtime chosen and the decision come from one content of
# the file (a second read could see another policy), at half the cost
# not -f: crun's container init would keep strace waiting for the start
strace -qq -e trace=open,openat -o "$T/p2.strace" \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$EG" --root "$CR" create --bundle "$T/native" p2
check "... and a second one, its command traced" live_in crun "$CR" p2
check_eq "that create opened the policy file once" \
        "$(grep -c '"/etc/edgeguard/policy.json"' "$T/p2.strace")" 1
crun --root "$CR" delete --force p2
printf '{"decision_log": "%s"}\n' "$DECISIONS" >/etc/edgeguard/policy.json
check "delete --force after the policy changed back still reaches crun" \
        bare "$EG" --root "$CR" delete --force p1
check "crun no longer has it" test -z "$(crun --root "$CR" list -q)"

# 4. a stale record (its container gone behind edgeguard's back) is replaced
env EDGEGUARD_RUNC="$CRUN" "$EG" --root "$CR" create --bundle "$T/native" s1
crun --root "$CR" delete --force s1
check "a new container of that id goes where this create says" \
        bare "$EG" --root "$R" create --bundle "$T/native" s1
check "... runc, since that record's root differs" live_in runc "$R" s1
env EDGEGUARD_RUNC="$CRUN" "$EG" --root "$CR" create --bundle "$T/native" s2
crun --root "$CR" delete --force s2
check "same root: the stale crun record is replaced by runc's" \
        bare "$EG" --root "$CR" create --bundle "$T/native" s2
check "runc has s2 under that root" live_in runc "$CR" s2
check "bare delete reaches runc" bare "$EG" --root "$CR" delete --force s2
check "runc no longer has s2" bash -c "! runc --root '$CR' state s2 >/dev/null 2>&1"
bare "$EG" --root "$R" delete --force s1

# 5. crun's own command line behind edgeguard
check "crun's global --cgroup-manager and create's --no-subreaper are read" \
        env EDGEGUARD_RUNC="$CRUN" "$EG" --cgroup-manager=cgroupfs --root "$CR" create \
        --no-subreaper -b "$T/native" --pid-file "$T/g1.pid" g1
check "the container is crun's" live_in crun "$CR" g1
check "a pid file was written" test -s "$T/g1.pid"
bare "$EG" --root "$CR" delete --force g1
out=$(env EDGEGUARD_RUNC="$CRUN" "$EG" --root "$CR" --log "$T/crun.log" --log-format json create \
        -f "$T/native/config.json" -b "$T/native" f1 2>&1)
check_contains "-f/--config refused" "$out" "-f/--config"
check_eq "... in runc's --log as an error line" "$(tail -n 1 "$T/crun.log" | jq -r .level)" error
check_eq "... and recorded" "$(tail -n 1 "$DECISIONS" | jq -r '[.decision, .rule, .id] | join(" ")')" \
        "refuse command_line f1"
check "nothing was created" test -z "$(crun --root "$CR" list -q)"
out=$(env EDGEGUARD_RUNC="$CRUN" "$EG" --root "$CR" create --bund "$T/native" --bogus x 2>&1)
check_contains "an unknown crun option refused" "$out" "cannot be read exactly as crun reads it"
check_eq "... and recorded with the argv" "$(tail -n 1 "$DECISIONS" | jq -r '.argv[-2]')" --bogus
out=$(env EDGEGUARD_RUNC="$RUNC" "$EG" --root "$R" create -b "$T/native" "" 2>&1)
check_contains "an empty id refused" "$out" "empty id"
check_eq "... and recorded" "$(tail -n 1 "$DECISIONS" | jq -r '[.decision, .rule] | join(" ")')" \
        "refuse command_line"

# 6. a foreign bundle under crun
bundle foreign arm64 sleep 60
records=$(ls /run/edgeguard/start)
out=$(env EDGEGUARD_RUNC="$CRUN" "$EG" --root "$CR" --log "$T/crun.log" --log-format json create \
        -b "$T/foreign" x1 2>&1)
check_contains "a foreign (arm64) bundle refused with crun behind" "$out" "arm64"
check_eq "... recorded with crun as the runtime" \
        "$(tail -n 1 "$DECISIONS" | jq -r '[.decision, .runtime] | join(" ")')" "refuse $CRUN"
check "crun created nothing" test -z "$(crun --root "$CR" list -q)"
check_eq "no record is left for refused creates" "$(ls /run/edgeguard/start)" "$records"
finish
