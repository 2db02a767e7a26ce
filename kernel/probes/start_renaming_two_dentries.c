// SPDX-License-Identifier: GPL-2.0-only
/* 7.x: lock_rename() gives way to start/end_renaming(). */
#include <linux/fs.h>
#include <linux/namei.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	int (*f)(struct renamedata *, struct dentry *, struct dentry *) =
		start_renaming_two_dentries;

	return f != NULL;
}
