# SPDX-License-Identifier: GPL-2.0-only
#
# pubkey-messages.py UPPER_DIR: the bad-message cases of /dev/ecryptfs
# (issue 9, spec kernel.md §6.1), run by tests/vm/pubkey-messages.sh in the
# guest as root with our module loaded, a PRIVATE_KEY token mount on
# UPPER_DIR holding the file "seed" (written through a good daemon), and
# no daemon running.  Every case is one check; the first failure stops.
import ctypes
import errno
import importlib.util
import os
import select
import signal
import struct
import sys
import threading
import time

spec = importlib.util.spec_from_file_location(
    "fake", os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake-ecryptfsd.py"))
fake = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fake)

UPPER = sys.argv[1]
DEV = "/dev/ecryptfs"
RESPONSE, REQUEST, HELO, QUIT = fake.RESPONSE, fake.REQUEST, fake.HELO, fake.QUIT
checks = 0


def die(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def ok(name):
    global checks
    checks += 1
    print("ok: " + name, flush=True)


def write_errno(fd, b):
    """0 when the write succeeded with the full count, else the errno."""
    try:
        n = os.write(fd, b)
    except OSError as e:
        return e.errno
    if n != len(b):
        die("write of %d bytes returned %d" % (len(b), n))
    return 0


def expect_einval(fd, b, name):
    e = write_errno(fd, b)
    if e != errno.EINVAL:
        die("%s: expected EINVAL, got %s" % (name, errno.errorcode.get(e, e)))
    ok(name)


def expect_ok(fd, b, name):
    e = write_errno(fd, b)
    if e:
        die("%s: expected success, got %s" % (name, errno.errorcode[e]))
    ok(name)


class Op(threading.Thread):
    """A file operation that needs the daemon, run in the background."""

    def __init__(self, kind, name):
        super().__init__(daemon=True)
        self.kind, self.path = kind, os.path.join(UPPER, name)
        self.err, self.done_at = None, None
        if kind == "read":
            # evict cached inodes so that the open needs the daemon again
            with open("/proc/sys/vm/drop_caches", "w") as f:
                f.write("2")
        self.start_at = time.time()
        self.start()

    def run(self):
        try:
            if self.kind == "create":
                fd = os.open(self.path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o644)
                os.close(fd)
            else:
                with open(self.path, "rb") as f:
                    f.read()
            self.err = 0
        except OSError as e:
            self.err = e.errno
        self.done_at = time.time()

    def finish(self, timeout=10):
        self.join(timeout)
        if self.is_alive():
            die("%s of %s still blocked after %d s" % (self.kind, self.path, timeout))
        return self.err


def readable(fd, timeout):
    p = select.poll()
    p.register(fd, select.POLLIN)
    return bool(p.poll(int(timeout * 1000)))


def read_request(fd):
    """(counter, index, data) of the next request (waits up to 5 s)."""
    if not readable(fd, 5):
        die("no request became readable within 5 s")
    b = os.read(fd, 1024)
    t, counter, index, data = fake.parse_packet(b)
    if t != REQUEST:
        die("read a packet of type %d, not REQUEST" % t)
    return counter, index, data


def expect_err(op, want, name):
    e = op.finish()
    if e != want:
        die("%s: expected %s, got %s" % (name, errno.errorcode.get(want, want),
                                        errno.errorcode.get(e, e)))
    ok(name)


def pool():
    """Loaded with ecryptfs_message_buf_len=1, ecryptfs_message_wait_timeout=1."""
    fd = os.open(DEV, os.O_RDWR)
    op = Op("read", "seed")
    c, i, data = read_request(fd)
    if i != 0:
        die("the only context has index %d" % i)
    op2 = Op("create", "nocontext")
    e = op2.finish()
    if e != errno.EIO or op2.done_at - op2.start_at > 0.9:
        die("no free context: %s after %.1f s" % (errno.errorcode.get(e, e),
                                                  op2.done_at - op2.start_at))
    ok("ecryptfs_message_buf_len=1: a second request fails with EIO at once")
    e = op.finish()
    d = op.done_at - op.start_at
    if e != errno.EIO or d < 0.8 or d > 2.5:
        die("ecryptfs_message_wait_timeout=1: %s after %.1f s" % (errno.errorcode.get(e, e), d))
    ok("ecryptfs_message_wait_timeout=1: EIO after %.1f s" % d)
    expect_einval(fd, fake.packet(RESPONSE, c, 1, b"\x41\xff"), "index 1 out of range with one context")
    os.close(fd)


if len(sys.argv) > 2 and sys.argv[2] == "pool":
    pool()
    sys.exit(0)

fd = os.open(DEV, os.O_RDWR)

# --- frames refused without any request pending
if readable(fd, 0):
    die("poll reports a message while none is queued")
ok("poll: nothing queued")
signal.signal(signal.SIGALRM, lambda *a: None)
signal.setitimer(signal.ITIMER_REAL, 0.3)
t0 = time.time()
if os.read(fd, 1024) != b"":
    die("a read interrupted by a signal did not return 0")
if time.time() - t0 > 3:
    die("the signal did not end the blocked read")
ok("read interrupted by a signal returns 0")
if os.write(fd, b"") != 0:
    die("write of 0 bytes did not return 0")
ok("write of 0 bytes returns 0")
expect_ok(fd, fake.packet(HELO, 0), "HELO (5 bytes) accepted")
expect_ok(fd, fake.packet(QUIT, 0), "QUIT (5 bytes) accepted")
good = fake.packet(RESPONSE, 1, 0, b"\x43\xff")
expect_einval(fd, good[:5 - 1], "truncated: 4 bytes")
expect_einval(fd, good[:13], "truncated: 13-byte response")
expect_einval(fd, good[:-1], "truncated: one byte short of the length field")
expect_einval(fd, good + b"\0", "count mismatch: one byte more than the length field")
bad = bytearray(good)
bad[5] = 0xE0
expect_einval(fd, bytes(bad), "malformed length: partial-length byte 0xe0")
bad[5] = 0xFF
expect_einval(fd, bytes(bad), "malformed length: five-byte form 0xff")
bad = bytearray(good)
bad[10] += 1
expect_einval(fd, bytes(bad), "data_len disagrees with the length field")
expect_einval(fd, fake.packet(RESPONSE, 1, 0, b"\0" * 3, data_len=0xFFFFFFFF),
              "data_len 0xffffffff")
expect_einval(fd, fake.packet(RESPONSE, 1, 0, b"\0" * 517), "oversized: 532 bytes")
expect_einval(fd, b"\x67" + b"\0" * 4095, "oversized: 4096 bytes")
expect_einval(fd, fake.packet(99, 1, 0, b"\x43\xff"), "unknown type 99")
expect_einval(fd, fake.packet(REQUEST, 1, 0, b"\x43\xff"), "REQUEST type from the daemon")
expect_einval(fd, fake.packet(RESPONSE, 1), "bare 5-byte RESPONSE")
expect_einval(fd, fake.packet(RESPONSE, 1, 5, b"\x43\xff"), "response, nothing pending")
expect_einval(fd, fake.packet(RESPONSE, 1, 32, b"\x43\xff"), "response, index 32 out of range")
expect_einval(fd, fake.packet(RESPONSE, 1, 0xFFFFFFFF, b"\x43\xff"),
              "response, index 0xffffffff")

# --- second daemon with the same euid
try:
    os.close(os.open(DEV, os.O_RDWR))
    die("a second daemon for euid 0 was accepted")
except OSError as e:
    if e.errno != errno.EINVAL:
        die("second daemon: expected EINVAL, got %s" % errno.errorcode[e.errno])
ok("second daemon with the same euid: EINVAL")

# --- a request: small buffer, unread response, wrong counter, good, duplicate
op = Op("create", "c1")
if not readable(fd, 5):
    die("the create did not queue a request")
ok("poll: request queued")
if os.read(fd, 10) != b"":
    die("a read with a 10-byte buffer did not return 0")
if not readable(fd, 0):
    die("the message was lost after a too-small read")
ok("read with a too-small buffer returns 0 and keeps the message")
libc = ctypes.CDLL(None, use_errno=True)
if libc.read(fd, ctypes.c_void_p(16), 1024) != -1 or ctypes.get_errno() != errno.EFAULT:
    die("a read into a bad address did not fail with EFAULT")
if not readable(fd, 0):
    die("the message was lost after a read into a bad address")
ok("read into a bad address: EFAULT, the message stays queued")
counter, index, data = read_request(fd)
if data[0] != fake.TAG66:
    die("a create sent tag 0x%02x, not 66" % data[0])
reply = fake.answer("good", data)
expect_einval(fd, fake.packet(RESPONSE, counter + 1, index, reply), "response with a wrong counter")
expect_einval(fd, fake.packet(RESPONSE, counter, index + 1, reply), "response with a wrong index")
expect_ok(fd, fake.packet(RESPONSE, counter, index, reply), "good response accepted")
expect_err(op, 0, "create completes with the good response")
expect_einval(fd, fake.packet(RESPONSE, counter, index, reply), "duplicate response")

# A response for a request that is queued but not yet read.
op = Op("read", "seed")
if not readable(fd, 5):
    die("the read did not queue a request")
expect_einval(fd, fake.packet(RESPONSE, counter + 1, 0, b"\x41\xff"),
              "response for a request not yet read")
c2, i2, data = read_request(fd)
if c2 != counter + 1:
    die("counter %d after %d: not one global counter" % (c2, counter))
ok("one global counter (%d then %d)" % (counter, c2))
expect_ok(fd, fake.packet(RESPONSE, c2, i2, fake.answer("good", data)), "tag 65 accepted")
expect_err(op, 0, "read completes with the good response")

# --- late response (after the 3 s timeout)
op = Op("read", "seed")
c, i, data = read_request(fd)
late = fake.packet(RESPONSE, c, i, fake.answer("good", data))
e = op.finish()
if e != errno.EIO:
    die("timeout: expected EIO, got %s" % errno.errorcode.get(e, e))
if op.done_at - op.start_at < 2.5:
    die("timeout: EIO after %.1f s, before the 3 s timeout" % (op.done_at - op.start_at))
ok("no response: EIO after %.1f s" % (op.done_at - op.start_at))
expect_einval(fd, late, "response after the timeout")

# --- payload errors: the frame is accepted, the requester gets EIO
def payload_case(kind, name, make):
    op = Op(kind, name if kind == "create" else "seed")
    c, i, data = read_request(fd)
    expect_ok(fd, fake.packet(RESPONSE, c, i, make(data)), "frame of '%s' accepted" % name)
    expect_err(op, errno.EIO, "%s: EIO" % name)


def tag65(blob):
    return fake.reply(fake.TAG65, blob)


payload_case("create", "tag 67 failure status", lambda d: b"\x43\xff")
payload_case("create", "tag 67 lying length", lambda d: b"\x43\x00\x40" + b"x" * 10)
payload_case("create", "tag 67 empty key", lambda d: b"\x43\x00\x00\x00")
payload_case("create", "tag 65 instead of 67", lambda d: tag65(fake.key_blob(7, b"k" * 16)))
payload_case("read", "tag 65 failure status", lambda d: b"\x41\xff")
payload_case("read", "tag 65 bad checksum",
             lambda d: tag65(fake.key_blob(7, b"k" * 16)[:-1] + b"\0"))
payload_case("read", "tag 65 key of 65 bytes", lambda d: tag65(fake.key_blob(7, b"k" * 65)))
payload_case("read", "tag 65 unknown cipher 0x55", lambda d: tag65(fake.key_blob(0x55, b"k" * 16)))
payload_case("read", "tag 65 AES-128 code with 32 bytes", lambda d: tag65(fake.key_blob(7, b"k" * 32)))
payload_case("read", "tag 65 shorter than 4 bytes", lambda d: b"\x41\x00\x00")

# --- a second reader while one blocks gets 0
got = []
t = threading.Thread(target=lambda: got.append(os.read(fd, 1024)), daemon=True)
t.start()
time.sleep(0.5)
if os.read(fd, 1024) != b"":
    die("a concurrent read did not return 0")
ok("concurrent read returns 0")
op = Op("read", "seed")
t.join(5)
if t.is_alive() or not got:
    die("the blocked reader did not get the request")
ct, it, data = fake.parse_packet(got[0])[1:]
expect_ok(fd, fake.packet(RESPONSE, ct, it, fake.answer("good", data)), "blocked reader's response")
expect_err(op, 0, "read served through the blocked reader")

# --- another euid's daemon cannot answer root's request
os.chmod(DEV, 0o666)
op = Op("read", "seed")
c, i, data = read_request(fd)
pid = os.fork()
if pid == 0:
    try:
        os.seteuid(1000)
        other = os.open(DEV, os.O_RDWR)
        try:
            os.write(other, fake.packet(RESPONSE, c, i, fake.answer("good", data)))
            os._exit(1)
        except OSError as e:
            os._exit(0 if e.errno == errno.EINVAL else 2)
    except OSError:
        os._exit(3)
_, st = os.waitpid(pid, 0)
if os.WEXITSTATUS(st) != 0:
    die("another euid's daemon: status %d (1: its response was accepted)" % os.WEXITSTATUS(st))
ok("daemon of euid 1000 registers, and its response to root's request gets EINVAL")
expect_ok(fd, fake.packet(RESPONSE, c, i, fake.answer("good", data)), "root's daemon still answers")
expect_err(op, 0, "read completes")

# --- the daemon closes: requests read and unread fail at once
op = Op("read", "seed")
read_request(fd)
op2 = Op("create", "closing")
if not readable(fd, 5):
    die("the second request was not queued")
os.close(fd)
for o, what in ((op, "read request"), (op2, "queued request")):
    e = o.finish()
    if e != errno.EIO or o.done_at - o.start_at > 2.5:
        die("daemon closed with a %s pending: %s after %.1f s" %
            (what, errno.errorcode.get(e, e), o.done_at - o.start_at))
ok("daemon closed: the read and the queued request fail with EIO at once")

# --- a new daemon may register after the close
fd = os.open(DEV, os.O_RDWR)
ok("a daemon registers again after the close")
os.close(fd)
print("%d checks passed" % checks)
