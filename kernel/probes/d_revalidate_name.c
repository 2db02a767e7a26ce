// SPDX-License-Identifier: GPL-2.0-only
/* 6.14: ->d_revalidate() is given the parent inode and the name. */
#include <linux/dcache.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	int (*f)(struct inode *, const struct qstr *, struct dentry *, unsigned int) = NULL;
	struct dentry_operations d = { .d_revalidate = f };

	return d.d_revalidate != NULL;
}
