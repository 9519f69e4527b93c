#!/usr/bin/env bash
# On the real runc: an x86-64 level above this CPU's refused at create with
# the level and its source in runc's --log (and one at the CPU's level
# really run), and a capability outside the bounding set runc inherits
# refused as the certain failure it is, whatever exceptions the policy has.
source "$(dirname "$0")/lib.sh"
require_root

policy() { printf '%s\n' "$1" >"$EDGEGUARD_POLICY"; }
last_record() { tail -n 1 "$DECISIONS"; }
last_error() { jq -r 'select(.level == "error") | .msg' "$T/$1/log.json" | tail -n 1; }
create() {
        "$EG" "${G[@]}" --log "$T/$1/log.json" --log-format json create --bundle "$T/$1" \
                --pid-file "$T/$1/init.pid" "$1" </dev/null >"$T/out" 2>"$T/err"
}

# A static C program built for x86-64 level $2 (1..4), gcc writing the
# level it needs in its .note.gnu.property (-mneeded), as bundle $1's
# entrypoint.
level_bundle() {
        local march=x86-64
        [[ $2 -gt 1 ]] && march=x86-64-v$2
        bundle "$1" host /bin/app
        printf 'int main(void){return 0;}\n' >"$T/app.c"
        gcc -march="$march" -mneeded -O2 -static -o "$T/$1/rootfs/bin/app" "$T/app.c"
}

# This CPU's level as edgeguard measures it (from /proc/cpuinfo's flags).
bundle probe host true
host_level=$("$EG" check --json "$T/probe" | jq -r '.host.variant')
host_source=$("$EG" check --json "$T/probe" | jq -r '.host.level_source')
check_eq "the host's level is measured from cpuinfo" "$host_source" "cpuinfo flags"
case $host_level in
v1 | v2 | v3) level=${host_level#v} ;;
v4)
        # nothing above v4 to build: state a lower host, as an operator can
        policy "{\"host\": \"linux/amd64/v3\", \"decision_log\": \"$DECISIONS\"}"
        level=3 ;;
*)
        not_ok "this host's x86-64 level could not be measured ($host_level)"
        finish ;;
esac

# ---- a program one level above the CPU: refused at create, not SIGILL later
above=$((level + 1))
level_bundle high "$above"
create high
check_eq "v$above program on a v$level host: create refused" "$?" 1
msg=$(last_error high)
check_contains "the reason names the program's level" "$msg" "/bin/app is linux/amd64/v$above"
check_contains "... and where it was read" "$msg" "level from the x86 ISA needed note"
check_contains "... and the level to build" "$msg" "Rebuild it for linux/amd64/v$level"
check_eq "the record says where the level came from" \
        "$(last_record | jq -r '[.decision, .rule, .detected.variant, .detected.level_source] | join(" ")')" \
        "refuse arch v$above x86 ISA needed note"
check_eq "the record has the userland runc belongs to" \
        "$(last_record | jq -r '.host.userland.arch + " " + (.host.userland.source | startswith("ELF header of") | tostring)')" \
        "amd64 true"
check_eq "nothing created" "$(containers)" 0

# ---- at the CPU's own level: it runs
level_bundle fits "$level"
out=$("$EG" "${G[@]}" run --bundle "$T/fits" fits </dev/null 2>&1)
check_eq "v$level program on a v$level host runs and exits 0" "$?|$out" "0|"
check_eq "allowed" "$(last_record | jq -r .decision)" allow

# ---- check --host states such hosts, and refuses what it cannot read
"$EG" check --host linux/amd64/v1 "$T/high" >"$T/out" 2>&1
check_eq "check --host linux/amd64/v1: refused" "$?" 1
check_contains "... a v1 host is a level" "$(cat "$T/out")" "this host is linux/amd64/v1 (simulated)"
"$EG" check --json --host 'linux/arm64,userland=arm/v7' "$T/high" >"$T/out" 2>&1
check_eq "check --host with a userland: the record has both" \
        "$(jq -r '.host.arch + " " + .host.userland.arch + "/" + .host.userland.variant' "$T/out")" \
        "arm64 arm/v7"
"$EG" check --json --host 'windows(10.0.17763)/amd64' "$T/high" >"$T/out" 2>&1
check_eq "check --host with a Windows build" "$(jq -r .host.os_version "$T/out")" "10.0.17763"
for bad in 'arm64/v8' 'linux/arm64,cpu=x' 'windows(10.0/amd64' 'linux/arm64,userland='; do
        "$EG" check --host "$bad" "$T/high" >"$T/out" 2>&1
        check_eq "check --host '$bad': usage error" "$?" 2
done

# ---- a capability outside the bounding set runc inherits: runc would fail
policy "{\"decision_log\": \"$DECISIONS\", \"rules\": {\"capabilities\": \"enforce\"},
         \"exceptions\": [{\"name\": \"debug*\", \"rules\": [\"capabilities\", \"privileged\", \"seccomp\"],
                          \"reason\": \"field debugging\"}]}"
bundle debug1 host true
# runc itself, without edgeguard, under that bounding set: the fact
runc "${G[@]}" --log "$T/debug1/runc.json" --log-format json run --bundle "$T/debug1" plain \
        </dev/null >/dev/null 2>&1
check "runc alone with CAP_NET_BIND_SERVICE in its bounding set runs it" test $? -eq 0
setpriv --bounding-set -net_bind_service runc "${G[@]}" --log "$T/debug1/runc.json" \
        --log-format json run --bundle "$T/debug1" plain2 </dev/null >/dev/null 2>&1
check "runc alone without it in its bounding set fails" test $? -ne 0
check_contains "... with runc's opaque error" "$(jq -r .msg "$T/debug1/runc.json" | tail -n 2)" \
        "operation not permitted"
runc "${G[@]}" delete --force plain2 >/dev/null 2>&1
setpriv --bounding-set -net_bind_service "$EG" "${G[@]}" --log "$T/debug1/log.json" \
        --log-format json create --bundle "$T/debug1" --pid-file "$T/debug1/init.pid" debug1 \
        </dev/null >"$T/out" 2>"$T/err"
check_eq "through edgeguard: refused though excepted from capabilities" "$?" 1
msg=$(last_error debug1)
check_contains "the reason is the certain failure" "$msg" \
        "CAP_NET_BIND_SERVICE is not in the bounding set runc inherits from the engine"
check_contains "... named as such" "$msg" "[rule certain_failure]"
check_eq "record" "$(last_record | jq -r '[.decision, .rule] | join(" ")')" "refuse certain_failure"
check_eq "nothing created" "$(containers)" 0

finish
