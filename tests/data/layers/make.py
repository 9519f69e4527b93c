#!/usr/bin/env python3
"""Tar layers for tests/image_fs_test.c, made at test time with Python's
tarfile: python3 make.py OUTDIR FOREIGN_DIR.  Each hostile layer is one
trick an archive can play; the test names the expected answer."""
import gzip
import io
import lzma
import os
import sys
import tarfile

out, foreign = sys.argv[1], sys.argv[2]


def blob(rel):
    with open(os.path.join(foreign, rel), "rb") as f:
        return f.read()


def add(t, name, kind="file", data=b"", mode=0o644, target="", pax=None, dev=(0, 0)):
    ti = tarfile.TarInfo(name)
    ti.mode = mode
    if pax:
        ti.pax_headers = pax
    if kind == "file":
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
        return
    ti.type = {"dir": tarfile.DIRTYPE, "link": tarfile.SYMTYPE, "hard": tarfile.LNKTYPE,
               "chr": tarfile.CHRTYPE, "fifo": tarfile.FIFOTYPE}[kind]
    ti.linkname = target
    ti.devmajor, ti.devminor = dev
    t.addfile(ti)


def layer(name, entries, mode="w"):
    with tarfile.open(os.path.join(out, name), mode, format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            add(t, *e[:1], **e[1])


def E(name, **kw):
    return (name, kw)


arm64, amd64 = blob("arm64/busybox-static"), blob("amd64/tini-static")

layer("base.tar", [
    E("./", kind="dir", mode=0o755),
    E("usr/bin/app", data=arm64, mode=0o755),
    E("usr/bin/real", data=amd64, mode=0o755),
    E("bin/entry", kind="link", target="/usr/bin/real"),
    E("etc/keep", data=b"keep\n"), E("etc/gone", data=b"gone\n"),
    E("etc/conf/a", data=b"a\n"), E("opt/app/old", data=b"old\n"),
])
layer("mid.tar.gz", [
    E("usr/bin/.wh.app"), E("etc/.wh.gone"),
    E("usr/local/bin/tool", kind="link", target="../../bin/real"),
    E("bin/script", data=b"#!/bin/entry\n", mode=0o755),
], "w:gz")
layer("top.tar.xz", [
    E("etc/conf", kind="dir", mode=0o755, pax={"SCHILY.xattr.trusted.overlay.opaque": "y"}),
    E("etc/conf/b", data=b"b\n"),
    E("opt/app/.wh..wh..opq"), E("opt/app/new", data=b"new\n"),
    E("sbin/orig", data=amd64, mode=0o755), E("sbin/hl", kind="hard", target="sbin/orig", mode=0o755),
    E("usr/bin/dev0", kind="chr", dev=(0, 0)),
], "w:xz")
# base again with a 0/0 device over the arm64 app (overlay2's unpacked form)
layer("dev0.tar", [E("usr/bin/app", kind="chr", dev=(0, 0)), E("dev/null", kind="chr", dev=(1, 3), mode=0o777)])

# a Windows layer (hcsshim's format): C:\ under Files, the registry under Hives
layer("windows.tar", [E("Files/app/x.exe", data=b"MZ\n"), E("Hives/SYSTEM", data=b"regf")])

# docker save: <id>/layer.tar members, the outer plain and gzip-compressed
def outer(name, members, mode):
    with tarfile.open(os.path.join(out, name), mode) as t:
        for m, path in members:
            t.add(path, arcname=m)

with gzip.open(os.path.join(out, "mid.tar.gz"), "rb") as f:
    open(os.path.join(out, "mid.tar"), "wb").write(f.read())
outer("save.tar", [("aaa/layer.tar", os.path.join(out, "base.tar")),
                   ("manifest.json", os.path.join(out, "base.tar")),
                   ("bbb/layer.tar", os.path.join(out, "mid.tar"))], "w")
outer("save.tar.gz", [("aaa/layer.tar", os.path.join(out, "base.tar")),
                      ("bbb/layer.tar", os.path.join(out, "mid.tar.gz"))], "w:gz")

# hostile layers
layer("h_dotdot.tar", [E("a/../../etc/x", data=b"x")])
layer("h_abs.tar", [E("/usr/bin/abs", data=amd64, mode=0o755)])
layer("h_hard_missing.tar", [E("a", kind="hard", target="nope")])
layer("h_hard_later.tar", [E("a", kind="hard", target="b"), E("b", data=b"b")])
layer("h_hard_self.tar", [E("a", data=b"a"), E("a", kind="hard", target="a")])
layer("h_hard_dir.tar", [E("d", kind="dir"), E("a", kind="hard", target="d")])
layer("h_under_file.tar", [E("f", data=b"f"), E("f/x", data=b"x")])
layer("h_dup.tar", [E("x", data=b"first\n"), E("x", data=b"second\n"),
                    E("d", kind="dir"), E("d/x", data=b"x\n"), E("d", data=b"file\n"),
                    E("w/.wh.y"), E("w/y", kind="dir"), E("w/y/z", data=b"z\n")])
layer("h_links.tar", [
    E("usr/bin/esc", kind="link", target="/../../../../etc/keep"),
    E("usr/bin/up", kind="link", target="../../../../../usr/bin/real"),
    E("loop/a", kind="link", target="b"), E("loop/b", kind="link", target="a"),
    E("usr/bin/fifo", kind="fifo", mode=0o755),
])
layer("h_redirect.tar", [E("etc/conf", kind="dir", pax={"SCHILY.xattr.trusted.overlay.redirect": "/opt"})])
with open(os.path.join(out, "h_notar.tar"), "wb") as f:
    f.write(b"this is not a tar file\n" * 100)
with open(os.path.join(out, "h_truncated.tar"), "wb") as f:
    f.write(open(os.path.join(out, "base.tar"), "rb").read()[:5000])
# a header that declares 10 GB and holds none of it
big = tarfile.TarInfo("big")
big.size = 10 * 10**9
with open(os.path.join(out, "h_bigsize.tar"), "wb") as f:
    f.write(big.tobuf(tarfile.PAX_FORMAT) + b"\0" * 1024)
# a bomb: a few KB of gzip that declares a 70 GiB file of zeros
with gzip.open(os.path.join(out, "h_bomb.tar.gz"), "wb") as f:
    bomb = tarfile.TarInfo("zeros")
    bomb.size = 70 << 30
    f.write(bomb.tobuf(tarfile.PAX_FORMAT) + b"\0" * (1 << 20))
