// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs: filename encryption glue (spec §3).  The format (tag 70, the
 * filename alphabet) is in include/ecryptfs/fname.c; this file finds the
 * FNEK and does the ECB crypto.
 */

#include <linux/slab.h>
#include <linux/string.h>

#include "ecryptfs_kernel.h"
#include "ecryptfs/fname.h"

static int md5_cb(void *ctx, const u8 *data, size_t len, u8 *out)
{
	return ecryptfs_md5_digest(data, len, out);
}

/**
 * ecryptfs_encrypt_filename() - the lower name of an upper name
 * @mcs: the mount (filename encryption on)
 * @name: upper name
 * @len: its length
 * @out: set to a kmalloc'ed NUL-terminated lower name
 * @out_len: its length
 *
 * Return: 0 or a negative errno.
 */
int ecryptfs_encrypt_filename(struct ecryptfs_mount_crypt_stat *mcs,
			      const char *name, size_t len, char **out,
			      size_t *out_len)
{
	u8 kek[ECRYPTFS_TOK_KEK_BYTES], sig[ECRYPTFS_SIG_BYTES];
	size_t bs, padded, plen, hdr, n;
	u8 *plain = NULL, *pkt = NULL;
	char *lower = NULL;
	u8 code;
	int rc;

	code = ecryptfs_cipher_code(mcs->fn_cipher, mcs->fn_key_bytes);
	bs = ecryptfs_cipher_block_size(code);
	if (!code || !bs || !len)
		return -EINVAL;
	rc = ecryptfs_sig_from_hex(mcs->fnek_sig, sig);
	if (rc)
		return rc;
	rc = ecryptfs_find_passphrase_kek(mcs, mcs->fnek_sig, kek);
	if (rc)
		return rc;
	padded = ecryptfs_fname_padded_len(len, bs);
	plen = ecryptfs_tag70_packet_len(padded);
	n = ecryptfs_fname_lower_len(len, bs);
	plain = kmalloc(padded, GFP_KERNEL);
	pkt = kmalloc(plen, GFP_KERNEL);
	lower = kmalloc(n + 1, GFP_KERNEL);
	rc = -ENOMEM;
	if (!plain || !pkt || !lower)
		goto out;
	rc = ecryptfs_fname_build_plaintext(plain, padded, (const u8 *)name,
					    len, bs, kek, sizeof(kek), md5_cb,
					    NULL);
	if (rc < 0)
		goto out;
	rc = ecryptfs_tag70_write_header(pkt, plen, padded, sig, code, &hdr);
	if (rc)
		goto out;
	memcpy(pkt + hdr, plain, padded);
	rc = ecryptfs_ecb_crypt(mcs->fn_cipher, kek, mcs->fn_key_bytes,
				pkt + hdr, padded, true);
	if (rc)
		goto out;
	rc = ecryptfs_fname_encode_lower(pkt, plen, lower, n + 1);
	if (rc < 0)
		goto out;
	*out_len = rc;
	*out = lower;
	lower = NULL;
	rc = 0;
out:
	memzero_explicit(kek, sizeof(kek));
	kfree_sensitive(plain);
	kfree(pkt);
	kfree(lower);
	return rc;
}

/**
 * ecryptfs_decrypt_filename() - the upper name of an encrypted lower name
 * @mcs: the mount
 * @name: lower name
 * @len: its length
 * @out: set to a kmalloc'ed NUL-terminated plaintext name
 * @out_len: its length
 *
 * Return: 0; -EINVAL when @name is not a valid encrypted name (readdir
 * skips those); another negative errno otherwise.
 */
int ecryptfs_decrypt_filename(struct ecryptfs_mount_crypt_stat *mcs,
			      const char *name, size_t len, char **out,
			      size_t *out_len)
{
	u8 kek[ECRYPTFS_TOK_KEK_BYTES];
	char sighex[ECRYPTFS_SIG_HEX_BYTES + 1];
	struct ecryptfs_tag70 t;
	const u8 *plain;
	size_t plain_len, buflen;
	const char *cipher;
	u8 *buf;
	char *res;
	int rc;

	if (!ecryptfs_fname_is_encrypted(name, len))
		return -EINVAL;
	buflen = ecryptfs_fname_max_decoded_len(len - ECRYPTFS_FNEK_PREFIX_LEN);
	buf = kmalloc(buflen, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	rc = ecryptfs_fname_decode_lower(name, len, buf, buflen, &t);
	if (rc) {
		rc = -EINVAL;
		goto out;
	}
	cipher = ecryptfs_cipher_name(t.cipher_code);
	if (!cipher) {
		rc = -EINVAL;
		goto out;
	}
	ecryptfs_sig_to_hex(t.sig, sighex);
	rc = ecryptfs_find_passphrase_kek(mcs, sighex, kek);
	if (rc)
		goto out;
	rc = ecryptfs_ecb_crypt(cipher, kek, mcs->fn_key_bytes,
				(u8 *)t.ciphertext, t.ciphertext_len, false);
	memzero_explicit(kek, sizeof(kek));
	if (rc)
		goto out;
	rc = ecryptfs_fname_extract(t.ciphertext, t.ciphertext_len, &plain,
				    &plain_len);
	if (rc)
		goto out;
	res = kmemdup_nul((const char *)plain, plain_len, GFP_KERNEL);
	if (!res) {
		rc = -ENOMEM;
		goto out;
	}
	*out = res;
	*out_len = plain_len;
out:
	kfree_sensitive(buf);
	return rc;
}

/**
 * ecryptfs_fname_namelen() - statfs f_namelen on a filename-encrypting mount
 * @mcs: the mount
 * @lower_namelen: the lower f_namelen
 *
 * Return: the longest plaintext name.
 */
long ecryptfs_fname_namelen(struct ecryptfs_mount_crypt_stat *mcs,
			    long lower_namelen)
{
	u8 code = ecryptfs_cipher_code(mcs->fn_cipher, mcs->fn_key_bytes);

	return ecryptfs_fname_max_plain(lower_namelen,
					ecryptfs_cipher_block_size(code));
}

/**
 * ecryptfs_decode_name() - the name to show for a lower name (readdir,
 * readlink): decrypted when the mount encrypts names and is not an
 * encrypted view, else a copy
 * @sb: upper superblock
 * @name: lower name
 * @len: its length
 * @out: set to a kmalloc'ed NUL-terminated name
 * @out_len: its length
 *
 * Return: 0, -EINVAL for a name that is not a valid encrypted name, or
 * another negative errno.
 */
int ecryptfs_decode_name(struct super_block *sb, const char *name, size_t len,
			 char **out, size_t *out_len)
{
	struct ecryptfs_mount_crypt_stat *mcs = ecryptfs_mcs(sb);

	if ((mcs->flags & ECRYPTFS_GLOBAL_ENCRYPT_FILENAMES) &&
	    !(mcs->flags & ECRYPTFS_ENCRYPTED_VIEW_ENABLED) &&
	    !((len == 1 && name[0] == '.') ||
	      (len == 2 && name[0] == '.' && name[1] == '.')))
		return ecryptfs_decrypt_filename(mcs, name, len, out, out_len);
	*out = kmemdup_nul(name, len, GFP_KERNEL);
	if (!*out)
		return -ENOMEM;
	*out_len = len;
	return 0;
}
