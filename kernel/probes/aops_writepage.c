// SPDX-License-Identifier: GPL-2.0-only
/* 6.16/6.17: ->writepage is gone (reclaim goes through ->writepages). */
#include <linux/fs.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	struct address_space_operations a = { .writepage = NULL };

	return a.writepage != NULL;
}
