#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mount.ecryptfs as root, interactive: the dialogs of the seed (Gentoo
# wiki) and of the spec replayed on a real pty against our helper AND the
# reference helper on the same kernel, prompt for prompt, answer for answer
# (unusable answers too), then the mount used; the seed's keyfile form.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-mount.sh"

mt_load_module

# ---- 1. interactive transcripts, ours against the reference, same answers
# compare NAME ANSWERS... -- MOUNT ARGS...: run the dialog with the
# reference helper, then with ours, from the same state; the transcripts
# must be identical and both must end in the same state.
compare() {
	local name=$1 rc_ref rc_ours
	shift
	for who in ref ours; do
		reset_state
		[ -n "${PRE:-}" ] && eval "$PRE"
		use_helper $who
		local rc=0
		pty_run $MT_WORK/$name.$who "$@" || rc=$?
		eval "rc_$who=$rc"
		if is_mounted $U; then
			mount_opts $U > $MT_WORK/$name.$who.opts
			[ -n "${POST:-}" ] && eval "$POST"
			check_working_mount $L $U
			umount $U || fail "$name/$who: umount"
		else
			echo unmounted > $MT_WORK/$name.$who.opts
		fi
		keyctl show @u | tail -n +3 | awk '{print $NF}' > $MT_WORK/$name.$who.keys
	done
	if ! diff -u $MT_WORK/$name.ref $MT_WORK/$name.ours; then
		fail "$name: our dialog differs from the reference's (diff above)"
	fi
	[ "$rc_ref" = "$rc_ours" ] || fail "$name: exit status $rc_ours, reference $rc_ref"
	diff -u $MT_WORK/$name.ref.opts $MT_WORK/$name.ours.opts ||
		fail "$name: mount options differ from the reference's"
	log "$name: same transcript, status $rc_ours, options $(cat $MT_WORK/$name.ours.opts)"
}

# The spec's transcript (userland.md §4.3): Debian's key-type menu.
compare spec43 2 "$PASS" '' 2 y y '' yes yes -- mount -t ecryptfs $L $U
grep -q "^Filename Encryption Key (FNEK) Signature \[$SIG\]: $" $MT_WORK/spec43.ours ||
	fail "spec43: FNEK prompt missing"
grep -q "ecryptfs_fnek_sig=$SIG" $MT_WORK/spec43.ours.opts || fail "spec43: no FNEK in the mount"

# The seed's first transcript: key type answered by name (the seed's "1"
# was "passphrase" on a build whose menu was "1) passphrase 2) openssl";
# Debian's is "1) tspi 2) passphrase"), aes, 32 bytes, passthrough, no FNEK.
POST='echo "some text" > $L/cleartext; [ "$(cat $U/cleartext)" = "some text" ] || fail "passthrough: lower plaintext not visible"; rm $L/cleartext'
compare seed1 passphrase "$PASS" 1 2 y '' yes yes -- mount -t ecryptfs $L $U
POST=
grep -q "^Would you like to append sig \[$SIG\] to$" $MT_WORK/seed1.ours || fail "seed1: append question"
[ "$(cat /root/.ecryptfs/sig-cache.txt)" = "$SIG" ] || fail "seed1: sig-cache.txt content"
[ "$(stat -c %a /root/.ecryptfs/sig-cache.txt)" = 600 ] || fail "seed1: sig-cache.txt mode"
grep -q "ecryptfs_passthrough" $MT_WORK/seed1.ours.opts || fail "seed1: passthrough missing"

# Unusable answers: whole menu again, empty passphrase refused, y/n retried.
compare badanswers 9 foo passphrase '' "$PASS" 7 '' 0 xx 32 maybe n n yes y no -- mount -t ecryptfs $L $U
# Sig cache: "no" leaves nothing mounted with status 0; five bad answers fail.
compare signo no -- mount -t ecryptfs $L $U -o key=passphrase:passphrase_passwd=$PASS,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n
grep -qx unmounted $MT_WORK/signo.ours.opts || fail "signo: mounted after no"
compare sigbad y a b c d -- mount -t ecryptfs $L $U -o key=passphrase:passphrase_passwd=$PASS,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n
# A cached sig asks nothing more.
PRE='mkdir -p /root/.ecryptfs; echo $SIG > /root/.ecryptfs/sig-cache.txt'
compare sigknown '' -- mount -t ecryptfs $L $U -o key=passphrase:passphrase_passwd=$PASS,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=q,ecryptfs_enable_filename_crypto=n
PRE=

# ---- 2. the seed's keyfile form: -o key=passphrase:passwd_file=KEYFILE
# The reference ignores passwd_file= for passphrase keys and asks
# "Passphrase: " (the key is whatever is typed, the keyfile is never
# read); ours unwraps the ecryptfs-wrap-passphrase keyfile and asks
# "Wrapping passphrase: " instead.  Same key either way.
reset_state
mkdir -p /root/.ecryptfs && chmod 700 /root/.ecryptfs
printf '%s\n%s' "$PASS" wrapme | ecryptfs-wrap-passphrase /root/.ecryptfs/keyfile.ecryptfs >/dev/null
echo $SIG > /root/.ecryptfs/sig-cache.txt
cp -a /root/.ecryptfs $MT_WORK/dotecryptfs
for who in ref ours; do
	keyctl clear @u
	use_helper $who
	[ $who = ref ] && secret=$PASS || secret=wrapme
	pty_run $MT_WORK/seed2.$who "$secret" 1 1 y '' -- mount -t ecryptfs $L $U \
		-o key=passphrase:passwd_file=/root/.ecryptfs/keyfile.ecryptfs || fail "seed2/$who: mount failed"
	mount_opts $U | grep -q "ecryptfs_sig=$SIG" || fail "seed2/$who: wrong key"
	check_working_mount $L $U
	umount $U
done
sed 's/^Passphrase: $/Wrapping passphrase: /' $MT_WORK/seed2.ref | diff -u - $MT_WORK/seed2.ours ||
	fail "seed2: our keyfile dialog differs from the reference's beyond the documented prompt"
log "seed2 (keyfile): reference and ours mount key $SIG; ours asks the wrapping passphrase"

check_dmesg
echo "mount-dialog: all checks passed (module: $(which_ecryptfs))"
