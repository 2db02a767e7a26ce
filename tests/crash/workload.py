# SPDX-License-Identifier: GPL-2.0-only
"""The crash-consistency workload and its oracle.

    workload.py UPPER ORACLE_DIR DM_NAME

Runs creates, appends, overwrites, truncates (down and up), renames
(within and across directories, and over an existing file), unlinks and
mmap writes on the eCryptfs mount UPPER, each file fsynced at chosen
points.  The model of every file's contents is kept here, and the
journal ORACLE_DIR/journal.json records every state each file went
through ("state": file, version, name or None when unlinked) and every
point where a state became durable ("durable": file, version: the file
and its directory were fsynced).  After each durable point a mark
"d<n>" goes into the dm-log-writes log of DM_NAME, so that the replay
knows, at each crash point, which durable points precede it.  The state
of every version is kept as ORACLE_DIR/<file>.<version>.  A truncate
down to a size inside a page records, before the truncated state, the
old contents with that page's tail zeroed: the padding eCryptfs writes
first, which the lower file system may make durable before the new size.
At the end every file is read back through UPPER and compared with the
model: the workload itself must leave the right bytes.
"""

import json
import mmap
import os
import random
import subprocess
import sys
import time

upper, oracle, dm_name = sys.argv[1:4]
rng = random.Random(20)
PAGE = 4096
journal = []
model = {}      # file id -> [name, bytes, version]
ids = {}        # name -> file id
mark_no = 0


def data(n):
    return rng.randbytes(n)


def path(name):
    return os.path.join(upper, name)


def record(fid):
    name, content, ver = model[fid]
    with open(os.path.join(oracle, "%s.%d" % (fid, ver)), "wb") as f:
        f.write(content)
    journal.append({"ev": "state", "file": fid, "ver": ver, "name": name})


def new_state(fid, content=None, name=False):
    m = model[fid]
    if content is not None:
        m[1] = content
    if name is not False:
        m[0] = name
    m[2] += 1
    record(fid)
    # Let the lower file system's periodic commit and writeback run now
    # and then, so that crash points fall between the workload's steps.
    time.sleep(0.15)


def create(name, fid):
    fd = os.open(path(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.close(fd)
    model[fid] = [name, b"", 0]
    ids[name] = fid
    record(fid)


def pwrite(fid, off, buf, flags=0):
    name, content, _ = model[fid]
    fd = os.open(path(name), os.O_WRONLY | flags)
    try:
        if flags & os.O_APPEND:
            off = len(content)
            done = os.write(fd, buf)
        else:
            done = os.pwrite(fd, buf, off)
        if done != len(buf):
            sys.exit("short write to %s: %d of %d" % (name, done, len(buf)))
    finally:
        os.close(fd)
    if off > len(content):
        content = content + bytes(off - len(content))
    new_state(fid, content[:off] + buf + content[off + len(buf):])


def truncate(fid, size):
    name, content, _ = model[fid]
    end = min(-(-size // PAGE) * PAGE, len(content))
    if size < len(content) and size < end:
        # eCryptfs pads the new last extent with zeros before the size
        # shrinks; the lower file system may make that page durable first
        # (ext4 tears its own unsynced truncates the same way).  The
        # file's state in between: the old size, that page's tail zeroed.
        model[fid][1] = content[:size] + bytes(end - size) + content[end:]
        model[fid][2] += 1
        record(fid)
    os.truncate(path(name), size)
    new_state(fid, content[:size] + bytes(max(0, size - len(content))))


def mmap_write(fid, off, buf):
    name, content, _ = model[fid]
    if off + len(buf) > len(content):
        sys.exit("mmap_write past the end of %s" % name)
    fd = os.open(path(name), os.O_RDWR)
    try:
        m = mmap.mmap(fd, len(content))
        m[off:off + len(buf)] = buf
        m.flush()
        m.close()
    finally:
        os.close(fd)
    new_state(fid, content[:off] + buf + content[off + len(buf):])


def rename(fid, new):
    old = model[fid][0]
    victim = ids.get(new)
    os.rename(path(old), path(new))
    del ids[old]
    if victim is not None and victim != fid:
        new_state(victim, name=None)
    ids[new] = fid
    new_state(fid, name=new)


def unlink(fid):
    name = model[fid][0]
    os.unlink(path(name))
    del ids[name]
    new_state(fid, name=None)


def fsync_dir(d):
    fd = os.open(path(d) if d else upper, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def durable(*fids):
    """fsync each file and its directory, then mark the log."""
    global mark_no
    for fid in fids:
        name = model[fid][0]
        if name is not None:
            fd = os.open(path(name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            fsync_dir(os.path.dirname(name))
        else:
            for d in ("", "d"):
                fsync_dir(d)
    mark_no += 1
    for fid in fids:
        journal.append({"ev": "durable", "file": fid, "ver": model[fid][2], "mark": mark_no})
    subprocess.run(["dmsetup", "message", dm_name, "0", "mark", "d%d" % mark_no], check=True)


os.mkdir(path("d"))
fsync_dir("")

# 1. a small file, durable; then appended (not durable).
create("f0", "A")
pwrite("A", 0, data(10000))
durable("A")
pwrite("A", 0, data(5000), os.O_APPEND)

# 2. a file of several 128 KiB chunks, never fsynced until truncated.
create("f1", "B")
pwrite("B", 0, data(300 * 1024))
create("f2", "C")
pwrite("C", 0, data(5000))
durable("C")
# 3. an overwrite inside the first extent and across extents.
pwrite("C", 1000, data(4096))
durable("C")
truncate("B", 70000)
durable("B")

# 4. renames: within the root, then into the subdirectory.
rename("C", "f2r")
durable("C")
rename("C", "d/f2r")
durable("C")

# 5. a short-lived file, never durable.
create("f3", "D")
pwrite("D", 0, data(12345))
unlink("D")

# 6. a file written through a shared mapping.
create("f4", "E")
truncate("E", 200 * 1024)
mmap_write("E", 0, data(200 * 1024))
durable("E")
mmap_write("E", 8192 + 100, data(3000))
unlink("A")
durable("A")
truncate("E", 300 * 1024)
durable("E")

# 7. one write(2) of 1 MiB (eight chunks), durable, then rewritten whole.
create("f5", "F")
pwrite("F", 0, data(1 << 20))
durable("F")
pwrite("F", 0, data(1 << 20))

# 8. the atomic-replace idiom: a new file written, fsynced, renamed over B.
create("f6.tmp", "G")
pwrite("G", 0, data(50000))
durable("G")
rename("G", "f1")
durable("G")

# 9. small appends, then durable; a truncate to zero and a regrowth.
for _ in range(5):
    pwrite("E", 0, data(777), os.O_APPEND)
durable("E")
truncate("F", 0)
pwrite("F", 0, data(9000))
durable("F")
pwrite("F", 4096, data(100))

# 10. a file created in the subdirectory and left to writeback.
create("d/g", "H")
pwrite("H", 0, data(40000))
time.sleep(2)

# The workload's own check: every live file reads back as modelled.
for fid, (name, content, ver) in model.items():
    if name is None:
        continue
    with open(path(name), "rb") as f:
        got = f.read()
    if got != content:
        sys.exit("workload: %s reads back %d bytes, the model has %d (or other bytes)"
                 % (name, len(got), len(content)))
live = sorted(n for n in ids)
seen = sorted(["d/" + n for n in os.listdir(path("d"))] +
              [n for n in os.listdir(upper) if n not in ("d", "lost+found")])
if live != seen:
    sys.exit("workload: the mount lists %s, the model %s" % (seen, live))
with open(os.path.join(oracle, "journal.json"), "w") as f:
    json.dump(journal, f)
print("workload: %d states, %d durable points" %
      (sum(1 for e in journal if e["ev"] == "state"), mark_no))
