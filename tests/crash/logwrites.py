# SPDX-License-Identifier: GPL-2.0-only
"""Reader and replayer of a dm-log-writes log.

The on-disk format (drivers/md/dm-log-writes.c, all fields little endian):
sector 0 holds the super (magic, version, number of entries, sector
size); from the second sector on, each entry is one sector that starts
with (sector, nr_sectors, flags, data_len), followed, for a write, by
nr_sectors sectors of the data written.  A mark keeps its text in its own
entry sector, after the four fields; a discard has no data.  Entries are
in the order the device made them durable: the writes a flush covered
come before that flush's entry, and a FUA write is logged as it
completes.  Sector numbers and counts are in units of the super's sector
size.
"""

import os
import struct

MAGIC = 0x6a736677736872
VERSION = 1
FLUSH, FUA, DISCARD, MARK, METADATA = 1, 2, 4, 8, 16
_SUPER = struct.Struct("<QQQI")
_ENTRY = struct.Struct("<QQQQ")


class LogError(Exception):
    pass


class Entry:
    """One log entry; data_at is where its data starts in the log."""

    __slots__ = ("index", "sector", "nr_sectors", "flags", "mark", "data_at")

    def __init__(self, index, sector, nr_sectors, flags, mark, data_at):
        self.index, self.sector, self.nr_sectors = index, sector, nr_sectors
        self.flags, self.mark, self.data_at = flags, mark, data_at

    def is_barrier(self):
        """A crash point: the device had everything before this durable."""
        return bool(self.flags & (FLUSH | FUA))

    def __repr__(self):
        names = [n for bit, n in ((FLUSH, "flush"), (FUA, "fua"), (DISCARD, "discard"),
                                  (MARK, "mark"), (METADATA, "meta")) if self.flags & bit]
        what = "mark %r" % self.mark if self.mark is not None else \
            "sector %d +%d" % (self.sector, self.nr_sectors)
        return "#%d %s [%s]" % (self.index, what, ",".join(names))


def read_log(path):
    """Return (sector size, [Entry...]) of the log at path; LogError when
    it is not a complete dm-log-writes log."""
    with open(path, "rb") as f:
        head = f.read(_SUPER.size)
        if len(head) < _SUPER.size:
            raise LogError("%s: too short for a dm-log-writes super" % path)
        magic, version, count, ssize = _SUPER.unpack(head)
        if magic != MAGIC or version != VERSION:
            raise LogError("%s: not a dm-log-writes log (magic %#x version %d)"
                           % (path, magic, version))
        if ssize < 512 or ssize & (ssize - 1):
            raise LogError("%s: bad sector size %d" % (path, ssize))
        size = os.fstat(f.fileno()).st_size
        entries = []
        at = ssize
        for i in range(count):
            if at + ssize > size:
                raise LogError("%s: entry %d of %d lies past the end" % (path, i, count))
            f.seek(at)
            raw = f.read(ssize)
            sector, nr, flags, dlen = _ENTRY.unpack_from(raw)
            mark = None
            if flags & MARK:
                if dlen > ssize - _ENTRY.size:
                    raise LogError("%s: mark of entry %d too long" % (path, i))
                mark = raw[_ENTRY.size:_ENTRY.size + dlen].decode("ascii", "replace")
            at += ssize
            data_at = at
            if not flags & (DISCARD | MARK):
                at += nr * ssize
            if at > size:
                raise LogError("%s: data of entry %d lies past the end" % (path, i))
            entries.append(Entry(i, sector, nr, flags, mark, data_at))
    return ssize, entries


class Replayer:
    """Applies entries in order to an image file that starts as the
    device's contents when logging began."""

    def __init__(self, log_path, image_path, ssize):
        self.log = open(log_path, "rb")
        self.fd = os.open(image_path, os.O_RDWR)
        self.ssize = ssize
        self.size = os.fstat(self.fd).st_size

    def close(self):
        self.log.close()
        os.close(self.fd)

    def apply(self, e):
        """Write entry e to the image; return whether it changed bytes."""
        if e.flags & MARK or e.nr_sectors == 0:
            return False
        off, length = e.sector * self.ssize, e.nr_sectors * self.ssize
        if off + length > self.size:
            raise LogError("entry %r lies past the end of the image" % e)
        if e.flags & DISCARD:
            # What a discarded range reads as is up to the device: zeroes
            # is what the loop device under the test gives.
            zero = bytes(min(length, 1 << 20))
            done = 0
            while done < length:
                n = min(len(zero), length - done)
                os.pwrite(self.fd, zero[:n], off + done)
                done += n
            return True
        self.log.seek(e.data_at)
        data = self.log.read(length)
        if len(data) != length:
            raise LogError("short data in entry %r" % e)
        os.pwrite(self.fd, data, off)
        return True
