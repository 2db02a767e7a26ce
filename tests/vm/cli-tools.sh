#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vm-kernels: 6.1
#
# Issue 19: every tool answers --help, --version, an unknown option and no
# arguments at all the same way, on a pseudo-terminal and without one, and
# nothing waits on a terminal without a prompt (tests/cli/check-tools.py).
# Here in the throwaway guest, as root with our module loaded, because
# without arguments the tools act for real (set up ~/Private, mount, start
# ecryptfsd); the host runs the harmless part as unit.cli_tools.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"

B=$ECRYPTFS_BUILD/bin
[ -s "$ECRYPTFS_BUILD/tools.list" ] || fail "no $ECRYPTFS_BUILD/tools.list (configure the build)"
mapfile -t tools <"$ECRYPTFS_BUILD/tools.list"
[ "${#tools[@]}" -ge 20 ] || fail "only ${#tools[@]} tools listed"
cd /tmp
HOME=/root python3 "$ECRYPTFS_SRC/tests/cli/check-tools.py" --no-args \
	"$ECRYPTFS_SRC/VERSION" "$B" "${tools[@]}" || fail "a tool misbehaved (above)"
# ecryptfsd without arguments started as a daemon: stop that one.
for exe in /proc/[0-9]*/exe; do
	[ "$(readlink "$exe" 2>/dev/null)" = "$B/ecryptfsd" ] || continue
	pid=${exe#/proc/}; pid=${pid%/exe}
	kill "$pid" && log "stopped the ecryptfsd started without arguments ($pid)"
done
sleep 1
unload_ecryptfs
check_dmesg
echo "PASS: cli-tools on $ECRYPTFS_KVER"
