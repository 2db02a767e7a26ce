/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * eCryptfs: statahead (first pages of a listed directory's files read
 * ahead) and the header probe from the lower page cache.
 */
#ifndef ECRYPTFS_STATAHEAD_H
#define ECRYPTFS_STATAHEAD_H

#include <linux/fs.h>

struct ecryptfs_statahead_work;

/**
 * struct ecryptfs_statahead - statahead state of one readdir call
 * @w: the names gathered so far
 * @file: the upper directory being listed
 * @size: bytes to allocate for the next listing
 * @off: no statahead for this call
 */
struct ecryptfs_statahead {
	struct ecryptfs_statahead_work *w;
	struct file *file;
	unsigned int size;
	bool off;
};

bool ecryptfs_lower_cache_usable(struct super_block *lower_sb);
int ecryptfs_probe_size_cached(struct inode *inode);
void ecryptfs_statahead_init(struct ecryptfs_statahead *sa, struct file *file);
void ecryptfs_statahead_note(struct ecryptfs_statahead *sa, const char *name,
			     int len, u64 ino, unsigned int d_type);
void ecryptfs_statahead_end(struct ecryptfs_statahead *sa);
void ecryptfs_statahead_wait_dir(struct inode *dir);

#endif /* ECRYPTFS_STATAHEAD_H */
