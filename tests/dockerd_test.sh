#!/usr/bin/env bash
# The real thing: a private dockerd 20.10 (and its containerd 1.6, and runc)
# with edgeguard as the default runtime, started by hack/dockerd.sh in this
# suite's own directory and removed afterwards, also when the suite fails.
# Images come from hack/test-images.sh (Debian's busybox-static, no
# registry).  The machine's own dockerd, /etc/docker and /var/lib/docker
# are never used.
source "$(dirname "$0")/lib.sh"
require_root

DOCKER=${DOCKER:-/usr/bin/docker}
D=$T/d
RUNC_ROOT=$D/exec/runtime-runc/moby
shared_before=$(ls -A /run/containerd 2>&1)
dockerd_stop() { "$TOP/hack/dockerd.sh" stop "$D"; }
on_exit dockerd_stop
# no sleep and no poll: hack/dockerd.sh returns on dockerd's own READY=1
if ! "$TOP/hack/dockerd.sh" start "$D"; then
        not_ok "the private dockerd starts (hack/dockerd.sh start)"
        finish
fi
export DOCKER_HOST=unix://$D/docker.sock DOCKER_CONFIG=$D/client
# the suite's records go where the private dockerd's policy says
unset EDGEGUARD_DECISION_LOG
DECISIONS=$D/decisions.jsonl
docker() { "$DOCKER" "$@"; }
quiet() { "$@" >/dev/null 2>&1; }
policy() { jq -n --arg log "$DECISIONS" --arg root "$D/data" "{decision_log: \$log, docker_root: \$root} + ${1:-{\}}" >"$D/policy.json"; }
record_of() { jq -c --arg name "$1" 'select(.name == $name)' "$DECISIONS" | tail -n 1; }
runc_has() { runc --root "$RUNC_ROOT" state "$1" >/dev/null 2>&1; }

"$TOP/hack/test-images.sh" "$T/images"
read -r NATIVE FOREIGN <"$T/images/platforms"
docker import --change 'CMD ["/bin/sh"]' "$T/images/native-rootfs.tar" edgeguard-test/native:1 >/dev/null
for tarball in "$T/images"/edgeguard-test_*.tar; do docker load -q -i "$tarball" >/dev/null; done
tarballs=("$T/images"/edgeguard-test_*.tar)
# every saved image, and the imported native one
check_eq "the test images are loaded" "$(docker images --format '{{.Repository}}' | grep -c '^edgeguard-test/')" "$((${#tarballs[@]} + 1))"
NET=(--network none)
HOST_MACHINE=$(uname -m)

# ---- edgeguard is the default runtime, and dockerd still sees runc's version
check_eq "docker info: default runtime edgeguard" "$(docker info --format '{{.DefaultRuntime}}')" edgeguard
runc_commit=$(runc --version | sed -n 's/^commit: //p')
check_eq "docker info: runc's version, through edgeguard" "$(docker info --format '{{.RuncCommit.ID}}')" "$runc_commit"

# ---- the native module and the whole lifecycle
check_eq "native: docker run" "$(docker run --rm "${NET[@]}" edgeguard-test/native:1 uname -m)" "$HOST_MACHINE"
check_eq "native: allowed, with moby's name and image in the record" \
        "$(docker run "${NET[@]}" --name native-once edgeguard-test/native:1 true && record_of native-once | jq -r '[.decision, .image, .engine.status, .declared.source] | join(",")')" \
        "allow,edgeguard-test/native:1,read,moby image config"
out=$(script -qec "$DOCKER run -it --rm ${NET[*]} edgeguard-test/native:1 sh -c 'tty; exit 3'" /dev/null)
check_eq "native: docker run -it gets a terminal and its exit code" "$?" 3
check_contains "... a pty inside" "$out" "/dev/pts/"

docker run -d "${NET[@]}" --name svc edgeguard-test/native:1 sleep 1000 >/dev/null
check_eq "docker run -d: running" "$(docker inspect -f '{{.State.Status}}' svc)" running
check_eq "docker exec" "$(docker exec svc echo inside)" inside
svc_bundle=$D/exec/containerd/daemon/io.containerd.runtime.v2.task/moby/$(docker inspect -f '{{.Id}}' svc)
out=$(EDGEGUARD_POLICY=$D/policy.json "$EG" check "$svc_bundle")
check_contains "edgeguard check of a running module's bundle: moby's name and image" "$out" "(name svc, image edgeguard-test/native:1)"
check_contains "... and what it read" "$out" "engine:     moby store read: $D/data: container and image config read"
check_contains "docker top" "$(docker top svc)" "sleep 1000"
docker pause svc >/dev/null
check_eq "docker pause" "$(docker inspect -f '{{.State.Status}}' svc)" paused
docker unpause svc >/dev/null
check_eq "docker unpause" "$(docker inspect -f '{{.State.Status}}' svc)" running
check "docker update (runc update, resources on stdin)" quiet docker update --memory 64m --memory-swap 128m --cpu-shares 512 svc
check_eq "... applied" "$(docker inspect -f '{{.HostConfig.Memory}} {{.HostConfig.CpuShares}}' svc)" "67108864 512"
check_eq "... in the container's cgroup" "$(docker exec svc cat /sys/fs/cgroup/memory/memory.limit_in_bytes)" 67108864
check "docker stop" quiet docker stop -t 1 svc
check_eq "... exited" "$(docker inspect -f '{{.State.Status}}' svc)" exited
check "docker start (a second create through edgeguard)" quiet docker start svc
check "docker restart" quiet docker restart -t 1 svc
check_eq "... running" "$(docker inspect -f '{{.State.Status}}' svc)" running
check "docker kill" quiet docker kill svc
check_eq "... killed (137)" "$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' svc)" "exited 137"
check_eq "svc's three creates each recorded as allowed" "$(jq -r 'select(.name == "svc") | .decision' "$DECISIONS" | sort | uniq -c | tr -s ' ')" " 3 allow"
check "docker rm -f" quiet docker rm -f svc

# health: wait on dockerd's own event, not a poll
docker run -d "${NET[@]}" --name hc --health-cmd true --health-interval 1s --health-start-period 0s \
        edgeguard-test/native:1 sleep 1000 >/dev/null
exec {events}< <(exec timeout 60 "$DOCKER" events --since 0 --filter container=hc \
        --filter event=health_status --format '{{.Action}}')
events_pid=$!
health=""
read -r -u "$events" health || true
kill "$events_pid" 2>/dev/null
exec {events}<&-
check_eq "healthcheck (docker exec by dockerd): healthy" "$health" "health_status: healthy"
check "docker rm -f a running container" quiet docker rm -f hc

# ---- a module built for another architecture
out=$(docker run "${NET[@]}" --name foreign-mod edgeguard-test/foreign:1 uname -m 2>&1)
check_eq "foreign: docker run fails" "$?" 125
check_contains "... the daemon's error holds edgeguard's reason" "$out" "OCI runtime create failed: edgeguard: refused container"
check_contains "... naming the module and the image" "$out" "(name foreign-mod, image edgeguard-test/foreign:1)"
check_contains "... the architecture found" "$out" "/bin/uname is linux/$FOREIGN"
check_contains "... and the host" "$out" "this host is linux/$NATIVE"
rec=$(record_of foreign-mod)
check_eq "... the record: moby's declared platform and the detected one" \
        "$(jq -r '[.decision, .rule, .declared.arch, .declared.source, .detected.arch, .image_id] | join(",")' <<<"$rec")" \
        "refuse,arch,$FOREIGN,moby image config,$FOREIGN,$(docker image inspect -f '{{.Id}}' edgeguard-test/foreign:1)"
id=$(docker inspect -f '{{.Id}}' foreign-mod)
check_eq "... no process ever started" "$(docker inspect -f '{{.State.Pid}} {{.State.StartedAt}}' foreign-mod)" "0 0001-01-01T00:00:00Z"
check "... and runc never created it" bash -c "! runc --root '$RUNC_ROOT' state '$id' >/dev/null 2>&1"

# ---- labels that lie
out=$(docker run "${NET[@]}" --name liar edgeguard-test/label-native-holds-foreign:1 uname -m 2>&1)
check_eq "labelled $NATIVE, holding $FOREIGN: refused" "$?" 125
check_contains "... the disagreement named" "$out" \
        "Its metadata is wrong too: the image declares linux/$NATIVE (moby image config) but /bin/uname is linux/$FOREIGN"
out=$(docker run --rm "${NET[@]}" --name honest-binary edgeguard-test/label-foreign-holds-native:1 uname -m 2>/dev/null)
check_eq "labelled $FOREIGN, holding $NATIVE: runs (the binary decides)" "$out" "$HOST_MACHINE"
check_eq "... its record names the disagreement" \
        "$(record_of honest-binary | jq -r '[.decision, .rules.metadata.result, .rules.metadata.detail] | join(",")')" \
        "allow,fail,the image declares linux/$FOREIGN (moby image config) but /bin/uname is linux/$NATIVE"
check_eq "... dockerd's own network hook is recorded and allowed" \
        "$(record_of honest-binary | jq -r '[.rules.hooks.result, .hooks[0].kind, .hooks[0].arg0, (.hooks[0].program | endswith("/dockerd"))] | map(tostring) | join(",")')" \
        "pass,prestart,libnetwork-setkey,true"
check_eq "... and its start was verified against what create judged" \
        "$(jq -r --arg id "$(record_of honest-binary | jq -r .id)" 'select(.verb == "start" and .id == $id) | .decision' "$DECISIONS")" allow
out=$(docker run "${NET[@]}" --name script-mod edgeguard-test/foreign-interpreter:1 2>&1)
check_eq "a script with a $FOREIGN interpreter: refused" "$?" 125
check_contains "... naming the interpreter" "$out" "/opt/$FOREIGN/busybox (the #! interpreter of /app/start.sh) is linux/$FOREIGN"

# ---- a restart loop: edgeAgent starts a refused module again and again
docker create "${NET[@]}" --name crashloop edgeguard-test/foreign:1 >/dev/null 2>&1
fails=0
for _ in $(seq 1 50); do docker start crashloop >/dev/null 2>&1 || fails=$((fails + 1)); done
check_eq "50 starts of a refused module: 50 refusals" "$fails" 50
lines=$(jq -c 'select(.name == "crashloop")' "$DECISIONS")
check_eq "... 6 decision lines (the 1st, 2nd, 4th, 8th, 16th, 32nd)" "$(wc -l <<<"$lines")" 6
check_eq "... the last says how many so far" "$(tail -n 1 <<<"$lines" | jq -r '[.repeat.count, .repeat.unlogged] | join(",")')" "32,15"
check_eq "... and every line stands for its refusals" "$(jq -s 'map(1 + (.repeat.unlogged // 0)) | add' <<<"$lines")" 32
check_eq "... the table beside the log holds all 50" "$(awk '$2 == 50' "$DECISIONS.repeats" | wc -l)" 1
check_contains "... and the 50th start still told the user why" "$(docker start crashloop 2>&1)" "edgeguard: refused container"

# ---- emulation: qemu-user-static registered here, then removed
if [[ $FOREIGN == arm64 ]]; then
        binfmt_before=$(binfmt_state)
        if binfmt_register_aarch64; then
                out=$(docker run --rm "${NET[@]}" --name emu edgeguard-test/foreign:1 uname -m 2>&1)
                check_contains "arm64 with qemu registered: refused by default (rule emulation)" "$out" "[rule emulation]"
                policy '{allow_emulation: true}'
                out=$(docker run --rm "${NET[@]}" --name emu edgeguard-test/foreign:1 uname -m 2>/dev/null)
                check_eq "... with allow_emulation it runs, under qemu" "$out" aarch64
                policy
                binfmt_restore
                check_eq "... the host's binfmt_misc state is restored" "$(binfmt_state)" "$binfmt_before"
        fi
else
        not_ok "emulation checks need an amd64 host (this is $NATIVE)"
fi

# ---- privilege: --privileged, --cap-add and seccomp=unconfined under a strict policy
policy '{privileged: "refuse", capabilities: "docker-default", seccomp_required: true,
         exceptions: [{name: "debug-*", rules: ["privileged", "capabilities", "seccomp"], reason: "field debugging"},
                      {name: "hub", capabilities: ["CAP_SYS_ADMIN"], reason: "mounts its store"}]}'
check_eq "strict policy: a module with docker's defaults runs" "$(docker run --rm "${NET[@]}" --name plain edgeguard-test/native:1 echo fine 2>&1)" fine
out=$(docker run --rm "${NET[@]}" --privileged --name priv-mod edgeguard-test/native:1 true 2>&1)
check_eq "docker run --privileged: refused" "$?" 125
check_contains "... the reason says privileged and what made it so" "$out" "edgeguard: refused container"
check_contains "... every capability" "$out" "privileged: it holds every capability"
check_contains "... every device" "$out" "every device is allowed (the device cgroup is allow-by-default after linux.resources.devices[0])"
check_contains "... [rule privileged]" "$out" "[rule privileged]"
check_eq "... the record's privileged rule names each setting" \
        "$(record_of priv-mod | jq -r '[.decision, .rule, (.rules.privileged.detail | test("no seccomp filter, no masked paths, no read-only paths, /sys writable"))] | join(" ")')" \
        "refuse privileged true"
check_contains "... and the record's capabilities rule names the extra ones" "$(record_of priv-mod | jq -r .rules.capabilities.detail)" "CAP_SYS_MODULE"

# For an excepted name, whether it may run is the policy's; whether runc can
# grant every capability is a fact: the bounding set dockerd was given.  This
# machine kind runs without CAP_SYS_RESOURCE, and runc would then fail in its
# own opaque words, so edgeguard refuses it as a certain failure, exception
# or not.
out=$(docker run --rm "${NET[@]}" --privileged --name debug-shell edgeguard-test/native:1 echo inside 2>&1)
rc=$?
bounding=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
if (( (16#$bounding & 16#3fffffffff) == 16#3fffffffff )); then
        check_eq "--privileged for the excepted module debug-shell: allowed" \
                "$(record_of debug-shell | jq -r '[.decision, .rules.privileged.action, .rules.privileged.exception] | join(" ")')" \
                "allow excepted field debugging"
        check_eq "... and it runs (every capability is in dockerd's bounding set)" "$rc $out" "0 inside"
else
        check_eq "--privileged for the excepted module debug-shell, CapBnd $bounding: refused" "$rc" 125
        check_contains "... as what runc would certainly fail on" "$out" \
                "not in the bounding set runc inherits from the engine: runc would fail with \"unable to apply caps: operation not permitted\""
        check_contains "... [rule certain_failure]" "$out" "[rule certain_failure]"
        check_eq "... recorded, the exception for privileged noted" \
                "$(record_of debug-shell | jq -r '[.decision, .rule, .rules.privileged.action] | join(" ")')" \
                "refuse certain_failure excepted"
fi

out=$(docker run --rm "${NET[@]}" --cap-add SYS_ADMIN --name capmod edgeguard-test/native:1 true 2>&1)
check_eq "docker run --cap-add SYS_ADMIN: refused" "$?" 125
check_contains "... naming the capability" "$out" "CAP_SYS_ADMIN is beyond the allow-list [rule capabilities]"
check_eq "... recorded" "$(record_of capmod | jq -r '[.decision, .rule, .rules.capabilities.detail] | join(" | ")')" \
        "refuse | capabilities | CAP_SYS_ADMIN is beyond the allow-list"
eff=$(docker run --rm "${NET[@]}" --cap-add SYS_ADMIN --name hub edgeguard-test/native:1 grep CapEff /proc/self/status 2>&1)
check_contains "--cap-add SYS_ADMIN for hub, whose exception adds it: runs" "$eff" "CapEff:"
check_eq "... holding CAP_SYS_ADMIN (bit 21)" "$(( 16#${eff##*[[:space:]]} >> 21 & 1 ))" 1
check_contains "... recorded as within the list and what the exception adds" "$(record_of hub | jq -r .rules.capabilities.detail)" \
        "CAP_SYS_ADMIN, CAP_MKNOD, CAP_AUDIT_WRITE, CAP_SETFCAP), all within the allow-list and what the exception \"mounts its store\" adds"

out=$(docker run --rm "${NET[@]}" --security-opt seccomp=unconfined --name unconfined-mod edgeguard-test/native:1 true 2>&1)
check_eq "docker run --security-opt seccomp=unconfined with seccomp_required: refused" "$?" 125
check_contains "... saying so" "$out" "no seccomp filter (no linux.seccomp: seccomp=unconfined or --privileged) [rule seccomp]"
policy
check_eq "... without seccomp_required it runs" "$(docker run --rm "${NET[@]}" --security-opt seccomp=unconfined --name unconfined-mod edgeguard-test/native:1 echo ran 2>&1)" ran
check_eq "... and the record notes it" "$(record_of unconfined-mod | jq -r '[.decision, .rules.seccomp.action] | join(" ")')" "allow note"

# ---- a policy that cannot be read: refuse creates, never stop a running module
docker run -d "${NET[@]}" --name keeper edgeguard-test/native:1 sleep 1000 >/dev/null
echo '{"mode": ' >"$D/policy.json"
out=$(docker run --rm "${NET[@]}" edgeguard-test/native:1 true 2>&1)
check_contains "a corrupt policy refuses docker run" "$out" "policy file $D/policy.json"
check "... but docker stop goes through" quiet docker stop -t 1 keeper
check "... and docker rm" quiet docker rm keeper
policy

dockerd_stop
check_eq "stopping leaves no process behind" "$(pgrep -f -- "$D/" || true)" ""
check_eq "... /run/containerd as it was (containerd's fixed shim socket directory)" "$(ls -A /run/containerd 2>&1)" "$shared_before"
check_eq "... and no mount" "$(grep -cF "$D" /proc/self/mountinfo)" 0
finish
