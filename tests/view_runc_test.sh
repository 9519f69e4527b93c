#!/usr/bin/env bash
# The container's view on the real runc: paths read the way runc reads them
# (Go's lexical joins), the spec's mounts and masks at every component and
# symlink hop, and the search done as the container's user.  Each input is
# created through edgeguard: a foreign program (Debian's arm64 busybox) that
# runc would exec must be refused; a native one must run, and the file
# edgeguard judged must be the one that printed its marker.
source "$(dirname "$0")/lib.sh"
require_root

ARM64=$FOREIGN/arm64/busybox-static
[[ -r $ARM64 ]] || { not_ok "arm64 busybox in $FOREIGN (make unit fetches it)"; finish; }

# spec ID FILTER: edits $T/ID/config.json with jq
spec() {
        jq "$2" "$T/$1/config.json" >"$T/$1/config.new" && mv "$T/$1/config.new" "$T/$1/config.json"
}
# foreign PATH: the arm64 busybox at PATH (host path), executable
foreign() { mkdir -p "$(dirname "$1")" && install -m 0755 "$ARM64" "$1"; }
# marker PATH WORD: a native script at PATH (host path) that prints WORD
marker() {
        mkdir -p "$(dirname "$1")"
        printf '#!/m/busybox sh\necho %s\n' "$2" >"$1"
        chmod 0755 "$1"
}
# base ID ARGS...: a native busybox bundle, busybox also at /m/busybox
# (the markers' interpreter, out of the way of mounts over /bin)
base() {
        local id=$1; shift
        bundle "$id" host "$@"
        mkdir -p "$T/$id/rootfs/m"
        cp "$T/$id/rootfs/bin/busybox" "$T/$id/rootfs/m/busybox"
}
create() {
        "$EG" "${G[@]}" --log "$T/$1/log.json" --log-format json create --bundle "$T/$1" \
                --pid-file "$T/$1/init.pid" "$1" </dev/null >"$T/out" 2>"$T/err"
}
# refused ID WHAT: create through edgeguard is refused and leaves nothing
refused() {
        create "$1"
        local rc=$?
        if [[ $rc -eq 1 && $(containers) -eq 0 ]]; then ok "$2: refused"; else
                not_ok "$2: refused" "create exit $rc, containers $(containers)" \
                        "$(tail -n 1 "$DECISIONS" | jq -c '{decision, reason, detected}')"
                runc "${G[@]}" delete --force "$1" >/dev/null 2>&1
        fi
}
# runs ID WHAT WORD JUDGED: edgeguard check judges JUDGED (the first #!
# script, or the file) and `run` through edgeguard prints WORD
runs() {
        local judged out
        judged=$("$EG" check --json "$T/$1" | jq -r '.detected | (.scripts // [])[0] // .file')
        check_eq "$2: judged" "$judged" "$4"
        out=$("$EG" "${G[@]}" run --bundle "$T/$1" "$1" </dev/null 2>&1)
        check_eq "$2: runs it" "$out" "$3"
        runc "${G[@]}" delete --force "$1" >/dev/null 2>&1
}
printf '{"decision_log": "%s", "unknown": "refuse"}\n' "$DECISIONS" >"$EDGEGUARD_POLICY"

# ---- 1. paths as runc reads them
base clean sh -c 'echo native'
foreign "$T/clean/rootfs/foreign/sh"
spec clean '.process.env = ["PATH=/nonexistent/../foreign:/bin"]'
refused clean "PATH=/nonexistent/../foreign:/bin is /foreign first (filepath.Join)"

base clean-run sh
marker "$T/clean-run/rootfs/foreign/sh" from-foreign-dir
spec clean-run '.process.env = ["PATH=/nonexistent/../foreign:/bin"]'
runs clean-run "PATH=/nonexistent/../foreign" from-foreign-dir /foreign/sh

base rootpath true
mkdir -p "$T/rootpath/other/x"
cp -a "$T/rootpath/rootfs" "$T/rootpath/other/rootfs"
foreign "$T/rootpath/rootfs/bin/busybox"
ln -s other/x "$T/rootpath/lnk"
spec rootpath '.root.path = "lnk/../rootfs"'
refused rootpath "root.path lnk/../rootfs is the bundle's rootfs (lexical join)"

for dest in bin //bin /./bin /tmp/../bin; do
        id=dest-$(printf '%s' "$dest" | tr -c 'a-z' '_')
        base "$id" true
        foreign "$T/$id-vol/true"
        spec "$id" ".mounts += [{destination: \"$dest\", type: \"bind\", source: \"$T/$id-vol\", options: [\"rbind\"]}]"
        refused "$id" "a volume at destination \"$dest\" is /bin"
        if [[ $dest != /* ]]; then
                # runc 1.1's validator refuses it too: edgeguard's reading is moot
                check_contains "runc itself refuses destination \"$dest\"" \
                        "$(runc "${G[@]}" run --bundle "$T/$id" "$id" 2>&1 </dev/null)" \
                        "mount destination not absolute"
                runc "${G[@]}" delete --force "$id" >/dev/null 2>&1
        fi
done
base dest-run true
marker "$T/dest-run-vol/true" from-volume
spec dest-run ".mounts += [{destination: \"/tmp/../bin\", type: \"bind\", source: \"$T/dest-run-vol\", options: [\"rbind\"]}]"
runs dest-run "a volume at /tmp/../bin" from-volume /bin/true

# ---- 2. the container's view
mkdir -p "$T/foreignroot/bin"
foreign "$T/foreignroot/bin/busybox"
ln -s busybox "$T/foreignroot/bin/true"
for dest in / "" .; do
        id=root-$(printf '%s' "$dest" | tr -c 'a-z' '_')x
        base "$id" true
        spec "$id" ".mounts = [{destination: \"$dest\", type: \"bind\", source: \"$T/foreignroot\", options: [\"rbind\"]}] + .mounts"
        refused "$id" "a bind mount at \"$dest\" replaces the image"
        if [[ $dest != /* ]]; then
                check_contains "runc itself refuses destination \"$dest\"" \
                        "$(runc "${G[@]}" run --bundle "$T/$id" "$id" 2>&1 </dev/null)" \
                        "mount destination not absolute"
                runc "${G[@]}" delete --force "$id" >/dev/null 2>&1
        fi
done
base root-run true
mkdir -p "$T/nativeroot/bin"
marker "$T/nativeroot/bin/true" from-root-volume
cp "$T/root-run/rootfs/m/busybox" "$T/nativeroot/m-busybox"
mkdir -p "$T/nativeroot/m" && mv "$T/nativeroot/m-busybox" "$T/nativeroot/m/busybox"
spec root-run ".mounts = [{destination: \"/\", type: \"bind\", source: \"$T/nativeroot\", options: [\"rbind\"]}] + .mounts"
runs root-run "a bind mount at / replaces the image" from-root-volume /bin/true

base applink /app/sh -c true
mkdir -p "$T/applink/rootfs/app"
ln -s /bin/busybox "$T/applink/rootfs/app/sh"
foreign "$T/applink-vol/sh"
spec applink ".mounts += [{destination: \"/app\", type: \"bind\", source: \"$T/applink-vol\", options: [\"rbind\"]}]"
refused applink "/app/sh -> /bin/busybox in the image, a volume at /app"

base appdir /app/sh -c true
mkdir -p "$T/appdir/rootfs/opt/app"
ln -s /bin/busybox "$T/appdir/rootfs/opt/app/sh"
ln -s opt/app "$T/appdir/rootfs/app"
foreign "$T/appdir-vol/sh"
spec appdir ".mounts += [{destination: \"/app\", type: \"bind\", source: \"$T/appdir-vol\", options: [\"rbind\"]}]"
refused appdir "/app -> opt/app in the image, a volume at /app (mounted at /opt/app)"

base pathvol sh -c true
foreign "$T/pathvol-vol/sh"
spec pathvol ".process.env = [\"PATH=/usr/local/bin:/bin\"] | .mounts += [{destination: \"/usr/local/bin\", type: \"bind\", source: \"$T/pathvol-vol\", options: [\"rbind\"]}]"
refused pathvol "a PATH entry missing from the image, supplied by a volume"

base procself sh -c true
mkdir -p "$T/procself/rootfs/usr/local"
ln -s /proc/self/root/foreign "$T/procself/rootfs/usr/local/bin"
foreign "$T/procself/rootfs/foreign/sh"
spec procself '.process.env = ["PATH=/usr/local/bin:/bin"]'
refused procself "a PATH entry through /proc/self/root"

base procself-run sh
mkdir -p "$T/procself-run/rootfs/usr/local"
ln -s /proc/self/root/foreign "$T/procself-run/rootfs/usr/local/bin"
marker "$T/procself-run/rootfs/foreign/sh" through-proc
spec procself-run '.process.env = ["PATH=/usr/local/bin:/bin"]'
runs procself-run "a PATH entry through /proc/self/root" through-proc /usr/local/bin/sh

base script /app/run.sh
marker "$T/script/rootfs/app/run.sh" image-script
foreign "$T/script/rootfs/foreign/sh"
mkdir -p "$T/script-vol"
printf '#!/foreign/sh\necho volume-script\n' >"$T/script-vol/run.sh"
chmod 0755 "$T/script-vol/run.sh"
spec script ".mounts += [{destination: \"/app\", type: \"bind\", source: \"$T/script-vol\", options: [\"rbind\"]}]"
refused script "a #! script under a volume names a foreign interpreter"

base mask sh
marker "$T/mask/rootfs/opt/bin/sh" opt-bin
foreign "$T/mask/rootfs/bin/sh.arm64"
mv "$T/mask/rootfs/bin/sh.arm64" "$T/mask/rootfs/bin/sh"
spec mask '.process.env = ["PATH=/opt/bin:/bin"]'
cp -a "$T/mask" "$T/mask-off"
runs mask-off "no mask: /opt/bin/sh" opt-bin /opt/bin/sh
spec mask '.linux.maskedPaths += ["/opt/bin"]'
refused mask "linux.maskedPaths empties /opt/bin: the search falls through to /bin/sh"

# ---- 3. as the container's user
base user sh
marker "$T/user/rootfs/usr/local/bin/sh" local-bin
chmod 0700 "$T/user/rootfs/usr/local/bin"
foreign "$T/user/rootfs/bin/sh.arm64"
mv "$T/user/rootfs/bin/sh.arm64" "$T/user/rootfs/bin/sh"
spec user '.process.env = ["PATH=/usr/local/bin:/bin"] | .process.user = {uid: 1000, gid: 1000}'
cp -a "$T/user" "$T/user-dac"
cp -a "$T/user" "$T/user-group"
refused user "uid 1000 cannot search /usr/local/bin (0700): /bin/sh runs"
# the program itself here: a script could not read itself once exec has
# dropped the capability; the foreign /bin/sh could print nothing
cp "$T/user-dac/rootfs/m/busybox" "$T/user-dac/rootfs/usr/local/bin/sh"
spec user-dac '.process.capabilities |= with_entries(.value += ["CAP_DAC_READ_SEARCH"]) | .process.args = ["sh", "-c", "exec /m/busybox echo local-bin-binary"]'
runs user-dac "uid 1000 with CAP_DAC_READ_SEARCH" local-bin-binary /usr/local/bin/sh
chmod 0750 "$T/user-group/rootfs/usr/local/bin"
chgrp 4242 "$T/user-group/rootfs/usr/local/bin"
spec user-group '.process.user.additionalGids = [4242]'
runs user-group "uid 1000 in additional group 4242 of /usr/local/bin (0750)" local-bin /usr/local/bin/sh

check_eq "nothing left in runc's state" "$(containers)" 0
finish
