#!/usr/bin/env bash
# Fetches real executables for foreign architectures from Debian 12's archive
# into a cache directory (default build/foreign), for the binary-identification
# tests.  Uses a private apt configuration under the cache: the machine's own
# apt state, architectures and sources are not touched.
#
#   hack/fetch-foreign-binaries.sh [CACHE_DIR]
#
# Result: CACHE_DIR/<debian-arch>/{busybox-static,busybox}, plus a pure-Go
# binary for the ARM variants (age, no .ARM.attributes, GOARM build string),
# plus for amd64 and arm64 the wrappers images start their program through
# (tini, tini-static, dumb-init, gosu) and musl's dynamic loader (ld-musl,
# the file /lib/ld-musl-ARCH.so.1 points at: /lib/TRIPLET/libc.so), and for
# arm64 glibc's loader (ld-linux, from libc6).
# Idempotent: an arch whose files are all present is not fetched again.
set -euo pipefail

cache=${1:-build/foreign}
archs=(amd64 i386 arm64 armhf armel ppc64el s390x mips64el)
mirror=${EDGEGUARD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm

want() { # arch -> the files the tests expect for it
        echo "$cache/$1/busybox-static $cache/$1/busybox"
        case $1 in armhf | armel | arm64) echo "$cache/$1/age" ;; esac
        case $1 in amd64 | arm64) echo "$cache/$1/tini $cache/$1/tini-static $cache/$1/dumb-init \
$cache/$1/gosu $cache/$1/ld-musl" ;; esac
        [[ $1 != arm64 ]] || echo "$cache/$1/ld-linux"
}

missing=0
for a in "${archs[@]}"; do
        for f in $(want "$a"); do [[ -s $f ]] || missing=1; done
done
[[ $missing -eq 0 ]] && exit 0

mkdir -p "$cache/apt/lists/partial" "$cache/apt/archives/partial" "$cache/apt/etc" "$cache/debs"
cache=$(cd "$cache" && pwd)
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
IFS=, arch_list="${archs[*]}"
echo "deb [arch=$arch_list signed-by=$keyring] $mirror $suite main" >"$cache/apt/etc/sources.list"
unset IFS
cat >"$cache/apt/apt.conf" <<CONF
Dir::Etc::SourceList "$cache/apt/etc/sources.list";
Dir::Etc::SourceParts "/nonexistent";
Dir::State::Lists "$cache/apt/lists";
Dir::State::status "/dev/null";
Dir::Cache "$cache/apt";
Dir::Cache::archives "$cache/apt/archives";
APT::Architecture "amd64";
APT::Architectures { $(printf '"%s"; ' "${archs[@]}") };
Acquire::Languages "none";
APT::Sandbox::User "root";
CONF
export APT_CONFIG=$cache/apt/apt.conf
apt-get -qq update

# extract ARCH PACKAGE MEMBER NAME: one file out of a .deb, without dpkg -i.
extract() {
        local arch=$1 pkg=$2 member=$3 name=$4 deb
        (cd "$cache/debs" && apt-get -qq download "$pkg:$arch")
        deb=$(ls "$cache/debs/${pkg}_"*"_$arch.deb" | head -n1)
        mkdir -p "$cache/$arch"
        dpkg-deb --fsys-tarfile "$deb" | tar -xO "$member" >"$cache/$arch/$name.tmp"
        mv "$cache/$arch/$name.tmp" "$cache/$arch/$name"
}

for a in "${archs[@]}"; do
        [[ -s $cache/$a/busybox-static ]] || extract "$a" busybox-static ./bin/busybox busybox-static
        [[ -s $cache/$a/busybox ]] || extract "$a" busybox ./bin/busybox busybox
        case $a in
        armhf | armel | arm64) [[ -s $cache/$a/age ]] || extract "$a" age ./usr/bin/age age ;;
        esac
        case $a in amd64) triplet=x86_64-linux-musl ;; arm64) triplet=aarch64-linux-musl ;; *) continue ;; esac
        [[ -s $cache/$a/tini ]] || extract "$a" tini ./usr/bin/tini tini
        [[ -s $cache/$a/tini-static ]] || extract "$a" tini ./usr/bin/tini-static tini-static
        [[ -s $cache/$a/dumb-init ]] || extract "$a" dumb-init ./usr/bin/dumb-init dumb-init
        [[ -s $cache/$a/gosu ]] || extract "$a" gosu ./usr/sbin/gosu gosu
        [[ -s $cache/$a/ld-musl ]] || extract "$a" musl "./lib/$triplet/libc.so" ld-musl
        [[ $a != arm64 || -s $cache/$a/ld-linux ]] ||
                extract "$a" libc6 ./lib/aarch64-linux-gnu/ld-linux-aarch64.so.1 ld-linux
done
