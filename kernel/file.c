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
		struct file *f;

		rc = ecryptfs_privileged_open(&f,
					      ecryptfs_dentry_to_lower_path(dentry));
		if (rc) {
			atomic_dec(&ii->lower_file_count);
		} else {
			spin_lock(&ii->lower_file_lock);
			ii->lower_file = f;
			spin_unlock(&ii->lower_file_lock);
		}
	}
	mutex_unlock(&ii->lower_file_mutex);
	return rc;
}

/**
 * ecryptfs_lower_file_get() - a reference to the inode's lower file, for
 * whoever may run while its last opener closes it (writeback, reclaim)
 * @inode: upper inode
 *
 * Return: the lower file (fput() it) or NULL when it is not open.
 */
struct file *ecryptfs_lower_file_get(struct inode *inode)
{
	struct ecryptfs_inode_info *ii = ecryptfs_inode_to_private(inode);
	struct file *f;

	spin_lock(&ii->lower_file_lock);
	f = ii->lower_file;
	if (f)
		get_file(f);
	spin_unlock(&ii->lower_file_lock);
	return f;
}

/**
 * ecryptfs_put_lower_file() - drop a reference; the last one flushes the
 * upper page cache to the lower file and closes it
 * @inode: upper inode
 */
void ecryptfs_put_lower_file(struct inode *inode)
{
	struct ecryptfs_inode_info *ii = ecryptfs_inode_to_private(inode);
	struct file *f;

	if (!atomic_dec_and_mutex_lock(&ii->lower_file_count,
				       &ii->lower_file_mutex))
		return;
	filemap_write_and_wait(inode->i_mapping);
	ecryptfs_sync_size(inode);
	spin_lock(&ii->lower_file_lock);
	f = ii->lower_file;
	ii->lower_file = NULL;
	spin_unlock(&ii->lower_file_lock);
	fput(f);
	mutex_unlock(&ii->lower_file_mutex);
}

/**
 * ecryptfs_header_never_written() - whether a lower file without a valid
 * header never got one
 * @lower: the lower file, open, with no valid header in it or its xattr
 *
 * Such a file is empty (created, then a crash or a full disk before the
 * header reached the lower file system), or its first page reads as zeros
 * (a crash kept later pages of a file that was never fsynced but not the
 * page with its header).  No file key was ever stored for it, so none of
 * its bytes can be decrypted: it is shown as an empty file, at lookup and
 * at open alike.
 *
 * Return: true for such a file; false otherwise or when unsure (no memory).
 */
bool ecryptfs_header_never_written(struct file *lower)
{
	loff_t size = i_size_read(file_inode(lower));
	loff_t off = 0;
	bool zero;
	ssize_t n;
	u8 *buf;

	if (!size)
		return true;
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return false;
	n = kernel_read(lower, buf, PAGE_SIZE, &off);
	zero = n > 0 && n == min_t(loff_t, size, PAGE_SIZE) && !memchr_inv(buf, 0, n);
	kfree(buf);
	return zero;
}

/*
 * Open a file whose header was never written: it is an empty file.  On a
 * writable lower file it gets a new key and header now (the reference
 * does this for an empty lower file with the header in the file); a
 * read-only lower file (a read-only lower mount) is left as it is and
 * shown empty, and gets its header at the first open that can write it.
 */
static int ecryptfs_open_headerless(struct dentry *dentry, struct inode *inode,
				    struct file *lower)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	int rc;

	if (i_size_read(file_inode(lower)))
		ecryptfs_warn_rl(inode, "the header never reached the lower file (a crash?): an empty file now\n");
	i_size_write(inode, 0);
	if (!(lower->f_mode & FMODE_WRITE))
		return 0;
	rc = ecryptfs_new_file_context(inode, NULL);
	if (!rc) {
		cs->flags |= ECRYPTFS_I_SIZE_INITIALIZED;
		rc = ecryptfs_write_metadata(dentry, inode);
	}
	return rc ? -EIO : 0;
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
		} else if (ecryptfs_header_never_written(ii->lower_file)) {
			rc = ecryptfs_open_headerless(dentry, inode, ii->lower_file);
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

	rc = iterate_dir(lower, &buf.ctx);
	ctx->pos = buf.ctx.pos;
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
 * Writes to an encrypted file go through to the lower file before write(2)
 * returns, as in Linux's eCryptfs, so that an error of the lower file
 * system (ENOSPC, EIO) reaches the writer: each chunk of up to
 * ECRYPTFS_WT_CHUNK bytes is copied into the page cache, then encrypted
 * and written to the lower file with one lower write (ecryptfs_writepages);
 * the size field follows once for the whole call, after the data.  A chunk whose
 * lower write failed is taken out of the page cache again (and the size
 * it added), so that what is read afterwards is what the lower file holds.
 */
#define ECRYPTFS_WT_CHUNK SZ_128K

/* Undo a chunk [@pos, @pos + @len) whose lower write failed. */
static void write_failed(struct inode *inode, loff_t pos, size_t len,
			 loff_t old_size)
{
	loff_t keep = max(old_size, pos);

	if (i_size_read(inode) > keep) {
		i_size_write(inode, keep);
		truncate_pagecache(inode, keep);
	}
	invalidate_inode_pages2_range(inode->i_mapping, pos >> PAGE_SHIFT,
				      (pos + len - 1) >> PAGE_SHIFT);
}

static ssize_t ecryptfs_write_through(struct kiocb *iocb,
				      struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct inode *inode = file_inode(file);
	struct ecryptfs_inode_info *ii = ecryptfs_inode_to_private(inode);
	struct address_space *mapping = inode->i_mapping;
	ssize_t written = 0;
	ssize_t rc;

	inode_lock(inode);
	rc = generic_write_checks(iocb, from);
	if (rc <= 0)
		goto out;
	/* A failed writeback of this file (mmap) fails the next write. */
	rc = file_check_and_advance_wb_err(file);
	if (rc)
		goto out;
	rc = file_modified(file);
	if (rc)
		goto out;
	WRITE_ONCE(ii->wt_limit, i_size_read(inode));
	set_bit(ECRYPTFS_WT_ACTIVE, &ii->state);
	while (iov_iter_count(from)) {
		loff_t pos = iocb->ki_pos;
		loff_t old_size = i_size_read(inode);
		size_t count = iov_iter_count(from);
		size_t chunk = min_t(size_t, count, ECRYPTFS_WT_CHUNK -
				     (pos & (ECRYPTFS_WT_CHUNK - 1)));
		ssize_t n;

		iov_iter_truncate(from, chunk);
		n = generic_perform_write(iocb, from);
		iov_iter_reexpand(from, iov_iter_count(from) + count - chunk);
		if (n <= 0) {
			rc = n;
			break;
		}
		/* Kernels before 6.5 leave ki_pos to the caller. */
		iocb->ki_pos = pos + n;
		rc = filemap_write_and_wait_range(mapping, pos, pos + n - 1);
		if (rc) {
			write_failed(inode, pos, n, old_size);
			iocb->ki_pos = pos;
			/* This writer is told now, not again at fsync. */
			if (file_check_and_advance_wb_err(file))
				ecryptfs_warn_rl(inode, "write error at %lld; rc = [%zd]\n",
						 pos, rc);
			break;
		}
		ecryptfs_lower_holds(inode, pos + n);
		written += n;
		if (n < chunk)
			break;
	}
	clear_bit(ECRYPTFS_WT_ACTIVE, &ii->state);
	if (written) {
		int rc2 = ecryptfs_sync_size(inode);

		if (rc2) {
			written = 0;
			rc = rc2;
		}
	}
out:
	inode_unlock(inode);
	if (written > 0)
		return generic_write_sync(iocb, written);
	return rc;
}

static ssize_t ecryptfs_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);

	if (ecryptfs_crypt_stat(inode)->flags & ECRYPTFS_ENCRYPTED)
		return ecryptfs_write_through(iocb, from);
	return generic_file_write_iter(iocb, from);
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

	if (!ecryptfs_can_mmap(lower))
		return -ENODEV;
	/*
	 * A fault reads around as much as the reference does (the default
	 * window), not the mount's 1 MiB streaming window: random faults of
	 * a large mapping must not each read and decrypt 256 pages.
	 */
	spin_lock(&file->f_lock);
	file->f_ra.ra_pages = min_t(unsigned int, file->f_ra.ra_pages,
				    VM_READAHEAD_PAGES);
	spin_unlock(&file->f_lock);
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
	}
	rc = vfs_fsync(ecryptfs_file_to_lower(file), datasync);
	if (rc && S_ISREG(file_inode(file)->i_mode)) {
		/*
		 * Every opener of the file shares one lower file, whose error
		 * is reported to the first fsync only: keep it in the upper
		 * mapping, where each opener sees it once.
		 */
		mapping_set_error(file->f_mapping, rc);
		if (file_check_and_advance_wb_err(file))
			ecryptfs_warn_rl(file_inode(file), "lower fsync failed; rc = [%d]\n",
					 rc);
	}
	return rc;
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
