#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# lint.sh MANDIR TOOL...: every page of MANDIR lints clean with mandoc
# (style messages included), every TOOL has a page, and every page has the
# sections a reader looks for.  A missing mandoc is a failure, never a skip.
set -u
dir=${1:?usage: lint.sh MANDIR TOOL...}
shift
command -v mandoc >/dev/null || { echo "FAIL: mandoc is not installed (scripts/deps)"; exit 1; }
fails=0 pages=0
for page in "$dir"/*.[1-8]; do
	pages=$((pages + 1))
	out=$(mandoc -Tlint -Wstyle "$page" 2>&1)
	if [ -n "$out" ]; then
		echo "FAIL: $out"
		fails=$((fails + 1))
	fi
	for s in NAME SYNOPSIS DESCRIPTION EXAMPLES "SEE ALSO"; do
		grep -q "^\.SH \"\?$s\"\?$" "$page" || { echo "FAIL: $page has no $s section"; fails=$((fails + 1)); }
	done
done
for tool in "$@"; do
	case $tool in umount.ecryptfs_private) page=mount.ecryptfs_private ;; *) page=$tool ;; esac
	if ! ls "$dir/$page".[1-8] >/dev/null 2>&1; then
		echo "FAIL: $tool has no manual page in $dir"
		fails=$((fails + 1))
	fi
done
echo "$pages pages, $# tools, $fails problems"
[ "$fails" -eq 0 ] && [ "$pages" -gt 0 ]
