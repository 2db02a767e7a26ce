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
 *   work items on all CPUs look the lower dentries up and read the first
 *   page of each of those lower files ahead without waiting for it
 *   (statahead), while the lister goes on to stat them;
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
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/sched.h>
#include <linux/sort.h>
#include <linux/wait_bit.h>

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
/*
 * A data scan (see ecryptfs_statahead_data_miss()) reads this much of each
 * file: the header and 16 KiB of data, all of nine small files in ten.
 */
#define ECRYPTFS_DATA_AHEAD_PAGES 6

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

/*
 * Start reading the first @max pages of a lower file (the header, in the
 * page cache already, and the data after it), without waiting.
 */
static void readahead_data(struct inode *lower_inode, unsigned long max)
{
	struct address_space *mapping = lower_inode->i_mapping;
	struct file_ra_state ra = { };
	loff_t size = i_size_read(lower_inode);
	unsigned long nr;

	if (size <= 0 || IS_DAX(lower_inode) || !mapping->a_ops->readahead)
		return;
	nr = min_t(loff_t, DIV_ROUND_UP(size, PAGE_SIZE), max);
	/* Read already (or being read): the last page wanted is there. */
	if (xa_load(&mapping->i_pages, nr - 1))
		return;
	{
		DEFINE_READAHEAD(ractl, NULL, &ra, mapping, 0);

		/* Pages in the cache already are skipped. */
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

/*
 * Statahead of a listing.  Readdir notes each regular file's lower name
 * and inode number into a buffer; a full buffer, and the last one at the
 * end of the readdir call, is a listing.  Its names are sorted by inode
 * number and cut into up to STATAHEAD_PARTS runs, one per online CPU (the
 * next CPU first), each looked up in that order on the CPU's ecryptfs
 * workqueue, with the first page of each file read ahead under one plug.
 * Inode order makes the lower file system's inode-table reads sequential.
 *
 * Lookups in the directory wait until its statahead is done (see
 * ecryptfs_statahead_wait_dir()) instead of doing the same lookups and
 * reads themselves, one file at a time.  While more than
 * STATAHEAD_MAX_BUSY work items of a mount are under way, listings get no
 * statahead.  Unmount waits for every listing (see work_busy).
 */
#define STATAHEAD_PARTS 4
#define STATAHEAD_MIN_PART 64	/* names; fewer are not worth another CPU */
#define STATAHEAD_MAX_BUSY 64
#define STATAHEAD_MIN_ALLOC 4096U	/* bytes of the first listing of a call */
#define STATAHEAD_MAX_ALLOC 65536U

struct ecryptfs_statahead_work;

/**
 * struct ecryptfs_statahead_part - a run of a listing's names, looked up
 * on one CPU
 * @work: queued by ecryptfs_statahead_run()
 * @l: the listing
 * @first: index into @l->order of the first name
 * @end: index past the last name
 */
struct ecryptfs_statahead_part {
	struct work_struct work;
	struct ecryptfs_statahead_work *l;
	unsigned int first, end;
};

/**
 * struct ecryptfs_statahead_work - the regular files of one readdir call
 * @parts: the runs handed to CPUs
 * @nr_parts: runs still running
 * @lower_left: runs whose lower names are not all looked up and read yet
 * @lower_dir: the lower directory (referenced)
 * @cred: the credentials of the caller of readdir (referenced)
 * @dir: the upper directory (referenced); its sa_busy counts this listing
 * @sbi: the upper mount; its statahead_busy counts this listing
 * @order: offsets into @recs, sorted by inode number
 * @count: names noted
 * @pages: pages of each lower file to read ahead
 * @data: a data scan (see struct ecryptfs_statahead)
 * @upper: the upper directory's dentry (referenced) when the upper names
 *         are to be looked up too, else NULL
 * @len: bytes used in @recs
 * @size: bytes in @recs
 * @recs: each an inode number (8 bytes, unaligned), a length byte and the
 *        lower name, a length byte and the upper name (length 0: the same)
 */
struct ecryptfs_statahead_work {
	struct ecryptfs_statahead_part parts[STATAHEAD_PARTS];
	atomic_t nr_parts;
	atomic_t lower_left;
	struct path lower_dir;
	const struct cred *cred;
	struct inode *dir;
	struct ecryptfs_sb_info *sbi;
	u16 *order;
	unsigned int count;
	unsigned int pages;
	bool data;
	struct dentry *upper;
	size_t len, size;
	char recs[];
};

#define REC_HDR (sizeof(u64) + 1)

/* Bytes of a record with names of @len and @ulen bytes. */
static size_t rec_bytes(size_t len, size_t ulen)
{
	return REC_HDR + len + 1 + ulen;
}

static size_t rec_size(const char *rec)
{
	u8 len = rec[sizeof(u64)];

	return rec_bytes(len, (u8)rec[REC_HDR + len]);
}

static u64 rec_ino(const struct ecryptfs_statahead_work *w, u16 off)
{
	return get_unaligned((const u64 *)(w->recs + off));
}

/*
 * The lower names of a listing are all looked up and their first pages
 * are being read: lookups in the directory go on (alongside the lookups
 * of the upper names, see lookup_upper()).
 */
static void statahead_lower_done(struct ecryptfs_statahead_work *w)
{
	struct ecryptfs_inode_info *dii = ecryptfs_inode_to_private(w->dir);

	if (!w->data && atomic_dec_and_test(&dii->sa_busy))
		wake_up_var(&dii->sa_busy);
}

/* The end of a listing's statahead. */
static void statahead_done(struct ecryptfs_statahead_work *w)
{
	struct ecryptfs_sb_info *sbi = w->sbi;

	iput(w->dir);
	dput(w->upper);
	path_put(&w->lower_dir);
	put_cred(w->cred);
	kfree(w->order);
	kfree(w);
	ecryptfs_sb_work_put(sbi);
}

/*
 * Look the upper names of a run up, once their first pages are being
 * read: the lookups that follow the listing (ls -l, find) then find most
 * upper dentries and inodes made, with their sizes, instead of making
 * them one after the other.  Those lookups no longer wait for the
 * statahead at this point: a name both look up is made by whoever comes
 * first, the other waits for that lookup alone.
 */
static void lookup_upper(struct ecryptfs_statahead_work *w,
			 struct ecryptfs_statahead_part *part)
{
	unsigned int i;

	for (i = part->first; i < part->end; i++) {
		const char *rec = w->recs + w->order[i];
		u8 len = rec[sizeof(u64)];
		const char *name = rec + REC_HDR + len + 1;
		u8 ulen = rec[REC_HDR + len];
		struct dentry *d;

		if (!ulen) {
			name = rec + REC_HDR;
			ulen = len;
		}
		d = lookup_one_len_unlocked(name, w->upper, ulen);
		if (!IS_ERR(d))
			dput(d);
		cond_resched();
	}
}

/*
 * Look one run of names up in the lower directory and start reading the
 * first pages of their lower files, with the credentials of the caller of
 * readdir; then look the upper names up.  Errors are ignored: statahead
 * only warms caches.
 */
static void statahead_work(struct work_struct *work)
{
	struct ecryptfs_statahead_part *part =
		container_of(work, struct ecryptfs_statahead_part, work);
	struct ecryptfs_statahead_work *w = part->l;
	const struct cred *old = override_creds(w->cred);
	struct blk_plug plug;
	unsigned int i;

	blk_start_plug(&plug);
	for (i = part->first; i < part->end; i++) {
		const char *rec = w->recs + w->order[i];
		struct inode *inode;
		struct dentry *d;

		d = lookup_one_len_unlocked(rec + REC_HDR, w->lower_dir.dentry,
					    (u8)rec[sizeof(u64)]);
		if (IS_ERR(d))
			continue;
		inode = d_inode(d);
		if (inode && d_is_reg(d)) {
			if (w->data)
				readahead_data(inode, w->pages);
			else
				readahead_header(inode, w->pages);
		}
		dput(d);
	}
	blk_finish_plug(&plug);
	if (atomic_dec_and_test(&w->lower_left))
		statahead_lower_done(w);
	if (w->upper)
		lookup_upper(w, part);
	revert_creds(old);
	if (atomic_dec_and_test(&w->nr_parts))
		statahead_done(w);
}

/**
 * ecryptfs_statahead_init() - start the statahead state of a listing
 * @sa: the statahead state (on the caller's stack)
 * @dir: upper directory being listed
 * @lower_dir: its lower directory; valid until ecryptfs_statahead_end()
 *
 * Statahead is off (every other call a no-op) when the lower file system
 * does not allow it.
 */
void ecryptfs_statahead_init(struct ecryptfs_statahead *sa, struct inode *dir,
			     const struct path *lower_dir)
{
	sa->w = NULL;
	sa->dir = dir;
	sa->lower_dir = lower_dir;
	sa->size = STATAHEAD_MIN_ALLOC;
	sa->pages = ECRYPTFS_STATAHEAD_PAGES;
	sa->left = 0;
	sa->data = false;
	sa->upper = NULL;
	sa->off = !ecryptfs_lower_cache_usable(ecryptfs_sb_to_lower(dir->i_sb));
}

static int cmp_ino(const void *a, const void *b, const void *priv)
{
	const struct ecryptfs_statahead_work *w = priv;
	u64 x = rec_ino(w, *(const u16 *)a), y = rec_ino(w, *(const u16 *)b);

	return x < y ? -1 : x > y;
}

/* Sort the names of @w by inode number and hand them to the CPUs. */
static void statahead_start(struct ecryptfs_statahead_work *w,
			    struct ecryptfs_statahead *sa)
{
	struct inode *dir = sa->dir;
	unsigned int i, nr, per;
	size_t pos;

	w->order = kmalloc_array(w->count, sizeof(*w->order),
				 GFP_KERNEL | __GFP_NOWARN);
	if (!w->order) {
		ecryptfs_sb_work_put(w->sbi);
		kfree(w);
		return;
	}
	for (i = 0, pos = 0; i < w->count; i++) {
		w->order[i] = pos;
		pos += rec_size(w->recs + pos);
	}
	sort_r(w->order, w->count, sizeof(*w->order), cmp_ino, NULL, w);

	nr = clamp_t(unsigned int, DIV_ROUND_UP(w->count, STATAHEAD_MIN_PART),
		     1, min_t(unsigned int, num_online_cpus(),
			      STATAHEAD_PARTS));
	per = DIV_ROUND_UP(w->count, nr);
	w->lower_dir = *sa->lower_dir;
	path_get(&w->lower_dir);
	w->upper = dget(sa->upper);
	w->cred = get_current_cred();
	ihold(dir);
	w->dir = dir;
	if (!w->data)
		atomic_inc(&ecryptfs_inode_to_private(dir)->sa_busy);
	atomic_set(&w->nr_parts, nr);
	atomic_set(&w->lower_left, nr);
	for (i = 0; i < nr; i++) {
		struct ecryptfs_statahead_part *part = &w->parts[i];

		part->l = w;
		part->first = i * per;
		part->end = min(w->count, (i + 1) * per);
		INIT_WORK(&part->work, statahead_work);
		ecryptfs_queue_work_nth(&part->work, i + 1);
	}
}

/**
 * ecryptfs_statahead_note() - remember a lower name listed by readdir
 * @sa: the statahead state
 * @name: the lower name
 * @len: its length
 * @uname: the upper name when it differs (names encrypted), else NULL
 * @ulen: its length
 * @ino: its inode number, as readdir gives it
 * @d_type: its DT_* type; only regular files are remembered
 *
 * When the buffer is full, its names are read ahead at once and a new
 * buffer, twice as large, is started: a small directory costs a small
 * buffer, a large one is read ahead while it is still being listed.
 */
void ecryptfs_statahead_note(struct ecryptfs_statahead *sa, const char *name,
			     int len, const char *uname, int ulen, u64 ino,
			     unsigned int d_type)
{
	struct ecryptfs_sb_info *sbi = ecryptfs_sb(sa->dir->i_sb);
	struct ecryptfs_statahead_work *w = sa->w;

	if (sa->off || d_type != DT_REG || len <= 0 || len > NAME_MAX)
		return;
	if (!uname || ulen <= 0 || ulen > NAME_MAX)
		ulen = 0;
	if (sa->left && !--sa->left) {
		sa->off = true;
		return;
	}
	if (w && w->len + rec_bytes(len, ulen) > w->size) {
		statahead_start(w, sa);
		sa->w = w = NULL;
	}
	if (!w) {
		ecryptfs_sb_work_get(sbi);
		if (atomic_read(&sbi->work_busy) > STATAHEAD_MAX_BUSY)
			goto off;
		w = kmalloc(sa->size, GFP_KERNEL | __GFP_NOWARN);
		if (!w)
			goto off;
		w->count = 0;
		w->len = 0;
		w->pages = sa->pages;
		w->data = sa->data;
		w->size = sa->size - offsetof(struct ecryptfs_statahead_work,
					      recs);
		w->sbi = sbi;
		sa->w = w;
		sa->size = min(2 * sa->size, STATAHEAD_MAX_ALLOC);
	}
	put_unaligned(ino, (u64 *)(w->recs + w->len));
	w->recs[w->len + sizeof(u64)] = len;
	memcpy(w->recs + w->len + REC_HDR, name, len);
	w->recs[w->len + REC_HDR + len] = ulen;
	memcpy(w->recs + w->len + REC_HDR + len + 1, uname, ulen);
	w->len += rec_bytes(len, ulen);
	w->count++;
	return;
off:
	ecryptfs_sb_work_put(sbi);
	sa->off = true;
}

/**
 * ecryptfs_statahead_end() - the end of a readdir call
 * @sa: the statahead state
 *
 * The names noted and not read ahead yet are handed to the CPUs'
 * ecryptfs workqueues, while the caller returns.
 */
void ecryptfs_statahead_end(struct ecryptfs_statahead *sa)
{
	if (sa->w)
		statahead_start(sa->w, sa);
	sa->w = NULL;
}

/*
 * Statahead on lookups by name.  A program that stats or opens the files
 * of a directory by name (a list of files, a build checking timestamps)
 * never lists it, and each lookup reads its file's header with a request
 * of its own.  After STATAHEAD_MISSES lookups in a directory that had to
 * read a header, a work item lists the lower directory itself (up to
 * STATAHEAD_SCAN_NAMES regular files) and reads their headers and first
 * data pages ahead as a listing would; lookups in the directory wait for
 * it as they do for a listing.
 *
 * Data scans.  A listing reads only the first page of each file, so a
 * program that lists a directory and then reads its files (find, grep -r,
 * a backup) would read each file's data with a request of its own.  After
 * STATAHEAD_DATA_MISSES reads of small files of a directory that had to
 * go to the disk, a work item lists the lower directory and reads the
 * first ECRYPTFS_DATA_AHEAD_PAGES of each file ahead; nobody waits for it,
 * the reads that follow find their pages read or being read.
 */
#define STATAHEAD_MISSES 8
#define STATAHEAD_DATA_MISSES 4
#define STATAHEAD_SCAN_NAMES 8192

struct ecryptfs_statahead_scan {
	struct work_struct work;
	struct dir_context ctx;
	struct ecryptfs_statahead sa;
	struct path lower_dir;
	const struct cred *cred;
	struct inode *dir;
	bool data;
};

static bool scan_actor(struct dir_context *ctx, const char *name, int len,
		       loff_t offset, u64 ino, unsigned int d_type)
{
	struct ecryptfs_statahead_scan *sc =
		container_of(ctx, struct ecryptfs_statahead_scan, ctx);

	ecryptfs_statahead_note(&sc->sa, name, len, NULL, 0, ino, d_type);
	return !sc->sa.off;
}

static void scan_work(struct work_struct *work)
{
	struct ecryptfs_statahead_scan *sc =
		container_of(work, struct ecryptfs_statahead_scan, work);
	struct ecryptfs_inode_info *dii = ecryptfs_inode_to_private(sc->dir);
	struct ecryptfs_sb_info *sbi = ecryptfs_sb(sc->dir->i_sb);
	const struct cred *old = override_creds(sc->cred);
	struct file *lower;

	lower = dentry_open(&sc->lower_dir, O_RDONLY | O_DIRECTORY, sc->cred);
	if (!IS_ERR(lower)) {
		ecryptfs_statahead_init(&sc->sa, sc->dir, &sc->lower_dir);
		sc->sa.pages = sc->data ? ECRYPTFS_DATA_AHEAD_PAGES :
					  ECRYPTFS_PROBE_PAGES;
		sc->sa.data = sc->data;
		sc->sa.left = STATAHEAD_SCAN_NAMES + 1;
		sc->ctx = (struct dir_context){ .actor = scan_actor };
		iterate_dir(lower, &sc->ctx);
		ecryptfs_statahead_end(&sc->sa);
		fput(lower);
	}
	revert_creds(old);
	put_cred(sc->cred);
	path_put(&sc->lower_dir);
	if (!sc->data && atomic_dec_and_test(&dii->sa_busy))
		wake_up_var(&dii->sa_busy);
	iput(sc->dir);
	kfree(sc);
	ecryptfs_sb_work_put(sbi);
}

/*
 * Count a miss in @dir (@misses of @dir's inode info), and after @min
 * misses, at most once a second (@scanned), queue a scan of @dir.  A
 * directory larger than one scan, or whose pages were dropped again, is
 * scanned again after as many misses.
 */
static void scan_after_misses(struct inode *dir, const struct path *lower_dir,
			      atomic_t *misses, unsigned long *scanned,
			      int min, bool data)
{
	struct ecryptfs_inode_info *dii = ecryptfs_inode_to_private(dir);
	struct ecryptfs_sb_info *sbi = ecryptfs_sb(dir->i_sb);
	struct ecryptfs_statahead_scan *sc;

	if (atomic_inc_return(misses) < min ||
	    atomic_read(&dii->sa_busy) ||
	    atomic_read(&sbi->work_busy) >= STATAHEAD_MAX_BUSY)
		return;
	if (time_before(jiffies, READ_ONCE(*scanned) + HZ) ||
	    atomic_xchg(misses, 0) < min)
		return;
	WRITE_ONCE(*scanned, jiffies);
	sc = kmalloc(sizeof(*sc), GFP_KERNEL | __GFP_NOWARN);
	if (!sc)
		return;
	INIT_WORK(&sc->work, scan_work);
	sc->lower_dir = *lower_dir;
	path_get(&sc->lower_dir);
	sc->cred = get_current_cred();
	ihold(dir);
	sc->dir = dir;
	sc->data = data;
	if (!data)
		atomic_inc(&dii->sa_busy);
	ecryptfs_sb_work_get(sbi);
	ecryptfs_queue_work_elsewhere(&sc->work);
}

/**
 * ecryptfs_statahead_miss() - note a lookup that had to read a header
 * @dir: upper directory of the looked-up file
 * @lower_dir: its lower directory
 * @lower_inode: the lower inode of the looked-up file
 *
 * Starts the statahead of @dir after STATAHEAD_MISSES such lookups.
 */
void ecryptfs_statahead_miss(struct inode *dir, const struct path *lower_dir,
			     struct inode *lower_inode)
{
	struct ecryptfs_inode_info *dii = ecryptfs_inode_to_private(dir);

	if (!ecryptfs_lower_cache_usable(ecryptfs_sb_to_lower(dir->i_sb)) ||
	    xa_load(&lower_inode->i_mapping->i_pages, 0))
		return;
	scan_after_misses(dir, lower_dir, &dii->sa_misses, &dii->sa_scanned,
			  STATAHEAD_MISSES, false);
}

/**
 * ecryptfs_statahead_data_miss() - note a read of a small file whose data
 * was not in the lower page cache
 * @file: the upper file read
 *
 * Starts a data scan of the file's directory after STATAHEAD_DATA_MISSES
 * such reads.
 */
void ecryptfs_statahead_data_miss(struct file *file)
{
	struct super_block *sb = file_inode(file)->i_sb;
	struct ecryptfs_inode_info *dii;
	struct dentry *parent;
	struct inode *dir;

	if (!ecryptfs_lower_cache_usable(ecryptfs_sb_to_lower(sb)))
		return;
	parent = dget_parent(file->f_path.dentry);
	dir = d_inode(parent);
	if (dir && dir->i_sb == sb) {
		dii = ecryptfs_inode_to_private(dir);
		scan_after_misses(dir, ecryptfs_dentry_to_lower_path(parent),
				  &dii->sa_data_misses, &dii->sa_data_scanned,
				  STATAHEAD_DATA_MISSES, true);
	}
	dput(parent);
}

/**
 * ecryptfs_statahead_wait_dir() - wait until the statahead of a directory
 * has looked its lower names up and started reading their first pages
 * @dir: upper directory in which a name is looked up
 *
 * A lookup that came first would read its file's header with a request of
 * its own; waiting lets it find the header read already, with the
 * neighbours' headers, in a larger request.  The wait is bounded (one
 * second).  The statahead's own lookups of upper names do not wait.
 */
void ecryptfs_statahead_wait_dir(struct inode *dir)
{
	struct ecryptfs_inode_info *dii = ecryptfs_inode_to_private(dir);
	struct work_struct *cw;

	if (!atomic_read(&dii->sa_busy))
		return;
	/* A statahead run looking its upper names up waits for nobody. */
	cw = current_work();
	if (cw && cw->func == statahead_work)
		return;
	wait_var_event_timeout(&dii->sa_busy, !atomic_read(&dii->sa_busy), HZ);
}
