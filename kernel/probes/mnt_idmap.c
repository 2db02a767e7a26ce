// SPDX-License-Identifier: GPL-2.0-only
/* 6.3: mount idmaps replace user namespaces in the VFS interfaces. */
#include <linux/fs.h>
#include <linux/mnt_idmapping.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	struct mnt_idmap *m = &nop_mnt_idmap;

	return m != NULL;
}
