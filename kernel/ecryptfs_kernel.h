/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * eCryptfs: private structures and the interfaces between the module's
 * files.
 */
#ifndef ECRYPTFS_KERNEL_H
#define ECRYPTFS_KERNEL_H

#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/list.h>
#include <linux/path.h>
#include <linux/key.h>
#include <linux/rcupdate.h>
#include <linux/ratelimit.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/llist.h>
#include <linux/wait.h>
#include <linux/atomic.h>
#include <crypto/skcipher.h>

#include "ecryptfs/format.h"
#include "ecryptfs/header.h"
#include "compat.h"

#define ECRYPTFS_SUPER_MAGIC 0xf15f
#define ECRYPTFS_MAX_CIPHER_NAME 31
#define ECRYPTFS_XATTR_NAME "user.ecryptfs"
#define ECRYPTFS_AUTH_TOK_BYTES 740
#define ECRYPTFS_XATTR_READ_MAX 4096

/* In-memory crypt-stat flags (spec §1.1). */
#define ECRYPTFS_STRUCT_INITIALIZED   0x00000001
#define ECRYPTFS_POLICY_APPLIED       0x00000002
#define ECRYPTFS_ENCRYPTED            0x00000004
#define ECRYPTFS_SECURITY_WARNING     0x00000008
#define ECRYPTFS_ENABLE_HMAC          0x00000010
#define ECRYPTFS_ENCRYPT_IV_PAGES     0x00000020
#define ECRYPTFS_KEY_VALID            0x00000040
#define ECRYPTFS_METADATA_IN_XATTR    0x00000080
#define ECRYPTFS_VIEW_AS_ENCRYPTED    0x00000100
#define ECRYPTFS_KEY_SET              0x00000200
#define ECRYPTFS_ENCRYPT_FILENAMES    0x00000400
#define ECRYPTFS_ENCFN_USE_MOUNT_FNEK 0x00000800
#define ECRYPTFS_ENCFN_USE_FEK        0x00001000
#define ECRYPTFS_UNLINK_SIGS          0x00002000
#define ECRYPTFS_I_SIZE_INITIALIZED   0x00004000

/* Mount flags. */
#define ECRYPTFS_PLAINTEXT_PASSTHROUGH_ENABLED 0x00000001
#define ECRYPTFS_XATTR_METADATA_ENABLED        0x00000002
#define ECRYPTFS_ENCRYPTED_VIEW_ENABLED        0x00000004
#define ECRYPTFS_MOUNT_CRYPT_STAT_INITIALIZED  0x00000008
#define ECRYPTFS_GLOBAL_ENCRYPT_FILENAMES      0x00000010
#define ECRYPTFS_GLOBAL_ENCFN_USE_MOUNT_FNEK   0x00000020
#define ECRYPTFS_GLOBAL_ENCFN_USE_FEK          0x00000040
#define ECRYPTFS_GLOBAL_MOUNT_AUTH_TOK_ONLY    0x00000080

/* Global auth-tok entry flags. */
#define ECRYPTFS_AUTH_TOK_INVALID 0x00000001
#define ECRYPTFS_AUTH_TOK_FNEK    0x00000002

/* Auth token payload offsets (spec §4.1). */
#define ECRYPTFS_TOK_VERSION_OFF    0
#define ECRYPTFS_TOK_TYPE_OFF       2
#define ECRYPTFS_TOK_PW_FLAGS_OFF   644
#define ECRYPTFS_TOK_KEK_OFF        648
#define ECRYPTFS_TOK_SIG_OFF        712
#define ECRYPTFS_TOK_SALT_OFF       729
#define ECRYPTFS_TOK_KEK_BYTES      64
#define ECRYPTFS_TOK_TYPE_PASSWORD  0
#define ECRYPTFS_TOK_TYPE_PRIVATE   1
#define ECRYPTFS_TOK_VERSION        0x0004

struct ecryptfs_global_auth_tok {
	u32 flags;
	char sig[ECRYPTFS_SIG_HEX_BYTES + 1];
	struct key *key;
	struct list_head list;
};

/**
 * struct ecryptfs_mount_crypt_stat - mount-wide crypto settings
 * @flags: ECRYPTFS_*_ENABLED and ECRYPTFS_GLOBAL_* bits
 * @auth_toks: global auth toks, most recent option first
 * @auth_toks_mutex: protects @auth_toks
 * @cipher: file cipher name
 * @key_bytes: FEK size (0 = unset)
 * @fn_cipher: filename cipher name
 * @fn_key_bytes: FNEK size
 * @fnek_sig: FNEK signature (filename encryption)
 */
struct ecryptfs_mount_crypt_stat {
	u32 flags;
	struct list_head auth_toks;
	struct mutex auth_toks_mutex;
	char cipher[ECRYPTFS_MAX_CIPHER_NAME + 1];
	size_t key_bytes;
	char fn_cipher[ECRYPTFS_MAX_CIPHER_NAME + 1];
	size_t fn_key_bytes;
	char fnek_sig[ECRYPTFS_SIG_HEX_BYTES + 1];
};

/**
 * struct ecryptfs_sb_info - per-mount state
 * @lower_sb: the lower superblock (NULL once unmount has begun)
 * @mcs: mount-wide crypto options and keys
 * @prep_lock: protects @prepared and @nr_prepared
 * @prepared: keys for new files prepared ahead by @prep_work (keystore.c)
 * @nr_prepared: how many
 * @prep_work: prepares them, on an unbound workqueue (housekeeping CPUs)
 * @prep_off: this mount's keys cannot be prepared ahead
 */
struct ecryptfs_sb_info {
	struct super_block *lower_sb;
	struct ecryptfs_mount_crypt_stat mcs;
	spinlock_t prep_lock;
	struct list_head prepared;
	unsigned int nr_prepared;
	struct work_struct prep_work;
	bool prep_off;
};

struct ecryptfs_key_sig {
	struct list_head list;
	char sig[ECRYPTFS_SIG_HEX_BYTES + 1];
};

/**
 * struct ecryptfs_crypt_stat - per-file crypto state (in memory only)
 * @flags: ECRYPTFS_* in-memory flags
 * @metadata_size: header region size (also for xattr-metadata files)
 * @key_size: FEK size
 * @cipher: data cipher name
 * @key: the FEK
 * @root_iv: MD5 of the FEK
 * @key_sigs: signatures that wrap the FEK, in header order
 * @tfm: cbc(@cipher) with the FEK set, allocated when the key is set
 * @cs_mutex: protects everything above
 */
struct ecryptfs_crypt_stat {
	u32 flags;
	u32 metadata_size;
	size_t key_size;
	char cipher[ECRYPTFS_MAX_CIPHER_NAME + 1];
	u8 key[ECRYPTFS_MAX_KEY_BYTES];
	u8 root_iv[ECRYPTFS_IV_BYTES];
	struct list_head key_sigs;
	struct crypto_skcipher *tfm;
	struct mutex cs_mutex;
};

/* ecryptfs_inode_info.state bits */
#define ECRYPTFS_SIZE_DIRTY 0	/* i_size not yet in the header's size field */
#define ECRYPTFS_WT_ACTIVE 1	/* a write(2) is under way: see wt_limit */

struct ecryptfs_inode_info {
	struct inode vfs_inode;
	struct inode *lower_inode;
	struct mutex lower_file_mutex;
	atomic_t lower_file_count;
	struct file *lower_file;	/* set and cleared under both locks */
	spinlock_t lower_file_lock;	/* see ecryptfs_lower_file_get() */
	unsigned long state;
	struct mutex size_mutex;	/* serialises size-field writes */
	/*
	 * While a write(2) is under way (ECRYPTFS_WT_ACTIVE, i_rwsem held)
	 * i_size may cover bytes copied into the page cache but not yet in
	 * the lower file: the size field then claims at most wt_limit, the
	 * end of what the lower file holds.
	 */
	loff_t wt_limit;
	struct ecryptfs_crypt_stat crypt_stat;
};

struct ecryptfs_dentry_info {
	struct path lower_path;
	struct rcu_head rcu;
};

struct ecryptfs_file_info {
	struct file *lower_file;
};

static inline struct ecryptfs_inode_info *ecryptfs_inode_to_private(struct inode *inode)
{
	return container_of(inode, struct ecryptfs_inode_info, vfs_inode);
}

static inline struct inode *ecryptfs_inode_to_lower(struct inode *inode)
{
	return ecryptfs_inode_to_private(inode)->lower_inode;
}

static inline struct ecryptfs_crypt_stat *ecryptfs_crypt_stat(struct inode *inode)
{
	return &ecryptfs_inode_to_private(inode)->crypt_stat;
}

static inline struct ecryptfs_sb_info *ecryptfs_sb(struct super_block *sb)
{
	return sb->s_fs_info;
}

/* The lower file of @inode holds every byte below @end (i_rwsem held). */
static inline void ecryptfs_lower_holds(struct inode *inode, loff_t end)
{
	struct ecryptfs_inode_info *ii = ecryptfs_inode_to_private(inode);

	if (end > READ_ONCE(ii->wt_limit))
		WRITE_ONCE(ii->wt_limit, end);
}

static inline struct ecryptfs_mount_crypt_stat *ecryptfs_mcs(struct super_block *sb)
{
	return &ecryptfs_sb(sb)->mcs;
}

static inline struct super_block *ecryptfs_sb_to_lower(struct super_block *sb)
{
	return ecryptfs_sb(sb)->lower_sb;
}

static inline struct ecryptfs_dentry_info *ecryptfs_dentry_info(const struct dentry *dentry)
{
	return dentry->d_fsdata;
}

static inline struct dentry *ecryptfs_dentry_to_lower(const struct dentry *dentry)
{
	return ecryptfs_dentry_info(dentry)->lower_path.dentry;
}

static inline const struct path *ecryptfs_dentry_to_lower_path(const struct dentry *dentry)
{
	return &ecryptfs_dentry_info(dentry)->lower_path;
}

static inline struct file *ecryptfs_file_to_lower(struct file *file)
{
	return ((struct ecryptfs_file_info *)file->private_data)->lower_file;
}

/* Lower-file data offset of the header region (0 when it is in the xattr). */
static inline u32 ecryptfs_lower_header_size(struct ecryptfs_crypt_stat *cs)
{
	if (cs->flags & ECRYPTFS_METADATA_IN_XATTR)
		return 0;
	return cs->metadata_size;
}

/* i_ino is unsigned long up to 6.x, u64 from 7.x: printed as the latter. */
#define ecryptfs_ino(inode) ((inode) ? (unsigned long long)(inode)->i_ino : 0ULL)
#define ecryptfs_err_rl(inode, fmt, ...)				\
	pr_err_ratelimited("ecryptfs: %s: inode %llu: " fmt,		\
			   __func__, ecryptfs_ino(inode), ##__VA_ARGS__)
#define ecryptfs_warn_rl(inode, fmt, ...)				\
	pr_warn_ratelimited("ecryptfs: %s: inode %llu: " fmt,		\
			    __func__, ecryptfs_ino(inode), ##__VA_ARGS__)

/* main.c */
extern struct file_system_type ecryptfs_fs_type;
extern struct kmem_cache *ecryptfs_inode_cachep;

/* super.c */
extern const struct super_operations ecryptfs_sops;
void ecryptfs_put_auth_toks(struct ecryptfs_mount_crypt_stat *mcs);

/* dentry.c */
extern const struct dentry_operations ecryptfs_dops;
int ecryptfs_init_dentry_info(struct dentry *dentry, const struct path *lower);

/* inode.c */
extern const struct inode_operations ecryptfs_main_iops;
extern const struct inode_operations ecryptfs_dir_iops;
extern const struct inode_operations ecryptfs_symlink_iops;
extern const struct xattr_handler *ecryptfs_xattr_handlers[];
struct inode *ecryptfs_get_inode(struct inode *lower_inode,
				 struct super_block *sb);
int ecryptfs_truncate(struct dentry *dentry, loff_t new_length);

/* file.c */
extern const struct file_operations ecryptfs_main_fops;
extern const struct file_operations ecryptfs_dir_fops;
int ecryptfs_get_lower_file(struct dentry *dentry, struct inode *inode);
void ecryptfs_put_lower_file(struct inode *inode);
struct file *ecryptfs_lower_file_get(struct inode *inode);

/* mmap.c */
extern const struct address_space_operations ecryptfs_aops;
int ecryptfs_write(struct inode *inode, const char *data, loff_t offset,
		   size_t size);
int ecryptfs_sync_size(struct inode *inode);

/* crypto.c */
int ecryptfs_crypto_init(void);
void ecryptfs_crypto_exit(void);
void ecryptfs_init_crypt_stat(struct ecryptfs_crypt_stat *cs);
void ecryptfs_destroy_crypt_stat(struct ecryptfs_crypt_stat *cs);
int ecryptfs_set_file_key(struct ecryptfs_crypt_stat *cs);
int ecryptfs_crypt_extents(struct ecryptfs_crypt_stat *cs, struct page *dst,
			   struct page *src, unsigned int offset,
			   unsigned int len, pgoff_t first_extent,
			   bool encrypt);
struct page *ecryptfs_alloc_ct_page(gfp_t gfp);
void ecryptfs_free_ct_page(struct page *page);
int ecryptfs_crypt_pages(struct ecryptfs_crypt_stat *cs, struct page **dst,
			 struct page **src, unsigned int n, pgoff_t first,
			 bool encrypt);
int ecryptfs_test_cipher(const char *cipher_name, size_t key_bytes);
int ecryptfs_md5_digest(const u8 *data, size_t len, u8 *out);

/**
 * ecryptfs_ecb_crypt() - ECB-encrypt or -decrypt a buffer in place
 * @cipher_name: kernel cipher name ("aes", "blowfish", ...)
 * @key: the key
 * @key_size: its length
 * @buf: data, @len bytes, a multiple of the cipher block size
 * @len: length of @buf
 * @encrypt: true to encrypt
 *
 * Uses the module-wide cache of one ecb(<name>) skcipher per cipher name,
 * serialised by that entry's mutex.  @buf may live anywhere (stack too).
 *
 * Return: 0 or a negative errno.
 */
int ecryptfs_ecb_crypt(const char *cipher_name, const u8 *key, size_t key_size,
		       u8 *buf, size_t len, bool encrypt);

/* probe.c */
bool ecryptfs_lower_cache_usable(struct super_block *lower_sb);
int ecryptfs_probe_size_cached(struct inode *inode);

/* fname.c */
int ecryptfs_encrypt_filename(struct ecryptfs_mount_crypt_stat *mcs,
			      const char *name, size_t len, char **out,
			      size_t *out_len);
int ecryptfs_decrypt_filename(struct ecryptfs_mount_crypt_stat *mcs,
			      const char *name, size_t len, char **out,
			      size_t *out_len);
int ecryptfs_decode_name(struct super_block *sb, const char *name, size_t len,
			 char **out, size_t *out_len);
long ecryptfs_fname_namelen(struct ecryptfs_mount_crypt_stat *mcs,
			    long lower_namelen);

static inline bool ecryptfs_encrypts_names(struct super_block *sb)
{
	return ecryptfs_mcs(sb)->flags & ECRYPTFS_GLOBAL_ENCRYPT_FILENAMES;
}

/* keyring.c */
int ecryptfs_add_global_auth_tok(struct ecryptfs_mount_crypt_stat *mcs,
				 const char *sig, u32 flags);
int ecryptfs_get_passphrase_tok(struct ecryptfs_mount_crypt_stat *mcs,
				const char *sig, u8 *kek, u8 *salt);

/**
 * ecryptfs_find_passphrase_kek() - the KEK of a passphrase auth token
 * @mcs: the mount (its list of global auth toks is searched first)
 * @sig: 16 hex chars
 * @kek: 64 bytes out: the token's session_key_encryption_key
 *
 * Looks in the mount's list, then (unless ecryptfs_mount_auth_tok_only)
 * in the caller's keyrings, validating the token (spec §4.3).  The
 * caller must wipe @kek with memzero_explicit() after use.
 *
 * Return: 0, -ENOENT (no such key), -EINVAL (invalid/revoked), or
 * -EKEYEXPIRED.
 */
int ecryptfs_find_passphrase_kek(struct ecryptfs_mount_crypt_stat *mcs,
				 const char *sig, u8 *kek);

/* keystore.c */
int ecryptfs_new_file_context(struct inode *inode, u8 **hdrp);
void ecryptfs_prepare_work(struct work_struct *work);
void ecryptfs_drop_prepared(struct ecryptfs_sb_info *sbi);
int ecryptfs_build_metadata(struct inode *inode, u8 **bufp);
int ecryptfs_write_header_buf(struct inode *inode, const u8 *buf);
int ecryptfs_write_lower_all(struct file *lower, const void *buf, size_t len,
			     loff_t off);
void ecryptfs_init_i_size(struct inode *inode, u64 hdr_size);
int ecryptfs_write_metadata(struct dentry *dentry, struct inode *inode);
int ecryptfs_read_metadata(struct dentry *dentry, struct inode *inode);
int ecryptfs_write_size_field(struct inode *inode);
int ecryptfs_probe_size(struct dentry *dentry, struct inode *inode);
bool ecryptfs_header_never_written(struct file *lower);
int ecryptfs_read_xattr_header(struct dentry *lower_dentry,
			       struct inode *lower_inode, u8 *buf,
			       size_t size);

#endif /* ECRYPTFS_KERNEL_H */
