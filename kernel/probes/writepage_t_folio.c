// SPDX-License-Identifier: GPL-2.0-only
/* 6.3: write_cache_pages() callbacks take a folio. */
#include <linux/writeback.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	writepage_t f = NULL;
	struct folio *folio = NULL;

	return f ? f(folio, NULL, NULL) : 0;
}
