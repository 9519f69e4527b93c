#!/usr/bin/env bash
# The engine plugin's systemd units: `systemd-analyze verify` accepts them
# (with ExecStart pointed at this tree's build), they order the plugin
# before docker.service and restart it always, and the plugin serves a
# socket handed over the way systemd hands it (LISTEN_FDS, through
# systemd-socket-activate), answering the first call that started it.
source "$(dirname "$0")/lib.sh"

AUTHZ=$TOP/edgeguard-authz
U=$T/units
mkdir -p "$U"
cp "$TOP"/systemd/edgeguard-authz.socket "$U"/
sed "s|^ExecStart=/usr/local/bin/edgeguard-authz|ExecStart=$AUTHZ|" \
        "$TOP"/systemd/edgeguard-authz.service >"$U"/edgeguard-authz.service
out=$(systemd-analyze verify --man=no "$U"/edgeguard-authz.socket "$U"/edgeguard-authz.service 2>&1)
rc=$?
check_eq "systemd-analyze verify: exit 0" "$rc" 0
check_eq "... and nothing to say about the units" "$(grep -c 'edgeguard-authz' <<<"$out")" 0
[[ -z $out ]] || printf '#   %s\n' "$out"
unit_value() { sed -n "s/^$2=//p" "$U/$1"; }
check_eq "the socket: dockerd's plugin path" "$(unit_value edgeguard-authz.socket ListenStream)" /run/docker/plugins/edgeguard.sock
check_eq "... before docker.service" "$(unit_value edgeguard-authz.socket Before)" docker.service
check_eq "the service: Restart=always" "$(unit_value edgeguard-authz.service Restart)" always
check_eq "... before docker.service" "$(unit_value edgeguard-authz.service Before)" docker.service
check_eq "... Type=notify (it sends READY=1)" "$(unit_value edgeguard-authz.service Type)" notify

# socket activation: the activator listens, and starts the plugin with the
# socket as fd 3 on the first connection, which the plugin then answers
sock=$T/activated.sock
mkfifo "$T/activate.log"
systemd-socket-activate -l "$sock" -- "$AUTHZ" --socket "$T/never-made.sock" \
        --policy "$T/policy.json" --docker-host "unix://$T/none.sock" 2>"$T/activate.log" &
activator=$!
on_exit "kill $activator 2>/dev/null; wait $activator 2>/dev/null"
exec {log}<"$T/activate.log"
# its first line says it listens; then it waits for a connection
read -r -t 30 -u "$log" line || line=""
check_contains "systemd-socket-activate listens" "$line" "Listening on $sock"
out=$(curl -s --max-time 30 --unix-socket "$sock" -X POST http://p/Plugin.Activate)
check_eq "socket activation: the first call is answered" "$out" '{"Implements":["authz"]}'
said=""
while read -r -t 30 -u "$log" line; do
        said+="$line;"
        [[ $line == *"serving on"* ]] && break
done
check_contains "... by the plugin that call started, on the socket handed over" "$said" "serving on the socket systemd handed over"
check "... which made no socket of its own" test ! -e "$T/never-made.sock"
finish
