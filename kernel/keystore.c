// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs: reading and writing the lower-file header (spec §2.1-2.5,
 * §2.9, §2.10); the FEK is wrapped/unwrapped through tag 3/11 packets.
 * The byte layout itself is in include/ecryptfs/header.c.
 */

#include <linux/slab.h>
#include <linux/file.h>
#include <linux/random.h>
#include <linux/xattr.h>
#include <linux/fs_stack.h>

#include "ecryptfs_kernel.h"
#include "ecryptfs/msg.h"
#include "messaging.h"

static const u32 ecryptfs_mcs_flag_mask = ECRYPTFS_METADATA_IN_XATTR |
	ECRYPTFS_VIEW_AS_ENCRYPTED | ECRYPTFS_ENCRYPT_FILENAMES |
	ECRYPTFS_ENCFN_USE_MOUNT_FNEK;

/* Mount flags that new or read files inherit. */
static u32 inherited_flags(struct ecryptfs_mount_crypt_stat *mcs)
{
	u32 f = 0;

	if (mcs->flags & ECRYPTFS_XATTR_METADATA_ENABLED)
		f |= ECRYPTFS_METADATA_IN_XATTR;
	if (mcs->flags & ECRYPTFS_ENCRYPTED_VIEW_ENABLED)
		f |= ECRYPTFS_VIEW_AS_ENCRYPTED;
	if (mcs->flags & ECRYPTFS_GLOBAL_ENCRYPT_FILENAMES)
		f |= ECRYPTFS_ENCRYPT_FILENAMES;
	if (mcs->flags & ECRYPTFS_GLOBAL_ENCFN_USE_MOUNT_FNEK)
		f |= ECRYPTFS_ENCFN_USE_MOUNT_FNEK;
	return f;
}

/* Size of the EFEK for a FEK of @key_size bytes of @cipher. */
static size_t efek_size(const char *cipher, size_t key_size)
{
	if (!strcmp(cipher, "aes") && key_size == 24)
		return 32;
	return key_size;
}

/*
 * Give @cs, wiped or fresh, a new random FEK and the mount's settings, and
 * key its cipher handle.
 */
static int fill_file_context(struct ecryptfs_mount_crypt_stat *mcs,
			     struct ecryptfs_crypt_stat *cs)
{
	struct ecryptfs_global_auth_tok *tok;
	struct ecryptfs_key_sig *ks;

	cs->flags &= ~ecryptfs_mcs_flag_mask;
	cs->flags |= inherited_flags(mcs) | ECRYPTFS_ENCRYPTED |
		     ECRYPTFS_POLICY_APPLIED;
	cs->flags &= ~ECRYPTFS_VIEW_AS_ENCRYPTED;
	strscpy(cs->cipher, mcs->cipher, sizeof(cs->cipher));
	cs->key_size = mcs->key_bytes ? mcs->key_bytes : 16;
	if (cs->key_size > ECRYPTFS_MAX_KEY_BYTES)
		return -EINVAL;
	cs->metadata_size = ECRYPTFS_MIN_HEADER_SIZE;
	get_random_bytes(cs->key, cs->key_size);

	/* The file's signatures in mount-option order (list is reversed). */
	mutex_lock(&mcs->auth_toks_mutex);
	list_for_each_entry_reverse(tok, &mcs->auth_toks, list) {
		if (tok->flags & ECRYPTFS_AUTH_TOK_FNEK)
			continue;
		ks = kzalloc(sizeof(*ks), GFP_KERNEL);
		if (!ks) {
			mutex_unlock(&mcs->auth_toks_mutex);
			return -ENOMEM;
		}
		strscpy(ks->sig, tok->sig, sizeof(ks->sig));
		list_add_tail(&ks->list, &cs->key_sigs);
	}
	mutex_unlock(&mcs->auth_toks_mutex);
	return ecryptfs_set_file_key(cs);
}

static struct ecryptfs_prepared *take_prepared(struct super_block *sb);
static void adopt_prepared(struct ecryptfs_crypt_stat *cs,
			   struct ecryptfs_prepared *p, u8 **hdrp);

/**
 * ecryptfs_new_file_context() - fresh FEK and settings for a new file
 * @inode: the upper inode; its cs_mutex is held
 * @hdrp: NULL, or where to put the file's header when a prepared key (see
 *        ecryptfs_prepare_work()) came with one; NULL is put there when
 *        the caller must build it with ecryptfs_build_metadata()
 *
 * Return: 0 or a negative errno.
 */
int ecryptfs_new_file_context(struct inode *inode, u8 **hdrp)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	struct ecryptfs_prepared *p = NULL;

	ecryptfs_destroy_crypt_stat(cs);
	if (hdrp) {
		*hdrp = NULL;
		p = take_prepared(inode->i_sb);
	}
	if (p) {
		adopt_prepared(cs, p, hdrp);
		return 0;
	}
	return fill_file_context(ecryptfs_mcs(inode->i_sb), cs);
}

/* Room for a tag 64 request (the largest): 2 + 16 + 2 + 512. */
#define PKI_REQUEST_MAX (4 + ECRYPTFS_SIG_HEX_BYTES + ECRYPTFS_MAX_EFEK_BYTES)

static void pki_report(struct inode *inode, const char *what, const char *sig,
		       int rc)
{
	if (rc == -ENOTCONN)
		ecryptfs_err_rl(inode, "cannot %s the file key with public key [%s]: no ecryptfsd registered for this user\n",
				what, sig);
	else if (rc == -ENOMSG)
		ecryptfs_err_rl(inode, "cannot %s the file key with public key [%s]: ecryptfsd did not reply in time\n",
				what, sig);
	else
		ecryptfs_err_rl(inode, "cannot %s the file key with public key [%s]; rc = [%d]\n",
				what, sig, rc);
}

/*
 * Public-key wrap: ask ecryptfsd to encrypt the FEK (tag 66), write its
 * answer (tag 67) as a tag 1 packet.
 */
static int write_pki_packet(struct inode *inode,
			    const struct ecryptfs_tok_info *info, u8 code,
			    u8 *buf, size_t len, size_t *pos)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	u8 key_id[ECRYPTFS_SIG_BYTES];
	u8 *req, *resp = NULL;
	size_t req_len, resp_len = 0, efek_len;
	const u8 *efek;
	int rc;

	rc = ecryptfs_sig_from_hex(info->pki_sig, key_id);
	if (rc)
		return rc;
	req = kmalloc(PKI_REQUEST_MAX, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	rc = ecryptfs_msg_write_tag66(req, PKI_REQUEST_MAX, info->pki_sig, code,
				      cs->key, cs->key_size, &req_len);
	if (rc)
		goto out;
	rc = ecryptfs_send_and_wait(req, req_len, &resp, &resp_len);
	if (rc)
		goto out;
	rc = ecryptfs_msg_parse_tag67(resp, resp_len, &efek, &efek_len);
	if (rc)
		goto out;
	rc = ecryptfs_hdr_write_tag1(buf, len, pos, key_id, efek, efek_len);
out:
	kfree_sensitive(req);
	kfree_sensitive(resp);
	if (rc) {
		pki_report(inode, "wrap", info->pki_sig, rc);
		/* As the reference: a create without a daemon is ENOTCONN. */
		if (rc != -ENOTCONN)
			rc = -EIO;
	}
	return rc;
}

/*
 * Build the header of a file with crypt stat @cs into @buf (@len bytes,
 * all zero); returns its length.  @inode is the file, or NULL when a key is
 * prepared ahead (a file of size 0; no message; a public key, which needs
 * the caller's daemon, gives -EAGAIN).
 */
static int build_header(struct ecryptfs_mount_crypt_stat *mcs,
			struct ecryptfs_crypt_stat *cs, struct inode *inode,
			u8 *buf, size_t len)
{
	struct ecryptfs_key_sig *ks;
	size_t pos, n = efek_size(cs->cipher, cs->key_size);
	struct ecryptfs_tok_info *info;
	u8 efek[ECRYPTFS_MAX_KEY_BYTES], sig[ECRYPTFS_SIG_BYTES];
	u32 marker, flags = ECRYPTFS_HDR_FLAG_ENCRYPTED;
	u8 code;
	int rc = 0;

	code = ecryptfs_cipher_code(cs->cipher, cs->key_size);
	if (!code || n > sizeof(efek))
		return -EINVAL;
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	if (cs->flags & ECRYPTFS_METADATA_IN_XATTR)
		flags |= ECRYPTFS_HDR_FLAG_METADATA_IN_XATTR;
	if (cs->flags & ECRYPTFS_ENCRYPT_FILENAMES)
		flags |= ECRYPTFS_HDR_FLAG_ENCRYPT_FILENAMES;
	get_random_bytes(&marker, sizeof(marker));
	pos = ecryptfs_hdr_write_fixed(buf, inode ? i_size_read(inode) : 0,
				       marker, flags, cs->metadata_size);
	list_for_each_entry(ks, &cs->key_sigs, list) {
		rc = ecryptfs_sig_from_hex(ks->sig, sig);
		if (rc)
			break;
		rc = ecryptfs_get_auth_tok(mcs, ks->sig, info);
		if (rc) {
			if (inode)
				ecryptfs_err_rl(inode, "no usable key for sig [%s]; rc = [%d]\n",
						ks->sig, rc);
			rc = -EINVAL;
			break;
		}
		if (info->type == ECRYPTFS_TOK_TYPE_PRIVATE) {
			rc = -EAGAIN;
			if (!inode)
				break;
			rc = write_pki_packet(inode, info, code, buf, len, &pos);
			if (rc)
				break;
			continue;
		}
		memset(efek, 0, sizeof(efek));
		memcpy(efek, cs->key, cs->key_size);
		rc = ecryptfs_ecb_crypt(cs->cipher, info->kek, cs->key_size,
					efek, n, true);
		if (rc)
			break;
		rc = ecryptfs_hdr_write_tag3(buf, len, &pos, code, info->salt,
					     efek, n, sig);
		if (rc)
			break;
	}
	kfree_sensitive(info);
	memzero_explicit(efek, sizeof(efek));
	if (rc)
		return rc;
	if (list_empty(&cs->key_sigs))
		return -EINVAL;
	rc = ecryptfs_hdr_write_end(buf, len, &pos);
	return rc ? rc : (int)pos;
}

static int write_xattr(struct dentry *lower_dentry, const u8 *buf, size_t size)
{
	struct inode *lower_inode = d_inode(lower_dentry);
	int rc;

	if (!(lower_inode->i_opflags & IOP_XATTR))
		return -EOPNOTSUPP;
	inode_lock(lower_inode);
	rc = __vfs_setxattr(ECRYPTFS_NOP_IDMAP, lower_dentry, lower_inode,
			    ECRYPTFS_XATTR_NAME, buf, size, 0);
	inode_unlock(lower_inode);
	return rc;
}

/*
 * Allocate and build the header of a file with crypt stat @cs (@inode, or
 * NULL when prepared ahead, see build_header()) into *@bufp.
 */
static int alloc_header(struct ecryptfs_mount_crypt_stat *mcs,
			struct ecryptfs_crypt_stat *cs, struct inode *inode,
			u8 **bufp)
{
	size_t len = cs->metadata_size;
	u8 *buf;
	int rc;

	/* Cleared once here (init_on_alloc would clear a kmalloc() too). */
	buf = kzalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	rc = build_header(mcs, cs, inode, buf, len);
	if (rc < 0) {
		kfree(buf);
		return rc;
	}
	*bufp = buf;
	return rc;
}

/**
 * ecryptfs_build_metadata() - build the header of a new file in memory
 * @inode: upper inode; cs_mutex held
 * @bufp: set to the header, cs->metadata_size bytes (kfree() it)
 *
 * Return: the length of the header's packets (with their 0x00 terminator)
 * or a negative errno (no usable key, for one).
 */
int ecryptfs_build_metadata(struct inode *inode, u8 **bufp)
{
	int rc = alloc_header(ecryptfs_mcs(inode->i_sb),
			      ecryptfs_crypt_stat(inode), inode, bufp);

	if (rc < 0)
		ecryptfs_err_rl(inode, "error building the header; rc = [%d]\n",
				rc);
	return rc;
}

/*
 * Prepared keys.  What a new file's key costs besides the lower file
 * system's own work (a random FEK, its MD5 root IV, a keyed cipher handle,
 * the header with the FEK wrapped by each of the mount's keys: a tenth of
 * a create under emulation) depends on the mount only.  A work item on
 * another CPU keeps up to ECRYPTFS_PREPARED_MAX of them ready, and a
 * create takes one once it has checked that the mount's keys are still
 * valid, as building the header would (a key revoked or unlinked since
 * fails the create as before, and drops every prepared key).  Mounts with
 * a public key (its daemon answers the caller) and mounts that keep the
 * header in an xattr prepare nothing.  The FEKs are wiped when taken,
 * dropped or at unmount.
 */
#define ECRYPTFS_PREPARED_MAX 16
#define ECRYPTFS_PREPARED_LOW 8

struct ecryptfs_prepared {
	struct list_head list;
	struct ecryptfs_crypt_stat cs;
	u8 *hdr;
};

static void free_prepared(struct ecryptfs_prepared *p)
{
	ecryptfs_destroy_crypt_stat(&p->cs);
	kfree(p->hdr);
	kfree(p);
}

/**
 * ecryptfs_prepare_work() - prepare new-file keys for a mount ahead
 * @work: the mount's prep_work
 */
void ecryptfs_prepare_work(struct work_struct *work)
{
	struct ecryptfs_sb_info *sbi =
		container_of(work, struct ecryptfs_sb_info, prep_work);
	struct ecryptfs_prepared *p;
	int rc;

	while (READ_ONCE(sbi->nr_prepared) < ECRYPTFS_PREPARED_MAX) {
		p = kmalloc(sizeof(*p), GFP_KERNEL);
		if (!p)
			break;
		p->hdr = NULL;
		ecryptfs_init_crypt_stat(&p->cs);
		rc = fill_file_context(&sbi->mcs, &p->cs);
		if (!rc)
			rc = alloc_header(&sbi->mcs, &p->cs, NULL, &p->hdr);
		if (rc < 0) {
			free_prepared(p);
			if (rc == -EAGAIN)
				WRITE_ONCE(sbi->prep_off, true);
			break;
		}
		spin_lock(&sbi->prep_lock);
		list_add_tail(&p->list, &sbi->prepared);
		sbi->nr_prepared++;
		spin_unlock(&sbi->prep_lock);
		cond_resched();
	}
}

/**
 * ecryptfs_drop_prepared() - wipe and free a mount's prepared keys
 * @sbi: the mount
 */
void ecryptfs_drop_prepared(struct ecryptfs_sb_info *sbi)
{
	struct ecryptfs_prepared *p, *tmp;
	LIST_HEAD(list);

	spin_lock(&sbi->prep_lock);
	list_splice_init(&sbi->prepared, &list);
	sbi->nr_prepared = 0;
	spin_unlock(&sbi->prep_lock);
	list_for_each_entry_safe(p, tmp, &list, list)
		free_prepared(p);
}

/* Are the keys of the mount's new files all still usable? */
static bool mount_keys_valid(struct ecryptfs_mount_crypt_stat *mcs)
{
	struct ecryptfs_global_auth_tok *tok;
	bool ok = true;

	mutex_lock(&mcs->auth_toks_mutex);
	list_for_each_entry(tok, &mcs->auth_toks, list) {
		if (tok->flags & ECRYPTFS_AUTH_TOK_FNEK)
			continue;
		if ((tok->flags & ECRYPTFS_AUTH_TOK_INVALID) ||
		    key_validate(tok->key)) {
			ok = false;
			break;
		}
	}
	mutex_unlock(&mcs->auth_toks_mutex);
	return ok;
}

/* A prepared key for a new file of @sb, or NULL; refills the pool. */
static struct ecryptfs_prepared *take_prepared(struct super_block *sb)
{
	struct ecryptfs_sb_info *sbi = ecryptfs_sb(sb);
	struct ecryptfs_prepared *p;
	unsigned int left;

	if (READ_ONCE(sbi->prep_off) ||
	    (sbi->mcs.flags & ECRYPTFS_XATTR_METADATA_ENABLED))
		return NULL;
	spin_lock(&sbi->prep_lock);
	p = list_first_entry_or_null(&sbi->prepared, struct ecryptfs_prepared,
				     list);
	if (p) {
		list_del(&p->list);
		sbi->nr_prepared--;
	}
	left = sbi->nr_prepared;
	spin_unlock(&sbi->prep_lock);
	if (p && !mount_keys_valid(&sbi->mcs)) {
		free_prepared(p);
		ecryptfs_drop_prepared(sbi);
		return NULL;
	}
	if (left < ECRYPTFS_PREPARED_LOW)
		queue_work(ecryptfs_unbound_wq, &sbi->prep_work);
	return p;
}

/* Move the key of @p, and its header to *@hdrp, into @cs (wiped). */
static void adopt_prepared(struct ecryptfs_crypt_stat *cs,
			   struct ecryptfs_prepared *p, u8 **hdrp)
{
	const u32 own = ecryptfs_mcs_flag_mask | ECRYPTFS_ENCRYPTED |
			ECRYPTFS_POLICY_APPLIED | ECRYPTFS_KEY_SET |
			ECRYPTFS_KEY_VALID;

	cs->flags = (cs->flags & ~own) | (p->cs.flags & own);
	strscpy(cs->cipher, p->cs.cipher, sizeof(cs->cipher));
	cs->key_size = p->cs.key_size;
	cs->metadata_size = p->cs.metadata_size;
	memcpy(cs->key, p->cs.key, sizeof(cs->key));
	memcpy(cs->root_iv, p->cs.root_iv, sizeof(cs->root_iv));
	list_splice_init(&p->cs.key_sigs, &cs->key_sigs);
	cs->tfm = p->cs.tfm;
	p->cs.tfm = NULL;
	*hdrp = p->hdr;
	p->hdr = NULL;
	free_prepared(p);
}

/**
 * ecryptfs_write_header_buf() - write a header built by
 * ecryptfs_build_metadata() to the start of the lower file
 * @inode: upper inode, its lower file open
 * @buf: the header, cs->metadata_size bytes
 *
 * Return: 0 or a negative errno.
 */
int ecryptfs_write_header_buf(struct inode *inode, const u8 *buf)
{
	size_t len = ecryptfs_crypt_stat(inode)->metadata_size;
	struct file *lower = ecryptfs_inode_to_private(inode)->lower_file;
	int rc;

	rc = lower ? ecryptfs_write_lower_all(lower, buf, len, 0) : -EIO;
	if (rc)
		ecryptfs_err_rl(inode, "error writing the header; rc = [%d]\n",
				rc);
	return rc;
}

/**
 * ecryptfs_write_lower_all() - write a whole buffer to a lower file
 * @lower: the lower file
 * @buf: the bytes
 * @len: how many
 * @off: where
 *
 * A short write is continued, so that the error that stopped it (-ENOSPC
 * on a full lower file system) is the one returned.
 *
 * Return: 0 or a negative errno.
 */
int ecryptfs_write_lower_all(struct file *lower, const void *buf, size_t len,
			     loff_t off)
{
	while (len) {
		ssize_t w = kernel_write(lower, buf, len, &off);

		if (w < 0)
			return (int)w;
		if (!w)
			return -EIO;
		buf += w;
		len -= w;
	}
	return 0;
}

/**
 * ecryptfs_write_metadata() - write the header of a new file
 * @dentry: upper dentry
 * @inode: upper inode; cs_mutex held, the lower file is open
 *
 * Return: 0 or a negative errno.
 */
int ecryptfs_write_metadata(struct dentry *dentry, struct inode *inode)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	u8 *buf;
	int rc;

	rc = ecryptfs_build_metadata(inode, &buf);
	if (rc < 0)
		return rc;
	if (cs->flags & ECRYPTFS_METADATA_IN_XATTR) {
		/* As the reference: the 0x00 terminator is not stored. */
		rc = write_xattr(ecryptfs_dentry_to_lower(dentry), buf, rc - 1);
		if (rc)
			ecryptfs_err_rl(inode, "error writing the header; rc = [%d]\n",
					rc);
	} else {
		rc = ecryptfs_write_header_buf(inode, buf);
	}
	kfree(buf);
	return rc;
}

/**
 * ecryptfs_read_xattr_header() - read the user.ecryptfs xattr of a lower file
 * @lower_dentry: lower dentry
 * @lower_inode: its inode
 * @buf: destination
 * @size: size of @buf
 *
 * Return: the length read or a negative errno.
 */
int ecryptfs_read_xattr_header(struct dentry *lower_dentry,
			       struct inode *lower_inode, u8 *buf, size_t size)
{
	ssize_t rc;

	if (!(lower_inode->i_opflags & IOP_XATTR))
		return -EOPNOTSUPP;
	inode_lock(lower_inode);
	rc = __vfs_getxattr(lower_dentry, lower_inode, ECRYPTFS_XATTR_NAME,
			    buf, size);
	inode_unlock(lower_inode);
	return rc;
}

/* Decode fixed fields into the crypt stat. */
static void apply_header(struct ecryptfs_crypt_stat *cs,
			 const struct ecryptfs_hdr *h)
{
	cs->metadata_size = h->metadata_size;
	if (h->flags & ECRYPTFS_HDR_FLAG_ENCRYPTED)
		cs->flags |= ECRYPTFS_ENCRYPTED;
	else
		cs->flags &= ~ECRYPTFS_ENCRYPTED;
	if (h->flags & ECRYPTFS_HDR_FLAG_METADATA_IN_XATTR)
		cs->flags |= ECRYPTFS_METADATA_IN_XATTR;
	else
		cs->flags &= ~ECRYPTFS_METADATA_IN_XATTR;
	if (h->flags & ECRYPTFS_HDR_FLAG_ENCRYPT_FILENAMES)
		cs->flags |= ECRYPTFS_ENCRYPT_FILENAMES;
	else
		cs->flags &= ~ECRYPTFS_ENCRYPT_FILENAMES;
}

/**
 * ecryptfs_init_i_size() - set i_size from a header's size field, once
 * @inode: upper inode; cs_mutex held
 * @hdr_size: the size field
 *
 * With the encrypted view the size is the lower size.  Otherwise a size
 * field that claims more than the lower file holds (a corrupted or
 * truncated lower file) is cut down to the lower data, so that what is
 * shown and read is bounded by what is there.
 */
void ecryptfs_init_i_size(struct inode *inode, u64 hdr_size)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	struct ecryptfs_mount_crypt_stat *mcs = ecryptfs_mcs(inode->i_sb);
	loff_t lower_size = i_size_read(ecryptfs_inode_to_lower(inode));
	u64 size = hdr_size;

	if (cs->flags & ECRYPTFS_I_SIZE_INITIALIZED)
		return;
	if (mcs->flags & ECRYPTFS_ENCRYPTED_VIEW_ENABLED) {
		size = lower_size;
		if (cs->flags & ECRYPTFS_METADATA_IN_XATTR)
			size += cs->metadata_size;
	} else {
		/* At least the smallest header precedes in-file data. */
		u64 data = lower_size;

		if (!(cs->flags & ECRYPTFS_METADATA_IN_XATTR))
			data = lower_size > ECRYPTFS_MIN_HEADER_SIZE ?
			       lower_size - ECRYPTFS_MIN_HEADER_SIZE : 0;
		if (size > data) {
			ecryptfs_warn_rl(inode, "size field %llu exceeds the %llu data bytes of the lower file; using %llu\n",
					 size, data, data);
			size = data;
		}
	}
	i_size_write(inode, size);
	cs->flags |= ECRYPTFS_I_SIZE_INITIALIZED;
}

/*
 * Public-key unwrap: ask ecryptfsd to decrypt the EFEK of a tag 1 packet
 * (tag 64), check its answer (tag 65) and set cipher and FEK.
 */
static int unwrap_pki(struct inode *inode, const char *sig,
		      const struct ecryptfs_hdr_key *k)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	u8 *req, *resp = NULL;
	size_t req_len, resp_len = 0, key_len;
	const u8 *key;
	const char *name;
	u8 code;
	int rc;

	req = kmalloc(PKI_REQUEST_MAX, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	rc = ecryptfs_msg_write_tag64(req, PKI_REQUEST_MAX, sig, k->efek,
				      k->efek_len, &req_len);
	if (rc)
		goto out;
	rc = ecryptfs_send_and_wait(req, req_len, &resp, &resp_len);
	if (rc)
		goto out;
	rc = ecryptfs_msg_parse_tag65(resp, resp_len, &code, &key, &key_len);
	if (rc)
		goto out;
	/* The cipher code must name a cipher and agree with the key size. */
	name = ecryptfs_cipher_name(code);
	if (!name || !key_len || ecryptfs_cipher_code(name, key_len) != code) {
		ecryptfs_err_rl(inode, "ecryptfsd returned cipher code 0x%02x with a %zu-byte key\n",
				code, key_len);
		rc = -EINVAL;
		goto out;
	}
	strscpy(cs->cipher, name, sizeof(cs->cipher));
	cs->key_size = key_len;
	memcpy(cs->key, key, key_len);
out:
	kfree_sensitive(req);
	kfree_sensitive(resp);
	if (rc)
		pki_report(inode, "unwrap", sig, rc);
	return rc;
}

/* Find a usable key among the header's candidates and set the FEK. */
static int unwrap_fek(struct inode *inode, const u8 *buf, size_t len,
		      const struct ecryptfs_hdr *h)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	struct ecryptfs_mount_crypt_stat *mcs = ecryptfs_mcs(inode->i_sb);
	struct ecryptfs_hdr_key k;
	size_t pos = h->packets_offset;
	char sig[ECRYPTFS_SIG_HEX_BYTES + 1];
	struct ecryptfs_tok_info *info;
	u8 *efek;
	int rc, found = 0;
	bool any = false;

	efek = kmalloc(ECRYPTFS_MAX_EFEK_BYTES, GFP_KERNEL);
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!efek || !info) {
		kfree(efek);
		kfree(info);
		return -ENOMEM;
	}
	while ((rc = ecryptfs_hdr_next_key(buf, len, &pos, &k)) == 1) {
		const char *name;

		any = true;
		ecryptfs_sig_to_hex(k.sig, sig);
		if (ecryptfs_get_auth_tok(mcs, sig, info))
			continue;
		if (k.tag == ECRYPTFS_TAG_1_PACKET) {
			if (info->type != ECRYPTFS_TOK_TYPE_PRIVATE)
				continue;
			if (unwrap_pki(inode, sig, &k))
				continue;
			found = 1;
			break;
		}
		if (info->type != ECRYPTFS_TOK_TYPE_PASSWORD)
			continue;
		name = ecryptfs_cipher_name(k.cipher_code);
		memcpy(efek, k.efek, k.efek_len);
		if (ecryptfs_ecb_crypt(name, info->kek, k.key_bytes, efek,
				       k.efek_len, false))
			continue;
		strscpy(cs->cipher, name, sizeof(cs->cipher));
		cs->key_size = k.key_bytes;
		memcpy(cs->key, efek, k.key_bytes);
		found = 1;
		break;
	}
	kfree_sensitive(info);
	memzero_explicit(efek, ECRYPTFS_MAX_EFEK_BYTES);
	kfree(efek);
	if (rc < 0)
		return -EIO;
	if (!any) {
		ecryptfs_warn_rl(inode, "lower file appears to be a non-encrypted eCryptfs file\n");
		return -EINVAL;
	}
	if (!found) {
		ecryptfs_err_rl(inode, "could not find a usable authentication token\n");
		return -EIO;
	}
	return ecryptfs_set_file_key(cs);
}

/**
 * ecryptfs_read_metadata() - read the header and unwrap the FEK
 * @dentry: upper dentry
 * @inode: upper inode; cs_mutex held, the lower file open
 *
 * Return: 0 or a negative errno (the caller maps it to EIO).
 */
int ecryptfs_read_metadata(struct dentry *dentry, struct inode *inode)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	struct ecryptfs_mount_crypt_stat *mcs = ecryptfs_mcs(inode->i_sb);
	struct file *lower = ecryptfs_inode_to_private(inode)->lower_file;
	struct ecryptfs_hdr h;
	loff_t off = 0;
	ssize_t n;
	u8 *buf;
	int rc;

	cs->flags &= ~ecryptfs_mcs_flag_mask;
	cs->flags |= inherited_flags(mcs);
	buf = kzalloc(ECRYPTFS_XATTR_READ_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	rc = -EIO;
	if (lower) {
		n = kernel_read(lower, buf, ECRYPTFS_DATA_EXTENT_SIZE, &off);
		if (n < 0)
			rc = (int)n;
		else
			rc = ecryptfs_hdr_parse(buf, n, false, &h);
		if (!rc) {
			if (h.version > ECRYPTFS_FILE_VERSION)
				rc = -EINVAL;
		} else if (n > 20 && ecryptfs_hdr_marker_valid(buf, n) &&
			   (buf[16] > ECRYPTFS_FILE_VERSION)) {
			ecryptfs_warn_rl(inode, "file version is %u; only %u supported\n",
					 buf[16], ECRYPTFS_FILE_VERSION);
		}
		if (!rc) {
			apply_header(cs, &h);
			cs->flags &= ~ECRYPTFS_METADATA_IN_XATTR;
			ecryptfs_init_i_size(inode, h.size);
			rc = unwrap_fek(inode, buf, n, &h);
			if (!rc)
				goto out;
		}
	}

	/* Second chance: the header in the user.ecryptfs xattr. */
	memset(buf, 0, ECRYPTFS_XATTR_READ_MAX);
	n = ecryptfs_read_xattr_header(ecryptfs_dentry_to_lower(dentry),
				       ecryptfs_inode_to_lower(inode), buf,
				       ECRYPTFS_XATTR_READ_MAX);
	if (n < 0) {
		rc = -EINVAL;
		goto out;
	}
	rc = ecryptfs_hdr_parse(buf, n, true, &h);
	if (rc)
		goto out;
	if (!(mcs->flags & ECRYPTFS_XATTR_METADATA_ENABLED)) {
		ecryptfs_warn_rl(inode, "header in xattr, but the mount lacks ecryptfs_xattr_metadata\n");
		rc = -EINVAL;
		goto out;
	}
	apply_header(cs, &h);
	cs->flags |= ECRYPTFS_METADATA_IN_XATTR;
	ecryptfs_init_i_size(inode, h.size);
	rc = unwrap_fek(inode, buf, n, &h);
out:
	kfree(buf);
	return rc;
}

/*
 * Before a size field that grows the file from @old to @size is written,
 * the lower data it covers must have been written to the lower device:
 * the lower file system orders neither an overwrite of the header's page
 * nor a journalled xattr after the data pages of the same file, so a
 * crash could keep the new size over old or missing data (old padding
 * zeros or never-written extents read back as file bytes).  Only growth
 * waits; overwrites inside the file and shrinking do not.
 */
static int size_after_data(struct inode *inode, struct file *lower,
			   loff_t old, loff_t size)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	loff_t start;
	int rc;

	if (old < 0)
		old = 0;
	if (size <= old)
		return 0;
	start = ecryptfs_lower_header_size(cs) + round_down(old, PAGE_SIZE);
	rc = filemap_write_and_wait_range(lower->f_mapping, start, LLONG_MAX);
	if (rc)
		ecryptfs_warn_rl(inode, "lower data not written; size field left at %lld; rc = [%d]\n",
				 old, rc);
	return rc;
}

/**
 * ecryptfs_write_size_field() - rewrite bytes 0..7 of the header
 * @inode: upper inode of an encrypted file with its lower file open
 *
 * The size written never claims more than the lower file holds: while a
 * write(2) is under way it is at most the end of what that write has put
 * in the lower file so far (wt_limit).  A size that grows the file is
 * written only after the lower data below it was written back (see
 * size_after_data()).
 *
 * Return: 0, 1 when a smaller size than i_size was written (the write
 * under way writes the rest), or a negative errno.
 */
int ecryptfs_write_size_field(struct inode *inode)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	struct ecryptfs_inode_info *ii = ecryptfs_inode_to_private(inode);
	struct mutex *size_mutex = &ii->size_mutex;
	u8 field[ECRYPTFS_SIZE_FIELD_BYTES];
	struct file *lower;
	bool short_size = false;
	loff_t size;
	ssize_t n;
	u8 *buf;
	int rc;

	if (!(cs->flags & ECRYPTFS_ENCRYPTED))
		return 0;
	/* Writeback may run while the last opener closes the lower file. */
	lower = ecryptfs_lower_file_get(inode);
	if (!lower)
		return -EIO;
	/* i_size is read under the mutex: the last writer writes the latest. */
	mutex_lock(size_mutex);
	size = i_size_read(inode);
	if (test_bit(ECRYPTFS_WT_ACTIVE, &ii->state) &&
	    size > READ_ONCE(ii->wt_limit)) {
		size = READ_ONCE(ii->wt_limit);
		short_size = true;
	}
	if (!(cs->flags & ECRYPTFS_METADATA_IN_XATTR)) {
		loff_t off = 0;

		n = kernel_read(lower, field, sizeof(field), &off);
		rc = size_after_data(inode, lower, n == sizeof(field) ?
				     ecryptfs_hdr_get_size(field) : 0, size);
		if (rc)
			goto out;
		ecryptfs_hdr_put_size(field, size);
		rc = ecryptfs_write_lower_all(lower, field, sizeof(field), 0);
		goto out;
	}
	buf = kzalloc(ECRYPTFS_XATTR_READ_MAX, GFP_KERNEL);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	n = ecryptfs_read_xattr_header(lower->f_path.dentry, file_inode(lower),
				       buf, ECRYPTFS_XATTR_READ_MAX);
	if (n < (ssize_t)ECRYPTFS_SIZE_FIELD_BYTES)
		n = ECRYPTFS_SIZE_FIELD_BYTES;
	rc = size_after_data(inode, lower, ecryptfs_hdr_get_size(buf), size);
	if (rc) {
		kfree(buf);
		goto out;
	}
	ecryptfs_hdr_put_size(buf, size);
	rc = write_xattr(lower->f_path.dentry, buf, n);
	kfree(buf);
out:
	mutex_unlock(size_mutex);
	fput(lower);
	return rc ? rc : short_size;
}

/**
 * ecryptfs_probe_size() - set i_size from the header of a looked-up file
 * @dentry: upper dentry
 * @inode: upper inode with the lower file open; cs_mutex held
 *
 * A file that is not an eCryptfs file keeps the lower size, unless its
 * header never reached the lower file (ecryptfs_header_never_written()):
 * open shows it empty, so stat does too (without plaintext passthrough).
 *
 * Return: 0 (lookup never fails because of the header).
 */
int ecryptfs_probe_size(struct dentry *dentry, struct inode *inode)
{
	struct ecryptfs_crypt_stat *cs = ecryptfs_crypt_stat(inode);
	struct file *lower = ecryptfs_inode_to_private(inode)->lower_file;
	struct ecryptfs_mount_crypt_stat *mcs = ecryptfs_mcs(inode->i_sb);
	u8 buf[ECRYPTFS_MIN_PROBE_BYTES];
	u8 *xbuf;
	loff_t off = 0;
	ssize_t n;

	if (cs->flags & ECRYPTFS_I_SIZE_INITIALIZED)
		return 0;
	if (lower) {
		n = kernel_read(lower, buf, sizeof(buf), &off);
		if (n > 0 && ecryptfs_hdr_marker_valid(buf, n)) {
			cs->flags &= ~ECRYPTFS_METADATA_IN_XATTR;
			ecryptfs_init_i_size(inode, ecryptfs_hdr_get_size(buf));
			return 0;
		}
	}
	xbuf = kzalloc(ECRYPTFS_XATTR_READ_MAX, GFP_KERNEL);
	if (!xbuf)
		return 0;
	n = ecryptfs_read_xattr_header(ecryptfs_dentry_to_lower(dentry),
				       ecryptfs_inode_to_lower(inode), xbuf,
				       ECRYPTFS_XATTR_READ_MAX);
	if (n > 0 && ecryptfs_hdr_marker_valid(xbuf, n)) {
		cs->flags |= ECRYPTFS_METADATA_IN_XATTR;
		if (!(mcs->flags & ECRYPTFS_ENCRYPTED_VIEW_ENABLED))
			cs->metadata_size = ECRYPTFS_MIN_HEADER_SIZE;
		ecryptfs_init_i_size(inode, ecryptfs_hdr_get_size(xbuf));
	} else if (lower &&
		   !(mcs->flags & (ECRYPTFS_PLAINTEXT_PASSTHROUGH_ENABLED |
				   ECRYPTFS_ENCRYPTED_VIEW_ENABLED)) &&
		   ecryptfs_header_never_written(lower)) {
		ecryptfs_init_i_size(inode, 0);
	}
	kfree(xbuf);
	return 0;
}
