# SPDX-License-Identifier: GPL-2.0-only
"""Replay a dm-log-writes log to every crash point and check eCryptfs there.

    replay.py LOG BASE_IMAGE ORACLE_DIR WORK_DIR MOUNT_OPTIONS LABEL

BASE_IMAGE is the lower device as it was when logging began (a fresh
ext4); the entries of LOG are applied to a copy of it in order, and at
every flush or FUA entry (a crash point: the device had made everything
before it durable, nothing after) the state is checked on a scratch copy:

  - the lower ext4 is mounted (its journal replayed), eCryptfs
    is mounted over it with MOUNT_OPTIONS, and every name in the mount is
    stat'ed and read back in full;
  - the names and bytes are compared with the oracle that workload.py
    wrote: a file made durable (fsynced with its directory) before the
    last mark "d<n>" that precedes the crash point must be present, at
    one of the names it had since, reading back its durable state or a
    later one; any other file may also be absent; and every live name must
    belong to a file, stat and read without error, have a size between the
    smallest and the largest size of the states allowed to it, and read
    back, 4 KiB by 4 KiB, bytes that one of those states held at that
    offset.  An unsynced overwrite may tear at page boundaries (the lower
    file system's own rule), but a name that gives EIO, or bytes no state
    ever held (a hole decrypted, a stale header), is a violation;
  - both are unmounted and the lower ext4 is checked with e2fsck -fn.

A point whose replayed bytes and preceding marks equal those of the last
checked point is counted but not mounted again.  Prints one line per
violation and a summary "LABEL: crash points N, states checked S,
violations V, lower fsck errors F"; exit status 1 when V or F > 0.
"""

import collections
import errno
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logwrites  # noqa: E402

PAGE = 4096


class Oracle:
    def __init__(self, d):
        self.dir = d
        with open(os.path.join(d, "journal.json")) as f:
            journal = json.load(f)
        self.states = collections.defaultdict(list)     # fid -> [(ver, name)]
        self.durable = collections.defaultdict(list)    # fid -> [(mark, ver)]
        for e in journal:
            if e["ev"] == "state":
                self.states[e["file"]].append((e["ver"], e["name"]))
            else:
                self.durable[e["file"]].append((e["mark"], e["ver"]))
        self._content = {}

    def content(self, fid, ver):
        key = (fid, ver)
        if key not in self._content:
            with open(os.path.join(self.dir, "%s.%d" % key), "rb") as f:
                self._content[key] = f.read()
        return self._content[key]

    def find_page(self, piece):
        """Where piece (a page or the tail of a file) occurs in any state of
        any file, at a page-aligned offset (for the report)."""
        for fid, states in self.states.items():
            for v, _ in states:
                c = self.content(fid, v)
                for off in range(0, len(c), PAGE):
                    if c[off:off + len(piece)] == piece:
                        return "file %s version %d offset %d" % (fid, v, off)
        return None

    def allowed(self, marks):
        """fid -> (required, [(ver, name)]) once marks d1..d<marks> are in."""
        out = {}
        for fid, states in self.states.items():
            d = max((v for m, v in self.durable[fid] if m <= marks), default=None)
            if d is None:
                out[fid] = (False, states)
            else:
                out[fid] = (True, [(v, n) for v, n in states if v >= d])
        return out


def matches(got, states):
    """Whether got could be the file after a crash: its size within the
    states' sizes, each page equal to that page of one of them."""
    if not states:
        return False
    sizes = [len(s) for s in states]
    if not min(sizes) <= len(got) <= max(sizes):
        return False
    for off in range(0, len(got), PAGE):
        piece = got[off:off + PAGE]
        if not any(len(s) >= off + len(piece) and s[off:off + len(piece)] == piece
                   for s in states):
            return False
    return True


def walk(upper):
    """{relative name: bytes or an error string} of every file in upper."""
    seen = {}
    for root, dirs, files in os.walk(upper, onerror=lambda e: seen.setdefault(
            "<walk>", "listing: %s" % e)):
        rel = os.path.relpath(root, upper)
        for n in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            name = n if rel == "." else os.path.join(rel, n)
            p = os.path.join(root, n)
            try:
                os.lstat(p)
                with open(p, "rb") as f:
                    data = f.read()
                    st = os.fstat(f.fileno())
                if len(data) != st.st_size:
                    seen[name] = "size %d but %d bytes read" % (st.st_size, len(data))
                else:
                    seen[name] = data
            except OSError as e:
                seen[name] = "%s: %s" % (errno.errorcode.get(e.errno, e.errno), e.strerror)
    return seen


def describe_lower(lower):
    """Size, header bytes and xattr size of each lower file (for the report)."""
    out = []
    for root, _, files in os.walk(lower):
        for n in files:
            p = os.path.join(root, n)
            try:
                with open(p, "rb") as f:
                    body = f.read()
                try:
                    x = os.getxattr(p, "user.ecryptfs")
                except OSError:
                    x = b""
                zero = [i for i in range(0, len(body), PAGE) if not any(body[i:i + PAGE])]
                out.append("%s %d bytes (%d zero pages%s), xattr %d bytes%s, head %s" % (
                    os.path.relpath(p, lower)[-24:], len(body), len(zero),
                    " from %d" % zero[0] if zero else "", len(x),
                    " size %d" % int.from_bytes(x[:8], "big") if len(x) >= 8 else "",
                    body[:24].hex()))
            except OSError as e:
                out.append("%s: %s" % (n, e))
    return "; ".join(out)


def check_state(oracle, marks, seen):
    """The violations (strings) of one mounted state."""
    bad = []
    allowed = oracle.allowed(marks)
    owners = collections.defaultdict(list)          # name -> [fid]
    for fid, (_, states) in allowed.items():
        for _, n in states:
            if n is not None and fid not in owners[n]:
                owners[n].append(fid)
    found = set()
    for name, got in sorted(seen.items()):
        if isinstance(got, str):
            bad.append("%s: %s" % (name, got))
            continue
        if name not in owners:
            bad.append("%s: a name no file of the workload had (%d bytes)" % (name, len(got)))
            continue
        ok = False
        for fid in owners[name]:
            cands = [oracle.content(fid, v) for v, n in allowed[fid][1] if n == name]
            if matches(got, cands):
                ok = True
                found.add(fid)
        if not ok:
            sizes = sorted({len(oracle.content(f, v)) for f in owners[name]
                            for v, n in allowed[f][1] if n == name})
            pages = []
            for fid in owners[name]:
                cands = [oracle.content(fid, v) for v, n in allowed[fid][1] if n == name]
                pages += [off for off in range(0, len(got), PAGE)
                          if not any(s[off:off + PAGE] == got[off:off + PAGE] for s in cands)]
            zero = sum(1 for off in pages if not any(got[off:off + PAGE]))
            if pages:
                where = oracle.find_page(got[pages[0]:pages[0] + PAGE])
                if where:
                    pages_note = "; the first such page is %s" % where
                else:
                    pages_note = "; the first such page is in no state of any file"
            else:
                pages_note = ""
            bad.append("%s: %d bytes that no allowed state holds (sizes allowed: %s; "
                       "pages held by none: %d from offset %s, %d of them zeros%s)"
                       % (name, len(got), sizes, len(pages), pages[0] if pages else "-", zero,
                          pages_note))
    for fid, (required, states) in allowed.items():
        if required and fid not in found and all(n is not None for _, n in states):
            names = sorted({n for _, n in states})
            bad.append("file %s (durable) missing or wrong at %s" % (fid, " or ".join(names)))
    return bad


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def main():
    log, base, oracle_dir, work, options, label = sys.argv[1:7]
    oracle = Oracle(oracle_dir)
    ssize, entries = logwrites.read_log(log)
    image = os.path.join(work, "replay.img")
    scratch = os.path.join(work, "scratch.img")
    lower = os.path.join(work, "lower")
    upper = os.path.join(work, "upper")
    for d in (lower, upper):
        os.makedirs(d, exist_ok=True)
    shutil.copyfile(base, image)
    rep = logwrites.Replayer(log, image, ssize)

    points = checked = 0
    violations = []
    fsck_errors = []
    marks = 0
    changed = True
    last_marks = -1
    for e in entries:
        if e.mark is not None and e.mark.startswith("d") and e.mark[1:].isdigit():
            marks = max(marks, int(e.mark[1:]))
        if rep.apply(e):
            changed = True
        if not e.is_barrier():
            continue
        points += 1
        if not changed and marks == last_marks:
            continue
        changed, last_marks = False, marks
        checked += 1
        where = "%s point %d (entry %d, after mark d%d)" % (label, points, e.index, marks)
        shutil.copyfile(image, scratch)
        # Mounted read-write, as after a real crash: ext4 replays its
        # journal, and eCryptfs may complete what it finds (a header for an
        # empty lower file); e2fsck checks the result afterwards.
        r = run(["losetup", "-f", "--show", scratch])
        if r.returncode:
            sys.exit("%s: losetup: %s" % (where, r.stdout))
        loop = r.stdout.strip()
        r = run(["mount", "-t", "ext4", loop, lower])
        if r.returncode:
            fsck_errors.append("%s: the lower ext4 does not mount: %s" % (where, r.stdout.strip()))
            run(["losetup", "-d", loop])
            continue
        r = run(["mount", "-i", "-t", "ecryptfs", lower, upper, "-o", options])
        if r.returncode:
            violations.append("%s: eCryptfs does not mount: %s" % (where, r.stdout.strip()))
            run(["umount", lower])
            run(["losetup", "-d", loop])
            continue
        try:
            seen = walk(upper)
            lower_view = describe_lower(lower)
        finally:
            for m in (upper, lower):
                r = run(["umount", "-i", m] if m == upper else ["umount", m])
                if r.returncode:
                    sys.exit("%s: cannot unmount %s: %s" % (where, m, r.stdout))
            run(["losetup", "-d", loop])
        bad = check_state(oracle, marks, seen)
        for v in bad:
            violations.append("%s: %s" % (where, v))
        if bad and lower_view:
            violations.append("%s: the lower files: %s" % (where, lower_view))
        r = run(["e2fsck", "-fn", scratch])
        if r.returncode:
            fsck_errors.append("%s: e2fsck -fn status %d: %s" % (
                where, r.returncode, " | ".join(r.stdout.strip().splitlines()[-4:])))
    rep.close()
    for v in violations:
        print("VIOLATION", v)
    for v in fsck_errors:
        print("LOWER-FSCK", v)
    print("%s: crash points %d, states checked %d, violations %d, lower fsck errors %d"
          % (label, points, checked, len(violations), len(fsck_errors)))
    if points == 0:
        print("%s: the log holds no crash point: nothing was tested" % label)
        sys.exit(2)
    sys.exit(1 if violations or fsck_errors else 0)


if __name__ == "__main__":
    main()
