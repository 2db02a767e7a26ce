#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A lower file system that fills up under two concurrent writers
# (writer.py: 1 MB files, each fsynced with its directory): each writer
# must be told (ENOSPC from write, fsync or open, never a silent short
# file), and after a remount every file whose fsyncs succeeded reads back
# its bytes; after files are removed the mount takes writes again.  For
# each module of ECRYPTFS_PAIR; ours must pass, the reference's outcome is
# reported ($ECRYPTFS_OUT/fault-summary.txt).
. "$ECRYPTFS_SRC/tests/vm/lib.sh"
. "$ECRYPTFS_SRC/tests/fault/lib-fault.sh"

W=/run/enospc
fault_setup $W 200m "enospc"

ours_bad=0
for mod in $(ecryptfs_pair); do
	log "$mod: two writers fill a 48 MiB lower fs"
	reload_module $mod
	rm -f $W/img $W/log.*
	truncate -s 48m $W/img
	mkfs.ext4 -q -F -I 256 $W/img || fail "mkfs"
	mount -o loop $W/img $L || fail "mount"
	mount_ecryptfs $L $U "$sig"
	mkdir $U/a $U/b
	# Each writer runs until it has met 200 errors in a row (the fs is
	# full) or 240 s have passed: a slow kernel (the debug kernel under
	# TCG writes ~1 MB/s) still fills the disk.
	timeout 300 python3 "$FAULT_DIR/writer.py" $U/a $W/log.a 240 1000000 & p1=$!
	timeout 300 python3 "$FAULT_DIR/writer.py" $U/b $W/log.b 240 1000000 & p2=$!
	for p in $p1 $p2; do
		rc=0
		wait $p || rc=$?
		[ $rc = 0 ] || fail "$mod: a writer failed or hung ($rc)"
	done
	umnt $U
	umount $L
	mount -o loop $W/img $L || fail "remount"
	reload_module $mod
	mount_ecryptfs $L $U "$sig"
	nok=$(cat $W/log.a $W/log.b | grep -c '^ok' || true)
	lost=$(( $(lost_files $U/a $W/log.a) + $(lost_files $U/b $W/log.b) ))
	errs=$(writer_errors $W/log.a $W/log.b)
	other=$(cat $W/log.a $W/log.b | awk '$1 == "err" && $4 != "ENOSPC"' | wc -l)
	seen=0
	for d in a b; do grep -q '^err.*ENOSPC' $W/log.$d && seen=$((seen + 1)); done
	rm -rf $U/a $U/b
	again=ok
	head -c 3000000 /dev/urandom > $W/again
	cp $W/again $U/again && cmp $W/again $U/again || again=failed
	umnt $U
	umount $L
	line="$mod/enospc: files fsynced $nok, lost $lost; writers told of ENOSPC $seen of 2 ($errs); other errors $other; writes after freeing space: $again"
	echo "$line" | tee -a "$summary"
	if [ $mod = ours ]; then
		if [ $lost != 0 ] || [ $seen != 2 ] || [ $other != 0 ] || [ $again != ok ] || [ $nok = 0 ]; then
			ours_bad=1
		fi
	fi
done
check_dmesg
[ $ours_bad = 0 ] || fail "our module lost data or did not report ENOSPC (above)"
log "PASS"
