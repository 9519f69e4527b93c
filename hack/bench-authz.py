#!/usr/bin/env python3
"""bench-authz.py: the engine plugin's measurements, driven by hack/bench-authz.sh.

  latency SOCKET PATH N [BODY]
                             N GETs of PATH (POSTs of the file BODY) on one
                             kept-alive connection to SOCKET; prints
                             "median p99" in microseconds
  hold SOCKET N FIFO         opens N connections to SOCKET, sends each a
                             /Plugin.Activate and reads the answer, writes
                             "held" to FIFO, and keeps them open until stdin
                             closes
"""
import socket
import sys
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def read_response(s, buf):
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError("connection closed")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v)
    while len(rest) < length:
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError("connection closed")
        rest += chunk
    status = int(head.split(b" ")[1])
    return status, rest[length:]


def latency(path, url, n, body_file=None):
    s = connect(path)
    if body_file:
        with open(body_file, "rb") as f:
            body = f.read()
        req = ("POST %s HTTP/1.1\r\nHost: \r\nContent-Length: %d\r\n\r\n" % (url, len(body))).encode() + body
    else:
        req = ("GET %s HTTP/1.1\r\nHost: docker\r\n\r\n" % url).encode()
    buf = b""
    times = []
    for _ in range(n):
        t = time.perf_counter_ns()
        s.sendall(req)
        status, buf = read_response(s, buf)
        times.append((time.perf_counter_ns() - t) // 1000)
        if status != 200:
            sys.exit("GET %s: HTTP %d" % (url, status))
    times.sort()
    print(times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))])


def hold(path, n, fifo):
    conns = []
    req = b"POST /Plugin.Activate HTTP/1.1\r\nHost: \r\nContent-Length: 0\r\n\r\n"
    for _ in range(n):
        s = connect(path)
        s.sendall(req)
        conns.append(s)
    for s in conns:
        status, _ = read_response(s, b"")
        if status != 200:
            sys.exit("Plugin.Activate: HTTP %d" % status)
    with open(fifo, "w") as f:
        f.write("held\n")
    sys.stdin.read()


if __name__ == "__main__":
    if sys.argv[1] == "latency":
        latency(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else None)
    elif sys.argv[1] == "hold":
        hold(sys.argv[2], int(sys.argv[3]), sys.argv[4])
