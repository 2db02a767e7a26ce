#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Public-key mode, kernel side, with tests/vm/fake-ecryptfsd.py as the
# daemon: a PRIVATE_KEY auth token mounts; files are written and read back
# through the daemon; the lower header carries a tag 1 packet with the
# token's key id; remount reads; passphrase + public key files carry both
# packets in option order and open with either key; no daemon, a silent
# daemon, a daemon that dies mid-request, failure replies and bad
# checksums give EIO without a hang; /sys/fs/ecryptfs/version is 375; and
# ours and the reference module read each other's files through the same
# daemon, sending byte-identical requests.
. "$(dirname "$0")/lib.sh"

FAKE="/usr/bin/python3 $ECRYPTFS_SRC/tests/vm/fake-ecryptfsd.py"
PUB=0badc0ffee123456
OPTS="ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
L=/mnt/pk/lower U=/mnt/pk/upper
DPID=

start_daemon() {	# MODE [LOG]
	$FAKE serve "$@" >/tmp/fake.out 2>&1 &
	DPID=$!
	local i
	for i in $(seq 50); do
		grep -q serving /tmp/fake.out 2>/dev/null && return 0
		kill -0 $DPID 2>/dev/null || break
		sleep 0.1
	done
	cat /tmp/fake.out >&2
	fail "fake daemon ($1) did not start"
}
stop_daemon() {
	[ -n "$DPID" ] || return 0
	kill $DPID 2>/dev/null || true
	wait $DPID 2>/dev/null || true
	DPID=
}
pmount() {	# SIGS... (mount-option order); OPTS: cipher options
	local o="" s
	for s in "$@"; do o="${o}ecryptfs_sig=$s,"; done
	mount -i -t ecryptfs $L $U -o "${o}$OPTS" || fail "mount with $*"
}
remount() { umnt $U; pmount "$@"; }
now() { echo "$EPOCHREALTIME"; }
# elapsed_lt START MAX / elapsed_ge START MIN: seconds since START
elapsed_lt() { local e=$EPOCHREALTIME; awk -v a="$1" -v b="$e" -v m="$2" 'BEGIN { exit !(b - a < m) }'; }
elapsed_ge() { local e=$EPOCHREALTIME; awk -v a="$1" -v b="$e" -v m="$2" 'BEGIN { exit !(b - a >= m) }'; }
# expect_eio WHAT CMD...: CMD fails with "Input/output error"
expect_eio() {
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then
		fail "$what succeeded"
	fi
	case "$out" in
	*"Input/output error"*) ;;
	*) fail "$what: expected EIO, got: $out" ;;
	esac
}
drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }

load_module ours
expect "version" 375 "$(cat /sys/fs/ecryptfs/version)"
[ -c /dev/ecryptfs ] || fail "/dev/ecryptfs is not a character device"

mkdir -p /mnt/pk && mount -t tmpfs tmpfs /mnt/pk || fail "tmpfs"
mkdir -p $L $U
$FAKE token $PUB | keyctl padd user $PUB @u >/dev/null || fail "keyctl padd"
PASS=$(add_passphrase_key secretpass)

# --- write / read / header / remount (ours)
log "ours: write and read through the daemon"
start_daemon good /tmp/req-ours.log
pmount $PUB
for n in 0 1 4096 70000; do
	head -c $n /dev/urandom >/tmp/data.$n
	cp /tmp/data.$n $U/f$n || fail "write f$n"
	cmp /tmp/data.$n $U/f$n || fail "read back f$n"
	expect "packets of f$n" "1 $PUB 7 16" "$($FAKE packets $L/f$n)"
done
first=$(head -n1 /tmp/req-ours.log)
case "$first" in
"42 $PUB "*) ;;
*) fail "first request was not a tag 66 for $PUB: $first" ;;
esac
# Other ciphers: the reader takes cipher and key size from the tag 65
# reply, not from its mount options.
for c in "aes 32 9" "blowfish 16 4"; do
	set -- $c
	umnt $U
	OPTS="ecryptfs_cipher=$1,ecryptfs_key_bytes=$2" pmount $PUB
	cp /tmp/data.4096 $U/c$1 || fail "write with $1-$2"
	expect "packets of c$1" "1 $PUB $3 $2" "$($FAKE packets $L/c$1)"
done
remount $PUB
drop
for n in 0 1 4096 70000; do
	cmp /tmp/data.$n $U/f$n || fail "after remount f$n"
done
cmp /tmp/data.4096 $U/caes || fail "AES-256 file through an AES-128 mount"
cmp /tmp/data.4096 $U/cblowfish || fail "blowfish file through an AES-128 mount"
grep -q "^40 $PUB " /tmp/req-ours.log || fail "no tag 64 request after remount"

# --- passphrase + public key: both packets in option order
log "two keys: packets in option order"
remount $PASS $PUB
echo both1 >$U/both1 || fail "write both1"
expect "packets of both1" "3 $PASS 7 16 1 $PUB 7 16" "$($FAKE packets $L/both1)"
remount $PUB $PASS
echo both2 >$U/both2 || fail "write both2"
expect "packets of both2" "1 $PUB 7 16 3 $PASS 7 16" "$($FAKE packets $L/both2)"
stop_daemon
# Without a daemon the passphrase packet still opens both files.
remount $PASS
expect "both1 by passphrase" both1 "$(cat $U/both1)"
expect "both2 by passphrase" both2 "$(cat $U/both2)"
# Without the passphrase key only the daemon can open them.
keyctl unlink "$(keyctl search @u user $PASS)" @u >/dev/null || fail "unlink $PASS"
start_daemon good
remount $PUB
expect "both1 by public key" both1 "$(cat $U/both1)"
expect "both2 by public key" both2 "$(cat $U/both2)"
stop_daemon

# --- no daemon, silent daemon, dying daemon, bad replies
log "failures: EIO without a hang"
remount $PUB
drop
t=$(now)
expect_eio "read without daemon" cat $U/f4096
elapsed_lt "$t" 2 || fail "no daemon: read took too long"
t=$(now)
# The reference fails a create without a daemon with ENOTCONN (not EIO).
out=$(touch $U/nodaemon 2>&1) && fail "create without daemon succeeded"
case "$out" in
*"Transport endpoint is not connected"*) ;;
*) fail "create without daemon: expected ENOTCONN, got: $out" ;;
esac
elapsed_lt "$t" 2 || fail "no daemon: create took too long"
[ ! -e $L/nodaemon ] || fail "a failed create left a lower file"
dmesg | grep -q "no ecryptfsd registered" || fail "no log line for the missing daemon"

start_daemon silent
remount $PUB
t=$(now)
expect_eio "read with a silent daemon" cat $U/f1
elapsed_ge "$t" 2.5 || fail "silent daemon: EIO before the 3 s timeout"
elapsed_lt "$t" 8 || fail "silent daemon: no EIO within the timeout"
stop_daemon

start_daemon die
remount $PUB
t=$(now)
expect_eio "read while the daemon dies" cat $U/f1
elapsed_lt "$t" 2.5 || fail "dying daemon: the opener waited for the timeout"
stop_daemon

for mode in fail badsum; do
	start_daemon $mode
	remount $PUB
	expect_eio "read with a '$mode' daemon" cat $U/f1
	[ $mode = fail ] && expect_eio "create with a '$mode' daemon" touch $U/failed
	stop_daemon
done
# The kernel stays healthy: a good daemon works again.
start_daemon good
remount $PUB
cmp /tmp/data.70000 $U/f70000 || fail "read after the failures"
stop_daemon
umnt $U

# --- interop: ours <-> reference through the same daemon
log "interop: ours writes, the reference reads"
load_module reference
start_daemon good /tmp/req-ref.log
pmount $PUB
for n in 0 1 4096 70000; do
	cmp /tmp/data.$n $U/f$n || fail "reference reading our f$n"
done
cmp /tmp/data.4096 $U/caes || fail "reference reading our AES-256 file"
cmp /tmp/data.4096 $U/cblowfish || fail "reference reading our blowfish file"
head -c 50000 /dev/urandom >/tmp/data.ref
cp /tmp/data.ref $U/ref || fail "reference write"
expect "packets of the reference's file" "1 $PUB 7 16" "$($FAKE packets $L/ref)"
stop_daemon
umnt $U

log "interop: the reference writes, ours reads"
load_module ours
start_daemon good /tmp/req-ours2.log
pmount $PUB
cmp /tmp/data.ref $U/ref || fail "ours reading the reference's file"
stop_daemon
umnt $U

# The same operation sends the same bytes (counter 1, index 0 after a
# fresh load): first request of each module (ours: a read of 'ref', the
# reference: a read of f0).
a=$(head -n1 /tmp/req-ref.log | cut -d' ' -f1,2,5)
b=$(head -n1 /tmp/req-ours2.log | cut -d' ' -f1,2,5)
case "$a" in 40\ *) ;; *) fail "the reference's first request is not a tag 64: $a" ;; esac
expect "request bytes, ours vs reference" "$a" "$b"
# Tag 66 (create): same bytes but the counter (packet bytes 1..4).
shape66() { grep "^42 " "$1" | head -n1 | cut -d' ' -f5 | sed 's/^\(..\)......../\1/'; }
a=$(shape66 /tmp/req-ref.log)
[ -n "$a" ] || fail "the reference sent no tag 66"
expect "tag 66 request bytes, ours vs reference" "$a" "$(shape66 /tmp/req-ours.log)"
echo "first tag 64 request (both modules): $b"
echo "first tag 66 request (both modules, counter removed): $a"

# Kept for inspection (the request shapes of both modules).
cp /tmp/req-*.log "${ECRYPTFS_OUT:-/tmp}/" 2>/dev/null || true
check_dmesg
echo "PASS: pubkey-kernel on $(uname -r)"
