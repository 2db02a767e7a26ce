#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/stress/concurrent on an eCryptfs mount of module A (ECRYPTFS_PAIR=
# "A B", default "ours reference"): several processes create, write,
# rename, link and unlink in one tree, each checking what it reads; after
# a remount (fresh module) the whole tree is verified against their
# manifests, then verified again by module B.  A --damage run through the
# mount proves the verification can fail.  ECRYPTFS_SOAK=1: longer.
. "$ECRYPTFS_SRC/tests/vm/lib.sh" || exit 1

read -r A B <<<"$(ecryptfs_pair)"
conc=$ECRYPTFS_BUILD/bin/concurrent
[ -x "$conc" ] || fail "$conc missing: build the userland first"
base=/tmp/conc
lower_fs $base
load_module "$A"
sig=$(add_passphrase_key "concurrent pass")
procs=4 ops=600
[ -n "${ECRYPTFS_SOAK:-}" ] && procs=6 ops=6000

mount_ecryptfs $base/l $base/up "$sig"
"$conc" --procs $procs --ops $ops --seed 11 --max-size 48K $base/up/tree || fail "concurrent run on $A"
rc=0
"$conc" --procs 2 --ops 200 --seed 12 --max-size 16K --damage $base/up/damaged > /tmp/damage.out 2>&1 || rc=$?
cat /tmp/damage.out
expect "status of a --damage run" 1 "$rc"
grep -q 'content differs' /tmp/damage.out || fail "the damage was not found"
umnt $base/up
log "verify after a remount under $A"
reload_module "$A"
mount_ecryptfs $base/l $base/up "$sig"
"$conc" --verify $base/up/tree || fail "verification after remount on $A"
umnt $base/up
log "verify under $B"
reload_module "$B"
mount_ecryptfs $base/l $base/up "$sig"
"$conc" --verify $base/up/tree || fail "verification by $B"
umnt $base/up
unload_ecryptfs
check_dmesg
echo "PASS: stress-concurrent $A (verified by $B) on $ECRYPTFS_KVER in ${SECONDS}s"
