#!/usr/bin/env bash
# Installs everything edgeguard needs to build and test, from Debian 12's
# packages.  Idempotent and quiet: with everything present it changes nothing
# and does not even refresh the package lists.
set -euo pipefail

packages=(
        build-essential pkg-config clang libclang-rt-14-dev # build, ASan/UBSan
        libyajl-dev libseccomp-dev libcap-dev               # the three libraries
        libmicrohttpd-dev                                   # edgeguard-authz's HTTP server
        runc busybox-static                                 # the real runtime, a rootfs
        qemu-user-static                                    # binfmt_misc emulation tests
        docker.io containerd                                # the engines, run privately by tests
        procps                                              # pgrep, for the engine tests
        valgrind jq file time                               # tests, make bench
        clang-format cppcheck shellcheck                    # make format-check / lint
        bats gawk dpkg-dev bsdutils                         # make peer-test: runc's own suite
        golang-go golang-github-opencontainers-runc-dev     # ... its helpers, built offline
        debhelper scdoc lintian debootstrap man-db          # make deb, man pages; tests/deb_test.sh
        python3-grpcio python3-protobuf protobuf-compiler   # tests/cri: the kubelet's CRI calls
        podman crun conmon                                  # engines: podman in front, crun behind
        libarchive-dev                                      # check --archive/--oci/--image: image layers
        zlib1g-dev libbz2-dev liblzma-dev libzstd-dev       # ... its compressors, linked statically
        skopeo umoci                                        # tests: OCI image layouts made offline
        zstd                                                # tests: a zstd-compressed docker save archive
        mingw-w64 cmake wine64 wine                         # the plugin's Windows build (hack/windows-deps.sh), tested under wine
        golang-github-docker-docker-dev                     # tests: moby's own plugin client, for Windows
        golang-github-azure-go-ansiterm-dev                 # ... its api/server for Windows (via moby/term)
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
# Installing docker.io or containerd must not start the machine's own
# daemons: tests run private ones.  Where no policy-rc.d says so already,
# one is in place for the duration of the install.
policy_rc=/usr/sbin/policy-rc.d
if [[ ! -e $policy_rc ]]; then
        printf '#!/bin/sh\n# edgeguard install-deps.sh: no service starts during the install\nexit 101\n' >"$policy_rc"
        chmod 0755 "$policy_rc"
        trap 'rm -f "$policy_rc"' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
