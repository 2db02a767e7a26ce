// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs: inode operations (lookup, namespace operations, attributes,
 * extended attributes).
 */

#include <linux/slab.h>
#include <linux/namei.h>
#include <linux/mount.h>
#include <linux/fs_stack.h>
#include <linux/xattr.h>
#include <linux/posix_acl.h>
#include <linux/posix_acl_xattr.h>
#include <linux/fileattr.h>
#include <linux/iversion.h>

#include "ecryptfs_kernel.h"

static int ecryptfs_inode_test(struct inode *inode, void *lower_inode)
{
	return ecryptfs_inode_to_lower(inode) == lower_inode;
}

static int ecryptfs_inode_set(struct inode *inode, void *opaque)
{
	struct inode *lower_inode = opaque;

	ecryptfs_inode_to_private(inode)->lower_inode = lower_inode;
	inode->i_ino = lower_inode->i_ino;
	inode->i_mapping->a_ops = &ecryptfs_aops;
	if (S_ISLNK(lower_inode->i_mode))
		inode->i_op = &ecryptfs_symlink_iops;
	else if (S_ISDIR(lower_inode->i_mode))
		inode->i_op = &ecryptfs_dir_iops;
	else
		inode->i_op = &ecryptfs_main_iops;
	if (S_ISDIR(lower_inode->i_mode))
		inode->i_fop = &ecryptfs_dir_fops;
	else if (special_file(lower_inode->i_mode))
		init_special_inode(inode, lower_inode->i_mode,
				   lower_inode->i_rdev);
	else
		inode->i_fop = &ecryptfs_main_fops;
	fsstack_copy_attr_all(inode, lower_inode);
	fsstack_copy_inode_size(inode, lower_inode);
	return 0;
}

/**
 * ecryptfs_get_inode() - the upper inode stacked on @lower_inode
 * @lower_inode: lower inode
 * @sb: upper superblock
 *
 * Hard links share one upper inode (keyed by the lower inode).
 *
 * Return: the inode or an ERR_PTR.
 */
struct inode *ecryptfs_get_inode(struct inode *lower_inode,
				 struct super_block *sb)
{
	struct inode *inode;

	if (lower_inode->i_sb != ecryptfs_sb_to_lower(sb))
		return ERR_PTR(-EXDEV);
	if (IS_CASEFOLDED(lower_inode)) {
		pr_err_ratelimited("ecryptfs: inode %llu: casefolded directories are not supported\n",
				   (unsigned long long)lower_inode->i_ino);
		return ERR_PTR(-EREMOTE);
	}
	if (!igrab(lower_inode))
		return ERR_PTR(-ESTALE);
	inode = iget5_locked(sb, (unsigned long)lower_inode,
			     ecryptfs_inode_test, ecryptfs_inode_set,
			     lower_inode);
	if (!inode) {
		/* No memory for the inode (the reference says EACCES here). */
		iput(lower_inode);
		return ERR_PTR(-ENOMEM);
	}
	if (!ecryptfs_inode_is_new(inode)) {
		iput(lower_inode);
		return inode;
	}
	unlock_new_inode(inode);
	return inode;
}

/* Take the lower parent lock; the lower dentry must still be its child. */
static struct inode *lock_parent(struct dentry *dentry,
				 struct dentry **lower_dentry)
{
	struct dentry *lower_dir = ecryptfs_dentry_to_lower(dentry->d_parent);

	*lower_dentry = ecryptfs_dentry_to_lower(dentry);
	inode_lock_nested(d_inode(lower_dir), I_MUTEX_PARENT);
	if ((*lower_dentry)->d_parent != lower_dir) {
		inode_unlock(d_inode(lower_dir));
		return ERR_PTR(-EINVAL);
	}
	return d_inode(lower_dir);
}

static int ecryptfs_interpose(struct dentry *lower_dentry,
			      struct dentry *dentry, struct super_block *sb)
{
	struct inode *inode = ecryptfs_get_inode(d_inode(lower_dentry), sb);

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	d_instantiate(dentry, inode);
	return 0;
}

/*
 * The common tail of mkdir, mknod, symlink and link: interpose the new
 * lower object, copy the parent's times and size (and link count for a
 * directory), drop the lower parent lock, drop a negative upper dentry.
 */
static int finish_new(int rc, struct inode *dir, struct dentry *dentry,
		      struct inode *lower_dir, struct dentry *lower_dentry)
{
	if (!rc && d_really_is_positive(lower_dentry)) {
		rc = ecryptfs_interpose(lower_dentry, dentry, dir->i_sb);
		if (!rc) {
			fsstack_copy_attr_times(dir, lower_dir);
			fsstack_copy_inode_size(dir, lower_dir);
			if (d_is_dir(lower_dentry))
				set_nlink(dir, lower_dir->i_nlink);
		}
	}
	inode_unlock(lower_dir);
	if (d_really_is_negative(dentry))
		d_drop(dentry);
	return rc;
}

static struct dentry *ecryptfs_lookup(struct inode *dir, struct dentry *dentry,
				      unsigned int flags)
{
	struct dentry *lower_dir = ecryptfs_dentry_to_lower(dentry->d_parent);
	const struct path *lower_dir_path =
		ecryptfs_dentry_to_lower_path(dentry->d_parent);
	struct dentry *lower_dentry;
	struct path lower_path;
	struct inode *inode;
	const char *name = dentry->d_name.name;
	size_t len = dentry->d_name.len;
	char *enc = NULL;
	int rc;

	if (ecryptfs_encrypts_names(dir->i_sb)) {
		rc = ecryptfs_encrypt_filename(ecryptfs_mcs(dir->i_sb), name,
					       len, &enc, &len);
		if (rc)
			return ERR_PTR(rc);
		name = enc;
	}
	lower_dentry = ecryptfs_lookup_lower(name, len, lower_dir);
	kfree(enc);
	if (IS_ERR(lower_dentry))
		return ERR_CAST(lower_dentry);

	fsstack_copy_attr_atime(dir, d_inode(lower_dir));
	lower_path.mnt = lower_dir_path->mnt;
	lower_path.dentry = lower_dentry;
	rc = ecryptfs_init_dentry_info(dentry, &lower_path);
	dput(lower_dentry);
	if (rc)
		return ERR_PTR(rc);

	if (d_really_is_negative(lower_dentry)) {
		d_add(dentry, NULL);
		return NULL;
	}
	inode = ecryptfs_get_inode(d_inode(lower_dentry), dir->i_sb);
	if (IS_ERR(inode))
		return ERR_CAST(inode);
	if (S_ISREG(inode->i_mode)) {
		struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);

		/*
		 * The size field, from the lower page cache when possible,
		 * else through an opened lower file.
		 */
		if (!(cs->flags & ECRYPTFS_I_SIZE_INITIALIZED) &&
		    ecryptfs_probe_size_cached(inode) &&
		    !ecryptfs_get_lower_file(dentry, inode)) {
			mutex_lock(&cs->cs_mutex);
			ecryptfs_probe_size(dentry, inode);
			mutex_unlock(&cs->cs_mutex);
			ecryptfs_put_lower_file(inode);
		}
	}
	return d_splice_alias(inode, dentry);
}

static int ecryptfs_do_unlink(struct inode *dir, struct dentry *dentry,
			      struct inode *inode)
{
	struct dentry *lower_dentry;
	struct inode *lower_dir;
	int rc;

	lower_dir = lock_parent(dentry, &lower_dentry);
	if (IS_ERR(lower_dir))
		return PTR_ERR(lower_dir);
	dget(lower_dentry);
	if (d_unhashed(lower_dentry))
		rc = -EINVAL;
	else
		rc = vfs_unlink(ECRYPTFS_NOP_IDMAP, lower_dir, lower_dentry,
				NULL);
	if (!rc) {
		fsstack_copy_attr_times(dir, lower_dir);
		set_nlink(inode, ecryptfs_inode_to_lower(inode)->i_nlink);
		inode_set_ctime_to_ts(inode, inode_get_ctime(dir));
	}
	dput(lower_dentry);
	inode_unlock(lower_dir);
	if (!rc)
		d_drop(dentry);
	return rc;
}

/*
 * Give a freshly created file its key and header (spec §1.10), as Linux's
 * eCryptfs does: the header, with the file key wrapped by the mount's
 * keys, is written to the lower file (its page cache, or the xattr)
 * before the create returns.  A key that cannot be used or a header that
 * cannot be written (a full lower file system) fails the create, so that
 * no upper file ever stands over a lower file without its key.
 */
static int ecryptfs_initialize_file(struct dentry *dentry, struct inode *inode)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	u8 *hdr;
	int rc;

	mutex_lock(&cs->cs_mutex);
	rc = ecryptfs_new_file_context(inode, &hdr);
	if (rc)
		goto out;
	i_size_write(inode, 0);
	cs->flags |= ECRYPTFS_I_SIZE_INITIALIZED;
	rc = ecryptfs_get_lower_file(dentry, inode);
	if (rc)
		goto out;
	if (cs->flags & ECRYPTFS_METADATA_IN_XATTR) {
		rc = ecryptfs_write_metadata(dentry, inode);
		goto out_put;
	}
	/* Built ahead with a prepared key, or now. */
	if (!hdr) {
		rc = ecryptfs_build_metadata(inode, &hdr);
		if (rc < 0)
			goto out_put;
	}
	rc = ecryptfs_write_header_buf(inode, hdr);
out_put:
	ecryptfs_put_lower_file(inode);
out:
	kfree(hdr);
	if (rc)
		ecryptfs_destroy_crypt_stat(cs);
	mutex_unlock(&cs->cs_mutex);
	return rc;
}

static int ecryptfs_create(ecryptfs_idmap_t *idmap, struct inode *dir,
			   struct dentry *dentry, umode_t mode, bool excl)
{
	struct dentry *lower_dentry;
	struct inode *lower_dir, *inode;
	int rc;

	lower_dir = lock_parent(dentry, &lower_dentry);
	if (IS_ERR(lower_dir))
		return PTR_ERR(lower_dir);
	rc = ecryptfs_vfs_create(lower_dir, lower_dentry, mode);
	if (rc) {
		inode_unlock(lower_dir);
		return rc;
	}
	inode = ecryptfs_get_inode(d_inode(lower_dentry), dir->i_sb);
	if (IS_ERR(inode)) {
		vfs_unlink(ECRYPTFS_NOP_IDMAP, lower_dir, lower_dentry, NULL);
		inode_unlock(lower_dir);
		return PTR_ERR(inode);
	}
	fsstack_copy_attr_times(dir, lower_dir);
	fsstack_copy_inode_size(dir, lower_dir);
	inode_unlock(lower_dir);

	rc = ecryptfs_initialize_file(dentry, inode);
	if (rc) {
		ecryptfs_do_unlink(dir, dentry, inode);
		iput(inode);
		return rc;
	}
	d_instantiate(dentry, inode);
	return 0;
}

static int ecryptfs_link(struct dentry *old_dentry, struct inode *dir,
			 struct dentry *new_dentry)
{
	struct dentry *lower_old = ecryptfs_dentry_to_lower(old_dentry);
	struct dentry *lower_new;
	struct inode *lower_dir;
	loff_t size = i_size_read(d_inode(old_dentry));
	int rc;

	lower_dir = lock_parent(new_dentry, &lower_new);
	if (IS_ERR(lower_dir))
		return PTR_ERR(lower_dir);
	rc = vfs_link(lower_old, ECRYPTFS_NOP_IDMAP, lower_dir, lower_new, NULL);
	rc = finish_new(rc, dir, new_dentry, lower_dir, lower_new);
	if (!rc && d_really_is_positive(new_dentry)) {
		set_nlink(d_inode(old_dentry),
			  ecryptfs_inode_to_lower(d_inode(old_dentry))->i_nlink);
		i_size_write(d_inode(new_dentry), size);
	}
	return rc;
}

static int ecryptfs_unlink(struct inode *dir, struct dentry *dentry)
{
	return ecryptfs_do_unlink(dir, dentry, d_inode(dentry));
}

static int ecryptfs_symlink(ecryptfs_idmap_t *idmap, struct inode *dir,
			    struct dentry *dentry, const char *symname)
{
	struct dentry *lower_dentry;
	struct inode *lower_dir;
	char *enc = NULL;
	size_t len;
	int rc;

	if (ecryptfs_encrypts_names(dir->i_sb)) {
		rc = ecryptfs_encrypt_filename(ecryptfs_mcs(dir->i_sb), symname,
					       strlen(symname), &enc, &len);
		if (rc)
			return rc;
		symname = enc;
	}
	lower_dir = lock_parent(dentry, &lower_dentry);
	if (IS_ERR(lower_dir)) {
		kfree(enc);
		return PTR_ERR(lower_dir);
	}
	rc = ecryptfs_vfs_symlink(lower_dir, lower_dentry, symname);
	kfree(enc);
	return finish_new(rc, dir, dentry, lower_dir, lower_dentry);
}

static ECRYPTFS_MKDIR_RET ecryptfs_mkdir(ecryptfs_idmap_t *idmap,
					 struct inode *dir,
					 struct dentry *dentry, umode_t mode)
{
	struct dentry *lower_dentry, *made;
	struct inode *lower_dir;
	int rc;

	lower_dir = lock_parent(dentry, &lower_dentry);
	if (IS_ERR(lower_dir))
		return ecryptfs_mkdir_ret(PTR_ERR(lower_dir));
	rc = ecryptfs_vfs_mkdir(lower_dir, lower_dentry, mode, &made);
	if (rc) {
		inode_unlock(lower_dir);
		d_drop(dentry);
		return ecryptfs_mkdir_ret(rc);
	}
	/*
	 * A lower file system may name the new directory by another
	 * dentry than ours (6.15 on): ours then stays negative, and the
	 * next lookup finds the directory.
	 */
	rc = finish_new(0, dir, dentry, lower_dir, made);
	dput(made);
	return ecryptfs_mkdir_ret(rc);
}

static int ecryptfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	struct dentry *lower_dentry;
	struct inode *lower_dir;
	int rc;

	lower_dir = lock_parent(dentry, &lower_dentry);
	if (IS_ERR(lower_dir))
		return PTR_ERR(lower_dir);
	dget(lower_dentry);
	if (d_unhashed(lower_dentry))
		rc = -EINVAL;
	else
		rc = ecryptfs_vfs_rmdir(lower_dir, lower_dentry);
	if (!rc) {
		clear_nlink(d_inode(dentry));
		fsstack_copy_attr_times(dir, lower_dir);
		set_nlink(dir, lower_dir->i_nlink);
	}
	dput(lower_dentry);
	inode_unlock(lower_dir);
	if (!rc)
		d_drop(dentry);
	return rc;
}

static int ecryptfs_mknod(ecryptfs_idmap_t *idmap, struct inode *dir,
			  struct dentry *dentry, umode_t mode, dev_t dev)
{
	struct dentry *lower_dentry;
	struct inode *lower_dir;
	int rc;

	lower_dir = lock_parent(dentry, &lower_dentry);
	if (IS_ERR(lower_dir))
		return PTR_ERR(lower_dir);
	rc = ecryptfs_vfs_mknod(lower_dir, lower_dentry, mode, dev);
	return finish_new(rc, dir, dentry, lower_dir, lower_dentry);
}

static int ecryptfs_rename(ecryptfs_idmap_t *idmap, struct inode *old_dir,
			   struct dentry *old_dentry, struct inode *new_dir,
			   struct dentry *new_dentry, unsigned int flags)
{
	struct dentry *lower_old = ecryptfs_dentry_to_lower(old_dentry);
	struct dentry *lower_new = ecryptfs_dentry_to_lower(new_dentry);
	struct dentry *lower_old_dir = ecryptfs_dentry_to_lower(old_dentry->d_parent);
	struct dentry *lower_new_dir = ecryptfs_dentry_to_lower(new_dentry->d_parent);
	struct inode *target = d_inode(new_dentry);
	struct ecryptfs_rename r;
	int rc;

	if (flags)
		return -EINVAL;
	dget(lower_new);
	rc = ecryptfs_lock_rename(&r, lower_old_dir, lower_old, lower_new_dir,
				  lower_new);
	if (rc) {
		dput(lower_new);
		return rc;
	}
	rc = ecryptfs_vfs_rename(&r, lower_old, lower_new);
	if (rc)
		goto out;
	if (target)
		fsstack_copy_attr_all(target, ecryptfs_inode_to_lower(target));
	fsstack_copy_attr_all(new_dir, d_inode(lower_new_dir));
	if (new_dir != old_dir)
		fsstack_copy_attr_all(old_dir, d_inode(lower_old_dir));
out:
	ecryptfs_unlock_rename(&r);
	dput(lower_new);
	return rc;
}

/* The (decrypted) target of a symlink, kmalloc'ed. */
static char *ecryptfs_readlink_lower(struct dentry *dentry, size_t *len)
{
	struct dentry *lower_dentry = ecryptfs_dentry_to_lower(dentry);
	DEFINE_DELAYED_CALL(lower_done);
	const char *link;
	char *buf;
	int rc;

	link = vfs_get_link(lower_dentry, &lower_done);
	if (IS_ERR(link))
		return ERR_CAST(link);
	rc = ecryptfs_decode_name(dentry->d_sb, link, strlen(link), &buf, len);
	do_delayed_call(&lower_done);
	return rc ? ERR_PTR(rc) : buf;
}

static const char *ecryptfs_get_link(struct dentry *dentry,
				     struct inode *inode,
				     struct delayed_call *done)
{
	size_t len;
	char *buf;

	if (!dentry)
		return ERR_PTR(-ECHILD);
	buf = ecryptfs_readlink_lower(dentry, &len);
	if (IS_ERR(buf))
		return buf;
	fsstack_copy_attr_atime(inode,
				d_inode(ecryptfs_dentry_to_lower(dentry)));
	set_delayed_call(done, kfree_link, buf);
	return buf;
}

static int ecryptfs_permission(ecryptfs_idmap_t *idmap, struct inode *inode,
			       int mask)
{
	return inode_permission(ECRYPTFS_NOP_IDMAP,
				ecryptfs_inode_to_lower(inode), mask);
}

/*
 * Size change of an encrypted file (spec §1.8).  Fills @lower_ia with
 * the lower truncation when one is needed.  The lower file is open.
 */
static int truncate_upper(struct dentry *dentry, struct iattr *ia,
			  struct iattr *lower_ia)
{
	struct inode *inode = d_inode(dentry);
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	struct inode *lower_inode = ecryptfs_inode_to_lower(inode);
	loff_t isize = i_size_read(inode);
	loff_t new = ia->ia_size;
	loff_t lower_new;
	int rc;

	lower_ia->ia_valid &= ~ATTR_SIZE;
	if (new == isize)
		return 0;
	if (!(cs->flags & ECRYPTFS_ENCRYPTED)) {
		truncate_setsize(inode, new);
		lower_ia->ia_size = new;
		lower_ia->ia_valid |= ATTR_SIZE;
		return 0;
	}
	if (new > isize) {
		char zero = 0;

		rc = inode_newsize_ok(lower_inode,
				      ecryptfs_lower_size(new,
							  ecryptfs_lower_header_size(cs)));
		if (rc)
			return rc;
		return ecryptfs_write(inode, &zero, new - 1, 1);
	}
	if (new & (PAGE_SIZE - 1)) {
		size_t zeros = PAGE_SIZE - (new & (PAGE_SIZE - 1));
		char *z = kzalloc(zeros, GFP_KERNEL);

		if (!z)
			return -ENOMEM;
		rc = ecryptfs_write(inode, z, new, zeros);
		kfree(z);
		if (rc)
			return rc;
	}
	truncate_setsize(inode, new);
	/* Everything below the new size is in the lower file now. */
	ecryptfs_lower_holds(inode, new);
	rc = ecryptfs_write_size_field(inode);
	if (rc < 0)
		return rc;
	lower_new = ecryptfs_lower_size(new, ecryptfs_lower_header_size(cs));
	if (lower_new < i_size_read(lower_inode)) {
		lower_ia->ia_size = lower_new;
		lower_ia->ia_valid |= ATTR_SIZE;
	}
	return 0;
}

/**
 * ecryptfs_truncate() - set the upper size of a file (used to extend the
 * file before a write past EOF)
 * @dentry: upper dentry
 * @new_length: new size
 *
 * Return: 0 or a negative errno.
 */
int ecryptfs_truncate(struct dentry *dentry, loff_t new_length)
{
	struct inode *inode = d_inode(dentry);
	struct iattr ia = { .ia_valid = ATTR_SIZE, .ia_size = new_length };
	struct iattr lower_ia = { .ia_valid = 0 };
	struct dentry *lower_dentry = ecryptfs_dentry_to_lower(dentry);
	int rc;

	rc = ecryptfs_get_lower_file(dentry, inode);
	if (rc)
		return rc;
	rc = truncate_upper(dentry, &ia, &lower_ia);
	if (!rc && (lower_ia.ia_valid & ATTR_SIZE)) {
		inode_lock(d_inode(lower_dentry));
		rc = notify_change(ECRYPTFS_NOP_IDMAP, lower_dentry, &lower_ia,
				   NULL);
		inode_unlock(d_inode(lower_dentry));
	}
	ecryptfs_put_lower_file(inode);
	return rc;
}

/*
 * Encryption is deferred to writeback, so data still dirty in the page
 * cache (and a size field not yet written) would reach the lower file
 * after the times a caller sets now, and the lower file's mtime (which the
 * upper inode copies) would be the time of that later write: "cp -p" and
 * "touch -d" on a file just written would lose their times.  Write it all
 * out first.
 */
static int ecryptfs_settle_lower(struct dentry *dentry, struct inode *inode)
{
	struct ecryptfs_inode_info *ii = ecryptfs_inode_to_private(inode);
	int rc;

	rc = filemap_write_and_wait(inode->i_mapping);
	if (rc || !test_bit(ECRYPTFS_SIZE_DIRTY, &ii->state))
		return rc;
	rc = ecryptfs_get_lower_file(dentry, inode);
	if (rc)
		return rc;
	rc = ecryptfs_sync_size(inode);
	ecryptfs_put_lower_file(inode);
	return rc;
}

static int ecryptfs_setattr(ecryptfs_idmap_t *idmap, struct dentry *dentry,
			    struct iattr *ia)
{
	struct inode *inode = d_inode(dentry);
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	struct ecryptfs_mount_crypt_stat *mcs = ecryptfs_mcs(inode->i_sb);
	struct dentry *lower_dentry = ecryptfs_dentry_to_lower(dentry);
	struct inode *lower_inode = ecryptfs_inode_to_lower(inode);
	struct iattr lower_ia;
	bool have_lower = false;
	int rc = 0;

	mutex_lock(&cs->cs_mutex);
	if (d_is_dir(dentry)) {
		cs->flags &= ~ECRYPTFS_ENCRYPTED;
	} else if (d_is_reg(dentry) &&
		   (!(cs->flags & ECRYPTFS_POLICY_APPLIED) ||
		    !(cs->flags & ECRYPTFS_KEY_VALID))) {
		rc = ecryptfs_get_lower_file(dentry, inode);
		if (rc) {
			mutex_unlock(&cs->cs_mutex);
			return rc;
		}
		rc = ecryptfs_read_metadata(dentry, inode);
		ecryptfs_put_lower_file(inode);
		if (rc) {
			if (!(mcs->flags & ECRYPTFS_PLAINTEXT_PASSTHROUGH_ENABLED)) {
				ecryptfs_warn_rl(inode, "either the lower file is not in a valid eCryptfs format, or the key could not be retrieved; plaintext passthrough mode is not enabled; returning -EIO\n");
				mutex_unlock(&cs->cs_mutex);
				return -EIO;
			}
			rc = 0;
			cs->flags &= ~(ECRYPTFS_I_SIZE_INITIALIZED |
				       ECRYPTFS_ENCRYPTED);
		}
	}
	mutex_unlock(&cs->cs_mutex);

	rc = setattr_prepare(ECRYPTFS_NOP_IDMAP, dentry, ia);
	if (rc)
		return rc;
	if (d_is_reg(dentry) && (ia->ia_valid & (ATTR_ATIME | ATTR_MTIME))) {
		rc = ecryptfs_settle_lower(dentry, inode);
		if (rc)
			return rc;
	}
	memcpy(&lower_ia, ia, sizeof(lower_ia));
	if (ia->ia_valid & ATTR_FILE)
		lower_ia.ia_file = ecryptfs_file_to_lower(ia->ia_file);
	if (ia->ia_valid & ATTR_SIZE) {
		rc = ecryptfs_get_lower_file(dentry, inode);
		if (rc)
			return rc;
		have_lower = true;
		rc = truncate_upper(dentry, ia, &lower_ia);
		if (rc)
			goto out;
	}
	/* Clearing setuid/setgid only: let the lower fs decide the mode. */
	if (lower_ia.ia_valid & (ATTR_KILL_SUID | ATTR_KILL_SGID))
		lower_ia.ia_valid &= ~ATTR_MODE;

	inode_lock(d_inode(lower_dentry));
	rc = notify_change(ECRYPTFS_NOP_IDMAP, lower_dentry, &lower_ia, NULL);
	inode_unlock(d_inode(lower_dentry));
out:
	if (have_lower)
		ecryptfs_put_lower_file(inode);
	fsstack_copy_attr_all(inode, lower_inode);
	return rc;
}

static int ecryptfs_getattr(ecryptfs_idmap_t *idmap, const struct path *path,
			    struct kstat *stat, u32 request_mask,
			    unsigned int flags)
{
	struct dentry *dentry = path->dentry;
	struct kstat lower_stat;
	int rc;

	rc = ecryptfs_lower_getattr(ecryptfs_dentry_to_lower_path(dentry),
				    &lower_stat, request_mask, flags);
	if (rc)
		return rc;
	fsstack_copy_attr_all(d_inode(dentry),
			      ecryptfs_inode_to_lower(d_inode(dentry)));
	ecryptfs_fillattr(ECRYPTFS_NOP_IDMAP, request_mask, d_inode(dentry),
			  stat);
	stat->blocks = lower_stat.blocks;
	return 0;
}

static int ecryptfs_getattr_link(ecryptfs_idmap_t *idmap,
				 const struct path *path, struct kstat *stat,
				 u32 request_mask, unsigned int flags)
{
	struct dentry *dentry = path->dentry;
	size_t len;
	char *target;
	int rc;

	rc = ecryptfs_getattr(idmap, path, stat, request_mask, flags);
	if (rc || !ecryptfs_encrypts_names(dentry->d_sb))
		return rc;
	target = ecryptfs_readlink_lower(dentry, &len);
	if (IS_ERR(target))
		return PTR_ERR(target);
	kfree(target);
	stat->size = len;
	return 0;
}

static ssize_t ecryptfs_listxattr(struct dentry *dentry, char *list,
				  size_t size)
{
	struct dentry *lower_dentry = ecryptfs_dentry_to_lower(dentry);
	struct inode *lower_inode = d_inode(lower_dentry);
	ssize_t rc;

	if (!lower_inode->i_op->listxattr)
		return -EOPNOTSUPP;
	inode_lock(lower_inode);
	rc = lower_inode->i_op->listxattr(lower_dentry, list, size);
	inode_unlock(lower_inode);
	return rc;
}

static int ecryptfs_fileattr_get(struct dentry *dentry, struct ecryptfs_fileattr *fa)
{
	return vfs_fileattr_get(ecryptfs_dentry_to_lower(dentry), fa);
}

static int ecryptfs_fileattr_set(ecryptfs_idmap_t *idmap,
				 struct dentry *dentry, struct ecryptfs_fileattr *fa)
{
	struct dentry *lower_dentry = ecryptfs_dentry_to_lower(dentry);
	int rc;

	rc = vfs_fileattr_set(ECRYPTFS_NOP_IDMAP, lower_dentry, fa);
	fsstack_copy_attr_all(d_inode(dentry), d_inode(lower_dentry));
	return rc;
}

#ifdef ECRYPTFS_HAVE_DENTRY_ACL_OPS
static struct posix_acl *ecryptfs_get_acl(ecryptfs_idmap_t *idmap,
					  struct dentry *dentry, int type)
{
	return vfs_get_acl(ECRYPTFS_NOP_IDMAP, ecryptfs_dentry_to_lower(dentry),
			   posix_acl_xattr_name(type));
}

static int ecryptfs_set_acl(ecryptfs_idmap_t *idmap, struct dentry *dentry,
			    struct posix_acl *acl, int type)
{
	struct dentry *lower_dentry = ecryptfs_dentry_to_lower(dentry);
	int rc;

	rc = vfs_set_acl(ECRYPTFS_NOP_IDMAP, lower_dentry,
			 posix_acl_xattr_name(type), acl);
	fsstack_copy_attr_all(d_inode(dentry), d_inode(lower_dentry));
	return rc;
}
#define ECRYPTFS_ACL_OPS .get_acl = ecryptfs_get_acl, .set_acl = ecryptfs_set_acl,
#else
#define ECRYPTFS_ACL_OPS
#endif

const struct inode_operations ecryptfs_symlink_iops = {
	.get_link = ecryptfs_get_link,
	.permission = ecryptfs_permission,
	.setattr = ecryptfs_setattr,
	.getattr = ecryptfs_getattr_link,
	.listxattr = ecryptfs_listxattr,
};

const struct inode_operations ecryptfs_dir_iops = {
	.create = ecryptfs_create,
	.lookup = ecryptfs_lookup,
	.link = ecryptfs_link,
	.unlink = ecryptfs_unlink,
	.symlink = ecryptfs_symlink,
	.mkdir = ecryptfs_mkdir,
	.rmdir = ecryptfs_rmdir,
	.mknod = ecryptfs_mknod,
	.rename = ecryptfs_rename,
	.permission = ecryptfs_permission,
	.setattr = ecryptfs_setattr,
	.getattr = ecryptfs_getattr,
	.listxattr = ecryptfs_listxattr,
	.fileattr_get = ecryptfs_fileattr_get,
	.fileattr_set = ecryptfs_fileattr_set,
	ECRYPTFS_ACL_OPS
};

const struct inode_operations ecryptfs_main_iops = {
	.permission = ecryptfs_permission,
	.setattr = ecryptfs_setattr,
	.getattr = ecryptfs_getattr,
	.listxattr = ecryptfs_listxattr,
	.fileattr_get = ecryptfs_fileattr_get,
	.fileattr_set = ecryptfs_fileattr_set,
	ECRYPTFS_ACL_OPS
};

static int ecryptfs_xattr_get(const struct xattr_handler *handler,
			      struct dentry *dentry, struct inode *inode,
			      const char *name, void *value, size_t size)
{
	struct dentry *lower_dentry = ecryptfs_dentry_to_lower(dentry);
	struct inode *lower_inode = ecryptfs_inode_to_lower(inode);
	ssize_t rc;

	if (!(lower_inode->i_opflags & IOP_XATTR))
		return -EOPNOTSUPP;
	inode_lock(lower_inode);
	rc = __vfs_getxattr(lower_dentry, lower_inode, name, value, size);
	inode_unlock(lower_inode);
	return rc;
}

static int ecryptfs_xattr_set(const struct xattr_handler *handler,
			      ecryptfs_idmap_t *idmap, struct dentry *dentry,
			      struct inode *inode, const char *name,
			      const void *value, size_t size, int flags)
{
	struct dentry *lower_dentry = ecryptfs_dentry_to_lower(dentry);
	struct inode *lower_inode = d_inode(lower_dentry);
	int rc;

	if (!(lower_inode->i_opflags & IOP_XATTR))
		return -EOPNOTSUPP;
	inode_lock(lower_inode);
	if (value)
		rc = __vfs_setxattr_locked(ECRYPTFS_NOP_IDMAP, lower_dentry,
					   name, value, size, flags, NULL);
	else
		rc = __vfs_removexattr(ECRYPTFS_NOP_IDMAP, lower_dentry, name);
	inode_unlock(lower_inode);
	if (!rc && inode)
		fsstack_copy_attr_all(inode, lower_inode);
	return rc;
}

static const struct xattr_handler ecryptfs_xattr_handler = {
	.prefix = "",	/* catch all */
	.get = ecryptfs_xattr_get,
	.set = ecryptfs_xattr_set,
};

const struct xattr_handler *ecryptfs_xattr_handlers[] = {
	&ecryptfs_xattr_handler,
	NULL,
};
