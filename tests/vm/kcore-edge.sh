#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Our module, edge cases: module parameters, key unlink/revoke after mount,
# unsupported ioctl, files with a 64 KiB header, corrupt headers (bad
# version, small header size, truncated packets) give EIO on open but stat
# works, a read-only open by a user who cannot write the lower file, and
# concurrent writers to one file, POSIX ACLs, keys of type "encrypted".
. "$(dirname "$0")/lib.sh"

log "module parameters"
params=$(modinfo -F parm "$ECRYPTFS_MODULE" | cut -d: -f1 | sort | tr '\n' ' ')
[ "$params" = "ecryptfs_message_buf_len ecryptfs_message_wait_timeout ecryptfs_number_of_users ecryptfs_verbosity " ] ||
	fail "module parameters: $params"
[ -z "$(ls /sys/module/ecryptfs/parameters 2>/dev/null)" ] || fail "parameters visible in sysfs"

L=/tmp/lower U=/tmp/upper
mkdir -p $L $U
mount -t tmpfs tmpfs $L
sig=$(add_passphrase_key edgepass)
mount_ecryptfs $L $U $sig

log "unsupported ioctl"
python3 - $U <<'PY' || fail "ioctl"
import fcntl, os, sys, errno
fd = os.open(sys.argv[1] + "/io", os.O_CREAT | os.O_RDWR, 0o644)
try:
    fcntl.ioctl(fd, 0x5401, b"\0" * 64)   # TCGETS
    sys.exit("TCGETS succeeded")
except OSError as e:
    assert e.errno == errno.ENOTTY, e
PY

log "64 KiB header"
head -c 5000 /dev/urandom > /tmp/d5000
cp /tmp/d5000 $U/small
python3 - $L/small $L/big64 <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
hdr = bytearray(b[:8192])
hdr[24:26] = (16).to_bytes(2, "big")   # 16 x 4096 = 65536
out = bytes(hdr) + b"\0" * (65536 - 8192) + b[8192:]
open(sys.argv[2], "wb").write(out)
PY
cmp /tmp/d5000 $U/big64 || fail "file with a 64 KiB header"

log "corrupt headers"
python3 - $L/small $L <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
def w(name, data):
    open(sys.argv[2] + "/" + name, "wb").write(bytes(data))
v = bytearray(b); v[16] = 4; w("badver", v)
v = bytearray(b); v[25] = 1; w("smallhdr", v)
v = bytearray(b); v[27] = 0xdf; v[28] = 0xff; w("lyinglen", v)
v = bytearray(b); v[26] = 0; w("nopackets", v)
v = bytearray(b); v[0x39] = 0; w("notag11", v)
w("short", b[:15])
PY
for f in badver smallhdr lyinglen nopackets notag11; do
	[ "$(stat -c %s $U/$f)" = 5000 ] || fail "$f: stat size $(stat -c %s $U/$f)"
	if cat $U/$f >/dev/null 2>/tmp/err; then fail "$f opened"; fi
	grep -q 'Input/output error' /tmp/err || fail "$f: $(cat /tmp/err)"
done
[ "$(stat -c %s $U/short)" = 15 ] || fail "short: size"
if cat $U/short >/dev/null 2>&1; then fail "a 15-byte plaintext file opened"; fi

log "read-only open by another user"
echo shared > $U/ro
chmod 644 $U/ro
[ "$(setpriv --reuid=1000 --regid=1000 --clear-groups cat $U/ro)" = shared ] ||
	fail "user 1000 cannot read a 0644 file"
if setpriv --reuid=1000 --regid=1000 --clear-groups sh -c "echo x >> $U/ro" 2>/dev/null; then
	fail "user 1000 could write a 0644 root file"
fi

log "concurrent writers"
python3 - $U <<'PY' || fail "concurrent writers"
import os, sys, threading
path = sys.argv[1] + "/conc"
fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
def writer(i):
    for r in range(40):
        os.pwrite(fd, bytes([65 + i]) * 3000, (i * 40 + r) * 3000)
ts = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]
os.close(fd)
os.system("echo 3 > /proc/sys/vm/drop_caches")
data = open(path, "rb").read()
assert len(data) == 160 * 3000, len(data)
for i in range(4):
    assert data[i * 120000:(i + 1) * 120000] == bytes([65 + i]) * 120000, i
PY
[ "$((16#$(od -A n -t x1 -N 8 $L/conc | tr -d ' ')))" = 480000 ] || fail "size field after concurrent writes"

log "POSIX ACLs reach the lower file"
echo acl > $U/acl
python3 - $U/acl $L/acl <<'PY' || fail "POSIX ACL through the upper file"
import os, struct, sys
ent = lambda tag, perm, uid: struct.pack("<HHI", tag, perm, uid)
acl = struct.pack("<I", 2) + ent(1, 6, 0xffffffff) + ent(2, 4, 1000) + \
      ent(4, 4, 0xffffffff) + ent(0x10, 4, 0xffffffff) + ent(0x20, 4, 0xffffffff)
os.setxattr(sys.argv[1], "system.posix_acl_access", acl)
for p in sys.argv[1:]:
    got = os.getxattr(p, "system.posix_acl_access")
    assert ent(2, 4, 1000) in got, (p, got)
PY

log "key unlink and revoke after mount"
echo before > $U/keep
keyctl unlink "$(keyctl search @u user $sig)" @u >/dev/null 2>&1 ||
	keyctl unlink "$(keyctl search @u user $sig)" >/dev/null || fail "keyctl unlink"
echo after-unlink > $U/new1 || fail "create after keyctl unlink"
umount -i $U
sig=$(add_passphrase_key edgepass)
mount_ecryptfs $L $U $sig
exec 9<$U/keep
# New files first, so that keys for the next ones are prepared ahead: a
# revoked key must fail the create all the same.
for i in $(seq 1 20); do echo pre > $U/pre$i || fail "create pre$i"; done
sleep 0.5
keyctl revoke "$(keyctl search @u user $sig)" || fail "keyctl revoke"
if echo x 2>/dev/null > $U/new2; then fail "create after revoke succeeded"; fi
[ ! -e $L/new2 ] || fail "lower file left after a failed create"
[ "$(cat <&9)" = before ] || fail "open file unreadable after revoke"
exec 9<&-
umount -i $U
log "key type encrypted (format ecryptfs)"
keyctl add user kmaster "0123456789abcdef0123456789abcdef" @u >/dev/null || fail "master key"
keyctl add encrypted 1122334455667788 "new ecryptfs user:kmaster 64" @u >/dev/null || fail "encrypted key"
mkdir -p /tmp/lower2
mount_ecryptfs /tmp/lower2 $U 1122334455667788
echo via-encrypted-key > $U/ek
[ "$(od -A n -t x1 -j 73 -N 8 /tmp/lower2/ek | tr -d ' ')" = 1122334455667788 ] || fail "sig of the encrypted key in the header"
umount -i $U
load_module reference
mount_ecryptfs /tmp/lower2 $U 1122334455667788
[ "$(cat $U/ek)" = via-encrypted-key ] || fail "the reference cannot read a file wrapped with an encrypted key"
umount -i $U
load_module ours
check_dmesg
echo "PASS: kcore-edge on $ECRYPTFS_KVER"
