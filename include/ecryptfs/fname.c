// SPDX-License-Identifier: GPL-2.0-only
/*
 * eCryptfs filename encryption, format half: the filename alphabet, the
 * padded plaintext block and the tag 70 packet (spec kernel.md §3).
 * Compiled into the kernel module and into the userland library.
 */
#include "ecryptfs/fname.h"
#include "ecryptfs/header.h"

/* Clear a secret on the stack without the compiler dropping the stores. */
static void ecryptfs_fname_wipe(void *buf, size_t len)
{
	volatile u8 *p = buf;

	while (len--)
		*p++ = 0;
}

static const char ecryptfs_fname_alphabet[65] =
	"-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

size_t ecryptfs_cipher_block_size(u8 code)
{
	switch (code) {
	case ECRYPTFS_CIPHER_DES3_EDE:
	case ECRYPTFS_CIPHER_CAST5:
	case ECRYPTFS_CIPHER_BLOWFISH:
		return 8;
	case ECRYPTFS_CIPHER_AES_128:
	case ECRYPTFS_CIPHER_AES_192:
	case ECRYPTFS_CIPHER_AES_256:
	case ECRYPTFS_CIPHER_TWOFISH:
	case ECRYPTFS_CIPHER_CAST6:
		return 16;
	default:
		return 0;
	}
}

size_t ecryptfs_fname_encoded_len(size_t len)
{
	return ((len + 2) / 3) * 4;
}

size_t ecryptfs_fname_max_decoded_len(size_t len)
{
	return ((len + 1) * 3) / 4;
}

void ecryptfs_fname_encode(const u8 *src, size_t len, char *dst)
{
	size_t i;

	for (i = 0; i < len; i += 3) {
		u32 group = (u32)src[i] << 16;

		if (i + 1 < len)
			group |= (u32)src[i + 1] << 8;
		if (i + 2 < len)
			group |= src[i + 2];
		*dst++ = ecryptfs_fname_alphabet[(group >> 18) & 0x3f];
		*dst++ = ecryptfs_fname_alphabet[(group >> 12) & 0x3f];
		*dst++ = ecryptfs_fname_alphabet[(group >> 6) & 0x3f];
		*dst++ = ecryptfs_fname_alphabet[group & 0x3f];
	}
}

/* The 6-bit value of an alphabet character; anything else is 0. */
static u8 ecryptfs_fname_char_value(char c)
{
	if (c == '.')
		return 1;
	if (c >= '0' && c <= '9')
		return 2 + (c - '0');
	if (c >= 'A' && c <= 'Z')
		return 12 + (c - 'A');
	if (c >= 'a' && c <= 'z')
		return 38 + (c - 'a');
	return 0;
}

size_t ecryptfs_fname_decode(const char *src, size_t len, u8 *dst)
{
	u32 acc = 0;
	unsigned int bits = 0;
	size_t out = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		acc = (acc << 6) | ecryptfs_fname_char_value(src[i]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			dst[out++] = (u8)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return out;
}

size_t ecryptfs_fname_padded_len(size_t name_len, size_t block_size)
{
	size_t len = ECRYPTFS_FNAME_MIN_RANDOM + 1 + name_len;

	if (block_size && len % block_size)
		len += block_size - len % block_size;
	return len;
}

int ecryptfs_fname_build_plaintext(u8 *dst, size_t dst_len, const u8 *name,
				   size_t name_len, size_t block_size,
				   const u8 *fnek, size_t fnek_len,
				   ecryptfs_md5_fn md5, void *md5_ctx)
{
	u8 hash[ECRYPTFS_FNAME_DIGEST_BYTES];
	u8 next[ECRYPTFS_FNAME_DIGEST_BYTES];
	size_t total, rand_len, j;
	int rc;

	if (!name_len || name_len >= ECRYPTFS_FNAME_PATH_MAX || !block_size ||
	    !md5 || !fnek)
		return -EINVAL;
	total = ecryptfs_fname_padded_len(name_len, block_size);
	if (total > dst_len)
		return -ENOSPC;
	rand_len = total - name_len - 1;
	rc = md5(md5_ctx, fnek, fnek_len, hash);
	if (rc)
		goto out;
	for (j = 0; j < rand_len; j++) {
		dst[j] = hash[j % ECRYPTFS_FNAME_DIGEST_BYTES];
		if (j % ECRYPTFS_FNAME_DIGEST_BYTES ==
		    ECRYPTFS_FNAME_DIGEST_BYTES - 1) {
			rc = md5(md5_ctx, hash, sizeof(hash), next);
			if (rc)
				goto out;
			memcpy(hash, next, sizeof(hash));
		}
		if (!dst[j])
			dst[j] = ECRYPTFS_FNAME_NON_NULL;
	}
	dst[rand_len] = 0x00;
	memcpy(dst + rand_len + 1, name, name_len);
	rc = (int)total;
out:
	ecryptfs_fname_wipe(hash, sizeof(hash));
	ecryptfs_fname_wipe(next, sizeof(next));
	return rc;
}

size_t ecryptfs_tag70_packet_len(size_t padded_len)
{
	size_t body = ECRYPTFS_SIG_BYTES + 1 + padded_len;

	return 1 + (body < 192 ? 1 : 2) + body;
}

int ecryptfs_tag70_write_header(u8 *dst, size_t dst_len, size_t padded_len,
				const u8 *sig, u8 cipher_code,
				size_t *header_len)
{
	size_t body = ECRYPTFS_SIG_BYTES + 1 + padded_len;
	size_t len_size, pos = 0;
	int rc;

	if (!ecryptfs_cipher_block_size(cipher_code) || !padded_len)
		return -EINVAL;
	if (ecryptfs_tag70_packet_len(padded_len) > dst_len)
		return -ENOSPC;
	dst[pos++] = ECRYPTFS_TAG_70_PACKET;
	rc = ecryptfs_write_packet_length(dst + pos, body, &len_size);
	if (rc)
		return rc;
	pos += len_size;
	memcpy(dst + pos, sig, ECRYPTFS_SIG_BYTES);
	pos += ECRYPTFS_SIG_BYTES;
	dst[pos++] = cipher_code;
	*header_len = pos;
	return 0;
}

int ecryptfs_tag70_parse(const u8 *data, size_t len,
			 struct ecryptfs_tag70 *pkt)
{
	size_t body, len_size, pos = 0;
	int rc;

	if (len < ECRYPTFS_TAG_70_MIN_METADATA)
		return -EINVAL;
	if (data[pos++] != ECRYPTFS_TAG_70_PACKET)
		return -EINVAL;
	rc = ecryptfs_parse_packet_length(data + pos, len - pos, &body,
					  &len_size);
	if (rc)
		return -EINVAL;
	pos += len_size;
	/* sig + cipher code + at least one byte of ciphertext */
	if (body <= ECRYPTFS_SIG_BYTES + 1 || body > len - pos)
		return -EINVAL;
	memcpy(pkt->sig, data + pos, ECRYPTFS_SIG_BYTES);
	pos += ECRYPTFS_SIG_BYTES;
	pkt->cipher_code = data[pos++];
	pkt->block_size = ecryptfs_cipher_block_size(pkt->cipher_code);
	if (!pkt->block_size)
		return -EINVAL;
	pkt->ciphertext = data + pos;
	pkt->ciphertext_len = body - ECRYPTFS_SIG_BYTES - 1;
	if (pkt->ciphertext_len % pkt->block_size)
		return -EINVAL;
	pkt->packet_len = pos + pkt->ciphertext_len;
	return 0;
}

int ecryptfs_fname_extract(const u8 *plain, size_t len, const u8 **name,
			   size_t *name_len)
{
	size_t i = 0;

	while (i < len && plain[i] != 0x00)
		i++;
	if (i == len)
		return -EINVAL;
	i++;
	if (i == len || len - i >= ECRYPTFS_FNAME_PATH_MAX)
		return -EINVAL;
	*name = plain + i;
	*name_len = len - i;
	return 0;
}

bool ecryptfs_fname_is_encrypted(const char *name, size_t len)
{
	return len > ECRYPTFS_FNEK_PREFIX_LEN &&
	       !memcmp(name, ECRYPTFS_FNEK_PREFIX, ECRYPTFS_FNEK_PREFIX_LEN);
}

size_t ecryptfs_fname_lower_len(size_t name_len, size_t block_size)
{
	size_t padded = ecryptfs_fname_padded_len(name_len, block_size);

	return ECRYPTFS_FNEK_PREFIX_LEN +
	       ecryptfs_fname_encoded_len(ecryptfs_tag70_packet_len(padded));
}

int ecryptfs_fname_encode_lower(const u8 *pkt, size_t pkt_len, char *dst,
				size_t dst_len)
{
	size_t total = ECRYPTFS_FNEK_PREFIX_LEN +
		       ecryptfs_fname_encoded_len(pkt_len);

	if (total > dst_len)
		return -ENOSPC;
	memcpy(dst, ECRYPTFS_FNEK_PREFIX, ECRYPTFS_FNEK_PREFIX_LEN);
	ecryptfs_fname_encode(pkt, pkt_len, dst + ECRYPTFS_FNEK_PREFIX_LEN);
	if (total < dst_len)
		dst[total] = '\0';
	return (int)total;
}

int ecryptfs_fname_decode_lower(const char *name, size_t len, u8 *buf,
				size_t buf_len, struct ecryptfs_tag70 *pkt)
{
	size_t enc_len, dec_len;

	if (!ecryptfs_fname_is_encrypted(name, len))
		return -EINVAL;
	enc_len = len - ECRYPTFS_FNEK_PREFIX_LEN;
	if (buf_len < (enc_len * 6) / 8)
		return -ENOSPC;
	dec_len = ecryptfs_fname_decode(name + ECRYPTFS_FNEK_PREFIX_LEN,
					enc_len, buf);
	return ecryptfs_tag70_parse(buf, dec_len, pkt);
}

long ecryptfs_fname_max_plain(long lower_namelen, size_t block_size)
{
	long n;

	if (lower_namelen == 255 && (block_size == 8 || block_size == 16))
		return ECRYPTFS_FNAME_MAX_PLAIN_255;
	if (lower_namelen <= ECRYPTFS_FNEK_PREFIX_LEN)
		return 0;
	n = (long)ecryptfs_fname_max_decoded_len(lower_namelen -
						 ECRYPTFS_FNEK_PREFIX_LEN);
	n -= 3 + ECRYPTFS_TAG_70_MAX_METADATA + ECRYPTFS_FNAME_MIN_RANDOM;
	n -= (long)block_size - 1;
	return n < 0 ? 0 : n;
}
