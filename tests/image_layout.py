#!/usr/bin/env python3
"""image_layout.py OUT SPEC: writes an OCI image layout (oci-layout,
index.json, blobs/sha256/...) described by the JSON file SPEC, for the
image tests: hand-assembled multi-platform indexes, whiteouts, opaque
directories, lying labels.  Layers are gzip tars, reproducible.

SPEC: {"manifests": [{"platform": {"os": .., "architecture": .., "variant": ..}
                                   (absent: no platform in the index),
                      "config": {image config fields: os, architecture,
                                 config: {Entrypoint, Cmd, Env, User, ...}},
                      "layers": [[entry, ...], ...]}],   bottom layer first
       "tamper": "config" (optional: the first config's bytes no longer
                           match its digest)}
entry: {"path": "bin/busybox", "file": "/host/path", "mode": 493}
       {"path": "bin/sh", "symlink": "busybox"}
       {"path": "bin/", "dir": true}
       {"path": "etc/passwd", "text": "root:x:0:0::/:/bin/sh\\n"}
       {"path": "bin/.wh.sh", "text": ""}    (whiteouts are plain names)
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile


def blob(out, data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(out, "blobs", "sha256", digest)
    with open(path, "wb") as f:
        f.write(data)
    return "sha256:" + digest, len(data)


def layer(entries):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for e in entries:
            info = tarfile.TarInfo(e["path"].rstrip("/") if e.get("dir") else e["path"])
            info.mtime = 0
            info.mode = e.get("mode", 0o755 if e.get("dir") or "file" in e else 0o644)
            data = None
            if e.get("dir"):
                info.type = tarfile.DIRTYPE
            elif "symlink" in e:
                info.type = tarfile.SYMTYPE
                info.linkname = e["symlink"]
            elif "hardlink" in e:
                info.type = tarfile.LNKTYPE
                info.linkname = e["hardlink"]
            elif "file" in e:
                with open(e["file"], "rb") as f:
                    data = f.read()
            else:
                data = e.get("text", "").encode()
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    plain = raw.getvalue()
    return plain, gzip.compress(plain, mtime=0)


def main():
    out, spec_path = sys.argv[1], sys.argv[2]
    with open(spec_path) as f:
        spec = json.load(f)
    os.makedirs(os.path.join(out, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": []}
    for n, m in enumerate(spec["manifests"]):
        layers, diff_ids = [], []
        for entries in m["layers"]:
            plain, gz = layer(entries)
            diff_ids.append("sha256:" + hashlib.sha256(plain).hexdigest())
            d, size = blob(out, gz)
            layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                           "digest": d, "size": size})
        config = dict(m["config"])
        config["rootfs"] = {"type": "layers", "diff_ids": diff_ids}
        cdata = json.dumps(config, sort_keys=True).encode()
        cdigest, csize = blob(out, cdata)
        if n == 0 and spec.get("tamper") == "config":
            with open(os.path.join(out, "blobs", "sha256", cdigest[7:]), "ab") as f:
                f.write(b" ")
        manifest = {"schemaVersion": 2,
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                               "digest": cdigest, "size": csize},
                    "layers": layers}
        mdigest, msize = blob(out, json.dumps(manifest, sort_keys=True).encode())
        desc = {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": mdigest, "size": msize}
        if "platform" in m:
            desc["platform"] = m["platform"]
        index["manifests"].append(desc)
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f)


main()
