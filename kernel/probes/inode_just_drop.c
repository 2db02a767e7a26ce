// SPDX-License-Identifier: GPL-2.0-only
/* 6.18: generic_delete_inode() is renamed inode_just_drop(). */
#include <linux/fs.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	int (*f)(struct inode *) = inode_just_drop;

	return f != NULL;
}
