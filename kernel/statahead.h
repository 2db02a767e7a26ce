/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * eCryptfs: statahead (first pages of a listed directory's files read
 * ahead) and the header probe from the lower page cache.
 */
#ifndef ECRYPTFS_STATAHEAD_H
#define ECRYPTFS_STATAHEAD_H

#include <linux/fs.h>

/* Bytes of lower names noted per readdir call (length byte + name each). */
#define ECRYPTFS_STATAHEAD_BUF 16384

/**
 * struct ecryptfs_statahead - the regular files of one readdir call
 * @buf: noted names, each as a length byte followed by the name; NULL
 *       when statahead is off
 * @len: bytes used in @buf
 */
struct ecryptfs_statahead {
	char *buf;
	size_t len;
};

bool ecryptfs_lower_cache_usable(struct super_block *lower_sb);
int ecryptfs_probe_size_cached(struct inode *inode);
void ecryptfs_statahead_init(struct ecryptfs_statahead *sa, struct inode *dir);
void ecryptfs_statahead_note(struct ecryptfs_statahead *sa, const char *name,
			     int len, unsigned int d_type);
void ecryptfs_statahead_run(struct ecryptfs_statahead *sa,
			    struct dentry *lower_dir);

#endif /* ECRYPTFS_STATAHEAD_H */
