#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Files written by one module are read byte-exact by the other, both ways,
# for every cipher and key size: ECRYPTFS_PAIR="A B" (default "ours
# reference").  Set X is written by A, verified and modified (append,
# overwrite in the middle, truncate) by B, verified again by A; set Y goes
# the other way round.  Each set holds files of the sizes in ktest.py, a
# sparse file and a file grown by truncate.  After every phase the lower
# files are checked: size rule (header + whole extents), header bytes,
# tag 3 / tag 11 layout, no holes, one FEK per file.
# ECRYPTFS_CIPHERS narrows the cipher list ("aes:16 blowfish:56 ...").
. "$ECRYPTFS_SRC/tests/vm/lib.sh" || exit 1

read -r A B <<<"$(ecryptfs_pair)"
ciphers=${ECRYPTFS_CIPHERS:-aes:16 aes:24 aes:32 blowfish:16 blowfish:56 des3_ede:24 twofish:16 twofish:32 cast5:16 cast6:16 cast6:32}
base=/tmp/interop
lower_fs $base

load_module "$A"
sig=$(add_passphrase_key "interop pass")
[ -n "$sig" ] || fail "no key signature"

each() { # each SET ACTION: mount every cipher's lower dir of SET, run ACTION C KB
	local set=$1 action=$2 c name kb
	for c in $ciphers; do
		name=${c%%:*} kb=${c##*:}
		mount_ecryptfs "$base/$set-$name$kb" "$base/up" "$sig" \
			"ecryptfs_cipher=$name,ecryptfs_key_bytes=$kb"
		$action "$set" "$name" "$kb"
		umount "$base/up" || fail "umount $base/up"
		ktest lowercheck "$base/$set-$name$kb" "$base/model-$set-$name$kb" "$name" "$kb" "$sig" ||
			fail "lower files of set $set ($name $kb) after $action by $(which_ecryptfs)"
	done
}
write() { ktest mkset "$base/up" "$base/model-$1-$2$3" "$1$2$3" || fail "writing set $1 ($2 $3)"; }
check() { ktest verify "$base/up" "$base/model-$1-$2$3" || fail "set $1 ($2 $3) as read by $(which_ecryptfs)"; }
change() { check "$@"; ktest modify "$base/up" "$base/model-$1-$2$3" "m$1$2$3" || fail "modifying set $1 ($2 $3)"; }

log "phase 1: $A writes set X (t=${SECONDS}s)"
each X write
log "phase 2: $B reads and modifies X, writes Y (t=${SECONDS}s)"
reload_module "$B"
each X change
each Y write
log "phase 3: $A reads X, reads and modifies Y (t=${SECONDS}s)"
reload_module "$A"
each X check
each Y change
log "phase 4: $B reads Y (t=${SECONDS}s)"
reload_module "$B"
each Y check
unload_ecryptfs
check_dmesg
log "done in ${SECONDS}s"
echo "PASS: interop-files $A<->$B ($ciphers) on $ECRYPTFS_KVER"
