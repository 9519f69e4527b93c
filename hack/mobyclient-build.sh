#!/usr/bin/env bash
# mobyclient-build.sh OUTDIR: builds tests/mobyclient (moby 20.10's plugin
# discovery, API server, authorization middleware and client as the engine
# plugin's client) for Linux (OUTDIR/mobyclient) and Windows x86-64
# (OUTDIR/mobyclient.exe), offline, in GOPATH mode, from Debian's Go -dev
# packages under /usr/share/gocode (hack/install-deps.sh installs them).
#
# What Debian's binary packages lack for GOOS=windows:
#  - golang.org/x/sys/windows: golang-golang-x-sys-dev leaves it out
#    (its debian/rules: DH_GOLANG_EXCLUDES := plan9 windows), but Debian's
#    SOURCE package of the same version has it.  It is taken from there
#    (hack/debian-source.sh: a private apt configuration, the machine's is
#    not touched), once (a stamp).
#  - github.com/Microsoft/go-winio: not in Debian at all.  A stub,
#    tests/mobyclient/stub/, with the one function the import graph calls
#    (DialPipe, for npipe:// addresses, which the harness never dials).
# The Go build cache is OUTDIR/gocache: a second build compiles nothing.
set -euo pipefail
out=${1:?usage: mobyclient-build.sh OUTDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

xsys_version=$(dpkg-query -W -f='${Version}' golang-golang-x-sys-dev)
xsys=$out/gopath/src/golang.org/x/sys
stamp=$out/gopath/.x-sys-$xsys_version
if [[ ! -e $stamp ]]; then
        rm -rf "$out/gopath"
        mkdir -p "$(dirname "$xsys")"
        "$top/hack/debian-source.sh" golang-golang-x-sys "$xsys_version" "$xsys"
        [[ -f $xsys/windows/syscall_windows.go ]] || {
                echo "mobyclient-build.sh: no windows/ in Debian's golang-golang-x-sys $xsys_version source" >&2
                exit 1
        }
        touch "$stamp"
fi

# first: x/sys with its windows/ (the same version as Debian's -dev); then
# the stub; then Debian's packages
export GO111MODULE=off GOFLAGS='' GOPROXY=off CGO_ENABLED=0 GOARCH=amd64
export GOPATH=$out/gopath:$top/tests/mobyclient/stub:/usr/share/gocode
export GOCACHE=$out/gocache
cd "$top/tests/mobyclient"
GOOS=linux go build -trimpath -o "$out/mobyclient" .
GOOS=windows go build -trimpath -o "$out/mobyclient.exe" .
