// SPDX-License-Identifier: GPL-2.0-only
/* 6.17: struct fileattr is renamed struct file_kattr. */
#include <linux/fs.h>
#include <linux/fileattr.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	struct file_kattr fa = { .flags = 0 };

	return fa.flags;
}
