#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vm-options: --smp 2
#
# Our module hands the crypto of a batch only to CPUs the writer may run
# on: a writer pinned to CPU 0 (its affinity, as a cpuset would do) gets
# none of its chunks run on CPU 1, seen through the workqueue tracepoint.
. "$(dirname "$0")/lib.sh"

L=/tmp/lower U=/tmp/upper
lower_fs $L ext4
mkdir -p $U
sig=$(add_passphrase_key affinity-pass)
load_ours
mount_ecryptfs $L $U "$sig"
[ "$(nproc)" -ge 2 ] || fail "this test needs 2 vCPUs (got $(nproc))"

T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs tracefs $T || fail "cannot mount tracefs"
ev=$T/events/workqueue/workqueue_execute_start

# chunks_on CPU CMD...: run CMD with the tracepoint on; print how many
# crypt chunks of the module ran on CPU.
chunks_on() {
	local cpu=$1
	shift
	echo 0 > $T/tracing_on
	echo > $T/trace
	echo 1 > $ev/enable
	echo 1 > $T/tracing_on
	"$@" || fail "$*"
	echo 0 > $T/tracing_on
	echo 0 > $ev/enable
	awk -v c="[00$cpu]" '/crypt_chunk_work/ && index($0, c) { n++ } END { print n + 0 }' $T/trace
}

log "a writer pinned to CPU 0"
n=$(chunks_on 1 taskset -c 0 dd if=/dev/zero of=$U/pinned bs=1M count=32 conv=fsync status=none)
log "chunks run on CPU 1: $n"
expect "crypt chunks of a writer pinned to CPU 0 run on CPU 1" 0 "$n"
cmp <(head -c $((32 << 20)) /dev/zero) $U/pinned || fail "contents of the pinned writer's file"

log "a reader pinned to CPU 1"
sync
echo 3 > /proc/sys/vm/drop_caches
n=$(chunks_on 0 taskset -c 1 sh -c "cat $U/pinned > /dev/null")
log "chunks run on CPU 0: $n"
expect "crypt chunks of a reader pinned to CPU 1 run on CPU 0" 0 "$n"

log "unpinned (for the record: how many chunks another CPU took)"
n=$(chunks_on 1 taskset -c 0-1 dd if=/dev/zero of=$U/free bs=1M count=32 conv=fsync status=none)
log "chunks run on CPU 1 for an unpinned writer: $n"
umnt $U
check_dmesg
log "PASS"
