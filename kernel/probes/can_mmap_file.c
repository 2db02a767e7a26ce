// SPDX-License-Identifier: GPL-2.0-only
/* 6.17: a file maps through ->mmap or ->mmap_prepare; can_mmap_file() says whether either is there. */
#include <linux/fs.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	bool (*f)(struct file *) = can_mmap_file;

	return f != NULL;
}
