#!/usr/bin/env bash
# edgeguard-authz.exe under wine on a test port, as dockerd on Windows calls
# it (tcp://, plain HTTP): the recorded AuthZReq fixtures the Linux plugin
# is tested with (dockerd's exact headers), Hyper-V refused in every
# spelling dockerd reads, process isolation allowed, a default isolation
# judged by GET /info on dockerd's named pipe (tests/win/fake_engine.c
# stands for dockerd there: no Windows dockerd runs on Debian), refused
# when that cannot be asked, every decision recorded under the prefix's
# %ProgramData%, and the port held exclusively.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/wine.sh"

EXE=$WIN/edgeguard-authz.exe
ENGINE=$WIN/tests/fake_engine.exe
PD=$WINEPREFIX/drive_c/ProgramData/edgeguard
LOG=$PD/decisions.jsonl
# a port per run: two worktrees' suites may run at once
free_port() {
        local p
        for ((p = 20000 + RANDOM % 20000; ; p++)); do
                ! (: </dev/tcp/127.0.0.1/$p) 2>/dev/null && { echo "$p"; return; }
        done
}

# engine NAME ISOLATION: a fake dockerd pipe \\.\pipe\NAME, started and ready
engine() {
        rm -f "$WINEPREFIX/drive_c/$1.ready"
        wine "$ENGINE" "\\\\.\\pipe\\$1" "$2" host "C:\\$1.ready" >"$T/$1.log" 2>&1 &
        wait_for 60 test -e "$WINEPREFIX/drive_c/$1.ready"
}
# plugin PORT PIPE [ARGS...]: edgeguard-authz.exe serving, once it says so
plugin() {
        local port=$1 pipe=$2
        shift 2
        wine "$EXE" --listen "127.0.0.1:$port" --docker-host "npipe:////./pipe/$pipe" "$@" \
                >"$T/plugin-$port.log" 2>&1 &
        wait_for 60 grep -q "serving on" "$T/plugin-$port.log"
}
post() { curl -s --max-time 30 -X POST "http://127.0.0.1:$1/AuthZPlugin.AuthZReq" --data-binary @"$2"; }
# envelope FILE URI BODY: an AuthZReq as dockerd 20.10 posts it
envelope() {
        jq -n --arg uri "$2" --arg body "$(printf '%s' "$3" | base64 -w0)" \
                '{User: "", UserAuthNMethod: "", RequestMethod: "POST", RequestUri: $uri,
                  RequestHeaders: {"Content-Type": "application/json"}, RequestBody: $body}' >"$1"
}
FX=$TOP/tests/data/authz

P1=$(free_port)
if ! engine eg_process process || ! plugin "$P1" eg_process; then
        not_ok "the plugin serves on 127.0.0.1:$P1 under wine" "$(cat "$T"/*.log)"
        
# ---- as a service: started and stopped by the service manager
P4=$(free_port)
sc() { wine sc "$@" 2>&1 | tr -d '\r'; }
state() { sc query edgeguard-authz | sed -n 's/^ *STATE *: [0-9] *//p'; }
answers() { [[ $(curl -s --max-time 2 -X POST "http://127.0.0.1:$P4/Plugin.Activate") == '{"Implements":["authz"]}' ]]; }
gone() { ! curl -s --max-time 2 -X POST "http://127.0.0.1:$P4/Plugin.Activate" >/dev/null; }
stopped() { [[ $(state) == STOPPED ]]; }
sc create edgeguard-authz binPath= "$(winepath -w "$EXE") --listen 127.0.0.1:$P4 --docker-host npipe:////./pipe/eg_process" >"$T/sc.log"
check_contains "sc.exe create edgeguard-authz: registered (wine's sc has no qc)" \
        "$(wine reg query 'HKLM\System\CurrentControlSet\Services\edgeguard-authz' /v ImagePath 2>&1 | tr -d '\r')" \
        "edgeguard-authz.exe --listen 127.0.0.1:$P4"
sc start edgeguard-authz >>"$T/sc.log"
check "sc.exe start: the service answers on 127.0.0.1:$P4" wait_for 60 answers
check_eq "... and says RUNNING to the service manager" "$(state)" RUNNING
check_contains "... judging as the console program does" "$(post "$P4" "$FX/windows-hyperv-create.json")" "it asks for Hyper-V isolation"
sc stop edgeguard-authz >>"$T/sc.log"
check "sc.exe stop: STOPPED" wait_for 60 stopped
check "... and the port is closed" gone
finish
fi
ok "the plugin serves on 127.0.0.1:$P1 under wine"
check_contains "... the host is Windows, with its build" "$(cat "$T/plugin-$P1.log")" "host windows(10.0."
check_eq "/Plugin.Activate: authz" "$(curl -s -X POST "http://127.0.0.1:$P1/Plugin.Activate")" '{"Implements":["authz"]}'

# ---- the recorded fixtures
check_contains "windows-hyperv-create.json: refused" "$(post "$P1" "$FX/windows-hyperv-create.json")" \
        '"Allow":false,"Msg":"refused a new container'
check_contains "... for Hyper-V" "$(post "$P1" "$FX/windows-hyperv-create.json")" "it asks for Hyper-V isolation"
check_contains "windows-hyperv-uppercase-create.json (\"HyperV\"): refused" \
        "$(post "$P1" "$FX/windows-hyperv-uppercase-create.json")" "it asks for Hyper-V isolation"
check_eq "windows-process-create.json: allowed" "$(post "$P1" "$FX/windows-process-create.json")" '{"Allow":true}'
check_eq "windows-default-isolation-create.json, dockerd's default process: allowed" \
        "$(post "$P1" "$FX/windows-default-isolation-create.json")" '{"Allow":true}'
check_eq "windows-list.json: allowed at once" "$(post "$P1" "$FX/windows-list.json")" '{"Allow":true}'
check_contains "windows-create-no-body.json: refused" "$(post "$P1" "$FX/windows-create-no-body.json")" "dockerd sent no body"
check_contains "windows-exec-privileged.json: as on Linux (allowed)" "$(post "$P1" "$FX/windows-exec-privileged.json")" '"Allow":true'

# ---- every spelling of Hyper-V dockerd reads
U="/v1.41/containers/create?name=hv"
i=0
for body in '{"Image":"w","HostConfig":{"Isolation":"hyperv"}}' \
        '{"Image":"w","HostConfig":{"Isolation":"HYPERV"}}' \
        '{"Image":"w","Isolation":"hyperv"}' \
        '{"Image":"w","hostconfig":{"isolation":"hyperv"}}' \
        '{"Image":"w","HostConfig":{"ISOLATION":"process"}}' \
        '{"Image":"w","HostConfig":{"Iſolation":"hyperv"}}' \
        '{"Image":"w","HostConfig":{"Isolation":"process","Isolation":"hyperv"}}' \
        '{"Image":"w","HostConfig":{"Isolation":"process"},"HostConfig":{"Isolation":"hyperv"}}'; do
        i=$((i + 1))
        envelope "$T/hv$i.json" "$U$i" "$body"
        out=$(post "$P1" "$T/hv$i.json")
        check_contains "refused: $body" "$out" '"Allow":false'
done
envelope "$T/proc.json" "/v1.41/containers/create?name=proc" '{"Image":"w","HostConfig":{"Isolation":"process"}}'
check_eq "allowed: process isolation" "$(post "$P1" "$T/proc.json")" '{"Allow":true}'
envelope "$T/proc2.json" "/v1.41/containers/create?name=proc2" '{"Image":"w","HostConfig":{"Isolation":"Process"}}'
check_eq "allowed: \"Process\"" "$(post "$P1" "$T/proc2.json")" '{"Allow":true}'

# ---- the record, under the prefix's %ProgramData%
check "the decision log: %ProgramData%\\edgeguard\\decisions.jsonl" test -s "$LOG"
check_eq "... a record per judged create (6 fixture posts + 10 bodies)" "$(jq -s '[.[] | select(.verb == "create")] | length' "$LOG")" 16
check_eq "... Hyper-V refusals by rule hyperv" \
        "$(jq -r 'select(.name == "hv1" or .name == "hv2" or .name == "hv3") | [.decision, .rule, .door] | join(",")' "$LOG" | sort -u)" \
        "refuse,hyperv,authz"
check_eq "... the allowed one" "$(jq -r 'select(.name == "proc") | .decision' "$LOG")" allow

# ---- the port is ours alone
wine "$EXE" --listen "127.0.0.1:$P1" --docker-host npipe:////./pipe/eg_process >"$T/second.log" 2>&1
check_eq "a second instance on the same port: exit 1" "$?" 1
check_contains "... another process holds the port" "$(tr -d '\r' <"$T/second.log")" "another process holds the port"

# ---- dockerd's default isolation: Hyper-V, and not known
P2=$(free_port)
if engine eg_hyperv hyperv && plugin "$P2" eg_hyperv; then
        check_contains "default isolation on a Hyper-V-default dockerd: refused" \
                "$(post "$P2" "$FX/windows-default-isolation-create.json")" "whose default is Hyper-V (GET /info)"
        check_eq "... process isolation asked for: allowed" "$(post "$P2" "$FX/windows-process-create.json")" '{"Allow":true}'
else
        not_ok "a plugin asking a Hyper-V-default dockerd" "$(cat "$T"/*.log)"
fi
P3=$(free_port)
if plugin "$P3" eg_absent; then
        out=$(post "$P3" "$FX/windows-default-isolation-create.json")
        check_contains "no dockerd to ask: a default isolation refused (fail closed)" "$out" "whose default could not be known"
        check_contains "... saying why" "$out" 'eg_absent: Windows error 2'
else
        not_ok "a plugin with no dockerd to ask" "$(cat "$T"/*.log)"
fi

# ---- as a service: started and stopped by the service manager
P4=$(free_port)
sc() { wine sc "$@" 2>&1 | tr -d '\r'; }
state() { sc query edgeguard-authz | sed -n 's/^ *STATE *: [0-9] *//p'; }
answers() { [[ $(curl -s --max-time 2 -X POST "http://127.0.0.1:$P4/Plugin.Activate") == '{"Implements":["authz"]}' ]]; }
gone() { ! curl -s --max-time 2 -X POST "http://127.0.0.1:$P4/Plugin.Activate" >/dev/null; }
stopped() { [[ $(state) == STOPPED ]]; }
sc create edgeguard-authz binPath= "$(winepath -w "$EXE") --listen 127.0.0.1:$P4 --docker-host npipe:////./pipe/eg_process" >"$T/sc.log"
check_contains "sc.exe create edgeguard-authz: registered (wine's sc has no qc)" \
        "$(wine reg query 'HKLM\System\CurrentControlSet\Services\edgeguard-authz' /v ImagePath 2>&1 | tr -d '\r')" \
        "edgeguard-authz.exe --listen 127.0.0.1:$P4"
sc start edgeguard-authz >>"$T/sc.log"
check "sc.exe start: the service answers on 127.0.0.1:$P4" wait_for 60 answers
check_eq "... and says RUNNING to the service manager" "$(state)" RUNNING
check_contains "... judging as the console program does" "$(post "$P4" "$FX/windows-hyperv-create.json")" "it asks for Hyper-V isolation"
sc stop edgeguard-authz >>"$T/sc.log"
check "sc.exe stop: STOPPED" wait_for 60 stopped
check "... and the port is closed" gone
finish
