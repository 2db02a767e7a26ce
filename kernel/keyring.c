// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs: auth-token lookup and validation (spec §4).
 */

#include <linux/slab.h>
#include <linux/key.h>
#include <linux/cred.h>
#include <keys/user-type.h>
#include <keys/encrypted-type.h>

#include "ecryptfs_kernel.h"
#include "messaging.h"

static int request_key_err(long err)
{
	switch (err) {
	case -ENOKEY:
		return -ENOENT;
	case -EKEYEXPIRED:
		return -ETIME;
	case -EKEYREVOKED:
		return -EINVAL;
	default:
		return (int)err;
	}
}

/* Payload checks; key->sem held for read. */
static int validate_payload(struct key *key, const u8 **data_out)
{
	const u8 *data;
	u16 version, type;

	if (key->type == &key_type_user) {
		const struct user_key_payload *ukp = user_key_payload_locked(key);

		if (!ukp)
			return -EKEYREVOKED;
		if (ukp->datalen < ECRYPTFS_AUTH_TOK_BYTES)
			return -EINVAL;
		data = ukp->data;
	} else if (key->type == &key_type_encrypted) {
		/* format "ecryptfs": the kernel built an auth token for us */
		const struct encrypted_key_payload *ekp = dereference_key_locked(key);

		if (!ekp || test_bit(KEY_FLAG_REVOKED, &key->flags))
			return -EKEYREVOKED;
		if (!ekp->format || strcmp(ekp->format, "ecryptfs") ||
		    ekp->payload_datalen < ECRYPTFS_AUTH_TOK_BYTES)
			return -EINVAL;
		data = ekp->payload_data;
	} else {
		return -EINVAL;
	}
	memcpy(&version, data + ECRYPTFS_TOK_VERSION_OFF, 2);
	memcpy(&type, data + ECRYPTFS_TOK_TYPE_OFF, 2);
	if (version != ECRYPTFS_TOK_VERSION) {
		pr_err("ecryptfs: auth token data structure version mismatch; expected major 0 minor 4, got major %u minor %u\n",
		       version >> 8, version & 0xff);
		return -EINVAL;
	}
	if (type != ECRYPTFS_TOK_TYPE_PASSWORD &&
	    type != ECRYPTFS_TOK_TYPE_PRIVATE)
		return -EINVAL;
	if (data_out)
		*data_out = data;
	return 0;
}

/* request_key in the caller's keyrings and validate it. */
static struct key *lookup_key(const char *sig)
{
	struct key *key;
	int rc;

	key = request_key(&key_type_user, sig, NULL);
	if (IS_ERR(key))
		key = request_key(&key_type_encrypted, sig, NULL);
	if (IS_ERR(key)) {
		pr_err("ecryptfs: Could not find key with description: [%s]\n",
		       sig);
		return ERR_PTR(request_key_err(PTR_ERR(key)));
	}
	down_read(&key->sem);
	rc = validate_payload(key, NULL);
	up_read(&key->sem);
	if (rc) {
		key_put(key);
		return ERR_PTR(request_key_err(rc));
	}
	return key;
}

/**
 * ecryptfs_add_global_auth_tok() - look up a mount-option key and record it
 * @mcs: the mount
 * @sig: 16 hex chars
 * @flags: ECRYPTFS_AUTH_TOK_FNEK or 0
 *
 * The entry is prepended (the list is in reverse option order, as the
 * reference shows it in /proc/mounts).
 *
 * Return: 0, -ENOENT (no key), -ETIME (expired), -EINVAL, -ENOMEM.
 */
int ecryptfs_add_global_auth_tok(struct ecryptfs_mount_crypt_stat *mcs,
				 const char *sig, u32 flags)
{
	struct ecryptfs_global_auth_tok *tok;
	struct key *key;

	key = lookup_key(sig);
	if (IS_ERR(key)) {
		pr_err("ecryptfs: Could not find valid key in user session keyring for sig specified in mount option: [%s]\n",
		       sig);
		return PTR_ERR(key);
	}
	tok = kzalloc(sizeof(*tok), GFP_KERNEL);
	if (!tok) {
		key_put(key);
		return -ENOMEM;
	}
	strscpy(tok->sig, sig, sizeof(tok->sig));
	tok->flags = flags;
	tok->key = key;
	mutex_lock(&mcs->auth_toks_mutex);
	list_add(&tok->list, &mcs->auth_toks);
	mutex_unlock(&mcs->auth_toks_mutex);
	return 0;
}

/* What the kernel uses of a validated token; key->sem held. */
static int copy_tok_info(struct key *key, struct ecryptfs_tok_info *info)
{
	const u8 *data;
	u8 raw[ECRYPTFS_SIG_BYTES];
	int rc;

	rc = validate_payload(key, &data);
	if (rc)
		return rc;
	memcpy(&info->type, data + ECRYPTFS_TOK_TYPE_OFF, 2);
	if (info->type == ECRYPTFS_TOK_TYPE_PASSWORD) {
		memcpy(info->kek, data + ECRYPTFS_TOK_KEK_OFF,
		       ECRYPTFS_TOK_KEK_BYTES);
		memcpy(info->salt, data + ECRYPTFS_TOK_SALT_OFF,
		       ECRYPTFS_SALT_BYTES);
		return 0;
	}
	/* Private key: the blob stays in the keyring for ecryptfsd. */
	memcpy(info->pki_sig, data + ECRYPTFS_TOK_PKI_SIG_OFF,
	       ECRYPTFS_TOK_PKI_SIG_BYTES);
	if (info->pki_sig[ECRYPTFS_SIG_HEX_BYTES] != '\0' ||
	    strnlen(info->pki_sig, ECRYPTFS_SIG_HEX_BYTES) != ECRYPTFS_SIG_HEX_BYTES ||
	    ecryptfs_sig_from_hex(info->pki_sig, raw))
		return -EINVAL;
	return 0;
}

/**
 * ecryptfs_get_auth_tok() - what the kernel uses of the token named @sig
 * @mcs: the mount (its list of global auth toks is searched first)
 * @sig: 16 hex chars
 * @info: out; the caller wipes it with memzero_explicit() after use
 *
 * Looks in the mount's list, then (unless ecryptfs_mount_auth_tok_only)
 * in the caller's keyrings, validating the token (spec §4.3).
 *
 * Return: 0, -ENOENT (no such key), -EINVAL (invalid/revoked), or
 * -EKEYEXPIRED.
 */
int ecryptfs_get_auth_tok(struct ecryptfs_mount_crypt_stat *mcs,
			  const char *sig, struct ecryptfs_tok_info *info)
{
	struct ecryptfs_global_auth_tok *tok;
	struct key *key = NULL;
	int rc = -ENOENT;

	mutex_lock(&mcs->auth_toks_mutex);
	list_for_each_entry(tok, &mcs->auth_toks, list) {
		if (strcmp(tok->sig, sig))
			continue;
		if (tok->flags & ECRYPTFS_AUTH_TOK_INVALID) {
			rc = -EINVAL;
			goto out_unlock;
		}
		rc = key_validate(tok->key);
		if (rc) {
			if (rc != -EKEYEXPIRED)
				tok->flags |= ECRYPTFS_AUTH_TOK_INVALID;
			rc = rc == -EKEYEXPIRED ? rc : -EINVAL;
			goto out_unlock;
		}
		down_read(&tok->key->sem);
		rc = copy_tok_info(tok->key, info);
		up_read(&tok->key->sem);
		if (rc) {
			tok->flags |= ECRYPTFS_AUTH_TOK_INVALID;
			rc = -EINVAL;
		}
		goto out_unlock;
	}
	mutex_unlock(&mcs->auth_toks_mutex);

	if (mcs->flags & ECRYPTFS_GLOBAL_MOUNT_AUTH_TOK_ONLY)
		return -EINVAL;
	key = lookup_key(sig);
	if (IS_ERR(key))
		return PTR_ERR(key);
	down_read(&key->sem);
	rc = copy_tok_info(key, info);
	up_read(&key->sem);
	key_put(key);
	return rc ? -EINVAL : 0;

out_unlock:
	mutex_unlock(&mcs->auth_toks_mutex);
	return rc;
}

/**
 * ecryptfs_get_passphrase_tok() - KEK and salt of the token named @sig
 * @mcs: the mount
 * @sig: 16 hex chars
 * @kek: 64 bytes out
 * @salt: 8 bytes out, or NULL
 *
 * Return: as ecryptfs_get_auth_tok(); -EINVAL for a private-key token.
 */
int ecryptfs_get_passphrase_tok(struct ecryptfs_mount_crypt_stat *mcs,
				const char *sig, u8 *kek, u8 *salt)
{
	struct ecryptfs_tok_info *info;
	int rc;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	rc = ecryptfs_get_auth_tok(mcs, sig, info);
	if (!rc && info->type != ECRYPTFS_TOK_TYPE_PASSWORD)
		rc = -EINVAL;
	if (!rc) {
		memcpy(kek, info->kek, ECRYPTFS_TOK_KEK_BYTES);
		if (salt)
			memcpy(salt, info->salt, ECRYPTFS_SALT_BYTES);
	}
	kfree_sensitive(info);
	return rc;
}

int ecryptfs_find_passphrase_kek(struct ecryptfs_mount_crypt_stat *mcs,
				 const char *sig, u8 *kek)
{
	return ecryptfs_get_passphrase_tok(mcs, sig, kek, NULL);
}
