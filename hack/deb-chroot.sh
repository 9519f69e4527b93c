#!/usr/bin/env bash
# deb-chroot.sh DIR: a Debian 12 (bookworm) root in DIR, made with debootstrap
# from Debian's archive (variant minbase, plus man-db for `man -l`, runc,
# which the package recommends, and logrotate), for installing the package
# without touching the machine's own /usr, /etc or dpkg database.  Made once
# and kept (DIR/.complete marks a finished one); callers mount an overlay on
# it rather than change it.  EDGEGUARD_DEBIAN_MIRROR picks the mirror.
set -euo pipefail

dir=$1
mirror=${EDGEGUARD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
[[ -e $dir/.complete ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
        echo "deb-chroot.sh: debootstrap needs root" >&2
        exit 1
fi
rm -rf "$dir"
mkdir -p "$(dirname "$dir")"
started=$SECONDS
if ! debootstrap --variant=minbase --include=man-db,runc,logrotate \
        --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
        bookworm "$dir" "$mirror" >"$dir.log" 2>&1; then
        echo "deb-chroot.sh: debootstrap failed; the last lines of $dir.log:" >&2
        tail -n 20 "$dir.log" >&2
        # debootstrap may leave its own mounts behind when it fails
        for m in proc sys dev/pts; do
                mountpoint -q "$dir/$m" && umount -l "$dir/$m"
        done
        exit 1
fi
# the downloaded .debs are not needed again
rm -f "$dir"/var/cache/apt/archives/*.deb
echo "deb-chroot.sh: made $dir in $((SECONDS - started)) s"
touch "$dir/.complete"
