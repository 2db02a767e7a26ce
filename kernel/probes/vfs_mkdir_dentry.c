// SPDX-License-Identifier: GPL-2.0-only
/* 6.15: vfs_mkdir() and ->mkdir() return the new dentry. */
#include <linux/fs.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	struct dentry *(*m)(struct mnt_idmap *, struct inode *, struct dentry *, umode_t) = NULL;
	struct inode_operations i = { .mkdir = m };

	return i.mkdir != NULL;
}
