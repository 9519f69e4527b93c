# shellcheck shell=bash
# Shared by hack/dockerd.sh and hack/containerd.sh: stopping a private
# daemon and removing everything it left under its directory.  Needs
# HELPERS (build/helpers, for pidwait: exits are waited on, not polled).

# terminate PID...: SIGTERM, then wait for the exit (SIGKILL after 60 s).
terminate() {
        local pid
        for pid in "$@"; do
                if kill -TERM "$pid" 2>/dev/null; then
                        timeout 60 "$HELPERS/pidwait" "$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
                fi
        done
}

# Processes whose command line names something in DIR: the daemon, the
# containerd it manages, shims, and whatever a test left running there.
processes_under() {
        local dir=$1 pid
        for pid in /proc/[0-9]*; do
                pid=${pid#/proc/}
                [[ $pid == "$$" ]] && continue
                if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$dir/"; then
                        echo "$pid"
                fi
        done
}

unmount_under() {
        local dir=$1 m
        # deepest first; mountinfo escapes spaces as \040
        awk -v d="$dir" '{ p = $5; gsub(/\\040/, " ", p); if (p == d || index(p, d "/") == 1) print p }' \
                /proc/self/mountinfo | sort -r | while IFS= read -r m; do
                umount -l "$m" 2>/dev/null || true
        done
}

# remove_tree DIR: kills what still runs from DIR, unmounts what is mounted
# under it (overlay rootfs, shm, netns) and removes it.
remove_tree() {
        local dir=$1 pid
        for pid in $(processes_under "$dir"); do
                kill -KILL "$pid" 2>/dev/null || true
                timeout 10 "$HELPERS/pidwait" "$pid" 2>/dev/null || true
        done
        unmount_under "$dir"
        forget_shared_dirs "$dir"
        rm -rf "$dir"
}

# containerd 1.6 puts shim sockets in /run/containerd/s and ctr its fifos in
# /run/containerd/fifo whatever its configured state directory: fixed
# paths.  note_shared_dirs DIR remembers whether /run/containerd was there
# before; forget_shared_dirs DIR removes it again, only if made here and
# only what is empty (a machine's containerd started meanwhile keeps it).
note_shared_dirs() {
        [[ -e /run/containerd ]] || touch "$1/made-run-containerd"
}
forget_shared_dirs() {
        if [[ -e $1/made-run-containerd ]]; then
                rmdir /run/containerd/s /run/containerd/fifo /run/containerd 2>/dev/null || true
        fi
}
