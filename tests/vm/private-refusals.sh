#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What our setuid mount.ecryptfs_private must refuse, one check per class
# of attack in the reference's history: another user's alias, a path in the
# alias, a symlinked mount point, a mount point the user does not own, a
# lower directory swapped for another user's, an unapproved file system,
# a key that is not in the keyring, bad sig files, and unmounting a mount
# that is not the user's.  Each refusal must leave nothing mounted and no
# other user's data visible.  Kernel module: $ECRYPTFS_TEST_MODULE.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"
. "$ECRYPTFS_SRC/tests/vm/lib-private.sh"

private_init
M=/sbin/mount.ecryptfs_private
U=/sbin/umount.ecryptfs_private

add_user alice alicepw
add_user bob bobpw
as_user alice ecryptfs-setup-private -l alicepw -m alicemount >/dev/null 2>&1 ||
	fail "setup-private alice"
HA=/home/alice
load_keys_cached alice alicepw
[ -s /tmp/keycache-alice/Private.sig ] || fail "the key cache was not created (keyctl pipe failed)"
# Bob's private directory, laid out as setup-private does, with the same key
# material as alice (key derivation is slow under TCG): every check below is
# about paths, owners and aliases, and a wrong refusal would let alice read
# bob's data.
install -d -m 700 -o bob -g bob /home/bob/.ecryptfs /home/bob/.Private
install -d -m 700 -o bob -g bob /home/bob/Private
install -m 600 -o bob -g bob $HA/.ecryptfs/Private.sig /home/bob/.ecryptfs/Private.sig
printf '/home/bob/Private\n' > /home/bob/.ecryptfs/Private.mnt
chown bob:bob /home/bob/.ecryptfs/Private.mnt
for sig in $(cat /tmp/keycache-alice/Private.sig); do
	as_user bob sh -c "keyctl padd user $sig @u < /tmp/keycache-alice/$sig >/dev/null" ||
		fail "cannot give bob the key $sig"
done
as_user bob keyctl link @u @s >/dev/null 2>&1 || true
as_user bob $M || fail "bob cannot mount his own"
as_user bob sh -c 'echo bob-secret > ~/Private/secret.txt'
as_user bob $U -f || fail "bob umount"
chmod 500 /home/bob/Private

# refuse NAME EXPECTED-MESSAGE CMD...: CMD must fail, say EXPECTED-MESSAGE,
# and leave no new ecryptfs mount.
refuse() {
	local name=$1 msg=$2 out before after
	shift 2
	before=$(grep -c ' ecryptfs ' /proc/mounts || true)
	if out=$("$@" 2>&1); then
		fail "$name: succeeded (said: $out)"
	fi
	if [ -n "$msg" ] && ! echo "$out" | grep -qF -- "$msg"; then
		fail "$name: expected '$msg', got: $out"
	fi
	after=$(grep -c ' ecryptfs ' /proc/mounts || true)
	[ "$before" = "$after" ] || fail "$name: a mount appeared: $(grep ' ecryptfs ' /proc/mounts)"
	log "refused: $name ($(echo "$out" | head -n1))"
}

# 1. Aliases that name another user's files or paths.
refuse "alias with .." "Invalid alias" as_user alice $M ../../bob/.ecryptfs/Private
refuse "alias with /" "Invalid alias" as_user alice $M x/y
# 2. Another user's alias: alice's own .conf pointing at bob's lower directory.
as_user alice sh -c "mkdir -p $HA/bobview && printf '/home/bob/.Private $HA/bobview ecryptfs none\n' > $HA/.ecryptfs/bob.conf && cp $HA/.ecryptfs/Private.sig $HA/.ecryptfs/bob.sig"
refuse "alias onto bob's lower (0700)" "mount:" as_user alice $M bob
chmod 755 /home/bob/.Private
refuse "alias onto bob's lower (0755, check_dev_ruid)" "mount:" as_user alice $M bob
chmod 700 /home/bob/.Private
# A .conf that is a symlink to a file alice does not own.
as_user alice sh -c "ln -s /home/bob/.ecryptfs/Private.mnt $HA/.ecryptfs/evil.conf && cp $HA/.ecryptfs/Private.sig $HA/.ecryptfs/evil.sig"
refuse "alias .conf is a symlink" "Bad file" as_user alice $M evil
# A .conf with mount options.
as_user alice sh -c "printf '$HA/.Private $HA/bobview ecryptfs ecryptfs_sig=0011223344556677\n' > $HA/.ecryptfs/opt.conf && cp $HA/.ecryptfs/Private.sig $HA/.ecryptfs/opt.sig"
refuse "alias .conf with options" "Mount options are not supported here" as_user alice $M opt

# 3. Mount points alice does not own, directly or through a symlink.
setmnt() { printf '%s\n' "$1" | as_user alice sh -c "cat > $HA/.ecryptfs/Private.mnt"; }
mkdir -m 777 /srv/shared
setmnt /srv/shared
refuse "mount point owned by root (0777)" "You do not own that mountpoint." as_user alice $M
setmnt /home/bob/Private
chmod 755 /home/bob
refuse "mount point owned by bob" "" as_user alice $M
chmod 755 /home/bob/Private
as_user alice ln -s /home/bob/Private $HA/link-to-bob
setmnt $HA/link-to-bob
refuse "mount point is a symlink to bob's dir" "You do not own that mountpoint." as_user alice $M
as_user alice ln -s /etc $HA/link-to-etc
setmnt $HA/link-to-etc
chmod 500 /home/bob/Private
refuse "mount point is a symlink to /etc" "You do not own that mountpoint." as_user alice $M
as_user alice touch $HA/afile
setmnt $HA/afile
refuse "mount point is a file" "Mountpoint is not a directory." as_user alice $M
# A symlink to a directory alice owns is fine (as in the reference).
as_user alice ln -s $HA/Private $HA/link-to-own
setmnt $HA/link-to-own
as_user alice $M || fail "symlink to alice's own mount point refused"
is_mounted $HA/Private || fail "not mounted through the symlink"
as_user alice $U -f || fail "umount through the symlink"
load_keys_cached alice alicepw
setmnt $HA/Private

# 4. Unapproved file system under the mount point (ramfs).
mkdir /mnt/ram && mount -t ramfs ramfs /mnt/ram && mkdir /mnt/ram/p && chown alice /mnt/ram/p
setmnt /mnt/ram/p
refuse "mount point on ramfs" "Refusing to mount over an unapproved filesystem type: 0x858458f6" as_user alice $M
setmnt $HA/Private

# 5. The lower directory swapped for bob's (a symlink), as a race would leave it.
as_user alice mv $HA/.Private $HA/.Private.real
as_user alice ln -s /home/bob/.Private $HA/.Private
refuse "lower is a symlink to bob's (0700)" "mount:" as_user alice $M
chmod 755 /home/bob/.Private
refuse "lower is a symlink to bob's (0755)" "mount:" as_user alice $M
chmod 700 /home/bob/.Private
as_user alice rm $HA/.Private
as_user alice mv $HA/.Private.real $HA/.Private

# 6. Keys and sig files.
as_user alice keyctl clear @u
refuse "key not in the keyring" "Signature not found in user keyring" as_user alice $M
load_keys_cached alice alicepw
as_user alice cp $HA/.ecryptfs/Private.sig $HA/.ecryptfs/Private.sig.good
printf 'zzzz\n' | as_user alice sh -c "cat > $HA/.ecryptfs/Private.sig"
refuse "sig file not hex" "Invalid hex signature" as_user alice $M
printf '0011\n' | as_user alice sh -c "cat > $HA/.ecryptfs/Private.sig"
refuse "sig of the wrong length" "Invalid hex signature length" as_user alice $M
as_user alice cp $HA/.ecryptfs/Private.sig.good $HA/.ecryptfs/Private.sig
# Sigs of keys alice does not have.
printf '0123456789abcdef\nfedcba9876543210\n' | as_user alice sh -c "cat > $HA/.ecryptfs/Private.sig"
refuse "sigs of keys not in the keyring" "Signature not found in user keyring" as_user alice $M
as_user alice cp $HA/.ecryptfs/Private.sig.good $HA/.ecryptfs/Private.sig

# 7. The environment does not steer the helper (no LD_*, no HOME).
out=$(setpriv --reuid=alice --regid=alice --init-groups -- env HOME=/home/bob LD_PRELOAD=/nonexistent.so $M 2>&1) ||
	fail "mount with a hostile environment failed: $out"
is_mounted $HA/Private || fail "HOME steered the helper away from alice's own directory"
is_mounted /home/bob/Private && fail "HOME=/home/bob mounted bob's directory"
as_user alice $U -f >/dev/null || fail "umount after the environment check"
load_keys_cached alice alicepw

# 8. Unmounting something that is not alice's: root mounts bob's directory
# (bob's key) on a directory alice owns; alice's umount helper must leave it.
as_user alice mkdir $HA/other
bobsig=$(head -n1 /home/bob/.ecryptfs/Private.sig)
for sig in $(cat /tmp/keycache-alice/Private.sig); do
	keyctl padd user $sig @u < /tmp/keycache-alice/$sig >/dev/null || fail "root key $sig"
done
keyctl link @u @s >/dev/null 2>&1 || true
mount -i -t ecryptfs -o ecryptfs_sig=$bobsig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_fnek_sig=$(tail -n1 /home/bob/.ecryptfs/Private.sig) \
	/home/bob/.Private $HA/other || fail "root could not mount bob's directory for the check"
printf "$HA/other\n" | as_user alice sh -c "cat > $HA/.ecryptfs/Private.mnt"
as_user alice $U -f >/dev/null 2>&1 && fail "alice unmounted a mount that is not hers"
is_mounted $HA/other || fail "alice's umount helper removed someone else's mount"
umount $HA/other
setmnt $HA/Private
log "unmount refused for a mount that is not the user's"

# 9. Something mounted on top of alice's own mount (root stacks a tmpfs on
# ~/Private, as any later mount there would): the umount helper must not
# unmount whatever is on top (the reference's umount2(".") did), only refuse.
load_keys_cached alice alicepw
as_user alice $M || fail "alice's mount before the stacking check"
mount -t tmpfs -o mode=0755 stacked $HA/Private || fail "root could not stack a tmpfs"
chown alice $HA/Private
as_user alice $U -f >/dev/null 2>&1 && fail "alice's umount helper succeeded with a tmpfs on top"
grep -q "^stacked $HA/Private tmpfs" /proc/mounts ||
	fail "alice's umount helper unmounted the tmpfs stacked on her mount"
[ "$(grep -c " $HA/Private ecryptfs " /proc/mounts)" = 1 ] || fail "the ecryptfs mount under the tmpfs is gone"
umount $HA/Private
is_mounted $HA/Private || fail "alice's mount did not survive the refusal"
load_keys_cached alice alicepw
as_user alice $U -f >/dev/null || fail "alice's umount once nothing is on top"
is_mounted $HA/Private && fail "alice's mount is still there after her umount"
log "unmount refused for a mount stacked on the user's own"

# After all that, alice's own directory still works and bob's data never showed.
load_keys_cached alice alicepw
as_user alice $M || fail "alice's own mount after the refusals"
as_user alice grep -r bob-secret $HA/ 2>/dev/null && fail "bob's data visible to alice"
as_user alice $U -f || fail "final umount"
check_dmesg
echo "PASS: private-refusals with the $ECRYPTFS_TEST_MODULE kernel module on $ECRYPTFS_KVER"
