#!/usr/bin/env bash
# deb-chroot.sh DIR: a Debian 12 (bookworm) root in DIR, made with debootstrap
# from Debian's archive (variant minbase, plus man-db for `man -l`, runc,
# which the package recommends, logrotate, and the shared libraries the
# engine plugin links, libmicrohttpd12 and libyajl2, which the package
# depends on through ${shlibs:Depends}), for installing the package
# without touching the machine's own /usr, /etc or dpkg database.  Made once
# and kept (DIR/.complete marks a finished one and says what it holds);
# callers mount an overlay on it rather than change it, holding DIR.lock
# shared while they do, so it is never made again under them.
# EDGEGUARD_DEBIAN_MIRROR picks the mirror.
set -euo pipefail

dir=$(realpath -m "$1")
mirror=${EDGEGUARD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
include=man-db,runc,logrotate,libmicrohttpd12,libyajl2
# A root made with other packages is made again.
[[ $(cat "$dir/.complete" 2>/dev/null) == "bookworm minbase $include" ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
        echo "deb-chroot.sh: debootstrap needs root" >&2
        exit 1
fi
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock -x 9
[[ $(cat "$dir/.complete" 2>/dev/null) == "bookworm minbase $include" ]] && exit 0
# What an interrupted debootstrap left mounted goes first: rm -rf would
# descend into it.
umount_below() {
        awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r |
                while read -r m; do umount -l "$m"; done
}
umount_below
rm -rf "$dir"
started=$SECONDS
if ! debootstrap --variant=minbase --include="$include" \
        --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
        bookworm "$dir" "$mirror" >"$dir.log" 2>&1; then
        echo "deb-chroot.sh: debootstrap failed; the last lines of $dir.log:" >&2
        tail -n 20 "$dir.log" >&2
        umount_below
        exit 1
fi
# the downloaded .debs are not needed again
rm -f "$dir"/var/cache/apt/archives/*.deb
echo "deb-chroot.sh: made $dir in $((SECONDS - started)) s"
echo "bookworm minbase $include" >"$dir/.complete"
