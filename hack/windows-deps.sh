#!/usr/bin/env bash
# Cross-builds the engine plugin's two libraries for Windows x86-64, from
# Debian 12's own source packages: libmicrohttpd (0.9.75) and yajl (2.1.0).
#   hack/windows-deps.sh [PREFIX]        (default build/windows)
# PREFIX/sysroot gets include/ and lib/ (static archives); PREFIX/src the
# unpacked sources; PREFIX/.complete is the stamp: a second run does nothing.
#
# The sources come through apt with a private source list under PREFIX (no
# deb-src is configured on the machine, and the machine's lists are left
# alone), from the archive /etc/apt/sources.list.d/debian.sources names.
#
# Licences.  yajl is ISC: its notice ships with the .exe.  libmicrohttpd is
# LGPL-2.1-or-later and is linked statically, so that the .exe imports only
# system DLLs (no DLL to place beside it or to be hijacked on the search
# path).  LGPL-2.1 section 6(a) then asks that a user can relink the program
# with a modified library: `make windows` leaves in build/windows/relink/
# the program's own object files, libmicrohttpd's source (the Debian source
# package as fetched here) and the one link command (relink.sh), and the
# release zip carries that directory with the .exe.
set -euo pipefail

prefix=${1:-build/windows}
host=x86_64-w64-mingw32
stamp=$prefix/.complete
if [[ -e $stamp ]]; then
        exit 0
fi
for tool in $host-gcc $host-ar cmake apt-get dpkg-source make; do
        if ! command -v "$tool" >/dev/null; then
                echo "windows-deps.sh: $tool is missing (apt-get install mingw-w64 cmake dpkg-dev)" >&2
                exit 1
        fi
done
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
src=$prefix/src
sysroot=$prefix/sysroot
jobs=$(nproc 2>/dev/null || echo 1)
rm -rf "$src" "$sysroot"
mkdir -p "$src" "$sysroot/include" "$sysroot/lib" "$prefix/apt/lists/partial" \
        "$prefix/apt/archives/partial"

# The archive's URL as the machine's own source list names it.
url=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null |
        grep -v security | head -n 1)
url=${url:-http://deb.debian.org/debian}
printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s bookworm main\n' \
        "$url" >"$prefix/apt/sources.list"
apt_private=(-o "Dir::Etc::SourceList=$prefix/apt/sources.list"
        -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$prefix/apt/lists"
        -o "Dir::Cache::Archives=$prefix/apt/archives"
        -o APT::Sandbox::User=root)
echo "windows-deps.sh: fetching Debian's libmicrohttpd and yajl sources from $url"
apt-get "${apt_private[@]}" -qq update
(cd "$src" && apt-get "${apt_private[@]}" -qq source --download-only libmicrohttpd yajl)
for dsc in "$src"/libmicrohttpd_*.dsc "$src"/yajl_*.dsc; do
        [[ -e $dsc ]] || { echo "windows-deps.sh: no source package $dsc" >&2; exit 1; }
        (cd "$src" && dpkg-source --no-check -x "$(basename "$dsc")" >/dev/null)
done
mhd=$(find "$src" -maxdepth 1 -type d -name 'libmicrohttpd-*' | head -n 1)
yajl=$(find "$src" -maxdepth 1 -type d -name 'yajl-*' | head -n 1)

# libmicrohttpd: plain HTTP (dockerd's tcp:// plugin address is never TLS),
# the library alone.  Its libmicrohttpd.pc omits -lws2_32: the Makefile adds it.
echo "windows-deps.sh: building $(basename "$mhd") for $host"
(
        cd "$mhd"
        ./configure -q --host=$host --prefix="$sysroot" --disable-https --enable-static \
                --disable-shared --disable-doc --disable-examples --disable-curl \
                --without-gnutls >"$prefix/mhd-configure.log" 2>&1
        make -s -j"$jobs" -C src/microhttpd >"$prefix/mhd-build.log" 2>&1
        make -s -C src/microhttpd install >>"$prefix/mhd-build.log" 2>&1
        make -s -C src/include install >>"$prefix/mhd-build.log" 2>&1
) || { echo "windows-deps.sh: libmicrohttpd failed, see $prefix/mhd-*.log" >&2; exit 1; }

# yajl: its CMakeLists' IF (WIN32) branch sets MSVC's flags (/W4, /PDB:...):
# read as MSVC-only, mingw takes the gcc branch.  Only the static library.
echo "windows-deps.sh: building $(basename "$yajl") for $host"
sed -i -e 's/^\([[:space:]]*\)IF (WIN32)/\1IF (MSVC)/' -e 's/ELSE (WIN32)/ELSE (MSVC)/' \
        -e 's/ENDIF (WIN32)/ENDIF (MSVC)/' "$yajl/CMakeLists.txt"
(
        mkdir -p "$yajl/build-mingw"
        cd "$yajl/build-mingw"
        cmake -DCMAKE_SYSTEM_NAME=Windows -DCMAKE_C_COMPILER=$host-gcc \
                -DCMAKE_RC_COMPILER=$host-windres -DCMAKE_BUILD_TYPE=Release .. \
                >"$prefix/yajl-cmake.log" 2>&1
        make -s -j"$jobs" yajl_s >"$prefix/yajl-build.log" 2>&1
) || { echo "windows-deps.sh: yajl failed, see $prefix/yajl-*.log" >&2; exit 1; }
mkdir -p "$sysroot/include/yajl"
cp "$yajl"/src/api/*.h "$sysroot/include/yajl/"
cp "$(find "$yajl/build-mingw" -name yajl_version.h | head -n 1)" "$sysroot/include/yajl/"
cp "$(find "$yajl/build-mingw" -name 'libyajl_s.a' | head -n 1)" "$sysroot/lib/libyajl_s.a"
cp "$yajl/COPYING" "$sysroot/yajl-COPYING"
cp "$mhd/COPYING" "$sysroot/libmicrohttpd-COPYING"
touch "$stamp"
echo "windows-deps.sh: done, in $sysroot"
