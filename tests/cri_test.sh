#!/usr/bin/env bash
# Kubernetes' path: a private containerd 1.6 with its CRI plugin
# (hack/containerd.sh start DIR cri) and a runtime handler `edgeguard`, driven
# over the CRI v1 gRPC API the way the kubelet drives it (tests/cri/cri.py):
# RunPodSandbox with runtime_handler (what a RuntimeClass selects),
# CreateContainer, StartContainer, ContainerStatus, StopContainer,
# RemoveContainer, StopPodSandbox, RemovePodSandbox.  Pods use the node's
# network, so no CNI is set up.
source "$(dirname "$0")/lib.sh"
require_root

C=$T/c
shared_before=$(ls -A /run/containerd 2>&1)
netns_before=$(ls -A /run/netns 2>&1)
containerd_stop() { "$TOP/hack/containerd.sh" stop "$C"; }
on_exit containerd_stop
"$TOP/hack/test-images.sh" "$T/images"
read -r NATIVE FOREIGN <"$T/images/platforms"
images=()
for image in native edgeguard-test_foreign_1 edgeguard-test_pause_1; do
        images+=("$T/images/$image.tar")
done
if ! "$TOP/hack/containerd.sh" start "$C" cri "${images[@]}"; then
        not_ok "the private containerd with its CRI plugin starts (hack/containerd.sh start DIR cri)"
        finish
fi
# shellcheck source=/dev/null
source "$C/env"
unset EDGEGUARD_DECISION_LOG
DECISIONS=$C/decisions.jsonl
RUNC_STATE=$C/runc/k8s.io # the handlers' Root, then the namespace

# The CRI client: the request on stdin, the response on stdout, a gRPC
# error as "CODE: DETAILS" on stderr.  Debian's python3, not another one
# on PATH, has python3-grpcio.
mkdir -p "$T/pb" "$T/logs"
if ! protoc --python_out="$T/pb" -I "$TOP/tests/cri" "$TOP/tests/cri/api.proto"; then
        not_ok "protoc compiles tests/cri/api.proto (protobuf-compiler)"
        finish
fi
cri() { PYTHONPATH=$T/pb /usr/bin/python3 "$TOP/tests/cri/cri.py" "$CONTAINERD_ADDRESS" "$@"; }
check_eq "the CRI v1 API answers" "$(echo '{}' | cri Version | jq -r .runtimeApiVersion)" v1

check_eq "the images are in the CRI plugin's namespace" "$(ctr images ls -q | grep -c edgeguard-test/)" 3

# What the kubelet sends: the pod's metadata, a log directory, and for a
# pod with hostNetwork the node's network namespace and no hostname (the
# kubelet leaves it empty there: runc cannot set one without a UTS
# namespace of the pod's own).
sandbox_config() { # NAME NAMESPACE
        jq -cn --arg name "$1" --arg ns "$2" --arg logs "$T/logs/$2_$1" '{
                metadata: {name: $name, namespace: $ns, uid: ("uid-" + $ns + "-" + $name), attempt: 0},
                logDirectory: $logs,
                linux: {securityContext: {namespaceOptions: {network: "NODE", pid: "CONTAINER"}}}
        }'
}
run_pod() { # SANDBOX_CONFIG HANDLER: the pod's id
        jq -cn --argjson config "$1" --arg handler "$2" '{config: $config, runtimeHandler: $handler}' |
                cri RunPodSandbox | jq -r .podSandboxId
}
create() { # POD SANDBOX_CONFIG NAME ATTEMPT IMAGE ARGS...: the container's id
        local pod=$1 sb=$2 name=$3 attempt=$4 image=$5
        shift 5
        jq -cn --arg pod "$pod" --argjson sb "$sb" --arg name "$name" --argjson attempt "$attempt" \
                --arg image "$image" --argjson cmd "$(printf '%s\n' "$@" | jq -R . | jq -sc .)" '{
                podSandboxId: $pod, sandboxConfig: $sb,
                config: {metadata: {name: $name, attempt: $attempt}, image: {image: $image},
                         command: $cmd, logPath: ($name + "/" + ($attempt | tostring) + ".log"),
                         linux: {securityContext: {namespaceOptions: {network: "NODE", pid: "CONTAINER"}}}}
        }' | cri CreateContainer | jq -r .containerId
}
on_id() { jq -cn --arg id "$2" "{$1: \$id}"; }
start() { on_id containerId "$1" | cri StartContainer >/dev/null; }
status() { on_id containerId "$1" | cri ContainerStatus; }
remove() { on_id containerId "$1" | cri RemoveContainer >/dev/null; }
stop() { on_id containerId "$1" | cri StopContainer >/dev/null; }
stop_pod() { on_id podSandboxId "$1" | cri StopPodSandbox >/dev/null; }
remove_pod() { on_id podSandboxId "$1" | cri RemovePodSandbox >/dev/null; }
not() { ! "$@"; }
# the create's record (a start writes one of its own: the start check)
record() { jq -c --arg id "$1" 'select(.id == $id and .verb == "create")' "$DECISIONS"; }
start_record() { jq -c --arg id "$1" 'select(.id == $id and .verb == "start")' "$DECISIONS"; }
task_running() { ctr task ls -q | grep -qxF "$1"; }
in_runc() { runc --root "$RUNC_STATE" list -q 2>/dev/null | grep -qxF "$1"; }

# ---- a pod under the edgeguard handler; the sandbox goes through edgeguard
SB=$(sandbox_config sensor edge)
pod=$(run_pod "$SB" edgeguard)
check "RunPodSandbox with runtime_handler edgeguard" test -n "$pod"
[[ -n $pod ]] || finish
check_eq "the sandbox (pause) container went through edgeguard and was allowed, named by pod and namespace" \
        "$(record "$pod" | jq -r '[.decision, .pod, .namespace, .verb] | join(",")')" "allow,sensor,edge,create"
check "... and its task runs" task_running "$pod"

app=$(create "$pod" "$SB" app 0 docker.io/edgeguard-test/native:1 /bin/sleep 1000)
check "native: CreateContainer" test -n "$app"
check "native: StartContainer" start "$app"
check_eq "... ContainerStatus: running" "$(status "$app" | jq -r .status.state)" CONTAINER_RUNNING
check_eq "... the start check found what create judged" "$(start_record "$app" | jq -r .decision)" allow
check_eq "... its record names pod, namespace, container and image" \
        "$(record "$app" | jq -r '[.decision, .pod, .namespace, .name, .image] | join(",")')" \
        "allow,sensor,edge,app,docker.io/edgeguard-test/native:1"

# ---- an image built for the other architecture, one manifest, no index:
# containerd's CRI runs it whatever its config says.  CreateContainer only
# stores metadata and a snapshot; runc create (the verb edgeguard judges)
# comes with the task, in StartContainer.
bad=$(create "$pod" "$SB" reader 0 docker.io/edgeguard-test/foreign:1 /bin/uname -m)
check "foreign: CreateContainer succeeds (no runtime runs yet)" test -n "$bad"
check "... no edgeguard record yet" test -z "$(record "$bad")"
err=$(start "$bad" 2>&1)
check_eq "foreign: StartContainer fails" "$?" 1
check_contains "... the CRI error carries edgeguard's reason, naming container and image" "$err" \
        "OCI runtime create failed: edgeguard: refused container \"$bad\" (name reader, image docker.io/edgeguard-test/foreign:1): /bin/uname is linux/$FOREIGN"
check_contains "... naming the host" "$err" "this host is linux/$NATIVE"
check_contains "... advice for Kubernetes: the manifest list, not docker pull" "$err" \
        "its manifest list must offer linux/$NATIVE for this node"
case $err in *"docker pull"*) not_ok "... no docker pull under CRI" "$err" ;; *) ok "... no docker pull under CRI" ;; esac
echo "# the CRI error: $err"
st=$(status "$bad")
check_eq "... ContainerStatus: exited, StartError" "$(jq -r '[.status.state, .status.reason] | join(",")' <<<"$st")" \
        "CONTAINER_EXITED,StartError"
check_contains "... its message is edgeguard's reason" "$(jq -r .status.message <<<"$st")" \
        "edgeguard: refused container \"$bad\" (name reader,"
check "... no task runs" not task_running "$bad"
check "... no runc container" not in_runc "$bad"
check_eq "... recorded: refused on rule arch, with pod, namespace, container and image" \
        "$(record "$bad" | jq -r '[.decision, .rule, .pod, .namespace, .name, .image] | join(",")')" \
        "refuse,arch,sensor,edge,reader,docker.io/edgeguard-test/foreign:1"
check "RemoveContainer of the refused container" remove "$bad"

# ---- the same image under the default handler (runc): what edgeguard replaces
SBR=$(sandbox_config sensor-runc edge)
podr=$(run_pod "$SBR" "")
check "RunPodSandbox with the default handler" test -n "$podr"
check "... edgeguard is not called for it" test -z "$(record "$podr")"
plain=$(create "$podr" "$SBR" reader 0 docker.io/edgeguard-test/foreign:1 /bin/uname -m)
err=$(start "$plain" 2>&1)
echo "# runc handler, StartContainer: ${err:-succeeded}"
st=$(status "$plain")
echo "# runc handler, ContainerStatus: $(jq -c '.status | {state, reason, message, exitCode}' <<<"$st")"
check_eq "runc handler: StartContainer succeeds" "$err" ""
check_eq "... the container exits with status 1" "$(jq -r '[.status.state, .status.exitCode] | join(",")' <<<"$st")" \
        "CONTAINER_EXITED,1"
check_contains "... its log (kubectl logs) says exec format error" \
        "$(cat "$T/logs/edge_sensor-runc/reader/0.log" 2>&1)" "exec format error"
echo "# runc handler, the container's log: $(cat "$T/logs/edge_sensor-runc/reader/0.log" 2>&1)"
remove "$plain"

# ---- a kubelet-style restart loop: each attempt a new container (the
# attempt number in its metadata), started, the failed one removed, and a
# back-off before the next that doubles up to a cap, as the kubelet's (10 s
# doubling to 5 min) scaled down a thousandfold to stay within CI's time.
SBL=$(sandbox_config loop edge)
podl=$(run_pod "$SBL" edgeguard)
refused=0 wait_ms=10
for attempt in $(seq 0 29); do
        c=$(create "$podl" "$SBL" crash "$attempt" docker.io/edgeguard-test/foreign:1 /bin/uname -m)
        if ! start "$c" 2>"$T/err" && grep -qF "edgeguard: refused container \"$c\" (name crash," "$T/err"; then
                refused=$((refused + 1))
        fi
        remove "$c"
        sleep "$(printf '0.%03d' "$wait_ms")" # the back-off itself, not a synchronisation
        wait_ms=$((wait_ms * 2 > 300 ? 300 : wait_ms * 2))
done
check_eq "restart loop: all 30 attempts refused, each with edgeguard's reason" "$refused" 30
lines=$(jq -c 'select(.pod == "loop" and .name == "crash")' "$DECISIONS")
check_eq "... 5 log lines for 30 refusals" "$(wc -l <<<"$lines")" 5
check_eq "... counting 1 2 4 8 16" "$(jq -r '.repeat.count // 1' <<<"$lines" | tr '\n' ' ')" "1 2 4 8 16 "
check_eq "... each line counts those it stands for" "$(jq -s 'map(1 + (.repeat.unlogged // 0)) | add' <<<"$lines")" 16
check_eq "... the table beside the log holds all 30" "$(awk '$2 == 30' "$DECISIONS.repeats" | wc -l)" 1
check_eq "... no task left from the loop: the three sandboxes and app" "$(ctr task ls -q | sort | tr '\n' ' ')" \
        "$(printf '%s\n' "$pod" "$podr" "$podl" "$app" | sort | tr '\n' ' ')"

# ---- taking everything down as the kubelet does
check "StopContainer" stop "$app"
check_eq "... exited" "$(status "$app" | jq -r .status.state)" CONTAINER_EXITED
check "RemoveContainer" remove "$app"
for p in "$pod" "$podr" "$podl"; do
        check "StopPodSandbox ${p:0:12}" stop_pod "$p"
        check "RemovePodSandbox ${p:0:12}" remove_pod "$p"
done
check_eq "no task left" "$(ctr task ls -q | wc -l)" 0
check_eq "no runc container left" "$(runc --root "$RUNC_STATE" list -q 2>/dev/null | wc -l)" 0

containerd_stop
check_eq "stopping leaves no process behind" "$(pgrep -f -- "$C/" || true)" ""
check_eq "... /run/containerd as it was (containerd's fixed shim socket directory)" "$(ls -A /run/containerd 2>&1)" "$shared_before"
check_eq "... no network namespace (pods on the node's network)" "$(ls -A /run/netns 2>&1)" "$netns_before"
check_eq "... and no mount" "$(grep -cF "$C" /proc/self/mountinfo)" 0
finish
