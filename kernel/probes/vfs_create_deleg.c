// SPDX-License-Identifier: GPL-2.0-only
/* 7.x: vfs_create() finds the parent from the dentry and takes a delegation. */
#include <linux/fs.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	int (*f)(struct mnt_idmap *, struct dentry *, umode_t, struct delegated_inode *) =
		vfs_create;

	return f != NULL;
}
