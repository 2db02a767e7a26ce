// SPDX-License-Identifier: GPL-2.0-only
/* 6.5: filemap_splice_read() replaces generic_file_splice_read(). */
#include <linux/fs.h>
#include <linux/splice.h>

int ecryptfs_probe(void);
int ecryptfs_probe(void)
{
	ssize_t (*f)(struct file *, loff_t *, struct pipe_inode_info *, size_t,
		     unsigned int) = filemap_splice_read;

	return f != NULL;
}
