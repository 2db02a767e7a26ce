/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every difference between the 6.1 and 6.12 kernel APIs the module meets,
 * and nothing else (spec kernel.md §8.2).
 */
#ifndef ECRYPTFS_COMPAT_H
#define ECRYPTFS_COMPAT_H

#include <linux/version.h>
#include <linux/fs.h>
#include <linux/pagemap.h>
#include <linux/splice.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
/* 6.3: mount idmaps replace user namespaces in the VFS interfaces. */
typedef struct mnt_idmap ecryptfs_idmap_t;
#define ECRYPTFS_NOP_IDMAP (&nop_mnt_idmap)
#else
typedef struct user_namespace ecryptfs_idmap_t;
#define ECRYPTFS_NOP_IDMAP (&init_user_ns)
#endif

/* 6.6: generic_fillattr() gained the request mask. */
static inline void ecryptfs_fillattr(ecryptfs_idmap_t *idmap, u32 request_mask,
				     struct inode *inode, struct kstat *stat)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	generic_fillattr(idmap, request_mask, inode, stat);
#else
	generic_fillattr(idmap, inode, stat);
#endif
}

/* 6.7: getattr honours AT_GETATTR_NOSEC on the lower path. */
static inline int ecryptfs_lower_getattr(const struct path *path,
					 struct kstat *stat, u32 request_mask,
					 unsigned int flags)
{
#ifdef AT_GETATTR_NOSEC
	if (flags & AT_GETATTR_NOSEC)
		return vfs_getattr_nosec(path, stat, request_mask, flags);
#endif
	return vfs_getattr(path, stat, request_mask, flags);
}

/* 6.5: generic_file_splice_read() removed for filemap_splice_read(). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#define ecryptfs_splice_read_pagecache filemap_splice_read
#else
#define ecryptfs_splice_read_pagecache generic_file_splice_read
#endif

/* 6.12: the unaligned access helpers moved out of asm/. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.12: write_begin/write_end take folios instead of pages. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define ECRYPTFS_WB_PAGE_T struct folio
#define ecryptfs_wb_to_page(p) (&(p)->page)
#define ecryptfs_page_to_wb(p) page_folio(p)
#else
#define ECRYPTFS_WB_PAGE_T struct page
#define ecryptfs_wb_to_page(p) (p)
#define ecryptfs_page_to_wb(p) (p)
#endif

/* 6.12: write_cache_pages() callbacks take a folio. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define ECRYPTFS_WCP_T struct folio
#define ecryptfs_wcp_to_page(p) (&(p)->page)
#else
#define ECRYPTFS_WCP_T struct page
#define ecryptfs_wcp_to_page(p) (p)
#endif

/* 6.3: struct renamedata names idmaps instead of user namespaces. */
static inline int ecryptfs_vfs_rename(struct inode *old_dir,
				      struct dentry *old_dentry,
				      struct inode *new_dir,
				      struct dentry *new_dentry)
{
	struct renamedata rd = {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
		.old_mnt_idmap = &nop_mnt_idmap,
		.new_mnt_idmap = &nop_mnt_idmap,
#else
		.old_mnt_userns = &init_user_ns,
		.new_mnt_userns = &init_user_ns,
#endif
		.old_dir = old_dir,
		.old_dentry = old_dentry,
		.new_dir = new_dir,
		.new_dentry = new_dentry,
	};

	return vfs_rename(&rd);
}

/* 6.2: POSIX ACLs no longer travel through xattr handlers. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define ECRYPTFS_HAVE_DENTRY_ACL_OPS 1
#endif

#endif /* ECRYPTFS_COMPAT_H */
