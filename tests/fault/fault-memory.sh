#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vm-options: --mem 384 --disk 1536 --timeout 1500
#
# Memory pressure: a guest with 384 MiB writes a file larger than its
# memory through eCryptfs while "ls -lR" walks a tree of 3000 files on the
# same mount and a reader reads them, in parallel.  No oops, no hung task,
# no process killed, every process finishes within its timeout, and after
# a remount the big file reads back the bytes written (sha256 computed as
# they were written).  For each module of ECRYPTFS_PAIR; ours must pass.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"

L=/tmp/lower U=/tmp/upper
sig=$(add_passphrase_key "memory pressure")
summary=${ECRYPTFS_OUT:-/tmp}/fault-summary.txt
ours_bad=0
for mod in $(ecryptfs_pair); do
	log "$mod: a 600 MiB write, ls -lR and readers in 384 MiB"
	reload_module $mod
	mountpoint -q $L && umount $L
	lower_fs $L
	mount_ecryptfs $L $U "$sig"
	mkdir -p $U/tree
	python3 - $U/tree <<'PY' || fail "making the tree"
import os, sys
for i in range(30):
    d = os.path.join(sys.argv[1], "d%02d" % i)
    os.mkdir(d)
    for j in range(100):
        with open(os.path.join(d, "f%03d" % j), "wb") as f:
            f.write(os.urandom(1000 + 37 * j))
PY
	sync
	echo 3 > /proc/sys/vm/drop_caches
	start=$(date +%s)
	timeout 900 python3 - $U/big > /tmp/big.sha <<'PY' & wp=$!
import hashlib, os, sys
h = hashlib.sha256()
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
block = bytearray(os.urandom(1 << 20))
for i in range(600):
    block[0:8] = i.to_bytes(8, "little")
    os.write(fd, block)
    h.update(block)
os.fsync(fd)
os.close(fd)
print(h.hexdigest())
PY
	(
		end=$((start + 60))
		n=0
		while kill -0 $wp 2>/dev/null || [ $n -lt 2 ]; do
			timeout 300 ls -lR $U/tree > /dev/null || exit 1
			timeout 300 cat $U/tree/d*/f0[0-4]? > /dev/null || exit 1
			n=$((n + 1))
			[ $(date +%s) -lt $((end + 600)) ] || break
		done
		echo $n > /tmp/walks
	) & lp=$!
	rc=0
	wait $wp || rc=$?
	[ $rc = 0 ] || fail "$mod: the writer failed or hung ($rc)"
	rc=0
	wait $lp || rc=$?
	[ $rc = 0 ] || fail "$mod: ls -lR or a reader failed or hung ($rc)"
	secs=$(( $(date +%s) - start ))
	umnt $U
	reload_module $mod
	mount_ecryptfs $L $U "$sig"
	got=$(sha256sum $U/big | cut -d' ' -f1)
	ok=intact
	[ "$got" = "$(cat /tmp/big.sha)" ] || ok=DIFFERENT
	killed=$(dmesg | grep -c -E 'Out of memory|oom-kill|Killed process' || true)
	umnt $U
	umount $L
	line="$mod/memory: 600 MiB written in ${secs}s beside $(cat /tmp/walks) ls -lR walks in 384 MiB; the big file after a remount: $ok; OOM kills $killed"
	echo "$line" | tee -a "$summary"
	if [ $mod = ours ] && { [ $ok != intact ] || [ "$killed" != 0 ]; }; then
		ours_bad=1
	fi
done
check_dmesg
[ $ours_bad = 0 ] || fail "our module under memory pressure (above)"
log "PASS"
