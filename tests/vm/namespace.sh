#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Namespace operations and attributes on an eCryptfs mount over ext4
# (ktest.py namespace / namespace-after): create, readdir, mkdir, rmdir,
# unlink, rename (RENAME_NOREPLACE -> EINVAL), hard links sharing st_ino,
# symlinks, mknod, chmod/chown/utimes, xattrs, O_APPEND, shared writable
# mmap, fsync/fdatasync, SEEK_DATA/SEEK_HOLE, statfs f_type, O_DIRECT,
# unknown ioctl, inotify events, copy_file_range and splice (EINVAL on the
# reference, working with the right data on ours); then a remount and the
# results checked again.  Run for each module of ECRYPTFS_PAIR.
. "$ECRYPTFS_SRC/tests/vm/lib.sh" || exit 1

read -r A B <<<"$(ecryptfs_pair)"
base=/tmp/ns
lower_fs $base ext4
load_module reference
sig=$(add_passphrase_key "namespace pass")

for m in "$A" "$B"; do
	[ -e $base/$m ] && continue
	reload_module "$m"
	mkdir -p $base/$m $base/up
	mount_ecryptfs $base/$m $base/up "$sig"
	log "$m: namespace checks"
	ktest namespace $base/up $base/$m "$m" || fail "namespace checks under $m"
	expect "$m: stat -f type" f15f "$(stat -f -c %t $base/up)"
	umnt $base/up
	reload_module "$m"
	mount_ecryptfs $base/$m $base/up "$sig"
	ktest namespace-after $base/up || fail "namespace results after a remount under $m"
	umnt $base/up
	check_dmesg
done
unload_ecryptfs
check_dmesg
echo "PASS: namespace $A, $B on $ECRYPTFS_KVER (${SECONDS}s)"
