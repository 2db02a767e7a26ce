#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Trees written by the reference module and by ours are read without any
# eCryptfs module (both unloaded) through ecryptfs-extract and ecryptfs-fuse
# byte for byte, with the modes, times, types and sizes the module showed;
# ecryptfs-fsck --deep finds nothing wrong in them.  Every cipher and key
# size OpenSSL has, names encrypted or not, headers in the file or in the
# user.ecryptfs xattr.  Twofish and CAST6 trees (no OpenSSL implementation)
# must be refused with that reason, never decrypted to garbage.
# ECRYPTFS_OFFLINE_MODULES overrides "reference ours".
. "$(dirname "$0")/lib.sh"

B=$ECRYPTFS_BUILD/bin
for t in ecryptfs-extract ecryptfs-fsck ecryptfs-fuse; do
	[ -x $B/$t ] || fail "$B/$t missing: build the userland first (libfuse3-dev for ecryptfs-fuse)"
done
pass="offline interop pass"
base=/tmp/offline
lower_fs $base ext4
mkdir -p /tmp/offline-work
W=/tmp/offline-work
printf '%s\n' "$pass" > $W/pass
chmod 600 $W/pass

load_module reference
sigs=$(add_passphrase_key "$pass" --fnek)
fek=$(echo "$sigs" | sed -n 1p)
fnek=$(echo "$sigs" | sed -n 2p)
[ -n "$fek" ] && [ -n "$fnek" ] || fail "ecryptfs-add-passphrase --fnek printed '$sigs'"

. "$ECRYPTFS_SRC/tests/offline/lib-tree.sh"
make_plain_tree $W/plain fifo

configs=${ECRYPTFS_OFFLINE_CONFIGS:-"aes:16 aes:24:xattr aes:32:fnek blowfish:56:fnek blowfish:16:fnek:xattr des3_ede:24:fnek cast5:16:xattr aes:16:fnek:xattr"}
modules=${ECRYPTFS_OFFLINE_MODULES:-reference ours}

# 1. each module writes one tree per configuration (and a twofish one)
for m in $modules; do
	reload_module $m
	for cfg in $configs twofish:16:fnek; do
		IFS=: read -r c kb f1 f2 <<<"$cfg"
		opts="ecryptfs_cipher=$c,ecryptfs_key_bytes=$kb"
		for f in $f1 $f2; do
			case $f in
			fnek) opts="$opts,ecryptfs_fnek_sig=$fnek" ;;
			xattr) opts="$opts,ecryptfs_xattr_metadata" ;;
			esac
		done
		low=$base/$m-${cfg//:/-}
		mount_ecryptfs $low $W/up $fek "$opts"
		cp -a $W/plain/. $W/up/ || fail "$m $cfg: cannot copy the tree in"
		meta_list $W/up > $W/meta-$m-${cfg//:/-}
		umnt $W/up
	done
	log "$m wrote its trees (${SECONDS}s)"
done
unload_ecryptfs
[ "$(which_ecryptfs)" = none ] || fail "an ecryptfs module is still loaded"
grep -qw ecryptfs /proc/filesystems && fail "ecryptfs is still registered"

modprobe fuse 2>/dev/null || true
[ -c /dev/fuse ] || fail "no /dev/fuse in the guest (modprobe fuse failed)"

# 2. read every tree without the module
for m in $modules; do
	for cfg in $configs; do
		t=$m-${cfg//:/-}
		low=$base/$t
		out=$($B/ecryptfs-fsck --deep -k $low 2>&1) || fail "$t: fsck --deep: $out"
		rm -rf $W/out
		$B/ecryptfs-extract -q -k $low $W/out > $W/log 2>&1 || fail "$t: extract: $(cat $W/log)"
		diff -r --no-dereference -x fifo $W/plain $W/out || fail "$t: the extracted tree differs from the plaintext"
		diff $W/meta-$t <(meta_list $W/out) || fail "$t: the extracted tree's modes, times or sizes differ from the module's view"
		mkdir -p $W/fuse
		$B/ecryptfs-fuse -k $low $W/fuse || fail "$t: ecryptfs-fuse failed"
		diff -r --no-dereference -x fifo $W/plain $W/fuse || { fusermount3 -u $W/fuse; fail "$t: the FUSE view differs from the plaintext"; }
		diff $W/meta-$t <(meta_list $W/fuse) ||
			{ fusermount3 -u $W/fuse; fail "$t: the FUSE view's modes, times or sizes differ from the module's"; }
		fusermount3 -u $W/fuse || fail "$t: fusermount3 -u failed"
		log "$t: fsck clean, extract and FUSE byte-exact (${SECONDS}s)"
	done
done

# 3. the key from the passphrase itself (derivation offline) on one tree
rm -rf $W/out
$B/ecryptfs-extract -q --passphrase-file $W/pass $base/reference-aes-32-fnek $W/out > $W/log 2>&1 ||
	fail "extract with --passphrase-file: $(cat $W/log)"
diff -r --no-dereference -x fifo $W/plain $W/out || fail "--passphrase-file: the tree differs"

# 4. twofish: refused with the reason, not decrypted
for m in $modules; do
	low=$base/$m-twofish-16-fnek
	out=$($B/ecryptfs-fsck -k $low 2>&1) && fail "$m twofish: fsck found nothing wrong"
	grep -q 'size-4096 (size-4096): cannot decrypt: the file cipher twofish has no implementation here' <<<"$out" ||
		grep -q ': cannot decrypt: the file cipher twofish has no implementation here' <<<"$out" ||
		fail "$m twofish: fsck does not name the missing cipher: $out"
done
check_dmesg
echo "PASS: offline interop ($modules; $configs) on $ECRYPTFS_KVER in ${SECONDS}s"
