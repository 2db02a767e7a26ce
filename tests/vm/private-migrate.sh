#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Our ecryptfs-migrate-home on a home with files of many sizes, symlinks,
# a hard link and odd names: every file is compared after the user mounts
# the encrypted home with our setuid helper; the original is kept; refusals
# leave the home untouched.  Kernel module: $ECRYPTFS_TEST_MODULE.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"
. "$ECRYPTFS_SRC/tests/vm/lib-private.sh"

private_init
B=$PRIVATE_BIN
add_user fred fredpw
H=/home/fred
populate() {
	cd $H
	mkdir -p docs/deep/er "with space" .config
	: > empty
	head -c 1 /dev/urandom > one
	head -c 4096 /dev/urandom > docs/page
	head -c 4097 /dev/urandom > docs/page-plus-one
	head -c 300000 /dev/urandom > "with space/big file.bin"
	echo hello > docs/deep/er/hello.txt
	echo secret > .config/private && chmod 600 .config/private
	echo dash > ./-leading-dash
	echo nl > "$(printf 'new\nline')"
	echo uni > "ünïcödé-名前"
	echo long > "$(printf 'n%.0s' $(seq 100))"
	ln -s docs/deep/er/hello.txt rel-link
	ln -s /etc/hostname abs-link
	ln -s nowhere dangling-link
	ln docs/page hard-link
	chmod 750 docs
	chown -R fred:fred $H
	cd /
}
populate
cp -a $H /tmp/fred.orig

# A refusal leaves the home as it was.
mkdir -p /home/.ecryptfs/fred && touch /home/.ecryptfs/fred/stray
out=$(printf 'fredpw\n' | $B/ecryptfs-migrate-home -u fred 2>&1) && fail "migrated over a non-empty /home/.ecryptfs/fred"
echo "$out" | grep -q 'is not empty, cannot continue' || fail "refusal: $out"
diff -r --no-dereference /tmp/fred.orig $H >/dev/null || fail "a refused migration changed the home"
rm -rf /home/.ecryptfs/fred
out=$(as_user fred ecryptfs-migrate-home -u fred 2>&1) && fail "migrate-home ran as a user"

# The migration.
out=$(printf 'fredpw\n' | $B/ecryptfs-migrate-home -u fred 2>&1) || fail "migrate-home failed: $out"
echo "$out" | grep -q 'Some Important Notes!' || fail "no notes: $out"
backup=$(ls -d /home/fred.* 2>/dev/null | head -n1)
[ -n "$backup" ] || fail "no backup of the original home"
diff -r --no-dereference /tmp/fred.orig "$backup" >/dev/null || fail "the backup differs from the original"
[ -L $H/.ecryptfs ] && [ -L $H/.Private ] || fail "the new home lacks the .ecryptfs/.Private links"
[ "$(cat $H/.ecryptfs/Private.mnt)" = $H ] || fail "Private.mnt: $(cat $H/.ecryptfs/Private.mnt)"
[ -e $H/.ecryptfs/auto-mount ] || fail "no auto-mount"
[ "$(ls $H | wc -l)" = 0 ] || fail "cleartext left in the unmounted home: $(ls $H)"
grep -rq secret /home/.ecryptfs/fred/.Private && fail "cleartext in the lower directory"
log "migrated; original kept at $backup"

# The user logs in (keys from the wrapped passphrase, our helper mounts the home).
load_keys fred fredpw
as_user fred /sbin/mount.ecryptfs_private || fail "fred cannot mount the encrypted home"
is_mounted $H || fail "home not mounted"
n=0
while IFS= read -r -d '' f; do
	rel=${f#/tmp/fred.orig}
	[ -n "$rel" ] || continue
	g=$H$rel
	[ "$(stat -c '%F %a %U %G' "$f")" = "$(stat -c '%F %a %U %G' "$g")" ] ||
		fail "type/mode/owner differ: $rel"
	if [ -L "$f" ]; then
		[ "$(readlink "$f")" = "$(readlink "$g")" ] || fail "link target differs: $rel"
	elif [ -f "$f" ]; then
		cmp -s "$f" "$g" || fail "content differs: $rel"
	fi
	n=$((n + 1))
done < <(find /tmp/fred.orig -print0)
[ "$n" -ge 18 ] || fail "only $n entries compared"
[ "$(stat -c %i $H/docs/page)" = "$(stat -c %i $H/hard-link)" ] || fail "hard link not kept"
[ "$(cat "$H/$(printf 'new\nline')")" = nl ] || fail "newline name"
as_user fred sh -c 'echo new-after-migration > ~/new.txt' || fail "fred cannot write his home"
as_user fred /sbin/umount.ecryptfs_private || fail "fred cannot unmount"
! is_mounted $H || fail "still mounted"
log "all $n entries compared equal after login; hard link and odd names kept"

check_dmesg
echo "PASS: private-migrate with the $ECRYPTFS_TEST_MODULE kernel module on $ECRYPTFS_KVER"
