#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The guest part of scripts/bench: BENCH_ROUNDS times, for each pass and
# each configuration in turn (plain ext4, the reference eCryptfs module,
# ours: plain, reference, ours, plain, reference, ours, ...), make a fresh
# ext4 on the pass's device, load a fresh copy of the module, and run the
# same workloads on it, each in one process (bench/fsbench, tar, fio, ls,
# find).  Alternating the configurations within a pass and round by round
# means that the figures compared with each other were measured under about
# the same host load.
#
# Passes: the ext4 on /dev/vda; with BENCH_SLOW_DISK=MS also the ext4 on a
# dm-delay device over /dev/vda that delays every read and write by MS ms
# (only the seq and create workloads; names end in @dlyMSms); with
# BENCH_CPU_HOG=1 each of those once more while one CPU-bound process per
# vCPU runs, started before and killed after each workload (names end in
# +hog).  BENCH_TAG (e.g. @512M) ends every name.
#
# Results go to $ECRYPTFS_OUT/results.tsv, one line per figure:
#   config<TAB>workload<TAB>round<TAB>seconds<TAB>amount<TAB>unit<TAB>read_bytes<TAB>written_bytes
# where the bytes are what /dev/vda read and wrote from just before the
# workload until a sync(2) right after it (the sync is not timed).
# Settings come from the environment that scripts/bench exports.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"

fsbench=$ECRYPTFS_BUILD/bin/fsbench
[ -x "$fsbench" ] || fail "$fsbench missing: build the userland first"
[ -b /dev/vda ] || fail "no /dev/vda: scripts/bench passes --disk"
command -v fio >/dev/null || fail "fio missing: run scripts/deps"
results=$ECRYPTFS_OUT/results.tsv
: > "$results"
round=0
config=
suffix=
hog=0
hog_pids=()
ncpu=$(nproc)
: "${BENCH_WORKLOADS:=seq fio files tree}" "${BENCH_SLOW_DISK:=0}" "${BENCH_CPU_HOG:=0}"
: "${BENCH_TAG:=}"

selected() { case " $BENCH_WORKLOADS " in *" $1 "*) return 0 ;; esac; return 1; }

cold() { sync; echo 3 > /proc/sys/vm/drop_caches; }

# Sectors read and written by the disk so far (a dm-delay device's I/O
# reaches /dev/vda too).
disk_sectors() { awk '{ print $3, $7 }' /sys/block/vda/stat; }

hogs_start() {
	[ "$hog" = 1 ] || return 0
	local i
	for i in $(seq 0 $((ncpu - 1))); do
		taskset -c "$i" sh -c 'while :; do :; done' &
		hog_pids+=($!)
	done
}
hogs_stop() {
	[ ${#hog_pids[@]} -gt 0 ] || return 0
	kill "${hog_pids[@]}" 2>/dev/null || true
	wait "${hog_pids[@]}" 2>/dev/null || true
	hog_pids=()
}
trap hogs_stop EXIT

# measure WORKLOAD CMD [ARGS...]: run CMD, which prints
# "<seconds> <amount> <unit>", with the CPU hogs around it in a +hog pass;
# then sync (untimed) and record the figure with the disk's bytes.
measure() {
	local w=$1$suffix r0 w0 r1 w1 res
	shift
	read -r r0 w0 < <(disk_sectors)
	hogs_start
	res=$("$@") || { hogs_stop; fail "$w on $config failed"; }
	hogs_stop
	sync
	read -r r1 w1 < <(disk_sectors)
	[ -n "$res" ] || fail "$w on $config produced no figure"
	res="$res $(( (r1 - r0) * 512 )) $(( (w1 - w0) * 512 ))"
	printf '%s\t%s\t%s\t%s\n' "$config" "$w" "$round" "$res" | tr ' ' '\t' >> "$results"
	printf '  %-28s %s\n' "$w" "$res"
}

# timed AMOUNT CMD [ARGS...]: run CMD with its output thrown away and print
# "<seconds> <AMOUNT per second> files/s".
timed() {
	local n=$1 t0 t1
	shift
	t0=$(date +%s.%N)
	"$@" > /dev/null || return 1
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { s = b - a; printf "%.6f %.3f files/s\n", s, n / s }'
}

# fio_run RW FILE MIB SECONDS: random 4 KiB I/O (psync) on FILE, which
# exists with MIB MiB; prints "<seconds> <IOPS> IOPS" (reads + writes).
fio_run() {
	local rw=$1 file=$2 mib=$3 secs=$4 out
	out=$(fio --name="$rw" --filename="$file" --rw="$rw" --bs=4k --size="${mib}M" \
		--runtime="$secs" --time_based --ioengine=psync --minimal) || return 1
	echo "$out" | awk -F';' -v s="$secs" '{ printf "%s %.3f IOPS\n", s, $8 + $49 }'
}

rm_sync() { rm -rf "$1" && sync -f "$(dirname "$1")" && sync; }

untar() {
	local dir=$1 n t0 t1
	n=$(tar -tf "$BENCH_TARBALL" | grep -vc '/$')
	t0=$(date +%s.%N)
	tar -xf "$BENCH_TARBALL" -C "$dir" || return 1
	# syncfs, then sync(2): the reference's syncfs stops at the lower page cache.
	sync -f "$dir" && sync
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { s = b - a; printf "%.6f %.3f files/s\n", s, n / s }'
}

# run_workloads DIR PASS: the selected workloads in DIR; PASS "slow" runs
# only the sequential write/read and the create.
run_workloads() {
	local d=$1 pass=$2
	log "round $round, $config${suffix:+ ($suffix)}: workloads in $d"
	if selected seq; then
		measure seq-write-${BENCH_SIZE_MIB}MiB "$fsbench" seqwrite "$d/big" "$BENCH_SIZE_MIB"
		cold
		measure seq-read-cold "$fsbench" seqread "$d/big"
		rm -f "$d/big"
	fi
	if selected fio && [ "$pass" != slow ]; then
		# The file is written (and fsynced) first, as fio's own lay-out
		# does, so that its writes are not counted in rand-read-4k.
		"$fsbench" seqwrite "$d/fio.data" "$BENCH_FIO_MIB" > /dev/null || fail "writing the fio file failed"
		measure rand-read-4k fio_run randread "$d/fio.data" "$BENCH_FIO_MIB" "$BENCH_FIO_SECONDS"
		measure rand-write-4k fio_run randwrite "$d/fio.data" "$BENCH_FIO_MIB" "$BENCH_FIO_SECONDS"
		rm -f "$d/fio.data"
	fi
	if selected files; then
		mkdir "$d/many"
		cold
		measure create-${BENCH_FILES}x4k "$fsbench" create "$d/many" "$BENCH_FILES" 4096
		if [ "$pass" != slow ]; then
			cold
			measure stat-cold "$fsbench" lsl "$d/many"
			cold
			measure stat-byname-cold "$fsbench" stat "$d/many" "$BENCH_FILES"
			cold
			measure read-files-cold "$fsbench" readfiles "$d/many" "$BENCH_FILES"
			measure unlink "$fsbench" unlink "$d/many" "$BENCH_FILES"
		fi
		rm -rf "$d/many"
	fi
	[ "$pass" != slow ] || return 0
	if selected ro; then
		ro_write "$d"
		ro_read "$d"
		rm -rf "$d/ro.big" "$d/ro.many" "$d/ro.fio"
	fi
	if selected tree; then
		mkdir "$d/tree"
		cold
		measure untar untar "$d/tree"
		cold
		measure read-tree-cold "$fsbench" readtree "$d/tree"
		rm -rf "$d/tree"
	fi
	if selected bigdir; then
		local n=$BENCH_BIG_DIR
		mkdir "$d/bigdir"
		cold
		measure bigdir-create-$n "$fsbench" create "$d/bigdir" "$n" 0
		cold
		measure bigdir-ls-cold timed "$n" ls "$d/bigdir"
		cold
		measure bigdir-ls-l-cold timed "$n" ls -l "$d/bigdir"
		cold
		measure bigdir-find-cold timed "$n" find "$d/bigdir"
		cold
		measure bigdir-rm-rf timed "$n" rm_sync "$d/bigdir"
	fi
	if selected large; then
		mkdir "$d/large"
		cold
		measure large-write-${BENCH_LARGE_FILES}x${BENCH_LARGE_MIB}MiB \
			"$fsbench" bigfiles "$d/large" "$BENCH_LARGE_FILES" "$BENCH_LARGE_MIB"
		"$fsbench" create "$d/large" "$BENCH_SMALL_FILES" 4096 > /dev/null ||
			fail "creating the small files among the large ones failed"
		cold
		measure small-among-large-cold "$fsbench" readfiles "$d/large" "$BENCH_SMALL_FILES"
		rm -rf "$d/large"
	fi
	if selected mmap; then
		"$fsbench" seqwrite "$d/mmap.data" "$BENCH_MMAP_MIB" > /dev/null || fail "writing the mmap file failed"
		cold
		measure mmap-rand-${BENCH_MMAP_MIB}MiB-cold "$fsbench" mmapread "$d/mmap.data" "$BENCH_MMAP_PAGES"
		rm -f "$d/mmap.data"
	fi
	if selected fiobig; then
		"$fsbench" seqwrite "$d/fio.big" "$BENCH_FIOBIG_MIB" > /dev/null || fail "writing the big fio file failed"
		cold
		measure rand-rw-4k-${BENCH_FIOBIG_MIB}MiB fio_run randrw "$d/fio.big" "$BENCH_FIOBIG_MIB" "$BENCH_FIOBIG_SECONDS"
		rm -f "$d/fio.big"
	fi
}

# The read-only group (issue 22), in two halves so that a read-only mount
# can sit between them: ro_write DIR writes a BENCH_SIZE_MIB MiB file,
# BENCH_FILES files of 4 KiB and a BENCH_FIO_MIB MiB file (not timed);
# ro_read DIR reads them cold: sequentially, file by file, and at random
# (fio randread).
ro_write() {
	local d=$1
	"$fsbench" seqwrite "$d/ro.big" "$BENCH_SIZE_MIB" > /dev/null || fail "ro: writing the big file failed"
	mkdir "$d/ro.many"
	"$fsbench" create "$d/ro.many" "$BENCH_FILES" 4096 > /dev/null || fail "ro: creating the files failed"
	"$fsbench" seqwrite "$d/ro.fio" "$BENCH_FIO_MIB" > /dev/null || fail "ro: writing the fio file failed"
}
ro_read() {
	local d=$1
	cold
	measure ro-seq-read-cold "$fsbench" seqread "$d/ro.big"
	cold
	measure ro-read-files-cold "$fsbench" readfiles "$d/ro.many" "$BENCH_FILES"
	cold
	measure ro-rand-read-4k fio_run randread "$d/ro.fio" "$BENCH_FIO_MIB" "$BENCH_FIO_SECONDS"
}

# lower_dev PASS: the block device the pass's ext4 goes on.
lower_dev() {
	if [ "$1" = slow ]; then
		local sectors
		sectors=$(blockdev --getsz /dev/vda)
		dmsetup create bench-slow --table \
			"0 $sectors delay /dev/vda 0 $BENCH_SLOW_DISK /dev/vda 0 $BENCH_SLOW_DISK" ||
			fail "dmsetup create (dm-delay) failed"
		dmsetup mknodes bench-slow || fail "dmsetup mknodes failed"
		echo /dev/mapper/bench-slow
	else
		echo /dev/vda
	fi
}

# Warm-up: fault in three quarters of the guest's memory once (see
# fsbench touch), so that no configuration pays for the first use of it.
mem_mib=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
log "warm-up: touching $((mem_mib * 3 / 4)) MiB of memory"
"$fsbench" touch $((mem_mib * 3 / 4)) || fail "warm-up failed"
sync; echo 3 > /proc/sys/vm/drop_caches

kinds="disk"
if [ "$BENCH_SLOW_DISK" != 0 ]; then
	modprobe dm-delay || fail "cannot load dm-delay"
	kinds="disk slow"
fi
passes=$kinds
if [ "$BENCH_CPU_HOG" = 1 ]; then
	for k in $kinds; do passes="$passes $k+hog"; done
fi
log "guest: $mem_mib MiB, $ncpu vCPUs; passes: $passes; workloads: $BENCH_WORKLOADS"

mkdir -p /mnt/lower /mnt/upper
for round in $(seq 1 "${BENCH_ROUNDS:-1}"); do
	for p in $passes; do
		kind=${p%+hog}
		hog=0; suffix=
		[ "$kind" = slow ] && suffix="@dly${BENCH_SLOW_DISK}ms"
		[ "$p" != "$kind" ] && { hog=1; suffix="$suffix+hog"; }
		suffix="$suffix$BENCH_TAG"
		for config in $BENCH_CONFIGS; do
			dev=$(lower_dev "$kind")
			mkfs.ext4 -q -F "$dev" || fail "mkfs.ext4 $dev failed"
			# noinit_itable: no background zeroing of inode tables
			# writing to the disk during the workloads.
			mount -o noinit_itable "$dev" /mnt/lower || fail "cannot mount $dev"
			case "$config" in
			plain)
				unload_ecryptfs
				mkdir /mnt/lower/plain
				run_workloads /mnt/lower/plain "$kind" ;;
			ours|reference)
				reload_module "$config"
				sig=$(add_passphrase_key "bench passphrase")
				mount_ecryptfs /mnt/lower/enc /mnt/upper "$sig" \
					"ecryptfs_cipher=$BENCH_CIPHER,ecryptfs_key_bytes=$BENCH_KEY_BYTES"
				run_workloads /mnt/upper "$kind"
				umount /mnt/upper || fail "cannot unmount the $config mount"
				keyctl clear @u ;;
			fuse)
				# ecryptfs-fuse: the tree written by our module, then
				# read with no module loaded (the read-only group only).
				reload_module ours
				sig=$(add_passphrase_key "bench passphrase")
				mount_ecryptfs /mnt/lower/enc /mnt/upper "$sig" \
					"ecryptfs_cipher=$BENCH_CIPHER,ecryptfs_key_bytes=$BENCH_KEY_BYTES"
				ro_write /mnt/upper
				umount /mnt/upper || fail "cannot unmount the ours mount"
				unload_ecryptfs
				modprobe fuse 2>/dev/null || true
				"$ECRYPTFS_BUILD/bin/ecryptfs-fuse" -k /mnt/lower/enc /mnt/upper ||
					fail "ecryptfs-fuse failed"
				ro_read /mnt/upper
				fusermount3 -u /mnt/upper || fail "cannot unmount ecryptfs-fuse"
				keyctl clear @u ;;
			gocryptfs)
				# gocryptfs (default settings: AES-256-GCM) written through
				# its own mount, then mounted read-only.
				unload_ecryptfs
				modprobe fuse 2>/dev/null || true
				mkdir /mnt/lower/gc
				printf 'bench passphrase\n' > /run/gc.pass
				gocryptfs -q -init -passfile /run/gc.pass /mnt/lower/gc || fail "gocryptfs -init failed"
				gocryptfs -q -passfile /run/gc.pass /mnt/lower/gc /mnt/upper || fail "gocryptfs mount failed"
				ro_write /mnt/upper
				fusermount3 -u /mnt/upper || fail "cannot unmount gocryptfs"
				gocryptfs -q -ro -passfile /run/gc.pass /mnt/lower/gc /mnt/upper || fail "gocryptfs -ro failed"
				ro_read /mnt/upper
				fusermount3 -u /mnt/upper || fail "cannot unmount gocryptfs" ;;
			*) fail "unknown configuration $config" ;;
			esac
			umount /mnt/lower || fail "cannot unmount $dev"
			if [ "$kind" = slow ]; then
				dmsetup remove bench-slow || fail "dmsetup remove failed"
			fi
		done
	done
done
check_dmesg
