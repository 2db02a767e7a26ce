// SPDX-License-Identifier: GPL-2.0-only
/* 7.x: grab_cache_page_write_begin() is gone. */
#include <linux/pagemap.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	return grab_cache_page_write_begin(NULL, 0) != NULL;
}
