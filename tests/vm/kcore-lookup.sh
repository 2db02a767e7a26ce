#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Our module: sizes and contents through lookups.
# Sizes of files of every size class seen cold through a listing, by name
# (size field from the lower page cache)
# and after a lower-only change; headers in the xattr and lower files that
# are no eCryptfs files fall back to the usual probe; the RCU path walk
# sees files unlinked in the lower directory; contents read back
# unchanged and the reference module reads the same sizes and contents;
# sync(2) and syncfs(2) leave no dirty lower page behind.
. "$(dirname "$0")/lib.sh"

L=/tmp/lower U=/tmp/upper
sizes="0 1 15 16 17 4095 4096 4097 8191 8192 8193 12289 65536 100000"
lower_fs $L ext4
mkdir -p $U
sig=$(add_passphrase_key lookup-pass)

# remount MODULE [EXTRA]: a fresh mount (no cached upper inode) on cold
# lower caches.
remount() {
	unload_ecryptfs
	load_module "$1"
	sync
	echo 3 > /proc/sys/vm/drop_caches
	mount_ecryptfs $L $U "$sig" "${2:-}"
}

# check_sizes HOW: every file sN must be N bytes long, seen via HOW.
check_sizes() {
	local how=$1 n got
	case "$how" in
	listing)
		# ls -l: readdir then lstat of every entry.
		ls -l $U > /tmp/listing || fail "ls -l $U"
		for n in $sizes; do
			got=$(awk -v f=s$n '$NF == f { print $5 }' /tmp/listing)
			expect "size of s$n via $how" "$n" "$got"
		done ;;
	name)
		for n in $sizes; do
			expect "size of s$n via $how" "$n" "$(stat -c %s $U/s$n)"
		done ;;
	esac
}

log "files of every size class, written by our module"
remount ours
for n in $sizes; do
	head -c "$n" /dev/urandom > $U/s$n || fail "write s$n"
	md5sum < $U/s$n > /tmp/s$n.md5
done
# A lower file that is no eCryptfs file: its lower size shows.
umount $U
printf '%100s' x > $L/plainfile

for how in listing name; do
	log "cold sizes via $how (our module)"
	remount ours
	check_sizes $how
	expect "size of a non-eCryptfs lower file via $how" 100 "$(stat -c %s $U/plainfile)"
done

log "contents after a cold listing"
remount ours
ls -l $U > /dev/null
for n in $sizes; do
	expect "contents of s$n" "$(cat /tmp/s$n.md5)" "$(md5sum < $U/s$n)"
done

log "a file grown and truncated, listed cold"
echo appended >> $U/s4096 || fail "append"
truncate -s 5000 $U/s8193 || fail "truncate"
remount ours
ls -l $U > /tmp/listing
expect "size after append" 4105 "$(awk '$NF == "s4096" { print $5 }' /tmp/listing)"
expect "size after truncate" 5000 "$(awk '$NF == "s8193" { print $5 }' /tmp/listing)"

log "names encrypted: sizes through a listing"
remount ours "ecryptfs_fnek_sig=$sig"
mkdir $U/fn || fail "mkdir fn"
for n in $sizes; do head -c "$n" /dev/urandom > $U/fn/s$n || fail "write fn/s$n"; done
remount ours "ecryptfs_fnek_sig=$sig"
ls -l $U/fn > /tmp/fnlisting || fail "ls -l fn"
for n in $sizes; do
	expect "size of fn/s$n via a listing, names encrypted" "$n" \
		"$(awk -v f=s$n '$NF == f { print $5 }' /tmp/fnlisting)"
done
rm -r $U/fn || fail "rm -r fn"
remount ours

log "RCU path walk sees a lower-only unlink"
# (A lower-only rename keeps the old upper name valid, in the reference
# too: the lower dentry stays hashed.)
stat $U/s1 $U/s15 > /dev/null || fail "stat s1 s15"
rm $L/s1 || fail "lower unlink"
stat $U/s1 > /dev/null 2>&1 && fail "s1 still visible after the lower unlink"
mv $L/s15 $L/moved15 || fail "lower rename"
expect "renamed file's size" 15 "$(stat -c %s $U/moved15)"
echo new > $L/made-below
expect "lower-only new file visible" 4 "$(stat -c %s $U/made-below)"

log "the reference module sees the same sizes and contents"
remount reference
ls -l $U > /tmp/listing
for n in $sizes; do
	case $n in 1|15) continue ;; esac
	[ "$n" = 4096 ] && want=4105 || want=$n
	[ "$n" = 8193 ] && want=5000
	expect "reference: size of s$n" "$want" "$(awk -v f=s$n '$NF == f { print $5 }' /tmp/listing)"
	case $n in 4096|8193) continue ;; esac
	expect "reference: contents of s$n" "$(cat /tmp/s$n.md5)" "$(md5sum < $U/s$n)"
done
umount $U

log "headers in the xattr (ecryptfs_xattr_metadata): the usual probe"
rm -rf "${L:?}"/*
remount ours ecryptfs_xattr_metadata
for n in $sizes; do head -c "$n" /dev/urandom > $U/s$n || fail "write s$n (xattr)"; done
for how in listing name; do
	remount ours ecryptfs_xattr_metadata
	check_sizes $how
done
umount $U

log "new files truncated right after their create"
rm -rf "${L:?}"/*
remount ours
# Each size field is written right after the create: it must not be
# overwritten by the header's.
python3 - "$U" <<'PY' || fail "creating and truncating 300 files"
import os, sys
d = os.path.join(sys.argv[1], "new")
os.mkdir(d)
for i in range(300):
    fd = os.open(os.path.join(d, "t%d" % i), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    os.ftruncate(fd, 5000 + i)
    os.close(fd)
PY
for mod in ours reference; do
	remount $mod
	bad=$(cd $U/new && stat -c '%n %s' t* | awk '{ n++; i = substr($1, 2) + 0;
		if ($2 != 5000 + i) { print $1 " is " $2 " bytes"; exit } }
		END { if (n != 300) print "only " n " files" }')
	[ -z "$bad" ] || fail "$mod: size of a new truncated file: $bad"
done
umount $U

log "sync(2) and syncfs(2) on the upper mount reach the lower disk"
# Writes only fill the lower page cache; the module's sync_fs must then
# sync the lower file system.  Dirty
# pages survive drop_caches, so none may be left of the lower files.
for how in syncfs sync; do
	rm -rf "${L:?}"/*
	remount ours
	mkdir $U/$how || fail "mkdir $how"
	python3 - "$U/$how" <<'PY' || fail "$how: writing 50 files"
import os, stat, sys
for i in range(50):
    with open(os.path.join(sys.argv[1], "d%d" % i), "wb") as f:
        f.write(os.urandom(5000 + i))
# Empty files: only a header.
for i in range(10):
    os.mknod(os.path.join(sys.argv[1], "m%d" % i), 0o644 | stat.S_IFREG)
    os.close(os.open(os.path.join(sys.argv[1], "e%d" % i), os.O_CREAT | os.O_WRONLY, 0o644))
PY
	if [ $how = syncfs ]; then sync -f $U/$how; else sync; fi || fail "$how failed"
	echo 1 > /proc/sys/vm/drop_caches
	left=$(fincore --noheadings --raw --output PAGES $L/$how/* | awk '{ s += $1 } END { print s + 0 }')
	expect "lower pages still in memory (dirty) after $how" 0 "$left"
	remount reference
	for i in 0 49; do
		expect "size of d$i after $how, via the reference" $((5000 + i)) "$(stat -c %s $U/$how/d$i)"
	done
	cmp -s /dev/null $U/$how/m9 || fail "empty file made by mknod: unreadable after $how"
	cmp -s /dev/null $U/$how/e9 || fail "empty file made by open: unreadable after $how"
	expect "lower size of an empty file" 8192 "$(stat -c %s $L/$how/e0)"
	umount $U
done

log "a directory of 3000 files"
rm -rf "${L:?}"/*
remount ours
mkdir $U/many || fail "mkdir many"
# File fI is I % 97 * 61 bytes long (0 to 5856: one or two data extents).
python3 - "$U/many" <<'PY' || fail "creating 3000 files"
import os, sys
for i in range(3000):
    with open(os.path.join(sys.argv[1], "f%d" % i), "wb") as f:
        f.write(b"x" * (i % 97 * 61))
PY
remount ours
ls -l $U/many > /tmp/many.ls || fail "ls -l $U/many"
bad=$(awk '$NF ~ /^f[0-9]+$/ { n++; i = substr($NF, 2) + 0;
	if ($5 != i % 97 * 61) { print $NF " " $5; exit } }
	END { if (n != 3000) print "only " n " files listed" }' /tmp/many.ls)
[ -z "$bad" ] || fail "listing of 3000 files: $bad"
# By name, never listed.
remount ours
python3 - "$U/many" <<'PY' || fail "sizes of 3000 files by name"
import os, sys
for i in range(3000):
    n = os.stat(os.path.join(sys.argv[1], "f%d" % i)).st_size
    if n != i % 97 * 61:
        sys.exit("f%d is %d bytes" % (i, n))
PY

log "creating files while a listing runs"
remount ours
ls -l $U/many > /dev/null &
lister=$!
for i in 1 2 3 4 5 6 7 8; do echo new > $U/many/new$i || fail "create new$i"; done
wait $lister || fail "ls -l during creates"
expect "files after the creates" 3008 "$(ls $U/many | wc -l)"

log "deleted files: space free when unlink returns, nothing left at unmount"
# statfs must not see the space still in use, and unmount must leave no
# lower inode behind.
remount ours
mkdir $U/del || fail "mkdir del"
python3 - "$U/del" "$U" "$L" <<'PY' || fail "deleted files"
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
d, upper, lower = sys.argv[1:4]
big = os.path.join(d, "big")
with open(big, "wb") as f:
    f.write(b"x" * (32 << 20))
    os.fsync(f.fileno())
for i in range(300):
    with open(os.path.join(d, "f%d" % i), "wb") as f:
        f.write(b"y" * 5000)
def free():
    st = os.statvfs(d)
    return st.f_bavail * st.f_frsize
before = free()
os.unlink(big)
freed = free() - before
if freed < 30 << 20:
    sys.exit("statfs right after unlinking a 32 MiB file: %d bytes freed" % freed)
fd = os.open(os.path.join(d, "f0"), os.O_RDONLY)
os.unlink(os.path.join(d, "f0"))
if os.read(fd, 10000) != b"y" * 5000:
    sys.exit("an open file unlinked: contents changed")
os.close(fd)
for i in range(1, 300):
    os.unlink(os.path.join(d, "f%d" % i))
os.rmdir(d)
for m in (upper, lower):
    if libc.umount2(m.encode(), 0):
        sys.exit("umount %s right after unlinks: %s" % (m, os.strerror(ctypes.get_errno())))
PY
if dmesg | grep -q "Busy inodes"; then fail "lower inodes left behind at unmount: $(dmesg | grep 'Busy inodes')"; fi
if [ -b /dev/vda ]; then mount -t ext4 /dev/vda $L; else mount -t ext4 -o loop /run/lower-img/ext4.img $L; fi ||
	fail "cannot mount the lower file system again"
[ ! -e $L/del ] || fail "the deleted directory is still in the lower file system"

log "the lower file system is not busy once the upper one is unmounted"
remount ours
# One process, so that both unmounts follow the listing at once.
python3 - "$U" "$L" <<'PY' || fail "lower file system busy right after a listing and unmount"
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
upper, lower = sys.argv[1], sys.argv[2]
n = len(os.listdir(os.path.join(upper, "many")))
for m in (upper, lower):
    if libc.umount2(m.encode(), 0):
        sys.exit("umount %s: %s (after listing %d names)"
                 % (m, os.strerror(ctypes.get_errno()), n))
PY
check_dmesg
echo "PASS: kcore-lookup on $(uname -r)"
