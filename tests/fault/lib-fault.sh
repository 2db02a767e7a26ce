# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers of the fault-injection tests (source after tests/vm/lib.sh).

FAULT_DIR=$ECRYPTFS_SRC/tests/fault

# fault_setup DIR TMPFS_SIZE PASSPHRASE: a tmpfs on DIR with DIR/lower and
# DIR/upper ($L, $U), the loop driver, the key ($sig) and the summary file
# ($summary, appended to).
fault_setup() {
	mkdir -p "$1"
	mount -t tmpfs -o size="$2" tmpfs "$1" || fail "tmpfs on $1"
	L=$1/lower U=$1/upper
	mkdir -p $L $U
	modprobe loop 2>/dev/null || true
	sig=$(add_passphrase_key "$3")
	summary=${ECRYPTFS_OUT:-/tmp}/fault-summary.txt
	touch "$summary"
}

# lost_files DIR LOG...: how many files LOG (of writer.py) says were
# fsynced ("ok") read back through DIR with another hash; each is named
# on stderr.
lost_files() {
	local d=$1 lost=0 st name sum got
	shift
	while read -r st name sum; do
		[ "$st" = ok ] || continue
		got=$(sha256sum "$d/$name" 2>&1 | cut -d' ' -f1) || true
		if [ "$got" != "$sum" ]; then
			echo "  $d/$name: fsynced, reads back $got" >&2
			lost=$((lost + 1))
		fi
	done < <(cat "$@")
	echo $lost
}

# writer_errors LOG...: "where/ERRNO xN, ..." of the errors writer.py logged.
writer_errors() {
	cat "$@" | awk '$1 == "err" { print $3 "/" $4 }' | sort | uniq -c |
		awk '{ printf "%s%s x%d", s, $2, $1; s = ", " } END { if (!s) printf "none" }'
}
