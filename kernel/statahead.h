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
 * @dir: the upper directory being listed
 * @lower_dir: the lower directory being listed
 * @size: bytes to allocate for the next listing
 * @pages: pages of each lower file to read ahead
 * @left: when not 0, one more than the names still to be noted
 * @off: no statahead for this call
 * @data: read the files' data ahead (their headers are read already);
 *        lookups do not wait for it
 * @upper: the upper directory's dentry, when the upper names are to be
 *         looked up too (a listing through readdir), else NULL
 */
struct ecryptfs_statahead {
	struct ecryptfs_statahead_work *w;
	struct inode *dir;
	const struct path *lower_dir;
	unsigned int size;
	unsigned int pages;
	unsigned int left;
	bool off;
	bool data;
	struct dentry *upper;
};

bool ecryptfs_lower_cache_usable(struct super_block *lower_sb);
int ecryptfs_probe_size_cached(struct inode *inode);
void ecryptfs_statahead_init(struct ecryptfs_statahead *sa, struct inode *dir,
			     const struct path *lower_dir);
void ecryptfs_statahead_note(struct ecryptfs_statahead *sa, const char *name,
			     int len, const char *uname, int ulen, u64 ino,
			     unsigned int d_type);
void ecryptfs_statahead_end(struct ecryptfs_statahead *sa);
void ecryptfs_statahead_wait_dir(struct inode *dir);
void ecryptfs_statahead_miss(struct inode *dir, const struct path *lower_dir,
			     struct inode *lower_inode);
void ecryptfs_statahead_data_miss(struct file *file);

#endif /* ECRYPTFS_STATAHEAD_H */
