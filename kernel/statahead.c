// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs: statahead and the header probe from the lower page cache.
 *
 * The upper size of a file is the size field in the first 8 bytes of its
 * lower file, so the first lookup of every regular file reads the start of
 * its lower file.  One such read per file, each waited for in turn, is what
 * makes a cold "ls -l" slow.  Two things remove that wait without touching
 * the on-disk format:
 *
 * - when a directory is listed, the names of its regular files are noted;
 *   after the lower listing the lower dentries are looked up and the first
 *   pages of those lower files are read ahead, all at once and without
 *   waiting (statahead);
 * - lookup reads the size field straight from the lower file's page cache
 *   (waiting for a read already in flight, or reading the page itself)
 *   instead of opening the lower file and reading through it.
 *
 * Both use the lower file's address_space without a struct file, so they
 * are only done on lower file systems whose ->read_folio and ->readahead
 * ignore the file (the common local disk file systems); on any other one
 * lookup opens the lower file as before and no statahead happens.
 */

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/highmem.h>
#include <linux/namei.h>
#include <linux/magic.h>
#include <linux/blkdev.h>

#include "ecryptfs_kernel.h"
#include "statahead.h"

/*
 * Pages of each lower file read ahead.  A listing (statahead) reads only
 * the first page, which holds the size field: a page-cache page costs its
 * allocation (and zeroing) whether or not the file is read later.  A
 * lookup by name reads the header and the first data page with one I/O,
 * as a file looked up by name is usually opened next.
 */
#define ECRYPTFS_STATAHEAD_PAGES 1
#define ECRYPTFS_PROBE_PAGES 4

/**
 * ecryptfs_lower_cache_usable() - may the lower page cache be read
 * without a struct file on this lower file system
 * @lower_sb: the lower superblock
 *
 * Return: true for ext2/3/4, xfs, btrfs and f2fs.
 */
bool ecryptfs_lower_cache_usable(struct super_block *lower_sb)
{
	switch (lower_sb->s_magic) {
	case EXT4_SUPER_MAGIC:	/* also ext2 and ext3 */
	case XFS_SUPER_MAGIC:
	case BTRFS_SUPER_MAGIC:
	case F2FS_SUPER_MAGIC:
		return true;
	default:
		return false;
	}
}

/* Start reading the first @max pages of a lower file, without waiting. */
static void readahead_header(struct inode *lower_inode, unsigned long max)
{
	struct address_space *mapping = lower_inode->i_mapping;
	struct file_ra_state ra = { };
	loff_t size = i_size_read(lower_inode);
	unsigned long nr;
	struct page *page;

	if (size <= 0 || IS_DAX(lower_inode) || !mapping->a_ops->readahead)
		return;
	page = find_get_page(mapping, 0);
	if (page) {
		put_page(page);
		return;
	}
	nr = min_t(loff_t, DIV_ROUND_UP(size, PAGE_SIZE), max);
	{
		DEFINE_READAHEAD(ractl, NULL, &ra, mapping, 0);

		page_cache_ra_unbounded(&ractl, nr, 0);
	}
}

/**
 * ecryptfs_probe_size_cached() - set i_size from the size field found in
 * the lower file's page cache
 * @inode: upper inode of a regular file
 *
 * Reads (or waits for) page 0 of the lower file through its address_space,
 * without opening the lower file.  Handles only the common case, a header
 * at the start of the lower file with a valid marker; everything else
 * (header in the xattr, a file that is not an eCryptfs file, the encrypted
 * view, a lower file system not known to allow this) is left to the
 * caller's usual probe.
 *
 * Return: 0 when i_size is set, -EAGAIN when the caller must probe as usual.
 */
int ecryptfs_probe_size_cached(struct inode *inode)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	struct inode *lower_inode = ecryptfs_inode_to_lower(inode);
	struct ecryptfs_mount_crypt_stat *mcs = ecryptfs_mcs(inode->i_sb);
	u8 buf[ECRYPTFS_MIN_PROBE_BYTES];
	struct folio *folio;
	const u8 *virt;

	if (!S_ISREG(lower_inode->i_mode) || IS_DAX(lower_inode) ||
	    !lower_inode->i_mapping->a_ops->read_folio ||
	    (mcs->flags & ECRYPTFS_ENCRYPTED_VIEW_ENABLED) ||
	    !ecryptfs_lower_cache_usable(lower_inode->i_sb) ||
	    i_size_read(lower_inode) < ECRYPTFS_MIN_PROBE_BYTES)
		return -EAGAIN;
	/*
	 * Not read ahead yet: read the header and the first data pages with
	 * one I/O (as a read through the file would), then wait for page 0.
	 */
	readahead_header(lower_inode, ECRYPTFS_PROBE_PAGES);
	folio = read_mapping_folio(lower_inode->i_mapping, 0, NULL);
	if (IS_ERR(folio))
		return -EAGAIN;
	virt = kmap_local_folio(folio, 0);
	memcpy(buf, virt, sizeof(buf));
	kunmap_local(virt);
	folio_put(folio);
	if (!ecryptfs_hdr_marker_valid(buf, sizeof(buf)))
		return -EAGAIN;
	mutex_lock(&cs->cs_mutex);
	if (!(cs->flags & ECRYPTFS_I_SIZE_INITIALIZED)) {
		cs->flags &= ~ECRYPTFS_METADATA_IN_XATTR;
		i_size_write(inode, ecryptfs_hdr_get_size(buf));
		cs->flags |= ECRYPTFS_I_SIZE_INITIALIZED;
	}
	mutex_unlock(&cs->cs_mutex);
	return 0;
}

/**
 * ecryptfs_statahead_init() - prepare the name buffer of one listing
 * @sa: the statahead state (on the caller's stack)
 * @dir: upper directory being listed
 *
 * Statahead is off (every other call a no-op) when the lower file system
 * does not allow it or no memory is at hand.
 */
void ecryptfs_statahead_init(struct ecryptfs_statahead *sa, struct inode *dir)
{
	sa->len = 0;
	sa->buf = NULL;
	if (!ecryptfs_lower_cache_usable(ecryptfs_sb_to_lower(dir->i_sb)))
		return;
	sa->buf = kmalloc(ECRYPTFS_STATAHEAD_BUF, GFP_KERNEL | __GFP_NOWARN);
}

/**
 * ecryptfs_statahead_note() - remember a lower name listed by readdir
 * @sa: the statahead state
 * @name: the lower name
 * @len: its length
 * @d_type: its DT_* type; only regular files are remembered
 *
 * Names that do not fit into the buffer any more are not read ahead.
 */
void ecryptfs_statahead_note(struct ecryptfs_statahead *sa, const char *name,
			     int len, unsigned int d_type)
{
	if (!sa->buf || d_type != DT_REG || len <= 0 || len > NAME_MAX ||
	    sa->len + 1 + len > ECRYPTFS_STATAHEAD_BUF)
		return;
	sa->buf[sa->len] = len;
	memcpy(sa->buf + sa->len + 1, name, len);
	sa->len += 1 + len;
}

/**
 * ecryptfs_statahead_run() - look up the noted names in the lower
 * directory and read the first pages of their lower files ahead
 * @sa: the statahead state; its buffer is freed
 * @lower_dir: the lower directory (not locked by the caller)
 *
 * Errors are ignored: statahead only warms caches.
 */
void ecryptfs_statahead_run(struct ecryptfs_statahead *sa,
			    struct dentry *lower_dir)
{
	struct blk_plug plug;
	size_t pos = 0;

	/* One plug: reads of neighbouring small files can merge. */
	blk_start_plug(&plug);
	while (pos < sa->len && !fatal_signal_pending(current)) {
		unsigned int len = (u8)sa->buf[pos];
		struct dentry *d;

		d = lookup_one_len_unlocked(sa->buf + pos + 1, lower_dir, len);
		pos += 1 + len;
		if (IS_ERR(d))
			continue;
		if (d_really_is_positive(d) && d_is_reg(d))
			readahead_header(d_inode(d), ECRYPTFS_STATAHEAD_PAGES);
		dput(d);
	}
	blk_finish_plug(&plug);
	kfree(sa->buf);
	sa->buf = NULL;
	sa->len = 0;
}
