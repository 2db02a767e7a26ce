// SPDX-License-Identifier: GPL-2.0-only
/* 6.17: write_begin/write_end take the kiocb instead of the file. */
#include <linux/fs.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	int (*f)(const struct kiocb *, struct address_space *, loff_t, unsigned int,
		 struct folio **, void **) = NULL;
	struct address_space_operations a = { .write_begin = f };

	return a.write_begin != NULL;
}
