#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vm-options: --append slub_debug=FZPU
#
# Our module under concurrent use, on a kernel that poisons and checks
# every freed object (slub_debug=FZPU): writers, closers, fsyncs,
# truncates, readers, mmap writers and unlinks on the same few files, with
# sync(2), syncfs(2) and unmount attempts in between, and a second mount
# created, written and unmounted in a tight loop.  Nothing may be reported
# by the kernel, every file must read back afterwards, and sync(2) must
# return within seconds while files are being created without pause.
. "$(dirname "$0")/lib.sh"

L=/tmp/lower U=/tmp/upper
lower_fs $L ext4
mkdir -p $U /tmp/l2 /tmp/u2
sig=$(add_passphrase_key races-pass)
load_ours
mount_ecryptfs $L $U "$sig"
mkdir $U/d || fail "mkdir d"
dur=45
[ -n "${ECRYPTFS_SOAK:-}" ] && dur=300

# The kernel log, slub_debug's reports included (scripts/kernel-log-check).
check_slub() { check_dmesg; }

log "workers on the same 8 files for $dur s, with sync and unmount attempts"
python3 - "$U/d" "$dur" <<'EOF' &
import errno, mmap, os, random, sys, time
d, dur = sys.argv[1], float(sys.argv[2])
end = time.time() + dur
def work(seed):
    r = random.Random(seed)
    ok = (errno.ENOENT, errno.EBUSY)
    while time.time() < end:
        p = os.path.join(d, "f%d" % r.randrange(8))
        op = r.randrange(7)
        try:
            if op == 0:
                fd = os.open(p, os.O_WRONLY | os.O_CREAT, 0o644)
                os.pwrite(fd, os.urandom(r.randrange(1, 300000)), r.randrange(0, 400000))
                os.close(fd)
            elif op == 1:
                fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                os.write(fd, os.urandom(r.randrange(1, 70000)))
                os.fsync(fd)
                os.close(fd)
            elif op == 2:
                os.truncate(p, r.randrange(0, 500000))
            elif op == 3:
                with open(p, "rb") as f:
                    while f.read(65536):
                        pass
            elif op == 4:
                os.unlink(p)
            elif op == 5:
                # A file of this worker's own: a page of a mapping
                # truncated by another process would be SIGBUS.
                fd = os.open(os.path.join(d, "m%d" % seed), os.O_RDWR | os.O_CREAT, 0o644)
                size = os.fstat(fd).st_size
                if size < 8192:
                    os.ftruncate(fd, 8192)
                    size = 8192
                m = mmap.mmap(fd, size)
                off = r.randrange(0, size - 100)
                m[off:off + 100] = os.urandom(100)
                m.flush()
                m.close()
                os.close(fd)
            else:
                fd = os.open(p, os.O_RDONLY)
                os.fsync(fd)
                os.close(fd)
        except OSError as e:
            if e.errno not in ok:
                print("worker: op %d on %s: %s" % (op, p, e), file=sys.stderr)
                os._exit(1)
        except Exception as e:
            print("worker: op %d on %s: %r" % (op, p, e), file=sys.stderr)
            os._exit(1)
    os._exit(0)
pids = []
for i in range(4):
    pid = os.fork()
    if pid == 0:
        work(i)
    pids.append(pid)
bad = 0
for pid in pids:
    _, st = os.waitpid(pid, 0)
    if st:
        print("worker %d ended with status %#x" % (pid, st), file=sys.stderr)
    bad |= st
sys.exit(1 if bad else 0)
EOF
workers=$!

# A second mount, created, written and unmounted in a tight loop.
(
	sig2=$sig
	end=$((SECONDS + dur))
	while [ $SECONDS -lt $end ]; do
		mount -i -t ecryptfs /tmp/l2 /tmp/u2 \
			-o "ecryptfs_sig=$sig2,ecryptfs_cipher=aes,ecryptfs_key_bytes=16" || exit 1
		for i in 1 2 3; do head -c $((i * 40000)) /dev/urandom > /tmp/u2/g$i || exit 1; done
		cat /tmp/u2/g* > /dev/null || exit 1
		umount -i /tmp/u2 || exit 1
	done
) &
mounter=$!

end=$((SECONDS + dur))
while [ $SECONDS -lt $end ]; do
	sync
	sync -f $U/d 2>/dev/null || true
	# Busy almost always; when it is not, mount again at once.
	if umount -i $U 2>/dev/null; then
		mount_ecryptfs $L $U "$sig"
		mkdir -p $U/d
	fi
	sleep 0.2
done
wait $workers || fail "a worker saw an unexpected error"
wait $mounter || fail "the mount/write/unmount loop failed"

log "every file reads back after a remount"
umnt $U
rmmod ecryptfs
load_ours
mount_ecryptfs $L $U "$sig"
for f in $U/d/*; do
	[ -e "$f" ] || continue
	cat "$f" > /dev/null || fail "cannot read $f after the races"
done
check_slub

log "sync(2) returns within seconds while files are created without pause"
python3 - "$U/d" 40 <<'EOF' &
import os, sys, time
d, dur = sys.argv[1], float(sys.argv[2])
end = time.time() + dur
i = 0
while time.time() < end:
    with open(os.path.join(d, "c%d" % i), "wb") as f:
        f.write(b"z" * 4096)
    i += 1
EOF
creator=$!
sleep 3
for how in sync syncfs; do
	start=$SECONDS
	if [ $how = sync ]; then
		timeout 30 sync || fail "sync(2) did not return within 30 s under creates"
	else
		timeout 30 sync -f $U/d || fail "syncfs(2) did not return within 30 s under creates"
	fi
	log "$how took $((SECONDS - start)) s"
done
kill $creator 2>/dev/null || true
wait $creator 2>/dev/null || true
umnt $U
check_slub
log "PASS"
