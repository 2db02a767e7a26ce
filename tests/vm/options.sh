#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Mount options and mount errors (spec §5, §7.3), run under module A then B
# (ECRYPTFS_PAIR="A B", default "ours reference"): missing key -> ENOENT,
# no sig -> EINVAL, aes without key_bytes -> EINVAL, unknown options
# ignored, /proc/mounts text for several option strings (equal between A
# and B, and equal to §5.3), two sigs per mount (header has both groups;
# the file opens with either key alone, not with neither),
# ecryptfs_passthrough, a mount on top of an eCryptfs mount refused,
# ecryptfs_check_dev_ruid, ecryptfs_mount_auth_tok_only.
. "$ECRYPTFS_SRC/tests/vm/lib.sh" || exit 1

read -r A B <<<"$(ecryptfs_pair)"
base=/tmp/opts
lower_fs $base
load_module reference
S1=$(add_passphrase_key "options one")
S2=$(add_passphrase_key "options two")
S3=$(add_passphrase_key "options three")
[ -n "$S1" ] && [ -n "$S2" ] && [ -n "$S3" ] || fail "no key signatures"
AES="ecryptfs_cipher=aes,ecryptfs_key_bytes=16"

key_id() { keyctl search @u user "$1"; }
# Keys are saved once and put back with keyctl (no new key derivation).
save_key() { keyctl pipe "$(key_id "$1")" > /tmp/key.$1 || fail "cannot save key $1"; }
drop_key() { keyctl unlink "$(key_id "$1")" @u >/dev/null || fail "cannot unlink key $1"; }
restore_key() { keyctl padd user "$1" @u < /tmp/key.$1 >/dev/null || fail "cannot restore key $1"; }
for s in $S1 $S2 $S3; do save_key $s; done
# mnt LOWER UPPER OPTS: the mount must succeed.
mnt() {
	mkdir -p "$1" "$2"
	mount -i -t ecryptfs "$1" "$2" -o "$3" || fail "$(which_ecryptfs): mount -o $3 failed"
}
# try_mounts LOWER UPPER WANT:OPTS...: each mount(2) must give WANT (OK or
# an errno name); one helper run for all.
try_mounts() {
	local l=$1 u=$2 w o got i=0
	shift 2
	mkdir -p "$l" "$u"
	local opts=()
	for w in "$@"; do opts+=("${w#*:}"); done
	mapfile -t got < <(ktest mounts "$l" "$u" "${opts[@]}")
	for w in "$@"; do
		expect "$(which_ecryptfs): mount -o ${w#*:}" "${w%%:*}" "${got[$i]:-none}"
		i=$((i + 1))
	done
}

run_module() {
	local m=$1 d=$base/$1 o
	reload_module "$m"
	mkdir -p $d
	log "$m: mount errors"
	try_mounts $d/l $d/u "ENOENT:ecryptfs_sig=0123456789abcdef,$AES" "EINVAL:$AES" \
		"EINVAL:ecryptfs_sig=$S1" "EINVAL:ecryptfs_sig=$S1,ecryptfs_cipher=aes" \
		"EINVAL:ecryptfs_sig=$S1,ecryptfs_cipher=aes,ecryptfs_key_bytes=20" \
		"EINVAL:ecryptfs_sig=$S1,ecryptfs_cipher=nosuchcipher,ecryptfs_key_bytes=16"
	log "$m: unknown options are ignored"
	o="ecryptfs_sig=$S1,$AES,no_such_option,ecryptfs_frobnicate=3"
	mkdir -p $d/l $d/u
	n=$(dmesg | wc -l)
	if mount -i -t ecryptfs $d/l $d/u -o "$o"; then
		echo data > $d/u/f || fail "$m: cannot write on a mount with unknown options"
		umnt $d/u
	elif [ "$m" = reference ] &&
	     dmesg | tail -n +$((n + 1)) | grep -q "Unknown parameter 'no_such_option'"; then
		# Linux's own module refuses them since its mount API conversion
		# (7.x); ours keeps ignoring them, as the spec says.
		log "reference: this kernel's module refuses unknown options (ours ignores them)"
	else
		fail "$(which_ecryptfs): mount -o $o failed"
	fi

	log "$m: /proc/mounts"
	: > /tmp/procmounts.$m
	for o in "ecryptfs_sig=$S1,$AES" \
		"ecryptfs_sig=$S1,ecryptfs_sig=$S2,ecryptfs_cipher=aes,ecryptfs_key_bytes=32,ecryptfs_passthrough,ecryptfs_unlink_sigs,ecryptfs_mount_auth_tok_only" \
		"ecryptfs_check_dev_ruid,$AES,ecryptfs_unlink_sigs,ecryptfs_sig=$S1,ecryptfs_fnek_sig=$S2" \
		"ecryptfs_sig=$S1,ecryptfs_cipher=blowfish,ecryptfs_key_bytes=56,ecryptfs_xattr_metadata" \
		"ecryptfs_encrypted_view,ecryptfs_sig=$S2,ecryptfs_cipher=des3_ede,ecryptfs_key_bytes=24" \
		"sig=$S1,cipher=cast6,ecryptfs_key_bytes=32,ecryptfs_fnek_sig=$S2,ecryptfs_fn_cipher=aes,ecryptfs_fn_key_bytes=24" \
		"ecryptfs_sig=$S3,ecryptfs_fnek_sig=$S2,ecryptfs_sig=$S1,ecryptfs_cipher=twofish,ecryptfs_key_bytes=16,ecryptfs_passthrough,ecryptfs_xattr_metadata"; do
		mnt $d/l $d/u "$o"
		echo "$o => $(awk -v u=$d/u '$2 == u && $3 == "ecryptfs" { print $4 }' /proc/mounts)" >> /tmp/procmounts.$m
		umnt $d/u
	done
	cat /tmp/procmounts.$m

	log "$m: no mount on top of an eCryptfs mount"
	mnt $d/l $d/u "ecryptfs_sig=$S1,$AES"
	try_mounts $d/u $d/u2 "EINVAL:ecryptfs_sig=$S1,$AES"
	umnt $d/u

	log "$m: ecryptfs_check_dev_ruid"
	mkdir -p $d/own
	chown 1000:1000 $d/own
	try_mounts $d/own $d/u "EPERM:ecryptfs_check_dev_ruid,ecryptfs_sig=$S1,$AES"
	chown 0:0 $d/own
	mnt $d/own $d/u "ecryptfs_check_dev_ruid,ecryptfs_sig=$S1,$AES"
	umnt $d/u

	log "$m: two sigs per mount"
	mnt $d/two $d/u "ecryptfs_sig=$S1,ecryptfs_sig=$S2,$AES"
	echo "wrapped with two keys" > $d/u/f
	umnt $d/u
	mkdir -p /tmp/model-two-$m
	echo "wrapped with two keys" > /tmp/model-two-$m/f
	ktest lowercheck $d/two /tmp/model-two-$m aes 16 "$S1,$S2" || fail "$m: header of a two-key file"
	drop_key "$S2"
	mnt $d/two $d/u "ecryptfs_sig=$S1,$AES"
	expect "$m: two-key file read with key 1 alone" "wrapped with two keys" "$(cat $d/u/f)"
	umnt $d/u
	restore_key "$S2"
	drop_key "$S1"
	mnt $d/two $d/u "ecryptfs_sig=$S2,$AES"
	expect "$m: two-key file read with key 2 alone" "wrapped with two keys" "$(cat $d/u/f)"
	umnt $d/u
	drop_key "$S2"
	mnt $d/two $d/u "ecryptfs_sig=$S3,$AES"
	expect "$m: two-key file opened with neither key" EIO "$(ktest try read $d/u/f)"
	umnt $d/u
	restore_key "$S1"
	restore_key "$S2"

	log "$m: ecryptfs_mount_auth_tok_only"
	mnt $d/auth $d/u "ecryptfs_sig=$S2,$AES"
	echo "key two only" > $d/u/g
	umnt $d/u
	mnt $d/auth $d/u "ecryptfs_sig=$S1,$AES"
	expect "$m: file of another key in the keyring" "key two only" "$(cat $d/u/g)"
	umnt $d/u
	mnt $d/auth $d/u "ecryptfs_sig=$S1,$AES,ecryptfs_mount_auth_tok_only"
	expect "$m: file of another key with mount_auth_tok_only" EIO "$(ktest try read $d/u/g)"
	umnt $d/u

	log "$m: ecryptfs_passthrough"
	mkdir -p $d/pt
	printf 'plain lower file\n' > $d/pt/plain
	mnt $d/pt $d/u "ecryptfs_sig=$S1,$AES"
	expect "$m: plaintext file without passthrough" EIO "$(ktest try read $d/u/plain)"
	umnt $d/u
	mnt $d/pt $d/u "ecryptfs_sig=$S1,$AES,ecryptfs_passthrough"
	expect "$m: plaintext file with passthrough" "plain lower file" "$(cat $d/u/plain)"
	expect "$m: passthrough st_size" 17 "$(stat -c %s $d/u/plain)"
	printf 'appended\n' >> $d/u/plain
	expect "$m: passthrough write stays plaintext" "$(printf 'plain lower file\nappended')" "$(cat $d/pt/plain)"
	# The seed's example: what is written to the lower layer shows through.
	echo "some text" > $d/pt/cleartext
	expect "$m: lower write seen through passthrough" "some text" "$(cat $d/u/cleartext)"
	echo "new file" > $d/u/new
	umnt $d/u
	mkdir -p /tmp/model-pt-$m
	echo "new file" > /tmp/model-pt-$m/new
	mkdir -p $d/ptnew && mv $d/pt/new $d/ptnew/
	ktest lowercheck $d/ptnew /tmp/model-pt-$m aes 16 "$S1" || fail "$m: new file on a passthrough mount is not encrypted"
	check_dmesg
}

run_module "$A"
[ "$B" = "$A" ] || run_module "$B"

# /proc/mounts: the same text from both modules ...
diff -u /tmp/procmounts.$B /tmp/procmounts.$A || fail "/proc/mounts options differ between $B (-) and $A (+)"
# ... and the text of §5.3 (keys in reverse order, check_dev_ruid hidden).
want_pm() {
	local n=$1 w=$2 got
	got=$(sed -n "${n}p" /tmp/procmounts.$B | sed 's/.* => //')
	case "$w" in ro,*) ;; *) w="rw,relatime,$w" ;; esac
	expect "/proc/mounts for option string $n" "$w" "$got"
}
want_pm 1 "ecryptfs_sig=$S1,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
want_pm 2 "ecryptfs_sig=$S2,ecryptfs_sig=$S1,ecryptfs_cipher=aes,ecryptfs_key_bytes=32,ecryptfs_passthrough,ecryptfs_unlink_sigs,ecryptfs_mount_auth_tok_only"
want_pm 3 "ecryptfs_fnek_sig=$S2,ecryptfs_sig=$S1,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_fn_cipher=aes,ecryptfs_fn_key_bytes=16,ecryptfs_unlink_sigs"
want_pm 4 "ecryptfs_sig=$S1,ecryptfs_cipher=blowfish,ecryptfs_key_bytes=56,ecryptfs_xattr_metadata"
# encrypted_view forces a read-only mount and implies xattr_metadata.
want_pm 5 "ro,relatime,ecryptfs_sig=$S2,ecryptfs_cipher=des3_ede,ecryptfs_key_bytes=24,ecryptfs_xattr_metadata,ecryptfs_encrypted_view"
want_pm 6 "ecryptfs_fnek_sig=$S2,ecryptfs_sig=$S1,ecryptfs_cipher=cast6,ecryptfs_key_bytes=32,ecryptfs_fn_cipher=aes,ecryptfs_fn_key_bytes=24"
want_pm 7 "ecryptfs_sig=$S1,ecryptfs_fnek_sig=$S2,ecryptfs_sig=$S3,ecryptfs_cipher=twofish,ecryptfs_key_bytes=16,ecryptfs_fn_cipher=twofish,ecryptfs_fn_key_bytes=16,ecryptfs_passthrough,ecryptfs_xattr_metadata"
unload_ecryptfs
check_dmesg
echo "PASS: options $A vs $B on $ECRYPTFS_KVER (${SECONDS}s)"
