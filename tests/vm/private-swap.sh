#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Our ecryptfs-setup-swap on a swap device (a loop device in the guest):
# --dry-run changes nothing and says what it would do; the real run comments
# out the fstab entry, writes the reference's crypttab line, switches the
# swap to dm-crypt at once with cryptsetup (no distribution init script),
# keeps the swap UUID readable (offset=1024), and a second run skips it.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"

B=$ECRYPTFS_BUILD/bin
command -v cryptsetup >/dev/null || fail "cryptsetup is not installed: run scripts/deps"
modprobe loop 2>/dev/null || true
modprobe dm_crypt || fail "no dm_crypt module in this kernel"
truncate -s 64M /tmp/swap.img
dev=$(losetup --find --show /tmp/swap.img) || fail "losetup"
mkswap "$dev" >/dev/null || fail "mkswap"
uuid=$(blkid -o value -s UUID "$dev")
swapon "$dev" || fail "swapon $dev"
printf '# test fstab\nproc /proc proc defaults 0 0\n%s none swap sw 0 0\n' "$dev" > /etc/fstab
: > /etc/crypttab
cp /etc/fstab /tmp/fstab.before

out=$($B/ecryptfs-setup-swap --dry-run 2>&1) || fail "dry run failed: $out"
echo "$out" | grep -q "cryptswap1 UUID=$uuid /dev/urandom swap,offset=1024,cipher=aes-xts-plain64" ||
	fail "dry run does not show the crypttab line: $out"
echo "$out" | grep -q "would run: .*cryptsetup open --type plain" || fail "dry run: $out"
cmp -s /etc/fstab /tmp/fstab.before || fail "dry run changed /etc/fstab"
[ ! -s /etc/crypttab ] || fail "dry run changed /etc/crypttab"
grep -q "^$dev " /proc/swaps || fail "dry run touched the swap"
log "dry run: plan printed, nothing changed"

out=$(echo n | $B/ecryptfs-setup-swap 2>&1) || fail "answering no failed: $out"
echo "$out" | grep -q 'Aborting' || fail "no abort: $out"
[ ! -s /etc/crypttab ] || fail "answering no changed /etc/crypttab"

out=$($B/ecryptfs-setup-swap -f 2>&1) || fail "setup-swap failed: $out"
echo "$out" | grep -q 'INFO: Successfully encrypted swap!' || fail "setup-swap: $out"
cmp <(printf 'cryptswap1 UUID=%s /dev/urandom swap,offset=1024,cipher=aes-xts-plain64\n' "$uuid") /etc/crypttab ||
	fail "crypttab: $(cat /etc/crypttab)"
grep -q "^#$dev none swap sw 0 0$" /etc/fstab || fail "fstab entry not commented out: $(cat /etc/fstab)"
grep -q '^/dev/mapper/cryptswap1 none swap sw 0 0$' /etc/fstab || fail "no mapper line: $(cat /etc/fstab)"
grep -q '^proc /proc proc defaults 0 0$' /etc/fstab || fail "other fstab lines lost"
[ "$(stat -c %a /etc/fstab)" = 644 ] || fail "fstab mode $(stat -c %a /etc/fstab)"
! grep -q "^$dev " /proc/swaps || fail "the cleartext swap is still active"
dm=$(readlink -f /dev/mapper/cryptswap1)
grep -q "^$dm " /proc/swaps || fail "the encrypted swap is not active: $(cat /proc/swaps)"
cryptsetup status cryptswap1 | grep -q 'type: *PLAIN' || fail "cryptswap1 is not plain dm-crypt"
cryptsetup status cryptswap1 | grep -q 'cipher: *aes-xts-plain64' || fail "cipher"
[ "$(blkid -o value -s UUID "$dev")" = "$uuid" ] || fail "the swap UUID is no longer readable"
log "swap encrypted; crypttab/fstab as the reference writes them"

out=$($B/ecryptfs-setup-swap -f 2>&1) || fail "second run failed: $out"
echo "$out" | grep -q 'There were no usable swap devices' || fail "second run: $out"
[ "$(wc -l < /etc/crypttab)" = 1 ] || fail "second run added to crypttab"
swapoff "$dm"
cryptsetup close cryptswap1
losetup -d "$dev"
check_dmesg
echo "PASS: private-swap on $ECRYPTFS_KVER"
