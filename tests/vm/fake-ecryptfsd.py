# SPDX-License-Identifier: GPL-2.0-only
#
# fake-ecryptfsd.py: a stand-in for ecryptfsd in the kernel tests of
# public-key mode (tests/vm/pubkey-*.sh).  It speaks the /dev/ecryptfs
# protocol (spec kernel.md §6.1) byte by byte, independently of our C code,
# and "wraps" keys with a trivial reversible transform, so that the kernel
# side (ours and the reference module) can be tested without RSA keys.
#
#   fake-ecryptfsd.py token SIG            print a PRIVATE_KEY auth token
#                                          payload (740 + blob bytes) on stdout
#   fake-ecryptfsd.py serve [MODE] [LOG]   serve requests until killed; MODE:
#       good     answer every request correctly (default)
#       silent   read requests, never answer (the requester times out)
#       die      read one request, then exit without answering
#       fail     answer with the failure status (tag, 0xFF)
#       badsum   tag 65 replies with a wrong checksum
#   fake-ecryptfsd.py packets LOWER_FILE   the header's packet set, one line
#                                          per packet: "1 SIG CODE KEYLEN" for
#                                          a tag 1 (its fake EFEK unwrapped, the
#                                          checksum checked), "3 SIG CODE EFEKLEN"
# LOG (optional) gets one line per request: "<tag> <sig> <counter> <index>
# <packet hex with the key bytes replaced by k>".
import os
import struct
import sys

HELO, QUIT, REQUEST, RESPONSE = 100, 101, 102, 103
TAG64, TAG65, TAG66, TAG67 = 0x40, 0x41, 0x42, 0x43
MAGIC = b"FAKEWRAP"
DEV = "/dev/ecryptfs"


def enc_len(n):
    """OpenPGP-style length (1 or 2 bytes)."""
    if n < 192:
        return bytes([n])
    if n < 8384:
        return bytes([((n - 192) >> 8) + 192, (n - 192) & 0xFF])
    raise ValueError("length too large")


def dec_len(b, off):
    """(value, size of the length field) at b[off]."""
    if b[off] < 192:
        return b[off], 1
    if b[off] < 224:
        return ((b[off] - 192) << 8) + b[off + 1] + 192, 2
    raise ValueError("unsupported length byte %d" % b[off])


def packet(ptype, counter, index=None, data=b"", data_len=None):
    """A device packet; data_len overrides the struct field (for bad input)."""
    if index is None:
        return struct.pack(">BI", ptype, counter)
    dl = len(data) if data_len is None else data_len
    msg = struct.pack("=II", index, dl) + data
    return struct.pack(">BI", ptype, counter) + enc_len(len(msg)) + msg


def parse_packet(b):
    """(type, counter, index, data) of a packet read from the device."""
    if len(b) < 5:
        raise ValueError("short packet (%d bytes)" % len(b))
    ptype, counter = struct.unpack(">BI", b[:5])
    if len(b) == 5:
        return ptype, counter, None, b""
    size, ls = dec_len(b, 5)
    if 5 + ls + size != len(b):
        raise ValueError("length field %d does not match %d bytes" % (size, len(b)))
    index, dl = struct.unpack("=II", b[5 + ls:5 + ls + 8])
    data = b[5 + ls + 8:]
    if dl != len(data):
        raise ValueError("data_len %d for %d bytes" % (dl, len(data)))
    return ptype, counter, index, data


def parse_request(data):
    """(tag, sig, key bytes) of a tag 64 / tag 66 request."""
    tag = data[0]
    n, ls = dec_len(data, 1)
    p = 1 + ls
    sig = data[p:p + n].decode()
    p += n
    n, ls = dec_len(data, p)
    p += ls
    key = data[p:p + n]
    if p + n != len(data):
        raise ValueError("request has %d trailing bytes" % (len(data) - p - n))
    return tag, sig, key


def checksum(key):
    return sum(key) & 0xFFFF


def key_blob(code, key):
    return bytes([code]) + key + struct.pack(">H", checksum(key))


def wrap(blob):
    """The fake public-key encryption: magic + bytes XOR 0xA5."""
    return MAGIC + bytes(x ^ 0xA5 for x in blob)


def unwrap(efek):
    if not efek.startswith(MAGIC):
        raise ValueError("not a fake-wrapped key")
    return bytes(x ^ 0xA5 for x in efek[len(MAGIC):])


def reply(tag, payload):
    return bytes([tag, 0]) + enc_len(len(payload)) + payload


def token(sig, blob=b"fake private key blob"):
    """PRIVATE_KEY auth token: version 0x0004, type 1, blob at 670."""
    tok = bytearray(740 + len(blob))
    struct.pack_into("<HHI", tok, 0, 0x0004, 1, 0)
    struct.pack_into("<II", tok, 628, 256, len(blob))
    tok[636:636 + 16] = sig.encode()
    tok[653:653 + 4] = b"fake"
    tok[670:670 + len(blob)] = blob
    return bytes(tok)


def answer(mode, data):
    """The reply data for a request, per mode."""
    tag, sig, key = parse_request(data)
    if tag == TAG66:
        if mode == "fail":
            return bytes([TAG67, 0xFF])
        # ecryptfsd 111 writes data_len = n + 4 (one trailing byte when the
        # length field is one byte): do the same, the kernel must cope.
        efek = wrap(key)
        r = reply(TAG67, efek)
        return r + b"\0" * (len(efek) + 4 - len(r))
    if tag == TAG64:
        if mode == "fail":
            return bytes([TAG65, 0xFF])
        blob = unwrap(key)
        if mode == "badsum":
            blob = blob[:-1] + bytes([blob[-1] ^ 1])
        return reply(TAG65, blob)
    raise ValueError("unknown request tag 0x%02x" % tag)


def serve(mode, logpath):
    fd = os.open(DEV, os.O_RDWR)
    os.write(fd, packet(HELO, 0))
    log = open(logpath, "a", buffering=1) if logpath else None
    print("fake-ecryptfsd: serving (%s)" % mode, flush=True)
    while True:
        b = os.read(fd, 1024)
        if not b:
            continue
        ptype, counter, index, data = parse_packet(b)
        if ptype != REQUEST:
            continue
        tag, sig, key = parse_request(data)
        if log:
            shape = b[:len(b) - len(data)] + data[:len(data) - len(key)]
            log.write("%02x %s %d %d %s%s\n" % (tag, sig, counter, index,
                                                 shape.hex(), "k" * len(key)))
        if mode == "silent":
            continue
        if mode == "die":
            os._exit(0)
        os.write(fd, packet(RESPONSE, counter, index, answer(mode, data)))


def packets(path):
    """Describe the packet set of a lower file (header at offset 0)."""
    with open(path, "rb") as f:
        h = f.read(8192)
    m1, m2 = struct.unpack(">II", h[8:16])
    if m1 ^ 0x3C81B7F5 != m2:
        raise SystemExit("FAIL: %s has no eCryptfs marker" % path)
    p, out = 26, []
    while h[p] in (0x01, 0x8C):
        tag = h[p]
        n, ls = dec_len(h, p + 1)
        body = h[p + 1 + ls:p + 1 + ls + n]
        p += 1 + ls + n
        if tag == 0x01:
            if body[0] != 3 or body[9] != 1:
                raise SystemExit("FAIL: tag 1 version %d algo %d" % (body[0], body[9]))
            blob = unwrap(body[10:])
            key = blob[1:-2]
            if struct.unpack(">H", blob[-2:])[0] != checksum(key):
                raise SystemExit("FAIL: bad checksum in the wrapped key")
            out.append("1 %s %d %d" % (body[1:9].hex(), blob[0], len(key)))
        else:
            if h[p] != 0xED:
                raise SystemExit("FAIL: tag 3 without tag 11")
            n11, ls11 = dec_len(h, p + 1)
            b11 = h[p + 1 + ls11:p + 1 + ls11 + n11]
            p += 1 + ls11 + n11
            out.append("3 %s %d %d" % (b11[14:22].hex(), body[1], n - 13))
    if h[p] != 0:
        raise SystemExit("FAIL: packet set ends with 0x%02x, not 0x00" % h[p])
    print(" ".join(out) if out else "none")


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "token":
        sys.stdout.buffer.write(token(sys.argv[2]))
    elif cmd == "serve":
        serve(sys.argv[2] if len(sys.argv) > 2 else "good",
              sys.argv[3] if len(sys.argv) > 3 else None)
    elif cmd == "packets":
        packets(sys.argv[2])
    else:
        sys.exit("usage: fake-ecryptfsd.py token SIG | serve [MODE] [LOG] | packets FILE")


if __name__ == "__main__":
    main()
