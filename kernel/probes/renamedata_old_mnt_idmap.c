// SPDX-License-Identifier: GPL-2.0-only
/* 6.3-6.x: struct renamedata carries two idmaps and the parent inodes. */
#include <linux/fs.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	struct renamedata rd = { .old_mnt_idmap = NULL, .old_dir = NULL };

	return rd.old_dir != NULL;
}
