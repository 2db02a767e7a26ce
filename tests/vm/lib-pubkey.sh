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
	load_module "$1" ecryptfs_message_wait_timeout=30
	[ -c /dev/ecryptfs ] || fail "the $1 module offers no /dev/ecryptfs"
}

# start_ecryptfsd [ARGS...]: our daemon for uid 0, ready when its socket is.
start_ecryptfsd() {
	"$B/ecryptfsd" -f "$@" >>"$DLOG" 2>&1 &
	DPID=$!
	wait_until "ecryptfsd did not start" grep -Eq ' /run(/user/0)?/ecryptfsd/socket$' /proc/net/unix
}
stop_ecryptfsd() {
	[ -n "$DPID" ] || return 0
	kill $DPID 2>/dev/null || true
	wait $DPID 2>/dev/null || true
	DPID=
	wait_until "ecryptfsd did not stop" bash -c "! grep -Eq ' /run(/user/0)?/ecryptfsd/socket$' /proc/net/unix"
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

# wait_until WHAT CMD...: CMD succeeds within 10 s, else fail.
wait_until() {
	local what=$1 i
	shift
	for i in $(seq 100); do
		"$@" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "$what"
}

# added_key_sig TRANSCRIPT SECRET: the sig ecryptfs-manager added; SECRET was
# neither echoed nor stored in the keyring payload.
added_key_sig() {
	local sig
	sig=$(added_sig "$1")
	[ -n "$sig" ] || fail "no key added: $(cat "$1")"
	grep -q -- "$2" "$1" && fail "secret echoed"
	keyctl pipe "$(keyctl search @u user "$sig")" | grep -qa -- "$2" && fail "secret in the keyring payload"
	echo "$sig"
}

# roundtrip LOWER UPPER SIG: write, read, a tag 1 packet in the header,
# read again after a remount with cold caches.
roundtrip() {
	pmount "$1" "$2" "$3"
	write_files "$2"
	read_files "$2"
	expect "first packet (tag 1)" 01 "$(first_packet "$1/f4096")"
	umnt "$2"
	pmount "$1" "$2" "$3"
	drop
	read_files "$2"
	umnt "$2"
}

# reads_back LOWER UPPER SIG: the files read back (daemon as it is now).
reads_back() {
	pmount "$1" "$2" "$3"
	read_files "$2"
	umnt "$2"
}

# open_fails WHAT LOWER UPPER SIG LOG_PATTERN: opening a file fails quickly
# and the daemon log says why.
open_fails() {
	pmount "$2" "$3" "$4"
	expect_open_fails "$1" "$3/f4096"
	umnt "$3"
	[ -z "$5" ] || grep -q -- "$5" "$DLOG" || fail "$1: daemon log lacks '$5': $(tail -n 5 "$DLOG")"
}

# restart_ecryptfsd [SECRET]: a fresh daemon; with SECRET, its prompt program
# answers it (the daemon asks when it holds no secret for a key).
restart_ecryptfsd() {
	stop_ecryptfsd
	if [ $# -gt 0 ]; then
		printf '#!/bin/sh\necho %s\n' "$1" >/tmp/prompt-prog && chmod 700 /tmp/prompt-prog
		start_ecryptfsd -R /tmp/prompt-prog
	else
		start_ecryptfsd
	fi
}

KOPTS="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"
# helper_mount_reads LOWER UPPER SIG KEYOPT SECRET: our mount.ecryptfs with
# -o KEYOPT mounts key SIG (SECRET stays out of /proc/mounts) and the files
# read back.
helper_mount_reads() {
	"$B/mount.ecryptfs" "$1" "$2" -o "$4,$KOPTS" </dev/null >/tmp/mount.out 2>&1 ||
		fail "mount $4 failed: $(cat /tmp/mount.out)"
	grep -q "ecryptfs_sig=$3" /proc/mounts || fail "$4 mounted another key: $(grep ecryptfs /proc/mounts)"
	grep -q -- "$5" /proc/mounts && fail "secret in /proc/mounts"
	read_files "$2"
	umnt "$2"
}
