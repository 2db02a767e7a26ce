// SPDX-License-Identifier: GPL-2.0-only
/* 6.16: lookup_one_unlocked() takes an idmap and a qstr (lookup_one_len_unlocked() went). */
#include <linux/namei.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	struct dentry *(*f)(struct mnt_idmap *, struct qstr *, struct dentry *) =
		lookup_one_unlocked;

	return f != NULL;
}
