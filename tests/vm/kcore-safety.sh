#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Our module keeps data when the lower file system cannot take it:
# - the header-loss sequence: a copy fails on a full lower fs, space is
#   freed, the copy is made again and fsynced; after a remount the file
#   reads back (its header, with the wrapped file key, reached the disk);
# - a full lower fs: write(2) itself fails with ENOSPC, a create leaves
#   no upper file over a headerless lower file, files written before are
#   intact after a remount;
# - a lower device that starts failing writes (dm-flakey): the writer sees
#   the error, nothing oopses, what was fsynced before is intact after the
#   device recovers;
# - the size field never claims more than the lower file holds: a
#   corrupted size field shows at most the lower data, and a read of it
#   ends.
. "$(dirname "$0")/lib.sh"

U=/tmp/upper
mkdir -p $U /run/img
sig=$(add_passphrase_key safety-pass)
load_ours

# small_fs IMG MIB DIR: a fresh ext4 of MIB MiB in a loop image on DIR.
small_fs() {
	truncate -s "$2m" "$1"
	mkfs.ext4 -q -F -I 256 -b 4096 "$1" || fail "mkfs.ext4 $1"
	mkdir -p "$3"
	modprobe loop 2>/dev/null || true
	mount -t ext4 -o loop "$1" "$3" || fail "cannot loop-mount $1"
}

# fill DIR: fill the file system of DIR to the last block (root may use
# the reserved blocks too).
fill() {
	dd if=/dev/zero of="$1/filler" bs=64k 2>/dev/null || true
	dd if=/dev/zero of="$1/filler2" bs=4k 2>/dev/null || true
	sync
}

# pywrite FILE BYTES: write BYTES random bytes to FILE in 1 MiB write(2)
# calls, then fsync and close; prints which call failed first, and how:
# "ok", "write ENOSPC", "fsync EIO", ...
pywrite() {
	python3 - "$1" "$2" <<'EOF'
import errno, os, sys
path, size = sys.argv[1], int(sys.argv[2])
def report(what, e):
    print(what, errno.errorcode.get(e.errno, e.errno)); sys.exit(0)
try:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
except OSError as e:
    report("open", e)
done = 0
while done < size:
    n = min(1 << 20, size - done)
    try:
        done += os.write(fd, os.urandom(n))
    except OSError as e:
        report("write", e)
try:
    os.fsync(fd)
except OSError as e:
    report("fsync", e)
try:
    os.close(fd)
except OSError as e:
    report("close", e)
print("ok")
EOF
}

# small_mount NAME MIB: a fresh lower fs /tmp/NAME of MIB MiB, our mount
# over it on $U; small_umount: both unmounted.
small_mount() {
	L=/tmp/$1
	small_fs /run/img/$1.img "$2" $L
	mount_ecryptfs $L $U "$sig"
}
small_umount() {
	umnt $U
	umount $L
}

remount_upper() {
	umnt $U
	rmmod ecryptfs || fail "rmmod"
	load_ours
	mount_ecryptfs "$1" $U "$sig"
}

# start_small: a fresh 32 MiB lower fs on $L, mounted on $U, with a file
# "before" written through it; /tmp/a is 3 MB of random bytes.
start_small() {
	small_mount l1 32
	head -c 3000000 /dev/urandom > /tmp/a
	head -c 20000 /dev/urandom > /tmp/before
	cp /tmp/before $U/before || fail "cp before"
}

# end_small WHEN: remount, check b and before, unmount everything.
end_small() {
	remount_upper $L
	cmp /tmp/a $U/b || fail "b differs from /tmp/a $1"
	cmp /tmp/before $U/before || fail "a file written before the fs filled up changed $1"
	small_umount
}

# want SECTION: run SECTION unless ECRYPTFS_TEST_ONLY names another one
# (to show each section failing on an older module).
want() { [ -z "${ECRYPTFS_TEST_ONLY:-}" ] || [ "$ECRYPTFS_TEST_ONLY" = "$1" ]; }

if want headerloss; then
log "the header-loss sequence: cp on a full fs, space freed, cp again"
start_small
sync
fill $L
if cp /tmp/a $U/b 2>/tmp/cp.err; then
	fail "cp onto a full lower fs succeeded"
fi
log "first cp failed as it must: $(head -n1 /tmp/cp.err)"
rm -f $L/filler $L/filler2
sync
cp /tmp/a $U/b || fail "cp after space was freed"
python3 -c "import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd)" $U/b ||
	fail "fsync of b"
end_small "after the full-fs sequence (header lost?)"
fi

if want enospc; then
log "a full lower fs: write(2) fails with ENOSPC"
start_small
cp /tmp/a $U/b || fail "cp b"
: > $U/big || fail "create big"
fill $L
res=$(pywrite $U/big $((64 << 20)))
expect "first failure of a 64 MiB write on a full fs" "write ENOSPC" "$res"
rm -f $U/big

log "a full lower fs: touch fails or leaves a lower file with a header"
if touch $U/t 2>/dev/null; then
	lsize=$(stat -c %s $L/t)
	[ "$lsize" -ge 8192 ] || fail "touch succeeded over a $lsize-byte lower file"
	expect "size of the touched file" 0 "$(stat -c %s $U/t)"
else
	[ ! -e $U/t ] || fail "a failed create left $U/t behind"
fi
rm -f $L/filler $L/filler2 $U/t
sync
end_small "after the full-fs writes"
fi

if want flakey; then
log "a lower device that starts failing writes (dm-flakey)"
modprobe dm-flakey || fail "modprobe dm-flakey"
truncate -s 128m /run/img/fl.img
modprobe loop 2>/dev/null || true
loop=$(losetup -f --show /run/img/fl.img) || fail "losetup"
sectors=$(blockdev --getsz "$loop")
dmsetup create ecfl --table "0 $sectors linear $loop 0" || fail "dmsetup create"
dmsetup mknodes ecfl || fail "dmsetup mknodes"
# No journal: a failed data write is reported through the file's error
# state only (a journal would abort and fail everything alike).
mkfs.ext4 -q -F -I 256 -O ^has_journal /dev/mapper/ecfl || fail "mkfs on dm"
L=/tmp/l2
mkdir -p $L
mount -t ext4 /dev/mapper/ecfl $L || fail "mount dm"
mount_ecryptfs $L $U "$sig"
head -c 5000000 /dev/urandom > /tmp/kept
cp /tmp/kept $U/kept || fail "cp kept"
python3 -c "import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd)" $U/kept ||
	fail "fsync kept"
sync
dmsetup suspend ecfl
dmsetup load ecfl --table "0 $sectors flakey $loop 0 0 3600 1 error_writes" ||
	fail "dmsetup load flakey"
dmsetup resume ecfl
# Two openers of one file (one shared lower file): both must be told.
: > $U/shared || fail "create shared"
res2=$(python3 - "$U/shared" <<'EOF'
import errno, os, sys
a = os.open(sys.argv[1], os.O_WRONLY)
b = os.open(sys.argv[1], os.O_WRONLY)
out = []
try:
    os.pwrite(a, os.urandom(1 << 20), 0)
    os.pwrite(b, os.urandom(1 << 20), 1 << 20)
except OSError as e:
    print("write", errno.errorcode[e.errno]); sys.exit(0)
for fd in (a, b):
    try:
        os.fsync(fd)
        out.append("ok")
    except OSError as e:
        out.append(errno.errorcode[e.errno])
print("fsync", " ".join(out))
EOF
)
case "$res2" in
"write EIO"|"write EROFS"|"fsync EIO EIO"|"fsync EROFS EROFS"|"fsync EIO EROFS"|"fsync EROFS EIO") ;;
*) fail "two openers of a file on a failing device: '$res2' (each must see the error)" ;;
esac
log "two openers saw: $res2"
res=$(pywrite $U/lost $((8 << 20)))
case "$res" in
"write EIO"|"write EROFS"|"fsync EIO"|"fsync EROFS"|"open EIO"|"open EROFS") ;;
*) fail "writing to a failing device: expected an error, got '$res'" ;;
esac
log "the writer saw: $res"
umount $U || umount -l $U
umount $L || umount -l $L
dmsetup suspend ecfl
dmsetup load ecfl --table "0 $sectors linear $loop 0" || fail "dmsetup load linear"
dmsetup resume ecfl
e2fsck -fy /dev/mapper/ecfl >/dev/null 2>&1 || true
mount -t ext4 /dev/mapper/ecfl $L || fail "remount dm"
rmmod ecryptfs
load_ours
mount_ecryptfs $L $U "$sig"
cmp /tmp/kept $U/kept || fail "a file fsynced before the failure changed"
small_umount
dmsetup remove ecfl
losetup -d "$loop"
fi

if want sizefield; then
log "a size field claiming more than the lower file holds"
small_mount l3 32
head -c 10000 /dev/urandom > $U/c || fail "write c"
head -c 10000 /dev/urandom > $U/c2 || fail "write c2"
umnt $U
# The size field (the first 8 bytes of the header): all 0xff (negative as
# a file size), and 2^50 (positive, absurd).
printf '\377\377\377\377\377\377\377\377' | dd of=$L/c bs=1 conv=notrunc 2>/dev/null
printf '\000\004\000\000\000\000\000\000' | dd of=$L/c2 bs=1 conv=notrunc 2>/dev/null
rmmod ecryptfs
load_ours
mount_ecryptfs $L $U "$sig"
for f in c c2; do
	lsize=$(stat -c %s $L/$f)
	usize=$(stat -c %s $U/$f)
	[ "$usize" -ge 0 ] && [ "$usize" -le $((lsize - 8192)) ] ||
		fail "corrupted size field of $f: upper size $usize, lower data only $((lsize - 8192)) bytes"
	got=$(timeout 60 cat $U/$f | wc -c) || fail "reading the corrupted file $f did not end"
	[ "$got" -le $((lsize - 8192)) ] || fail "read $got bytes of $f, a $lsize-byte lower file"
done
small_umount
fi

if want sizeorder; then
log "the size field never runs ahead of the lower data, even with fsync racing a writer"
small_mount l6 400
python3 - "$U/grow" "$L/grow" <<'EOF' || fail "size field ahead of the lower data"
import os, struct, sys, threading, time
up, low = sys.argv[1], sys.argv[2]
fd = os.open(up, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
stop = time.time() + 15
bad = []
def writer():
    buf = os.urandom(1 << 20)
    while time.time() < stop and not bad:
        os.write(fd, buf)
        if os.fstat(fd).st_size > (300 << 20):
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, 0)
def syncer():
    other = os.open(up, os.O_RDONLY)
    lfd = os.open(low, os.O_RDONLY)
    n = 0
    while time.time() < stop and not bad:
        os.fsync(other)
        field = struct.unpack(">Q", os.pread(lfd, 8, 0))[0]
        data = os.fstat(lfd).st_size - 8192
        if field > data:
            bad.append("size field %d, lower data %d (check %d)" % (field, data, n))
        n += 1
t = [threading.Thread(target=writer), threading.Thread(target=syncer)]
for x in t: x.start()
for x in t: x.join()
if bad:
    sys.exit(bad[0])
EOF
small_umount
fi

if want mtime; then
log "mtime and ctime change at write(2), not at writeback"
small_mount l4 32
echo one > $U/m || fail "write m"
touch -d '2001-01-01 00:00:00' $U/m
sync
python3 - "$U/m" <<'EOF' || fail "mtime after write(2)"
import os, sys, time
p = sys.argv[1]
before = os.stat(p)
fd = os.open(p, os.O_WRONLY | os.O_APPEND)
os.write(fd, b"two\n")
after = os.stat(p)
os.close(fd)
if after.st_mtime <= before.st_mtime or after.st_ctime <= before.st_ctime:
    sys.exit("stat right after write(2): mtime %s ctime %s, before %s %s"
             % (after.st_mtime, after.st_ctime, before.st_mtime, before.st_ctime))
if after.st_mtime < time.time() - 60:
    sys.exit("mtime after write(2) is %s" % after.st_mtime)
EOF
small_umount
fi

if want mmapra; then
log "random faults of a large mapping read around no more than 32 pages each"
small_mount l5 200
head -c $((96 << 20)) /dev/urandom > $U/big || fail "write big"
umnt $U
rmmod ecryptfs
load_ours
mount_ecryptfs $L $U "$sig"
sync
echo 3 > /proc/sys/vm/drop_caches
pages=$(python3 - "$U/big" <<'EOF'
import ctypes, mmap, os, random, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
size = os.fstat(fd).st_size
m = mmap.mmap(fd, size, access=mmap.ACCESS_COPY)
r = random.Random(7)
for _ in range(40):
    m[r.randrange(0, size // 4096) * 4096]
# Pages of the file now in the upper page cache.
libc = ctypes.CDLL(None)
vec = (ctypes.c_ubyte * (size // 4096))()
buf = (ctypes.c_char * size).from_buffer(m)
libc.mincore(ctypes.c_void_p(ctypes.addressof(buf)), ctypes.c_size_t(size), vec)
print(sum(b & 1 for b in vec))
EOF
) || fail "mmap faults"
log "40 random faults brought $pages pages in"
[ "$pages" -le $((40 * 32)) ] || fail "40 random faults read $pages pages (more than 32 each)"
small_umount
fi

check_dmesg
log "PASS"
