#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Our module, core behaviours on one AES-128 passphrase mount (ext4 lower):
# mount errors and /proc/mounts text, the header and sizes of new files,
# read/write/append/pwrite, sparse writes, truncate up/down, mmap, O_DIRECT,
# SEEK_DATA/HOLE, fsync, 0-byte and plaintext lower files, namespace ops,
# xattrs, statfs, renameat2 flags, copy_file_range/splice; then files
# written by ours are read by the reference module and vice versa.
. "$(dirname "$0")/lib.sh"

# ext4 lower (user xattrs on both kernels): /dev/vda if given, else a loop image.
dev=/dev/vda
if [ ! -b $dev ]; then
	truncate -s 160M /tmp/ext4.img && dev=/tmp/ext4.img
fi
mkfs.ext4 -q -F $dev >/dev/null || fail "mkfs.ext4"
if [ ! -b $dev ]; then
	modprobe loop 2>/dev/null || true
	dev=$(losetup -f --show /tmp/ext4.img) || fail "losetup"
fi
mkdir -p /mnt/d && mount -t ext4 $dev /mnt/d || fail "mount ext4"
L=/mnt/d/lower U=/mnt/d/upper
mkdir -p $L $U

sig=$(add_passphrase_key secretpass)
[ "$sig" = 81a0cb4417bc8bc7 ] || fail "unexpected sig $sig"

# errno of mount(2) (python ctypes), "0" on success.
py_mount() {
	python3 - "$@" <<'PY'
import ctypes, sys, os
libc = ctypes.CDLL(None, use_errno=True)
src, tgt, opts = sys.argv[1:4]
r = libc.mount(src.encode(), tgt.encode(), b"ecryptfs", 0, opts.encode())
print(0 if r == 0 else ctypes.get_errno())
PY
}
errname() { python3 -c "import errno,sys; print(errno.errorcode.get(int(sys.argv[1]), sys.argv[1]))" "$1"; }
expect_mount_err() {
	local want=$1 opts=$2 got
	got=$(py_mount $L $U "$opts")
	[ "$got" != 0 ] || { umount -i $U; fail "mount -o $opts succeeded, want $want"; }
	[ "$(errname "$got")" = "$want" ] || fail "mount -o $opts: $(errname "$got"), want $want"
}

log "mount errors"
expect_mount_err EINVAL "ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
expect_mount_err ENOENT "ecryptfs_sig=0123456789abcdef,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
expect_mount_err EINVAL "ecryptfs_sig=$sig,ecryptfs_cipher=aes"
expect_mount_err EINVAL "ecryptfs_sig=$sig,ecryptfs_cipher=nosuchcipher,ecryptfs_key_bytes=16"

log "mount with an unknown option (ignored) and /proc/mounts"
[ "$(py_mount $L $U "ecryptfs_sig=$sig,bogus_option=1,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_unlink_sigs,ecryptfs_check_dev_ruid")" = 0 ] ||
	fail "mount with an unknown option failed"
opts=$(awk -v u=$U '$2 == u { print $4 }' /proc/mounts)
[ "$opts" = "rw,relatime,ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_unlink_sigs" ] ||
	fail "/proc/mounts options: $opts"
dmesg | grep -q 'unrecognized option \[bogus_option=1\]' || fail "no warning for the unknown option"
[ "$(stat -f -c %t $U)" = f15f ] || fail "statfs f_type $(stat -f -c %t $U)"
mkdir -p /mnt/u2
[ "$(errname "$(py_mount $U /mnt/u2 "ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16")")" = EINVAL ] ||
	fail "stacking on eCryptfs was not refused with EINVAL"

hdr_word() { od -A n -t x1 -j "$2" -N "$3" "$1" | tr -d ' \n'; }

log "empty file: 8192-byte header"
: > $U/empty
[ "$(stat -c %s $L/empty)" = 8192 ] || fail "empty lower size $(stat -c %s $L/empty)"
[ "$(hdr_word $L/empty 0 8)" = 0000000000000000 ] || fail "size field of empty file"
[ "$(hdr_word $L/empty 16 10)" = 03000002000010000002 ] || fail "flags/extent words $(hdr_word $L/empty 16 10)"
python3 - $L/empty <<'PY' || fail "marker invalid"
import sys, struct
b = open(sys.argv[1], "rb").read(16)
m1, m2 = struct.unpack(">II", b[8:16])
sys.exit(0 if m1 ^ 0x3c81b7f5 == m2 else 1)
PY
[ "$(hdr_word $L/empty 26 4)" = 8c1d0407 ] || fail "tag 3 start $(hdr_word $L/empty 26 4)"
[ "$(hdr_word $L/empty 73 9)" = 81a0cb4417bc8bc700 ] || fail "tag 11 sig / terminator"

log "sizes and the size field"
for n in 1 4096 4097 8192 10000; do
	head -c $n /dev/urandom > /tmp/p$n
	cp /tmp/p$n $U/s$n
	want=$((8192 + 4096 * ((n + 4095) / 4096)))
	[ "$(stat -c %s $L/s$n)" = $want ] || fail "lower size for $n: $(stat -c %s $L/s$n), want $want"
	[ "$((16#$(hdr_word $L/s$n 0 8)))" = $n ] || fail "size field for $n"
	cmp /tmp/p$n $U/s$n || fail "content of $n"
done
printf 'abc' >> $U/s1
[ "$(stat -c %s $U/s1)" = 4 ] || fail "append size"
[ "$((16#$(hdr_word $L/s1 0 8)))" = 4 ] || fail "size field after append"
python3 - $U <<'PY' || fail "pread/pwrite/O_APPEND/O_DIRECT/SEEK_DATA checks"
import os, sys, errno, mmap
u = sys.argv[1]
fd = os.open(u + "/pw", os.O_CREAT | os.O_RDWR, 0o644)
os.pwrite(fd, b"X" * 10, 5000)
assert os.fstat(fd).st_size == 5010
assert os.pread(fd, 5010, 0) == b"\0" * 5000 + b"X" * 10
os.pwrite(fd, b"yy", 1)
assert os.pread(fd, 4, 0) == b"\0yy\0"
# no holes are visible
assert os.lseek(fd, 0, os.SEEK_DATA) == 0
assert os.lseek(fd, 0, os.SEEK_HOLE) == 5010
os.fsync(fd); os.fdatasync(fd)
os.close(fd)
fd = os.open(u + "/pw", os.O_WRONLY | os.O_APPEND)
os.write(fd, b"END")
os.close(fd)
assert open(u + "/pw", "rb").read()[-4:] == b"XEND"
try:
    os.open(u + "/pw", os.O_RDONLY | os.O_DIRECT)
    sys.exit("O_DIRECT open succeeded")
except OSError as e:
    assert e.errno == errno.EINVAL, e
# mmap shared writable
with open(u + "/mm", "wb") as f:
    f.write(b"a" * 6000)
with open(u + "/mm", "r+b") as f:
    m = mmap.mmap(f.fileno(), 6000)
    m[0:5] = b"MMAP!"
    m[5995:6000] = b"tail!"
    m.flush(); m.close()
# copy_file_range and splice on the upper fs
src = os.open(u + "/pw", os.O_RDONLY)
dst = os.open(u + "/cfr", os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o644)
n = os.copy_file_range(src, dst, 5013)
assert n == 5013, n
os.close(dst)
r, w = os.pipe()
assert os.splice(src, w, 100, offset_src=4990) == 23
assert os.read(r, 100) == b"\0" * 10 + b"X" * 10 + b"END"
os.close(src)
assert open(u + "/cfr", "rb").read() == open(u + "/pw", "rb").read()
PY
echo 3 > /proc/sys/vm/drop_caches
[ "$(head -c 5 $U/mm)" = MMAP! ] || fail "mmap write lost"
[ "$(tail -c 5 $U/mm)" = tail! ] || fail "mmap tail write lost"

log "sparse write at 1 MiB"
python3 -c "
import os; fd = os.open('$U/sparse', os.O_CREAT|os.O_WRONLY, 0o644)
os.pwrite(fd, b'Z', 1048576); os.close(fd)"
[ "$(stat -c %s $U/sparse)" = 1048577 ] || fail "sparse upper size"
[ "$(stat -c %s $L/sparse)" = $((8192 + 1048576 + 4096)) ] || fail "sparse lower size"
[ "$(stat -c %b $L/sparse)" -ge $(( (8192 + 1048576) / 512 )) ] || fail "lower file has holes"
head -c 1048576 /dev/zero | cmp - <(head -c 1048576 $U/sparse) || fail "sparse gap not zeros"

log "truncate"
cp /tmp/p10000 $U/t
truncate -s 5000 $U/t
[ "$(stat -c %s $U/t)" = 5000 ] && [ "$(stat -c %s $L/t)" = 16384 ] || fail "truncate down sizes"
[ "$((16#$(hdr_word $L/t 0 8)))" = 5000 ] || fail "size field after truncate"
truncate -s 9000 $U/t
[ "$(stat -c %s $L/t)" = 20480 ] || fail "truncate up lower size"
cmp <(head -c 5000 /tmp/p10000; head -c 4000 /dev/zero) $U/t || fail "truncate up content"
truncate -s 0 $U/t
[ "$(stat -c %s $L/t)" = 8192 ] || fail "truncate to 0 lower size"
echo -n fresh > $U/t
[ "$(cat $U/t)" = fresh ] || fail "rewrite after truncate"

log "0-byte and plaintext lower files"
: > $L/zero
[ "$(stat -c %s $U/zero)" = 0 ] || fail "stat 0-byte"
cat $U/zero
[ "$(stat -c %s $L/zero)" = 8192 ] || fail "0-byte lower file not converted on open"
echo plaintext > $L/plain
[ "$(stat -c %s $U/plain)" = 10 ] || fail "stat plaintext size"
if cat $U/plain 2>/tmp/err; then fail "plaintext lower file opened"; fi
grep -q 'Input/output error' /tmp/err || fail "plaintext open: $(cat /tmp/err), want EIO"
if chmod 600 $U/plain 2>/tmp/err; then fail "chmod on plaintext file succeeded"; fi
grep -q 'Input/output error' /tmp/err || fail "chmod: $(cat /tmp/err), want EIO"

log "namespace"
mkdir $U/dir && [ -d $L/dir ] || fail mkdir
echo inner > $U/dir/inner
mv $U/dir/inner $U/moved
[ "$(cat $U/moved)" = inner ] && [ -e $L/moved ] || fail rename
ln $U/moved $U/hard
[ "$(stat -c %i $U/hard)" = "$(stat -c %i $L/moved)" ] || fail "hard link inode"
[ "$(stat -c %h $U/moved)" = 2 ] || fail "nlink"
[ "$(cat $U/hard)" = inner ] || fail "read via hard link"
ln -s moved $U/sym
[ "$(readlink $U/sym)" = moved ] && [ "$(readlink $L/sym)" = moved ] || fail symlink
[ "$(cat $U/sym)" = inner ] || fail "follow symlink"
mkfifo $U/fifo && [ -p $L/fifo ] || fail mknod
chmod 640 $U/moved && [ "$(stat -c %a $L/moved)" = 640 ] || fail chmod
chown 1000:1000 $U/moved && [ "$(stat -c %u:%g $L/moved)" = 1000:1000 ] || fail chown
touch -d '2001-02-03 04:05:06' $U/moved
[ "$(stat -c %Y $U/moved)" = "$(stat -c %Y $L/moved)" ] || fail utimes
# Times set while the data is still dirty in the page cache (cp -p sets
# them before close) must stay: encryption is deferred to writeback, and the
# reference loses them in this case.
head -c 10000 /dev/urandom > /tmp/cpp.src
touch -d '2002-03-04 05:06:07' /tmp/cpp.src
cp -p /tmp/cpp.src $U/cpp
want=$(stat -c %Y /tmp/cpp.src)
[ "$(stat -c %Y $U/cpp)" = "$want" ] || fail "cp -p lost the modification time (upper)"
[ "$(stat -c %Y $L/cpp)" = "$want" ] || fail "cp -p lost the modification time (lower)"
cmp /tmp/cpp.src $U/cpp || fail "cp -p content"
rm $U/cpp
setfattr -n user.test -v hello $U/moved || fail setfattr
[ "$(getfattr --only-values -n user.test $L/moved)" = hello ] || fail "xattr not on lower"
[ "$(getfattr --only-values -n user.test $U/moved)" = hello ] || fail "getfattr upper"
getfattr -d $U/moved | grep -q user.test || fail listxattr
setfattr -x user.test $U/moved || fail removexattr
python3 - $U <<'PY' || fail "renameat2 flags"
import ctypes, sys, os, errno
libc = ctypes.CDLL(None, use_errno=True)
u = sys.argv[1].encode()
r = libc.syscall(316, -100, u + b"/moved", -100, u + b"/other", 1)
assert r == -1 and ctypes.get_errno() == errno.EINVAL, ctypes.get_errno()
PY
ls $U | sort | tr '\n' ' ' > /tmp/ls
[ "$(cat /tmp/ls)" = "cfr dir empty fifo hard mm moved plain pw s1 s10000 s4096 s4097 s8192 sparse sym t zero " ] ||
	fail "readdir: $(cat /tmp/ls)"
rm $U/hard $U/sym $U/fifo && rmdir $U/dir || fail "unlink/rmdir"
[ ! -e $L/dir ] && [ ! -e $L/hard ] || fail "lower not removed"
if rmdir $U/nonexistent 2>/dev/null; then fail "rmdir of a missing dir"; fi

log "interop with the reference module"
head -c $((1048576 + 3)) /dev/urandom > /tmp/big
cp /tmp/big $U/big
python3 -c "
import os; fd = os.open('$U/sp', os.O_CREAT|os.O_WRONLY, 0o644)
os.pwrite(fd, b'Q', 300000); os.close(fd)"
sha_ours=$(cd $U && sha256sum big sp s10000 mm pw sparse moved | sha256sum)
umount -i $U
load_module reference
mount_ecryptfs $L $U $sig
sha_ref=$(cd $U && sha256sum big sp s10000 mm pw sparse moved | sha256sum)
[ "$sha_ours" = "$sha_ref" ] || fail "the reference reads our files differently"
cp /tmp/big $U/rbig
python3 -c "
import os; fd = os.open('$U/rsp', os.O_CREAT|os.O_WRONLY, 0o644)
os.pwrite(fd, b'R', 123456); os.close(fd)"
truncate -s 7000 $U/s10000
sha_ref=$(cd $U && sha256sum rbig rsp s10000 | sha256sum)
umount -i $U
load_module ours
mount_ecryptfs $L $U $sig
sha_ours=$(cd $U && sha256sum rbig rsp s10000 | sha256sum)
[ "$sha_ours" = "$sha_ref" ] || fail "we read the reference's files differently"
cmp /tmp/big $U/rbig || fail "rbig content"
umount -i $U
check_dmesg
echo "PASS: kcore-basic on $ECRYPTFS_KVER"
