// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs: superblock operations.
 */

#include <linux/slab.h>
#include <linux/seq_file.h>
#include <linux/statfs.h>
#include <linux/key.h>
#include <linux/file.h>
#include <linux/pagemap.h>

#include "ecryptfs_kernel.h"

static struct inode *ecryptfs_alloc_inode(struct super_block *sb)
{
	struct ecryptfs_inode_info *ii;

	ii = alloc_inode_sb(sb, ecryptfs_inode_cachep, GFP_KERNEL);
	if (!ii)
		return NULL;
	ecryptfs_init_crypt_stat(&ii->crypt_stat);
	mutex_init(&ii->lower_file_mutex);
	mutex_init(&ii->size_mutex);
	ii->state = 0;
	atomic_set(&ii->lower_file_count, 0);
	ii->lower_file = NULL;
	spin_lock_init(&ii->lower_file_lock);
	ii->wt_limit = 0;
	ii->lower_inode = NULL;
	return &ii->vfs_inode;
}

static void ecryptfs_free_inode(struct inode *inode)
{
	kmem_cache_free(ecryptfs_inode_cachep,
			ecryptfs_inode_to_private(inode));
}

static void ecryptfs_evict_inode(struct inode *inode)
{
	struct ecryptfs_inode_info *ii = ecryptfs_inode_to_private(inode);

	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
	if (ii->lower_file) {
		/* Cannot happen: every get is paired with a put. */
		pr_warn_ratelimited("ecryptfs: inode %llu evicted with its lower file open\n",
				    (unsigned long long)inode->i_ino);
		fput(ii->lower_file);
		ii->lower_file = NULL;
	}
	ecryptfs_destroy_crypt_stat(&ii->crypt_stat);
	iput(ii->lower_inode);
}

static int ecryptfs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct dentry *lower_dentry = ecryptfs_dentry_to_lower(dentry);
	int rc;

	if (!lower_dentry->d_sb->s_op->statfs)
		return -ENOSYS;
	rc = lower_dentry->d_sb->s_op->statfs(lower_dentry, buf);
	if (rc)
		return rc;
	buf->f_type = ECRYPTFS_SUPER_MAGIC;
	if (ecryptfs_encrypts_names(dentry->d_sb))
		buf->f_namelen = ecryptfs_fname_namelen(ecryptfs_mcs(dentry->d_sb),
							buf->f_namelen);
	return 0;
}

/**
 * ecryptfs_put_auth_toks() - drop every global auth tok of a mount
 * @mcs: the mount
 */
void ecryptfs_put_auth_toks(struct ecryptfs_mount_crypt_stat *mcs)
{
	struct ecryptfs_global_auth_tok *tok, *tmp;

	mutex_lock(&mcs->auth_toks_mutex);
	list_for_each_entry_safe(tok, tmp, &mcs->auth_toks, list) {
		list_del(&tok->list);
		key_put(tok->key);
		kfree(tok);
	}
	mutex_unlock(&mcs->auth_toks_mutex);
}

static int ecryptfs_show_options(struct seq_file *m, struct dentry *root)
{
	struct ecryptfs_mount_crypt_stat *mcs = ecryptfs_mcs(root->d_sb);
	struct ecryptfs_global_auth_tok *tok;

	mutex_lock(&mcs->auth_toks_mutex);
	list_for_each_entry(tok, &mcs->auth_toks, list) {
		if (tok->flags & ECRYPTFS_AUTH_TOK_FNEK)
			seq_printf(m, ",ecryptfs_fnek_sig=%s", tok->sig);
		else
			seq_printf(m, ",ecryptfs_sig=%s", tok->sig);
	}
	mutex_unlock(&mcs->auth_toks_mutex);
	seq_printf(m, ",ecryptfs_cipher=%s", mcs->cipher);
	if (mcs->key_bytes)
		seq_printf(m, ",ecryptfs_key_bytes=%zu", mcs->key_bytes);
	if (mcs->flags & ECRYPTFS_GLOBAL_ENCRYPT_FILENAMES) {
		seq_printf(m, ",ecryptfs_fn_cipher=%s", mcs->fn_cipher);
		if (mcs->fn_key_bytes)
			seq_printf(m, ",ecryptfs_fn_key_bytes=%zu",
				   mcs->fn_key_bytes);
	}
	if (mcs->flags & ECRYPTFS_PLAINTEXT_PASSTHROUGH_ENABLED)
		seq_puts(m, ",ecryptfs_passthrough");
	if (mcs->flags & ECRYPTFS_XATTR_METADATA_ENABLED)
		seq_puts(m, ",ecryptfs_xattr_metadata");
	if (mcs->flags & ECRYPTFS_ENCRYPTED_VIEW_ENABLED)
		seq_puts(m, ",ecryptfs_encrypted_view");
	if (mcs->flags & ECRYPTFS_UNLINK_SIGS)
		seq_puts(m, ",ecryptfs_unlink_sigs");
	if (mcs->flags & ECRYPTFS_GLOBAL_MOUNT_AUTH_TOK_ONLY)
		seq_puts(m, ",ecryptfs_mount_auth_tok_only");
	return 0;
}

/*
 * sync(2) and syncfs(2): the upper writeback only fills the lower page
 * cache; sync the lower file system too, so that what was written through
 * this mount is on disk when the call returns.  (The reference leaves that
 * to the lower file system's own writeback.)  Nothing of this mount is
 * waited for but the lower file system's own sync.
 */
static int ecryptfs_sync_fs(struct super_block *sb, int wait)
{
	struct super_block *lower_sb = ecryptfs_sb(sb)->lower_sb;
	int rc;

	/* lower_sb is NULL before the mount is set up and once it ends. */
	if (!wait || !lower_sb)
		return 0;
	down_read(&lower_sb->s_umount);
	rc = sync_filesystem(lower_sb);
	up_read(&lower_sb->s_umount);
	return rc;
}

const struct super_operations ecryptfs_sops = {
	.alloc_inode = ecryptfs_alloc_inode,
	.free_inode = ecryptfs_free_inode,
	.statfs = ecryptfs_statfs,
	.sync_fs = ecryptfs_sync_fs,
	.evict_inode = ecryptfs_evict_inode,
	.show_options = ecryptfs_show_options,
	.drop_inode = ecryptfs_drop_inode,
};
