#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Issue 17, attack 2: ecryptfs-migrate-home (run by root) against a user who
# left a process running, with its working directory outside the home and
# no file open in it (lsof +D of the home does not see it).  The process
# waits until /home/.ecryptfs/USER/.Private is the user's, then swaps it for
# a symlink to /etc: root then mounted /etc as the lower directory and
# chowned its mount root, giving /etc to the user.  Now the migration
# refuses while any process of the user runs, the directories root works
# on stay root's until the end and are used through descriptors.  Also: a
# migration that fails after adding the mount keys to root's keyring
# removes them (a name too long for an encrypted file name makes rsync
# fail).  Kernel module: $ECRYPTFS_TEST_MODULE.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"
. "$ECRYPTFS_SRC/tests/vm/lib-private.sh"

private_init
B=$PRIVATE_BIN
add_user mallory mallorypw
H=/home/mallory
echo hello >$H/file
chown mallory:mallory $H/file
etc_owner=$(stat -c %U /etc)
keyctl clear @u
root_user_keys() {
	for k in $(keyctl rlist @u 2>/dev/null); do keyctl rdescribe $k 2>/dev/null; done |
		awk -F';' '$1 == "user" && length($5) == 16 && $5 ~ /^[0-9a-f]+$/ { print $5 }'
}
# The check can fail: a key of that shape is seen.
keyctl add user 0123456789abcdef x @u >/dev/null || fail "keyctl add"
[ "$(root_user_keys)" = 0123456789abcdef ] || fail "root_user_keys does not see a key"
keyctl clear @u

# 1. The racer, as mallory, cwd /, nothing open in the home.
rm -f /tmp/racer.swapped
as_user mallory python3 -c '
import os, time
base = "/home/.ecryptfs/mallory"
os.chdir("/")
print("ready", os.getpid(), flush=True)
while True:
    try:
        p = base + "/.Private"
        st = os.lstat(p)
        if st.st_uid == os.getuid() and not os.path.islink(p):
            os.rename(p, base + "/.Private.real")
            os.symlink("/etc", p)
            open("/tmp/racer.swapped", "w").write("swapped\n")
            break
    except OSError:
        pass
    time.sleep(0.0005)
time.sleep(3600)
' >/tmp/racer.out 2>&1 &
RACER=$!
for i in $(seq 100); do grep -q ready /tmp/racer.out && break; sleep 0.1; done
grep -q ready /tmp/racer.out || fail "the racer did not start"
RPID=$(awk '/^ready/ { print $2 }' /tmp/racer.out)
rc=0
out=$(printf 'mallorypw\n' | $B/ecryptfs-migrate-home -u mallory 2>&1) || rc=$?
kill $RPID $RACER 2>/dev/null || true
wait $RACER 2>/dev/null || true
awk '$3 == "ecryptfs" && $2 ~ /^\/home\/\.ecryptfs\// { print $2 }' /proc/mounts | while read -r m; do umount -l "$m"; done
[ "$(stat -c %U /etc)" = "$etc_owner" ] || fail "migrate-home gave /etc to $(stat -c %U /etc) (racer: $(cat /tmp/racer.swapped 2>/dev/null))"
ls /etc | grep -q '^ECRYPTFS_FNEK_ENCRYPTED' && fail "migrate-home wrote encrypted files into /etc"
[ -e /tmp/racer.swapped ] && fail "the racer could swap .Private (migration status $rc)"
[ $rc != 0 ] || fail "migrated while mallory still ran a process"
echo "$out" | grep -q "mallory still has running processes" || { echo "$out"; fail "no clear refusal naming the running process"; }
echo "$out" | grep -q "pid $RPID (python3)" || { echo "$out"; fail "the refusal does not list the process"; }
[ "$(cat $H/file)" = hello ] && [ ! -e /home/.ecryptfs/mallory/.Private ] || fail "a refused migration changed something"
[ -z "$(root_user_keys)" ] || fail "keys left in root's keyring: $(root_user_keys)"
log "a process of mallory's outside her home: migration refused ($rc), /etc untouched"

# 2. A failure after the keys were added (rsync cannot copy a 200-byte name
#    into encrypted names): the keys leave root's keyring, nothing stays mounted.
long=$(printf 'n%.0s' $(seq 200))
as_user mallory sh -c "echo x > $H/$long" || fail "cannot make the long name"
rc=0
out=$(printf 'mallorypw\n' | $B/ecryptfs-migrate-home -u mallory 2>&1) || rc=$?
[ $rc != 0 ] || { echo "$out"; fail "migration with an uncopyable name succeeded"; }
echo "$out" | grep -q "Copying the files failed" || { echo "$out"; fail "failed elsewhere than in the copy"; }
[ -z "$(root_user_keys)" ] || fail "a failed migration left its keys in root's keyring: $(root_user_keys)"
awk '$3 == "ecryptfs" { f = 1 } END { exit f }' /proc/mounts || fail "an ecryptfs mount was left behind"
[ "$(cat $H/file)" = hello ] || fail "the failed migration changed the home"
log "failed after adding the keys ($rc): keys removed, nothing mounted, home unchanged"
check_dmesg
echo "PASS: migrate-race with the $ECRYPTFS_TEST_MODULE kernel module on $ECRYPTFS_KVER"
