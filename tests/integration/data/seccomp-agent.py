#!/usr/bin/env python3
"""A tiny seccomp notify agent for the tests (runtime-spec "seccomp" listener).

    seccomp-agent.py SOCKET OUTDIR MODE [ERRNO]

Listens on the unix socket SOCKET, accepts one connection from the runtime
and receives one message: the container process state JSON with the
listener fd attached (SCM_RIGHTS). Writes OUTDIR/state.json (the JSON as
received) and OUTDIR/nfds (the number of fds received). Then, by MODE:

  close   close the listener fd at once: the kernel fails every notified
          syscall with ENOSYS from then on
  answer  wait (20 s at most) for one notification, write OUTDIR/notif.json
          ({"id", "pid", "nr", "arch", "args"}), answer it with -ERRNO
          (SECCOMP_IOCTL_NOTIF_SEND), then close the fd

Exits 0 when all went as asked; writes OUTDIR/error on failure.
"""
import array
import ctypes
import fcntl
import json
import os
import select
import socket
import sys

# <linux/seccomp.h>: SECCOMP_IOWR(nr, type) = _IOWR('!', nr, type)
class SeccompData(ctypes.Structure):
    _fields_ = [("nr", ctypes.c_int), ("arch", ctypes.c_uint32),
                ("instruction_pointer", ctypes.c_uint64), ("args", ctypes.c_uint64 * 6)]

class SeccompNotif(ctypes.Structure):
    _fields_ = [("id", ctypes.c_uint64), ("pid", ctypes.c_uint32),
                ("flags", ctypes.c_uint32), ("data", SeccompData)]

class SeccompNotifResp(ctypes.Structure):
    _fields_ = [("id", ctypes.c_uint64), ("val", ctypes.c_int64),
                ("error", ctypes.c_int32), ("flags", ctypes.c_uint32)]

def _iowr(nr, size):
    return (3 << 30) | (size << 16) | (ord("!") << 8) | nr

NOTIF_RECV = _iowr(0, ctypes.sizeof(SeccompNotif))
NOTIF_SEND = _iowr(1, ctypes.sizeof(SeccompNotifResp))


def main():
    sock_path, outdir, mode = sys.argv[1:4]
    err = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sock_path)
    srv.listen(1)
    srv.settimeout(30)
    conn, _ = srv.accept()
    fds = array.array("i")
    msg, ancdata, _, _ = conn.recvmsg(1 << 16, socket.CMSG_SPACE(16 * fds.itemsize))
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    conn.close()
    with open(os.path.join(outdir, "state.json"), "wb") as f:
        f.write(msg)
    with open(os.path.join(outdir, "nfds"), "w") as f:
        f.write("%d\n" % len(fds))
    if len(fds) != 1:
        raise SystemExit("expected one fd, got %d" % len(fds))
    fd = fds[0]
    if mode == "close":
        os.close(fd)
        return
    if not select.select([fd], [], [], 20)[0]:
        raise SystemExit("no notification within 20 s")
    req = SeccompNotif()  # the kernel wants it zeroed
    fcntl.ioctl(fd, NOTIF_RECV, req, True)
    with open(os.path.join(outdir, "notif.json"), "w") as f:
        json.dump({"id": req.id, "pid": req.pid, "nr": req.data.nr, "arch": req.data.arch,
                   "args": list(req.data.args)}, f)
    resp = SeccompNotifResp(id=req.id, val=0, error=-err, flags=0)
    fcntl.ioctl(fd, NOTIF_SEND, resp, True)
    os.close(fd)


if __name__ == "__main__":
    try:
        main()
    except BaseException as e:  # noqa: B902 - report everything to the test
        with open(os.path.join(sys.argv[2], "error"), "w") as f:
            f.write("%s: %s\n" % (type(e).__name__, e))
        raise
