#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fault injection on the debug kernel (scripts/debug-kernel; run by
# scripts/test --debug-kernel, never on Debian's kernels, which lack the
# fault-injection points): writers on our mount run with make-it-fail
# set, so that failslab and fail_page_alloc fail a random 2 % of the
# allocations made in their context (the module's among them), and
# fail_make_request fails 2 % of the requests to the lower loop device.
# Then, with injection off: no oops, warning, KASAN or lockdep report
# (scripts/vm fails on them), every file whose fsyncs succeeded reads
# back its bytes after a remount (a failure was an error code, never a
# silent loss), and after unmount and rmmod kmemleak reports nothing that
# names the module.  The summary goes to $ECRYPTFS_OUT/failinject-summary.txt.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"
. "$ECRYPTFS_SRC/tests/fault/lib-fault.sh"

D=/sys/kernel/debug
mountpoint -q $D || mount -t debugfs debugfs $D
for f in failslab fail_page_alloc fail_make_request; do
	[ -d $D/$f ] || fail "$D/$f missing: not the debug kernel (scripts/debug-kernel)"
done
[ -e $D/kmemleak ] || fail "$D/kmemleak missing: not the debug kernel"
W=/run/fi
mkdir -p $W
mount -t tmpfs -o size=300m tmpfs $W
L=$W/lower U=$W/upper
mkdir -p $L $U
truncate -s 200m $W/img
mkfs.ext4 -q -F -I 256 $W/img || fail "mkfs"
loop=$(losetup -f --show $W/img) || fail "losetup"
mount $loop $L || fail "mount lower"
load_ours
sig=$(add_passphrase_key "fault injection")
mount_ecryptfs $L $U "$sig"

inject() {	# inject 0|1
	local f
	for f in failslab fail_page_alloc fail_make_request; do
		echo "$1" > $D/$f/task-filter 2>/dev/null || true
		echo $(( $1 * 2 )) > $D/$f/probability
		echo -1 > $D/$f/times
		echo 0 > $D/$f/verbose
		echo 0 > $D/$f/space 2>/dev/null || true
	done
	echo N > $D/failslab/ignore-gfp-wait
	echo N > $D/fail_page_alloc/ignore-gfp-wait
	echo "$1" > /sys/block/${loop#/dev/}/make-it-fail
}
mkdir -p $U/a $U/b
inject 1
for d in a b; do
	( echo 1 > /proc/self/make-it-fail; exec timeout 600 python3 "$FAULT_DIR/writer.py" $U/$d $W/log.$d 60 300000 ) &
done
rc=0
wait || rc=$?
inject 0
[ $rc = 0 ] || fail "a writer failed or hung under fault injection ($rc)"
umnt $U || true
umount $L || fail "umount lower"
e2fsck -fy $loop > /dev/null 2>&1 || true
mount $loop $L || fail "remount lower"
rmmod ecryptfs || fail "rmmod"
load_ours
mount_ecryptfs $L $U "$sig"
nok=$(cat $W/log.a $W/log.b | grep -c '^ok' || true)
lost=$(( $(lost_files $U/a $W/log.a) + $(lost_files $U/b $W/log.b) ))
nerr=$(cat $W/log.a $W/log.b | grep -c '^err' || true)
errs=$(writer_errors $W/log.a $W/log.b)
umnt $U
umount $L
losetup -d $loop
rmmod ecryptfs || fail "rmmod after the run"
echo scan > $D/kmemleak
sleep 5
echo scan > $D/kmemleak
leaks=$(grep -c ecryptfs $D/kmemleak || true)
line="failinject on $ECRYPTFS_KVER: files fsynced $nok, lost $lost; errors the writers saw $nerr ($errs); kmemleak reports naming ecryptfs: $leaks"
echo "$line" | tee "${ECRYPTFS_OUT:-/tmp}/failinject-summary.txt"
[ $nok -gt 0 ] || fail "no file was written: nothing tested"
[ $nerr -gt 0 ] || fail "no injected failure reached a writer: nothing tested"
[ $lost = 0 ] || fail "files whose fsyncs succeeded read back wrong"
[ "$leaks" = 0 ] || { grep -B5 -A25 ecryptfs $D/kmemleak | head -80; fail "kmemleak: leaks in the module"; }
check_dmesg
log "PASS"
