#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Interop both ways (see lib-interop.sh) for twofish 16/32, cast5 16 and
# cast6 16/32.
CIPHERS="twofish:16 twofish:32 cast5:16 cast6:16 cast6:32"
. "$ECRYPTFS_SRC/tests/vm/lib-interop.sh"
