#!/usr/bin/env bash
# deb-build.sh OUT [VERSION]: builds the Debian package (dpkg-buildpackage
# -us -uc -b) from a copy of this tree in OUT/src, so that the package
# build's clean step never touches the working tree; the .deb, .buildinfo
# and .changes land in OUT, the build's output in OUT/build.log.  With
# VERSION, the copy is first given that version (shim/version.h and a new
# debian/changelog entry): the upgrade test's "next release".
set -euo pipefail

out=$1 version=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"
mkdir -p "$out/src"
out=$(cd "$out" && pwd)
# The files git knows, committed or not (a deleted one is skipped).
(cd "$top" && git ls-files -z --cached --others --exclude-standard) |
        (cd "$top" && while IFS= read -r -d '' f; do
                [[ -e $f || -L $f ]] && printf '%s\0' "$f"
        done) | (cd "$top" && xargs -0 cp -a --parents -t "$out/src")
if [[ -n $version ]]; then
        sed -i "s/^#define EDGEGUARD_VERSION \".*\"\$/#define EDGEGUARD_VERSION \"$version\"/" \
                "$out/src/shim/version.h"
        {
                printf 'edgeguard (%s) unstable; urgency=medium\n\n' "$version"
                printf '  * Rebuilt as version %s.\n\n' "$version"
                printf ' -- edgeguard developers <edgeguard@example.org>  %s\n\n' "$(date -R)"
                cat "$out/src/debian/changelog"
        } >"$out/changelog" && mv "$out/changelog" "$out/src/debian/changelog"
fi
if ! (cd "$out/src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
        echo "deb-build.sh: dpkg-buildpackage failed; the last lines of $out/build.log:" >&2
        tail -n 30 "$out/build.log" >&2
        exit 1
fi
ls "$out"/*.deb
