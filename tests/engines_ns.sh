# shellcheck shell=bash
# For the suites that run crun and the engines in front of it (sourced
# before lib.sh; engines_ns_setup after it).  They run under flock /tmp/edgeguard-engines.lock in a
# private mount namespace of their own, made here by re-executing the suite,
# because:
#   - crun 1.8 refuses this machine's hybrid cgroup layout ("cgroups in
#     hybrid mode not supported, drop all controllers from cgroupv2"): the
#     namespace does without the cgroup2 mount at /sys/fs/cgroup/unified, so
#     crun and runc both see the v1 hierarchies only;
#   - podman and conmon give the runtime an environment of their own, so
#     the test's policy must be where edgeguard looks without one
#     (/etc/edgeguard/policy.json): /etc is overlaid with a scratch upper
#     layer, so the file exists only inside the namespace;
#   - /run/edgeguard (the per-container state) is a tmpfs of the suite's.
# Everything mounted goes with the namespace when the suite exits.
if [[ -z ${EDGEGUARD_ENGINES_NS:-} ]]; then
        exec flock /tmp/edgeguard-engines.lock unshare --mount --propagation private \
                env EDGEGUARD_ENGINES_NS=1 bash "$0" "$@"
fi

# engines_ns_setup SCRATCH: the mounts above; SCRATCH is a directory for
# the overlay's layers (on a tmpfs of its own: an overlay's upper layer
# cannot be on the overlay /tmp may be).
engines_ns_setup() {
        local scratch=$1
        if mountpoint -q /sys/fs/cgroup/unified; then
                umount /sys/fs/cgroup/unified || return 1
        fi
        mkdir -p "$scratch" && mount -t tmpfs engines-scratch "$scratch" || return 1
        mkdir -p "$scratch/etc-upper" "$scratch/etc-work" || return 1
        on_exit "umount -l '$scratch'"
        mount -t overlay overlay \
                -o "lowerdir=/etc,upperdir=$scratch/etc-upper,workdir=$scratch/etc-work" /etc ||
                return 1
        on_exit 'umount -l /etc'
        mkdir -p /etc/edgeguard || return 1
        if [[ ! -d /run/edgeguard ]]; then  # the machine's /run: leave it as found
                mkdir /run/edgeguard || return 1
                on_exit 'umount /run/edgeguard; rmdir /run/edgeguard'
        fi
        mount -t tmpfs engines-state /run/edgeguard
}
