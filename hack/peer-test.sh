#!/usr/bin/env bash
# peer-test.sh [WORKDIR]: runc's own integration suite (bats), from the
# source package of the runc Debian installed, run twice under a pty as
# runc's CI runs it: once against /usr/sbin/runc, once against edgeguard
# (which execs that same runc).  Fails on any test whose result differs.
#
# Nothing is downloaded but Debian's packages: the source comes through a
# private apt configuration (a deb-src line for bookworm; the system's apt
# sources are never touched), the helpers the suite runs (recvtty,
# seccompagent, sd-helper) are built from that source against Debian's Go
# -dev packages with no network, and the suite's busybox and debian images
# are made from Debian's busybox-static (plus the static ldconfig).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$here/build/peer}
EDGEGUARD=${EDGEGUARD:-$here/edgeguard}
RUNC_BIN=${RUNC_BIN:-/usr/sbin/runc}

die() { echo "peer-test.sh: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "run as root: the suite's root tests are the ones that matter"
[[ -x $EDGEGUARD ]] || die "$EDGEGUARD is not built (make)"
if dpkg-query -W -f='${Status}' criu 2>/dev/null | grep -q 'install ok installed'; then
        die "criu is installed: Debian's criu fails on this kernel, so the checkpoint tests would fail instead of skipping"
fi
version=$(dpkg-query -W -f='${Version}' runc)
mkdir -p "$work"
work=$(cd "$work" && pwd)

# ---- the source package of the installed runc
apt_dir=$work/apt
src=$work/src
if [[ ! -e $src/.done-$version ]]; then
        rm -rf "$apt_dir" "$src"
        mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$src"
        cat >"$apt_dir/sources.list" <<SOURCES
deb-src http://deb.debian.org/debian bookworm main
deb-src http://deb.debian.org/debian bookworm-updates main
deb-src http://deb.debian.org/debian-security bookworm-security main
SOURCES
        apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
                -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache::Archives=$apt_dir/archives"
                -o "APT::Sandbox::User=root")
        apt-get -qq "${apt_opts[@]}" update
        (cd "$src" && apt-get -qq "${apt_opts[@]}" source --download-only "runc=$version" >/dev/null)
        # dpkg-source applies Debian's patches: the suite as Debian ships it
        (cd "$src" && dpkg-source --no-check -x ./*.dsc tree >/dev/null)
        touch "$src/.done-$version"
fi
tree=$src/tree
suite=$tree/tests/integration

# ---- the helpers, built from that source in GOPATH mode against /usr/share/gocode
gopath=$work/gopath
if [[ ! -x $tree/contrib/cmd/seccompagent/seccompagent ]]; then
        mkdir -p "$gopath/src/github.com/opencontainers"
        ln -sfn "$tree" "$gopath/src/github.com/opencontainers/runc"
        for cmd in recvtty seccompagent sd-helper; do
                (cd "$gopath/src/github.com/opencontainers/runc" &&
                        GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOCACHE="$work/gocache" \
                        GOFLAGS='' GOPROXY=off go build -tags seccomp -o "contrib/cmd/$cmd/$cmd" "./contrib/cmd/$cmd")
        done
fi

# ---- the images, named as get-images.sh expects them, so it fetches nothing
goarch=$(go env GOARCH)
busybox_tar=$suite/testdata/busybox-$goarch.tar.xz
debian_tar=$suite/testdata/debian-$goarch.tar.xz
if [[ ! -e $debian_tar ]]; then
        rootfs=$work/rootfs
        rm -rf "$rootfs"
        # an empty /dev (a user-namespaced root cannot make it); no /proc, no
        # /sys: runc makes those mount points
        mkdir -p "$rootfs"/{bin,dev,etc,home,root,tmp,usr/bin,usr/sbin,var,lib,sbin}
        chmod 1777 "$rootfs/tmp"
        install -m 0755 /bin/busybox "$rootfs/bin/busybox"
        for applet in $(/bin/busybox --list); do
                [[ -e $rootfs/bin/$applet ]] || ln -s busybox "$rootfs/bin/$applet"
        done
        printf 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
        printf 'root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
        tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cJf "$busybox_tar" .
        # the "debian" image: the hooks test runs ldconfig in it
        install -m 0755 /sbin/ldconfig "$rootfs/sbin/ldconfig"
        : >"$rootfs/etc/ld.so.conf"
        tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cJf "$debian_tar" .
fi

# ---- the two runs
# RUNC for the second pass is edgeguard under the name runc: runc prints the
# name it was called by (argv[0], which edgeguard passes on unchanged) in
# its help, and the suite's help test expects "runc".
mkdir -p "$work/bin"
ln -sfn "$EDGEGUARD" "$work/bin/runc"
policy=$work/policy.json
# the suite's own host hooks (hooks.bats runs /bin/sh, later versions
# /bin/true and /bin/false) are allow-listed, as an operator lists theirs
printf '{"decision_log": "%s/decisions.jsonl", "hooks": ["/bin/sh", "/usr/bin/sh", "/bin/true", "/usr/bin/true", "/bin/false", "/usr/bin/false"]}\n' \
        "$work" >"$policy"
# bats's own temporary directory: the userns tests need every parent
# traversable by the container's mapped root, which a 0700 TMPDIR (tests/run
# gives each program one) is not
bats_tmp=$(mktemp -d /tmp/edgeguard-peer.XXXXXX)
chmod 0755 "$bats_tmp"
trap 'rm -rf "$bats_tmp"' EXIT
run_pass() { # NAME RUNC
        local name=$1 runc=$2
        (cd "$suite" && env -u EDGEGUARD_DECISION_LOG TMPDIR="$bats_tmp" EDGEGUARD_POLICY="$policy" EDGEGUARD_RUNC="$RUNC_BIN" \
                RUNC="$runc" script -qec "bats -t ." /dev/null) >"$work/$name.tap" 2>&1 || true
        # "ok 12 name # skip why" / "not ok 12 name": one line per test, number dropped
        sed -n -E 's/^(ok|not ok) [0-9]+ (.*)$/\1\t\2/p' "$work/$name.tap" | tr -d '\r' |
                awk -F'\t' '{r = $1; n = $2; if (n ~ / # skip/) { r = "skip"; sub(/ # skip.*/, "", n) } print n "\t" r}' |
                sort >"$work/$name.results"
}

rm -f "$work/decisions.jsonl"
start=$SECONDS
run_pass runc "$RUNC_BIN"
runc_time=$((SECONDS - start))
start=$SECONDS
run_pass edgeguard "$work/bin/runc"
edgeguard_time=$((SECONDS - start))
counts() { # NAME: "N passed, N failed, N skipped"
        awk -F'\t' '{c[$2]++} END {printf "%d passed, %d failed, %d skipped", c["ok"], c["not ok"], c["skip"]}' "$work/$1.results"
}
echo "runc $version's integration suite ($(grep -c . "$work/runc.results") tests), under a pty"
echo "  runc alone:      $(counts runc) in ${runc_time}s"
echo "  through edgeguard: $(counts edgeguard) in ${edgeguard_time}s ($(grep -c . "$work/decisions.jsonl" 2>/dev/null || echo 0) creates decided)"
# A test whose results differ runs again, alone, in both passes: some of
# runc's tests race their own helpers (the seccomp agent's socket) and lose
# under load.  Results that agree on the retry replace the first ones and
# are listed; results that still differ fail below.
rerun_one() { # NAME RUNC -> ok | not ok | skip
        local re
        re=$(printf '%s' "$1" | sed 's/[][\.*^$()+?{}|/]/\\&/g')
        (cd "$suite" && env -u EDGEGUARD_DECISION_LOG TMPDIR="$bats_tmp" EDGEGUARD_POLICY="$policy" EDGEGUARD_RUNC="$RUNC_BIN" \
                RUNC="$2" script -qec "bats -t -f '^$re\$' ." /dev/null) 2>&1 | tr -d '\r' |
                sed -n -E 's/^(ok|not ok) [0-9]+ .*# skip.*/skip/p; s/^(ok|not ok) [0-9]+ .*/\1/p' | head -n 1
}
while IFS= read -r name; do
        [[ -n $name ]] || continue
        again_runc=$(rerun_one "$name" "$RUNC_BIN")
        again_eg=$(rerun_one "$name" "$work/bin/runc")
        echo "  retried alone: $name: runc alone $again_runc, through edgeguard $again_eg"
        if [[ -n $again_runc && $again_runc == "$again_eg" ]]; then
                for f in runc edgeguard; do
                        awk -F'\t' -v n="$name" -v r="$again_runc" 'BEGIN{OFS="\t"} $1 == n {$2 = r} {print}' \
                                "$work/$f.results" >"$work/$f.results.new" && mv "$work/$f.results.new" "$work/$f.results"
                done
        fi
done < <(diff "$work/runc.results" "$work/edgeguard.results" | sed -n 's/^[<>] //p' | cut -f1 | sort -u)
failed=0
if ! diff "$work/runc.results" "$work/edgeguard.results" >"$work/differences"; then
        echo "DIFFERENT results (< runc alone, > through edgeguard):"
        grep -E '^[<>]' "$work/differences" | sed 's/^/  /'
        failed=1
fi
total=$(grep -c . "$work/runc.results" || true)
if [[ $total -lt 100 ]]; then
        echo "only $total tests ran: the suite did not run properly (see $work/runc.tap)"
        failed=1
fi
# the suite's line for tests/run: a test passes when edgeguard's result is runc's
same=$(comm -12 "$work/runc.results" "$work/edgeguard.results" | wc -l)
different=$((total - same))
if [[ $failed -ne 0 && $different -eq 0 ]]; then
        different=1
fi
echo "peer: $same passed, $different failed"
exit "$failed"
