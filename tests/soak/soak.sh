#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vm-options: --append slub_debug=FZPU --timeout 4500
#
# The soak: for ECRYPTFS_SOAK_SECONDS (default 3600) our module runs, in
# turns, fsx-ecryptfs (a new seed each round, 5000 operations, a real
# remount hook) and tests/stress/concurrent (6 processes, 1000 operations,
# then a remount and the full verification), under slub_debug=FZPU
# (redzones, poisoning, sanity checks of every slab object: a
# use-after-free or overflow shows as a slab error in the kernel log,
# which fails the run).  The last line gives the rounds, operations and
# time; it is also written to $ECRYPTFS_OUT/soak-summary.txt.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"

secs=${ECRYPTFS_SOAK_SECONDS:-3600}
grep -q 'slub_debug=FZPU' /proc/cmdline || fail "booted without slub_debug=FZPU"
fsx=$ECRYPTFS_BUILD/bin/fsx-ecryptfs conc=$ECRYPTFS_BUILD/bin/concurrent
[ -x "$fsx" ] && [ -x "$conc" ] || fail "fsx-ecryptfs or concurrent missing: build the userland"
base=/tmp/soak
lower_fs $base ext4
load_ours
sig=$(add_passphrase_key "soak pass")
opts="ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
mkdir -p $base/l $base/up
remount="umount -i $base/up && mount -i -t ecryptfs $base/l $base/up -o $opts"
mount -i -t ecryptfs $base/l $base/up -o "$opts" || fail "mount"
end=$((SECONDS + secs))
round=0 fsx_ops=0 conc_ops=0
while [ $SECONDS -lt $end ]; do
	round=$((round + 1))
	"$fsx" --seed $((1000 + round)) --ops 5000 --max-size 256K --copy-range --splice \
		--weight dropcaches=0 --remount-cmd "$remount" \
		--failure-dir "$ECRYPTFS_OUT/soak-fsx$round" $base/up/f ||
		fail "fsx-ecryptfs seed $((1000 + round)) (round $round)"
	rm -f $base/up/f
	fsx_ops=$((fsx_ops + 5000))
	rm -rf $base/up/tree
	"$conc" --procs 6 --ops 1000 --seed $round --max-size 64K $base/up/tree ||
		fail "concurrent, round $round"
	umnt $base/up
	mount -i -t ecryptfs $base/l $base/up -o "$opts" || fail "remount"
	"$conc" --verify $base/up/tree || fail "verification after remount, round $round"
	conc_ops=$((conc_ops + 6 * 1000))
	check_dmesg
	log "round $round done at ${SECONDS}s"
done
umnt $base/up
unload_ecryptfs
check_dmesg
line="soak on $ECRYPTFS_KVER with slub_debug=FZPU: $round rounds in ${SECONDS}s (asked ${secs}s), fsx $fsx_ops ops, concurrent $conc_ops ops, no kernel report"
echo "$line" > "${ECRYPTFS_OUT:-/tmp}/soak-summary.txt"
echo "PASS: $line"
