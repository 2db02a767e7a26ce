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
            f.seek(1048576 + 17)
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
        st = os.stat(a)
        if st.st_size != len(w):
            die("%s: st_size %d, expected %d" % (a, st.st_size, len(w)))
        with open(a, "rb") as f:
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
                if len(d) != 26 + (2 + 13 + efek + 24) * len(sigs) + 1:
                    die("%s: user.ecryptfs is %d bytes" % (lp, len(d)))
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
