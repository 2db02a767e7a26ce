# SPDX-License-Identifier: GPL-2.0-only
#
# Body of the interop-files-*.sh scripts (source after setting CIPHERS,
# a list of CIPHER:KEYBYTES).  Files written by one module are read
# byte-exact by the other, both ways: ECRYPTFS_PAIR="A B" (default "ours
# reference").  Set X is written by A, verified and modified (append,
# overwrite in the middle, truncate) by B, verified again by A; set Y goes
# the other way round.  Each set holds, per cipher, files of every size in
# ktest.py (0 .. 1 MiB+3), a sparse file and a file grown by truncate.
# After every pass the lower files are checked (ktest.py lowercheck): size
# rule, header bytes, tag 3 / tag 11 layout, no holes, one FEK per file.
# ECRYPTFS_CIPHERS overrides the cipher list.
. "$ECRYPTFS_SRC/tests/vm/lib.sh" || exit 1

read -r A B <<<"$(ecryptfs_pair)"
CIPHERS=${ECRYPTFS_CIPHERS:-$CIPHERS}
base=/tmp/interop
lower_fs $base ext4

load_module "$A"
sig=$(add_passphrase_key "interop pass")
[ -n "$sig" ] || fail "no key signature"
pass() { ktest interop "$1" $base "$2" "$sig" $CIPHERS || fail "$1 set $2 under $(which_ecryptfs)"; }

log "phase 1: $A writes set X (t=${SECONDS}s)"
pass write X
log "phase 2: $B reads and modifies X, writes Y (t=${SECONDS}s)"
reload_module "$B"
pass change X
pass write Y
log "phase 3: $A reads X, reads and modifies Y (t=${SECONDS}s)"
reload_module "$A"
pass check X
pass change Y
log "phase 4: $B reads Y (t=${SECONDS}s)"
reload_module "$B"
pass check Y
unload_ecryptfs
check_dmesg
echo "PASS: interop $A<->$B ($CIPHERS) on $ECRYPTFS_KVER in ${SECONDS}s"
