#!/usr/bin/env bash
# The Windows build (make windows): edgeguard-authz.exe is a PE32+ console
# program for x86-64 that imports only DLLs every Windows has (libmicrohttpd,
# yajl, winpthread and libssp linked in), and the decision core's unit tests,
# cross-compiled from the same sources, print under wine exactly what they
# print on Linux.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/wine.sh"

EXE=$WIN/edgeguard-authz.exe
head=$(x86_64-w64-mingw32-objdump -p "$EXE")
check_contains "edgeguard-authz.exe: PE32+" "$head" "(PE32+)"
check_contains "... for x86-64" "$(x86_64-w64-mingw32-objdump -f "$EXE")" "file format pei-x86-64"
check_contains "... a console program" "$head" "(Windows CUI)"
imports=$(sed -n 's/^[[:space:]]*DLL Name: //p' <<<"$head" | tr 'a-z' 'A-Z' | sort | tr '\n' ' ')
check_eq "... importing only system DLLs" "$imports" "ADVAPI32.DLL KERNEL32.DLL MSVCRT.DLL WS2_32.DLL "
check_contains "... ASLR and DEP (DllCharacteristics)" "$head" "NX_COMPAT"

out=$(wine "$EXE" --version 2>&1 | tr -d '\r')
check_eq "under wine: --version" "$out" "edgeguard-authz $(make -s -C "$TOP" version)"
wine "$EXE" --listen 0.0.0.0:1 >"$T/bad.out" 2>&1
check_eq "--listen 0.0.0.0:1: a usage error (exit 2)" "$?" 2
check_contains "... naming the address" "$(tr -d '\r' <"$T/bad.out")" "not a loopback address"

# LGPL-2.1 6(a): the program relinks from build/windows/relink/ with a
# libmicrohttpd of one's own (here the one built from Debian's source)
if "$WIN/relink/relink.sh" "$WIN/sysroot/lib/libmicrohttpd.a" "$T/relinked.exe" >"$T/relink.log" 2>&1; then
        check_eq "relink.sh with another libmicrohttpd.a: a program that runs" \
                "$(wine "$T/relinked.exe" --version 2>&1 | tr -d '\r')" "edgeguard-authz $(make -s -C "$TOP" version)"
else
        not_ok "relink.sh with another libmicrohttpd.a" "$(cat "$T/relink.log")"
fi
check "... the relink directory holds libmicrohttpd's source and licence" \
        test -s "$WIN/relink/libmicrohttpd-COPYING" -a -n "$(ls "$WIN"/relink/source/libmicrohttpd_*.orig.tar.* 2>/dev/null)"

for exe in "$WIN"/tests/*_test.exe; do
        name=$(basename "$exe" .exe)
        linux=$TOP/build/tests/$name
        if [[ ! -x $linux ]]; then
                not_ok "$name: the Linux build is there to compare with ($linux)"
                continue
        fi
        (cd "$T" && wine "$exe") >"$T/$name.wine" 2>&1
        rc_wine=$?
        (cd "$T" && "$linux") >"$T/$name.linux" 2>&1
        rc_linux=$?
        tr -d '\r' <"$T/$name.wine" >"$T/$name.wine.lf"
        check_eq "$name under wine: exit $rc_linux as on Linux" "$rc_wine" "$rc_linux"
        check_eq "... $(tail -n 1 "$T/$name.linux")" "$(tail -n 1 "$T/$name.wine.lf")" "$(tail -n 1 "$T/$name.linux")"
        if diff -u "$T/$name.linux" "$T/$name.wine.lf" >"$T/$name.diff"; then
                ok "... the same output, line for line"
        else
                not_ok "... the same output, line for line" "$(head -n 20 "$T/$name.diff")"
        fi
done
finish
