#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/kernel-log-check judges every VM test's kernel log: a report it
# fails to see, or wrongly calls the reference module's, hides a defect of
# ours.  Each case is a made-up kernel log and the verdict it must get.
set -euo pipefail
# expect runs at the end of a pipeline: in this shell, so that nfail counts.
shopt -s lastpipe

check=$(cd "$(dirname "$0")/../.." && pwd)/scripts/kernel-log-check
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nfail=0

# expect NAME STATUS NREF < LOG: the check exits STATUS and writes NREF
# reports to its --reference file.
expect() {
	local name=$1 want=$2 wantref=$3 rc=0 nref
	: > "$tmp/ref"
	"$check" --reference "$tmp/ref" > "$tmp/out" 2> "$tmp/err" || rc=$?
	nref=$(grep -c '^\[ *[0-9.]*\] *\(BUG\|WARNING\|general\|Oops\)' "$tmp/ref" || true)
	if [ "$rc" != "$want" ] || [ "$nref" != "$wantref" ]; then
		echo "FAIL: $name: status $rc (want $want), reference reports $nref (want $wantref)"
		sed 's/^/  out: /' "$tmp/out"
		sed 's/^/  err: /' "$tmp/err"
		nfail=$((nfail + 1))
	else
		echo "ok: $name"
	fi
}

mark() { echo "[   $1] ecryptfs-test: reference module $2"; }

# A "sleeping function called from invalid context" report whose trace
# names FUNC [MOD] (MOD empty: a function of the kernel itself).
sleep_bug() {
	local func=$1 mod=${2:-}
	cat <<EOT
[   10.000001] BUG: sleeping function called from invalid context at kernel/locking/rwsem.c:1520
[   10.000002] in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 301, name: cat
[   10.000003] CPU: 0 PID: 301 Comm: cat Tainted: G           O       6.1.192-ecdebug #1
[   10.000004] Call Trace:
[   10.000005]  <TASK>
[   10.000006]  dump_stack_lvl+0x45/0x5e
[   10.000007]  down_read+0x1c/0x90
[   10.000008]  $func+0x5d/0x190 $mod
[   10.000009]  vfs_read+0xa1/0x2c0
[   10.000010]  </TASK>
EOT
}

# A WARNING with the module list: ours is out of tree, "ecryptfs(O)".
warning() {
	local modlist=$1 func=$2
	cat <<EOT
[   20.000001] ------------[ cut here ]------------
[   20.000002] WARNING: CPU: 0 PID: 402 at fs/read_write.c:504 __kernel_write_iter+0x1b8/0x240
[   20.000003] Modules linked in: $modlist 9p netfs
[   20.000004] CPU: 0 PID: 402 Comm: cat Tainted: G           O       6.1.0-57-amd64 #1
[   20.000005] RIP: 0010:__kernel_write_iter+0x1b8/0x240
[   20.000006] Call Trace:
[   20.000007]  <TASK>
[   20.000008]  $func+0x2a/0x80 [ecryptfs]
[   20.000009]  </TASK>
[   20.000010] ---[ end trace 0000000000000000 ]---
EOT
}

quiet() { echo "[    1.000000] Linux version 6.1.0-57-amd64"; echo "[    2.000000] random: crng init done"; }

quiet | expect "a clean log" 0 0

{ quiet; mark 5 in; quiet; mark 6 out; } | expect "markers alone" 0 0

sleep_bug ecryptfs_read_xattr_region '[ecryptfs]' |
	expect "a report of [ecryptfs] with no reference loaded" 1 0

{ mark 5 in; sleep_bug ecryptfs_read_xattr_region '[ecryptfs]'; mark 30 out; } |
	expect "the reference's report, between the marks" 0 1

{ mark 5 in; sleep_bug ext4_file_read_iter; mark 30 out; } |
	expect "a report between the marks that does not name [ecryptfs]" 1 0

{ mark 5 in; mark 6 out; sleep_bug ecryptfs_read_xattr_region '[ecryptfs]'; } |
	expect "a report of [ecryptfs] after the reference went out" 1 0

{ mark 5 in; warning 'ecryptfs(O) dm_flakey' ecryptfs_write_header; mark 30 out; } |
	expect "a report between the marks whose module list shows ours (out of tree)" 1 0

{ mark 5 in; warning 'ecryptfs dm_flakey' ecryptfs_write_metadata; mark 30 out; } |
	expect "a WARNING of the in-tree ecryptfs between the marks" 0 1

{ mark 5 in; sleep_bug ecryptfs_read_xattr_region '[ecryptfs]';
  sleep_bug ecryptfs_xattr_foo; mark 30 out; } |
	expect "two reports between the marks, one not the reference's" 1 1

{ echo "[    3.000000] ============================================================================="
  echo "[    3.000001] BUG kmalloc-64 (Tainted: G           O      ): Poison overwritten"
  echo "[    3.000002] -----------------------------------------------------------------------------"; } |
	expect "a slub_debug report" 1 0

{ echo "[    4.000000] =================================================================="
  echo "[    4.000001] BUG: KASAN: slab-use-after-free in ecryptfs_lookup+0x1f/0x300 [ecryptfs]"; } |
	expect "a KASAN report" 1 0

echo "[    5.000000] INFO: task cat:301 blocked for more than 120 seconds." |
	expect "a hung task" 1 0

echo "[    6.000000] WARNING: possible circular locking dependency detected" |
	expect "lockdep" 1 0

[ "$("$check" --pattern)" != "" ] || { echo "FAIL: --pattern printed nothing"; nfail=$((nfail + 1)); }

if [ $nfail -gt 0 ]; then
	echo "FAIL: $nfail case(s) of scripts/kernel-log-check"
	exit 1
fi
echo "PASS: scripts/kernel-log-check"
