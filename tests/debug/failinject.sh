#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fault injection on the debug kernel (scripts/debug-kernel; run by
# scripts/test --debug-kernel, never on Debian's kernels, which lack the
# fault-injection points).  Two writers (tests/fault/writer.py) on an
# eCryptfs mount mark themselves for fault injection once started, so
# that failslab and fail_page_alloc fail a random 2 % of the slab and
# page allocations made in their system calls (the module's among them:
# its inode, file and key objects, its ciphertext pages, its crypto
# requests), and fail_make_request fails 2 % of the requests they submit
# to the lower loop device.  Then, with injection off:
#   - no oops, warning, KASAN, lockdep or hung-task report (scripts/vm
#     fails on those) and no writer that hung or died;
#   - failures were injected, and reached the writers as error codes
#     (or as a short write(2), which the writer continues, as a careful
#     program does: a write that runs out of memory after a page returns
#     what it wrote);
#   - every file whose fsyncs succeeded reads back its bytes after a
#     remount and a reload of the module (a failure was an error, never a
#     silent loss);
#   - a 64 KiB write(2) to a new file with the first K slab allocations
#     failed (tests/debug/shortwrite.py, K from 1 to 16, before the
#     writers) returns an error or a count, some of them short, and the
#     file holds exactly that many of its bytes after the remount;
#   - kmemleak finds no unreferenced object allocated by the module, once
#     after the unmount (module loaded: its frames are named) and once
#     after rmmod (frames inside the module's former text).
# The module is ECRYPTFS_PAIR: ours (the default) or reference, one a VM:
# an oops of the reference ends the run, and after one run (injection,
# then the kmemleak scan) programs often no longer start from the 9p root
# ("Invalid argument"; a second module's run in the same VM failed so).
# The summary line goes to $ECRYPTFS_OUT/failinject-summary.txt.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"
. "$ECRYPTFS_SRC/tests/fault/lib-fault.sh"

D=/sys/kernel/debug
mountpoint -q $D || mount -t debugfs debugfs $D
for f in failslab fail_page_alloc fail_make_request; do
	[ -d $D/$f ] || fail "$D/$f missing: not the debug kernel (scripts/debug-kernel)"
done
[ -e $D/kmemleak ] || fail "$D/kmemleak missing: not the debug kernel"
summary=${ECRYPTFS_OUT:-/tmp}/failinject-summary.txt
: > "$summary"
budget=1000000	# the "times" of each attribute: what is left tells the count

# inject 0|1 LOOPDEV: fault injection off, or on for marked tasks.
inject() {
	local f
	for f in failslab fail_page_alloc fail_make_request; do
		# Off: the probability first, so that no moment fails every task.
		if [ "$1" = 0 ]; then
			echo 0 > $D/$f/probability
			continue
		fi
		echo 1 > $D/$f/task-filter
		echo 0 > $D/$f/verbose
		echo 0 > $D/$f/space
		echo 0 > $D/$f/interval
		echo $budget > $D/$f/times
		echo 2 > $D/$f/probability
	done
	if [ "$1" = 1 ]; then
		# Sleeping allocations too: those are most of the module's.
		echo N > $D/failslab/ignore-gfp-wait
		echo N > $D/fail_page_alloc/ignore-gfp-wait
	fi
	echo "$1" > /sys/block/${2#/dev/}/make-it-fail
}
# injected: "failslab N, fail_page_alloc N, fail_make_request N".
injected() {
	local f s=
	for f in failslab fail_page_alloc fail_make_request; do
		s="$s${s:+, }$f $((budget - $(cat $D/$f/times)))"
	done
	echo "$s"
}

# module_range: "START SIZE" of the loaded module's text, START in hex.
module_range() {
	awk '$1 == "ecryptfs" { sub(/^0x/, "", $6); print $6, $2 }' /proc/modules
}

# module_leaks "START SIZE"...: unreferenced objects kmemleak reports
# whose backtrace names the module or has a frame inside one of the
# module's load ranges (objects of an unloaded module show bare
# addresses).  The scan runs last of all and is read with shell builtins
# only: in the debug kernel's guest, programs sometimes fail to start from
# the 9p root after a kmemleak scan (see docs/reliability.md).
module_leaks() {
	local n=0 hit=0 line a r start size
	echo scan > $D/kmemleak
	sleep 2
	echo scan > $D/kmemleak
	while IFS= read -r line; do
		case "$line" in
		"unreferenced object"*)
			n=$((n + hit)); hit=0
			continue ;;
		*"[ecryptfs]"*) hit=1 ;;
		esac
		[[ $line =~ \[\<([0-9a-f]{16})\>\] ]] || continue
		a=$((16#${BASH_REMATCH[1]}))
		for r in "$@"; do
			start=$((16#${r%% *})) size=${r##* }
			# Kernel addresses are negative as 64-bit signed numbers;
			# the difference is right either way.
			if [ $((a - start)) -ge 0 ] && [ $((a - start)) -lt $size ]; then
				hit=1
			fi
		done
	done < $D/kmemleak
	n=$((n + hit))
	[ $n = 0 ] || head -c 20000 $D/kmemleak >&2 || true
	echo $n
}

# exec_ok WHEN: programs still start from the 9p root (a transient
# failure is logged with what it was, then retried).
exec_ok() {
	local i
	for i in 1 2 3 4 5; do
		/usr/bin/awk 'BEGIN {}' 2> $W/exec.err && return 0
		echo "exec failed $1 (try $i): $(cat $W/exec.err)" | tee -a "$summary" >&2
		sleep 2
	done
	fail "programs no longer start $1"
}

W=/run/fi
mkdir -p $W
mount -t tmpfs -o size=400m tmpfs $W || fail "tmpfs"
L=$W/lower U=$W/upper
mkdir -p $L $U
modprobe loop 2>/dev/null || true
sig=$(add_passphrase_key "fault injection")
case "${ECRYPTFS_PAIR:-ours}" in
ours|reference) ;;
*) fail "ECRYPTFS_PAIR='$ECRYPTFS_PAIR': failinject runs one module a VM (ours or reference; a second run in the same VM cannot start programs from the 9p root): run it once for each" ;;
esac
mod=${ECRYPTFS_PAIR:-ours}
log "$mod"
rm -f $W/img $W/log.*
truncate -s 200m $W/img
mkfs.ext4 -q -F -I 256 $W/img || fail "mkfs"
loop=$(losetup -f --show $W/img) || fail "losetup"
mount $loop $L || fail "mount lower"
reload_module $mod
ranges=("$(module_range)")
echo clear > $D/kmemleak
mount_ecryptfs $L $U "$sig"
mkdir -p $U/a $U/b $U/s
# A write(2) cut short by a failed allocation: checked after the remount.
python3 "$ECRYPTFS_SRC/tests/debug/shortwrite.py" write $U/s $W/log.s ||
	fail "$mod: shortwrite.py write"
inject 1 $loop
pids=
for d in a b; do
	WRITER_MAKE_IT_FAIL=1 timeout 600 python3 "$FAULT_DIR/writer.py" $U/$d $W/log.$d 60 300000 &
	pids="$pids $!"
done
bad=
for p in $pids; do
	rc=0
	wait $p || rc=$?
	[ $rc = 0 ] || bad="$bad writer exit $rc;"
done
inject 0 $loop
exec_ok "after the injection"
counts=$(injected)
timeout 300 umount -i $U || bad="$bad unmount failed;"
timeout 120 umount $L || fail "$mod: umount lower"
fsck=0
e2fsck -fy $loop > $W/fsck 2>&1 || fsck=$?
[ $fsck -le 1 ] || bad="$bad e2fsck status $fsck;"
exec_ok "after the unmount"
mount $loop $L || fail "$mod: remount lower"
reload_module $mod
exec_ok "after the reload"
ranges+=("$(module_range)")
mount_ecryptfs $L $U "$sig"
shortw=$(tr '\n' ' ' < $W/log.s)
need=
[ $mod = ours ] && need=--need-short
python3 "$ECRYPTFS_SRC/tests/debug/shortwrite.py" check $U/s $W/log.s $need ||
	bad="$bad a short write(2) not what the file holds;"
nok=$(cat $W/log.a $W/log.b | grep -c '^ok' || true)
lost=$(( $(lost_files $U/a $W/log.a) + $(lost_files $U/b $W/log.b) ))
if [ $lost != 0 ]; then
	# Keep what a loss looks like: the writer's log around it, the
	# lower and upper files (the passphrase is "fault injection").
	for d in a b; do
		grep '^ok' $W/log.$d | while read -r st name sum; do
			got=$(sha256sum $U/$d/$name | cut -d' ' -f1)
			[ "$got" = "$sum" ] && continue
			cp $L/$d/$name "${ECRYPTFS_OUT:-/tmp}/lost-$d-$name.lower"
			cp $U/$d/$name "${ECRYPTFS_OUT:-/tmp}/lost-$d-$name.upper"
			echo "$d/$name: upper $(stat -c %s $U/$d/$name) bytes, lower $(stat -c %s $L/$d/$name) bytes" >&2
		done
		cp $W/log.$d "${ECRYPTFS_OUT:-/tmp}/writer-log.$d"
	done
fi
nerr=$(cat $W/log.a $W/log.b | grep -c '^err' || true)
nshort=$(cat $W/log.a $W/log.b | grep -c '^short' || true)
nomem=$(cat $W/log.a $W/log.b | grep -c '^nomem' || true)
errs=$(writer_errors $W/log.a $W/log.b)
umnt $U
umount $L || fail "$mod: umount lower"
losetup -d $loop
unload_ecryptfs
# The kernel log's verdict (scripts/kernel-log-check) is taken before
# the kmemleak scan and judged after the summary line, so that a run
# keeps its figures.  Programs sometimes fail to start from the 9p
# root late in a run ("/usr/bin/env: 'bash': Invalid argument", see
# docs/reliability.md): then the guest cannot judge, and scripts/vm's
# check of the console log (the same checker, the same messages) is
# the verdict.
krc=0
dmesg | "$ECRYPTFS_SRC/scripts/kernel-log-check" > $W/klog 2>&1 || krc=$?
case $krc in
0) klog=ok ;;
1) klog=problem ;;
*) klog="left to scripts/vm (the guest could not run the check: $(head -c 200 $W/klog | tr '\n' ' '))" ;;
esac
leaks=$(module_leaks "${ranges[@]}")
line="failinject, $mod on $ECRYPTFS_KVER: injected $counts; files fsynced $nok, lost $lost; errors the writers saw $nerr ($errs); short writes continued $nshort; files given up for the writer's own MemoryError $nomem; e2fsck $fsck; kmemleak objects of the module: $leaks; kernel log: $klog; one write(2) per count of failed allocations: ${shortw% }${bad:+; $bad}"
echo "$line" >&2
echo "$line" >> "$summary"
[ $nok -gt 0 ] || bad="$bad no file was written;"
[ $nerr -gt 0 ] || bad="$bad no injected failure reached a writer;"
[ $lost = 0 ] || bad="$bad fsynced files lost;"
# Root's writers are never refused: an EACCES here is an allocation
# failure reported as a permission problem.
case "$errs" in *EACCES*|*EPERM*) bad="$bad an injected failure reported as $errs;" ;; esac
[ $leaks = 0 ] || bad="$bad leaks;"
if [ "$klog" = problem ]; then
	cat $W/klog >&2
	bad="$bad the kernel log shows a problem;"
fi
# The reference's figures are recorded; only ours must pass.
[ "$mod" != ours ] || [ -z "$bad" ] || fail "ours:$bad"
log "PASS"
