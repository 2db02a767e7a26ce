#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vm-options: --disk 2200
#
# Our module reads from the lower disk only what it is asked for, measured
# from the lower device's I/O counters and page cache:
# - a plain ls of 100,000 files (10,000 on the debug kernel) reads no lower
#   file (only the directory);
# - ls -l and find of that directory finish, and unmount right after a
#   listing returns within seconds;
# - reads of a few small files in a directory of large files read nothing
#   of the large files beyond what looking them up reads.
. "$(dirname "$0")/lib.sh"

L=/tmp/lower U=/tmp/upper
lower_fs $L ext4
[ -b /dev/vda ] || fail "no /dev/vda: run with --disk"
mkdir -p $U
sig=$(add_passphrase_key bounded-pass)
load_ours
nfiles=100000
# The debug kernel took 50 minutes to create 100,000 files: a tenth there.
on_debug_kernel && nfiles=10000

cold() { sync; echo 3 > /proc/sys/vm/drop_caches; }
# Sectors read from the lower disk so far.
sectors_read() { awk '{ print $3 }' /sys/block/vda/stat; }

log "$nfiles files of one directory"
mount_ecryptfs $L $U "$sig"
mkdir $U/many || fail "mkdir many"
head -c 100 /dev/urandom > $U/many/template || fail "write the template"
umnt $U
# Every lower file a copy of one real encrypted 100-byte file (its header
# and one extent): made on the lower directly, which is much faster.
python3 - "$L/many" "$nfiles" <<'EOF' || fail "creating $nfiles files"
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
data = open(os.path.join(d, "template"), "rb").read()
for i in range(n - 1):
    fd = os.open(os.path.join(d, "f%06d" % i), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.write(fd, data)
    os.close(fd)
EOF
mount_ecryptfs $L $U "$sig"

log "plain ls: no lower file is read"
cold
before=$(sectors_read)
n=$(ls $U/many | wc -l)
sleep 2
read_kib=$((($(sectors_read) - before) / 2))
expect "names listed" $nfiles "$n"
log "plain ls read $read_kib KiB"
# The directory itself is a few MiB; the first page of every file would
# be 400 MiB.
[ $read_kib -lt 20480 ] || fail "plain ls of $nfiles files read $read_kib KiB from the lower disk"

log "ls -l and find finish; sizes right"
cold
start=$SECONDS
timeout 600 ls -l $U/many > /tmp/many.ls || fail "ls -l of $nfiles files"
log "ls -l took $((SECONDS - start)) s"
bad=$(awk '$NF ~ /^(f[0-9]+|template)$/ { n++; if ($5 != 100) { print $NF " " $5; exit } }
	END { if (n != '$nfiles') print "only " n " files listed" }' /tmp/many.ls)
[ -z "$bad" ] || fail "ls -l: $bad"
expect "entries found" $((nfiles + 1)) "$(timeout 600 find $U/many | wc -l)"

log "unmount right after a listing returns within seconds"
umnt $U
cold
mount_ecryptfs $L $U "$sig"
ls $U/many > /dev/null
start=$SECONDS
timeout 30 umount -i $U || fail "unmount right after a listing took more than 30 s"
log "unmount took $((SECONDS - start)) s"

log "small reads among large files read nothing of the large files"
mount_ecryptfs $L $U "$sig"
mkdir $U/mixed || fail "mkdir mixed"
for i in $(seq 1 8); do head -c 5000 /dev/urandom > $U/mixed/small$i || fail "write small$i"; done
umnt $U
# 200 lower files of 1 GiB (sparse, no eCryptfs files: nothing of theirs
# needs reading but the start that a lookup probes).
for i in $(seq 1 200); do truncate -s 1G $L/mixed/large$i; done
mount_ecryptfs $L $U "$sig"
cold
ls -l $U/mixed > /dev/null || fail "ls -l mixed"
for i in $(seq 1 8); do cat $U/mixed/small$i > /dev/null || fail "read small$i"; done
sleep 2
pages=$(fincore --noheadings --raw --output PAGES $L/mixed/large* | awk '{ s += $1 } END { print s + 0 }')
log "pages of the large lower files in memory: $pages"
# A lookup reads at most the first 4 pages of a lower file (as the lower
# file system's first readahead of the reference's header read does).
[ "$pages" -le $((200 * 4)) ] ||
	fail "reads of 8 small files brought $pages pages of 200 large lower files into memory"
umnt $U
check_dmesg
log "PASS"
