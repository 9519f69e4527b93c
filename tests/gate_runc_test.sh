#!/usr/bin/env bash
# Judged is executed, on the real runc: create through edgeguard, then
# start.  Each attack below is one the hostile-input review found: the
# program swapped in the rootfs between create and start, a mount only the
# container sees, a bundle or rootfs below a directory another user owns,
# hooks (host and in-container), "seccomp": {} and device rules that allow
# every device.  Each either is refused, or runs the file that was judged.
source "$(dirname "$0")/lib.sh"
require_root

policy() { printf '{"decision_log": "%s"%s}\n' "$DECISIONS" "${1:+, $1}" >"$EDGEGUARD_POLICY"; }
last_record() { tail -n 1 "$DECISIONS"; }
last_error() { jq -r 'select(.level == "error") | .msg' "$T/$1/log.json" | tail -n 1; }
edit() { jq "$2" "$T/$1/config.json" >"$T/$1/c.json" && mv "$T/$1/c.json" "$T/$1/config.json"; }
# create ID / start ID: containerd's argv
create() {
        "$EG" "${G[@]}" --log "$T/$1/log.json" --log-format json create --bundle "$T/$1" \
                --pid-file "$T/$1/init.pid" "$1" </dev/null >"$T/$1/out" 2>"$T/$1/err"
}
start() { "$EG" "${G[@]}" --log "$T/$1/log.json" --log-format json start "$1" 2>"$T/$1/start.err"; }
status() { runc "${G[@]}" state "$1" 2>/dev/null | jq -r .status; }
# wait_stopped ID: the process ran to its end (bounded: 10 s)
wait_stopped() {
        local i
        for ((i = 0; i < 200; i++)); do
                [[ $(status "$1") == stopped ]] && return 0
                sleep 0.05
        done
        return 1
}

policy ''

# ---- item 4: nothing changes between the check and the exec
# a native program, swapped for a foreign one after create
bundle swap host /bin/prog
cp /bin/busybox "$T/swap/rootfs/bin/prog.native"
ln -sf prog.native "$T/swap/rootfs/bin/prog"
edit swap '.process.args = ["/bin/echo", "judged"]'
create swap
check_eq "swap: create allowed" "$?" 0
check "swap: create recorded what it judged" test -n "$(ls "$EDGEGUARD_STATE_DIR")"
rm "$T/swap/rootfs/bin/echo"
install -m 0755 "$FOREIGN/arm64/busybox-static" "$T/swap/rootfs/bin/echo"
start swap
check_eq "swap: start refused, exit 1" "$?" 1
check_contains "swap: the reason reaches runc's --log" "$(last_error swap)" \
        "edgeguard: refusing to start container swap: /bin/echo is now linux/arm64, not linux/amd64 as create judged it"
check_eq "swap: the refusal is a decision record" \
        "$(last_record | jq -r '[.decision, .verb, .rule, .judged.platform] | join(" ")')" \
        "refuse start start linux/amd64"
check_eq "swap: the container never ran" "$(status swap)" created
"$EG" "${G[@]}" delete --force swap
check_eq "swap: delete removes the record" "$(ls "$EDGEGUARD_STATE_DIR" | wc -l)" 0

# the review's case: a rootfs owned by uid 1000, who swaps the program as
# that user between create and start, no race needed
bundle userfs host /bin/echo judged
chown -R 1000:1000 "$T/userfs/rootfs"
chmod 0711 "$T" # uid 1000 passes through, writes nothing
create userfs
check_eq "rootfs owned by uid 1000: create allowed (its contents are checked again at start)" "$?" 0
setpriv --reuid 1000 --regid 1000 --clear-groups bash -c \
        "rm '$T/userfs/rootfs/bin/echo' && cp '$FOREIGN/arm64/busybox-static' '$T/userfs/rootfs/bin/echo' && chmod 0755 '$T/userfs/rootfs/bin/echo'"
check "... uid 1000 swapped the program" cmp -s "$FOREIGN/arm64/busybox-static" "$T/userfs/rootfs/bin/echo"
start userfs
check_eq "... start refused" "$?" 1
check_contains "... naming the swap" "$(last_error userfs)" "/bin/echo is now linux/arm64"
"$EG" "${G[@]}" delete --force userfs

# another native file: the same platform, but not the file judged
bundle swap-native host /bin/echo judged
create swap-native
rm "$T/swap-native/rootfs/bin/echo"
cp /bin/busybox "$T/swap-native/rootfs/bin/echo"
start swap-native
check_eq "swap to another native file: start refused" "$?" 1
check_contains "... as not the file judged" "$(last_error swap-native)" \
        "/bin/echo is not the file create judged (device"
"$EG" "${G[@]}" delete --force swap-native

# unchanged: it starts, and what runs is what was judged
bundle same host /bin/echo judged-and-run
create same
check_eq "same: create allowed" "$?" 0
start same
check_eq "same: start allowed" "$?" 0
check "same: it ran to its end" wait_stopped same
check_eq "same: the judged program ran" "$(cat "$T/same/out")" judged-and-run
check_eq "same: the start is a decision record" \
        "$(last_record | jq -r '[.decision, .verb, .judged.file, .found.file] | join(" ")')" \
        "allow start /bin/echo /bin/echo"
"$EG" "${G[@]}" delete same

# start looks the program up as process.user, as runc's init does (and as
# create did): a PATH directory only root may search is passed over for
# uid 1000 both times; a lookup as root would find the foreign file there
bundle asuser host echo
mkdir -m 0700 "$T/asuser/rootfs/priv"
install -m 0755 "$FOREIGN/arm64/busybox-static" "$T/asuser/rootfs/priv/echo"
edit asuser '.process.user = {"uid": 1000, "gid": 1000} | .process.capabilities = {} |
        .process.env = ["PATH=/priv:/bin"] | .process.args = ["echo", "ran-as-1000"]'
create asuser
check_eq "as process.user: create allowed (uid 1000 cannot search /priv)" "$?" 0
start asuser
check_eq "... start allowed: looked up as uid 1000 again" "$?" 0
check "... it ran to its end" wait_stopped asuser
check_eq "... the judged program ran" "$(cat "$T/asuser/out")" ran-as-1000
check_eq "... the start's record" \
        "$(last_record | jq -r '[.decision, .verb, .judged.file, .found.file] | join(" ")')" \
        "allow start /bin/echo /bin/echo"
"$EG" "${G[@]}" delete asuser

# a bind mount puts another program under the path: create sees it (the
# container's view), and a volume whose program changes after create is
# seen again at start
bundle mounted host /app/run
mkdir -p "$T/mounted/rootfs/app" "$T/volume"
cp /bin/busybox "$T/mounted/rootfs/app/run"
install -m 0755 "$FOREIGN/arm64/busybox-static" "$T/volume/run"
edit mounted ".mounts += [{destination: \"/app\", type: \"bind\", source: \"$T/volume\", options: [\"rbind\", \"ro\"]}]"
create mounted
check_eq "mount: the volume's foreign program refused at create" "$?" 1
check_contains "... naming it" "$(last_error mounted)" "/app/run is linux/arm64"
rm "$T/volume/run"
cp /bin/busybox "$T/volume/run"
create mounted
check_eq "mount: the volume's native program allowed at create" "$?" 0
rm "$T/volume/run"
install -m 0755 "$FOREIGN/arm64/busybox-static" "$T/volume/run"
start mounted
check_eq "mount: the volume's program changed after create: start refused" "$?" 1
check_contains "... naming the file the container sees" "$(last_error mounted)" \
        "/app/run is now linux/arm64, not linux/amd64 as create judged it"
"$EG" "${G[@]}" delete --force mounted

# the bundle and the rootfs: every directory on their path
mkdir -p "$T/userdir"
chown 1000:1000 "$T/userdir"
bundle userdir/b host true
"$EG" "${G[@]}" --log "$T/userdir/b/log.json" --log-format json create --bundle "$T/userdir/b" ub \
        </dev/null >/dev/null 2>&1
check_eq "bundle under a user's directory: refused" "$?" 1
check_contains "bundle under a user's directory: names it" "$(last_error userdir/b)" \
        "the bundle's path: $T/userdir is owned by uid 1000, not by root or the caller (uid 0)"
mkdir -p "$T/groupw"
chmod 0775 "$T/groupw"
bundle groupw/b host true
"$EG" "${G[@]}" --log "$T/groupw/b/log.json" --log-format json create --bundle "$T/groupw/b" gb \
        </dev/null >/dev/null 2>&1
check_eq "bundle under a group-writable directory: refused" "$?" 1
check_contains "... names it" "$(last_error groupw/b)" "$T/groupw is writable by its group (mode 0775)"
bundle rootfs-elsewhere host true
mkdir -p "$T/userdir/r"
cp -a "$T/rootfs-elsewhere/rootfs/." "$T/userdir/r/"
edit rootfs-elsewhere ".root.path = \"$T/userdir/r\""
create rootfs-elsewhere
check_eq "rootfs under a user's directory: refused" "$?" 1
check_contains "... names the rootfs' path" "$(last_error rootfs-elsewhere)" \
        "the rootfs' path: $T/userdir is owned by uid 1000"
check_eq "no container left by the refusals" "$(containers)" 0

# ---- item 5: hooks
bundle hook-foreign host true
install -m 0755 "$FOREIGN/arm64/busybox-static" "$T/hook-foreign/rootfs/bin/hook"
edit hook-foreign '.hooks = {startContainer: [{path: "/bin/hook", args: ["hook"]}]}'
create hook-foreign
check_eq "startContainer hook of another arch: refused" "$?" 1
check_contains "... names it" "$(last_error hook-foreign)" \
        "hooks.startContainer[0] \"/bin/hook\" runs in the container: /bin/hook is linux/arm64"

bundle hook-native host true
edit hook-native '.root.readonly = false | .hooks = {startContainer: [{path: "/bin/busybox", args: ["touch", "/tmp/hook-ran"]}]}'
create hook-native
check_eq "native startContainer hook: allowed" "$?" 0
start hook-native
check "native startContainer hook: it ran, in the container" wait_stopped hook-native
check "... its mark is in the rootfs" test -e "$T/hook-native/rootfs/tmp/hook-ran"
check_eq "... and recorded" "$(grep '"verb":"create"' "$DECISIONS" | tail -n 1 | jq -r '.hooks[0] | [.kind, .program, .platform] | join(" ")')" \
        "startContainer /bin/busybox linux/amd64"
"$EG" "${G[@]}" delete --force hook-native

# a startContainer hook swapped between create and start: it runs at start
bundle hook-swap host true
cp /bin/busybox "$T/hook-swap/rootfs/bin/hook"
edit hook-swap '.hooks = {startContainer: [{path: "/bin/hook", args: ["true"]}]}'
create hook-swap
check_eq "startContainer hook: create allowed" "$?" 0
rm "$T/hook-swap/rootfs/bin/hook"
install -m 0755 "$FOREIGN/arm64/busybox-static" "$T/hook-swap/rootfs/bin/hook"
start hook-swap
check_eq "startContainer hook swapped after create: start refused" "$?" 1
check_contains "... naming the hook" "$(last_error hook-swap)" \
        "hooks.startContainer[0]: /bin/hook is now linux/arm64, not linux/amd64 as create judged it"
check_eq "... the container never ran" "$(status hook-swap)" created
"$EG" "${G[@]}" delete --force hook-swap

bundle hook-host host true
edit hook-host ".hooks = {createRuntime: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"touch $T/host-hook-ran\"]}]}"
create hook-host
check_eq "host hook not allow-listed: refused" "$?" 1
check_contains "... names it" "$(last_error hook-host)" \
        "hooks.createRuntime[0] \"/bin/sh\" is a host hook not allow-listed"
check "... and it never ran" test ! -e "$T/host-hook-ran"
policy '"hooks": ["/bin/sh"]'
create hook-host
check_eq "host hook allow-listed: allowed" "$?" 0
check "... and runc ran it" test -e "$T/host-hook-ran"
"$EG" "${G[@]}" delete --force hook-host
policy ''

# ---- item 6: settings that mean something else to runc
bundle seccomp-empty host sh -c 'grep Seccomp: /proc/self/status'
edit seccomp-empty '.linux.seccomp = {}'
policy '"seccomp_required": true'
create seccomp-empty
check_eq "\"seccomp\": {} with seccomp_required: refused" "$?" 1
check_contains "... as no filter" "$(last_error seccomp-empty)" \
        "no seccomp filter: linux.seccomp has no defaultAction and no syscalls"
policy ''
create seccomp-empty
start seccomp-empty
wait_stopped seccomp-empty
check_eq "... and runc indeed installs none (Seccomp: 0)" "$(tr -s '\t ' ' ' <"$T/seccomp-empty/out")" "Seccomp: 0"
"$EG" "${G[@]}" delete --force seccomp-empty

# every device through rules that are not one "a *:* rwm"
for rules in '[{allow: false, access: "rwm"}, {allow: true, type: "c", access: "rwm"}, {allow: true, type: "b", access: "rwm"}]' \
        '[{allow: false, access: "rwm"}, {allow: true, type: "a", access: "rw"}, {allow: true, type: "a", access: "m"}]' \
        '[{allow: false, access: "rwm"}, {allow: true, type: "c", access: "rw"}, {allow: true, type: "c", access: "m"}]'; do
        rm -rf "$T/devices"
        bundle devices host sh -c 'mknod /tmp/fuse c 10 229 && exec 3<>/tmp/fuse && echo opened-a-host-device'
        edit devices ".root.readonly = false | .linux.resources.devices = $rules | .process.capabilities.bounding += [\"CAP_MKNOD\"] | .process.capabilities.effective += [\"CAP_MKNOD\"] | .process.capabilities.permitted += [\"CAP_MKNOD\"]"
        policy '"privileged": "refuse"'
        create devices
        check_eq "devices $rules: refused" "$?" 1
        check_contains "... as every device allowed" "$(last_error devices)" "device is allowed"
        policy ''
        create devices
        start devices
        wait_stopped devices
        check_eq "... and with the rule off the container does open a host device" "$(cat "$T/devices/out")" opened-a-host-device
        "$EG" "${G[@]}" delete --force devices
done

finish
