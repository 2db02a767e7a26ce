#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vm-kernels: 6.1
# vm-options: --timeout 850
#
# Issue 19: every command of every manual page's EXAMPLES section (man/*),
# run as written, in order, with the page's block under "bash -e -o
# pipefail": a failing command fails the test.  Our tools are installed the
# way "make install" would put them (tools in /usr/local/bin, first in
# PATH; the mount helpers and the setuid helper in /sbin; pam_ecryptfs.so
# where PAM looks).  The pages
# use these variables, set here: PASS (a mount passphrase), WRAP, NEWWRAP
# (wrapping passphrases), LOGINPASS (the login password of EXAMPLE_USER),
# KEYPASS (a key file's passphrase), EXAMPLE_USER.  Every page must have
# been run: a page added without being listed here fails the test.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"
. "$ECRYPTFS_SRC/tests/vm/lib-private.sh"

B=$ECRYPTFS_BUILD/bin
MAN=$ECRYPTFS_SRC/man
EXTRACT=$ECRYPTFS_SRC/tests/cli/man-examples.py
private_init
install -m 0755 "$B/mount.ecryptfs" /sbin/mount.ecryptfs
install -m 0755 "$B/umount.ecryptfs" /sbin/umount.ecryptfs
secdir=
for d in /lib/x86_64-linux-gnu/security /usr/lib/x86_64-linux-gnu/security /lib/security; do
	[ -e "$d/pam_unix.so" ] && { secdir=$d; break; }
done
[ -n "$secdir" ] || fail "no PAM module directory (pam_unix.so not found)"
install -m 0644 "$ECRYPTFS_BUILD/lib/pam_ecryptfs.so" "$secdir/pam_ecryptfs.so"
# The other tools where "make install" puts them (PREFIX=/usr/local).
while read -r tool; do
	case $tool in
	mount.ecryptfs|umount.ecryptfs|mount.ecryptfs_private|umount.ecryptfs_private) ;;
	*) install -m 0755 "$B/$tool" /usr/local/bin/ || fail "install $tool" ;;
	esac
done <"$ECRYPTFS_BUILD/tools.list"
export ECRYPTFS_KEYMOD_DIR=$ECRYPTFS_BUILD/lib/ecryptfs
export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
export PASS="correct horse battery" WRAP="wrap me up" NEWWRAP="new wrapping"
export LOGINPASS="login pw 1" KEYPASS="key file pw" EXAMPLE_USER=manex
add_user manex "$LOGINPASS"
add_user manmig "$LOGINPASS"
echo "a file to migrate" > /home/manmig/notes.txt && chown manmig: /home/manmig/notes.txt

declare -A done_pages
# run_page PAGE root|user [cleanup...]: the page's examples as root or as
# EXAMPLE_USER, then leftovers (mounts, keys) cleaned up as root.
run_page() {
	local page=$1 who=$2 script=/tmp/examples.sh log=/tmp/examples.log st=0
	python3 "$EXTRACT" "$MAN/$page" >$script || fail "$page: no examples"
	chmod 644 $script
	log "$page ($who): $(wc -l <$script) lines (${SECONDS}s)"
	sed 's/^/    /' $script
	if [ "$who" = root ]; then
		(cd /tmp && HOME=/root bash -e -o pipefail $script) >$log 2>&1 </dev/null || st=$?
	else
		as_user "$EXAMPLE_USER" env PATH="$PATH" ECRYPTFS_KEYMOD_DIR="$ECRYPTFS_KEYMOD_DIR" PASS="$PASS" WRAP="$WRAP" NEWWRAP="$NEWWRAP" \
			LOGINPASS="$LOGINPASS" KEYPASS="$KEYPASS" EXAMPLE_USER="$EXAMPLE_USER" \
			bash -c "cd ~ && bash -e -o pipefail $script" >$log 2>&1 </dev/null || st=$?
	fi
	sed 's/^/  | /' $log
	[ $st = 0 ] || fail "$page: its EXAMPLES failed (status $st)"
	done_pages[$page]=1
}
clean_root() {
	local m
	for m in $(awk '$3 == "ecryptfs" { print $2 }' /proc/mounts | sort -r); do
		umount -i "$m" || fail "cannot unmount $m"
	done
	keyctl clear @u >/dev/null 2>&1 || true
	rm -rf /tmp/enc /tmp/dec /tmp/penc /tmp/pdec /tmp/wrapped /root/.ecryptfs
}

# Root's pages.
for page in ecryptfs.7 ecryptfs-add-passphrase.1 ecryptfs-wrap-passphrase.1 \
	ecryptfs-unwrap-passphrase.1 ecryptfs-rewrap-passphrase.1 \
	ecryptfs-insert-wrapped-passphrase-into-keyring.1 ecryptfs-stat.1 ecryptfs-fname.1 \
	mount.ecryptfs.8 umount.ecryptfs.8 ecryptfs-manager.8 ecryptfsd.8 \
	ecryptfs-setup-swap.8; do
	run_page $page root
	clean_root
done
load_ours ecryptfs_message_wait_timeout=30
run_page ecryptfs-keymodules.7 root
clean_root

# A private directory of EXAMPLE_USER, from setting it up to unmounting it.
for page in ecryptfs-setup-private.1 ecryptfs-mount-private.1 ecryptfs-find.1 \
	ecryptfs-rewrite-file.1 ecryptfs-verify.1 ecryptfs-umount-private.1 \
	mount.ecryptfs_private.8; do
	run_page $page user
done
grep -q " /home/manex/Private ecryptfs " /proc/mounts && fail "the private directory stayed mounted"
# Root again, on that directory: a login through PAM, recovery.
run_page pam_ecryptfs.8 root
as_user manex env PATH="$PATH" bash -c 'cd ~ && ecryptfs-umount-private' >/dev/null 2>&1 || true
rm -f /etc/pam.d/ecryptfs-example
clean_root
run_page ecryptfs-recover-private.8 root
clean_root
EXAMPLE_USER=manmig run_page ecryptfs-migrate-home.8 root
[ -d /home/manmig/.ecryptfs ] || fail "migrate-home: no /home/manmig/.ecryptfs"

# The offline tools' examples read an Ubuntu-style home with its owner's
# login password: vm.*.offline-private runs exactly those commands
# (ecryptfs-fsck, ecryptfs-extract and ecryptfs-fuse with -w on a home set up
# by the reference tools), so they are counted here and not run twice.
for page in ecryptfs-fsck.1 ecryptfs-extract.1 ecryptfs-fuse.1; do
	grep -q "${page%.1}" "$ECRYPTFS_SRC/tests/vm/offline-private.sh" ||
		fail "$page: tests/vm/offline-private.sh does not run it"
	done_pages[$page]=1
done
for page in "$MAN"/*.[1-8]; do
	page=${page##*/}
	[ -n "${done_pages[$page]:-}" ] || fail "$page: its EXAMPLES were not run (add it to $0)"
done
log "the EXAMPLES of ${#done_pages[@]} pages ran"
clean_root
unload_ecryptfs
check_dmesg
echo "PASS: man-examples on $ECRYPTFS_KVER"
