// SPDX-License-Identifier: GPL-2.0-only
/* 6.12: write_begin/write_end pass folios instead of pages. */
#include <linux/fs.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	struct address_space_operations a = { .write_begin = NULL };
	struct folio **fp = NULL;

	return a.write_begin(NULL, NULL, 0, 0, fp, NULL);
}
