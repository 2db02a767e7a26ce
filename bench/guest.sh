#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The guest part of scripts/bench: BENCH_ROUNDS times, for each
# configuration in turn (plain ext4, the reference eCryptfs module, ours:
# plain, reference, ours, plain, reference, ours, ...), make a fresh ext4 on
# /dev/vda, load a fresh copy of the module, and run the same workloads on
# it, each in one process (bench/fsbench, tar, fio).  Alternating the
# configurations round by round means that the figures of one round were
# measured under about the same host load.
# Results go to $ECRYPTFS_OUT/results.tsv, one line per figure:
#   config<TAB>workload<TAB>round<TAB>seconds<TAB>amount<TAB>unit
# Settings come from the environment that scripts/bench exports.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"

fsbench=$ECRYPTFS_BUILD/bin/fsbench
[ -x "$fsbench" ] || fail "$fsbench missing: build the userland first"
[ -b /dev/vda ] || fail "no /dev/vda: scripts/bench passes --disk"
command -v fio >/dev/null || fail "fio missing: run scripts/deps"
results=$ECRYPTFS_OUT/results.tsv
: > "$results"
round=0

cold() { sync; echo 3 > /proc/sys/vm/drop_caches; }
# record CONFIG WORKLOAD "<seconds> <amount> <unit>"
record() {
	local c=$1 w=$2 r=$3
	[ -n "$r" ] || fail "$w on $c produced no figure"
	printf '%s\t%s\t%s\t%s\n' "$c" "$w" "$round" "$r" | tr ' ' '\t' >> "$results"
	printf '  %-20s %s\n' "$w" "$r"
}
# fio_iops CONFIG NAME RW FILE: random 4 KiB I/O for BENCH_FIO_SECONDS.
fio_iops() {
	local c=$1 name=$2 rw=$3 file=$4 field out iops
	case "$rw" in randread) field=8 ;; randwrite) field=49 ;; esac
	out=$(fio --name="$name" --filename="$file" --rw="$rw" --bs=4k --size="${BENCH_FIO_MIB}M" \
		--runtime="$BENCH_FIO_SECONDS" --time_based --ioengine=psync --minimal) ||
		fail "fio $rw on $c failed"
	iops=$(echo "$out" | cut -d';' -f"$field")
	record "$c" "$name" "$BENCH_FIO_SECONDS $iops IOPS"
}

run_workloads() {
	local c=$1 d=$2
	log "round $round, $c: workloads in $d"
	record "$c" seq-write-${BENCH_SIZE_MIB}MiB "$("$fsbench" seqwrite "$d/big" "$BENCH_SIZE_MIB")"
	cold
	record "$c" seq-read-cold "$("$fsbench" seqread "$d/big")"
	rm -f "$d/big"
	fio_iops "$c" rand-read-4k randread "$d/fio.data"
	fio_iops "$c" rand-write-4k randwrite "$d/fio.data"
	rm -f "$d/fio.data"
	mkdir "$d/many"
	cold
	record "$c" create-${BENCH_FILES}x4k "$("$fsbench" create "$d/many" "$BENCH_FILES" 4096)"
	cold
	record "$c" stat-cold "$("$fsbench" lsl "$d/many")"
	cold
	record "$c" stat-byname-cold "$("$fsbench" stat "$d/many" "$BENCH_FILES")"
	cold
	record "$c" read-files-cold "$("$fsbench" readfiles "$d/many" "$BENCH_FILES")"
	record "$c" unlink "$("$fsbench" unlink "$d/many" "$BENCH_FILES")"
	mkdir "$d/tree"
	cold
	local t0 t1 n
	n=$(tar -tf "$BENCH_TARBALL" | grep -vc '/$')
	t0=$(date +%s.%N)
	tar -xf "$BENCH_TARBALL" -C "$d/tree" || fail "untar on $c failed"
	# syncfs, then sync(2): the reference's syncfs stops at the lower page cache.
	sync -f "$d/tree" && sync
	t1=$(date +%s.%N)
	record "$c" untar "$(awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { s = b - a; printf "%.6f %.3f files/s", s, n / s }')"
	cold
	record "$c" read-tree-cold "$("$fsbench" readtree "$d/tree")"
}

# Warm-up: fault in three quarters of the guest's memory once (see
# fsbench touch), so that no configuration pays for the first use of it.
mem_mib=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
log "warm-up: touching $((mem_mib * 3 / 4)) MiB of memory"
"$fsbench" touch $((mem_mib * 3 / 4)) || fail "warm-up failed"
sync; echo 3 > /proc/sys/vm/drop_caches

mkdir -p /mnt/lower /mnt/upper
for round in $(seq 1 "${BENCH_ROUNDS:-1}"); do
	for c in $BENCH_CONFIGS; do
		mkfs.ext4 -q -F /dev/vda || fail "mkfs.ext4 failed"
		mount /dev/vda /mnt/lower || fail "cannot mount /dev/vda"
		case "$c" in
		plain)
			unload_ecryptfs
			mkdir /mnt/lower/plain
			run_workloads plain /mnt/lower/plain ;;
		ours|reference)
			reload_module "$c"
			sig=$(add_passphrase_key "bench passphrase")
			mount_ecryptfs /mnt/lower/enc /mnt/upper "$sig" \
				"ecryptfs_cipher=$BENCH_CIPHER,ecryptfs_key_bytes=$BENCH_KEY_BYTES"
			run_workloads "$c" /mnt/upper
			umount /mnt/upper || fail "cannot unmount the $c mount"
			keyctl clear @u ;;
		*) fail "unknown configuration $c" ;;
		esac
		umount /mnt/lower || fail "cannot unmount /dev/vda"
	done
done
check_dmesg
