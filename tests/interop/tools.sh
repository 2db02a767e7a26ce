#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Output text, exit status, keys and files of each tool against the
# reference ecryptfs-utils 111, for the normal and the error cases: wrong
# passphrase, missing/empty/truncated/garbage file, too long, bad arguments.
# Where ours is deliberately different the call says so with ALLOW (see
# lib-compare.sh):
#  - info: the second error line names the cause ("Info: wrong wrapping
#    passphrase ...") instead of pointing at a syslog we do not write;
#  - reason: that line is added where the reference has none (no filename
#    encryption: ours says whether the module is missing or lacks it);
#  - toolong: an over-long passphrase given as an argument is refused with
#    the limit named on stderr (the reference only prints its usage).
#  - usage: a misuse is reported on stderr with exit 2 (the reference prints
#    its usage on stdout and exits 0); the usage text is the same.
# And not compared at all: --help (ours prints usage and a description, exit
# 0; the reference treats "--help" as a file name or a passphrase).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-compare.sh"
interop_init "$@"

L64=$(printf 'a%.0s' $(seq 64)); L65=${L64}b

mkdir seed
printf 'mypass\nwrap' | "$REF/ecryptfs-wrap-passphrase" seed/w - || die "reference wrap"
printf 'x' >seed/short
: >seed/empty
printf ':\003AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' >seed/v3
head -c 26 seed/w >seed/noct
printf 'garbage garbage garbage garbage garbage' >seed/garbage

# ecryptfs-wrap-passphrase
W=ecryptfs-wrap-passphrase
same_run "wrap: stdin" 'p\nw' $W nf -
same_run "wrap: 64-byte passphrases" "$L64\\n$L64" $W nf -
same_run "wrap: prompts" 'p\nw\n' $W nf
same_run "wrap: argument mode" '' $W nf p w
ALLOW=usage same_run "wrap: no args" '' $W
ALLOW=usage same_run "wrap: too many args" '' $W a b c d
same_run "wrap: end of input" '' $W nf -
same_run "wrap: no wrapping passphrase" 'p' $W nf -
same_run "wrap: empty wrapping passphrase" 'p\n' $W nf -
same_run "wrap: passphrase too long" "$L65\\nw" $W nf -
same_run "wrap: wrapping passphrase too long" "p\\n$L65" $W nf -
ALLOW=info same_run "wrap: empty passphrase" '\nw' $W nf -
ALLOW=info same_run "wrap: empty passphrase argument" '' $W nf "" w
ALLOW=info same_run "wrap: empty wrapping argument" '' $W nf p ""
ALLOW=info same_run "wrap: missing directory" 'p\nw' $W nodir/nf -
ALLOW=toolong same_run "wrap: argument too long" '' $W nf "$L65" w
ALLOW=toolong same_run "wrap: wrapping argument too long" '' $W nf p "$L65"

# ecryptfs-unwrap-passphrase
U=ecryptfs-unwrap-passphrase
same_run "unwrap: stdin" 'wrap' $U w -
same_run "unwrap: prompt" 'wrap\n' $U w
same_run "unwrap: argument mode" '' $U w wrap
same_run "unwrap: one-character argument gives usage" '' $U w x
ALLOW=usage same_run "unwrap: too many args" '' $U w a b
same_run "unwrap: end of input" '' $U w -
same_run "unwrap: stdin too long" "$L65" $U w -
same_run "unwrap: no default file" 'wrap' $U
for f in missing short empty v3 noct garbage .; do
	ALLOW=info UNCHANGED=w same_run "unwrap: file $f" 'wrap' $U $f -
done
ALLOW=info UNCHANGED=w same_run "unwrap: wrong passphrase" 'wrongx' $U w -
ALLOW=info same_run "unwrap: empty passphrase" '\n' $U w -
ALLOW=info same_run "unwrap: empty argument" '' $U w ""
ALLOW=toolong same_run "unwrap: argument too long" '' $U w "$L65"
mkdir -p /root/.ecryptfs && cp seed/w /root/.ecryptfs/wrapped-passphrase
same_run "unwrap: default file" 'wrap\n' $U
rm -rf /root/.ecryptfs

# ecryptfs-rewrap-passphrase (the new file has a random salt: compared by
# size and mode here, by content in wrapped.sh)
R=ecryptfs-rewrap-passphrase
same_run "rewrap: stdin" 'wrap\nnew' $R w -
same_run "rewrap: prompts" 'wrap\nnew\nnew\n' $R w
same_run "rewrap: argument mode" '' $R w wrap new
ALLOW=usage same_run "rewrap: no args" '' $R
ALLOW=usage same_run "rewrap: too many args" '' $R w a b c
UNCHANGED=w same_run "rewrap: prompts, mismatch" 'wrap\nnew\nnew2\n' $R w
UNCHANGED=w same_run "rewrap: prompts, no confirmation" 'wrap\nnew\n' $R w
UNCHANGED=w same_run "rewrap: prompts, no new passphrase" 'wrap\n' $R w
UNCHANGED=w same_run "rewrap: prompts, nothing" '' $R w
UNCHANGED=w same_run "rewrap: end of input" '' $R w -
UNCHANGED=w same_run "rewrap: only the old passphrase" 'wrap' $R w -
UNCHANGED=w same_run "rewrap: new too long" "wrap\\n$L65" $R w -
UNCHANGED=w same_run "rewrap: empty new passphrase" 'wrap\n' $R w -
ALLOW=info UNCHANGED=w same_run "rewrap: wrong old passphrase" 'bad\nnew' $R w -
ALLOW=info UNCHANGED=w same_run "rewrap: prompts, wrong old passphrase" 'bad\nnew\nnew\n' $R w
ALLOW=info same_run "rewrap: missing file" 'wrap\nnew' $R missing -
for f in short empty v3 noct garbage; do
	ALLOW=info UNCHANGED=$f same_run "rewrap: file $f" 'wrap\nnew' $R $f -
done
ALLOW=toolong UNCHANGED=w same_run "rewrap: argument too long" '' $R w wrap "$L65"

# ecryptfs-add-passphrase (keys compared with keyctl pipe)
A=ecryptfs-add-passphrase
same_run "add: stdin" 'secretpass' $A -
same_run "add: --fnek stdin" 'secretpass' $A --fnek -
same_run "add: prompt" 'secretpass\n' $A
same_run "add: --fnek prompt" 'secretpass\n' $A --fnek
same_run "add: 64 bytes" "$L64" $A --fnek -
same_run "add: too long" "$L65" $A -
same_run "add: end of input" '' $A -
ALLOW=usage same_run "add: bad argument" '' $A -x
ALLOW=usage same_run "add: bad second argument" '' $A --fnek x
ALLOW=usage same_run "add: too many args" '' $A --fnek - x
ALLOW=info same_run "add: empty line" '\n' $A -
echo 0 >/sys/fs/ecryptfs/version
ALLOW=reason same_run "add: --fnek without kernel support" 'secretpass' $A --fnek -
rm /sys/fs/ecryptfs/version
ALLOW=reason same_run "add: --fnek without the module" 'secretpass' $A --fnek -
echo 375 >/sys/fs/ecryptfs/version

# ecryptfs-insert-wrapped-passphrase-into-keyring
I=ecryptfs-insert-wrapped-passphrase-into-keyring
same_run "insert: stdin" 'wrap' $I w -
same_run "insert: prompt" 'wrap\n' $I w
same_run "insert: argument mode" '' $I w wrap
ALLOW=usage same_run "insert: too many args" '' $I w a b
same_run "insert: end of input" '' $I w -
same_run "insert: stdin too long" "$L65" $I w -
same_run "insert: no default file" 'wrap' $I
ALLOW=info same_run "insert: one-character argument (wrong)" '' $I w x
ALLOW=info same_run "insert: wrong passphrase" 'bad' $I w -
ALLOW=info same_run "insert: empty passphrase" '\n' $I w -
for f in missing short empty v3 noct garbage; do
	ALLOW=info same_run "insert: file $f" 'wrap' $I $f -
done
ALLOW=toolong same_run "insert: argument too long" '' $I w "$L65"
mkdir -p /root/.ecryptfs && cp seed/w /root/.ecryptfs/wrapped-passphrase
same_run "insert: default file" 'wrap\n' $I
rm -rf /root/.ecryptfs

# ecryptfs-stat: usage and file errors (headers: stat.sh)
ALLOW=usage same_run "stat: no args" '' ecryptfs-stat
same_run "stat: missing file" '' ecryptfs-stat missing
for f in short empty garbage .; do
	same_run "stat: file $f" '' ecryptfs-stat $f
done

# --help: ours only (deliberately better), usage on stdout, exit 0.
for t in $TOOLS; do
	out=$("$OURS/$t" --help </dev/null 2>&1)
	rc=$?
	check "$t --help exits 0" [ $rc -eq 0 ]
	case $out in *"$t"*) pass ;; *) fail "$t --help does not show its usage" ;; esac
done

interop_done
