// SPDX-License-Identifier: GPL-2.0-only
/* 7.x: vfs_mkdir/mknod/symlink/rmdir take a delegated_inode. */
#include <linux/fs.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	struct delegated_inode *d = NULL;

	return vfs_rmdir(NULL, NULL, NULL, d) + vfs_mknod(NULL, NULL, NULL, 0, 0, d) +
	       vfs_symlink(NULL, NULL, NULL, NULL, d) + !IS_ERR(vfs_mkdir(NULL, NULL, NULL, 0, d));
}
