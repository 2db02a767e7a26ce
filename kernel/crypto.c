// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs: data-extent encryption (cbc, per-extent IVs), the per-inode
 * cipher, and the module-wide ecb() cache used for key wrapping and
 * filenames.
 */

#include <linux/slab.h>
#include <linux/sched/isolation.h>
#include <linux/scatterlist.h>
#include <linux/random.h>
#include <linux/mm.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>

#include "ecryptfs_kernel.h"

/* One md5 shash for the whole module: digests use on-stack descriptors. */
static struct crypto_shash *ecryptfs_md5;

struct ecryptfs_ecb_entry {
	struct list_head list;
	char name[ECRYPTFS_MAX_CIPHER_NAME + 1];
	struct crypto_skcipher *tfm;
	struct mutex mutex;
};

static LIST_HEAD(ecb_cache);
static DEFINE_MUTEX(ecb_cache_mutex);

/*
 * Every open file needs a cbc(<cipher>) handle keyed with its FEK, and
 * allocating one walks the crypto API's list of algorithms: handles of
 * evicted files are kept in a small pool, re-keyed with random bytes of the
 * cipher's largest key size (which rewrites the whole key schedule) so that
 * no FEK stays behind, and given to the next file of the same cipher.
 */
#define ECRYPTFS_TFM_POOL_MAX 64

struct ecryptfs_pooled_tfm {
	struct list_head list;
	struct crypto_skcipher *tfm;
};

static LIST_HEAD(tfm_pool);
static unsigned int tfm_pool_count;
static DEFINE_SPINLOCK(tfm_pool_lock);

/* A pooled handle of algorithm @alg ("cbc(aes)"), or NULL. */
static struct crypto_skcipher *tfm_pool_get(const char *alg)
{
	struct ecryptfs_pooled_tfm *p, *found = NULL;
	struct crypto_skcipher *tfm;

	spin_lock(&tfm_pool_lock);
	list_for_each_entry(p, &tfm_pool, list) {
		if (!strcmp(crypto_tfm_alg_name(crypto_skcipher_tfm(p->tfm)),
			    alg)) {
			list_del(&p->list);
			tfm_pool_count--;
			found = p;
			break;
		}
	}
	spin_unlock(&tfm_pool_lock);
	if (!found)
		return NULL;
	tfm = found->tfm;
	kfree(found);
	return tfm;
}

/* Wipe the key of @tfm and keep it for another file, else free it. */
static void tfm_pool_put(struct crypto_skcipher *tfm)
{
	struct ecryptfs_pooled_tfm *p;
	u8 junk[ECRYPTFS_MAX_KEY_BYTES];
	unsigned int key_size;
	int rc;

	if (!tfm)
		return;
	key_size = crypto_skcipher_max_keysize(tfm);
	if (READ_ONCE(tfm_pool_count) >= ECRYPTFS_TFM_POOL_MAX ||
	    key_size > sizeof(junk))
		goto free;
	p = kmalloc(sizeof(*p), GFP_NOFS);
	if (!p)
		goto free;
	get_random_bytes(junk, key_size);
	rc = crypto_skcipher_setkey(tfm, junk, key_size);
	memzero_explicit(junk, sizeof(junk));
	if (rc) {
		kfree(p);
		goto free;
	}
	p->tfm = tfm;
	spin_lock(&tfm_pool_lock);
	if (tfm_pool_count < ECRYPTFS_TFM_POOL_MAX) {
		list_add(&p->list, &tfm_pool);
		tfm_pool_count++;
		p = NULL;
	}
	spin_unlock(&tfm_pool_lock);
	if (!p)
		return;
	kfree(p);
free:
	crypto_free_skcipher(tfm);
}

/*
 * The extents of one batch of pages (writeback, readahead) are spread over
 * the online CPUs: the batch is cut into up to ECRYPTFS_CRYPT_MAX_CHUNKS
 * runs of at least ECRYPTFS_CRYPT_MIN_PAGES pages (a run of fewer than 4
 * pages stays on the calling CPU); the first run is done by the caller,
 * each other one is queued on ecryptfs_crypt_wq on another online CPU than
 * the caller's; the caller then takes back every chunk whose CPU has not
 * started it and waits only for those already running.  The queue is
 * per-CPU on purpose: a work item of an unbound queue is woken next to its
 * waker, on the caller's busy CPU, and would only run once the caller
 * waits.  Only these chunks run on it, and they wait for nothing, so no
 * work item ever waits for one queued behind itself.  WQ_MEM_RECLAIM:
 * writeback waits for these work items, so they must make progress under
 * memory pressure.
 */
#define ECRYPTFS_CRYPT_MIN_PAGES 2
#define ECRYPTFS_CRYPT_MAX_CHUNKS 4

static struct workqueue_struct *ecryptfs_crypt_wq;

struct ecryptfs_crypt_chunk {
	struct work_struct work;
	struct completion done;
	struct ecryptfs_crypt_stat *cs;
	struct page **dst;
	struct page **src;
	unsigned int n;
	pgoff_t first;		/* page index of dst[0] and src[0] */
	bool encrypt;
	int rc;
};

/**
 * ecryptfs_crypto_init() - allocate the module-wide crypto objects and the
 * workqueue of the parallel extent crypto
 * Return: 0 or a negative errno.
 */
int ecryptfs_crypto_init(void)
{
	int rc;

	ecryptfs_md5 = crypto_alloc_shash("md5", 0, 0);
	if (IS_ERR(ecryptfs_md5)) {
		rc = PTR_ERR(ecryptfs_md5);
		goto out;
	}
	ecryptfs_crypt_wq = alloc_workqueue("ecryptfs-crypt",
					    WQ_MEM_RECLAIM | WQ_HIGHPRI |
					    ECRYPTFS_WQ_PERCPU, 0);
	if (!ecryptfs_crypt_wq) {
		rc = -ENOMEM;
		goto out_md5;
	}
	return 0;

out_md5:
	crypto_free_shash(ecryptfs_md5);
out:
	ecryptfs_md5 = NULL;
	return rc;
}

/*
 * Ciphertext pages.  Writeback encrypts into a page of its own before the
 * lower write copies it into the lower page cache; a few such pages are
 * kept for reuse instead of being freed.  A fresh page is cleared by the
 * page allocator on kernels booted with init_on_alloc (the distributions'
 * default), and each small file written costs one.  Kept pages hold only
 * ciphertext, and every user overwrites all of a page before reading it.
 */
#define ECRYPTFS_CT_POOL 64
static DEFINE_SPINLOCK(ct_pool_lock);
static struct page *ct_pool[ECRYPTFS_CT_POOL];
static unsigned int ct_pool_n;

/**
 * ecryptfs_alloc_ct_page() - a page for ciphertext, contents undefined
 * @gfp: allocation flags, for when no kept page is at hand
 *
 * Return: the page or NULL.
 */
struct page *ecryptfs_alloc_ct_page(gfp_t gfp)
{
	struct page *page = NULL;

	spin_lock(&ct_pool_lock);
	if (ct_pool_n)
		page = ct_pool[--ct_pool_n];
	spin_unlock(&ct_pool_lock);
	return page ?: alloc_page(gfp);
}

/**
 * ecryptfs_free_ct_page() - give back a page of ecryptfs_alloc_ct_page()
 * @page: the page
 */
void ecryptfs_free_ct_page(struct page *page)
{
	spin_lock(&ct_pool_lock);
	if (ct_pool_n < ECRYPTFS_CT_POOL) {
		ct_pool[ct_pool_n++] = page;
		page = NULL;
	}
	spin_unlock(&ct_pool_lock);
	if (page)
		__free_page(page);
}

/**
 * ecryptfs_crypto_exit() - free the md5 handle, the ecb() cache and the
 * pool of cbc() handles
 */
void ecryptfs_crypto_exit(void)
{
	struct ecryptfs_ecb_entry *e, *tmp;

	struct ecryptfs_pooled_tfm *p, *ptmp;

	if (ecryptfs_crypt_wq) {
		destroy_workqueue(ecryptfs_crypt_wq);
		ecryptfs_crypt_wq = NULL;
	}
	while (ct_pool_n)
		__free_page(ct_pool[--ct_pool_n]);
	list_for_each_entry_safe(e, tmp, &ecb_cache, list) {
		list_del(&e->list);
		crypto_free_skcipher(e->tfm);
		kfree(e);
	}
	list_for_each_entry_safe(p, ptmp, &tfm_pool, list) {
		list_del(&p->list);
		crypto_free_skcipher(p->tfm);
		kfree(p);
	}
	tfm_pool_count = 0;
	crypto_free_shash(ecryptfs_md5);
}

/**
 * ecryptfs_md5_digest() - MD5 of a buffer with the module-wide handle
 * @data: bytes
 * @len: how many
 * @out: 16 bytes
 *
 * Return: 0 or a negative errno.
 */
int ecryptfs_md5_digest(const u8 *data, size_t len, u8 *out)
{
	return crypto_shash_tfm_digest(ecryptfs_md5, data, len, out);
}

/* Find or create the cache entry for ecb(@name). */
static struct ecryptfs_ecb_entry *ecb_entry(const char *name)
{
	struct ecryptfs_ecb_entry *e;
	char full[CRYPTO_MAX_ALG_NAME];

	mutex_lock(&ecb_cache_mutex);
	list_for_each_entry(e, &ecb_cache, list) {
		if (!strcmp(e->name, name))
			goto out;
	}
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e) {
		e = ERR_PTR(-ENOMEM);
		goto out;
	}
	snprintf(full, sizeof(full), "ecb(%s)", name);
	e->tfm = crypto_alloc_skcipher(full, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(e->tfm)) {
		int rc = PTR_ERR(e->tfm);

		kfree(e);
		e = ERR_PTR(rc);
		goto out;
	}
	crypto_skcipher_set_flags(e->tfm, CRYPTO_TFM_REQ_FORBID_WEAK_KEYS);
	strscpy(e->name, name, sizeof(e->name));
	mutex_init(&e->mutex);
	list_add(&e->list, &ecb_cache);
out:
	mutex_unlock(&ecb_cache_mutex);
	return e;
}

int ecryptfs_ecb_crypt(const char *cipher_name, const u8 *key, size_t key_size,
		       u8 *buf, size_t len, bool encrypt)
{
	struct ecryptfs_ecb_entry *e;
	struct skcipher_request *req;
	struct scatterlist sg;
	u8 *bounce;
	int rc;

	if (!len)
		return 0;
	e = ecb_entry(cipher_name);
	if (IS_ERR(e))
		return PTR_ERR(e);
	if (len % crypto_skcipher_blocksize(e->tfm))
		return -EINVAL;
	/* The caller's buffer may be on a vmapped stack: bounce it. */
	bounce = kmemdup(buf, len, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	mutex_lock(&e->mutex);
	rc = crypto_skcipher_setkey(e->tfm, key, key_size);
	if (rc)
		goto out_unlock;
	req = skcipher_request_alloc(e->tfm, GFP_KERNEL);
	if (!req) {
		rc = -ENOMEM;
		goto out_unlock;
	}
	sg_init_one(&sg, bounce, len);
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, len, NULL);
	rc = encrypt ? crypto_skcipher_encrypt(req) :
		       crypto_skcipher_decrypt(req);
	skcipher_request_free(req);
	if (!rc)
		memcpy(buf, bounce, len);
out_unlock:
	mutex_unlock(&e->mutex);
	kfree_sensitive(bounce);
	return rc;
}

/**
 * ecryptfs_test_cipher() - check that @cipher_name works with @key_bytes
 * @cipher_name: kernel cipher name
 * @key_bytes: key size (0: the cipher's maximum)
 *
 * Sets a random key on ecb(@cipher_name) as the reference does at mount.
 *
 * Return: 0 or a negative errno.
 */
int ecryptfs_test_cipher(const char *cipher_name, size_t key_bytes)
{
	struct ecryptfs_ecb_entry *e;
	u8 *key;
	int rc;

	e = ecb_entry(cipher_name);
	if (IS_ERR(e))
		return PTR_ERR(e);
	if (!key_bytes)
		key_bytes = crypto_skcipher_max_keysize(e->tfm);
	if (key_bytes > ECRYPTFS_MAX_KEY_BYTES)
		return -EINVAL;
	key = kmalloc(key_bytes, GFP_KERNEL);
	if (!key)
		return -ENOMEM;
	get_random_bytes(key, key_bytes);
	mutex_lock(&e->mutex);
	rc = crypto_skcipher_setkey(e->tfm, key, key_bytes);
	mutex_unlock(&e->mutex);
	kfree_sensitive(key);
	return rc;
}

/**
 * ecryptfs_init_crypt_stat() - initialise a per-inode crypt stat
 * @cs: the crypt stat
 */
void ecryptfs_init_crypt_stat(struct ecryptfs_crypt_stat *cs)
{
	memset(cs, 0, sizeof(*cs));
	INIT_LIST_HEAD(&cs->key_sigs);
	mutex_init(&cs->cs_mutex);
	cs->metadata_size = ECRYPTFS_MIN_HEADER_SIZE;
	cs->flags = ECRYPTFS_STRUCT_INITIALIZED;
}

/**
 * ecryptfs_destroy_crypt_stat() - free and wipe a per-inode crypt stat
 * @cs: the crypt stat
 */
void ecryptfs_destroy_crypt_stat(struct ecryptfs_crypt_stat *cs)
{
	struct ecryptfs_key_sig *ks, *tmp;

	tfm_pool_put(cs->tfm);
	cs->tfm = NULL;
	list_for_each_entry_safe(ks, tmp, &cs->key_sigs, list) {
		list_del(&ks->list);
		kfree(ks);
	}
	memzero_explicit(cs->key, sizeof(cs->key));
	memzero_explicit(cs->root_iv, sizeof(cs->root_iv));
	cs->flags &= ~(ECRYPTFS_KEY_VALID | ECRYPTFS_KEY_SET);
}

/**
 * ecryptfs_set_file_key() - derive the root IV and key the cbc cipher
 * @cs: crypt stat with cipher, key and key_size filled in; cs_mutex held
 *
 * Return: 0 or a negative errno.
 */
int ecryptfs_set_file_key(struct ecryptfs_crypt_stat *cs)
{
	char full[CRYPTO_MAX_ALG_NAME];
	u8 digest[16];
	struct crypto_skcipher *tfm;
	int rc;

	rc = ecryptfs_md5_digest(cs->key, cs->key_size, digest);
	if (rc)
		return rc;
	memcpy(cs->root_iv, digest, ECRYPTFS_IV_BYTES);
	memzero_explicit(digest, sizeof(digest));

	snprintf(full, sizeof(full), "cbc(%s)", cs->cipher);
	tfm = tfm_pool_get(full);
	if (!tfm) {
		tfm = crypto_alloc_skcipher(full, 0, 0);
		if (IS_ERR(tfm))
			return PTR_ERR(tfm);
		crypto_skcipher_set_flags(tfm, CRYPTO_TFM_REQ_FORBID_WEAK_KEYS);
	}
	rc = crypto_skcipher_setkey(tfm, cs->key, cs->key_size);
	if (rc) {
		crypto_free_skcipher(tfm);
		return rc;
	}
	tfm_pool_put(cs->tfm);
	cs->tfm = tfm;
	cs->flags |= ECRYPTFS_KEY_SET | ECRYPTFS_KEY_VALID;
	return 0;
}

static int ecryptfs_extent_iv(struct ecryptfs_crypt_stat *cs, u64 extent,
			      u8 *iv)
{
	u8 in[2 * ECRYPTFS_IV_BYTES];
	u8 digest[16];
	int rc;

	ecryptfs_extent_iv_input(cs->root_iv, extent, in);
	rc = ecryptfs_md5_digest(in, sizeof(in), digest);
	memcpy(iv, digest, ECRYPTFS_IV_BYTES);
	memzero_explicit(in, sizeof(in));
	return rc;
}

/*
 * En/decrypt the extents of @len bytes at @offset of @src into @dst with
 * @req, a request of the file's cipher handle that belongs to the caller
 * alone (the handle is shared: a keyed skcipher takes concurrent requests;
 * the IV and the MD5 descriptor of the IV derivation are on this stack).
 */
static int crypt_run(struct ecryptfs_crypt_stat *cs,
		     struct skcipher_request *req, struct page *dst,
		     struct page *src, unsigned int offset, unsigned int len,
		     pgoff_t first_extent, bool encrypt)
{
	struct scatterlist src_sg, dst_sg;
	DECLARE_CRYPTO_WAIT(wait);
	u8 iv[ECRYPTFS_IV_BYTES];
	unsigned int done;
	int rc = 0;

	for (done = 0; done < len; done += ECRYPTFS_DATA_EXTENT_SIZE) {
		rc = ecryptfs_extent_iv(cs, first_extent +
					done / ECRYPTFS_DATA_EXTENT_SIZE, iv);
		if (rc)
			break;
		sg_init_table(&src_sg, 1);
		sg_init_table(&dst_sg, 1);
		sg_set_page(&src_sg, src, ECRYPTFS_DATA_EXTENT_SIZE,
			    offset + done);
		sg_set_page(&dst_sg, dst, ECRYPTFS_DATA_EXTENT_SIZE,
			    offset + done);
		skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
					      CRYPTO_TFM_REQ_MAY_SLEEP,
					      crypto_req_done, &wait);
		skcipher_request_set_crypt(req, &src_sg, &dst_sg,
					   ECRYPTFS_DATA_EXTENT_SIZE, iv);
		rc = crypto_wait_req(encrypt ? crypto_skcipher_encrypt(req) :
					       crypto_skcipher_decrypt(req),
				     &wait);
		if (rc)
			break;
	}
	memzero_explicit(iv, sizeof(iv));
	return rc;
}

/**
 * ecryptfs_crypt_extents() - en/decrypt a run of extents of one page
 * @cs: the file's crypt stat (key set)
 * @dst: destination page (may equal @src)
 * @src: source page
 * @offset: byte offset in the pages of the first extent (extent aligned)
 * @len: bytes (a multiple of the extent size)
 * @first_extent: extent number of the extent at @offset
 * @encrypt: true to encrypt
 *
 * Every data extent is transformed here or by ecryptfs_crypt_pages(),
 * both through crypt_run().
 *
 * Return: 0 or a negative errno.
 */
int ecryptfs_crypt_extents(struct ecryptfs_crypt_stat *cs, struct page *dst,
			   struct page *src, unsigned int offset,
			   unsigned int len, pgoff_t first_extent,
			   bool encrypt)
{
	struct skcipher_request *req;
	int rc;

	if (!cs->tfm || !(cs->flags & ECRYPTFS_KEY_SET))
		return -EINVAL;
	req = skcipher_request_alloc(cs->tfm, GFP_NOFS);
	if (!req)
		return -ENOMEM;
	rc = crypt_run(cs, req, dst, src, offset, len, first_extent, encrypt);
	skcipher_request_free(req);
	return rc;
}

/*
 * The CPU after @cpu, wrapping around, that may take a chunk of the
 * caller's batch: online, allowed to the caller (its affinity and its
 * cpuset) and not isolated from the scheduler (a housekeeping CPU); -1
 * once the search comes back to @self, the caller's CPU.
 */
static int next_crypt_cpu(int cpu, int self)
{
	unsigned int tries;

	for (tries = 0; tries < nr_cpu_ids; tries++) {
		cpu = cpumask_next_and(cpu, cpu_online_mask, current->cpus_ptr);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first_and(cpu_online_mask,
						current->cpus_ptr);
		if (cpu >= nr_cpu_ids || cpu == self)
			return -1;
		if (housekeeping_test_cpu(cpu, HK_TYPE_DOMAIN))
			return cpu;
	}
	return -1;
}

/* En/decrypt the whole pages of @ch with a request of its own. */
static int crypt_chunk(struct ecryptfs_crypt_chunk *ch)
{
	struct skcipher_request *req;
	unsigned int i;
	int rc = 0;

	req = skcipher_request_alloc(ch->cs->tfm, GFP_NOFS);
	if (!req)
		return -ENOMEM;
	for (i = 0; i < ch->n && !rc; i++)
		rc = crypt_run(ch->cs, req, ch->dst[i], ch->src[i], 0,
			       PAGE_SIZE, (ch->first + i) *
			       (PAGE_SIZE / ECRYPTFS_DATA_EXTENT_SIZE),
			       ch->encrypt);
	skcipher_request_free(req);
	return rc;
}

static void crypt_chunk_work(struct work_struct *work)
{
	struct ecryptfs_crypt_chunk *ch =
		container_of(work, struct ecryptfs_crypt_chunk, work);

	ch->rc = crypt_chunk(ch);
	complete(&ch->done);
}

/**
 * ecryptfs_crypt_pages() - en/decrypt a run of whole, contiguous pages,
 * spread over the online CPUs
 * @cs: the file's crypt stat (key set)
 * @dst: @n destination pages (may be @src: in place)
 * @src: @n source pages
 * @n: number of pages
 * @first: page index (upper) of @src[0]; @src[i] is page @first + i
 * @encrypt: true to encrypt
 *
 * Runs of fewer than 2 * ECRYPTFS_CRYPT_MIN_PAGES (4) pages, or one online
 * CPU, stay on the calling CPU.  Otherwise the run is cut into one chunk per
 * online CPU (at most ECRYPTFS_CRYPT_MAX_CHUNKS); the caller does the first
 * and waits for the others, queued on the module's workqueue.  The result
 * is the same bytes as ecryptfs_crypt_extents() on every page.  May sleep.
 *
 * Return: 0 or the first negative errno, in page order of the chunks; on an
 * error the content of every @dst page is undefined.
 */
int ecryptfs_crypt_pages(struct ecryptfs_crypt_stat *cs, struct page **dst,
			 struct page **src, unsigned int n, pgoff_t first,
			 bool encrypt)
{
	struct ecryptfs_crypt_chunk chunks[ECRYPTFS_CRYPT_MAX_CHUNKS];
	unsigned int nr, i, queued, start = 0;
	int cpu, self;
	int rc;

	if (!n)
		return 0;
	if (!cs->tfm || !(cs->flags & ECRYPTFS_KEY_SET))
		return -EINVAL;
	nr = min3(num_online_cpus(), n / ECRYPTFS_CRYPT_MIN_PAGES,
		  (unsigned int)ECRYPTFS_CRYPT_MAX_CHUNKS);
	if (nr < 2 || !ecryptfs_crypt_wq)
		nr = 1;
	for (i = 0; i < nr; i++) {
		struct ecryptfs_crypt_chunk *ch = &chunks[i];

		ch->cs = cs;
		ch->dst = dst + start;
		ch->src = src + start;
		ch->n = (n - start) / (nr - i);
		ch->first = first + start;
		ch->encrypt = encrypt;
		ch->rc = 0;
		start += ch->n;
	}
	self = get_cpu();
	cpu = self;
	for (queued = 1; queued < nr; queued++) {
		cpu = next_crypt_cpu(cpu, self);
		if (cpu < 0)
			break;
		INIT_WORK_ONSTACK(&chunks[queued].work, crypt_chunk_work);
		init_completion(&chunks[queued].done);
		queue_work_on(cpu, ecryptfs_crypt_wq, &chunks[queued].work);
	}
	put_cpu();
	/* The first chunk, and those no other CPU may take, are done here. */
	rc = crypt_chunk(&chunks[0]);
	for (i = queued; i < nr; i++) {
		int rc2 = crypt_chunk(&chunks[i]);

		if (!rc)
			rc = rc2;
	}
	for (i = 1; i < queued; i++) {
		/*
		 * A chunk whose CPU has not got to it yet (busy with other
		 * work, or its vCPU not running) is taken back and done
		 * here: handing work over never makes the caller slower
		 * than doing it all itself.
		 */
		if (cancel_work(&chunks[i].work))
			chunks[i].rc = crypt_chunk(&chunks[i]);
		else
			wait_for_completion(&chunks[i].done);
		destroy_work_on_stack(&chunks[i].work);
		if (!rc)
			rc = chunks[i].rc;
	}
	return rc;
}
