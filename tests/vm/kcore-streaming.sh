#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Our module: the streaming paths of docs/performance.md on an ext4 lower.
# Write-through: a file written sequentially reaches the lower file while
# it is still open (before close or fsync), and its contents, its size
# field and the reference module's view of it are unchanged.  Closing right
# after a large write loses nothing.  Direct
# streaming reads: a large file read cold comes back byte for byte while
# the lower page cache keeps (almost) none of it, also after a rewrite in
# the middle (dirty lower pages are written before the direct read) and
# for a file written by the reference module.
. "$(dirname "$0")/lib.sh"

L=/tmp/lower U=/tmp/upper
lower_fs $L ext4
mkdir -p $U
sig=$(add_passphrase_key streaming-pass)
load_module ours
mount_ecryptfs $L $U "$sig"

cold() { sync; echo 3 > /proc/sys/vm/drop_caches; }
# lower_of NAME: the lower file of upper file NAME (plain names here).
lower_of() { echo "$L/$1"; }

head -c $((6 * 1024 * 1024 + 777)) /dev/urandom > /tmp/src

log "write-through: the lower file grows while the file is open"
python3 - "$U/wb" "$(lower_of wb)" <<'EOF' || fail "writes did not reach the lower file before close"
import os, sys, time
up, low = sys.argv[1], sys.argv[2]
src = open('/tmp/src', 'rb').read()
fd = os.open(up, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
for i in range(0, 4 * 1024 * 1024, 65536):
    os.write(fd, src[i:i + 65536])
# No close, no fsync: the writes themselves reach the lower file.
deadline = time.time() + 30
grown = 0
while time.time() < deadline:
    grown = os.stat(low).st_size
    if grown >= 8192 + 2 * 1024 * 1024:
        break
    time.sleep(0.2)
print("lower size while open:", grown)
os.write(fd, src[4 * 1024 * 1024:])
os.close(fd)
sys.exit(0 if grown >= 8192 + 2 * 1024 * 1024 else 1)
EOF
cmp /tmp/src $U/wb || fail "contents after write-through"
expect "lower size after close" $((8192 + 6 * 1024 * 1024 + 4096)) "$(stat -c %s "$(lower_of wb)")"

log "close right after large writes, 8 times"
for i in 1 2 3 4 5 6 7 8; do
	head -c $((3 * 1024 * 1024 + i * 1000)) /tmp/src > $U/burst$i || fail "write burst$i"
done
cold
for i in 1 2 3 4 5 6 7 8; do
	head -c $((3 * 1024 * 1024 + i * 1000)) /tmp/src | cmp - $U/burst$i || fail "contents of burst$i"
done

log "cold streaming reads: right contents, lower page cache not filled"
cold
cmp /tmp/src $U/wb || fail "cold read of wb"
cached=$(fincore -nb -o RES "$(lower_of wb)" | tr -d ' ')
[ "$cached" -lt $((1024 * 1024)) ] ||
	fail "lower page cache holds $cached bytes of a 6 MiB file read cold (direct reads expected)"

log "a rewrite in the middle, then a cold read (dirty lower pages first)"
printf 'rewritten-in-the-middle' | dd of=$U/wb bs=1 seek=3000000 conv=notrunc status=none ||
	fail "rewrite"
printf 'rewritten-in-the-middle' | dd of=/tmp/src bs=1 seek=3000000 conv=notrunc status=none
# No sync: the close wrote the page to the lower page cache, where it is
# still dirty; dropping the clean caches leaves it there.
echo 1 > /proc/sys/vm/drop_caches
cmp /tmp/src $U/wb || fail "read after rewrite"

log "the reference module reads what we wrote, and the other way round"
umnt $U
load_module reference
mount_ecryptfs $L $U "$sig"
cmp /tmp/src $U/wb || fail "reference reads wb"
cp /tmp/src $U/byref || fail "reference writes byref"
umnt $U
load_module ours
cold
mount_ecryptfs $L $U "$sig"
cmp /tmp/src $U/byref || fail "ours reads byref (cold, direct)"
umnt $U
check_dmesg
log "PASS"
