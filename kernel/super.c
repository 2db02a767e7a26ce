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
	ii->lower_inode = NULL;
	ii->wb_run_start = ii->wb_run_end = 0;
	ii->wb_start = ii->wb_end = 0;
	spin_lock_init(&ii->wb_lock);
	INIT_WORK(&ii->wb_work, ecryptfs_write_behind_work);
	atomic_set(&ii->sa_busy, 0);
	atomic_set(&ii->sa_misses, 0);
	ii->sa_scanned = jiffies - HZ;
	atomic_set(&ii->sa_data_misses, 0);
	ii->sa_data_scanned = jiffies - HZ;
	ii->hdr_buf = NULL;
	INIT_DELAYED_WORK(&ii->hdr_work, ecryptfs_header_work);
	return &ii->vfs_inode;
}

static void ecryptfs_free_inode(struct inode *inode)
{
	kmem_cache_free(ecryptfs_inode_cachep,
			ecryptfs_inode_to_private(inode));
}

/*
 * Deleted lower inodes.  The last reference to an unlinked lower inode
 * frees its blocks and the inode itself (for ext4: a journalled truncate,
 * bitmap and orphan-list updates), which is most of what an unlink costs.
 * The eviction of the upper inode hands that reference to a work item on
 * another CPU, so that unlink(2), rmdir(2) and rename(2) over a file
 * return once the name is gone.  statfs, sync and unmount wait for the
 * queue, so no caller sees the space still in use afterwards.
 */
struct ecryptfs_dead_inode {
	struct llist_node node;
	struct inode *inode;
};

/**
 * ecryptfs_dead_inodes_work() - drop the references queued by
 * ecryptfs_evict_inode() to deleted lower inodes
 * @work: the mount's dead_work
 */
void ecryptfs_dead_inodes_work(struct work_struct *work)
{
	struct ecryptfs_sb_info *sbi =
		container_of(work, struct ecryptfs_sb_info, dead_work);
	struct llist_node *list = llist_del_all(&sbi->dead_inodes);
	struct ecryptfs_dead_inode *d, *next;

	llist_for_each_entry_safe(d, next, llist_reverse_order(list), node) {
		iput(d->inode);
		kfree(d);
		cond_resched();
	}
	ecryptfs_sb_work_put(sbi);
}

/* Wait until the deleted lower inodes queued so far are released. */
static void flush_dead_inodes(struct ecryptfs_sb_info *sbi)
{
	flush_work(&sbi->dead_work);
}

/*
 * Drop the upper inode's reference to @lower: on another CPU when it is
 * probably the last one to a deleted inode, at once otherwise (also while
 * the mount ends: unmount must leave no lower inode behind).
 */
static void put_lower_inode(struct super_block *sb, struct inode *lower)
{
	struct ecryptfs_sb_info *sbi = ecryptfs_sb(sb);
	struct ecryptfs_dead_inode *d;

	if (lower->i_nlink || !(sb->s_flags & SB_ACTIVE))
		goto now;
	d = kmalloc(sizeof(*d), GFP_NOWAIT | __GFP_NOWARN);
	if (!d)
		goto now;
	d->inode = lower;
	if (llist_add(&d->node, &sbi->dead_inodes))
		ecryptfs_queue_sb_work(sbi, &sbi->dead_work);
	return;
now:
	iput(lower);
}

static void ecryptfs_evict_inode(struct inode *inode)
{
	struct ecryptfs_inode_info *ii = ecryptfs_inode_to_private(inode);

	cancel_work_sync(&ii->wb_work);
	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
	if (ii->lower_file) {
		/* Cannot happen: every get is paired with a put. */
		pr_warn_ratelimited("ecryptfs: inode %lu evicted with its lower file open\n",
				    inode->i_ino);
		fput(ii->lower_file);
		ii->lower_file = NULL;
	}
	ecryptfs_destroy_crypt_stat(&ii->crypt_stat);
	put_lower_inode(inode->i_sb, ii->lower_inode);
}

static int ecryptfs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct dentry *lower_dentry = ecryptfs_dentry_to_lower(dentry);
	int rc;

	if (!lower_dentry->d_sb->s_op->statfs)
		return -ENOSYS;
	flush_dead_inodes(ecryptfs_sb(dentry->d_sb));
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
 * cache, a new file's header may still be queued for its lower file and a
 * deleted lower inode may still wait to be freed.  Wait for those, then
 * sync the lower file system, so that what was written (or deleted)
 * through this mount is on disk when the call returns.  (The reference
 * leaves that to the lower file system's own writeback.)
 */
static int ecryptfs_sync_fs(struct super_block *sb, int wait)
{
	struct ecryptfs_sb_info *sbi = ecryptfs_sb(sb);
	struct super_block *lower_sb = sbi->lower_sb;
	int rc;

	/* lower_sb is NULL before the mount is set up and once it ends. */
	if (!wait || !lower_sb)
		return 0;
	flush_dead_inodes(sbi);
	wait_event(sbi->work_wq, !atomic_read(&sbi->hdr_busy));
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
	.remount_fs = NULL,
	.evict_inode = ecryptfs_evict_inode,
	.show_options = ecryptfs_show_options,
	.drop_inode = generic_delete_inode,
};
