#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# fsx-ecryptfs on an eCryptfs mount of module A (ECRYPTFS_PAIR="A B",
# default ours): several seeds, every operation checked against the
# in-memory model, with a remount hook that really unmounts, mounts again
# and dropping the page cache; copy_file_range and splice on ours.  After each
# seed the lower file must follow the size rule, and module B must read
# the final file byte for byte like the model (fsx --save-model).
# ECRYPTFS_SOAK=1: more seeds and operations.
. "$ECRYPTFS_SRC/tests/vm/lib.sh" || exit 1

read -r A B <<<"$(ecryptfs_pair)"
fsx=$ECRYPTFS_BUILD/bin/fsx-ecryptfs
[ -x "$fsx" ] || fail "$fsx missing: build the userland first"
base=/tmp/fsx
lower_fs $base ext4
load_module "$A"
sig=$(add_passphrase_key "fsx pass")
opts="ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
seeds="1 2 3"
ops=3000
if [ -n "${ECRYPTFS_SOAK:-}" ]; then
	seeds=$(seq 1 24)
	ops=20000
fi
extra=()
[ "$A" = ours ] && extra=(--copy-range --splice)
# A real unmount and mount (the upper inode and page cache go with it).
remount="umount -i $base/up && mount -i -t ecryptfs $base/l $base/up -o $opts"

mkdir -p $base/l $base/up $base/models
mount -i -t ecryptfs $base/l $base/up -o "$opts" || fail "mount"
total=0
for s in $seeds; do
	# drop_caches also empties the guest's root file system cache (slow
	# under TCG): only the first seed uses it.
	drop=(--weight dropcaches=0)
	[ "$s" = 1 ] && drop=()
	"$fsx" --seed "$s" --ops $ops --max-size 96K "${extra[@]}" "${drop[@]}" --remount-cmd "$remount" \
		--strict-drop-caches \
		--save-model $base/models/f$s --failure-dir "$ECRYPTFS_OUT/fsx-seed$s" \
		$base/up/f$s || fail "fsx-ecryptfs seed $s on $A (see $ECRYPTFS_OUT/fsx-seed$s)"
	size=$(stat -c %s $base/up/f$s)
	lsize=$(stat -c %s $base/l/f$s)
	expect "lower size of a $size-byte file (seed $s)" $((8192 + (size + 4095) / 4096 * 4096)) "$lsize"
	total=$((total + ops))
	log "seed $s done (t=${SECONDS}s)"
done
umnt $base/up
log "$total operations in ${SECONDS}s; the final files as read by $B"
reload_module "$B"
mount -i -t ecryptfs $base/l $base/up -o "$opts" || fail "mount under $B"
for s in $seeds; do
	cmp $base/models/f$s $base/up/f$s || fail "$B reads seed $s's file differently from the model"
done
umnt $base/up
unload_ecryptfs
check_dmesg
echo "PASS: stress-fsx $A ($total ops, read back by $B) on $ECRYPTFS_KVER in ${SECONDS}s"
