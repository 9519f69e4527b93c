#!/usr/bin/env python3
"""A random stack of three image layers, for tests/image_fs_overlay_test.sh:
python3 gen.py SEED OUT writes OUT/l0.tar..l2.tar (bottom first) and
OUT/d0..d2, the same layers unpacked as dockerd's overlay2 driver unpacks
them (a whiteout ".wh.X" becomes a 0/0 character device X, ".wh..wh..opq"
the xattr trusted.overlay.opaque="y" on its directory), and prints the
paths to ask about.  Names come from a small pool so that layers collide:
files, directories, relative/absolute/looping symlinks, whiteouts, opaque
directories, hard links."""
import io
import itertools
import os
import random
import sys
import tarfile

seed, out = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(seed)
NAMES = ["a", "b", "c"]
PATHS = ["/".join(p) for d in (1, 2, 3) for p in itertools.product(NAMES, repeat=d)]


def target():
    p = rnd.choice(PATHS + ["", "a/../b"])
    kind = rnd.randrange(4)
    if kind == 0:
        return "/" + p
    if kind == 1:
        return "../" * rnd.randrange(1, 5) + p
    if kind == 2:
        return "/../../" + p
    return p or "."


for k in range(3):
    d = os.path.join(out, "d%d" % k)
    os.makedirs(d)
    kinds = {}  # path -> kind made in this layer
    with tarfile.open(os.path.join(out, "l%d.tar" % k), "w", format=tarfile.PAX_FORMAT) as t:
        for _ in range(rnd.randrange(4, 14)):
            p = rnd.choice(PATHS)
            parts = p.split("/")
            parents = ["/".join(parts[:i]) for i in range(1, len(parts))]
            # the engine's unpack fails under a non-directory: not generated
            if p in kinds or any(kinds.get(q, "dir") != "dir" for q in parents):
                continue
            for q in parents:
                if q not in kinds:
                    kinds[q] = "dir"
                    os.makedirs(os.path.join(d, q), exist_ok=True)
            op = rnd.choice(["file", "file", "dir", "link", "link", "wh", "opq", "hard"])
            files = [q for q, v in kinds.items() if v == "file"]
            if op == "hard" and not files:
                op = "file"
            ti = tarfile.TarInfo(p)
            ti.mode = 0o755
            full = os.path.join(d, p)
            if op == "file":
                data = ("#L%d:%s\n" % (k, p)).encode()
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
                with open(full, "wb") as f:
                    f.write(data)
                os.chmod(full, 0o755)
            elif op == "dir" or op == "opq":
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
                os.makedirs(full, exist_ok=True)
                if op == "opq":
                    t.addfile(tarfile.TarInfo(p + "/.wh..wh..opq"))
                    os.setxattr(full, "trusted.overlay.opaque", b"y")
                op = "dir"
            elif op == "link":
                ti.type, ti.linkname = tarfile.SYMTYPE, target()
                t.addfile(ti)
                os.symlink(ti.linkname, full)
            elif op == "wh":
                base = os.path.dirname(p)
                t.addfile(tarfile.TarInfo((base + "/" if base else "") + ".wh." + parts[-1]))
                os.mknod(full, 0o600 | 0o020000, os.makedev(0, 0))
            elif op == "hard":
                src = rnd.choice(files)
                ti.type, ti.linkname = tarfile.LNKTYPE, src
                t.addfile(ti)
                os.link(os.path.join(d, src), full)
                op = "file"
            kinds[p] = op
print(" ".join("/" + p for p in PATHS))
