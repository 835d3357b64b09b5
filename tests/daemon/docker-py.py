#!/usr/bin/env python3
"""minirund driven by docker-py (Debian's python3-docker), as a TAP test.

A private minirund (its own --data-root, --exec-root, unix socket and
cgroup parent under /minirun-test) is started for the run and stopped at
the end; nothing else is touched. The tests that run containers need
minirun-shim (issue 10) and are skipped with that reason when it is not
built.
"""
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

TOP_SRCDIR = os.environ.get("TOP_SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
TOP_BUILDDIR = os.environ.get("TOP_BUILDDIR", TOP_SRCDIR)
MINIRUND = os.environ.get("MINIRUND", os.path.join(TOP_BUILDDIR, "minirund"))
MINIRUN = os.environ.get("MINIRUN", os.path.join(TOP_BUILDDIR, "minirun"))
SHIM = os.environ.get("MINIRUN_SHIM", os.path.join(TOP_BUILDDIR, "minirun-shim"))

try:
    import docker
    import docker.errors
except ImportError:
    print("1..0 # SKIP python3-docker is not installed (apt-get install python3-docker)")
    sys.exit(0)

tests = []


def test(needs_shim=False):
    def wrap(fn):
        tests.append((fn, needs_shim))
        return fn
    return wrap


class Daemon:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mrd-py.", dir="/tmp")
        self.sock = os.path.join(self.dir, "d.sock")
        self.cgroup = "/minirun-test/minirund-docker-py-%d" % os.getpid()
        args = [MINIRUND, "--host", "unix://" + self.sock, "--data-root", self.dir + "/data",
                "--exec-root", self.dir + "/exec", "--cgroup-parent", self.cgroup, "--runtime", MINIRUN]
        if os.access(SHIM, os.X_OK):
            args += ["--shim", SHIM]
        self.log = open(os.path.join(self.dir, "minirund.log"), "w")
        self.proc = subprocess.Popen(args, stderr=self.log)
        for _ in range(100):
            if os.path.exists(self.sock):
                break
            time.sleep(0.1)
        self.client = docker.DockerClient(base_url="unix://" + self.sock, version="auto", timeout=60)
        image = os.path.join(self.dir, "busybox.tar")
        subprocess.run([os.path.join(TOP_SRCDIR, "tests/daemon/mkimage.sh"), "docker-archive", image,
                        "busybox:latest"], check=True)
        with open(image, "rb") as f:
            self.client.images.load(f.read())

    def stop(self):
        for c in self.client.containers.list(all=True):
            try:
                c.remove(force=True)
            except Exception:
                pass
        self.client.close()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=20)
        self.log.close()
        for line in open(os.path.join(self.dir, "minirund.log")):
            if "Sanitizer" in line or "runtime error:" in line:
                raise AssertionError("minirund's log has a sanitizer report")
        for root in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
            for d in [os.path.join(root, x) for x in os.listdir(root)] + [root]:
                p = d + self.cgroup
                if os.path.isdir(p):
                    for sub, dirs, _ in sorted(os.walk(p, topdown=False)):
                        try:
                            os.rmdir(sub)
                        except OSError:
                            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def expect_api_error(status, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except docker.errors.APIError as e:
        assert e.status_code == status, "HTTP %s, expected %s: %s" % (e.status_code, status, e)
        return str(e)
    raise AssertionError("no error, expected HTTP %s" % status)


@test()
def ping_version_info(d):
    assert d.client.ping() is True
    v = d.client.version()
    assert v["ApiVersion"] == "1.41", v
    assert d.client.api.api_version == "1.41"
    info = d.client.info()
    assert info["Images"] >= 1 and info["Driver"] == "overlay2"


@test()
def images_list_inspect_tag_save(d):
    img = d.client.images.get("busybox")
    assert "busybox:latest" in img.tags
    assert img.attrs["Config"]["Cmd"] == ["sh"]
    assert img.tag("pybox", "1")
    assert "pybox:1" in d.client.images.get("pybox:1").tags
    data = b"".join(img.save(named=True))
    assert data[:100].strip(b"\0"), "save gave an empty archive"
    d.client.images.remove("pybox:1")
    assert [i for i in d.client.images.list() if "pybox:1" in i.tags] == []
    try:
        d.client.images.get("nope:1")
        raise AssertionError("no error")
    except docker.errors.ImageNotFound:
        pass


@test()
def container_records(d):
    c = d.client.containers.create("busybox", ["echo", "hi"], name="py1", environment={"A": "1"},
                                   labels={"l": "v"}, mem_limit="64m")
    assert c.status == "created"
    c.reload()
    assert c.attrs["HostConfig"]["Memory"] == 64 * 1024 * 1024
    assert "A=1" in c.attrs["Config"]["Env"]
    assert [x.name for x in d.client.containers.list(all=True, filters={"label": "l=v"})] == ["py1"]
    c.rename("py2")
    assert d.client.containers.get("py2").id == c.id
    c.remove()
    try:
        d.client.containers.get("py2")
        raise AssertionError("no error")
    except docker.errors.NotFound:
        pass


@test()
def bad_requests(d):
    api = d.client.api
    msg = expect_api_error(400, api.create_container, "busybox", host_config={"Memory": "lots"})
    assert "HostConfig.Memory" in msg, msg
    expect_api_error(404, api.inspect_container, "nope")
    expect_api_error(404, api.create_container, "nope:1")
    d.client.containers.create("busybox", name="dup")
    expect_api_error(409, api.create_container, "busybox", name="dup")
    d.client.containers.get("dup").remove()


@test(needs_shim=True)
def run_remove_exit_code(d):
    out = d.client.containers.run("busybox", ["sh", "-c", "echo out; echo err >&2"], remove=True,
                                  stdout=True, stderr=True)
    assert out == b"out\nerr\n", out
    try:
        d.client.containers.run("busybox", ["sh", "-c", "exit 3"], remove=True)
        raise AssertionError("no error")
    except docker.errors.ContainerError as e:
        assert e.exit_status == 3


@test(needs_shim=True)
def detach_logs_exec_stats_top(d):
    c = d.client.containers.run("busybox", ["sh", "-c", "echo started; exec sleep 60"], detach=True, name="pyd")
    for _ in range(100):
        if b"started" in c.logs():
            break
        time.sleep(0.05)
    assert c.logs() == b"started\n"
    r = c.exec_run(["sh", "-c", "echo $((6*7))"])
    assert r.exit_code == 0 and r.output == b"42\n", r
    r = c.exec_run(["sh", "-c", "exit 5"])
    assert r.exit_code == 5
    r = c.exec_run(["sh", "-c", "echo o; echo e >&2"], demux=True)
    assert r.output == (b"o\n", b"e\n"), r
    r = c.exec_run(["echo", "t"], tty=True)
    assert r.output == b"t\r\n", r
    assert b"".join(c.exec_run(["sh", "-c", "echo s1; echo s2"], stream=True).output) == b"s1\ns2\n"
    # exec start as a plain request, no Upgrade header: dockerd answers 200 and streams the body
    x = d.client.api.exec_create(c.id, ["sh", "-c", "echo plain"])["Id"]
    res = d.client.api.post(d.client.api._url("/exec/{0}/start", x), json={}, stream=True)
    assert res.status_code == 200 and res.headers["Content-Type"] == "application/vnd.docker.raw-stream", res
    assert res.raw.read() == b"\x01\x00\x00\x00\x00\x00\x00\x06plain\n"
    assert d.client.api.exec_inspect(x)["ExitCode"] == 0
    s = c.stats(stream=False)
    assert s["cpu_stats"]["cpu_usage"]["total_usage"] > 0 and "memory_stats" in s and "pids_stats" in s
    top = c.top()
    assert "PID" in top["Titles"] and any("sleep" in " ".join(p) for p in top["Processes"])
    c.pause()
    c.reload()
    assert c.status == "paused"
    c.unpause()
    c.stop(timeout=1)
    c.reload()
    assert c.status == "exited" and c.attrs["State"]["ExitCode"] == 137
    c.remove()


@test()
def events_since_until(d):
    t0 = time.time()
    c = d.client.containers.create("busybox", name="pyev", labels={"ev": "1"})
    c.rename("pyev2")
    c.remove()
    evs = list(d.client.events(since=t0, until=time.time() + 1, decode=True, filters={"label": "ev=1"}))
    assert [e["Action"] for e in evs] == ["create", "rename", "destroy"], evs
    assert evs[0]["Actor"]["ID"] == c.id and evs[0]["Type"] == "container"


@test()
def import_image(d):
    rootfs = os.path.join(d.dir, "py-rootfs")
    subprocess.run([os.path.join(TOP_SRCDIR, "bundles/busybox/mkrootfs.sh"), rootfs], check=True,
                   stdout=subprocess.DEVNULL)
    tar = os.path.join(d.dir, "py-rootfs.tar")
    subprocess.run(["tar", "-C", rootfs, "-cf", tar, "."], check=True)
    d.client.api.import_image(src=tar, repository="pyimp", tag="1", changes=['CMD ["true"]'])
    img = d.client.images.get("pyimp:1")
    assert img.attrs["Config"]["Cmd"] == ["true"], img.attrs["Config"]
    d.client.images.remove("pyimp:1")
    shutil.rmtree(rootfs)
    os.unlink(tar)


def wait_until(fn, what, tries=200):
    for _ in range(tries):
        if fn():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


@test(needs_shim=True)
def restart_policy_and_wait(d):
    c = d.client.containers.run("busybox", ["sh", "-c", "exit 2"], detach=True, name="pyrs",
                                restart_policy={"Name": "on-failure", "MaximumRetryCount": 2})

    def done():
        c.reload()
        return c.attrs["RestartCount"] == 2 and c.status == "exited"
    wait_until(done, "two restarts and the last exit")
    assert c.wait()["StatusCode"] == 2
    assert c.attrs["State"]["ExitCode"] == 2
    c.remove()


@test(needs_shim=True)
def limits_readonly_bind(d):
    src = os.path.join(d.dir, "pyvol")
    os.mkdir(src)
    with open(os.path.join(src, "f"), "w") as f:
        f.write("from the host\n")
    c = d.client.containers.run("busybox", ["sh", "-c", "touch /x; cat /data/f; exec sleep 60"], detach=True,
                                name="pyl", mem_limit="64m", pids_limit=30, read_only=True,
                                volumes={src: {"bind": "/data", "mode": "ro"}})
    wait_until(lambda: b"from the host" in c.logs(), "the bind's file in the logs")
    logs = c.logs().decode()
    assert "Read-only file system" in logs, logs
    s = c.stats(stream=False)
    assert s["memory_stats"]["limit"] == 64 << 20, s["memory_stats"]
    assert s["pids_stats"]["limit"] == 30, s["pids_stats"]
    c.remove(force=True)
    shutil.rmtree(src)


@test(needs_shim=True)
def attach_stdin(d):
    c = d.client.containers.create("busybox", ["sh", "-c", "read l; echo got $l"], stdin_open=True, name="pya")
    sock = c.attach_socket(params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
    c.start()
    raw = sock._sock
    raw.sendall(b"hello\n")
    data = b""
    while b"got hello" not in data:
        chunk = raw.recv(4096)
        if not chunk:
            break
        data += chunk
    # the multiplexed framing: stream 1, then the length, big endian
    assert data[:4] == b"\x01\x00\x00\x00", data
    assert b"got hello" in data, data
    raw.close()
    assert c.wait()["StatusCode"] == 0
    c.remove()


def main():
    have_shim = os.access(SHIM, os.X_OK)
    print("1..%d" % len(tests))
    try:
        d = Daemon()
    except Exception:
        for i in range(len(tests)):
            print("not ok %d - setup: %s" % (i + 1, traceback.format_exc().splitlines()[-1]))
        return 1
    failed = 0
    for i, (fn, needs_shim) in enumerate(tests, 1):
        name = fn.__name__.replace("_", " ")
        if needs_shim and not have_shim:
            print("ok %d - %s # SKIP minirun-shim is not built (issue 10): containers cannot start" % (i, name))
            continue
        try:
            fn(d)
            print("ok %d - %s" % (i, name))
        except Exception:
            failed += 1
            print("not ok %d - %s" % (i, name))
            for line in traceback.format_exc().splitlines():
                print("# " + line)
    try:
        d.stop()
    except Exception as e:
        print("# teardown: %s" % e)
        failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
