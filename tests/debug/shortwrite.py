# SPDX-License-Identifier: GPL-2.0-only
"""A write(2) that runs out of memory part-way must be honest.

    shortwrite.py write DIR LOG
    shortwrite.py check DIR LOG [--need-short]

write: for K in KS, creates DIR/f<K>, fails the first K slab
allocations of this task (failslab, probability 100, times K) during
one 64 KiB write(2) to it, then fsyncs it with injection off, and logs
"f<K> <result>": the count write(2) returned, or "err <errno name>".
A write that stops after some pages returns what it copied (the page
cache's first tree node is allocated for the second page of a new file),
so some K give a short count.

check (after a remount): every file holds exactly what its write(2)
claimed: the first <count> bytes of the data (empty after an error).
With --need-short (our module, whose write path is known to stop after
the first page) at least one write must have been short, or the test did
not test; without it, a run with none says so and passes.
Exit status 0 when all holds; the reasons on stderr otherwise.
"""

import errno
import hashlib
import os
import sys

KS = (1, 2, 3, 4, 6, 8, 12, 16)
DBG = "/sys/kernel/debug/failslab"
DATA = hashlib.shake_256(b"shortwrite").digest(65536)


def put(path, value):
    with open(path, "w") as f:
        f.write(value)


def write(d, logp):
    put(DBG + "/task-filter", "1")
    put(DBG + "/ignore-gfp-wait", "N")
    put(DBG + "/verbose", "0")
    # Opened before the task is marked: opening a file allocates.  Both
    # ignore the file offset (debugfs attributes cannot seek).
    mark = os.open("/proc/self/make-it-fail", os.O_WRONLY)
    prob = os.open(DBG + "/probability", os.O_WRONLY)
    out = []
    for k in KS:
        p = os.path.join(d, "f%d" % k)
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        put(DBG + "/times", str(k))
        os.write(prob, b"100")
        os.write(mark, b"1")
        try:
            r = str(os.write(fd, DATA))
        except OSError as e:
            r = "err " + errno.errorcode.get(e.errno, str(e.errno))
        os.write(prob, b"0")
        os.write(mark, b"0")
        os.fsync(fd)
        os.close(fd)
        out.append("f%d %s\n" % (k, r))
    dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
    os.fsync(dfd)
    os.close(dfd)
    with open(logp, "w") as f:
        f.writelines(out)


def check(d, logp, need_short):
    bad = []
    short = 0
    with open(logp) as f:
        lines = f.read().split("\n")
    for line in filter(None, lines):
        name, r = line.split(" ", 1)
        n = 0 if r.startswith("err") else int(r)
        if 0 < n < len(DATA):
            short += 1
        with open(os.path.join(d, name), "rb") as f:
            got = f.read()
        if got != DATA[:n]:
            bad.append("%s: write(2) gave %s, the file holds %d bytes%s" % (
                name, r, len(got),
                "" if len(got) != n else " of other content"))
    for b in bad:
        print("shortwrite.py: " + b, file=sys.stderr)
    if not short:
        print("shortwrite.py: no write(2) was short: the check tested nothing",
              file=sys.stderr)
        if need_short:
            return 1
    return 1 if bad else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    need = "--need-short" in args
    if need:
        args.remove("--need-short")
    if len(args) != 3 or args[0] not in ("write", "check") or (need and args[0] != "check"):
        sys.exit(__doc__)
    if args[0] == "write":
        write(args[1], args[2])
    else:
        sys.exit(check(args[1], args[2], need))
