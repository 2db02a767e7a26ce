# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers for the private-directory and PAM guest tests (source after
# lib.sh).  They install OUR setuid helper as /sbin/mount.ecryptfs_private
# in the guest (the overlay is writable; the reference's stays beside it as
# *.reference) and at the path this build's tools call (its $sbindir,
# $ECRYPTFS_BUILD/paths.sh), create real users, and run commands as them.
#
# ECRYPTFS_TEST_MODULE selects the kernel module: "ours" (the default) or
# "reference" (then every run says loudly that our userland ran on the
# reference module).

ECRYPTFS_TEST_MODULE=${ECRYPTFS_TEST_MODULE:-ours}
PRIVATE_BIN=$ECRYPTFS_BUILD/bin
# shellcheck source=/dev/null
. "$ECRYPTFS_BUILD/paths.sh" || fail "$ECRYPTFS_BUILD/paths.sh missing: configure the userland again"

private_init() {
	[ -x "$PRIVATE_BIN/mount.ecryptfs_private" ] ||
		fail "$PRIVATE_BIN/mount.ecryptfs_private missing: build the userland first"
	load_module "$ECRYPTFS_TEST_MODULE"
	if [ "$ECRYPTFS_TEST_MODULE" != ours ]; then
		echo "NOTE: ********************************************************************"
		echo "NOTE: our userland runs against the REFERENCE kernel module in this test"
		echo "NOTE: (ECRYPTFS_TEST_MODULE=$ECRYPTFS_TEST_MODULE), not against our module."
		echo "NOTE: ********************************************************************"
	fi
	cp -a /sbin/mount.ecryptfs_private /sbin/mount.ecryptfs_private.reference
	use_helper ours
	# Homes on a fresh tmpfs (an approved file system for private mounts).
	mount -t tmpfs -o mode=755 tmpfs /home
	rm -f /dev/shm/ecryptfs-* /dev/shm/.ecryptfs-* /run/ecryptfs/*
}

# use_helper ours|reference: which setuid helper /sbin/mount.ecryptfs_private
# (which the reference's tools call) and the one of this build's $sbindir
# (which ours call) are.
use_helper() {
	local from d
	case "$1" in
	ours) from=$PRIVATE_BIN/mount.ecryptfs_private ;;
	reference) from=/sbin/mount.ecryptfs_private.reference ;;
	*) fail "use_helper: $1" ;;
	esac
	for d in /sbin "$ECRYPTFS_PRIVATE_HELPER_DIR"; do
		mkdir -p "$d"
		install -m 4755 -o root -g root "$from" "$d/mount.ecryptfs_private.new" &&
			mv -f "$d/mount.ecryptfs_private.new" "$d/mount.ecryptfs_private" ||
			fail "use_helper: cannot install $from in $d"
		ln -sf mount.ecryptfs_private "$d/umount.ecryptfs_private"
	done
}

# add_user NAME PASSWORD
add_user() {
	useradd -m -s /bin/bash "$1" || fail "useradd $1"
	echo "$1:$2" | chpasswd || fail "chpasswd $1"
}

# as_user NAME CMD...: run CMD as NAME with a clean environment; our tools
# first in PATH.
as_user() {
	local u=$1
	shift
	setpriv --reuid="$u" --regid="$u" --init-groups --reset-env -- \
		env PATH="$PRIVATE_BIN:/usr/bin:/bin:/usr/sbin:/sbin" HOME="/home/$u" USER="$u" \
		LOGNAME="$u" "$@"
}

# user_keys NAME: the "user" keys in NAME's user keyring, one sig a line.
user_keys() {
	as_user "$1" keyctl rdescribe @u 2>/dev/null >/dev/null
	as_user "$1" sh -c 'for k in $(keyctl rlist @u 2>/dev/null); do keyctl rdescribe $k 2>/dev/null; done' |
		awk -F';' '$1 == "user" { print $5 }'
}

# load_keys NAME LOGINPASS: unwrap NAME's mount passphrase into @u.
load_keys() {
	printf '%s' "$2" | as_user "$1" /usr/bin/ecryptfs-insert-wrapped-passphrase-into-keyring \
		"/home/$1/.ecryptfs/wrapped-passphrase" - >/dev/null || fail "load_keys $1"
	as_user "$1" keyctl link @u @s >/dev/null 2>&1 || true
}

# load_keys_cached NAME LOGINPASS: load_keys (the reference's tool).  Key derivation is slow under TCG, so the tokens
# are kept in /tmp/keycache-NAME after the first time and re-added from
# there while Private.sig is unchanged.
load_keys_cached() {
	local u=$1 sig cache=/tmp/keycache-$1 id ok=1
	if [ -d "$cache" ] && cmp -s "$cache/Private.sig" "/home/$u/.ecryptfs/Private.sig"; then
		for sig in $(cat "$cache/Private.sig"); do
			as_user "$u" sh -c "keyctl search @u user $sig >/dev/null 2>&1 ||
				keyctl padd user $sig @u < $cache/$sig >/dev/null" || ok=0
		done
		if [ $ok = 1 ]; then
			as_user "$u" keyctl link @u @s >/dev/null 2>&1 || true
			return 0
		fi
	fi
	printf '%s' "$2" | as_user "$u" /usr/bin/ecryptfs-insert-wrapped-passphrase-into-keyring \
		"/home/$u/.ecryptfs/wrapped-passphrase" - >/dev/null || fail "load_keys_cached $u"
	as_user "$u" keyctl link @u @s >/dev/null 2>&1 || true
	rm -rf "$cache"
	mkdir -m 700 "$cache"
	for sig in $(cat "/home/$u/.ecryptfs/Private.sig"); do
		id=$(as_user "$u" keyctl search @u user "$sig") &&
			as_user "$u" keyctl pipe "$id" > "$cache/$sig" 2>/dev/null &&
			[ "$(stat -c %s "$cache/$sig")" = 740 ] || { rm -rf "$cache"; return 0; }
	done
	chmod 755 "$cache"
	chmod 644 "$cache"/*
	cp "/home/$u/.ecryptfs/Private.sig" "$cache/Private.sig"
}

is_mounted() {
	awk -v m="$1" '$2 == m && $3 == "ecryptfs" { f = 1 } END { exit !f }' /proc/mounts
}

# check_mode PATH OCTAL OWNER
check_mode() {
	local got
	got=$(stat -c '%a %U' "$1") || fail "$1 missing"
	[ "$got" = "$2 $3" ] || fail "$1: mode/owner '$got', expected '$2 $3'"
}
