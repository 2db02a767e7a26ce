#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Our module loads, registers the "ecryptfs" filesystem type, exposes
# /sys/fs/ecryptfs/version with the reference module's content, unloads
# cleanly; the reference module then loads in the same VM, and ours loads
# again after it.
. "$(dirname "$0")/lib.sh"

[ "$(which_ecryptfs)" = ours ] || fail "scripts/vm did not load our module"
grep -qw ecryptfs /proc/filesystems || fail "ecryptfs not in /proc/filesystems"
[ -r /sys/fs/ecryptfs/version ] || fail "/sys/fs/ecryptfs/version missing"
ours=$(cat /sys/fs/ecryptfs/version)
log "our /sys/fs/ecryptfs/version: $ours"

unload_ecryptfs
[ "$(which_ecryptfs)" = none ] || fail "module still loaded after rmmod"
! grep -qw ecryptfs /proc/filesystems || fail "filesystem type left registered after unload"
[ ! -e /sys/fs/ecryptfs ] || fail "/sys/fs/ecryptfs left behind after unload"

load_reference
ref=$(cat /sys/fs/ecryptfs/version)
log "reference /sys/fs/ecryptfs/version: $ref"
[ "$ours" = "$ref" ] || fail "version differs: ours '$ours', reference '$ref'"
# Byte for byte, newline included.
cmp <(printf '%s\n' "$ours") /sys/fs/ecryptfs/version || fail "version file bytes differ"

load_ours
grep -qw ecryptfs /proc/filesystems || fail "ecryptfs not registered after reload"

# A reference module unloaded by a plain rmmod, not by unload_ecryptfs:
# the kernel log must still say that the reference is out before ours
# runs, or scripts/kernel-log-check would take our reports for its.
log "the reference's marks after a plain rmmod"
load_reference
rmmod ecryptfs || fail "rmmod of the reference"
load_ours
last=$(dmesg | sed -n 's/.*ecryptfs-test: reference module \(in\|out\)$/\1/p' | tail -n 1)
expect "the last reference mark when our module was loaded" out "$last"
unload_ecryptfs
check_dmesg
echo "PASS: module-load on $ECRYPTFS_KVER"
