// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs: address_space operations.  The upper page cache holds
 * plaintext; pages are encrypted and written through to the lower file
 * (spec §1.6-1.8).
 */

#include <linux/pagemap.h>
#include <linux/writeback.h>
#include <linux/highmem.h>
#include <linux/buffer_head.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/fs_stack.h>
#include <linux/uio.h>
#include <linux/bvec.h>
#include <linux/file.h>

#include "ecryptfs_kernel.h"

/* Read @len bytes of the lower file at @off into @page; zero the rest. */
static int read_lower_page(struct inode *inode, struct page *page, loff_t off)
{
	struct file *lower = ecryptfs_lower_file_get(inode);
	ssize_t n;
	char *virt;

	if (!lower)
		return -EIO;
	virt = kmap_local_page(page);
	n = kernel_read(lower, virt, PAGE_SIZE, &off);
	if (n >= 0 && n < PAGE_SIZE)
		memset(virt + n, 0, PAGE_SIZE - n);
	kunmap_local(virt);
	fput(lower);
	return n < 0 ? (int)n : 0;
}

static int write_lower(struct inode *inode, struct page *page, loff_t off,
		       size_t len)
{
	struct file *lower = ecryptfs_lower_file_get(inode);
	char *virt;
	int rc;

	if (!lower)
		return -EIO;
	virt = kmap_local_page(page);
	rc = ecryptfs_write_lower_all(lower, virt, len, off);
	kunmap_local(virt);
	fput(lower);
	if (!rc)
		mark_inode_dirty_sync(inode);
	return rc;
}

/* Decrypt upper page @index from the lower file into @page. */
static int ecryptfs_decrypt_page(struct inode *inode, struct page *page,
				 pgoff_t index)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	loff_t off = ecryptfs_lower_header_size(cs) + ((loff_t)index << PAGE_SHIFT);
	int rc;

	rc = read_lower_page(inode, page, off);
	if (rc)
		return rc;
	return ecryptfs_crypt_extents(cs, page, page, 0, PAGE_SIZE,
				      index * (PAGE_SIZE / ECRYPTFS_DATA_EXTENT_SIZE),
				      false);
}

/* Encrypt @page (plaintext, upper index @index) and write it to lower. */
static int ecryptfs_encrypt_page(struct inode *inode, struct page *page,
				 pgoff_t index)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	loff_t off = ecryptfs_lower_header_size(cs) + ((loff_t)index << PAGE_SHIFT);
	struct page *ct;
	int rc;

	ct = ecryptfs_alloc_ct_page(GFP_NOFS);
	if (!ct)
		return -ENOMEM;
	rc = ecryptfs_crypt_extents(cs, ct, page, 0, PAGE_SIZE,
				    index * (PAGE_SIZE / ECRYPTFS_DATA_EXTENT_SIZE),
				    true);
	if (!rc)
		rc = write_lower(inode, ct, off, PAGE_SIZE);
	ecryptfs_free_ct_page(ct);
	if (rc)
		ecryptfs_err_rl(inode, "error encrypting page %llu; rc = [%d]\n",
				(unsigned long long)index, rc);
	return rc;
}

/* Encrypted view of a file whose header is in the xattr (spec §2.11). */
static int ecryptfs_read_view_xattr(struct inode *inode, struct page *page,
				    pgoff_t index)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	loff_t pos = (loff_t)index << PAGE_SHIFT;
	u32 hdr = cs->metadata_size;
	char *virt;
	int rc = 0;

	if (pos >= hdr)
		return read_lower_page(inode, page, pos - hdr);
	virt = kmap_local_page(page);
	memset(virt, 0, PAGE_SIZE);
	if (index == 0) {
		struct file *lower = ecryptfs_lower_file_get(inode);
		ssize_t n = -EIO;

		if (lower) {
			n = ecryptfs_read_xattr_header(lower->f_path.dentry,
						       file_inode(lower), virt,
						       PAGE_SIZE);
			fput(lower);
		}
		if (n < 0) {
			rc = (int)n;
		} else if (n >= ECRYPTFS_FIXED_HEADER_BYTES) {
			u8 *b = (u8 *)virt;

			b[19] &= ~ECRYPTFS_HDR_FLAG_METADATA_IN_XATTR;
			b[20] = 0;
			b[21] = 0;
			b[22] = 0x10;
			b[23] = 0;
			b[24] = 0;
			b[25] = 2;
		}
	}
	kunmap_local(virt);
	return rc;
}

static int ecryptfs_fill_page(struct inode *inode, struct page *page,
			      pgoff_t index)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);

	if (!(cs->flags & ECRYPTFS_ENCRYPTED))
		return read_lower_page(inode, page, (loff_t)index << PAGE_SHIFT);
	if (cs->flags & ECRYPTFS_VIEW_AS_ENCRYPTED) {
		if (cs->flags & ECRYPTFS_METADATA_IN_XATTR)
			return ecryptfs_read_view_xattr(inode, page, index);
		return read_lower_page(inode, page, (loff_t)index << PAGE_SHIFT);
	}
	return ecryptfs_decrypt_page(inode, page, index);
}

static int ecryptfs_read_folio(struct file *file, struct folio *folio)
{
	struct inode *inode = folio->mapping->host;
	struct page *page = &folio->page;
	int rc;

	rc = ecryptfs_fill_page(inode, page, folio->index);
	if (rc) {
		ecryptfs_err_rl(inode, "error reading page %llu; rc = [%d]\n",
				(unsigned long long)folio->index, rc);
		ClearPageUptodate(page);
	} else {
		SetPageUptodate(page);
	}
	unlock_page(page);
	return rc;
}

/* A dirty (mmap) page of a passthrough file: plaintext at the same offset. */
static int passthrough_writepage(struct inode *inode, struct page *page)
{
	loff_t start = (loff_t)ecryptfs_page_index(page) << PAGE_SHIFT;
	loff_t isize = i_size_read(inode);

	if (start >= isize)
		return 0;
	return write_lower(inode, page, start,
			   min_t(loff_t, PAGE_SIZE, isize - start));
}

#ifdef HAVE_AOPS_WRITEPAGE
static int ecryptfs_writepage(struct page *page, struct writeback_control *wbc)
{
	struct inode *inode = page->mapping->host;
	int rc;

	if (!(ecryptfs_crypt_stat(inode)->flags & ECRYPTFS_ENCRYPTED)) {
		rc = passthrough_writepage(inode, page);
		unlock_page(page);
		return rc;
	}
	rc = ecryptfs_encrypt_page(inode, page, ecryptfs_page_index(page));
	if (rc) {
		ClearPageUptodate(page);
		mapping_set_error(page->mapping, rc);
		unlock_page(page);
		return rc;
	}
	SetPageUptodate(page);
	unlock_page(page);
	return 0;
}
#endif

/* The lower file holds plaintext at identical offsets. */
static int passthrough_write_end(struct inode *inode, struct page *page,
				 loff_t pos, unsigned int copied)
{
	struct file *lower = ecryptfs_lower_file_get(inode);
	unsigned int from = pos & (PAGE_SIZE - 1);
	loff_t off = pos;
	ssize_t n;
	char *virt;

	if (!lower)
		return -EIO;
	virt = kmap_local_page(page);
	n = kernel_write(lower, virt + from, copied, &off);
	kunmap_local(virt);
	if (n >= 0) {
		i_size_write(inode, i_size_read(file_inode(lower)));
		fsstack_copy_attr_times(inode, file_inode(lower));
	}
	fput(lower);
	return n;
}

static int ecryptfs_do_write_begin(struct file *file,
				   struct address_space *mapping, loff_t pos,
				   unsigned int len, struct page **pagep)
{
	struct inode *inode = mapping->host;
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	pgoff_t index = pos >> PAGE_SHIFT;
	loff_t page_start = (loff_t)index << PAGE_SHIFT;
	struct page *page;
	int rc = 0;

	page = ecryptfs_grab_write_page(mapping, index);
	if (!page)
		return -ENOMEM;
	*pagep = page;

	if (!PageUptodate(page)) {
		if (!(cs->flags & ECRYPTFS_ENCRYPTED) ||
		    (cs->flags & ECRYPTFS_VIEW_AS_ENCRYPTED)) {
			rc = ecryptfs_fill_page(inode, page, index);
			if (rc)
				goto err;
			SetPageUptodate(page);
		} else if (page_start >= i_size_read(inode)) {
			memzero_page(page, 0, PAGE_SIZE);
			SetPageUptodate(page);
		} else if (len < PAGE_SIZE) {
			rc = ecryptfs_decrypt_page(inode, page, index);
			if (rc)
				goto err;
			SetPageUptodate(page);
		}
	}
	/* Materialise every skipped extent before writing past EOF. */
	if ((cs->flags & ECRYPTFS_ENCRYPTED) && index != 0 &&
	    page_start > i_size_read(inode)) {
		rc = ecryptfs_truncate(file->f_path.dentry, page_start);
		if (rc) {
			ecryptfs_err_rl(inode, "error extending the file to %lld; rc = [%d]\n",
					page_start, rc);
			goto err;
		}
	}
	if (i_size_read(inode) == page_start && pos != 0 &&
	    (cs->flags & ECRYPTFS_ENCRYPTED))
		memzero_page(page, 0, PAGE_SIZE);
	return 0;
err:
	unlock_page(page);
	put_page(page);
	*pagep = NULL;
	return rc;
}

static int ecryptfs_do_write_end(struct file *file,
				 struct address_space *mapping, loff_t pos,
				 unsigned int len, unsigned int copied,
				 struct page *page)
{
	struct inode *inode = mapping->host;
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	pgoff_t index = pos >> PAGE_SHIFT;
	unsigned int from = pos & (PAGE_SIZE - 1);
	unsigned int to = from + copied;
	int rc;

	if (!(cs->flags & ECRYPTFS_ENCRYPTED)) {
		rc = passthrough_write_end(inode, page, pos, copied);
		if (rc >= 0)
			SetPageUptodate(page);
		goto out;
	}
	if (!PageUptodate(page)) {
		if (copied < PAGE_SIZE) {
			rc = 0;
			goto out;
		}
		SetPageUptodate(page);
	}
	/* Last page: what lies beyond EOF must be zeros before encryption. */
	if (index == (max_t(loff_t, i_size_read(inode), pos + copied) - 1) >> PAGE_SHIFT) {
		loff_t end = max_t(loff_t, i_size_read(inode), pos + copied);
		unsigned int eof_in_page = end - ((loff_t)index << PAGE_SHIFT);

		if (eof_in_page < PAGE_SIZE && eof_in_page >= to)
			zero_user_segment(page, eof_in_page, PAGE_SIZE);
	}
	/*
	 * The page is encrypted at writeback (ecryptfs_writepages), many
	 * pages per lower write; the size field follows at writeback, flush
	 * (close) and fsync.
	 */
	if (pos + copied > i_size_read(inode)) {
		i_size_write(inode, pos + copied);
		set_bit(ECRYPTFS_SIZE_DIRTY,
			&ecryptfs_inode_to_private(inode)->state);
	}
	set_page_dirty(page);
	rc = copied;
out:
	unlock_page(page);
	put_page(page);
	return rc;
}

static int ecryptfs_write_begin(ECRYPTFS_WB_FILE_T *file,
				struct address_space *mapping, loff_t pos,
				unsigned int len, ECRYPTFS_WB_PAGE_T **pagep,
				void **fsdata)
{
	struct page *page = NULL;
	int rc;

	rc = ecryptfs_do_write_begin(ecryptfs_wb_file(file), mapping, pos, len,
				     &page);
	if (!rc)
		*pagep = ecryptfs_page_to_wb(page);
	return rc;
}

static int ecryptfs_write_end(ECRYPTFS_WB_FILE_T *file,
			      struct address_space *mapping,
			      loff_t pos, unsigned int len, unsigned int copied,
			      ECRYPTFS_WB_PAGE_T *page, void *fsdata)
{
	return ecryptfs_do_write_end(ecryptfs_wb_file(file), mapping, pos, len,
				     copied,
				     ecryptfs_wb_to_page(page));
}

static sector_t ecryptfs_bmap(struct address_space *mapping, sector_t block)
{
	struct inode *lower = ecryptfs_inode_to_lower(mapping->host);
	int rc;

	rc = bmap(lower, &block);
	return rc ? 0 : block;
}

#define ECRYPTFS_BATCH_PAGES 32	/* pages per lower read/write */
#define ECRYPTFS_DIRECT_MIN_PAGES 16	/* smallest batch read directly */

/**
 * ecryptfs_sync_size() - write the size field if i_size changed since
 * it was last written
 * @inode: upper inode with its lower file open
 *
 * Return: 0 or a negative errno.
 */
int ecryptfs_sync_size(struct inode *inode)
{
	struct ecryptfs_inode_info *ii = ecryptfs_inode_to_private(inode);
	int rc;

	if (!test_and_clear_bit(ECRYPTFS_SIZE_DIRTY, &ii->state))
		return 0;
	rc = ecryptfs_write_size_field(inode);
	if (rc > 0) {
		/* The write under way writes the rest of the size. */
		set_bit(ECRYPTFS_SIZE_DIRTY, &ii->state);
		return 0;
	}
	if (rc) {
		set_bit(ECRYPTFS_SIZE_DIRTY, &ii->state);
		ecryptfs_err_rl(inode, "error writing the size field; rc = [%d]\n",
				rc);
	}
	return rc;
}

/*
 * A batch of writeback: up to ECRYPTFS_BATCH_PAGES contiguous dirty pages,
 * kept locked (taken in ascending index order, as write_cache_pages()
 * does) until wb_flush() encrypts them all at once, unlocks them and
 * writes the ciphertext with one lower write.
 */
struct ecryptfs_wb_ctx {
	struct inode *inode;
	struct file *lower;	/* referenced for the whole writeback */
	struct page *pt[ECRYPTFS_BATCH_PAGES];	/* locked plaintext pages */
	struct page *ct[ECRYPTFS_BATCH_PAGES];	/* ciphertext pages */
	unsigned int n;
	pgoff_t first;
};

/* An iterator over @n whole pages. */
static void pages_iter(struct iov_iter *it, unsigned int dir,
		       struct bio_vec *bv, struct page **pages, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		bv[i].bv_page = pages[i];
		bv[i].bv_len = PAGE_SIZE;
		bv[i].bv_offset = 0;
	}
	iov_iter_bvec(it, dir, bv, n, (size_t)n << PAGE_SHIFT);
}

/*
 * Reading a readahead window: its contiguous runs of locked pages are cut
 * into batches of up to ECRYPTFS_BATCH_PAGES; the lower reads of all the
 * batches of the window are started first, then each batch in turn is
 * waited for, decrypted and unlocked, so that the disk reads the later
 * batches while the CPUs decrypt the earlier ones.
 *
 * A batch of at least ECRYPTFS_DIRECT_MIN_PAGES (streaming), on a lower
 * file system whose page cache ecryptfs may bypass (ext4, xfs, btrfs,
 * f2fs) and whose file takes direct I/O, is read asynchronously and
 * straight from the disk into our pages: no lower page-cache page is
 * allocated (and zeroed) for it and no copy is made.  The lower file
 * system keeps this coherent with its page cache (it writes back dirty
 * lower pages of the range first).  Smaller batches (small files, random
 * reads) are read synchronously through the lower page cache, which keeps
 * serving them (writes always go through it).  A direct read the lower
 * file system refuses (-EINVAL: alignment, an unusual lower file) is done
 * buffered.
 */
struct ecryptfs_rd_batch {
	struct kiocb iocb;
	struct completion done;
	long ret;		/* bytes read or a negative errno */
	bool in_flight;		/* async: wait for @done */
	unsigned int n;
	struct page *pages[ECRYPTFS_BATCH_PAGES];
	struct bio_vec bv[ECRYPTFS_BATCH_PAGES];
};

#define ECRYPTFS_RD_BATCHES 8	/* batches of one window in flight */

static void rd_batch_done(struct kiocb *iocb, long ret)
{
	struct ecryptfs_rd_batch *b =
		container_of(iocb, struct ecryptfs_rd_batch, iocb);

	b->ret = ret;
	complete(&b->done);
}

/* Start the lower read of batch @b (its pages locked, contiguous). */
static void rd_batch_start(struct inode *inode, struct file *lower,
			   struct ecryptfs_rd_batch *b)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	loff_t pos = ecryptfs_lower_header_size(cs) +
		     ((loff_t)ecryptfs_page_index(b->pages[0]) << PAGE_SHIFT);
	struct iov_iter it;
	ssize_t ret;

	b->in_flight = false;
	if (!lower) {
		b->ret = -EIO;
		return;
	}
	if (b->n >= ECRYPTFS_DIRECT_MIN_PAGES &&
	    (lower->f_mode & FMODE_CAN_ODIRECT) &&
	    ecryptfs_lower_cache_usable(file_inode(lower)->i_sb)) {
		init_sync_kiocb(&b->iocb, lower);
		b->iocb.ki_pos = pos;
		b->iocb.ki_flags |= IOCB_DIRECT;
		b->iocb.ki_complete = rd_batch_done;
		init_completion(&b->done);
		pages_iter(&it, ITER_DEST, b->bv, b->pages, b->n);
		ret = vfs_iocb_iter_read(lower, &b->iocb, &it);
		if (ret == -EIOCBQUEUED) {
			b->in_flight = true;
			return;
		}
		if (ret != -EINVAL) {
			b->ret = ret;
			return;
		}
	}
	pages_iter(&it, ITER_DEST, b->bv, b->pages, b->n);
	b->ret = vfs_iter_read(lower, &it, &pos, 0);
}

/* Wait for batch @b, decrypt it and unlock its pages. */
static void rd_batch_finish(struct inode *inode, struct ecryptfs_rd_batch *b)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	struct page **pages = b->pages;
	unsigned int i, n = b->n;
	long got;
	int rc;

	if (b->in_flight)
		wait_for_completion(&b->done);
	got = b->ret;
	rc = got < 0 ? (int)got : 0;
	/* A short lower read is no error: the rest decrypts from zeros. */
	for (i = 0; !rc && i < n; i++) {
		if (got < (long)((i + 1) << PAGE_SHIFT)) {
			size_t have = got > (long)(i << PAGE_SHIFT) ?
				      got - (i << PAGE_SHIFT) : 0;

			zero_user_segment(pages[i], have, PAGE_SIZE);
		}
	}
	if (!rc)
		rc = ecryptfs_crypt_pages(cs, pages, pages, n,
					  ecryptfs_page_index(pages[0]), false);
	if (rc)
		ecryptfs_err_rl(inode, "error reading pages %llu-%llu; rc = [%d]\n",
				(unsigned long long)ecryptfs_page_index(pages[0]),
				(unsigned long long)ecryptfs_page_index(pages[0]) + n - 1, rc);
	for (i = 0; i < n; i++) {
		if (rc)
			ClearPageUptodate(pages[i]);
		else
			SetPageUptodate(pages[i]);
		unlock_page(pages[i]);
	}
	b->n = 0;
}

/*
 * Encrypt the batch (spread over the CPUs), unlock its plaintext pages and
 * write the ciphertext with one lower write.
 */
static int wb_flush(struct ecryptfs_wb_ctx *c)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(c->inode);
	struct bio_vec bv[ECRYPTFS_BATCH_PAGES];
	struct iov_iter it;
	unsigned int nr = c->n, i;
	bool wb;
	loff_t pos;
	ssize_t n;
	int rc;

	if (!nr)
		return 0;
	c->n = 0;
	rc = ecryptfs_crypt_pages(cs, c->ct, c->pt, nr, c->first, true);
	wb = !rc;
	/*
	 * Under writeback until the lower write is done: whoever waits for
	 * this file's writeback (a writer, fsync, the last close before it
	 * puts the lower file, truncate) waits for that write too.
	 */
	for (i = 0; i < nr; i++) {
		if (wb)
			folio_start_writeback(page_folio(c->pt[i]));
		unlock_page(c->pt[i]);
	}
	if (rc)
		goto out;
	pos = ecryptfs_lower_header_size(cs) + ((loff_t)c->first << PAGE_SHIFT);
	rc = -EIO;
	if (!c->lower)
		goto out;
	pages_iter(&it, ITER_SOURCE, bv, c->ct, nr);
	while (iov_iter_count(&it)) {
		n = vfs_iter_write(c->lower, &it, &pos, 0);
		if (n <= 0) {
			rc = n ? (int)n : -EIO;
			goto out;
		}
	}
	rc = 0;
	mark_inode_dirty_sync(c->inode);
out:
	if (rc) {
		ecryptfs_err_rl(c->inode, "error writing pages %llu-%llu; rc = [%d]\n",
				(unsigned long long)c->first,
				(unsigned long long)c->first + nr - 1, rc);
		mapping_set_error(c->inode->i_mapping, rc);
	}
	for (i = 0; i < nr; i++) {
		struct folio *folio = page_folio(c->pt[i]);

		if (wb)
			folio_end_writeback(folio);
		folio_put(folio);
		c->pt[i] = NULL;
	}
	return rc;
}

static int ecryptfs_wb_page(ECRYPTFS_WCP_T *p, struct writeback_control *wbc,
			    void *data)
{
	struct page *page = ecryptfs_wcp_to_page(p);
	struct ecryptfs_wb_ctx *c = data;
	struct inode *inode = c->inode;
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	loff_t isize = i_size_read(inode);
	int rc;

	/* Wholly beyond EOF: a truncate is in progress. */
	if ((loff_t)ecryptfs_page_index(page) << PAGE_SHIFT >= isize) {
		unlock_page(page);
		return 0;
	}
	if (!(cs->flags & ECRYPTFS_ENCRYPTED)) {
		rc = passthrough_writepage(inode, page);
		unlock_page(page);
		return rc;
	}
	if (c->n && (ecryptfs_page_index(page) != c->first + c->n ||
		     c->n == ECRYPTFS_BATCH_PAGES)) {
		rc = wb_flush(c);
		if (rc)
			goto err;
	}
	if (!c->ct[c->n]) {
		c->ct[c->n] = ecryptfs_alloc_ct_page(GFP_NOFS);
		if (!c->ct[c->n]) {
			rc = -ENOMEM;
			goto err;
		}
	}
	if (!c->n)
		c->first = ecryptfs_page_index(page);
	/* Stays locked (and referenced) until wb_flush() has encrypted it. */
	get_page(page);
	c->pt[c->n++] = page;
	return 0;
err:
	ecryptfs_err_rl(inode, "error writing page %llu; rc = [%d]\n",
			(unsigned long long)ecryptfs_page_index(page), rc);
	mapping_set_error(page->mapping, rc);
	unlock_page(page);
	return rc;
}

static int ecryptfs_writepages(struct address_space *mapping,
			       struct writeback_control *wbc)
{
	struct ecryptfs_wb_ctx *c;
	unsigned int i;
	int rc, rc2;

	c = kzalloc(sizeof(*c), GFP_NOFS);
	if (!c)
		return -ENOMEM;
	c->inode = mapping->host;
	c->lower = ecryptfs_lower_file_get(c->inode);
	rc = ecryptfs_write_cache_pages(mapping, wbc, ecryptfs_wb_page, c);
	rc2 = wb_flush(c);
	if (c->lower)
		fput(c->lower);
	for (i = 0; i < ECRYPTFS_BATCH_PAGES; i++)
		if (c->ct[i])
			ecryptfs_free_ct_page(c->ct[i]);
	kfree(c);
	if (!rc)
		rc = rc2;
	if (rc)
		mapping_set_error(mapping, rc);
	else if (!test_bit(ECRYPTFS_WT_ACTIVE,
			   &ecryptfs_inode_to_private(mapping->host)->state))
		/* A write(2) under way writes the size field itself, last. */
		rc = ecryptfs_sync_size(mapping->host);
	return rc;
}

/* Finish batches [0, @nr) of @bs in order. */
static void rd_batches_finish(struct inode *inode,
			      struct ecryptfs_rd_batch *bs, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		rd_batch_finish(inode, &bs[i]);
}

static void ecryptfs_readahead(struct readahead_control *rac)
{
	struct inode *inode = rac->mapping->host;
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	unsigned int max = clamp_t(unsigned int,
				   DIV_ROUND_UP(readahead_count(rac),
						ECRYPTFS_BATCH_PAGES),
				   1, ECRYPTFS_RD_BATCHES);
	struct ecryptfs_rd_batch *bs, *b;
	unsigned int nr = 0;
	struct folio *folio;
	struct file *lower = ecryptfs_lower_file_get(inode);

	/* Without memory for the batches, each page is read on its own. */
	bs = lower ? kmalloc_array(max, sizeof(*bs), GFP_NOFS | __GFP_NOWARN) :
		     NULL;
	b = bs;
	if (b)
		b->n = 0;
	while ((folio = readahead_folio(rac))) {
		struct page *page = &folio->page;

		if (!bs || !(cs->flags & ECRYPTFS_ENCRYPTED) ||
		    (cs->flags & ECRYPTFS_VIEW_AS_ENCRYPTED) ||
		    folio_test_large(folio)) {
			int rc = ecryptfs_fill_page(inode, page, folio->index);

			if (rc)
				ClearPageUptodate(page);
			else
				SetPageUptodate(page);
			unlock_page(page);
			continue;
		}
		if (b->n && (b->n == ECRYPTFS_BATCH_PAGES ||
			     ecryptfs_page_index(page) != ecryptfs_page_index(b->pages[0]) + b->n)) {
			rd_batch_start(inode, lower, b);
			if (++nr == max) {
				rd_batches_finish(inode, bs, nr);
				nr = 0;
			}
			b = &bs[nr];
			b->n = 0;
		}
		b->pages[b->n++] = page;
	}
	if (bs) {
		if (b->n) {
			rd_batch_start(inode, lower, b);
			nr++;
		}
		rd_batches_finish(inode, bs, nr);
		kfree(bs);
	}
	if (lower)
		fput(lower);
}

/**
 * ecryptfs_write() - write @size bytes at @offset through the page cache,
 * encrypting each touched page to the lower file at once
 * @inode: upper inode (encrypted file, lower file open)
 * @data: bytes to write
 * @offset: upper offset; when past EOF the gap is zero-filled
 * @size: byte count
 *
 * Return: 0 or a negative errno (-EINTR on a fatal signal).
 */
int ecryptfs_write(struct inode *inode, const char *data, loff_t offset,
		   size_t size)
{
	loff_t isize = i_size_read(inode);
	loff_t pos = min(offset, isize);
	loff_t end = offset + size;
	int rc = 0;

	while (pos < end) {
		pgoff_t index = pos >> PAGE_SHIFT;
		loff_t page_start = (loff_t)index << PAGE_SHIFT;
		unsigned int start = pos - page_start;
		unsigned int n = min_t(loff_t, PAGE_SIZE - start, end - pos);
		struct page *page;
		char *virt;

		if (fatal_signal_pending(current)) {
			rc = -EINTR;
			break;
		}
		page = read_mapping_page(inode->i_mapping, index, NULL);
		if (IS_ERR(page)) {
			rc = PTR_ERR(page);
			break;
		}
		lock_page(page);
		virt = kmap_local_page(page);
		/* Everything past the old EOF in this page becomes zeros. */
		if (page_start + PAGE_SIZE > isize) {
			unsigned int z = isize > page_start ? isize - page_start : 0;

			memset(virt + z, 0, PAGE_SIZE - z);
		}
		if (pos >= offset)
			memcpy(virt + start, data + (pos - offset), n);
		else
			n = min_t(loff_t, n, offset - pos);
		kunmap_local(virt);
		flush_dcache_page(page);
		SetPageUptodate(page);
		rc = ecryptfs_encrypt_page(inode, page, index);
		unlock_page(page);
		put_page(page);
		if (rc)
			break;
		pos += n;
	}
	if (pos > i_size_read(inode)) {
		int rc2;

		i_size_write(inode, pos);
		ecryptfs_lower_holds(inode, pos);
		rc2 = ecryptfs_write_size_field(inode);
		if (!rc && rc2 < 0)
			rc = rc2;
	}
	return rc;
}

const struct address_space_operations ecryptfs_aops = {
#ifdef CONFIG_BLOCK
	.dirty_folio = block_dirty_folio,
	.invalidate_folio = block_invalidate_folio,
#endif
#ifdef HAVE_AOPS_WRITEPAGE
	.writepage = ecryptfs_writepage,
#endif
	.writepages = ecryptfs_writepages,
	.read_folio = ecryptfs_read_folio,
	.readahead = ecryptfs_readahead,
	.write_begin = ecryptfs_write_begin,
	.write_end = ecryptfs_write_end,
	.bmap = ecryptfs_bmap,
	/*
	 * Compaction moves our folios (no private data is attached to them);
	 * without this, 7.2 warns and falls back to writing dirty ones out.
	 */
	.migrate_folio = filemap_migrate_folio,
};
