// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs: dentry operations and the per-dentry lower path.
 */

#include <linux/slab.h>
#include <linux/namei.h>
#include <linux/mount.h>
#include <linux/fs_stack.h>

#include "ecryptfs_kernel.h"


/**
 * ecryptfs_init_dentry_info() - attach the lower path to an upper dentry
 * @dentry: upper dentry (no info yet)
 * @lower: the lower path; references are taken
 *
 * Return: 0 or -ENOMEM.
 */
int ecryptfs_init_dentry_info(struct dentry *dentry, const struct path *lower)
{
	struct ecryptfs_dentry_info *info;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	info->lower_path = *lower;
	path_get(&info->lower_path);
	dentry->d_fsdata = info;
	return 0;
}

/*
 * RCU path walk: nothing may sleep and the dentry may be on its way out.
 * A lower dentry without its own revalidation that is still hashed and
 * still names a linked inode (or still no inode, for a negative upper
 * dentry) keeps the upper dentry valid; anything else is decided again in
 * ref-walk mode (-ECHILD).  Attributes are copied up by getattr and the
 * ref-walk revalidation, not here.  The dentry info and both dentries and
 * inodes are freed after an RCU grace period, so reading them is safe.
 */
static int ecryptfs_d_revalidate_rcu(struct dentry *dentry)
{
	struct ecryptfs_dentry_info *info = READ_ONCE(dentry->d_fsdata);
	struct dentry *lower_dentry;
	struct inode *lower_inode;

	if (!info)
		return -ECHILD;
	lower_dentry = READ_ONCE(info->lower_path.dentry);
	if (!lower_dentry ||
	    (READ_ONCE(lower_dentry->d_flags) & DCACHE_OP_REVALIDATE) ||
	    d_unhashed(lower_dentry))
		return -ECHILD;
	lower_inode = d_inode_rcu(lower_dentry);
	if (!d_inode_rcu(dentry))
		return lower_inode ? -ECHILD : 1;
	if (!lower_inode || !READ_ONCE(lower_inode->i_nlink))
		return -ECHILD;
	return 1;
}

/* The lower file system's own check of @lower (not in RCU walk). */
static int lower_revalidate(struct dentry *lower, unsigned int flags)
{
#ifdef HAVE_D_REVALIDATE_NAME
	struct dentry *parent = dget_parent(lower);
	struct name_snapshot n;
	int rc;

	/* The parent and a stable copy of the name, as the VFS passes them. */
	take_dentry_name_snapshot(&n, lower);
	rc = lower->d_op->d_revalidate(d_inode(parent), &n.name, lower, flags);
	release_dentry_name_snapshot(&n);
	dput(parent);
	return rc;
#else
	return lower->d_op->d_revalidate(lower, flags);
#endif
}

static int ecryptfs_d_revalidate(ECRYPTFS_D_REVALIDATE_ARGS)
{
	struct dentry *lower_dentry;
	int rc = 1;

	if (flags & LOOKUP_RCU)
		return ecryptfs_d_revalidate_rcu(dentry);
	if (!dentry->d_fsdata)
		return 1;
	lower_dentry = ecryptfs_dentry_to_lower(dentry);
	if (lower_dentry->d_flags & DCACHE_OP_REVALIDATE)
		rc = lower_revalidate(lower_dentry, flags);
	if (d_really_is_positive(dentry)) {
		struct inode *inode = d_inode(dentry);

		fsstack_copy_attr_all(inode, ecryptfs_inode_to_lower(inode));
		if (!inode->i_nlink)
			return 0;
	}
	return rc;
}

static void ecryptfs_free_dentry_info(struct rcu_head *head)
{
	struct ecryptfs_dentry_info *info =
		container_of(head, struct ecryptfs_dentry_info, rcu);

	kfree(info);
}

static void ecryptfs_d_release(struct dentry *dentry)
{
	struct ecryptfs_dentry_info *info = dentry->d_fsdata;

	if (info) {
		path_put(&info->lower_path);
		call_rcu(&info->rcu, ecryptfs_free_dentry_info);
	}
}

const struct dentry_operations ecryptfs_dops = {
	.d_revalidate = ecryptfs_d_revalidate,
	.d_release = ecryptfs_d_release,
};
