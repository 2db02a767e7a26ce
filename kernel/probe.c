// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs: the size field of a looked-up file, read from the lower
 * file's page cache.
 *
 * The upper size of a file is the size field in the first 8 bytes of its
 * lower file, so the first lookup of every regular file reads the start of
 * its lower file (as Linux's eCryptfs does).  Lookup reads it straight
 * from the lower file's page cache (waiting for a read already in flight,
 * or reading the page itself) instead of opening the lower file and
 * reading through it.  Only the file being looked up is read: nothing is
 * read ahead for other files.
 *
 * This uses the lower file's address_space without a struct file, so it
 * is only done on lower file systems whose ->read_folio and ->readahead
 * ignore the file (the common local disk file systems); on any other one
 * lookup opens the lower file.
 */

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/highmem.h>
#include <linux/magic.h>

#include "ecryptfs_kernel.h"

/*
 * Pages of the lower file a lookup reads with one I/O: the header and the
 * first data page, as the lower file's own first readahead would (a file
 * looked up by name is usually opened next).
 */
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

/* Start reading the first pages of a lower file, without waiting. */
static void readahead_header(struct inode *lower_inode)
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
	nr = min_t(loff_t, DIV_ROUND_UP(size, PAGE_SIZE), ECRYPTFS_PROBE_PAGES);
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
	readahead_header(lower_inode);
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
		ecryptfs_init_i_size(inode, ecryptfs_hdr_get_size(buf));
	}
	mutex_unlock(&cs->cs_mutex);
	return 0;
}
