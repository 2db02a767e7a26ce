# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers of the public-key VM tests (pubkey-pkcs11.sh, pubkey-tpm.sh):
# our ecryptfsd in the foreground with its log in a file, ecryptfs-manager
# driven through a pty (answers from a file, never argv), mounts by sig,
# file checks.  Source after lib.sh.

B=${ECRYPTFS_BUILD:?no ECRYPTFS_BUILD}/bin
export ECRYPTFS_KEYMOD_DIR=$ECRYPTFS_BUILD/lib/ecryptfs
PTY=$ECRYPTFS_SRC/tests/vm/mount-pty.py
OPTS="ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
DPID=
DLOG=/tmp/ecryptfsd.log

# load_pubkey_module ours|reference: the module with a 30 s wait for the
# daemon (the default 3 s is too short for a token or TPM on a loaded host).
load_pubkey_module() {
	unload_ecryptfs
	case $1 in
	ours) insmod "$ECRYPTFS_MODULE" ecryptfs_message_wait_timeout=30 ;;
	reference) modprobe --ignore-install ecryptfs ecryptfs_message_wait_timeout=30 ;;
	*) fail "load_pubkey_module: unknown module '$1'" ;;
	esac || fail "cannot load the $1 module"
	[ "$(which_ecryptfs)" = "$1" ] || fail "the $1 module did not load"
	[ -c /dev/ecryptfs ] || fail "the $1 module offers no /dev/ecryptfs"
}

# start_ecryptfsd [ARGS...]: our daemon for uid 0, ready when its socket is.
start_ecryptfsd() {
	"$B/ecryptfsd" -f "$@" >>"$DLOG" 2>&1 &
	DPID=$!
	local i
	for i in $(seq 100); do
		grep -q '@ecryptfsd\.0$' /proc/net/unix && return 0
		kill -0 $DPID 2>/dev/null || break
		sleep 0.1
	done
	cat "$DLOG" >&2
	fail "ecryptfsd did not start"
}
stop_ecryptfsd() {
	[ -n "$DPID" ] || return 0
	kill $DPID 2>/dev/null || true
	wait $DPID 2>/dev/null || true
	DPID=
	local i
	for i in $(seq 50); do
		grep -q '@ecryptfsd\.0$' /proc/net/unix || return 0
		sleep 0.1
	done
	fail "ecryptfsd did not stop"
}

# manager TRANSCRIPT ANSWER...: ecryptfs-manager under a pty; its status.
manager() {
	local tr=$1 st=0
	shift
	printf '%s\n' "$@" >/tmp/answers
	python3 "$PTY" /tmp/answers "$tr" -- "$B/ecryptfs-manager" >/dev/null 2>&1 || st=$?
	rm -f /tmp/answers
	return $st
}
# The signature the manager reported as added.
added_sig() { sed -n 's/^Added key to keyring with signature \[\([0-9a-f]\{16\}\)\]\.$/\1/p' "$1"; }

pmount() { mount -i -t ecryptfs "$1" "$2" -o "ecryptfs_sig=$3,$OPTS" || fail "mount with sig $3"; }
drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }

# write_files UPPER: files of several sizes, kept in /tmp/data.N
write_files() {
	local n
	for n in 0 1 4096 70000; do
		[ -f /tmp/data.$n ] || head -c $n /dev/urandom >/tmp/data.$n
		cp /tmp/data.$n "$1/f$n" || fail "write f$n"
	done
}
# read_files UPPER: every file reads back
read_files() {
	local n
	for n in 0 1 4096 70000; do
		cmp /tmp/data.$n "$1/f$n" || fail "read back f$n; daemon log: $(tail -n 3 "$DLOG")"
	done
}
# The first key packet of a lower file (header in the file): 01 = tag 1.
first_packet() { od -An -tx1 -j26 -N1 "$1" | tr -d ' '; }

# seconds_since START: elapsed seconds (integer)
seconds_since() { echo $(( ${EPOCHSECONDS} - $1 )); }

# expect_open_fails WHAT FILE: reading FILE fails (EIO), quickly.
expect_open_fails() {
	local t0=$EPOCHSECONDS out
	if out=$(timeout 60 cat "$2" 2>&1 >/dev/null); then
		fail "$1: reading $2 succeeded"
	fi
	case "$out" in
	*"Input/output error"*|*"Permission denied"*|*"No such"*|*"Operation not permitted"*) ;;
	*) fail "$1: unexpected error: $out" ;;
	esac
	[ "$(seconds_since $t0)" -lt 40 ] || fail "$1: took $(seconds_since $t0) s"
	log "$1: failed as expected after $(seconds_since $t0) s: $out"
}
