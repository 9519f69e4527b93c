#!/usr/bin/env bash
# containerd.sh start DIR | stop DIR: a private containerd (root, state and
# sockets in DIR, its own config, the CRI plugin off) for `ctr run
# --runc-binary edgeguard`.  Its environment points edgeguard at
# DIR/policy.json (written unless it exists; decision log in DIR).
#
#   start DIR   returns once containerd says READY=1; DIR/env holds
#               CONTAINERD_ADDRESS and CONTAINERD_NAMESPACE for ctr.
#   stop DIR    stops containerd, kills shims left, unmounts and removes DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
CONTAINERD=${CONTAINERD:-/usr/bin/containerd}
HELPERS=${HELPERS:-$here/build/helpers}
# shellcheck source=hack/daemon-lib.sh
source "$here/hack/daemon-lib.sh"

die() { echo "containerd.sh: $*" >&2; exit 1; }

start() {
        local dir=$1
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
        cat >"$dir/env" <<EOF
export CONTAINERD_ADDRESS=$dir/containerd.sock
export CONTAINERD_NAMESPACE=edgeguard-test
EOF
        env -u NOTIFY_SOCKET -u EDGEGUARD_DECISION_LOG -u EDGEGUARD_RUNC \
                EDGEGUARD_POLICY="$dir/policy.json" \
                "$HELPERS/sd_notify_wait" 60 "$dir/containerd.log" -- \
                "$CONTAINERD" --config "$dir/config.toml" >"$dir/containerd.spawned" ||
                { tail -n 20 "$dir/containerd.log" >&2; die "containerd did not start"; }
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
start) [[ $# -eq 2 ]] || die "usage: containerd.sh start DIR"; start "$2" ;;
stop) [[ $# -eq 2 ]] || die "usage: containerd.sh stop DIR"; stop "$2" ;;
*) die "usage: containerd.sh start|stop DIR" ;;
esac
