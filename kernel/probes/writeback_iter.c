// SPDX-License-Identifier: GPL-2.0-only
/* 6.10: writeback_iter() loops over dirty folios (write_cache_pages() went in 7.x). */
#include <linux/writeback.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	struct folio *(*f)(struct address_space *, struct writeback_control *,
			  struct folio *, int *) = writeback_iter;

	return f != NULL;
}
