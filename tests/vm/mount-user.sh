#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# fstab "user,noauto" eCryptfs mounts by ordinary users (the seed's "Mount
# Remote Directory" recipe): with the key in their keyring they mount with
# "mount ~/secret" (mount(8) runs our helper with the user's privileges; it
# checks and hands back to "mount -i") and "mount -i ~/secret", and unmount
# with "umount ~/secret" (keys unlinked); here ~/secret is /mnt/secret-USER,
# in root's /mnt as the README says (the helper refuses a mount point the
# user could replace: tests/vm/fstab-redirect.sh).  Nobody mounts over a directory
# they do not own or names a lower directory they cannot read.  The
# reference helper fails here (userland.md §4.5); ours does not.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-mount.sh"

mt_load_module
use_helper ours
PASS=alicepass
for u in alice bob; do
	id $u >/dev/null 2>&1 || useradd -m -s /bin/bash $u || fail "useradd $u"
done
SIG=$(add_passphrase_key "$PASS")
keyctl clear @u
[ -n "$SIG" ] || fail "no sig"
A=/home/alice B=/home/bob
# Mount points: each user's own directory in root's /mnt (nobody can swap them).
AS=/mnt/secret-alice AS3=/mnt/secret3-alice BS=/mnt/secret-bob BS2=/mnt/secret2-bob
mkdir -p $A/.secret $AS $BS $BS2 $AS3
chown alice:alice $A/.secret $AS $AS3
chown bob:bob $BS $BS2
chmod 700 $A/.secret
KOPTS=ecryptfs_sig=$SIG,ecryptfs_fnek_sig=$SIG,ecryptfs_cipher=aes,ecryptfs_key_bytes=32,ecryptfs_unlink_sigs,ecryptfs_check_dev_ruid
cat >> /etc/fstab <<EOT
# mount with same passphrase for files and file names
$A/.secret $AS ecryptfs user,noauto,$KOPTS 0 0
$A/.secret $BS ecryptfs user,noauto,$KOPTS 0 0
$A/.secret $BS2 ecryptfs users,noauto,$KOPTS 0 0
$A/.secret $AS3 ecryptfs user,noauto,key=passphrase:passphrase_passwd_file=$A/pw,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_check_dev_ruid 0 0
EOT
add_key_as() { as "$1" sh -c "printf '%s' '$PASS' | ecryptfs-add-passphrase - >/dev/null" || fail "add key as $1"; }
user_has_key() { as "$1" keyctl search @u user "$SIG" >/dev/null 2>&1; }

# 1. helper path: mount ~/secret, use it, umount ~/secret
add_key_as alice
out=$(as alice mount $AS 2>&1 </dev/null) || fail "alice: mount ~/secret failed: $out"
is_mounted $AS || fail "alice: not mounted"
mount_opts $AS | grep -q nosuid || fail "user mount without nosuid"
as alice sh -c "echo top-secret > $AS/note && cat $AS/note" | grep -qx top-secret ||
	fail "alice cannot use her mount"
f=$(ls $A/.secret | head -n 1)
[ -n "$f" ] && ! grep -q top-secret "$A/.secret/$f" || fail "lower file missing or in clear"
case "$f" in ECRYPTFS_FNEK_ENCRYPTED.*) ;; *) fail "file name not encrypted: $f" ;; esac
out=$(as alice umount $AS 2>&1) || fail "alice: umount ~/secret failed: $out"
is_mounted $AS && fail "still mounted after alice's umount"
user_has_key alice && fail "umount left alice's key in her keyring"
log "alice: mount ~/secret (helper), umount ~/secret (key unlinked)"

# 2. mount -i ~/secret (no helper), umount
add_key_as alice
out=$(as alice mount -i $AS 2>&1) || fail "alice: mount -i ~/secret failed: $out"
[ "$(as alice cat $AS/note)" = top-secret ] || fail "alice: data lost across mounts"
as alice umount $AS || fail "alice: umount after mount -i"
user_has_key alice && fail "umount left the key (mount -i)"
log "alice: mount -i ~/secret, umount"

# 3. key missing, no terminal: a clear refusal, nothing mounted
rc=0; out=$(as alice mount $AS 2>&1 </dev/null) || rc=$?
[ $rc != 0 ] || fail "mounted without the key"
echo "$out" | grep -q "is not in your" || { echo "$out"; fail "no 'not in your keyring' message"; }
is_mounted $AS && fail "mounted without the key"
log "alice without key: refused ($rc)"

# 4. key missing, on a terminal: the helper asks the passphrase and adds the key
pty_run $MT_WORK/user-prompt "$PASS" -- runuser -u alice -- mount $AS ||
	{ cat $MT_WORK/user-prompt; fail "alice: prompted mount failed"; }
grep -q '^Passphrase: $' $MT_WORK/user-prompt || fail "no Passphrase prompt"
is_mounted $AS || fail "prompted mount not mounted"
as alice umount $AS
log "alice on a terminal: passphrase asked, key added, mounted"

# 5. bob, with the same key, over alice's mount point: refused
add_key_as bob
rc=0; out=$(as bob mount $AS 2>&1 </dev/null) || rc=$?
[ $rc != 0 ] && ! is_mounted $AS || fail "bob mounted over alice's directory (helper)"
echo "$out" | grep -q "you do not own the mount point" || { echo "$out"; fail "bob: wrong refusal"; }
rc=0; out=$(as bob mount -i $AS 2>&1) || rc=$?
[ $rc != 0 ] && ! is_mounted $AS || fail "bob mounted alice's lower directory with -i"
log "bob over alice's directory: refused by the helper and (-i) by ecryptfs_check_dev_ruid"

# 6. bob's own mount point, alice's unreadable lower directory: refused
rc=0; out=$(as bob mount $BS 2>&1 </dev/null) || rc=$?
[ $rc != 0 ] && ! is_mounted $BS || fail "bob mounted alice's lower directory"
echo "$out" | grep -q "cannot read the lower directory" || { echo "$out"; fail "bob: wrong refusal (lower)"; }
rc=0; out=$(as bob mount -i $BS2 2>&1) || rc=$?
[ $rc != 0 ] && ! is_mounted $BS2 || fail "bob mounted alice's lower directory with -i"
log "bob naming alice's lower directory: refused (helper: unreadable; -i: not his)"

# 7. a user fstab line with helper-only options is refused, not sent to the kernel
rc=0; out=$(as alice mount $AS3 2>&1 </dev/null) || rc=$?
[ $rc != 0 ] && ! is_mounted $AS3 || fail "secret3 mounted"
echo "$out" | grep -q "only the mount helper run by root understands" || { echo "$out"; fail "secret3: wrong refusal"; }
log "fstab user line with helper options: refused with advice"

# 8. the reference helper cannot do 1. (documented in userland.md §4.5)
use_helper ref
add_key_as alice
rc=0; out=$(as alice mount $AS 2>&1 </dev/null) || rc=$?
is_mounted $AS && { as alice umount $AS; fail "the reference helper mounted: revisit the docs"; }
log "reference helper, same fstab line: fails ($rc): $(echo "$out" | head -n 2 | tr '\n' ' ')"
use_helper ours
check_dmesg
echo "mount-user: all checks passed (module: $(which_ecryptfs))"
