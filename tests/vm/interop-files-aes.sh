#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Interop both ways (see lib-interop.sh) for AES-128/192/256, blowfish
# 16/56 and des3_ede.
CIPHERS="aes:16 aes:24 aes:32 blowfish:16 blowfish:56 des3_ede:24"
. "$ECRYPTFS_SRC/tests/vm/lib-interop.sh"
