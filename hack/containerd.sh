#!/usr/bin/env bash
# containerd.sh start DIR [cri] | stop DIR: a private containerd (root, state
# and sockets in DIR, its own config) for `ctr run --runc-binary edgeguard`,
# or with `cri` for the kubelet's CRI calls.  Its environment points
# edgeguard at DIR/policy.json (written unless it exists; decision log in DIR).
#
#   start DIR       the CRI plugin off; returns once containerd says READY=1;
#                   DIR/env holds CONTAINERD_ADDRESS and CONTAINERD_NAMESPACE
#                   for ctr.
#   start DIR cri [IMAGE.tar...]
#                   the CRI plugin on, as a Kubernetes node has it: runtime
#                   handlers `runc` (the default) and `edgeguard` (BinaryName
#                   $EDGEGUARD), both with runc's state in DIR/runc;
#                   sandbox_image $SANDBOX_IMAGE (one of the IMAGEs); CNI configuration
#                   looked for in DIR/cni only, so only pods on the node's
#                   network start (no CNI set-up).  The IMAGEs (docker save
#                   archives, all platforms) are imported into the k8s.io
#                   namespace first, by containerd with the CRI plugin off:
#                   the plugin reads its images when it starts, and learns
#                   of later imports only through events it handles
#                   asynchronously, so a pod started right after an import
#                   may not find its image (it then tries to pull it).
#                   DIR/env sets ctr's namespace to k8s.io.
#   stop DIR        stops containerd, kills shims left, unmounts and removes DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
CONTAINERD=${CONTAINERD:-/usr/bin/containerd}
HELPERS=${HELPERS:-$here/build/helpers}
EDGEGUARD=${EDGEGUARD:-$here/edgeguard}
SANDBOX_IMAGE=${SANDBOX_IMAGE:-docker.io/edgeguard-test/pause:1}
# shellcheck source=hack/daemon-lib.sh
source "$here/hack/daemon-lib.sh"

die() { echo "containerd.sh: $*" >&2; exit 1; }

start() {
        local dir=$1 cri=${2:-} image
        shift 2 || shift $#
        [[ -x $CONTAINERD ]] || die "$CONTAINERD not found (hack/install-deps.sh installs containerd)"
        [[ -x $HELPERS/sd_notify_wait ]] || die "$HELPERS/sd_notify_wait is not built (make)"
        mkdir -p "$dir/root" "$dir/state"
        dir=$(cd "$dir" && pwd)
        if [[ ${#dir} -gt 70 ]]; then
                die "$dir is too long a path for containerd's sockets; use a shorter one"
        fi
        if [[ ! -e $dir/policy.json ]]; then
                jq -n --arg log "$dir/decisions.jsonl" '{decision_log: $log}' >"$dir/policy.json"
        fi
        note_shared_dirs "$dir"
        if [[ -n $cri ]]; then
                [[ -x $EDGEGUARD ]] || die "$EDGEGUARD is not built (make)"
        fi
        if [[ -z $cri || $# -gt 0 ]]; then
                cat >"$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$dir/containerd.sock"
[ttrpc]
  address = "$dir/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"
EOF
        fi
        cat >"$dir/env" <<EOF
export CONTAINERD_ADDRESS=$dir/containerd.sock
export CONTAINERD_NAMESPACE=$(if [[ -n $cri ]]; then echo k8s.io; else echo edgeguard-test; fi)
EOF
        if [[ -n $cri && $# -gt 0 ]]; then
                daemon "$dir"
                for image in "$@"; do
                        CONTAINERD_ADDRESS=$dir/containerd.sock ctr -n k8s.io images import \
                                --all-platforms "$image" >/dev/null || die "importing $image failed"
                done
                # shellcheck disable=SC2046 # pids, one per word
                terminate $(cat "$dir/containerd.spawned")
        fi
        if [[ -n $cri ]]; then
                cri_config "$dir" >"$dir/config.toml"
        fi
        daemon "$dir"
}

# daemon DIR: containerd on DIR/config.toml, until it says READY=1.
daemon() {
        local dir=$1
        env -u NOTIFY_SOCKET -u EDGEGUARD_DECISION_LOG -u EDGEGUARD_RUNC \
                EDGEGUARD_POLICY="$dir/policy.json" \
                "$HELPERS/sd_notify_wait" 60 "$dir/containerd.log" -- \
                "$CONTAINERD" --config "$dir/config.toml" >"$dir/containerd.spawned" ||
                { tail -n 20 "$dir/containerd.log" >&2; die "containerd did not start"; }
}

# The CRI plugin's configuration.  What it would put under /etc, /opt,
# /var/lib or /run/containerd is moved into DIR: runc's state (the runc
# shim's default root is /run/containerd/runc), CNI's directories (1.6
# creates conf_dir at start and watches it), the stream server on a
# loopback port of the kernel's choosing.  The CRI plugin gives a pod's
# sandbox an oom_score_adj of -998; where containerd itself cannot lower
# its own (a machine that is itself a container: runc then fails with
# "failed to update /proc/self/oom_score_adj: Permission denied"),
# restrict_oom_score_adj keeps containers at or above containerd's.
cri_config() {
        local dir=$1 cri='plugins."io.containerd.grpc.v1.cri"'
        cat <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
[grpc]
  address = "$dir/containerd.sock"
[ttrpc]
  address = "$dir/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"
[$cri]
  sandbox_image = "$SANDBOX_IMAGE"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  restrict_oom_score_adj = true
[$cri.cni]
  bin_dir = "$dir/cni/bin"
  conf_dir = "$dir/cni/net.d"
[$cri.containerd]
  default_runtime_name = "runc"
[$cri.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
[$cri.containerd.runtimes.runc.options]
  Root = "$dir/runc"
[$cri.containerd.runtimes.edgeguard]
  runtime_type = "io.containerd.runc.v2"
[$cri.containerd.runtimes.edgeguard.options]
  BinaryName = "$EDGEGUARD"
  Root = "$dir/runc"
EOF
}

stop() {
        local dir=$1
        [[ -d $dir ]] || return 0
        dir=$(cd "$dir" && pwd)
        # shellcheck disable=SC2046 # pids, one per word
        terminate $(cat "$dir/containerd.spawned" 2>/dev/null)
        remove_tree "$dir"
}

case ${1:-} in
start)
        [[ $# -eq 2 || ($# -ge 3 && $3 == cri) ]] || die "usage: containerd.sh start DIR [cri [IMAGE.tar...]]"
        shift
        start "$@"
        ;;
stop) [[ $# -eq 2 ]] || die "usage: containerd.sh stop DIR"; stop "$2" ;;
*) die "usage: containerd.sh start DIR [cri [IMAGE.tar...]] | stop DIR" ;;
esac
