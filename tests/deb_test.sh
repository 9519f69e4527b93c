#!/usr/bin/env bash
# The Debian package, as an operator meets it: it builds from the tree with
# dpkg-buildpackage, lintian passes it, and installed into a throwaway
# Debian 12 root (debootstrap's, cached in build/deb-chroot; an overlay per
# run, so the cache is never changed) it runs, checks a bundle, shows its
# man pages, logs and rotates its decisions, keeps a changed policy across
# an upgrade, and is removed and purged as documented.  Nothing of the
# machine's own /usr, /etc or dpkg database is touched.
source "$(dirname "$0")/lib.sh"
require_root

PRISTINE=$TOP/build/deb-chroot/bookworm
ROOT=$T/root

# A command in the installed root, with none of this suite's environment.
in_root() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root chroot "$ROOT" "$@"; }
# The version after VERSION's last number: the "next release".
next_version() { awk -F. -v OFS=. '{ $NF = $NF + 1; print }' <<<"$1"; }

# ---- one version, in the tree and in the changelog ----
version=$(make -s --no-print-directory -C "$TOP" version)
check_eq "shim/version.h and debian/changelog give one version" \
        "$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version)" "$version"
check_eq "edgeguard check --version says it" "$("$EG" check --version)" "edgeguard $version"

# ---- --help in the usual form; by runc's name, runc's own ----
check_contains "edgeguard --help: usage first" "$("$EG" --help | head -n 1)" "usage: edgeguard "
check_contains "edgeguard check --help: usage first" "$("$EG" check --help | head -n 1)" \
        "usage: edgeguard check "
mkdir -p "$T/as-runc"
ln -s "$EG" "$T/as-runc/runc"
check_eq "--help by the name runc is runc's help" "$("$T/as-runc/runc" --help | head -n 1)" \
        "$(runc --help | head -n 1)"
check_eq "--help and nothing else lines are within 80 columns" \
        "$({ "$EG" --help; "$EG" check --help; "$EG" check --archive x --help; "$EG" why --help
                "$TOP/edgeguard-authz" --help; } 2>&1 | awk 'length > 80')" ""

# ---- every man page in the tree renders without groff warnings ----
if make -s --no-print-directory -C "$TOP" man >"$T/man.log" 2>&1; then ok "make man"; else
        not_ok "make man" "$(cat "$T/man.log")"
fi
for page in "$TOP"/build/man/*.[0-9]; do
        out=$(MANWIDTH=80 man --warnings -l "$page" 2>"$T/man.err")
        check_contains "man -l ${page##*/}: NAME" "$out" "NAME"
        check_eq "man -l ${page##*/}: no warnings" "$(cat "$T/man.err")" ""
done

# ---- the package builds, and lintian passes it ----
v2=$(next_version "$version")
started=$SECONDS
if "$TOP/hack/deb-build.sh" "$T/v1" >/dev/null; then ok "dpkg-buildpackage builds $version"; else
        not_ok "dpkg-buildpackage builds $version"
        finish
fi
echo "# package build: $((SECONDS - started)) s"
deb1=$T/v1/edgeguard_${version}_$(dpkg --print-architecture).deb
check "the .deb is named for the version" test -f "$deb1"
contents=$(dpkg-deb -c "$deb1" | awk '{ print $6 }')
for f in ./usr/sbin/edgeguard ./etc/edgeguard/policy.json ./etc/logrotate.d/edgeguard \
        ./usr/share/man/man8/edgeguard.8.gz ./usr/share/man/man5/edgeguard-policy.5.gz; do
        check_contains "the package holds $f" "$contents" "$f"
done
check_eq "the policy and the logrotate file are conffiles" "$(dpkg-deb -I "$deb1" conffiles)" \
        "/etc/edgeguard/policy.json
/etc/logrotate.d/edgeguard"
check_eq "it recommends runc" "$(dpkg-deb -f "$deb1" Recommends)" "runc"
lint=$(lintian --fail-on error,warning "$T/v1"/*.changes 2>&1)
check_eq "lintian: exit 0" "$?" 0
check_eq "lintian: no errors, no warnings" "$(grep -E '^[EW]: ' <<<"$lint")" ""

# A changelog that disagrees with shim/version.h stops the build.
cp -a "$T/v1/src" "$T/mismatch"
sed -i "1s/($version)/(9.9.9)/" "$T/mismatch/debian/changelog"
out=$(cd "$T/mismatch" && dpkg-buildpackage -us -uc -b 2>&1)
check_eq "a changelog with another version: the build fails" "$?" 2
check_contains "... saying which two disagree" "$out" \
        "debian/changelog says 9.9.9, shim/version.h says $version"
rm -rf "$T/mismatch"

started=$SECONDS
if "$TOP/hack/deb-build.sh" "$T/v2" "$v2" >/dev/null; then ok "the next version ($v2) builds"; else
        not_ok "the next version ($v2) builds"
        finish
fi
echo "# package build with a new version: $((SECONDS - started)) s"
deb2=$T/v2/edgeguard_${v2}_$(dpkg --print-architecture).deb

# ---- a throwaway root: debootstrap's, cached; an overlay on it per run ----
started=$SECONDS
if ! "$TOP/hack/deb-chroot.sh" "$PRISTINE"; then
        not_ok "a Debian 12 root made with debootstrap ($PRISTINE)"
        finish
fi
echo "# Debian root ready in $((SECONDS - started)) s (a fresh one takes about 4.5 minutes here)"
exec 8>"$PRISTINE.lock"
flock -s 8  # not made again while this suite's overlay stands on it
on_exit "exec 8>&-"
mkdir -p "$T/upper" "$T/work" "$ROOT"
mount -t overlay overlay -o "lowerdir=$PRISTINE,upperdir=$T/upper,workdir=$T/work" "$ROOT" ||
        { not_ok "overlay mount on the Debian root"; finish; }
on_exit 'umount -l "$ROOT"'
# /proc for the host's facts (cpuinfo, the bounding set); unmounted first
mount -t proc proc "$ROOT/proc" || { not_ok "mounting /proc in the root"; finish; }
on_exit 'umount -l "$ROOT/proc"'
cp "$deb1" "$deb2" "$ROOT/tmp/"

# ---- install: postinst prints what to add, and changes no engine ----
out=$(in_root dpkg -i "/tmp/$(basename "$deb1")" </dev/null 2>&1)
check_eq "dpkg -i: exit 0" "$?" 0
check_contains "postinst prints the runtime line" "$out" \
        '"runtimes": { "edgeguard": { "path": "/usr/sbin/edgeguard" } },'
check_contains "postinst prints the default-runtime line" "$out" '"default-runtime": "edgeguard"'
check "no /etc/docker written" test ! -e "$ROOT/etc/docker"
check_eq "/var/log/edgeguard: root:adm 2750" "$(stat -c '%U:%G %a' "$ROOT/var/log/edgeguard")" \
        "root:adm 2750"

check_eq "edgeguard --version is runc's" "$(in_root edgeguard --version)" "$(in_root runc --version)"
check_eq "edgeguard check --version" "$(in_root edgeguard check --version)" "edgeguard $version"
check_contains "edgeguard --help" "$(in_root edgeguard --help)" "usage: edgeguard "

# ---- check of a busybox bundle, under the shipped policy ----
"$TOP/hack/busybox-bundle.sh" "$ROOT/tmp/bundle" sleep 1000 >/dev/null
out=$(in_root edgeguard check --json /tmp/bundle)
check_eq "check of a native busybox bundle: allowed (exit 0)" "$?" 0
check_eq "... under the installed policy file" "$(jq -r .policy.source <<<"$out")" \
        "/etc/edgeguard/policy.json"
check_eq "... whose hash is the shipped file's" "$(jq -r .policy.sha256 <<<"$out")" \
        "$(sha256sum <"$TOP/dist/policy.json" | cut -d' ' -f1)"
out=$(in_root edgeguard check --json --host linux/arm64 /tmp/bundle)
check_eq "check as an arm64 host: refused (exit 1)" "$?" 1
check_eq "... by rule arch" "$(jq -r '[.decision, .rule] | join(" ")' <<<"$out")" "refuse arch"

# ---- man -l of each page, without groff warnings ----
for page in $(cd "$ROOT/usr/share/man" && ls man*/edgeguard*.gz | sed 's/\.gz$//'); do
        out=$(in_root env MANWIDTH=80 man --warnings -l "/usr/share/man/$page.gz" 2>"$T/man.err")
        check_eq "man -l $page: exit 0" "$?" 0
        check_contains "man -l $page: NAME" "$out" "NAME"
        check_eq "man -l $page: no warnings" "$(cat "$T/man.err")" ""
done
check_contains "man edgeguard-policy finds the page" "$(in_root man -P cat edgeguard-policy 2>&1)" \
        "repeat_window"

# ---- the decision log in its directory, rotated by logrotate ----
# Refusals need no runc: the policy simulates an arm64 host.
printf '{"host": "linux/arm64"}\n' >"$ROOT/tmp/arm64.json"
refuse() { in_root env EDGEGUARD_POLICY=/tmp/arm64.json edgeguard create --bundle /tmp/bundle "$1" \
        </dev/null >/dev/null 2>&1; }
LOG=$ROOT/var/log/edgeguard/decisions.jsonl
refuse looping; refuse looping; refuse looping
check_eq "decision log: 0640, group adm from its directory" "$(stat -c '%a %G' "$LOG")" "640 adm"
check_eq "3 identical refusals: 2 lines (the 3rd counted)" "$(wc -l <"$LOG")" 2
check_eq "logrotate -d accepts the package's file" \
        "$(in_root logrotate -d /etc/logrotate.d/edgeguard 2>&1 | grep -ci error)" 0
in_root logrotate -f -s /tmp/logrotate.state /etc/logrotate.d/edgeguard
check_eq "rotated: the old lines moved whole" "$(wc -l <"$LOG.1")" 2
check_eq "rotated: a new log, 0640 root:adm" "$(stat -c '%a %U:%G' "$LOG")" "640 root:adm"
refuse looping
check_eq "after rotation the repeat count goes on: 4th refusal, 1 unlogged" \
        "$(jq -c '.repeat | [.count, .unlogged]' "$LOG")" "[4,1]"
# Whole lines while creates run during rotations: every line of every file
# parses, and every one of 60 refusals (different modules) is there once.
for i in $(seq 1 60); do refuse "module-$i" & done
for i in 1 2 3; do in_root logrotate -f -s /tmp/logrotate.state /etc/logrotate.d/edgeguard; done
wait
all=$(for f in "$LOG"*; do [[ $f == *.repeats* ]] || zcat -f "$f"; done)
check_eq "every line in the rotated files is whole JSON" "$(jq -c . <<<"$all" 2>&1 >/dev/null)" ""
check_eq "all 60 concurrent refusals logged once each" \
        "$(jq -r 'select(.id | startswith("module-")) | .id' <<<"$all" | sort -u | wc -l) $(grep -c module- <<<"$all")" \
        "60 60"

# ---- upgrade: a changed policy is kept ----
sed -i 's/"repeat_window": 3600/"repeat_window": 60/' "$ROOT/etc/edgeguard/policy.json"
edited=$(sha256sum <"$ROOT/etc/edgeguard/policy.json")
out=$(timeout 300 chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin dpkg -i \
        "/tmp/$(basename "$deb2")" </dev/null 2>&1)
check_eq "dpkg -i of $v2: exit 0" "$?" 0
check_eq "upgraded" "$(in_root edgeguard check --version)" "edgeguard $v2"
check_eq "the changed policy is kept" "$(sha256sum <"$ROOT/etc/edgeguard/policy.json")" "$edited"
check_eq "no .dpkg-new or .dpkg-dist beside it" "$(ls "$ROOT/etc/edgeguard")" "policy.json"
check_eq "an upgrade does not print the set-up lines again" "$(grep -c default-runtime <<<"$out")" 0

# ---- remove: a running container is left alone; purge as documented ----
# edgeguard is static, so the installed one starts a container with this
# machine's runc under a private state directory.
bundle running host sleep 1000
EDGEGUARD_RUNC=$(command -v runc) "$ROOT/usr/sbin/edgeguard" "${G[@]}" run -d \
        --bundle "$T/running" eg-deb-test </dev/null >/dev/null 2>&1
check_eq "a container started through the package's edgeguard runs" \
        "$(runc "${G[@]}" state eg-deb-test 2>/dev/null | jq -r .status)" "running"
in_root dpkg -r edgeguard </dev/null >/dev/null 2>&1
check_eq "dpkg -r: exit 0" "$?" 0
check_eq "dpkg -r: the container still runs" \
        "$(runc "${G[@]}" state eg-deb-test 2>/dev/null | jq -r .status)" "running"
check "dpkg -r: the program is gone" test ! -e "$ROOT/usr/sbin/edgeguard"
check "dpkg -r: the policy stays" test -f "$ROOT/etc/edgeguard/policy.json"
check "dpkg -r: the decision log stays" test -f "$LOG.1"
check_eq "dpkg -r: config-files state" "$(in_root dpkg-query -W -f '${db:Status-Status}' edgeguard)" \
        "config-files"
out=$(in_root dpkg -P edgeguard </dev/null 2>&1)
check_eq "dpkg -P: exit 0" "$?" 0
check "dpkg -P: the policy is gone" test ! -e "$ROOT/etc/edgeguard"
check "dpkg -P: the decision log is kept" test -f "$LOG.1"
check_contains "dpkg -P: says where the log is kept and how to remove it" "$out" \
        "EDGEGUARD_PURGE_LOGS=yes"
in_root dpkg -i "/tmp/$(basename "$deb2")" </dev/null >/dev/null 2>&1
in_root env EDGEGUARD_PURGE_LOGS=yes dpkg -P edgeguard </dev/null >/dev/null 2>&1
check_eq "dpkg -P with EDGEGUARD_PURGE_LOGS=yes: exit 0" "$?" 0
check "... removes /var/log/edgeguard" test ! -e "$ROOT/var/log/edgeguard"
check "... and the package is gone" eval '! in_root dpkg -s edgeguard >/dev/null 2>&1'

finish
