// SPDX-License-Identifier: GPL-2.0-only
/* 7.x: struct renamedata names one idmap and the parent dentries. */
#include <linux/fs.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	struct renamedata rd = { .mnt_idmap = NULL, .old_parent = NULL };

	return rd.old_parent != NULL;
}
