# SPDX-License-Identifier: GPL-2.0-only
#
# ktest.py: helpers for the kernel-module test scripts in tests/vm/ (run by
# them inside the VM as /usr/bin/python3 tests/vm/ktest.py CMD ARGS...).
#
# Results that a script compares are printed as plain text (an errno name
# such as EIO, or OK); a failed check prints "FAIL: ..." on stderr and exits 1.
import ctypes
import ctypes.util
import errno
import hashlib
import os
import random
import stat
import struct
import sys

libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)

MARKER_XOR = 0x3C81B7F5
SALT = bytes.fromhex("0011223344556677")
# (cipher name, key bytes) -> RFC 2440 cipher code written in tag 3.
CIPHER_CODES = {
    ("aes", 16): 0x07, ("aes", 24): 0x08, ("aes", 32): 0x09,
    ("blowfish", None): 0x04, ("des3_ede", None): 0x02, ("cast5", None): 0x03,
    ("twofish", None): 0x0A, ("cast6", None): 0x0B,
}
# The sizes every interop set holds (issue 4).
SIZES = [0, 1, 15, 16, 4095, 4096, 4097, 8191, 8192, 12289, 65536, 1048576 + 3]


def die(msg):
    """Report a failed check and stop."""
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def ename(e):
    return errno.errorcode.get(e, str(e))


def data(key, n):
    """n deterministic bytes named by key (same on every run)."""
    return random.Random(key).randbytes(n)


def cipher_code(name, key_bytes):
    if name == "aes":
        return CIPHER_CODES[(name, key_bytes)]
    return CIPHER_CODES[(name, None)]


def lower_size(size, xattr=False, header=8192):
    ext = (size + 4095) // 4096 * 4096
    return ext if xattr else header + ext


# ---------------------------------------------------------------- file sets
#
# A "set" is a group of files written through a mount; every operation is
# applied in the same way to a plain copy (the model) on tmpfs, so checking
# is a byte comparison with the model.

def apply_all(paths, fn):
    for p in paths:
        fn(p)


def set_ops(key):
    """(name, function(path)) pairs that build the files of a set."""
    ops = []
    for s in SIZES:
        def mk(p, s=s):
            with open(p, "wb") as f:
                f.write(data(key + str(s), s))
        ops.append(("size-%d" % s, mk))

    def sparse(p):
        with open(p, "wb") as f:
            f.write(b"start")
            f.seek(300000 + 17)
            f.write(b"far past EOF")
    ops.append(("sparse", sparse))

    def grown(p):
        with open(p, "wb") as f:
            f.write(data(key + "g", 100))
            os.ftruncate(f.fileno(), 20000)
            f.seek(9000)
            f.write(b"middle")
    ops.append(("truncgrown", grown))
    return ops


def cmd_mkset(args):
    upper, model, key = args
    os.makedirs(model, exist_ok=True)
    for name, fn in set_ops(key):
        fn(os.path.join(upper, name))
        fn(os.path.join(model, name))


def modify(p, key):
    size = os.stat(p).st_size
    with open(p, "ab") as f:                 # append
        f.write(data(key + "app", 5000))
    size += 5000
    with open(p, "r+b") as f:                # overwrite in the middle
        f.seek(size // 2)
        f.write(data(key + "mid", 3000))
    size = max(size, size // 2 + 3000)
    with open(p, "r+b") as f:                # truncate down, off a boundary
        f.truncate(size - size // 7 - 1)


def cmd_modify(args):
    upper, model, key = args
    for name in sorted(os.listdir(model)):
        modify(os.path.join(upper, name), key + name)
        modify(os.path.join(model, name), key + name)


def cmd_verify(args):
    upper, model = args
    want = sorted(os.listdir(model))
    got = sorted(n for n in os.listdir(upper))
    if want != got:
        die("%s lists %s, expected %s" % (upper, got, want))
    for name in want:
        a = os.path.join(upper, name)
        with open(os.path.join(model, name), "rb") as f:
            w = f.read()
        # fstat after open: the reference reports the lower size for an
        # xattr-metadata file until it has been opened once.
        with open(a, "rb") as f:
            st = os.fstat(f.fileno())
            if st.st_size != len(w):
                die("%s: st_size %d, expected %d" % (a, st.st_size, len(w)))
            g = f.read()
        if g != w:
            off = next((i for i in range(min(len(g), len(w))) if g[i] != w[i]), min(len(g), len(w)))
            die("%s: content differs from the model (read %d bytes, expected %d; first difference at %d)"
                % (a, len(g), len(w), off))


# ------------------------------------------------------------ header checks

def parse_header(d, sigs, code, efek_len, xattr):
    """Check the header bytes d (file head or xattr value); return the size
    field and the offset just past the terminator."""
    size = struct.unpack(">Q", d[0:8])[0]
    m1, m2 = struct.unpack(">II", d[8:16])
    if m1 ^ MARKER_XOR != m2:
        raise ValueError("marker invalid: %08x %08x" % (m1, m2))
    flags = struct.unpack(">I", d[16:20])[0]
    want_flags = 0x03000002 | (0x04 if xattr else 0)
    if flags != want_flags:
        raise ValueError("flags word %08x, expected %08x" % (flags, want_flags))
    if d[20:26] != bytes.fromhex("000010000002"):
        raise ValueError("bytes 20..25 are %s" % d[20:26].hex())
    pos = 26
    for sig in sigs:
        body = 13 + efek_len
        want = bytes([0x8C, body, 4, code, 3, 1]) + SALT + b"\x60"
        if d[pos:pos + 15] != want:
            raise ValueError("tag 3 at %d is %s, expected %s..." % (pos, d[pos:pos + 15].hex(), want.hex()))
        pos += 2 + body
        want = bytes([0xED, 22, 0x62, 8]) + b"_CONSOLE" + bytes(4) + bytes.fromhex(sig)
        if d[pos:pos + 24] != want:
            raise ValueError("tag 11 at %d is %s, expected %s" % (pos, d[pos:pos + 24].hex(), want.hex()))
        pos += 24
    if d[pos] != 0:
        raise ValueError("no terminator at %d" % pos)
    return size, pos + 1


def cmd_lowercheck(args):
    """lowercheck LOWERDIR MODELDIR CIPHER KEYBYTES SIG[,SIG] [xattr]"""
    lower, model, cipher, kb, sigs = args[:5]
    xattr = len(args) > 5 and args[5] == "xattr"
    kb = int(kb)
    sigs = sigs.split(",")
    code = cipher_code(cipher, kb)
    efek = 32 if (cipher == "aes" and kb == 24) else kb
    efeks = {}
    for name in sorted(os.listdir(model)):
        size = os.stat(os.path.join(model, name)).st_size
        lp = os.path.join(lower, name)
        st = os.stat(lp)
        if st.st_size != lower_size(size, xattr):
            die("%s: lower size %d for %d bytes, expected %d" % (lp, st.st_size, size, lower_size(size, xattr)))
        try:
            if xattr:
                d = os.getxattr(lp, "user.ecryptfs")
                # The packets without the 0x00 terminator (the reference
                # writes the terminator but does not count it): 81 bytes
                # for one AES-128 key.
                want_len = 26 + (2 + 13 + efek + 24) * len(sigs)
                if len(d) == want_len + 1 and os.environ.get("KTEST_DIAG_XATTR_LEN"):
                    print("diagnostic: %s: user.ecryptfs is %d bytes, reference %d" % (lp, len(d), want_len))
                elif len(d) != want_len:
                    die("%s: user.ecryptfs is %d bytes, expected %d" % (lp, len(d), want_len))
                d = d + b"\0"
            else:
                with open(lp, "rb") as f:
                    d = f.read(8192)
            hsize, end = parse_header(d, sigs, code, efek, xattr)
        except ValueError as e:
            die("%s: %s" % (lp, e))
        if hsize != size:
            die("%s: size field %d, expected %d" % (lp, hsize, size))
        if not xattr and any(d[end:8192]):
            die("%s: header region not zero after the packets" % lp)
        # No holes: every extent is written (st_blocks covers the file).
        if st.st_blocks * 512 < st.st_size:
            die("%s: lower file has holes (%d blocks for %d bytes)" % (lp, st.st_blocks, st.st_size))
        ef = d[26 + 15:26 + 15 + efek]
        if ef in efeks:
            die("%s and %s share an encrypted FEK" % (lp, efeks[ef]))
        efeks[ef] = lp


# -------------------------------------------------------------- syscalls

def cmd_mount(args):
    """mount SRC DST OPTS [ro]: mount(2) without any helper; prints OK or the errno."""
    src, dst, opts = args[:3]
    flags = 1 if len(args) > 3 and args[3] == "ro" else 0
    r = libc.mount(src.encode(), dst.encode(), b"ecryptfs", ctypes.c_ulong(flags), opts.encode())
    print("OK" if r == 0 else ename(ctypes.get_errno()))


def sys_mount(src, dst, opts, flags=0):
    r = libc.mount(src.encode(), dst.encode(), b"ecryptfs", ctypes.c_ulong(flags), opts.encode())
    if r != 0:
        die("mount %s on %s -o %s: %s" % (src, dst, opts, os.strerror(ctypes.get_errno())))


def sys_umount(dst):
    if libc.umount2(dst.encode(), 0) != 0:
        die("umount %s: %s" % (dst, os.strerror(ctypes.get_errno())))


def cmd_interop(args):
    """interop [--xattr] ACTION BASE SET SIG CIPHER:KB...: for every cipher mount
    BASE/SET-<cipher><kb> on BASE/up, run ACTION (write, check, change) on
    the set against its model BASE/model-SET-<cipher><kb>, unmount, and
    check the lower files."""
    xattr = args[0] == "--xattr"
    if xattr:
        args = args[1:]
    action, base, setname, sig = args[:4]
    up = os.path.join(base, "up")
    os.makedirs(up, exist_ok=True)
    for c in args[4:]:
        name, kb = c.split(":")
        tag = "%s-%s%s" % (setname, name, kb)
        lower = os.path.join(base, tag)
        model = os.path.join(base, "model-" + tag)
        os.makedirs(lower, exist_ok=True)
        sys_mount(lower, up, "ecryptfs_sig=%s,ecryptfs_cipher=%s,ecryptfs_key_bytes=%s%s"
                  % (sig, name, kb, ",ecryptfs_xattr_metadata" if xattr else ""))
        if action == "write":
            cmd_mkset([up, model, tag])
        elif action == "check":
            cmd_verify([up, model])
        elif action == "change":
            cmd_verify([up, model])
            cmd_modify([up, model, "m" + tag])
        else:
            die("unknown interop action " + action)
        sys_umount(up)
        cmd_lowercheck([lower, model, name, kb, sig] + (["xattr"] if xattr else []))
        print("  %s %s: ok" % (action, tag), flush=True)


# ------------------------------------------------------------- namespace

class Checker:
    """Counts checks; a failed one is reported and the run goes on, the
    exit status says whether all passed."""

    def __init__(self, who):
        self.who, self.n, self.bad = who, 0, 0

    def eq(self, what, got, want):
        self.n += 1
        if got != want:
            self.bad += 1
            print("FAIL: %s: %s: got %r, expected %r" % (self.who, what, got, want), file=sys.stderr)

    def err(self, what, fn, want):
        """fn() must fail with errno want (a name), or succeed when want is OK."""
        try:
            fn()
            got = "OK"
        except OSError as e:
            got = ename(e.errno)
        self.eq(what, got, want)

    def done(self):
        print("%s: %d checks, %d failed" % (self.who, self.n, self.bad))
        sys.exit(1 if self.bad else 0)


RENAME_NOREPLACE = 1
SYS_RENAMEAT2 = 316
AT_FDCWD = -100


def renameat2(a, b, flags):
    r = libc.syscall(SYS_RENAMEAT2, AT_FDCWD, a.encode(), AT_FDCWD, b.encode(), flags)
    if r != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def inotify_events(fd):
    out = []
    try:
        buf = os.read(fd, 65536)
    except BlockingIOError:
        return out
    i = 0
    while i < len(buf):
        wd, mask, cookie, ln = struct.unpack_from("iIII", buf, i)
        name = buf[i + 16:i + 16 + ln].rstrip(b"\0").decode()
        out.append((mask, name))
        i += 16 + ln
    return out


def cmd_namespace(args):
    """namespace UPPER LOWER MODULE: namespace, attribute and I/O checks
    on a mounted eCryptfs UPPER (lower dir LOWER); MODULE (ours or
    reference) selects the copy_file_range/splice expectations."""
    up, low, module = args
    c = Checker(module)
    P = lambda *n: os.path.join(up, *n)
    L = lambda *n: os.path.join(low, *n)

    # inotify on the upper directory while everything below happens
    IN_MODIFY, IN_CLOSE_WRITE, IN_MOVED_FROM, IN_MOVED_TO = 0x2, 0x8, 0x40, 0x80
    IN_CREATE, IN_DELETE, IN_ATTRIB = 0x100, 0x200, 0x4
    ino = libc.inotify_init1(os.O_NONBLOCK)
    c.eq("inotify_init1", ino >= 0, True)
    os.mkdir(P("watched"))
    wd = libc.inotify_add_watch(ino, P("watched").encode(),
                                IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ATTRIB)
    c.eq("inotify_add_watch", wd >= 0, True)
    with open(P("watched", "a"), "wb") as f:
        f.write(b"x")
    os.rename(P("watched", "a"), P("watched", "b"))
    os.chmod(P("watched", "b"), 0o640)
    os.unlink(P("watched", "b"))
    ev = inotify_events(ino)
    os.close(ino)
    want = [(IN_CREATE, "a"), (IN_MODIFY, "a"), (IN_CLOSE_WRITE, "a"), (IN_MOVED_FROM, "a"),
            (IN_MOVED_TO, "b"), (IN_ATTRIB, "b"), (IN_DELETE, "b")]
    c.eq("inotify events", [(m & ~0x40000000, n) for m, n in ev], want)

    # create, readdir, unlink, mkdir, rmdir
    for n in ("f1", "f2", "f3"):
        with open(P(n), "wb") as f:
            f.write(n.encode() * 1000)
    os.mkdir(P("d1"))
    os.mkdir(P("d1", "sub"))
    c.eq("readdir", sorted(os.listdir(up)), sorted(["watched", "f1", "f2", "f3", "d1"]))
    c.eq("lower names (no filename encryption)", sorted(os.listdir(low)), sorted(os.listdir(up)))
    c.eq("lower size of f1", os.stat(L("f1")).st_size, 8192 + 4096)
    c.err("rmdir of a non-empty dir", lambda: os.rmdir(P("d1")), "ENOTEMPTY")
    os.rmdir(P("d1", "sub"))
    c.eq("rmdir", os.path.exists(L("d1", "sub")), False)
    os.unlink(P("f3"))
    c.eq("unlink", os.path.exists(L("f3")), False)
    c.err("open after unlink", lambda: os.stat(P("f3")), "ENOENT")
    c.err("mkdir over a file", lambda: os.mkdir(P("f1")), "EEXIST")

    # rename: plain, across directories, over a file, RENAME_NOREPLACE
    os.rename(P("f2"), P("d1", "f2moved"))
    with open(P("d1", "f2moved"), "rb") as f:
        c.eq("content after rename across dirs", f.read(), b"f2" * 1000)
    with open(P("victim"), "wb") as f:
        f.write(b"old")
    os.rename(P("d1", "f2moved"), P("victim"))
    with open(P("victim"), "rb") as f:
        c.eq("rename over a file", f.read(), b"f2" * 1000)
    c.err("RENAME_NOREPLACE", lambda: renameat2(P("victim"), P("nonexistent"), RENAME_NOREPLACE), "EINVAL")
    c.err("rename of a dir into itself", lambda: os.rename(P("d1"), P("d1", "x")), "EINVAL")

    # hard links share the inode (= the lower inode number)
    os.link(P("f1"), P("f1link"))
    a, b = os.stat(P("f1")), os.stat(P("f1link"))
    c.eq("hard link st_ino", a.st_ino, b.st_ino)
    c.eq("st_ino = lower st_ino", a.st_ino, os.stat(L("f1")).st_ino)
    c.eq("st_nlink", (a.st_nlink, b.st_nlink), (2, 2))
    with open(P("f1link"), "ab") as f:
        f.write(b"via link")
    with open(P("f1"), "rb") as f:
        c.eq("write through a link seen by the other name", f.read()[-8:], b"via link")
    c.eq("size through both names", os.stat(P("f1")).st_size, os.stat(P("f1link")).st_size)

    # symlinks: target stored verbatim without filename encryption
    os.symlink("some/target/path", P("sl"))
    c.eq("readlink", os.readlink(P("sl")), "some/target/path")
    c.eq("lower readlink", os.readlink(L("sl")), "some/target/path")
    c.eq("symlink lstat size", os.lstat(P("sl")).st_size, len("some/target/path"))
    os.symlink("f1", P("sl2"))
    with open(P("sl2"), "rb") as f:
        c.eq("open through a symlink", f.read(2), b"f1")

    # mknod: device numbers survive, fifo
    os.mknod(P("chr"), 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    st = os.stat(P("chr"))
    c.eq("char dev", (stat.S_ISCHR(st.st_mode), os.major(st.st_rdev), os.minor(st.st_rdev)), (True, 1, 3))
    st = os.stat(L("chr"))
    c.eq("lower char dev", (stat.S_ISCHR(st.st_mode), os.major(st.st_rdev), os.minor(st.st_rdev)), (True, 1, 3))
    os.mknod(P("blk"), 0o600 | stat.S_IFBLK, os.makedev(7, 200))
    c.eq("block dev numbers", os.stat(P("blk")).st_rdev, os.makedev(7, 200))
    os.mkfifo(P("fifo"))
    c.eq("fifo", stat.S_ISFIFO(os.stat(P("fifo")).st_mode), True)
    with open(P("chr"), "rb") as f:
        c.eq("read /dev/null-like node", f.read(), b"")

    # chmod, chown, utimes (seen on upper and lower); whole seconds: the
    # reference truncates times to seconds (s_time_gran left at 1 s)
    os.chmod(P("f1"), 0o751)
    os.chown(P("f1"), 1234, 5678)
    os.utime(P("f1"), ns=(1000000000000000000, 1200000000000000000))
    for who, st in (("upper", os.stat(P("f1"))), ("lower", os.stat(L("f1")))):
        c.eq(who + " mode", stat.S_IMODE(st.st_mode), 0o751)
        c.eq(who + " owner", (st.st_uid, st.st_gid), (1234, 5678))
        c.eq(who + " times", (st.st_atime_ns, st.st_mtime_ns), (1000000000000000000, 1200000000000000000))

    # xattrs
    os.setxattr(P("f1"), "user.test", b"value one")
    c.eq("getxattr", os.getxattr(P("f1"), "user.test"), b"value one")
    c.eq("lower getxattr", os.getxattr(L("f1"), "user.test"), b"value one")
    c.eq("listxattr", "user.test" in os.listxattr(P("f1")), True)
    os.setxattr(P("f1"), "user.test", b"value two", os.XATTR_REPLACE)
    c.eq("replaced xattr", os.getxattr(P("f1"), "user.test"), b"value two")
    c.err("XATTR_CREATE on an existing name", lambda: os.setxattr(P("f1"), "user.test", b"x", os.XATTR_CREATE), "EEXIST")
    os.removexattr(P("f1"), "user.test")
    c.err("getxattr after remove", lambda: os.getxattr(P("f1"), "user.test"), "ENODATA")
    os.setxattr(P("d1"), "user.dir", b"on a dir")
    c.eq("xattr on a directory", os.getxattr(P("d1"), "user.dir"), b"on a dir")

    # O_APPEND
    fd = os.open(P("app"), os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o644)
    os.write(fd, b"A" * 5000)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, b"B" * 10)
    os.close(fd)
    with open(P("app"), "rb") as f:
        c.eq("O_APPEND", f.read(), b"A" * 5000 + b"B" * 10)

    # shared writable mmap, msync, fsync, fdatasync
    import mmap
    with open(P("mm"), "wb") as f:
        f.write(bytes(10000))
    fd = os.open(P("mm"), os.O_RDWR)
    m = mmap.mmap(fd, 10000, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    m[100:105] = b"hello"
    m[9000:9005] = b"world"
    m.flush()
    m.close()
    os.fsync(fd)
    os.fdatasync(fd)
    os.close(fd)
    with open(P("mm"), "rb") as f:
        d = f.read()
    c.eq("mmap write read back", (d[100:105], d[9000:9005], len(d)), (b"hello", b"world", 10000))
    c.eq("lower size after mmap", os.stat(L("mm")).st_size, 8192 + 12288)

    # SEEK_DATA / SEEK_HOLE: no holes before EOF
    fd = os.open(P("mm"), os.O_RDONLY)
    c.eq("SEEK_DATA 0", os.lseek(fd, 0, os.SEEK_DATA), 0)
    c.eq("SEEK_HOLE 0", os.lseek(fd, 0, os.SEEK_HOLE), 10000)
    c.eq("SEEK_DATA 5000", os.lseek(fd, 5000, os.SEEK_DATA), 5000)
    c.err("SEEK_DATA at EOF", lambda: os.lseek(fd, 10000, os.SEEK_DATA), "ENXIO")
    os.close(fd)

    # statfs f_type
    class Statfs(ctypes.Structure):
        _fields_ = [("f_type", ctypes.c_long), ("rest", ctypes.c_long * 15)]
    sf = Statfs()
    c.eq("statfs", libc.statfs(up.encode(), ctypes.byref(sf)), 0)
    c.eq("statfs f_type", sf.f_type, 0xF15F)

    # O_DIRECT and an unknown ioctl
    c.err("O_DIRECT open", lambda: os.close(os.open(P("mm"), os.O_RDONLY | os.O_DIRECT)), "EINVAL")
    import fcntl
    with open(P("mm"), "rb") as f:
        c.err("unknown ioctl", lambda: fcntl.ioctl(f.fileno(), 0x5A5A), "ENOTTY")

    # copy_file_range and splice into an eCryptfs file: the reference
    # lacks them (EINVAL), ours implements them.
    src = data("cfr", 20000)
    with open(P("cfr-src"), "wb") as f:
        f.write(src)
    with open(P("cfr-src"), "rb") as fi, open(P("cfr-dst"), "wb") as fo:
        def cfr():
            done = 0
            while done < 15000:
                n = os.copy_file_range(fi.fileno(), fo.fileno(), 15000 - done, 1000 + done, 3000 + done)
                if n <= 0:
                    raise OSError(errno.EIO, "copy_file_range returned %d" % n)
                done += n
        c.err("copy_file_range", cfr, "EINVAL" if module == "reference" else "OK")
    if module != "reference":
        with open(P("cfr-dst"), "rb") as f:
            c.eq("copy_file_range data", f.read(), bytes(3000) + src[1000:16000])
    r, w = os.pipe()
    os.write(w, src[:16384])
    with open(P("splice-dst"), "wb") as fo:
        def spl():
            done = 0
            while done < 16384:
                n = os.splice(r, fo.fileno(), 16384 - done)
                if n <= 0:
                    raise OSError(errno.EIO, "splice returned %d" % n)
                done += n
        c.err("splice pipe -> eCryptfs file", spl, "EINVAL" if module == "reference" else "OK")
    os.close(r)
    os.close(w)
    if module != "reference":
        with open(P("splice-dst"), "rb") as f:
            c.eq("splice data", f.read(), src[:16384])
    # splice out of an eCryptfs file works on both
    r, w = os.pipe()
    with open(P("cfr-src"), "rb") as fi:
        n = os.splice(fi.fileno(), w, 4096, offset_src=500)
    c.eq("splice eCryptfs file -> pipe", os.read(r, 8192), src[500:500 + n])
    c.eq("splice length", n, 4096)
    os.close(r)
    os.close(w)
    c.done()


def cmd_namespace_after(args):
    """namespace-after UPPER: what namespace left must survive a remount."""
    (up,) = args
    c = Checker("after remount")
    P = lambda *n: os.path.join(up, *n)
    with open(P("mm"), "rb") as f:
        d = f.read()
    c.eq("mmap data after remount", (d[100:105], d[9000:9005], len(d)), (b"hello", b"world", 10000))
    with open(P("app"), "rb") as f:
        c.eq("O_APPEND data after remount", f.read(), b"A" * 5000 + b"B" * 10)
    st = os.stat(P("f1"))
    c.eq("attributes after remount", (stat.S_IMODE(st.st_mode), st.st_uid, st.st_mtime_ns), (0o751, 1234, 1200000000000000000))
    c.eq("hard link after remount", os.stat(P("f1link")).st_ino, st.st_ino)
    c.eq("symlink after remount", os.readlink(P("sl")), "some/target/path")
    c.eq("device after remount", os.stat(P("blk")).st_rdev, os.makedev(7, 200))
    c.eq("readdir after remount", sorted(os.listdir(up)),
         sorted(["watched", "f1", "f1link", "d1", "victim", "sl", "sl2", "chr", "blk", "fifo", "app", "mm",
                 "cfr-src", "cfr-dst", "splice-dst"]))
    c.done()


def cmd_viewcheck(args):
    """viewcheck VIEWDIR LOWERDIR: VIEWDIR holds copies of files read
    through an ecryptfs_encrypted_view mount of LOWERDIR; a file with its
    header in the file must read as the raw lower file, one with its header
    in user.ecryptfs as a synthesised 8192-byte header (the xattr with flag
    0x04 cleared and bytes 20..25 = 4096 x 2, zero padded) + the lower file."""
    view, lower = args
    names = sorted(os.listdir(lower))
    if sorted(os.listdir(view)) != names:
        die("view lists %s, lower %s" % (sorted(os.listdir(view)), names))
    for n in names:
        with open(os.path.join(lower, n), "rb") as f:
            raw = f.read()
        with open(os.path.join(view, n), "rb") as f:
            v = f.read()
        try:
            x = os.getxattr(os.path.join(lower, n), "user.ecryptfs")
        except OSError:
            x = None
        if x is None:
            want = raw
        else:
            h = bytearray(x)
            h[19] &= ~0x04
            h[20:26] = bytes.fromhex("000010000002")
            want = bytes(h) + bytes(8192 - len(h)) + raw
        if v != want:
            die("%s: view of %d bytes differs from the expected %d bytes (%s)"
                % (n, len(v), len(want), "xattr header" if x is not None else "raw copy"))


def cmd_mounts(args):
    """mounts SRC DST OPTS...: try each option string in turn (unmounting
    after a success); print one result (OK or errno name) per line."""
    src, dst = args[:2]
    for opts in args[2:]:
        r = libc.mount(src.encode(), dst.encode(), b"ecryptfs", ctypes.c_ulong(0), opts.encode())
        if r == 0:
            print("OK")
            sys_umount(dst)
        else:
            print(ename(ctypes.get_errno()))


def try_op(op, path, *rest):
    try:
        if op == "open":
            os.close(os.open(path, os.O_RDONLY))
        elif op == "openw":
            os.close(os.open(path, os.O_WRONLY))
        elif op == "read":
            with open(path, "rb") as f:
                f.read(int(rest[0]) if rest else -1)
        elif op == "stat":
            os.stat(path)
        elif op == "chmod":
            os.chmod(path, 0o600)
        elif op == "truncate":
            os.truncate(path, int(rest[0]))
        elif op == "unlink":
            os.unlink(path)
        elif op == "create":
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o644))
        else:
            die("unknown op " + op)
    except OSError as e:
        return ename(e.errno)
    return "OK"


def cmd_try(args):
    print(try_op(*args))


# ------------------------------------------------------------- bad input

def craft_bad(tmpl):
    """name -> lower file bytes, derived from a valid lower file tmpl (one
    passphrase key, AES-128, 10000 bytes of data)."""
    t = bytearray(tmpl)
    out = {}

    def patched(off, b, base=None):
        x = bytearray(t if base is None else base)
        x[off:off + len(b)] = b
        return bytes(x)
    out["valid"] = bytes(t)
    out["garbage"] = data("garbage", len(t))
    out["trunc-header"] = bytes(t[:60])           # marker valid, packets cut
    out["trunc-16"] = bytes(t[:16])               # just the size and marker
    out["zero-header"] = bytes(8192) + bytes(t[8192:])
    out["cut-mid-extent"] = bytes(t[:8192 + 4096 + 1000])   # data cut in extent 1
    out["size-absurd"] = patched(0, struct.pack(">Q", 1 << 50))
    out["size-negative"] = patched(0, struct.pack(">Q", (1 << 64) - 4096))
    out["header-small"] = patched(20, bytes.fromhex("000010000001"))   # 4096 x 1
    out["header-zero"] = patched(20, bytes.fromhex("000000000000"))
    out["version-4"] = patched(16, b"\x04")
    out["version-0"] = patched(16, b"\x00")
    out["tag3-len-short"] = patched(27, b"\x05")          # body < 13
    out["tag3-len-long"] = patched(27, b"\xdf\xff")      # two-byte form, far beyond the extent
    out["tag3-len-partial"] = patched(27, b"\xe0")       # partial length: refused
    out["tag3-len-5byte"] = patched(27, b"\xff")         # five-byte form: refused
    out["tag3-version"] = patched(28, b"\x03")
    out["tag3-cipher"] = patched(29, b"\x63")
    out["tag3-s2k"] = patched(30, b"\x02")
    out["tag11-len"] = patched(26 + 31 + 1, b"\x15")     # tag 11 body 21: contents 7 bytes
    out["tag11-format"] = patched(26 + 31 + 2, b"\x74")
    tag11 = bytes(t[26 + 31:26 + 31 + 24])
    out["tag11-alone"] = patched(26, tag11 + b"\x00" + bytes(31))
    out["no-packets"] = patched(26, bytes(56))           # terminator at once
    out["unknown-sig"] = patched(26 + 31 + 16, bytes.fromhex("0123456789abcdef"))
    out["plaintext"] = b"this is not an eCryptfs file\n" * 50
    out["tiny"] = b"abc"
    out["empty"] = b""
    return out


def cmd_mkbad(args):
    """mkbad TEMPLATE LOWERDIR: write the crafted lower files."""
    tmpl, lower = args
    with open(tmpl, "rb") as f:
        t = f.read()
    if len(t) != 8192 + 12288:
        die("template is %d bytes, expected %d" % (len(t), 8192 + 12288))
    for name, b in craft_bad(t).items():
        with open(os.path.join(lower, name), "wb") as f:
            f.write(b)


def probe(path):
    """stat size, open, read of the first 64 KiB, pread far away, chmod,
    truncate: each as OK or an errno name (size for stat)."""
    res = []
    try:
        res.append("stat=%d" % os.stat(path).st_size)
    except OSError as e:
        res.append("stat=" + ename(e.errno))
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as e:
        res.append("open=" + ename(e.errno))
        fd = None
    if fd is not None:
        res.append("open=OK")
        try:
            b = os.pread(fd, 65536, 0)
            res.append("read=%d:%s" % (len(b), hashlib.md5(b).hexdigest()[:8]))
        except OSError as e:
            res.append("read=" + ename(e.errno))
        try:
            b = os.pread(fd, 4096, 1 << 40)
            res.append("readfar=%d:%s" % (len(b), hashlib.md5(b).hexdigest()[:8]))
        except OSError as e:
            res.append("readfar=" + ename(e.errno))
        os.close(fd)
    res.append("chmod=" + try_op("chmod", path))
    return " ".join(res)


def cmd_probebad(args):
    """probebad UPPERDIR: one line per file: NAME RESULTS."""
    (upper,) = args
    for name in sorted(os.listdir(upper)):
        print(name, probe(os.path.join(upper, name)))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        die("usage: ktest.py CMD ARGS...")
    fn = globals().get("cmd_" + sys.argv[1].replace("-", "_"))
    if fn is None:
        die("unknown command " + sys.argv[1])
    fn(sys.argv[2:])
