#!/usr/bin/env bash
# podman 4.3 (Debian's) with conmon in front of edgeguard, runc or crun
# behind it: private --root/--runroot, the cgroupfs manager, a
# containers.conf of the suite's own (this machine's hard limits need
# default_ulimits), images imported from busybox-static.  The policy
# reaches edgeguard the way the README says for podman: at
# /etc/edgeguard/policy.json, since conmon does not pass podman's
# environment on.  Native allowed, foreign refused with the reason in
# podman's error, every decision recorded with the container's name and
# image; crun named as podman's runtime gets crun's flags; a container is
# never driven by two runtimes.
source "$(dirname "$0")/engines_ns.sh"
source "$(dirname "$0")/lib.sh"
require_root
engines_ns_setup "$T/ns" || { not_ok "private mount namespace set up"; finish; }
# the state directory is the namespace's /run/edgeguard/start: a test
# variable that reaches some calls and not others would be the split brain
unset EDGEGUARD_STATE_DIR

CRUN=$(command -v crun)
unset EDGEGUARD_POLICY EDGEGUARD_DECISION_LOG # podman's environment does not reach it anyway
policy() { printf '{"decision_log": "%s"%s}\n' "$DECISIONS" "${1:-}" >/etc/edgeguard/policy.json; }
policy
conf() { # conf RUNTIME-NAME: edgeguard registered under that name
        cat >"$T/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "$1"
[engine.runtimes]
$1 = ["$EG"]
CONF
}
conf edgeguard
export CONTAINERS_CONF=$T/containers.conf
P=(podman --root "$T/storage" --runroot "$T/runroot" --storage-driver vfs --tmpdir "$T/podman-tmp")
on_exit '"${P[@]}" rm -af -t 0 >/dev/null 2>&1'

image() { # image TAG DEBARCH: busybox-static as a one-layer image
        local dir=$T/image-$1
        mkdir -p "$dir/bin"
        if [[ $2 == host ]]; then cp /bin/busybox "$dir/bin/"; else install -m 0755 "$FOREIGN/$2/busybox-static" "$dir/bin/busybox"; fi
        for a in sh echo sleep cat true; do ln -sf busybox "$dir/bin/$a"; done
        tar -C "$dir" -cf "$dir.tar" . && "${P[@]}" import -q "$dir.tar" "localhost/bb:$1" >/dev/null
}
check "native image imported" image native host
check "foreign (arm64) image imported" image arm64 arm64
# the creates' records (start's check is recorded too)
last() { jq -rs "map(select(.verb != \"start\")) | last | $1" "$DECISIONS"; }

# runc behind (the policy names no runtime)
check_eq "podman run of a native image" "$("${P[@]}" run --rm --name nat localhost/bb:native echo hi 2>&1)" hi
check_eq "allowed, recorded with podman's name and image" \
        "$(last '[.decision, .name, .image, .engine.store, (.runtime | split("/") | last)] | join(" ")')" \
        "allow nat localhost/bb:native libpod runc"
out=$("${P[@]}" run --rm --name frn localhost/bb:arm64 echo hi 2>&1)
check_contains "a foreign image refused, the reason in podman's error" "$out" "linux/arm64"
check_contains "... with podman's advice" "$out" "podman pull --platform"
check_eq "refused, recorded with the name and image" \
        "$(last '[.decision, .rule, .name, .image] | join(" ")')" "refuse arch frn localhost/bb:arm64"
check "detached run" "${P[@]}" run -d --name det localhost/bb:native sleep 60
check_eq "exec into it" "$("${P[@]}" exec det echo in 2>&1)" in
check "pause" "${P[@]}" pause det
check "unpause" "${P[@]}" unpause det
check "stop" "${P[@]}" stop -t 0 det
check "start again" "${P[@]}" start det
check "rm -f" "${P[@]}" rm -f -t 0 det
check_eq "every create recorded (a run, a refused run, a detached run, its restart)" \
        "$(jq -r 'select(.verb != "start") | .decision' "$DECISIONS" | sort | uniq -c | awk '{print $2 "=" $1}' | xargs)" \
        "allow=3 refuse=1"

# crun behind, named by the policy; podman calls the runtime "crun", so it
# passes crun's own flags (--cgroups=disabled: --cgroup-manager disabled)
policy ", \"runtime\": \"$CRUN\""
conf crun
check_eq "crun: podman run" "$("${P[@]}" run --rm localhost/bb:native echo hi 2>&1)" hi
check_eq "... executed by crun" "$(last .runtime)" "$CRUN"
out=$("${P[@]}" --log-level=debug run --rm --cgroups=disabled localhost/bb:native echo hi 2>&1)
check_contains "crun: --cgroups=disabled runs" "$out" $'\nhi\n'
check_contains "... podman passed crun's global --cgroup-manager disabled through conmon" "$out" \
        "--runtime-arg --cgroup-manager --runtime-arg disabled"
out=$("${P[@]}" run --rm localhost/bb:arm64 echo hi 2>&1)
check_contains "crun: a foreign image refused with the reason" "$out" "linux/arm64"
check "crun: detached run" "${P[@]}" run -d --name cdet localhost/bb:native sleep 60
check_eq "crun: exec" "$("${P[@]}" exec cdet echo in 2>&1)" in
# the policy now names runc; the container stays crun's for stop and rm
policy
check "crun: stop after the policy changed" "${P[@]}" stop -t 0 cdet
check "crun: rm" "${P[@]}" rm cdet
check_eq "nothing left in crun" "$(crun --root /run/crun list -q 2>/dev/null | grep -c . || true)" 0

# the split brain: an EDGEGUARD_RUNC in podman's environment reaches some
# calls and not others (which, depends on podman's and conmon's release);
# whichever runtime create took runs every later verb
conf edgeguard
check_eq "EDGEGUARD_RUNC=crun in podman's environment: run works" \
        "$(EDGEGUARD_RUNC=$CRUN "${P[@]}" run --rm localhost/bb:native echo hi 2>&1)" hi
check "EDGEGUARD_RUNC=crun: detached run, stop, rm" bash -c \
        "EDGEGUARD_RUNC=$CRUN ${P[*]} run -d --name sb localhost/bb:native sleep 60 >/dev/null &&
         ${P[*]} stop -t 0 sb >/dev/null && ${P[*]} rm sb >/dev/null"
check_eq "no container left behind in runc" "$(runc --root /run/runc list -q 2>/dev/null | grep -c . || true)" 0
check_eq "no container left behind in crun" "$(crun --root /run/crun list -q 2>/dev/null | grep -c . || true)" 0
check_eq "no runtime record left behind" "$(find /run/edgeguard/start -name '*.runtime' | wc -l)" 0
finish
