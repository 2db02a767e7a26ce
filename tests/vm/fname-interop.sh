#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Filename encryption across modules, ECRYPTFS_PAIR="A B" (default "ours
# reference"; "reference reference" validates the test itself).  A builds a
# tree on a filename-encrypting mount: every name length 1..143, names with
# spaces, UTF-8, dots and dashes, a 20-level deep tree, symlinks (relative,
# absolute, long, with spaces), hard links, renames across directories;
# 144-byte names fail with ENAMETOOLONG; statfs f_namelen is 143; plain and
# malformed lower names are hidden.  B then sees the same tree (names, types,
# link counts, sizes, symlink targets, contents), changes it, and A sees B's
# changes.  The lower names are deterministic, so the lower listing must
# not change when the other module only reads.
. "$ECRYPTFS_SRC/tests/vm/lib.sh" || exit 1

read -r A B <<<"$(ecryptfs_pair)"
base=/tmp/fname-interop
L=$base/lower U=$base/up
mkdir -p $base $U
lower_fs $L

load_module "$A"
sigs=$(add_passphrase_key "fname interop" --fnek)
fek=$(echo "$sigs" | sed -n 1p) fnek=$(echo "$sigs" | sed -n 2p)
[ -n "$fnek" ] || fail "no FNEK sig"
mnt() { mount_ecryptfs $L $U "$fek" "ecryptfs_fnek_sig=$fnek"; }
letters=abcdefghijklmnopqrstuvwxyz
mkname() { local s; printf -v s '%*s' "$1" ''; echo "${s// /${letters:$(($1 % 26)):1}}"; }

# snapshot DIR: every entry with type, link count, size, symlink target and
# the checksum of regular files, sorted.
snapshot() {
	# (directory sizes are left out: the upper copy is refreshed lazily)
	(cd "$1" && { find . -mindepth 1 ! -type d -printf '%y %n %s %p -> %l\n' &&
		find . -mindepth 1 -type d -printf '%y %n %p\n'; } | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r md5sum)
}
too_long() { # too_long WHAT CMD...: CMD must fail with ENAMETOOLONG
	local what=$1 err
	shift
	err=$("$@" 2>&1) && fail "$what succeeded with a 144-byte name on $(which_ecryptfs)"
	case "$err" in *"name too long"*) ;; *) fail "$what: '$err', expected ENAMETOOLONG" ;; esac
}

log "$A builds the tree"
mnt
n144=$(mkname 144)
for n in $(seq 1 143); do echo "$n" >"$U/$(mkname "$n")" || fail "create length $n on $A"; done
too_long "create" bash -c ": > '$U/$n144'"
too_long "mkdir" mkdir "$U/$n144"
too_long "symlink name" ln -s x "$U/$n144"
[ "$(stat -f -c %l $U)" = 143 ] || fail "statfs f_namelen $(stat -f -c %l $U) on $A"
mkdir -p "$U/names"
for s in "with space" " lead" "trail " "ünïcödé-名前-😀" ".hidden" "-dash" "--" "a.b.c" "..." \
	"x.tar.gz" "UPPER lower 0123" "tab	in" "quote'\"" "back\\slash" "#hash%percent&"; do
	printf '%s' "$s" >"$U/names/$s" || fail "create '$s' on $A"
done
deep=$U/deep
for i in $(seq 1 20); do deep=$deep/level-$i; done
mkdir -p "$deep" && echo bottom >"$deep/file" || fail "deep tree on $A"
mkdir "$U/links" "$U/from" "$U/to"
rel="../names/with space"
ln -s "$rel" "$U/links/rel" &&
	ln -s /absolute/target/ünï "$U/links/abs" &&
	ln -s "$(mkname 1000)" "$U/links/long" &&
	ln -s "target with spaces" "$U/links/spaced" || fail "symlinks on $A"
[ "$(readlink "$U/links/long")" = "$(mkname 1000)" ] || fail "long symlink target on $A"
[ "$(stat -c %s "$U/links/rel")" = ${#rel} ] || fail "symlink st_size is not the plaintext length on $A"
[ "$(cat "$U/links/rel")" = "with space" ] || fail "following a symlink on $A"
echo content >"$U/from/original"
ln "$U/from/original" "$U/to/hardlink" || fail "hard link on $A"
[ "$(stat -c %h "$U/to/hardlink")" = 2 ] || fail "link count on $A"
echo moving >"$U/from/moved"
mv "$U/from/moved" "$U/to/renamed" || fail "rename across directories on $A"
[ ! -e "$U/from/moved" ] && [ "$(cat "$U/to/renamed")" = moving ] || fail "rename result on $A"
mv "$U/deep/level-1" "$U/to/level-1" || fail "directory rename on $A"
[ "$(cat "$U/to/level-1/level-2/level-3/level-4/level-5/level-6/level-7/level-8/level-9/level-10/level-11/level-12/level-13/level-14/level-15/level-16/level-17/level-18/level-19/level-20/file")" = bottom ] ||
	fail "deep file after a directory rename on $A"
# Lower names that do not decode are hidden (plain, bad packet, prefix only).
umount $U || fail umount
: >"$L/plainname"
: >"$L/ECRYPTFS_FNEK_ENCRYPTED.garbage"
mkdir "$L/plaindir"
mnt
snapshot $U >$base/model1
grep -q 'plain\|garbage' $base/model1 && fail "undecodable lower names are listed on $A"
[ "$(ls -A $U | wc -l)" = $((143 + 5)) ] || fail "upper entries on $A: $(ls -A $U | wc -l)"
(cd $L && find . | LC_ALL=C sort) >$base/lower1
umount $U

log "$B reads A's tree and changes it"
reload_module "$B"
add_passphrase_key "fname interop" --fnek >/dev/null
mnt
[ "$(stat -f -c %l $U)" = 143 ] || fail "statfs f_namelen on $B"
snapshot $U >$base/seen1
diff $base/model1 $base/seen1 >&2 || fail "$B does not see the tree $A built"
(cd $L && find . | LC_ALL=C sort) | diff $base/lower1 - >&2 || fail "the lower tree changed when $B read it"
for n in 1 17 100 143; do
	[ "$(cat "$U/$(mkname "$n")")" = "$n" ] || fail "content of the length-$n name on $B"
done
too_long "create" bash -c ": > '$U/$n144'"
mv "$U/to/renamed" "$U/from/back" || fail "rename back on $B"
mv "$U/names/with space" "$U/names/with more space" || fail "rename in place on $B"
rm "$U/from/original" || fail "unlink one of two links on $B"
ln "$U/to/hardlink" "$U/names/second link" || fail "hard link on $B"
ln -s "../to/hardlink" "$U/links/by-b" || fail "symlink on $B"
echo new >"$U/names/nouveau-été" || fail "create on $B"
bottom=$U/to/level-1/level-2/level-3/level-4/level-5/level-6/level-7/level-8/level-9/level-10
bottom=$bottom/level-11/level-12/level-13/level-14/level-15/level-16/level-17/level-18/level-19/level-20
rm "$bottom/file" && rmdir "$bottom" || fail "removing the deepest level on $B"
for n in 5 50 143; do rm "$U/$(mkname "$n")" || fail "unlink length $n on $B"; done
[ "$(stat -c %h "$U/to/hardlink")" = 2 ] || fail "link count after B's changes"
snapshot $U >$base/model2
umount $U

log "$A reads B's changes"
reload_module "$A"
add_passphrase_key "fname interop" --fnek >/dev/null
mnt
snapshot $U >$base/seen2
diff $base/model2 $base/seen2 >&2 || fail "$A does not see the changes $B made"
[ "$(readlink "$U/links/by-b")" = ../to/hardlink ] || fail "B's symlink as read by $A"
[ "$(cat "$U/names/nouveau-été")" = new ] || fail "B's new file as read by $A"
umount $U
unload_ecryptfs
check_dmesg
echo "PASS: fname-interop $A<->$B on $ECRYPTFS_KVER (${SECONDS}s)"
