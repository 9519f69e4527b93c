#!/usr/bin/env bash
# Differential: random stacks of three image layers (tests/data/layers/
# gen.py: files, directories, symlinks relative, absolute and looping,
# whiteouts, opaque directories, hard links, all colliding on a few names)
# resolved path by path through the container view three ways: over the
# tar layers (libarchive index), over the same layers unpacked as overlay2
# `diff` directories, and over the kernel's own overlay mount of those
# directories (in a private mount namespace) read as one plain rootfs.
# The kernel's answer is the truth; the other two must give it exactly.
# EDGEGUARD_LAYERS_SEED and EDGEGUARD_LAYERS_TRIALS replay or widen a run.
source "$(dirname "$0")/lib.sh"
require_root

SEED=${EDGEGUARD_LAYERS_SEED:-4242}
TRIALS=${EDGEGUARD_LAYERS_TRIALS:-20}
DUMP=$TOP/build/helpers/image_fs_dump
[[ -x $DUMP ]] || { not_ok "build/helpers/image_fs_dump is built (make integration builds it)"; finish; }

files=0
for ((k = 0; k < TRIALS; k++)); do
        s=$((SEED + k)) o=$T/t$k
        mkdir -p "$o/merged"
        if ! paths=$(python3 "$TOP/tests/data/layers/gen.py" "$s" "$o"); then
                not_ok "trial $k (seed $s): the layers are made"
                continue
        fi
        # shellcheck disable=SC2086 # paths is a word list
        kernel=$(unshare --mount --propagation private bash -c '
                mount -t overlay overlay -o "lowerdir=$1/d2:$1/d1:$1/d0" "$1/merged" || exit 1
                shift; exec "$@"' _ "$o" "$DUMP" root "$o/merged" -- $paths) ||
                { not_ok "trial $k (seed $s): the kernel's overlay mount"; continue; }
        # shellcheck disable=SC2086
        tars=$("$DUMP" tars "$o/l0.tar" "$o/l1.tar" "$o/l2.tar" -- $paths)
        # shellcheck disable=SC2086
        dirs=$("$DUMP" dirs "$o/d0" "$o/d1" "$o/d2" -- $paths)
        kernel=${kernel//"$o/merged"/}
        check_eq "trial $k (seed $s): tar layers resolve as the kernel's overlay" "$tars" "$kernel"
        check_eq "trial $k (seed $s): layer directories resolve as the kernel's overlay" "$dirs" "$kernel"
        files=$((files + $(grep -c ' -> .* 755 ' <<<"$kernel")))
        rm -rf "$o"
done
echo "# $files paths resolved to files over $TRIALS trials"
check "the trials reach files (the test is not vacuous)" test "$files" -ge "$TRIALS"
finish
