/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every difference between the kernel APIs the module meets on the
 * supported kernels (6.1 to 7.2), and nothing else (spec kernel.md §8.2).
 *
 * Each difference is decided by a feature probe (kernel/probes/NAME.c,
 * HAVE_NAME in the generated probes/have.h), never by the version number,
 * so that a kernel with a change backported builds too.  The version in a
 * comment says where mainline made the change.
 */
#ifndef ECRYPTFS_COMPAT_H
#define ECRYPTFS_COMPAT_H

#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/pagemap.h>
#include <linux/splice.h>
#include <linux/writeback.h>
#include <linux/fileattr.h>
#include "probes/have.h"

#ifndef HAVE_SANITY
#error "kernel/probes/have.h lacks the sanity probe: the feature probes did not run"
#endif

/* 6.3: mount idmaps replace user namespaces in the VFS interfaces. */
#ifdef HAVE_MNT_IDMAP
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
#ifdef HAVE_GENERIC_FILLATTR_REQUEST_MASK
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
#ifdef HAVE_FILEMAP_SPLICE_READ
#define ecryptfs_splice_read_pagecache filemap_splice_read
#else
#define ecryptfs_splice_read_pagecache generic_file_splice_read
#endif

/* 6.12: the unaligned access helpers moved out of asm/. */
#ifdef HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.12: write_begin/write_end take folios instead of pages. */
#ifdef HAVE_AOPS_WRITE_BEGIN_FOLIO
#define ECRYPTFS_WB_PAGE_T struct folio
#define ecryptfs_wb_to_page(p) (&(p)->page)
#define ecryptfs_page_to_wb(p) page_folio(p)
#else
#define ECRYPTFS_WB_PAGE_T struct page
#define ecryptfs_wb_to_page(p) (p)
#define ecryptfs_page_to_wb(p) (p)
#endif

/* 6.17: ... and the kiocb of the write instead of its file. */
#ifdef HAVE_AOPS_WRITE_BEGIN_KIOCB
#define ECRYPTFS_WB_FILE_T const struct kiocb
#define ecryptfs_wb_file(f) ((f)->ki_filp)
#else
#define ECRYPTFS_WB_FILE_T struct file
#define ecryptfs_wb_file(f) (f)
#endif

/*
 * The page cache index of a (small) page: struct page lost its index in
 * 7.x; the folio's has been there since 5.16, so no probe is needed.
 */
static inline pgoff_t ecryptfs_page_index(struct page *page)
{
	return page_folio(page)->index;
}

/* 7.x: grab_cache_page_write_begin() is gone; the folio call remains. */
static inline struct page *ecryptfs_grab_write_page(struct address_space *mapping,
						    pgoff_t index)
{
#ifdef HAVE_GRAB_CACHE_PAGE_WRITE_BEGIN
	return grab_cache_page_write_begin(mapping, index);
#else
	struct folio *folio = __filemap_get_folio(mapping, index, FGP_WRITEBEGIN,
						  mapping_gfp_mask(mapping));

	return IS_ERR_OR_NULL(folio) ? NULL : folio_page(folio, 0);
#endif
}

/*
 * Writeback walks the dirty pages with writeback_iter() (6.10) where it
 * exists (7.x removed write_cache_pages()); the callback takes a folio
 * from 6.3 on.
 */
#if defined(HAVE_WRITEBACK_ITER) || defined(HAVE_WRITEPAGE_T_FOLIO)
#define ECRYPTFS_WCP_T struct folio
#define ecryptfs_wcp_to_page(p) (&(p)->page)
#else
#define ECRYPTFS_WCP_T struct page
#define ecryptfs_wcp_to_page(p) (p)
#endif

static inline int
ecryptfs_write_cache_pages(struct address_space *mapping,
			   struct writeback_control *wbc,
			   int (*fn)(ECRYPTFS_WCP_T *, struct writeback_control *, void *),
			   void *data)
{
#ifdef HAVE_WRITEBACK_ITER
	struct folio *folio = NULL;
	int err = 0;

	while ((folio = writeback_iter(mapping, wbc, folio, &err)))
		err = fn(folio, wbc, data);
	return err;
#else
	return write_cache_pages(mapping, wbc, fn, data);
#endif
}

/*
 * 6.3: struct renamedata names idmaps instead of user namespaces;
 * 7.x: one idmap and the parent dentries, and the locking of both
 * parents (with the checks that the dentries are still their children)
 * is start_renaming_two_dentries()/end_renaming() instead of
 * lock_rename()/unlock_rename().
 *
 * ecryptfs_lock_rename() locks the parents of @old and @new (lower
 * dentries, referenced by the caller) and checks both are still hashed
 * children of @old_dir and @new_dir and that neither is an ancestor of
 * the other's parent: 0, or -EINVAL / -ENOTEMPTY with nothing locked.
 */
struct ecryptfs_rename {
#ifdef HAVE_START_RENAMING_TWO_DENTRIES
	struct renamedata rd;
#else
	struct dentry *old_dir, *new_dir;
#endif
};

static inline int ecryptfs_lock_rename(struct ecryptfs_rename *r,
				       struct dentry *old_dir, struct dentry *old,
				       struct dentry *new_dir, struct dentry *new)
{
#ifdef HAVE_START_RENAMING_TWO_DENTRIES
	memset(&r->rd, 0, sizeof(r->rd));
	r->rd.mnt_idmap = &nop_mnt_idmap;
	r->rd.old_parent = old_dir;
	r->rd.new_parent = new_dir;
	/* Its references to the dentries go at end_renaming(). */
	return start_renaming_two_dentries(&r->rd, old, new);
#else
	struct dentry *trap = lock_rename(old_dir, new_dir);
	int rc = -EINVAL;

	if (IS_ERR(trap))
		return PTR_ERR(trap);
	if (old->d_parent != old_dir || new->d_parent != new_dir)
		goto fail;
	if (d_unhashed(old) || d_unhashed(new))
		goto fail;
	if (trap == old)
		goto fail;
	if (trap == new) {
		rc = -ENOTEMPTY;
		goto fail;
	}
	r->old_dir = old_dir;
	r->new_dir = new_dir;
	return 0;
fail:
	unlock_rename(old_dir, new_dir);
	return rc;
#endif
}

static inline int ecryptfs_vfs_rename(struct ecryptfs_rename *r,
				      struct dentry *old, struct dentry *new)
{
#ifdef HAVE_START_RENAMING_TWO_DENTRIES
	return vfs_rename(&r->rd);
#else
	struct renamedata rd = {
#ifdef HAVE_RENAMEDATA_OLD_MNT_IDMAP
		.old_mnt_idmap = &nop_mnt_idmap,
		.new_mnt_idmap = &nop_mnt_idmap,
#else
		.old_mnt_userns = &init_user_ns,
		.new_mnt_userns = &init_user_ns,
#endif
		.old_dir = d_inode(r->old_dir),
		.old_dentry = old,
		.new_dir = d_inode(r->new_dir),
		.new_dentry = new,
	};

	return vfs_rename(&rd);
#endif
}

static inline void ecryptfs_unlock_rename(struct ecryptfs_rename *r)
{
#ifdef HAVE_START_RENAMING_TWO_DENTRIES
	end_renaming(&r->rd);
#else
	unlock_rename(r->old_dir, r->new_dir);
#endif
}

/* 6.2: POSIX ACLs no longer travel through xattr handlers. */
#ifdef HAVE_IOPS_SET_ACL_DENTRY
#define ECRYPTFS_HAVE_DENTRY_ACL_OPS 1
#endif

/* 6.14: ->d_revalidate() is given the parent inode and the name. */
#ifdef HAVE_D_REVALIDATE_NAME
#define ECRYPTFS_D_REVALIDATE_ARGS struct inode *dir, const struct qstr *name, \
				   struct dentry *dentry, unsigned int flags
#else
#define ECRYPTFS_D_REVALIDATE_ARGS struct dentry *dentry, unsigned int flags
#endif

/* 6.16: lookup_one_len_unlocked() gave way to lookup_one_unlocked(qstr). */
static inline struct dentry *ecryptfs_lookup_lower(const char *name, size_t len,
						   struct dentry *base)
{
#ifdef HAVE_LOOKUP_ONE_UNLOCKED_QSTR
	struct qstr q = QSTR_INIT(name, len);

	return lookup_one_unlocked(&nop_mnt_idmap, &q, base);
#else
	return lookup_one_len_unlocked(name, base, len);
#endif
}

/*
 * Creating and removing in the lower directory @dir (locked by the
 * caller): 7.x adds a delegation argument to every call and vfs_create()
 * finds the directory from the dentry; 6.15 has vfs_mkdir() return the
 * dentry (it may be a new one; on error the one passed in is put).
 */
#ifdef HAVE_VFS_DELEG
#define ECRYPTFS_DELEG , NULL
#else
#define ECRYPTFS_DELEG
#endif

static inline int ecryptfs_vfs_create(struct inode *dir, struct dentry *dentry,
				      umode_t mode)
{
#ifdef HAVE_VFS_CREATE_DELEG
	return vfs_create(&nop_mnt_idmap, dentry, mode, NULL);
#else
	return vfs_create(ECRYPTFS_NOP_IDMAP, dir, dentry, mode, true);
#endif
}

#define ecryptfs_vfs_symlink(dir, dentry, name) \
	vfs_symlink(ECRYPTFS_NOP_IDMAP, dir, dentry, name ECRYPTFS_DELEG)
#define ecryptfs_vfs_mknod(dir, dentry, mode, dev) \
	vfs_mknod(ECRYPTFS_NOP_IDMAP, dir, dentry, mode, dev ECRYPTFS_DELEG)
#define ecryptfs_vfs_rmdir(dir, dentry) \
	vfs_rmdir(ECRYPTFS_NOP_IDMAP, dir, dentry ECRYPTFS_DELEG)

/*
 * vfs_mkdir() on a lower dentry the caller holds a reference to: 0 with
 * *made set to the (referenced) dentry now naming the directory, which
 * the caller puts; or an error with no reference taken.
 */
static inline int ecryptfs_vfs_mkdir(struct inode *dir, struct dentry *dentry,
				     umode_t mode, struct dentry **made)
{
#ifdef HAVE_VFS_MKDIR_DENTRY
	struct dentry *d;

	d = vfs_mkdir(ECRYPTFS_NOP_IDMAP, dir, dget(dentry), mode ECRYPTFS_DELEG);
	if (IS_ERR(d))
		return PTR_ERR(d);
	*made = d;
	return 0;
#else
	int rc = vfs_mkdir(ECRYPTFS_NOP_IDMAP, dir, dentry, mode);

	if (!rc)
		*made = dget(dentry);
	return rc;
#endif
}

/* 6.15: ->mkdir() returns the dentry (NULL: the one it was given). */
#ifdef HAVE_VFS_MKDIR_DENTRY
#define ECRYPTFS_MKDIR_RET struct dentry *
#define ecryptfs_mkdir_ret(rc) ERR_PTR(rc)
#else
#define ECRYPTFS_MKDIR_RET int
#define ecryptfs_mkdir_ret(rc) (rc)
#endif

/* 6.17: struct fileattr is struct file_kattr. */
#ifdef HAVE_FILE_KATTR
#define ecryptfs_fileattr file_kattr
#else
#define ecryptfs_fileattr fileattr
#endif

/* 7.x: i_state is read through an accessor. */
#ifdef HAVE_INODE_STATE_READ
#define ecryptfs_inode_is_new(inode) (inode_state_read_once(inode) & I_NEW)
#else
#define ecryptfs_inode_is_new(inode) ((inode)->i_state & I_NEW)
#endif

/* 6.17: the default dentry operations are set by a call. */
static inline void ecryptfs_set_d_op(struct super_block *sb,
				     const struct dentry_operations *ops)
{
#ifdef HAVE_SET_DEFAULT_D_OP
	set_default_d_op(sb, ops);
#else
	sb->s_d_op = ops;
#endif
}

/* 6.17: a lower file may map through ->mmap_prepare instead of ->mmap. */
static inline bool ecryptfs_can_mmap(struct file *file)
{
#ifdef HAVE_CAN_MMAP_FILE
	return can_mmap_file(file);
#else
	return file->f_op->mmap;
#endif
}

/* 6.17: a per-CPU workqueue says so (the default before). */
#ifdef HAVE_WQ_PERCPU
#define ECRYPTFS_WQ_PERCPU WQ_PERCPU
#else
#define ECRYPTFS_WQ_PERCPU 0
#endif

/* 6.17: the unbound system workqueue is system_dfl_wq. */
#ifdef HAVE_SYSTEM_DFL_WQ
#define ecryptfs_unbound_wq system_dfl_wq
#else
#define ecryptfs_unbound_wq system_unbound_wq
#endif

/* 6.18: generic_delete_inode() is inode_just_drop(). */
#ifdef HAVE_INODE_JUST_DROP
#define ecryptfs_drop_inode inode_just_drop
#else
#define ecryptfs_drop_inode generic_delete_inode
#endif

#endif /* ECRYPTFS_COMPAT_H */
