// SPDX-License-Identifier: GPL-2.0-only
/* 6.2: POSIX ACLs go through ->get_acl/->set_acl on dentries, not xattr handlers. */
#include <linux/fs.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	struct posix_acl *(*g)(struct mnt_idmap *, struct dentry *, int) = NULL;
	struct inode_operations i = { .get_acl = g };

	return i.get_acl != NULL;
}
