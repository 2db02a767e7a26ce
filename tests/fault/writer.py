# SPDX-License-Identifier: GPL-2.0-only
"""A writer for the fault-injection tests.

    writer.py DIR LOG SECONDS [SIZE]

Until SECONDS have passed, writes files DIR/w<n> of SIZE bytes (default
200000) of deterministic bytes in 64 KiB write(2) calls, fsyncs each and
its directory, and appends to LOG one line per file: "ok <name> <sha256>"
once the fsyncs succeeded, or "err <name> <where> <errno name>" when a
call failed (the error reached the writer).  A failed file is not retried;
the writer goes on with the next.  Stops early after 200 consecutive
errors.  Exit status 0; the LOG is the result.

A short write(2) is continued, as a careful program does (a write that
stops early for want of memory returns what it wrote), and logged as
"short <name> <offset> <asked> <written>".  The bytes of a file are
a stream (SHAKE-256 of its name) with no period, so that a page written
at the wrong offset changes the hash.

With WRITER_MAKE_IT_FAIL=1 in the environment the writer marks itself
for the kernel's fault injection (/proc/self/make-it-fail) once it has
started, so that the injected failures hit its system calls and not the
exec of the interpreter; a line of the LOG that cannot be written for an
injected ENOMEM is retried.  When the writer's own memory fails
(Python's MemoryError: an injected failure of its malloc), the file is
logged "nomem <name> <where>", not claimed, and the writer goes on.
"""

import errno
import hashlib
import os
import sys
import time

d, logp, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
size = int(sys.argv[4]) if len(sys.argv) > 4 else 200000
stop = time.time() + seconds
logfd = os.open(logp, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)


def note(line):
    for _ in range(1000):
        try:
            os.write(logfd, line.encode())
            return
        except MemoryError:
            time.sleep(0.001)
        except OSError as e:
            if e.errno not in (errno.ENOMEM, errno.EIO, errno.EINTR, errno.EAGAIN):
                raise
            time.sleep(0.001)
    raise SystemExit("writer.py: cannot write the log")


def prefault():
    """Touch every page of the file mappings (interpreter, libraries): their
    reads from the 9p root then happen now, not under fault injection."""
    import ctypes
    with open("/proc/self/maps") as f:
        maps = f.read().splitlines()
    for line in maps:
        fields = line.split()
        if len(fields) < 6 or not fields[5].startswith("/") or "r" not in fields[1]:
            continue
        lo, hi = (int(x, 16) for x in fields[0].split("-"))
        size = os.path.getsize(fields[5]) if os.path.isfile(fields[5]) else 0
        end = min(hi, lo + max(0, size - int(fields[2], 16)))
        for a in range(lo, end, 4096):
            ctypes.string_at(a, 1)


if os.environ.get("WRITER_MAKE_IT_FAIL") == "1":
    # What loads lazily loads now: OpenSSL reads its configuration at the
    # first digest, the error names are a table.
    hashlib.sha256(b"warm-up").hexdigest()
    hashlib.shake_256(b"warm-up").digest(32)
    errno.errorcode.get(errno.ENOMEM)
    prefault()
    # And keep them: no page of a mapping is read again under injection.
    import ctypes
    ctypes.CDLL(None, use_errno=True).mlockall(1)  # MCL_CURRENT
    with open("/proc/self/make-it-fail", "w") as f:
        f.write("1")
n = errs = 0
while time.time() < stop and errs < 200:
    name = "w%d" % n
    p = os.path.join(d, name)
    data = hashlib.shake_256(name.encode()).digest(size)
    where = "open"
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            where = "write"
            for off in range(0, size, 65536):
                chunk = data[off:off + 65536]
                done = 0
                while done < len(chunk):
                    got = os.write(fd, chunk[done:])
                    if got <= 0:
                        raise OSError(errno.EIO, "write(2) returned 0")
                    if got < len(chunk) - done:
                        note("short %s %d %d %d\n" % (name, off + done,
                                                       len(chunk) - done, got))
                    done += got
            where = "fsync"
            os.fsync(fd)
        finally:
            try:
                os.close(fd)
            except OSError:
                pass
        where = "fsync-dir"
        dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
        note("ok %s %s\n" % (name, hashlib.sha256(data).hexdigest()))
        errs = 0
    except OSError as e:
        note("err %s %s %s\n" % (name, where, errno.errorcode.get(e.errno, e.errno)))
        errs += 1
        time.sleep(0.05)
    except MemoryError:
        # The writer's own memory (an injected failure of its malloc or
        # of a page fault), not the file system's answer: the file is
        # not claimed and the next one is written.
        note("nomem %s %s\n" % (name, where))
        time.sleep(0.05)
    n += 1
os.close(logfd)
