// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs: file operations, the shared lower file of an inode.
 */

#include <linux/slab.h>
#include <linux/file.h>
#include <linux/fs_stack.h>
#include <linux/cred.h>
#include <linux/sched/task.h>
#include <linux/mount.h>
#include <linux/fs.h>
#include <linux/uio.h>
#include <linux/fsnotify.h>
#include <linux/writeback.h>

#include "ecryptfs_kernel.h"
#include "statahead.h"

/*
 * Open the lower file read-write with the caller's credentials, else with
 * the kernel's (what the reference's kernel thread does), read-only only
 * when the lower filesystem is read-only.
 */
static int ecryptfs_privileged_open(struct file **out, const struct path *path)
{
	const struct cred *kcred;
	struct file *f;
	int flags = O_LARGEFILE;

	flags |= sb_rdonly(path->dentry->d_sb) ? O_RDONLY : O_RDWR;
	f = dentry_open(path, flags, current_cred());
	if (!IS_ERR(f))
		goto ok;
	if (flags & O_RDWR) {
		kcred = prepare_kernel_cred(&init_task);
		if (!kcred)
			return -ENOMEM;
		f = dentry_open(path, flags, kcred);
		put_cred(kcred);
		if (!IS_ERR(f))
			goto ok;
	}
	return PTR_ERR(f);
ok:
	*out = f;
	return 0;
}

/**
 * ecryptfs_get_lower_file() - take a reference on the inode's lower file
 * @dentry: upper dentry (for the lower path)
 * @inode: upper inode
 *
 * Return: 0 or a negative errno.
 */
int ecryptfs_get_lower_file(struct dentry *dentry, struct inode *inode)
{
	struct ecryptfs_inode_info *ii = ecryptfs_inode_to_private(inode);
	int rc = 0;

	mutex_lock(&ii->lower_file_mutex);
	if (atomic_inc_return(&ii->lower_file_count) == 1) {
		rc = ecryptfs_privileged_open(&ii->lower_file,
					      ecryptfs_dentry_to_lower_path(dentry));
		if (rc) {
			ii->lower_file = NULL;
			atomic_dec(&ii->lower_file_count);
		}
	}
	mutex_unlock(&ii->lower_file_mutex);
	return rc;
}

/**
 * ecryptfs_put_lower_file() - drop a reference; the last one flushes the
 * upper page cache to the lower file and closes it
 * @inode: upper inode
 */
void ecryptfs_put_lower_file(struct inode *inode)
{
	struct ecryptfs_inode_info *ii = ecryptfs_inode_to_private(inode);

	if (!atomic_dec_and_mutex_lock(&ii->lower_file_count,
				       &ii->lower_file_mutex))
		return;
	filemap_write_and_wait(inode->i_mapping);
	ecryptfs_sync_size(inode);
	fput(ii->lower_file);
	ii->lower_file = NULL;
	mutex_unlock(&ii->lower_file_mutex);
}

/* Open: key the file or convert/passthrough it (spec §1.5). */
static int ecryptfs_open(struct inode *inode, struct file *file)
{
	struct dentry *dentry = file->f_path.dentry;
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	struct ecryptfs_mount_crypt_stat *mcs = ecryptfs_mcs(inode->i_sb);
	struct ecryptfs_inode_info *ii = ecryptfs_inode_to_private(inode);
	struct ecryptfs_file_info *fi;
	int rc;

	mutex_lock(&cs->cs_mutex);
	if (!(cs->flags & ECRYPTFS_POLICY_APPLIED))
		cs->flags |= ECRYPTFS_POLICY_APPLIED | ECRYPTFS_ENCRYPTED;
	mutex_unlock(&cs->cs_mutex);

	fi = kzalloc(sizeof(*fi), GFP_KERNEL);
	if (!fi)
		return -ENOMEM;
	rc = ecryptfs_get_lower_file(dentry, inode);
	if (rc) {
		ecryptfs_err_rl(inode, "cannot open the lower file; rc = [%d]\n",
				rc);
		goto out_free;
	}
	if ((ii->lower_file->f_flags & O_ACCMODE) == O_RDONLY &&
	    (file->f_flags & O_ACCMODE) != O_RDONLY) {
		rc = -EPERM;
		ecryptfs_err_rl(inode, "lower file is RO; eCryptfs file must be opened RO\n");
		goto out_put;
	}
	fi->lower_file = ii->lower_file;
	file->private_data = fi;

	mutex_lock(&cs->cs_mutex);
	if ((cs->flags & ECRYPTFS_POLICY_APPLIED) &&
	    (cs->flags & ECRYPTFS_KEY_VALID)) {
		mutex_unlock(&cs->cs_mutex);
		return 0;
	}
	rc = ecryptfs_read_metadata(dentry, inode);
	if (rc) {
		if (mcs->flags & ECRYPTFS_PLAINTEXT_PASSTHROUGH_ENABLED) {
			cs->flags &= ~(ECRYPTFS_I_SIZE_INITIALIZED |
				       ECRYPTFS_ENCRYPTED);
			i_size_write(inode,
				     i_size_read(ecryptfs_inode_to_lower(inode)));
			rc = 0;
		} else if (!(mcs->flags & ECRYPTFS_XATTR_METADATA_ENABLED) &&
			   !i_size_read(ecryptfs_inode_to_lower(inode))) {
			rc = ecryptfs_new_file_context(inode, NULL);
			if (!rc) {
				i_size_write(inode, 0);
				cs->flags |= ECRYPTFS_I_SIZE_INITIALIZED;
				rc = ecryptfs_write_metadata(dentry, inode);
			}
			if (rc)
				rc = -EIO;
		} else {
			ecryptfs_warn_rl(inode, "valid eCryptfs header or usable key not found; rc = [%d]\n",
					 rc);
			rc = -EIO;
		}
	}
	mutex_unlock(&cs->cs_mutex);
	if (!rc)
		return 0;
out_put:
	ecryptfs_put_lower_file(inode);
out_free:
	file->private_data = NULL;
	kfree(fi);
	return rc;
}

static int ecryptfs_release(struct inode *inode, struct file *file)
{
	ecryptfs_put_lower_file(inode);
	kfree(file->private_data);
	return 0;
}

static int ecryptfs_dir_open(struct inode *inode, struct file *file)
{
	struct ecryptfs_file_info *fi;
	struct file *lower;

	fi = kzalloc(sizeof(*fi), GFP_KERNEL);
	if (!fi)
		return -ENOMEM;
	lower = dentry_open(ecryptfs_dentry_to_lower_path(file->f_path.dentry),
			    file->f_flags, current_cred());
	if (IS_ERR(lower)) {
		kfree(fi);
		return PTR_ERR(lower);
	}
	fi->lower_file = lower;
	file->private_data = fi;
	return 0;
}

static int ecryptfs_dir_release(struct inode *inode, struct file *file)
{
	fput(ecryptfs_file_to_lower(file));
	kfree(file->private_data);
	return 0;
}

static loff_t ecryptfs_dir_llseek(struct file *file, loff_t offset, int whence)
{
	return vfs_llseek(ecryptfs_file_to_lower(file), offset, whence);
}

struct ecryptfs_getdents_ctx {
	struct dir_context ctx;
	struct dir_context *caller;
	struct super_block *sb;
	struct ecryptfs_statahead sa;
	int filldir_called;
	int entries_written;
	int err;
};

static bool ecryptfs_filldir(struct dir_context *ctx, const char *name,
			     int namelen, loff_t offset, u64 ino,
			     unsigned int d_type)
{
	struct ecryptfs_getdents_ctx *buf =
		container_of(ctx, struct ecryptfs_getdents_ctx, ctx);
	size_t plen;
	char *plain;
	bool res;
	int rc;

	buf->filldir_called++;
	buf->caller->pos = buf->ctx.pos;
	if (!ecryptfs_encrypts_names(buf->sb)) {
		res = dir_emit(buf->caller, name, namelen, ino, d_type);
		if (res)
			ecryptfs_statahead_note(&buf->sa, name, namelen, NULL,
						0, ino, d_type);
	} else {
		rc = ecryptfs_decode_name(buf->sb, name, namelen, &plain,
					  &plen);
		if (rc == -EINVAL)
			return true;	/* a plaintext lower name: hidden */
		if (rc) {
			buf->err = rc;
			return false;
		}
		res = dir_emit(buf->caller, plain, plen, ino, d_type);
		if (res)
			ecryptfs_statahead_note(&buf->sa, name, namelen, plain,
						plen, ino, d_type);
		kfree(plain);
	}
	if (res)
		buf->entries_written++;
	return res;
}

static int ecryptfs_readdir(struct file *file, struct dir_context *ctx)
{
	struct file *lower = ecryptfs_file_to_lower(file);
	struct ecryptfs_getdents_ctx buf = {
		.ctx.actor = ecryptfs_filldir,
		.caller = ctx,
		.sb = file_inode(file)->i_sb,
	};
	int rc;

	ecryptfs_statahead_init(&buf.sa, file_inode(file), &lower->f_path);
	buf.sa.upper = file->f_path.dentry;
	rc = iterate_dir(lower, &buf.ctx);
	ctx->pos = buf.ctx.pos;
	ecryptfs_statahead_end(&buf.sa);
	if (rc >= 0 && buf.err)
		rc = buf.err;
	if (rc >= 0 && (buf.entries_written || !buf.filldir_called))
		fsstack_copy_attr_atime(file_inode(file), file_inode(lower));
	return rc;
}

static ssize_t ecryptfs_read_update_atime(struct kiocb *iocb,
					  struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	ssize_t rc;

	rc = generic_file_read_iter(iocb, to);
	if (rc >= 0)
		touch_atime(&ecryptfs_file_to_lower(file)->f_path);
	return rc;
}

/*
 * Write-behind.  A file written sequentially is handed to writeback every
 * ECRYPTFS_WRITE_BEHIND bytes, on another CPU than the writer's, instead
 * of all at once at close, fsync or when the system's dirty limits are
 * reached: the encryption of what was written overlaps the writing of
 * what follows.  Semantics are unchanged (the lower file may lag behind
 * the page cache until close/fsync, as before; it just lags less).
 */
#define ECRYPTFS_WRITE_BEHIND SZ_1M

/**
 * ecryptfs_write_behind_work() - write back the range handed over by
 * ecryptfs_write_iter()
 * @work: the inode's wb_work
 */
void ecryptfs_write_behind_work(struct work_struct *work)
{
	struct ecryptfs_inode_info *ii =
		container_of(work, struct ecryptfs_inode_info, wb_work);
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_NONE,
		.nr_to_write = LONG_MAX,
	};

	spin_lock(&ii->wb_lock);
	wbc.range_start = ii->wb_start;
	wbc.range_end = ii->wb_end - 1;
	ii->wb_start = ii->wb_end = 0;
	spin_unlock(&ii->wb_lock);
	if (wbc.range_end >= wbc.range_start)
		filemap_fdatawrite_wbc(ii->vfs_inode.i_mapping, &wbc);
}

/* Note a write of [@start, @end) to an encrypted file. */
static void ecryptfs_note_write(struct inode *inode, loff_t start, loff_t end)
{
	struct ecryptfs_inode_info *ii = ecryptfs_inode_to_private(inode);
	bool kick = false;

	spin_lock(&ii->wb_lock);
	if (start != ii->wb_run_end)
		ii->wb_run_start = start;
	ii->wb_run_end = end;
	if (end - ii->wb_run_start >= ECRYPTFS_WRITE_BEHIND) {
		if (ii->wb_end > ii->wb_start) {
			/* Not taken yet: widen it. */
			ii->wb_start = min(ii->wb_start, ii->wb_run_start);
			ii->wb_end = max(ii->wb_end, end);
		} else {
			ii->wb_start = ii->wb_run_start;
			ii->wb_end = end;
		}
		ii->wb_run_start = end;
		kick = true;
	}
	spin_unlock(&ii->wb_lock);
	if (kick)
		ecryptfs_queue_work_elsewhere(&ii->wb_work);
}

static ssize_t ecryptfs_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	ssize_t rc;

	rc = generic_file_write_iter(iocb, from);
	/* ki_pos is past what was written (also for O_APPEND). */
	if (rc > 0 && (ecryptfs_crypt_stat(inode)->flags & ECRYPTFS_ENCRYPTED))
		ecryptfs_note_write(inode, iocb->ki_pos - rc, iocb->ki_pos);
	return rc;
}

static ssize_t ecryptfs_splice_read(struct file *in, loff_t *ppos,
				    struct pipe_inode_info *pipe, size_t len,
				    unsigned int flags)
{
	ssize_t rc;

	rc = ecryptfs_splice_read_pagecache(in, ppos, pipe, len, flags);
	if (rc >= 0)
		touch_atime(&ecryptfs_file_to_lower(in)->f_path);
	return rc;
}

static int ecryptfs_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct file *lower = ecryptfs_file_to_lower(file);

	if (!lower->f_op->mmap)
		return -ENODEV;
	return generic_file_mmap(file, vma);
}

static int ecryptfs_flush(struct file *file, fl_owner_t id)
{
	struct file *lower = ecryptfs_file_to_lower(file);
	int rc;

	/*
	 * Encrypted data and the size field reach the lower file on close of
	 * a writable file (only those can dirty pages: write(), shared mmap).
	 */
	rc = 0;
	if (file->f_mode & FMODE_WRITE) {
		rc = filemap_write_and_wait(file->f_mapping);
		if (!rc)
			rc = ecryptfs_sync_size(file_inode(file));
	}
	if (lower->f_op->flush) {
		int rc2 = lower->f_op->flush(lower, id);

		if (!rc)
			rc = rc2;
	}
	return rc;
}

static int ecryptfs_fsync(struct file *file, loff_t start, loff_t end,
			  int datasync)
{
	int rc;

	rc = file_write_and_wait(file);
	if (rc)
		return rc;
	if (S_ISREG(file_inode(file)->i_mode)) {
		rc = ecryptfs_sync_size(file_inode(file));
		if (rc)
			return rc;
		ecryptfs_wait_header(file_inode(file));
		/* An error of the header write, if any. */
		rc = file_check_and_advance_wb_err(file);
		if (rc)
			return rc;
	}
	return vfs_fsync(ecryptfs_file_to_lower(file), datasync);
}

static int ecryptfs_fasync(int fd, struct file *file, int flag)
{
	struct file *lower = ecryptfs_file_to_lower(file);

	if (lower->f_op->fasync)
		return lower->f_op->fasync(fd, lower, flag);
	return 0;
}

static bool ecryptfs_ioctl_allowed(unsigned int cmd)
{
	switch (cmd) {
	case FITRIM:
	case FS_IOC_GETFLAGS:
	case FS_IOC_SETFLAGS:
	case FS_IOC_GETVERSION:
	case FS_IOC_SETVERSION:
		return true;
	default:
		return false;
	}
}

/* Forward an allowed ioctl to the lower file, then recopy attributes. */
static long forward_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg, bool compat)
{
	struct file *lower = ecryptfs_file_to_lower(file);
	long (*fn)(struct file *f, unsigned int c, unsigned long a);
	long rc;

	fn = compat ? lower->f_op->compat_ioctl : lower->f_op->unlocked_ioctl;
	if (!fn)
		return compat ? -ENOIOCTLCMD : -ENOTTY;
	rc = fn(lower, cmd, arg);
	fsstack_copy_attr_all(file_inode(file), file_inode(lower));
	return rc;
}

static long ecryptfs_unlocked_ioctl(struct file *file, unsigned int cmd,
				    unsigned long arg)
{
	if (!ecryptfs_ioctl_allowed(cmd))
		return -ENOTTY;
	return forward_ioctl(file, cmd, arg, false);
}

#ifdef CONFIG_COMPAT
static long ecryptfs_compat_ioctl(struct file *file, unsigned int cmd,
				  unsigned long arg)
{
	switch (cmd) {
	case FITRIM:
	case FS_IOC32_GETFLAGS:
	case FS_IOC32_SETFLAGS:
	case FS_IOC32_GETVERSION:
	case FS_IOC32_SETVERSION:
		return forward_ioctl(file, cmd, arg, true);
	default:
		return -ENOIOCTLCMD;
	}
}
#endif

const struct file_operations ecryptfs_main_fops = {
	.llseek = generic_file_llseek,
	.read_iter = ecryptfs_read_update_atime,
	.write_iter = ecryptfs_write_iter,
	.unlocked_ioctl = ecryptfs_unlocked_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl = ecryptfs_compat_ioctl,
#endif
	.mmap = ecryptfs_mmap,
	.open = ecryptfs_open,
	.flush = ecryptfs_flush,
	.release = ecryptfs_release,
	.fsync = ecryptfs_fsync,
	.fasync = ecryptfs_fasync,
	.splice_read = ecryptfs_splice_read,
	.splice_write = iter_file_splice_write,
};

const struct file_operations ecryptfs_dir_fops = {
	.iterate_shared = ecryptfs_readdir,
	.read = generic_read_dir,
	.unlocked_ioctl = ecryptfs_unlocked_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl = ecryptfs_compat_ioctl,
#endif
	.open = ecryptfs_dir_open,
	.release = ecryptfs_dir_release,
	.fsync = ecryptfs_fsync,
	.llseek = ecryptfs_dir_llseek,
};
