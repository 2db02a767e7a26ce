#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vm-options: --timeout 1500
#
# Faults under load: a writer (writer.py: files written, fsynced, and
# their directory fsynced, in a loop) runs on eCryptfs over ext4 (with its
# journal) on a dm-flakey device, which is switched mid-run to fail every
# write (error_writes) or to drop them silently (drop_writes), and back.
# Then: no oops or warning, the writer did not hang (each phase is under a
# timeout), with error_writes the errors reached the writer, and after the
# device recovered, e2fsck and a remount, every file the writer had fsynced
# before the fault reads back its bytes.  For each module of ECRYPTFS_PAIR
# (default "ours reference"); ours must pass, the reference's outcome is
# reported (summary lines in $ECRYPTFS_OUT/fault-summary.txt).
. "$ECRYPTFS_SRC/tests/vm/lib.sh"
. "$ECRYPTFS_SRC/tests/fault/lib-fault.sh"

W=/run/fault
fault_setup $W 400m "fault injection"
modprobe dm-flakey || fail "modprobe dm-flakey"
: > "$summary"

# table linear|MODE: the device's table (MODE: a dm-flakey feature).
table() {
	if [ "$1" = linear ]; then
		echo "0 $sectors linear $loop 0"
	else
		echo "0 $sectors flakey $loop 0 0 3600 1 $1"
	fi
}
switch() {
	dmsetup suspend --nolockfs --noflush ecfl && dmsetup load ecfl --table "$(table "$1")" &&
		dmsetup resume ecfl || fail "switching the device to $1"
}

ours_bad=0
for mod in $(ecryptfs_pair); do
	for mode in error_writes drop_writes; do
		log "$mod, $mode"
		reload_module $mod
		rm -f $W/img $W/log $W/before
		truncate -s 256m $W/img
		loop=$(losetup -f --show $W/img) || fail "losetup"
		sectors=$(blockdev --getsz "$loop")
		dmsetup create ecfl --table "$(table linear)" || fail "dmsetup create"
		dmsetup mknodes ecfl
		mkfs.ext4 -q -F -I 256 /dev/mapper/ecfl || fail "mkfs.ext4"
		mount -t ext4 /dev/mapper/ecfl $L || fail "mount"
		mount_ecryptfs $L $U "$sig"
		timeout 300 python3 "$FAULT_DIR/writer.py" $U $W/log 30 &
		wpid=$!
		sleep 8
		# What was fsynced so far must survive; the journal is checkpointed
		# so that a dropped in-place write cannot take it back.
		cp $W/log $W/before
		fsfreeze -f $L && fsfreeze -u $L || fail "fsfreeze"
		switch $mode
		sleep 8
		switch linear
		rc=0
		wait $wpid || rc=$?
		[ $rc != 124 ] || fail "$mod, $mode: the writer hung (killed after 300 s)"
		[ $rc = 0 ] || fail "$mod, $mode: the writer failed ($rc)"
		nbefore=$(grep -c '^ok' $W/before || true)
		nok=$(grep -c '^ok' $W/log || true)
		nerr=$(grep -c '^err' $W/log || true)
		errs=$(writer_errors $W/log)
		timeout 120 umount $U || { umount -l $U; echo "umount of eCryptfs failed" >&2; }
		timeout 120 umount $L || { umount -l $L; echo "umount of ext4 failed" >&2; }
		fsck=0
		e2fsck -fy /dev/mapper/ecfl > $W/fsck.out 2>&1 || fsck=$?
		mount -t ext4 /dev/mapper/ecfl $L || fail "$mod, $mode: ext4 does not mount after the fault (e2fsck $fsck)"
		reload_module $mod
		mount_ecryptfs $L $U "$sig"
		lost=$(lost_files $U $W/before)
		umnt $U
		umount $L
		dmsetup remove ecfl
		losetup -d "$loop"
		line="$mod/$mode: files fsynced before the fault $nbefore, lost $lost; files written $nok, errors the writer saw $nerr ($errs); e2fsck status $fsck"
		echo "$line" | tee -a "$summary"
		bad=0
		[ "$lost" = 0 ] || bad=1
		[ "$nbefore" -gt 0 ] || { echo "no file was written before the fault: nothing tested" >&2; bad=1; }
		if [ $mode = error_writes ] && [ "$nerr" = 0 ]; then
			echo "$mod/$mode: the writer never saw the failing device" >&2
			bad=1
		fi
		if [ $bad = 1 ] && [ $mod = ours ]; then ours_bad=1; fi
	done
done
check_dmesg
[ $ours_bad = 0 ] || fail "our module lost fsynced data or hid an error (above)"
log "PASS"
