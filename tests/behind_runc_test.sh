#!/usr/bin/env bash
# What runs behind args[0] and what the kernel loads on the way, on the
# real runc: scripts saved with Windows line endings, dynamic programs whose
# loader is missing or built for another machine, and foreign programs
# started through tini, docker-init (bind-mounted from the host, as
# `docker run --init` does) and dumb-init.  Each refusal reaches runc's
# --log cleanly at create; with the rule off, runc shows the failure was
# certain.
source "$(dirname "$0")/lib.sh"
require_root

last_record() { tail -n 1 "$DECISIONS"; }
last_error() { jq -r 'select(.level == "error") | .msg' "$T/$1/log.json" | tail -n 1; }
policy() { printf '%s\n' "$1" >"$EDGEGUARD_POLICY"; }
create() {
        "$EG" "${G[@]}" --log "$T/$1/log.json" --log-format json create --bundle "$T/$1" \
                --pid-file "$T/$1/init.pid" "$1" </dev/null >"$T/out" 2>"$T/err"
}
# run_off ID: runc's own verdict on the bundle, through edgeguard with the
# rule off: its error line, or the program's output.
run_off() {
        "$EG" "${G[@]}" --log "$T/$1/run.json" --log-format json run --bundle "$T/$1" "$1-off" \
                </dev/null >"$T/out" 2>&1
        cat "$T/out"
        jq -r 'select(.level == "error") | .msg' "$T/$1/run.json" 2>/dev/null | tail -n 1
        runc "${G[@]}" delete --force "$1-off" >/dev/null 2>&1
}
set_args() { # ID JSON-ARRAY [jq filter]
        jq --argjson a "$2" ".process.args = \$a | ${3:-.}" "$T/$1/config.json" >"$T/$1/c.new" &&
                mv "$T/$1/c.new" "$T/$1/config.json"
}
no_raw_cr() { ! grep -q $'\r' "$@"; }
on_exit 'for c in $(runc --root "$R" list -q 2>/dev/null); do runc --root "$R" delete --force "$c"; done'

# ---- a script with Windows line endings
bundle crlf host /app/run.sh
mkdir -p "$T/crlf/rootfs/app"
printf '#!/bin/sh\r\necho hello from the script\r\n' >"$T/crlf/rootfs/app/run.sh"
chmod 0755 "$T/crlf/rootfs/app/run.sh"
create crlf
check_eq "CRLF script: create refused" "$?" 1
msg=$(last_error crlf)
check_contains "CRLF: the cause is named in runc's log" "$msg" \
        'is a #! script whose interpreter "/bin/sh\r" is not in the image: the script has Windows (CRLF) line endings'
check_contains "CRLF: ... and the fix" "$msg" "dos2unix"
check "CRLF: no raw carriage return in runc's log or the record" no_raw_cr "$T/crlf/log.json" "$DECISIONS"
check_eq "CRLF: no raw control character in the message as the shim reads it" \
        "$(printf '%s' "$msg" | tr -d '[:print:]' | wc -c)" 0
check_eq "CRLF: record" "$(last_record | jq -r '[.decision, .rule, .detected.crlf] | map(tostring) | join(" ")')" \
        "refuse interpreter true"
check_eq "CRLF: no container left" "$(containers)" 0
policy "{\"decision_log\": \"$DECISIONS\", \"rules\": {\"interpreter\": \"off\"}}"
check_contains "CRLF, rule off: runc fails as predicted" "$(run_off crlf)" "no such file or directory"
policy "{\"decision_log\": \"$DECISIONS\"}"
# env in the #! line looks for "sh\r"
printf '#!/bin/env sh\r\necho hello from the script\r\n' >"$T/crlf/rootfs/app/run.sh"
create crlf
check_eq "CRLF through env: create refused" "$?" 1
check_contains "CRLF through env: the cause" "$(last_error crlf)" 'env looks for the interpreter'"'"'s name with a carriage return'
printf '#!/bin/env sh\necho hello from the script\n' >"$T/crlf/rootfs/app/run.sh"
out=$("$EG" "${G[@]}" run --bundle "$T/crlf" crlf-fixed </dev/null 2>&1)
check_eq "the script with Unix line endings runs" "$out" "hello from the script"
check_eq "... its record shows env and the sh it runs" \
        "$(last_record | jq -r '[.examined[] | .file] | join(" ")')" "/bin/env /bin/sh"

# ---- a dynamic program whose loader is absent (a glibc program in a musl image)
bundle noloader host /opt/echo
mkdir -p "$T/noloader/rootfs/opt" "$T/noloader/rootfs/lib"
install -m 0755 "$FOREIGN/amd64/busybox" "$T/noloader/rootfs/opt/echo"
install -m 0755 "$FOREIGN/amd64/ld-musl" "$T/noloader/rootfs/lib/ld-musl-x86_64.so.1"
set_args noloader '["/opt/echo", "hi"]'
create noloader
check_eq "missing loader: create refused" "$?" 1
msg=$(last_error noloader)
check_contains "missing loader: the reason" "$msg" \
        "/opt/echo is dynamically linked: its ELF interpreter (dynamic loader) /lib64/ld-linux-x86-64.so.2 is not in the image"
check_contains "missing loader: the rule" "$msg" "[rule interpreter]"
check_eq "missing loader: record" "$(last_record | jq -r '[.rule, .detected.interpreter.state] | join(" ")')" \
        "interpreter missing"
policy "{\"decision_log\": \"$DECISIONS\", \"rules\": {\"interpreter\": \"off\"}}"
check_contains "missing loader, rule off: runc fails as predicted" "$(run_off noloader)" "no such file or directory"
policy "{\"decision_log\": \"$DECISIONS\"}"
# a spec mount that provides it
jq '.mounts += [{destination: "/lib64", type: "bind", source: "/lib64", options: ["rbind", "ro"]},
                {destination: "/lib/x86_64-linux-gnu", type: "bind", source: "/lib/x86_64-linux-gnu", options: ["rbind", "ro"]}]' \
        "$T/noloader/config.json" >"$T/noloader/c.new" && mv "$T/noloader/c.new" "$T/noloader/config.json"
out=$("$EG" "${G[@]}" run --bundle "$T/noloader" noloader-mounted </dev/null 2>&1)
check_eq "loader from a spec mount: allowed, and it runs" "$out" "hi"

# ---- the loader is there but built for another machine
bundle wrongloader host /bin/demo
install -m 0755 "$FOREIGN/amd64/busybox" "$T/wrongloader/rootfs/bin/demo"
mkdir -p "$T/wrongloader/rootfs/lib64"
install -m 0755 "$FOREIGN/arm64/ld-musl" "$T/wrongloader/rootfs/lib64/ld-linux-x86-64.so.2"
set_args wrongloader '["/bin/demo", "echo", "hi"]'
create wrongloader
check_eq "foreign loader: create refused" "$?" 1
check_contains "foreign loader: the reason" "$(last_error wrongloader)" \
        "its ELF interpreter /lib64/ld-linux-x86-64.so.2 is built for linux/arm64"
check_eq "foreign loader: record" "$(last_record | jq -r '[.rule, .detected.interpreter.state, .detected.interpreter.arch] | join(" ")')" \
        "interpreter unusable arm64"
policy "{\"decision_log\": \"$DECISIONS\", \"rules\": {\"interpreter\": \"off\"}}"
check_contains "foreign loader, rule off: runc fails as predicted" "$(run_off wrongloader)" "accessing a corrupted shared library"
policy "{\"decision_log\": \"$DECISIONS\"}"

# ---- a foreign program behind a native wrapper
bundle wrapped host /sbin/tini -- /opt/app
mkdir -p "$T/wrapped/rootfs/sbin" "$T/wrapped/rootfs/opt"
install -m 0755 "$FOREIGN/amd64/tini-static" "$T/wrapped/rootfs/sbin/tini"
install -m 0755 "$FOREIGN/arm64/busybox-static" "$T/wrapped/rootfs/opt/app"
create wrapped
check_eq "foreign program behind tini: create refused" "$?" 1
check_contains "behind tini: names the program and the wrapper" "$(last_error wrapped)" \
        "/opt/app (run by tini (/sbin/tini)) is linux/arm64"
check_eq "behind tini: the record lists both" \
        "$(last_record | jq -r '[.rule, (.examined[] | .file + "=" + .arch)] | join(" ")')" "arch /sbin/tini=amd64 /opt/app=arm64"
install -m 0755 /bin/busybox "$T/wrapped/rootfs/opt/echo"
set_args wrapped '["/sbin/tini", "--", "/opt/echo", "hello through tini"]'
out=$("$EG" "${G[@]}" run --bundle "$T/wrapped" wrapped-native </dev/null 2>&1)
check_eq "a native program behind tini runs" "$out" "hello through tini"

# docker run --init: /sbin/docker-init is the host's tini, bind-mounted
install -m 0755 "$FOREIGN/arm64/busybox-static" "$T/wrapped/rootfs/opt/app"
: >"$T/wrapped/rootfs/sbin/docker-init"
set_args wrapped '["/sbin/docker-init", "--", "/opt/app"]' \
        '.mounts += [{destination: "/sbin/docker-init", type: "bind", source: "/usr/bin/docker-init", options: ["bind", "ro"]}]'
create wrapped
check_eq "foreign program behind docker-init (--init): create refused" "$?" 1
check_contains "behind docker-init: names both" "$(last_error wrapped)" "/opt/app (run by tini (/sbin/docker-init)) is linux/arm64"

# dumb-init (dynamic, with the host's glibc) and sh -c
bundle dumb host dumb-init -- sh -c "exec /opt/app"
mkdir -p "$T/dumb/rootfs/usr/bin" "$T/dumb/rootfs/opt" "$T/dumb/rootfs/lib64" "$T/dumb/rootfs/lib/x86_64-linux-gnu"
install -m 0755 "$FOREIGN/amd64/dumb-init" "$T/dumb/rootfs/usr/bin/dumb-init"
cp -L /lib64/ld-linux-x86-64.so.2 "$T/dumb/rootfs/lib64/"
cp -L /lib/x86_64-linux-gnu/libc.so.6 "$T/dumb/rootfs/lib/x86_64-linux-gnu/"
install -m 0755 "$FOREIGN/arm64/busybox-static" "$T/dumb/rootfs/opt/app"
create dumb
check_eq "foreign program behind dumb-init and sh -c: create refused" "$?" 1
check_contains "behind dumb-init: names the program and its wrapper" "$(last_error dumb)" \
        "/opt/app (run by sh (/bin/sh)) is linux/arm64"
check_eq "behind dumb-init: three programs examined" \
        "$(last_record | jq -r '[.examined[] | .file] | join(" ")')" "/usr/bin/dumb-init /bin/sh /opt/app"
install -m 0755 /bin/busybox "$T/dumb/rootfs/opt/echo"
set_args dumb '["dumb-init", "--", "sh", "-c", "exec /opt/echo hello through dumb-init"]'
out=$("$EG" "${G[@]}" run --bundle "$T/dumb" dumb-native </dev/null 2>&1)
check_eq "a native program behind dumb-init runs" "$out" "hello through dumb-init"

# ---- the field inputs, as a user runs them: edgeguard check --host linux/arm64
bundle field-wrapper host dumb-init -- /opt/app
mkdir -p "$T/field-wrapper/rootfs/usr/bin" "$T/field-wrapper/rootfs/opt" "$T/field-wrapper/rootfs/lib"
install -m 0755 "$FOREIGN/arm64/dumb-init" "$T/field-wrapper/rootfs/usr/bin/dumb-init"
install -m 0755 "$FOREIGN/arm64/ld-linux" "$T/field-wrapper/rootfs/lib/ld-linux-aarch64.so.1"
install -m 0755 "$FOREIGN/amd64/busybox-static" "$T/field-wrapper/rootfs/opt/app"
jq '.process.env = ["PATH=/usr/bin:/bin"]' "$T/field-wrapper/config.json" >"$T/c.new" && mv "$T/c.new" "$T/field-wrapper/config.json"
out=$("$EG" check --host linux/arm64 "$T/field-wrapper" 2>&1)
check_eq "check: arm64 dumb-init, amd64 /opt/app: refused" "$?" 1
check_contains "check: names the program and the wrapper" "$out" \
        "/opt/app (run by dumb-init (/usr/bin/dumb-init)) is linux/amd64"
check_contains "check's text: the wrapper's interpreter" "$out" "interp:   /lib/ld-linux-aarch64.so.1: linux/arm64"
check_contains "check's text: what it runs" "$out" "behind:     /opt/app: linux/amd64"
check_eq "check --json: examined" \
        "$("$EG" check --json --host linux/arm64 "$T/field-wrapper" | jq -r '[.examined[] | (.via // "-") + " " + .file + " " + .arch] | join("; ")')" \
        "- /usr/bin/dumb-init arm64; dumb-init (/usr/bin/dumb-init) /opt/app amd64"

bundle field-musl host /bin/demo
mkdir -p "$T/field-musl/rootfs/lib"
rm -f "$T/field-musl/rootfs/bin/"*
install -m 0755 "$FOREIGN/arm64/busybox" "$T/field-musl/rootfs/bin/demo"
install -m 0755 "$FOREIGN/arm64/ld-musl" "$T/field-musl/rootfs/lib/ld-musl-aarch64.so.1"
out=$("$EG" check --host linux/arm64 "$T/field-musl" 2>&1)
check_eq "check: glibc arm64 busybox in a musl rootfs: refused" "$?" 1
check_contains "check: the reason" "$out" "REFUSE by rule interpreter"
check_contains "check: ... no 'runs natively' without its loader" "$out" \
        "/bin/demo is dynamically linked: its ELF interpreter (dynamic loader) /lib/ld-linux-aarch64.so.1 is not in the image"
check_eq "check --json: the interpreter" \
        "$("$EG" check --json --host linux/arm64 "$T/field-musl" | jq -r '.detected.interpreter | .path + " " + .state')" \
        "/lib/ld-linux-aarch64.so.1 missing"

check_eq "no container left at the end" "$(containers)" 0
finish
