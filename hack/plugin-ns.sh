#!/usr/bin/env bash
# plugin-ns.sh CMD [ARG...]: runs CMD in a private mount namespace with
# tmpfs over /run/docker/plugins and /etc/docker, where a private dockerd
# finds a private engine plugin (dockerd looks for plugins only in fixed
# directories).  The machine's own plugins and /etc/docker are never seen
# or touched; /run/docker/plugins is made (to be mounted over) only when
# missing, and removed again afterwards.  Exits with CMD's status.
set -uo pipefail
[[ $(id -u) -eq 0 ]] || { echo "plugin-ns.sh: needs root (mount namespaces)" >&2; exit 1; }
if [[ ${1:-} == --inside ]]; then
        shift
        mount -t tmpfs -o mode=0755 edgeguard-plugins /run/docker/plugins || exit 1
        mount -t tmpfs -o mode=0755 edgeguard-etc-docker /etc/docker || exit 1
        exec "$@"
fi
made=()
for d in /run/docker /run/docker/plugins /etc/docker; do
        if [[ ! -d $d ]]; then
                mkdir "$d" || exit 1
                made=("$d" "${made[@]}")
        fi
done
unshare -m --propagation private "$0" --inside "$@"
rc=$?
for d in "${made[@]}"; do rmdir "$d" 2>/dev/null || true; done
exit $rc
