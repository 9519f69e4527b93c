#!/usr/bin/env bash
# moby's own code as the engine plugin's client: tests/mobyclient (moby
# 20.10's pkg/plugins discovery and activation, api/server with
# pkg/authorization's middleware, and moby's Go client, from Debian's
# golang-github-docker-docker-dev; hack/mobyclient-build.sh) finds the
# plugin "edgeguard" through a spec file, activates it and sends a Hyper-V
# create, a process-isolation create and a _ping through the middleware.
#  - Linux: the Linux build against edgeguard-authz on a unix socket named
#    by /etc/docker/plugins/edgeguard.spec (a private /etc/docker:
#    hack/plugin-ns.sh; the machine's own is never seen);
#  - Windows: the Windows build under wine (private prefix, no display)
#    against edgeguard-authz.exe under wine on 127.0.0.1:PORT, named by
#    C:\ProgramData\docker\plugins\edgeguard.spec (tcp://), the directory
#    moby computes from %ProgramData% (pkg/plugins/discovery_windows.go).
if [[ -z ${EDGEGUARD_MOBYCLIENT_NS:-} ]]; then
        [[ $(id -u) -eq 0 ]] || { echo "not ok - windows_moby_client_test.sh needs root"; echo "0 passed, 1 failed"; exit 1; }
        EDGEGUARD_MOBYCLIENT_NS=1 exec "$(dirname "$0")/../hack/plugin-ns.sh" "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
require_root

MC=$TOP/build/mobyclient
AUTHZ=$TOP/edgeguard-authz
IMAGE=mcr.microsoft.com/windows/nanoserver:ltsc2022
# built(FILE...): each is there, or the suite ends failing (make moby-client-test builds them)
built() {
        local f
        for f in "$@"; do
                [[ -f $f ]] || { not_ok "$f is built (make moby-client-test builds it)"; finish; }
        done
}
built "$MC/mobyclient" "$MC/mobyclient.exe" "$AUTHZ"

# exited NAME RC ERRFILE: the harness's exit status 0, or its stderr shown
exited() {
        if [[ $2 -eq 0 ]]; then ok "$1"; else not_ok "$1" "exit $2" "$(tail -n 20 "$3")"; fi
}
# said KEY: the value the harness printed for KEY (its output is in $out)
said() { sed -n "s/^$1\t//p" <<<"$out"; }
denied() { # denied NAME: moby's text for the plugin's Hyper-V refusal of a create named NAME
        echo "authorization denied by plugin edgeguard: refused a new container (name $1, image $IMAGE): it asks for Hyper-V isolation (HostConfig.Isolation \"hyperv\"); only process-isolated Windows containers are supported [rule hyperv]. Run it process-isolated (docker run --isolation=process)."
}
# the observations both builds must make; $1 names the build, $2 the
# plugin's address as the spec file holds it, $3 the daemon's OSType
check_harness() {
        local build=$1 addr=$2 ostype=$3
        check_eq "$build: the harness ran every step" "$(said "done")$(said error)" ok
        check_eq "$build: plugins.Scan finds edgeguard in the spec directory" "$(said scan)" edgeguard
        check_eq "$build: plugins.Get reads the spec's address" "$(said plugin)" "edgeguard $addr"
        check_eq "$build: /Plugin.Activate: the plugin implements authz" "$(said implements)" authz
        check_eq "$build: moby's client pings through the middleware" "$(said ping)" "ok API 1.41 $ostype"
        check_eq "... and the ping reached the daemon" "$(said ping-handler-calls)" 1
        check_eq "$build: a create with HostConfig.Isolation hyperv: moby's client error" \
                "$(said create-hyperv)" "error: Error response from daemon: $(denied create-hyperv)"
        check_eq "... and the daemon's handler never ran" "$(said create-hyperv-handler-calls)" 0
        check_eq "$build: the same on the wire: 403 and moby's JSON message" "$(said raw-hyperv)" "403 $(denied raw-hyperv)"
        check_eq "$build: a process-isolation create is allowed" "$(said create-process)" created
        check_eq "... and reaches the daemon's handler" "$(said create-process-handler-calls)" 1
}
# records DECISIONS: the plugin's decisions on creates, in order
records() { jq -r 'select(.door == "authz") | [.decision, .name, (.rule // "-")] | join(",")' "$1" | tr '\n' ';'; }

# ---- Linux: the plugin on a unix socket, the spec in /etc/docker/plugins
check_eq "a private /etc/docker (hack/plugin-ns.sh)" "$(findmnt -n -o SOURCE /etc/docker)" edgeguard-etc-docker
printf '{"decision_log": "%s", "repeat_window": 0}\n' "$T/linux.jsonl" >"$T/policy.json"
sock=$T/edgeguard.sock
if pid=$("$HELPERS/sd_notify_wait" 30 "$T/plugin.log" -- "$AUTHZ" --socket "$sock" \
        --policy "$T/policy.json" --docker-host "unix://$T/no-dockerd.sock"); then
        on_exit "kill -TERM $pid 2>/dev/null; timeout 30 '$HELPERS/pidwait' $pid"
        mkdir -p /etc/docker/plugins
        echo "unix://$sock" >/etc/docker/plugins/edgeguard.spec
        out=$(timeout 90 "$MC/mobyclient" -timeout 60s 2>"$T/linux.err")
        exited "linux: the harness exits 0" "$?" "$T/linux.err"
        check_eq "linux: built for linux/amd64" "$(said goos)" linux/amd64
        check_harness linux "unix://$sock" linux
        check_eq "linux: a create leaving the isolation to the daemon is allowed (a Linux dockerd has no Hyper-V)" \
                "$(said create-default) $(said create-default-handler-calls)" "created 1"
        check_eq "linux: the plugin recorded each create" "$(records "$T/linux.jsonl")" \
                "refuse,create-hyperv,hyperv;allow,create-process,-;allow,create-default,-;refuse,raw-hyperv,hyperv;"
else
        not_ok "edgeguard-authz starts and says READY=1" "$(cat "$T/plugin.log")"
fi

# ---- Windows, under wine: the plugin .exe on a loopback port
# (tests/wine.sh: a private prefix in $T/wine, every wine process of it
# killed at exit)
source "$(dirname "$0")/wine.sh"
PD=$WINEPREFIX/drive_c/ProgramData
check "the prefix has C:\\ProgramData" test -d "$PD"
# a free port now; the plugin's own bind is the proof that it stayed free
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$PD/edgeguard"
printf '{"repeat_window": 0}\n' >"$PD/edgeguard/policy.json"
wine "$WIN/edgeguard-authz.exe" --listen "127.0.0.1:$port" >"$T/exe.log" 2>&1 &
# curl waits for the listener (refused connections retried, bounded)
activate=$(curl -s --max-time 60 --retry 120 --retry-connrefused --retry-delay 0 --retry-max-time 60 \
        -X POST "http://127.0.0.1:$port/Plugin.Activate")
if [[ $activate != '{"Implements":["authz"]}' ]]; then
        not_ok "edgeguard-authz.exe under wine answers /Plugin.Activate on 127.0.0.1:$port" \
                "got: $activate" "$(cat "$T/exe.log")"
        finish
fi
ok "edgeguard-authz.exe under wine answers /Plugin.Activate on 127.0.0.1:$port"
mkdir -p "$PD/docker/plugins"
printf 'tcp://127.0.0.1:%s\r\n' "$port" >"$PD/docker/plugins/edgeguard.spec"
out=$(timeout 90 wine "$MC/mobyclient.exe" -timeout 60s 2>"$T/windows.err")
exited "windows: the harness exits 0 under wine" "$?" "$T/windows.err"
check_eq "windows: built for windows/amd64" "$(said goos)" windows/amd64
check_eq "windows: %ProgramData% is C:\\ProgramData (moby's spec directory: C:\\ProgramData\\docker\\plugins)" \
        "$(said programdata)" 'C:\ProgramData'
check_harness windows "tcp://127.0.0.1:$port" windows
# no \\.\pipe\docker_engine under wine: the daemon's default isolation
# cannot be known, and the plugin fails closed
check_contains "windows: a create leaving the isolation to the daemon, whose default is not known: refused" \
        "$(said create-default)" "error: Error response from daemon: authorization denied by plugin edgeguard: refused a new container (name create-default, image $IMAGE)"
check_contains "... by rule hyperv" "$(said create-default)" "[rule hyperv]"
check_contains "... saying that the default could not be known" "$(said create-default)" \
        "it leaves the isolation to dockerd, whose default could not be known (GET /info on \\\\.\\pipe\\docker_engine"
check_eq "... and the daemon's handler never ran" "$(said create-default-handler-calls)" 0
printf '#   create-default: %s\n' "$(said create-default)"
check_eq "windows: the plugin recorded each create under C:\\ProgramData\\edgeguard" \
        "$(records "$PD/edgeguard/decisions.jsonl")" \
        "refuse,create-hyperv,hyperv;allow,create-process,-;refuse,create-default,hyperv;refuse,raw-hyperv,hyperv;"
finish
