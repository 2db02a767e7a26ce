#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# /dev/ecryptfs hardening (issue 9): every bad-message case is one check of
# tests/vm/pubkey-messages.py (malformed, truncated, oversized, count
# mismatch, unknown type, responses with a wrong counter, an index out of
# range, nothing pending, not yet read, after the timeout, duplicated, from
# another euid's daemon; a second daemon of the same euid; a read with a
# small buffer; bad tag 65/67 payloads; the daemon closing with requests
# pending), then the module parameters ecryptfs_message_buf_len and
# ecryptfs_message_wait_timeout, and unloading with a daemon open.  The
# kernel log must stay clean (scripts/vm also fails on BUG/Oops/WARNING).
. "$(dirname "$0")/lib.sh"

FAKE="/usr/bin/python3 $ECRYPTFS_SRC/tests/vm/fake-ecryptfsd.py"
MSGS="/usr/bin/python3 $ECRYPTFS_SRC/tests/vm/pubkey-messages.py"
PUB=0badc0ffee123456
L=/mnt/pm/lower U=/mnt/pm/upper

pmount() { mount -i -t ecryptfs $L $U -o "ecryptfs_sig=$PUB,ecryptfs_cipher=aes,ecryptfs_key_bytes=16" || fail "mount"; }

load_module ours
mkdir -p /mnt/pm && mount -t tmpfs tmpfs /mnt/pm || fail "tmpfs"
mkdir -p $L $U
$FAKE token $PUB | keyctl padd user $PUB @u >/dev/null || fail "keyctl padd"
pmount

# One file written through a good daemon, for the read cases.
$FAKE serve good >/tmp/fake.out 2>&1 &
dpid=$!
for i in $(seq 50); do grep -q serving /tmp/fake.out && break; sleep 0.1; done
echo seed >$U/seed || fail "write seed"
kill $dpid; wait $dpid || true

log "bad messages"
$MSGS $U || fail "pubkey-messages.py"

log "module parameters"
umnt $U
load_ours ecryptfs_message_buf_len=1 ecryptfs_message_wait_timeout=1
pmount
$MSGS $U pool || fail "pubkey-messages.py pool"
umnt $U

log "unload with a daemon open"
python3 -c 'import os, time; fd = os.open("/dev/ecryptfs", os.O_RDWR); print("open", flush=True); time.sleep(30)' >/tmp/holder.out &
hpid=$!
for i in $(seq 50); do grep -q open /tmp/holder.out && break; sleep 0.1; done
grep -q open /tmp/holder.out || fail "the holder did not open /dev/ecryptfs"
if rmmod ecryptfs 2>/dev/null; then
	fail "the module unloaded while /dev/ecryptfs was open"
fi
kill $hpid; wait $hpid || true
rmmod ecryptfs || fail "rmmod after the daemon closed"
echo "ok: unload refused while a daemon is open, fine after"

check_dmesg
echo "PASS: pubkey-messages on $(uname -r)"
