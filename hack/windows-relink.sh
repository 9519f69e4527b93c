#!/bin/sh
# Relinks edgeguard-authz.exe with a libmicrohttpd of your own: what
# LGPL-2.1 section 6(a) asks of a program linked statically with it.  It
# lies in build/windows/relink/ (make windows) beside the program's own
# objects (obj/), yajl (lib/), libmicrohttpd's Debian source package as
# built (source/) and both licences.
#   ./relink.sh /path/to/libmicrohttpd.a [OUTPUT.exe]
# Needs mingw-w64 (CC, default x86_64-w64-mingw32-gcc).  Build the library
# as hack/windows-deps.sh does: configure --host=x86_64-w64-mingw32
# --disable-https --enable-static --disable-shared.
set -eu
if [ $# -lt 1 ] || [ ! -f "$1" ]; then
        echo "usage: relink.sh /path/to/libmicrohttpd.a [OUTPUT.exe]" >&2
        exit 2
fi
lib=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=${2:-edgeguard-authz.exe}
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
cd "$(dirname "$0")"
"${CC:-x86_64-w64-mingw32-gcc}" -static -Wl,--gc-sections,--dynamicbase,--nxcompat,--high-entropy-va \
        -o "$out" obj/*.o obj/libcore.a "$lib" lib/libyajl_s.a -lws2_32 -lssp -lpthread
echo "relink.sh: $out"
