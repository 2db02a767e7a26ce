#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Every tool answers --help, --version, an unknown option and no arguments
the same way, on a pseudo-terminal and without one (issue 19).

    check-tools.py [--no-args] VERSION_FILE BIN_DIR TOOL...

Per tool, with stdin /dev/null and stdout/stderr captured:
  --help            exit 0, the usage on stdout, nothing on stderr
  --version         exit 0, "<tool> (ecryptfs-ng) <VERSION>" on stdout
  --no-such-option  exit 2, nothing on stdout, "<tool>: ..." then the
                    usage on stderr
and the same three on a pseudo-terminal (exit status, and the text on the
terminal).  With --no-args (only where running a tool for real is harmless:
the VM) also without arguments, both ways: a tool that needs operands exits
2 with its usage; any tool still running after a few seconds (waiting on
the terminal, or busy) must have printed something, a prompt on a
pseudo-terminal (ecryptfs-recover-private searching the disk says so).
Last, the tools that read a secret from standard input ("-") must, on a
terminal, say what they wait for.  Every run has a
timeout; a hang is a failure.  Exit status 0 when every check passed.
"""
import os
import pty
import select
import signal
import subprocess
import sys
import time

# Tools that cannot run without operands: no arguments is a misuse (exit 2).
NEEDS_OPERANDS = {
    "ecryptfs-wrap-passphrase", "ecryptfs-rewrap-passphrase", "ecryptfs-stat",
    "ecryptfs-fname", "ecryptfs-find", "ecryptfs-rewrite-file", "mount.ecryptfs",
    "umount.ecryptfs", "ecryptfs-migrate-home",
}
# Invocations that read a secret from standard input ("-" or no choice):
# on a terminal each must say what it waits for.  Harmless: they are killed
# while they wait, before they act.
WAITING = [
    ["ecryptfs-fname", "encrypt", "foo"],
    ["ecryptfs-add-passphrase", "-"],
    ["ecryptfs-add-passphrase", "--fnek", "-"],
    ["ecryptfs-wrap-passphrase", "/nonexistent/wrapped", "-"],
    ["ecryptfs-unwrap-passphrase", "/nonexistent/wrapped", "-"],
    ["ecryptfs-rewrap-passphrase", "/nonexistent/wrapped", "-"],
    ["ecryptfs-insert-wrapped-passphrase-into-keyring", "/nonexistent/wrapped", "-"],
]
TIMEOUT = 20          # seconds for a run that must finish (TCG guests are slow)
WAIT = 6              # seconds of silence after which a pty run counts as waiting

failures = []
checks = 0


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, flush=True)


def check(cond, msg):
    global checks
    checks += 1
    if not cond:
        fail(msg)
    return cond


def run_pipe(cmd):
    """(status, stdout, stderr) with stdin /dev/null; status None on a hang."""
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=TIMEOUT, start_new_session=True)
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or b"", e.stderr or b""
    return p.returncode, p.stdout, p.stderr


def waiting_on(pid):
    """What a live process is blocked in, from /proc (for the message)."""
    try:
        with open("/proc/%d/wchan" % pid) as f:
            return f.read().strip() or "?"
    except OSError:
        return "?"


def run_pty(cmd, wait=WAIT):
    """(status, output, waited) on a new pty.  waited: still running after
    @wait seconds of silence (then killed, status None)."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execv(cmd[0], cmd)
        finally:
            os._exit(127)
    out = bytearray()
    last = time.monotonic()
    start = last
    waited = None
    while True:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if data:
                out += data
                last = time.monotonic()
                continue
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            # Drain what is left.
            try:
                while select.select([fd], [], [], 0.1)[0]:
                    data = os.read(fd, 4096)
                    if not data:
                        break
                    out += data
            except OSError:
                pass
            os.close(fd)
            code = os.waitstatus_to_exitcode(status)
            return code, bytes(out).replace(b"\r\n", b"\n"), None
        now = time.monotonic()
        if now - last > wait or now - start > TIMEOUT:
            waited = waiting_on(pid)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(fd)
            return None, bytes(out).replace(b"\r\n", b"\n"), waited


def show(b):
    s = b.decode(errors="replace")
    return s if len(s) < 400 else s[:400] + "..."


def check_tool(tool, path, version, no_args):
    want_version = "%s (ecryptfs-ng) %s\n" % (tool, version)
    # Without a terminal.
    st, out, err = run_pipe([path, "--help"])
    check(st == 0, "%s --help: status %s (want 0); stderr %s" % (tool, st, show(err)))
    check(b"Usage" in out and tool.encode() in out, "%s --help: no usage on stdout: %s" % (tool, show(out)))
    check(err == b"", "%s --help: stderr not empty: %s" % (tool, show(err)))
    st, out, err = run_pipe([path, "--version"])
    check(st == 0 and out.decode(errors="replace") == want_version and err == b"",
          "%s --version: status %s, stdout %r, stderr %r (want %r)" % (tool, st, out, err, want_version))
    st, out, err = run_pipe([path, "--no-such-option"])
    check(st == 2, "%s --no-such-option: status %s (want 2)" % (tool, st))
    check(out == b"", "%s --no-such-option: stdout not empty: %s" % (tool, show(out)))
    check(err.startswith((tool + ": ").encode()) and b"Usage" in err,
          "%s --no-such-option: stderr is not '%s: ...' and the usage: %s" % (tool, tool, show(err)))
    # On a terminal.
    for args, want in (["--help"], 0), (["--version"], 0), (["--no-such-option"], 2):
        st, out, waited = run_pty([path] + args)
        check(st == want, "%s %s on a pty: status %s (want %d)%s; output %s" %
              (tool, args[0], st, want, " (hung in %s)" % waited if waited else "", show(out)))
    if not no_args:
        return
    # No arguments.
    st, out, err = run_pipe([path])
    if tool in NEEDS_OPERANDS:
        check(st == 2 and b"Usage" in err and out == b"",
              "%s without arguments: status %s (want 2, usage on stderr); stdout %s stderr %s" %
              (tool, st, show(out), show(err)))
    else:
        # Still running: busy (stdin is /dev/null, there is nothing to wait
        # for), and then it must have said what it is doing.
        check(st is not None or (out + err).strip() != b"",
              "%s without arguments and without a terminal: still running after %ds "
              "without a word" % (tool, TIMEOUT))
        print("  %s (no args, no tty): %s" % (tool, "status %s" % st if st is not None else
              "busy after %r" % show((out + err).strip().split(b"\n")[-1])), flush=True)
    st, out, waited = run_pty([path])
    if tool in NEEDS_OPERANDS:
        check(st == 2, "%s without arguments on a pty: status %s (want 2)" % (tool, st))
    elif waited is not None:
        text = out.decode(errors="replace").rstrip("\n")
        last = text.split("\n")[-1] if text else ""
        check(last.strip() != "", "%s without arguments waits on the terminal (%s) without a prompt; "
              "output %r" % (tool, waited, show(out)))
        print("  %s (no args, pty): waits after %r" % (tool, last), flush=True)
    else:
        print("  %s (no args, pty): status %s" % (tool, st), flush=True)


def main():
    args = sys.argv[1:]
    no_args = False
    if args and args[0] == "--no-args":
        no_args = True
        args = args[1:]
    if len(args) < 3:
        sys.stderr.write(__doc__)
        return 2
    with open(args[0]) as f:
        version = f.readline().strip()
    bindir, tools = args[1], args[2:]
    for tool in tools:
        path = os.path.join(bindir, tool)
        if not os.access(path, os.X_OK):
            fail("%s: no such tool in %s (build it first)" % (tool, bindir))
            continue
        check_tool(tool, path, version, no_args)
    for cmd in WAITING:
        if cmd[0] not in tools:
            continue
        st, out, waited = run_pty([os.path.join(bindir, cmd[0])] + cmd[1:], wait=3)
        text = out.decode(errors="replace").strip()
        check(waited is not None and text != "",
              "%s on a pty: %s" % (" ".join(cmd), "waits without a prompt" if waited
                                   else "did not wait (status %s): %s" % (st, show(out))))
        print("  %s (pty): waits after %r" % (" ".join(cmd), text.split("\n")[-1] if text else ""),
              flush=True)
    print("%d checks over %d tools, %d failed" % (checks, len(tools), len(failures)))
    return 1 if failures or checks == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
