#!/usr/bin/env bash
# dockerd.sh start DIR | stop DIR: a private dockerd (and the containerd it
# manages) with edgeguard registered as a runtime and as the default one.
# Everything lives in DIR: socket, data root, exec root, pid file, its own
# daemon.json (never /etc/docker/daemon.json), policy and decision log.
# No bridge and no iptables: containers use --network none.
#
#   start DIR   writes DIR/policy.json unless it exists (decision log in DIR,
#               docker_root DIR/data), starts dockerd with EDGEGUARD_POLICY
#               pointing at it, and returns once dockerd says READY=1.
#               DIR/env holds DOCKER_HOST and DOCKER_CONFIG for the client.
#   stop DIR    removes every container, stops dockerd and its containerd,
#               kills any shim left, unmounts everything under DIR and
#               removes DIR.  Safe to call twice, and after a failed start.
#
# Environment: AUTHZ_PLUGIN (an authorization plugin's name for daemon.json's
# "authorization-plugins"; the caller serves it), EDGEGUARD (default: ./edgeguard of this tree), DOCKERD
# (/usr/sbin/dockerd), DOCKER (/usr/bin/docker: Debian's client, which
# speaks dockerd 20.10's API), HELPERS (build/helpers).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
EDGEGUARD=${EDGEGUARD:-$here/edgeguard}
DOCKERD=${DOCKERD:-/usr/sbin/dockerd}
DOCKER=${DOCKER:-/usr/bin/docker}
HELPERS=${HELPERS:-$here/build/helpers}

die() { echo "dockerd.sh: $*" >&2; exit 1; }

# shellcheck source=hack/daemon-lib.sh
source "$here/hack/daemon-lib.sh"

start() {
        local dir=$1
        [[ -x $EDGEGUARD ]] || die "$EDGEGUARD is not built (make)"
        [[ -x $DOCKERD ]] || die "$DOCKERD not found (hack/install-deps.sh installs docker.io)"
        [[ -x $HELPERS/sd_notify_wait ]] || die "$HELPERS/sd_notify_wait is not built (make)"
        mkdir -p "$dir/data" "$dir/exec" "$dir/client"
        dir=$(cd "$dir" && pwd)
        # containerd's socket lives in the exec root: unix socket paths are
        # limited to 107 bytes
        if [[ ${#dir} -gt 60 ]]; then
                die "$dir is too long a path for containerd's socket; use a shorter one"
        fi
        if [[ ! -e $dir/policy.json ]]; then
                jq -n --arg log "$dir/decisions.jsonl" --arg root "$dir/data" \
                        '{decision_log: $log, docker_root: $root}' >"$dir/policy.json"
        fi
        note_shared_dirs "$dir"
        jq -n --arg eg "$EDGEGUARD" --arg authz "${AUTHZ_PLUGIN:-}" '{
                runtimes: {edgeguard: {path: $eg}},
                "default-runtime": "edgeguard",
                bridge: "none", iptables: false, "ip-masq": false, "ip6tables": false,
                "log-level": "info"
        } + (if $authz != "" then {"authorization-plugins": [$authz]} else {} end)' >"$dir/daemon.json"
        cat >"$dir/env" <<EOF
export DOCKER_HOST=unix://$dir/docker.sock
export DOCKER_CONFIG=$dir/client
EOF
        # edgeguard's own variables would win over the policy written here
        env -u NOTIFY_SOCKET -u DOCKER_HOST -u EDGEGUARD_DECISION_LOG -u EDGEGUARD_RUNC \
                EDGEGUARD_POLICY="$dir/policy.json" \
                "$HELPERS/sd_notify_wait" 90 "$dir/dockerd.log" -- \
                "$DOCKERD" --config-file "$dir/daemon.json" --data-root "$dir/data" \
                --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
                -H "unix://$dir/docker.sock" >"$dir/dockerd.spawned" ||
                { tail -n 20 "$dir/dockerd.log" >&2; die "dockerd did not start"; }
}

stop() {
        local dir=$1 ids
        [[ -d $dir ]] || return 0
        dir=$(cd "$dir" && pwd)
        if [[ -S $dir/docker.sock ]]; then
                ids=$(timeout 60 "$DOCKER" -H "unix://$dir/docker.sock" ps -aq 2>/dev/null || true)
                if [[ -n $ids ]]; then
                        # shellcheck disable=SC2086 # one id per word
                        timeout 120 "$DOCKER" -H "unix://$dir/docker.sock" rm -f $ids >/dev/null 2>&1 || true
                fi
        fi
        # shellcheck disable=SC2046 # pids, one per word
        terminate $(cat "$dir/dockerd.spawned" "$dir/dockerd.pid" 2>/dev/null | sort -u)
        remove_tree "$dir"
}

case ${1:-} in
start) [[ $# -eq 2 ]] || die "usage: dockerd.sh start DIR"; start "$2" ;;
stop) [[ $# -eq 2 ]] || die "usage: dockerd.sh stop DIR"; stop "$2" ;;
*) die "usage: dockerd.sh start|stop DIR" ;;
esac
