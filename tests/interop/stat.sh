#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# ecryptfs-stat against the reference on lower-file headers built by hand
# (no kernel here): kernel.md 2.2's worked example, every flag, versions
# 0..4, extreme sizes, and damaged headers.  Not compared: a file of 20..25
# bytes, for which the reference reads the missing extent fields from
# uninitialised memory (ours reads them as zero: "Invalid header size: [0]").
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-compare.sh"
interop_init "$@"

mkdir seed
# hdr <name> <escaped bytes 0..25> [total size]: header + zero padding.
hdr() {
	printf "$2" >"seed/$1"
	head -c $((${3:-8192} - 26)) /dev/zero >>"seed/$1"
}
SIZE6='\x00\x00\x00\x00\x00\x00\x00\x06'
MARK='\xd3\x2e\x02\xc9\xef\xaf\xb5\x3c'
EXT2='\x00\x00\x10\x00\x00\x02'
# kernel.md 2.2, whole: header, tag 3 and tag 11 packets, 12288 bytes.
printf "$SIZE6$MARK"'\x03\x00\x00\x02'"$EXT2"'\x8c\x1d\x04\x07\x03\x01\x00\x11\x22\x33\x44\x55\x66\x77\x60\x13\x33\x62\x79\xe9\x64\x98\xd0\x4b\x39\x0c\xe6\xd3\x9b\x2d\x8d\xed\x16\x62\x08_CONSOLE\x00\x00\x00\x00\x81\xa0\xcb\x44\x17\xbc\x8b\xc7\x00' >seed/example
head -c $((12288 - 82)) /dev/urandom >>seed/example
for fl in 00 01 02 03 04 05 06 07 08 0a ff; do
	hdr flags$fl "$SIZE6$MARK"'\x03\x00\x00\x'$fl"$EXT2"
done
for v in 00 01 02 03 04 ff; do
	hdr version$v "$SIZE6$MARK"'\x'$v'\x00\x00\x02'"$EXT2"
done
hdr big '\xff\xff\xff\xff\xff\xff\xff\xff'"$MARK"'\x03\xff\xff\xff\xff\xff\xff\xff\xff\xff'
hdr ext4096x3 "$SIZE6$MARK"'\x03\x00\x00\x02\x00\x00\x10\x00\x00\x03' 12288
hdr ext8192x1 "$SIZE6$MARK"'\x03\x00\x00\x02\x00\x00\x20\x00\x00\x01'
hdr ext4096x1 "$SIZE6$MARK"'\x03\x00\x00\x02\x00\x00\x10\x00\x00\x01'
hdr ext0 "$SIZE6$MARK"'\x03\x00\x00\x02\x00\x00\x00\x00\x00\x00'
hdr badmarker "$SIZE6"'\xd3\x2e\x02\xc9\xef\xaf\xb5\x3d\x03\x00\x00\x02'"$EXT2"
hdr zeromarker "$SIZE6"'\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x02'"$EXT2"
hdr justmarker "$SIZE6"'\x00\x00\x00\x00\x3c\x81\xb7\xf5\x03\x00\x00\x02'"$EXT2"
printf "$SIZE6$MARK"'\x03\x00\x00\x02\x00\x00\x10\x00\x00\x02' >seed/exactly26
printf "$SIZE6$MARK"'\x03\x00\x00' >seed/only19
printf "$SIZE6" >seed/only8
head -c 4096 /dev/zero >seed/zeros
echo "plain text, not an eCryptfs file at all" >seed/text

for f in seed/*; do
	same_run "stat: ${f#seed/}" '' ecryptfs-stat "${f#seed/}"
done
interop_done
