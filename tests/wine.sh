# shellcheck shell=bash
# Shared by the tests/windows_*_test.sh suites (after lib.sh): a private wine
# prefix for the suite under $T, copied from a template that is made once
# per build tree (build/windows/wine-prefix: `wineboot -i` takes about 20 s
# here, a copy about 1 s), no display, no debug channels; every wine process
# of the prefix is killed at exit (wineserver -k), however the suite ends.
WIN=$TOP/build/windows
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
if ! command -v wine >/dev/null || [[ ! -x $WIN/edgeguard-authz.exe ]]; then
        not_ok "wine and build/windows/edgeguard-authz.exe are there (apt-get install wine wine64; make windows)"
        finish
fi
wine_template() {
        local tpl=$WIN/wine-prefix
        [[ -e $tpl/.complete ]] && return 0
        rm -rf "$tpl"
        # Windows 10 (10.0.19043 in wine 8), not the prefix's default 6.1: a
        # Windows container host is 10.0.BUILD
        WINEPREFIX=$tpl wineboot -i >/dev/null 2>&1 &&
                WINEPREFIX=$tpl wine reg add 'HKCU\Software\Wine' /v Version /d win10 /f >/dev/null 2>&1 &&
                WINEPREFIX=$tpl wineserver -w && touch "$tpl/.complete"
}
if ! wine_template; then
        not_ok "a wine prefix template (wineboot -i in $WIN/wine-prefix)"
        finish
fi
export WINEPREFIX=$T/wine
cp -a "$WIN/wine-prefix" "$WINEPREFIX"
on_exit 'WINEPREFIX=$T/wine wineserver -k 2>/dev/null'
# wait_for SECONDS CMD...: until CMD succeeds (a condition, polled), or fail
wait_for() {
        local deadline=$((SECONDS + $1))
        shift
        until "$@"; do
                ((SECONDS < deadline)) || return 1
                sleep 0.1
        done
}
