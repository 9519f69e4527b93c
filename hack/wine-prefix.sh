#!/usr/bin/env bash
# wine-prefix.sh TEMPLATE DEST: makes DEST a private wine prefix, copied
# from TEMPLATE, which is made first when missing (`wineboot -i`: about
# 30 s here, once; a copy: under a second).  The copy hard-links the
# template's files, which wine only reads (the fake DLLs of drive_c: a run
# was checked to change none of the template's files), and copies the
# registry files, which wineserver rewrites.  Concurrent callers
# make the template once (flock).  No display is used (DISPLAY unset).
# The caller runs `WINEPREFIX=DEST wineserver -k` when done.
set -euo pipefail
template=${1:?usage: wine-prefix.sh TEMPLATE DEST} dest=${2:?usage: wine-prefix.sh TEMPLATE DEST}
export WINEDEBUG=-all
unset DISPLAY WAYLAND_DISPLAY
mkdir -p "$(dirname "$template")" "$dest"
exec {lock}>"$template.lock"
flock "$lock"
if [[ ! -e $template/.complete ]]; then
        rm -rf "$template"
        mkdir -p "$template"
        # wine64 alone (no wine32): wineboot's "syswow64\rundll32.exe"
        # complaint is expected and harmless
        WINEPREFIX=$template wineboot -i >/dev/null 2>&1 || true
        WINEPREFIX=$template wineserver -w
        [[ -f $template/system.reg && -d $template/drive_c/windows/system32 ]] || {
                echo "wine-prefix.sh: wineboot -i made no prefix in $template" >&2
                exit 1
        }
        touch "$template/.complete"
fi
# another file system: a plain copy (about 700 MB, seconds)
cp -al "$template/." "$dest/" 2>/dev/null || cp -a "$template/." "$dest/"
rm -f "$dest/.complete"
for reg in "$dest"/*.reg; do
        cp --remove-destination "$template/${reg##*/}" "$reg"
done
