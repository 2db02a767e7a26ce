# SPDX-License-Identifier: GPL-2.0-only
#
# Shared by the mount-*.sh guest scripts (source after lib.sh): which
# kernel module the mount helper tests run against, installing our
# mount.ecryptfs/umount.ecryptfs over the reference's in /sbin (the guest
# root is a throw-away overlay), and driving dialogs through a pty.

# Our userland is tested against ECRYPTFS_TEST_MODULE (ours by default;
# "reference" runs the same checks against Debian's module, which is
# legitimate interop for the userland).
ECRYPTFS_TEST_MODULE=${ECRYPTFS_TEST_MODULE:-ours}
MOUNT_PTY=${ECRYPTFS_SRC}/tests/vm/mount-pty.py
MT_WORK=/tmp/mount-test
mkdir -p "$MT_WORK"

mt_load_module() {
	load_module "$ECRYPTFS_TEST_MODULE"
	if [ "$ECRYPTFS_TEST_MODULE" != ours ]; then
		echo "######################################################################"
		echo "## NOTE: these mount helper checks run against the REFERENCE kernel"
		echo "## module ($ECRYPTFS_TEST_MODULE): our userland against Debian's module."
		echo "######################################################################"
	fi
	log "kernel module: $(which_ecryptfs), feature mask $(cat /sys/fs/ecryptfs/version)"
}

# Keep the reference helpers aside once, then switch /sbin between them.
[ -e "$MT_WORK/ref.mount.ecryptfs" ] || cp /sbin/mount.ecryptfs "$MT_WORK/ref.mount.ecryptfs"
[ -e "$MT_WORK/ref.umount.ecryptfs" ] || cp /sbin/umount.ecryptfs "$MT_WORK/ref.umount.ecryptfs"

# use_helper ours|ref: what mount(8) runs for -t ecryptfs.
use_helper() {
	case "$1" in
	ours)
		[ -x "$ECRYPTFS_BUILD/bin/mount.ecryptfs" ] || fail "build mount.ecryptfs first"
		install -m 0755 "$ECRYPTFS_BUILD/bin/mount.ecryptfs" /sbin/mount.ecryptfs
		install -m 0755 "$ECRYPTFS_BUILD/bin/umount.ecryptfs" /sbin/umount.ecryptfs ;;
	ref)
		install -m 0755 "$MT_WORK/ref.mount.ecryptfs" /sbin/mount.ecryptfs
		install -m 0755 "$MT_WORK/ref.umount.ecryptfs" /sbin/umount.ecryptfs ;;
	*) fail "use_helper: ours or ref" ;;
	esac
}

# pty_run TRANSCRIPT ANSWER... -- CMD...: run CMD on a pty, answering each
# prompt with the next ANSWER; prints nothing, returns CMD's status.
pty_run() {
	local tr=$1 a=$MT_WORK/answers
	shift
	: > "$a"
	while [ "$1" != -- ]; do printf '%s\n' "$1" >> "$a"; shift; done
	shift
	local rc=0
	python3 "$MOUNT_PTY" "$a" "$tr" -- "$@" || rc=$?
	rm -f "$a"
	return $rc
}

is_mounted() { awk -v m="$1" '$2 == m && $3 == "ecryptfs" { f = 1 } END { exit !f }' /proc/mounts; }
mount_opts() { awk -v m="$1" '$2 == m && $3 == "ecryptfs" { print $4 }' /proc/mounts; }

# check_working_mount LOWER UPPER: a file written above is readable above,
# and encrypted below (header marker, no plaintext, 8 KiB header + extent).
check_working_mount() {
	local lower=$1 upper=$2 name=probe-$RANDOM before lf
	is_mounted "$upper" || fail "$upper is not an ecryptfs mount"
	before=$(ls -A "$lower" | sort)
	echo "xxx plaintext-marker" > "$upper/$name" || fail "cannot write in $upper"
	sync
	[ "$(cat "$upper/$name")" = "xxx plaintext-marker" ] || fail "read back differs in $upper"
	lf=$(comm -13 <(echo "$before") <(ls -A "$lower" | sort) | head -n 1)
	[ -n "$lf" ] || fail "no new lower file in $lower"
	lf=$lower/$lf
	grep -q plaintext-marker "$lf" && fail "lower file $lf holds the plaintext"
	[ "$(stat -c %s "$lf")" -ge 8192 ] || fail "lower file $lf has no eCryptfs header"
	rm -f "$upper/$name"
}

# The root tests' directories and passphrase ("secretpass", default salt).
L=/tmp/enc U=/tmp/dec
PASS=secretpass SIG=81a0cb4417bc8bc7
# Nothing mounted on $U, empty keyring, no ~/.ecryptfs or ~/.ecryptfsrc.
reset_state() {
	is_mounted $U && umount $U
	keyctl clear @u
	rm -rf $L $U /root/.ecryptfs /root/.ecryptfsrc
	mkdir -p $L $U
}

key_present() { keyctl search @u user "$1" >/dev/null 2>&1; }

# as USER CMD...: run CMD as USER.
as() { local u=$1; shift; runuser -u "$u" -- "$@"; }
