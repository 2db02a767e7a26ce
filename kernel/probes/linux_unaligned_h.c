// SPDX-License-Identifier: GPL-2.0-only
/* 6.12: the unaligned access helpers live in <linux/unaligned.h>. */
#include <linux/unaligned.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	u8 b[2] = { 1, 2 };

	return get_unaligned_be16(b);
}
