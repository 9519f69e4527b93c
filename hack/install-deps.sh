#!/usr/bin/env bash
# Installs everything edgeguard needs to build and test, from Debian 12's
# packages.  Idempotent and quiet: with everything present it changes nothing
# and does not even refresh the package lists.
set -euo pipefail

packages=(
        build-essential pkg-config clang libclang-rt-14-dev # build, ASan/UBSan
        libyajl-dev libseccomp-dev libcap-dev               # the three libraries
        runc busybox-static                                 # the real runtime, a rootfs
        qemu-user-static                                    # binfmt_misc emulation tests
        valgrind jq file                                    # tests
        clang-format cppcheck shellcheck                    # make format-check / lint
)

if [[ $(id -u) -ne 0 ]]; then
        echo "install-deps.sh: run as root (apt-get install)" >&2
        exit 1
fi

missing=()
for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
        exit 0
fi
echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
