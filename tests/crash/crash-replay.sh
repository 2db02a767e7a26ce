#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vm-options: --timeout 3000
#
# Crash consistency by replay (the method of xfstests' dm-log-writes
# tests).  For each module (ECRYPTFS_PAIR, default "ours reference") and
# each configuration (header in the file or in the xattr, with or without
# filename encryption; ECRYPTFS_TEST_ONLY="file fnek ..." narrows them), the lower
# ext4 sits on a dm-log-writes device while workload.py runs on eCryptfs
# over it; then replay.py replays the log onto a copy of the fresh file
# system up to every flush and FUA in turn and checks, at each, the lower
# fs (e2fsck -fn) and what eCryptfs shows against the workload's oracle.
# Ours must show no violation; the reference's figures are reported.
# The summary lines also go to $ECRYPTFS_OUT/crash-summary.txt.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"

here=$ECRYPTFS_SRC/tests/crash
W=/run/crash
mkdir -p $W
mount -t tmpfs -o size=1200m tmpfs $W || fail "tmpfs on $W"
L=$W/lower-live U=$W/upper-live
mkdir -p $L $U
modprobe dm-log-writes || fail "modprobe dm-log-writes (needed by the whole test)"
modprobe loop 2>/dev/null || true
sysctl -q vm.dirty_expire_centisecs=100 vm.dirty_writeback_centisecs=50

sigs=$(add_passphrase_key "crash replay" --fnek)
fek=$(echo "$sigs" | sed -n 1p) fnek=$(echo "$sigs" | sed -n 2p)
[ -n "$fek" ] && [ -n "$fnek" ] || fail "no key sigs"
base_opts="ecryptfs_sig=$fek,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"

config_opts() {
	case "$1" in
	file) echo "$base_opts" ;;
	fnek) echo "$base_opts,ecryptfs_fnek_sig=$fnek" ;;
	xattr) echo "$base_opts,ecryptfs_xattr_metadata" ;;
	xattr-fnek) echo "$base_opts,ecryptfs_xattr_metadata,ecryptfs_fnek_sig=$fnek" ;;
	*) fail "unknown configuration $1" ;;
	esac
}

summary=${ECRYPTFS_OUT:-/tmp}/crash-summary.txt
: > "$summary"
ours_bad=0
for mod in $(ecryptfs_pair); do
	for cfg in ${ECRYPTFS_TEST_ONLY:-file fnek xattr xattr-fnek}; do
		opts=$(config_opts $cfg)
		log "$mod, $cfg: the workload on a logged device"
		reload_module $mod
		rm -rf $W/oracle $W/*.img
		mkdir -p $W/oracle
		truncate -s 64m $W/data.img
		mkfs.ext4 -q -F -I 256 -b 4096 $W/data.img || fail "mkfs.ext4"
		cp $W/data.img $W/base.img
		truncate -s 600m $W/log.img
		dl=$(losetup -f --show $W/data.img) || fail "losetup data"
		ll=$(losetup -f --show $W/log.img) || fail "losetup log"
		dmsetup create ecrlog --table "0 $(blockdev --getsz "$dl") log-writes $dl $ll" ||
			fail "dmsetup create log-writes"
		dmsetup mknodes ecrlog
		mount -t ext4 -o commit=1 /dev/mapper/ecrlog $L || fail "mount the logged ext4"
		mount -i -t ecryptfs $L $U -o "$opts" || fail "mount $mod over the logged ext4 ($opts)"
		wl=0
		python3 "$here/workload.py" $U $W/oracle ecrlog || wl=$?
		umnt $U
		umount $L || fail "umount the logged ext4"
		dmsetup remove ecrlog || fail "dmsetup remove"
		losetup -d "$dl" "$ll"
		[ $wl = 0 ] || fail "$mod, $cfg: the workload itself failed (status $wl)"
		log "$mod, $cfg: replaying to every crash point"
		rc=0
		python3 "$here/replay.py" $W/log.img $W/base.img $W/oracle $W "$opts" "$mod/$cfg" \
			> $W/replay.out 2>&1 || rc=$?
		grep -E '^VIOLATION|^LOWER-FSCK' $W/replay.out | head -n 40 || true
		tail -n 1 $W/replay.out | tee -a "$summary"
		case "$rc" in
		0) ;;
		1) if [ "$mod" = ours ]; then ours_bad=1; fi ;;
		*) cat $W/replay.out >&2; fail "$mod, $cfg: the replay could not run (status $rc)" ;;
		esac
	done
done
unload_ecryptfs
check_dmesg
[ $ours_bad = 0 ] || fail "our module violated crash consistency (above)"
log "PASS"
