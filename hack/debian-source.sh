#!/usr/bin/env bash
# debian-source.sh PACKAGE VERSION DEST: Debian's source package PACKAGE at
# VERSION, unpacked by dpkg-source (Debian's patches applied) into the new
# directory DEST.  The source comes through a private apt configuration
# beside DEST (DEST.apt: a deb-src line for this release, the archive the
# machine's apt uses); the machine's own apt sources and state are not
# touched.  apt checks the files against the archive's signed index.
set -euo pipefail
pkg=${1:?usage: debian-source.sh PACKAGE VERSION DEST} version=${2:?} dest=${3:?}
apt=$dest.apt
rm -rf "$apt" "$dest"
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/src"
uri=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
for s in "$suite" "$suite-updates"; do
        echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${uri:-http://deb.debian.org/debian} $s main"
done >"$apt/sources.list"
opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache::Archives=$apt/archives"
        -o APT::Sandbox::User=root)
apt-get -qq "${opts[@]}" update
(cd "$apt/src" && apt-get -qq "${opts[@]}" source --download-only "$pkg=$version" >/dev/null)
(cd "$apt/src" && dpkg-source --no-check -x ./*.dsc tree >/dev/null)
mv "$apt/src/tree" "$dest"
rm -rf "$apt"
