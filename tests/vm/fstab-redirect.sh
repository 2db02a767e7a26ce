#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Issue 17, attack 3: an fstab "user" mount redirected through a symlink.
# The admin wrote the old README's line, mount point inside alice's home;
# alice keeps swapping ~/secret with a symlink to a root-owned directory
# (renameat2 RENAME_EXCHANGE in a loop) while running "mount ~/secret": the
# helper checked the name with stat() and mount(8) mounted the name later,
# so a swap in between put her mount over root's directory.  Now the helper
# refuses every mount point a user can replace, and an fstab line without
# ecryptfs_check_dev_ruid; the README's layout (/mnt/secret-alice, in root's
# /mnt) mounts, and alice cannot swap it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-mount.sh"

mt_load_module
use_helper ours
PASS=alicepass
id alice >/dev/null 2>&1 || useradd -m -s /bin/bash alice || fail "useradd alice"
SIG=$(add_passphrase_key "$PASS")
keyctl clear @u
[ -n "$SIG" ] || fail "no sig"
A=/home/alice T=/srv/target
mkdir -p $A/.secret $A/secret /mnt/secret-alice /mnt/nocheck-alice $T
echo root-data >$T/marker
chown alice:alice $A/.secret $A/secret /mnt/secret-alice /mnt/nocheck-alice
chmod 700 $A/.secret
KOPTS=ecryptfs_sig=$SIG,ecryptfs_fnek_sig=$SIG,ecryptfs_cipher=aes,ecryptfs_key_bytes=32,ecryptfs_unlink_sigs
cat >>/etc/fstab <<EOT
$A/.secret $A/secret ecryptfs user,noauto,$KOPTS,ecryptfs_check_dev_ruid 0 0
$A/.secret /mnt/secret-alice ecryptfs user,noauto,$KOPTS,ecryptfs_check_dev_ruid 0 0
$A/.secret /mnt/nocheck-alice ecryptfs user,noauto,$KOPTS 0 0
EOT
as alice sh -c "printf '%s' '$PASS' | ecryptfs-add-passphrase - >/dev/null" || fail "add key as alice"
any_ecryptfs_on() { awk -v m="$1" '$2 == m && $3 == "ecryptfs" { f = 1 } END { exit !f }' /proc/self/mounts; }

# The racing process, as alice: exchange ~/secret and ~/swap (a symlink to T) forever.
as alice ln -s $T $A/swap
rm -f /tmp/racer.pid
as alice python3 -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
a, b = sys.argv[1].encode(), sys.argv[2].encode()
open("/tmp/racer.pid", "w").write("%d\n" % os.getpid())
while True:
    libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)
' $A/secret $A/swap &
RACER=$!
for i in $(seq 100); do [ -s /tmp/racer.pid ] && break; sleep 0.1; done
RPID=$(cat /tmp/racer.pid) || fail "the racer did not start"
trap 'kill $RPID $RACER 2>/dev/null' EXIT
won=0 refused=0
for i in $(seq 60); do
	out=$(as alice mount $A/secret 2>&1 </dev/null) && true
	echo "$out" | grep -q "can be replaced by a user other than root" && refused=$((refused + 1))
	if any_ecryptfs_on $T; then
		won=1
		umount -l $T
		break
	fi
	any_ecryptfs_on $A/secret && umount -l $A/secret
done
kill $RPID $RACER 2>/dev/null || true
wait $RACER 2>/dev/null || true
trap - EXIT
for i in $(seq 50); do [ -d /proc/$RPID ] || break; sleep 0.1; done
[ -d /proc/$RPID ] && fail "the racer is still running"
# Put ~/secret back as a directory if the racer left the symlink there.
[ -L $A/secret ] && mv -T $A/swap $A/secret.dir && mv -T $A/secret $A/swap && mv -T $A/secret.dir $A/secret
[ $won = 0 ] || fail "alice's racing symlink put her mount over root's $T"
[ $refused -gt 0 ] || fail "the helper never said the mount point can be replaced"
[ "$(cat $T/marker)" = root-data ] || fail "root's directory changed"
log "racing symlink swap under \"mount ~/secret\": refused $refused times, never mounted over $T"

# No swap needed: the in-home mount point is refused outright, with advice.
rc=0; out=$(as alice mount $A/secret 2>&1 </dev/null) || rc=$?
[ $rc != 0 ] && ! any_ecryptfs_on $A/secret || fail "mounted at a replaceable mount point"
echo "$out" | grep -q "/mnt/secret-USER" || { echo "$out"; fail "no advice on where to put the mount point"; }
log "mount point in the home: refused ($rc) with advice"

# An fstab line without ecryptfs_check_dev_ruid: refused by the helper.
rc=0; out=$(as alice mount /mnt/nocheck-alice 2>&1 </dev/null) || rc=$?
any_ecryptfs_on /mnt/nocheck-alice && { umount /mnt/nocheck-alice; fail "mounted an entry without ecryptfs_check_dev_ruid"; }
echo "$out" | grep -q "lacks ecryptfs_check_dev_ruid" || { echo "$out"; fail "no clear refusal of the missing ecryptfs_check_dev_ruid"; }
log "fstab line without ecryptfs_check_dev_ruid: refused ($rc)"

# The README's layout: mounts, and alice cannot swap the mount point away.
out=$(as alice mount /mnt/secret-alice 2>&1 </dev/null) || fail "README layout: mount failed: $out"
any_ecryptfs_on /mnt/secret-alice || fail "README layout: not mounted"
as alice umount /mnt/secret-alice || fail "README layout: umount"
as alice mv -T /mnt/secret-alice /mnt/x 2>/dev/null && fail "alice renamed her mount point in /mnt"
as alice ln -s $T /mnt/secret-alice2 2>/dev/null && fail "alice made a symlink in /mnt"
log "README layout (/mnt/secret-alice): mounts; alice cannot replace it"
check_dmesg
echo "fstab-redirect: all checks passed (module: $(which_ecryptfs))"
