// SPDX-License-Identifier: GPL-2.0-only
/*
 * The eCryptfs lower-file header: parser and builder shared by the kernel
 * module and the userland library.  See header.h.
 */
#include "ecryptfs/header.h"

static u32 get_be32(const u8 *p)
{
	return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | p[3];
}

static void put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

u64 ecryptfs_hdr_get_size(const u8 *buf)
{
	return ((u64)get_be32(buf) << 32) | get_be32(buf + 4);
}

void ecryptfs_hdr_put_size(u8 *buf, u64 size)
{
	put_be32(buf, (u32)(size >> 32));
	put_be32(buf + 4, (u32)size);
}

int ecryptfs_parse_packet_length(const u8 *data, size_t avail, size_t *size,
				 size_t *length_size)
{
	if (avail < 1)
		return -EINVAL;
	if (data[0] < 192) {
		*size = data[0];
		*length_size = 1;
		return 0;
	}
	if (data[0] < 224) {
		if (avail < 2)
			return -EINVAL;
		*size = ((size_t)(data[0] - 192) << 8) + data[1] + 192;
		*length_size = 2;
		return 0;
	}
	/* 224..254: partial body lengths; 255: five-byte form. */
	return -EINVAL;
}

int ecryptfs_write_packet_length(u8 *dest, size_t size, size_t *length_size)
{
	if (size < 192) {
		dest[0] = (u8)size;
		*length_size = 1;
		return 0;
	}
	if (size < 8384) {
		dest[0] = (u8)(((size - 192) / 256) + 192);
		dest[1] = (u8)((size - 192) % 256);
		*length_size = 2;
		return 0;
	}
	return -EINVAL;
}

static const struct {
	const char *name;
	u8 code;
} cipher_codes[] = {
	{ "aes", ECRYPTFS_CIPHER_AES_128 },
	{ "blowfish", ECRYPTFS_CIPHER_BLOWFISH },
	{ "des3_ede", ECRYPTFS_CIPHER_DES3_EDE },
	{ "cast5", ECRYPTFS_CIPHER_CAST5 },
	{ "twofish", ECRYPTFS_CIPHER_TWOFISH },
	{ "cast6", ECRYPTFS_CIPHER_CAST6 },
	{ "aes", ECRYPTFS_CIPHER_AES_192 },
	{ "aes", ECRYPTFS_CIPHER_AES_256 },
};

#define N_CIPHER_CODES (sizeof(cipher_codes) / sizeof(cipher_codes[0]))

u8 ecryptfs_cipher_code(const char *name, size_t key_bytes)
{
	size_t i;

	if (strcmp(name, "aes") == 0) {
		switch (key_bytes) {
		case 16:
			return ECRYPTFS_CIPHER_AES_128;
		case 24:
			return ECRYPTFS_CIPHER_AES_192;
		case 32:
			return ECRYPTFS_CIPHER_AES_256;
		default:
			return 0;
		}
	}
	for (i = 0; i < N_CIPHER_CODES; i++)
		if (strcmp(name, cipher_codes[i].name) == 0)
			return cipher_codes[i].code;
	return 0;
}

const char *ecryptfs_cipher_name(u8 code)
{
	size_t i;

	for (i = 0; i < N_CIPHER_CODES; i++)
		if (cipher_codes[i].code == code)
			return cipher_codes[i].name;
	return NULL;
}

bool ecryptfs_hdr_marker_valid(const u8 *buf, size_t len)
{
	if (len < ECRYPTFS_MIN_PROBE_BYTES)
		return false;
	return (get_be32(buf + 8) ^ ECRYPTFS_MARKER_XOR) == get_be32(buf + 12);
}

int ecryptfs_hdr_parse(const u8 *buf, size_t len, bool from_xattr,
		       struct ecryptfs_hdr *hdr)
{
	u32 word;

	if (!ecryptfs_hdr_marker_valid(buf, len) || len < 20)
		return -EINVAL;
	memset(hdr, 0, sizeof(*hdr));
	hdr->size = ecryptfs_hdr_get_size(buf);
	word = get_be32(buf + 16);
	hdr->version = (u8)(word >> 24);
	hdr->flags = word & 0x00ffffff;
	if (hdr->version > ECRYPTFS_FILE_VERSION)
		return -EINVAL;
	if (hdr->version == 0) {
		hdr->metadata_size = ECRYPTFS_MIN_HEADER_SIZE;
		hdr->packets_offset = 20;
		return 0;
	}
	if (len < ECRYPTFS_FIXED_HEADER_BYTES)
		return -EINVAL;
	{
		u64 ext = get_be32(buf + 20);
		u64 n = ((u32)buf[24] << 8) | buf[25];
		u64 total = ext * n;

		if (total > ECRYPTFS_MAX_HEADER_SIZE)
			return -EINVAL;
		if (!from_xattr && total < ECRYPTFS_MIN_HEADER_SIZE)
			return -EINVAL;
		hdr->metadata_size = (u32)total;
	}
	hdr->packets_offset = ECRYPTFS_FIXED_HEADER_BYTES;
	return 0;
}

/* Body of a packet at @p (type byte at p[0]); fails unless it fits in @avail. */
static int packet_body(const u8 *p, size_t avail, const u8 **body,
		       size_t *body_len, size_t *total)
{
	size_t ls;
	int rc;

	if (avail < 2)
		return -EINVAL;
	rc = ecryptfs_parse_packet_length(p + 1, avail - 1, body_len, &ls);
	if (rc)
		return rc;
	if (*body_len > avail - 1 - ls)
		return -EINVAL;
	*body = p + 1 + ls;
	*total = 1 + ls + *body_len;
	return 0;
}

static int parse_tag3(const u8 *p, size_t avail, struct ecryptfs_hdr_key *key,
		      size_t *total)
{
	const u8 *b;
	size_t blen;
	int rc;

	rc = packet_body(p, avail, &b, &blen, total);
	if (rc)
		return rc;
	if (blen < 13 || blen - 13 > ECRYPTFS_MAX_EFEK_BYTES)
		return -EINVAL;
	if (b[0] != 4)
		return -EINVAL;
	if (!ecryptfs_cipher_name(b[1]))
		return -EINVAL;
	if (b[2] != 3 || b[3] != 1)
		return -ENOSYS;
	key->tag = ECRYPTFS_TAG_3_PACKET;
	key->cipher_code = b[1];
	memcpy(key->salt, b + 4, ECRYPTFS_SALT_BYTES);
	/* b[12]: iteration count byte, unused */
	key->efek = b + 13;
	key->efek_len = (u32)(blen - 13);
	key->key_bytes = key->cipher_code == ECRYPTFS_CIPHER_AES_192 ?
			 24 : key->efek_len;
	if (key->key_bytes == 0 || key->key_bytes > ECRYPTFS_MAX_KEY_BYTES)
		return -EINVAL;
	if (key->key_bytes > key->efek_len)
		return -EINVAL;
	return 0;
}

static int parse_tag11(const u8 *p, size_t avail, struct ecryptfs_hdr_key *key,
		       size_t *total)
{
	const u8 *b;
	size_t blen;
	int rc;

	if (avail < 1 || p[0] != ECRYPTFS_TAG_11_PACKET)
		return -EIO;
	rc = packet_body(p, avail, &b, &blen, total);
	if (rc)
		return -EIO;
	if (blen < 14 || blen - 14 != ECRYPTFS_SIG_BYTES)
		return -EIO;
	if (b[0] != 0x62 || b[1] != 0x08)
		return -EINVAL;
	memcpy(key->sig, b + 14, ECRYPTFS_SIG_BYTES);
	return 0;
}

static int parse_tag1(const u8 *p, size_t avail, struct ecryptfs_hdr_key *key,
		      size_t *total)
{
	const u8 *b;
	size_t blen;
	int rc;

	rc = packet_body(p, avail, &b, &blen, total);
	if (rc)
		return rc;
	if (blen < 10 || blen - 10 > ECRYPTFS_MAX_EFEK_BYTES)
		return -EINVAL;
	if (b[0] != 3)
		return -EINVAL;
	key->tag = ECRYPTFS_TAG_1_PACKET;
	key->cipher_code = 0;
	memcpy(key->sig, b + 1, ECRYPTFS_SIG_BYTES);
	memset(key->salt, 0, sizeof(key->salt));
	key->efek = b + 10;
	key->efek_len = (u32)(blen - 10);
	key->key_bytes = 0;
	return 0;
}

int ecryptfs_hdr_next_key(const u8 *buf, size_t len, size_t *pos,
			  struct ecryptfs_hdr_key *key)
{
	size_t p = *pos, n;
	int rc;

	if (p >= len)
		return 0;
	switch (buf[p]) {
	case ECRYPTFS_TAG_3_PACKET:
		rc = parse_tag3(buf + p, len - p, key, &n);
		if (rc)
			return rc;
		p += n;
		rc = parse_tag11(buf + p, len - p, key, &n);
		if (rc)
			return rc;
		p += n;
		break;
	case ECRYPTFS_TAG_1_PACKET:
		rc = parse_tag1(buf + p, len - p, key, &n);
		if (rc)
			return rc;
		p += n;
		break;
	case ECRYPTFS_TAG_11_PACKET:
		return -EIO;
	default:
		return 0;
	}
	*pos = p;
	return 1;
}

size_t ecryptfs_hdr_write_fixed(u8 *buf, u64 size, u32 marker_random,
				u32 flags, u32 metadata_size)
{
	ecryptfs_hdr_put_size(buf, size);
	put_be32(buf + 8, marker_random);
	put_be32(buf + 12, marker_random ^ ECRYPTFS_MARKER_XOR);
	put_be32(buf + 16, ((u32)ECRYPTFS_FILE_VERSION << 24) |
			   (flags & 0x00ffffff));
	put_be32(buf + 20, ECRYPTFS_DATA_EXTENT_SIZE);
	buf[24] = (u8)((metadata_size / ECRYPTFS_DATA_EXTENT_SIZE) >> 8);
	buf[25] = (u8)(metadata_size / ECRYPTFS_DATA_EXTENT_SIZE);
	return ECRYPTFS_FIXED_HEADER_BYTES;
}

static const u8 literal_name[8] = { '_', 'C', 'O', 'N', 'S', 'O', 'L', 'E' };

/*
 * Start a packet of @type with a body of @body_len bytes at *@pos, after
 * checking that it and @after more bytes fit; *@pos moves past the
 * length field.
 */
static int write_packet_head(u8 *buf, size_t len, size_t *pos, u8 type,
			     size_t body_len, size_t after)
{
	size_t ls;
	u8 lenbuf[2];

	if (ecryptfs_write_packet_length(lenbuf, body_len, &ls))
		return -EINVAL;
	if (*pos > len || len - *pos < 1 + ls + body_len + after)
		return -ENOSPC;
	buf[(*pos)++] = type;
	memcpy(buf + *pos, lenbuf, ls);
	*pos += ls;
	return 0;
}

int ecryptfs_hdr_write_tag3(u8 *buf, size_t len, size_t *pos, u8 cipher_code,
			    const u8 *salt, const u8 *efek, size_t efek_len,
			    const u8 *sig)
{
	size_t p = *pos;
	int rc;

	if (efek_len > ECRYPTFS_MAX_EFEK_BYTES)
		return -EINVAL;
	/* the tag 11 that follows takes 2 + 22 bytes */
	rc = write_packet_head(buf, len, &p, ECRYPTFS_TAG_3_PACKET,
			       13 + efek_len, 2 + 22);
	if (rc)
		return rc;
	buf[p++] = 4;
	buf[p++] = cipher_code;
	buf[p++] = 3;
	buf[p++] = 1;
	memcpy(buf + p, salt, ECRYPTFS_SALT_BYTES);
	p += ECRYPTFS_SALT_BYTES;
	buf[p++] = 0x60;
	memcpy(buf + p, efek, efek_len);
	p += efek_len;
	rc = write_packet_head(buf, len, &p, ECRYPTFS_TAG_11_PACKET, 22, 0);
	if (rc)
		return rc;
	buf[p++] = 0x62;
	buf[p++] = 8;
	memcpy(buf + p, literal_name, sizeof(literal_name));
	p += sizeof(literal_name);
	memset(buf + p, 0, 4);
	p += 4;
	memcpy(buf + p, sig, ECRYPTFS_SIG_BYTES);
	p += ECRYPTFS_SIG_BYTES;
	*pos = p;
	return 0;
}

int ecryptfs_hdr_write_tag1(u8 *buf, size_t len, size_t *pos,
			    const u8 *key_id, const u8 *efek, size_t efek_len)
{
	size_t p = *pos;
	int rc;

	if (!efek_len || efek_len > ECRYPTFS_MAX_EFEK_BYTES)
		return -EINVAL;
	rc = write_packet_head(buf, len, &p, ECRYPTFS_TAG_1_PACKET,
			       10 + efek_len, 0);
	if (rc)
		return rc;
	buf[p++] = 3;
	memcpy(buf + p, key_id, ECRYPTFS_SIG_BYTES);
	p += ECRYPTFS_SIG_BYTES;
	buf[p++] = ECRYPTFS_PUBKEY_ALGO_RSA;
	memcpy(buf + p, efek, efek_len);
	p += efek_len;
	*pos = p;
	return 0;
}

int ecryptfs_hdr_write_end(u8 *buf, size_t len, size_t *pos)
{
	if (*pos >= len)
		return -EIO;
	buf[(*pos)++] = 0;
	return 0;
}

void ecryptfs_sig_to_hex(const u8 *sig, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < ECRYPTFS_SIG_BYTES; i++) {
		hex[2 * i] = digits[sig[i] >> 4];
		hex[2 * i + 1] = digits[sig[i] & 0xf];
	}
	hex[ECRYPTFS_SIG_HEX_BYTES] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ecryptfs_sig_from_hex(const char *hex, u8 *sig)
{
	int i, hi, lo;

	for (i = 0; i < ECRYPTFS_SIG_BYTES; i++) {
		hi = hexval(hex[2 * i]);
		if (hi < 0)
			return -EINVAL;
		lo = hexval(hex[2 * i + 1]);
		if (lo < 0)
			return -EINVAL;
		sig[i] = (u8)((hi << 4) | lo);
	}
	return 0;
}

void ecryptfs_extent_iv_input(const u8 *root_iv, u64 extent, u8 *out)
{
	char digits[24];
	int n = 0, i;

	memcpy(out, root_iv, ECRYPTFS_IV_BYTES);
	memset(out + ECRYPTFS_IV_BYTES, 0, ECRYPTFS_IV_BYTES);
	do {
		digits[n++] = (char)('0' + extent % 10);
		extent /= 10;
	} while (extent);
	/* At most 15 digits, as snprintf into 16 bytes keeps the first 15. */
	for (i = 0; i < n && i < 15; i++)
		out[ECRYPTFS_IV_BYTES + i] = (u8)digits[n - 1 - i];
}

u64 ecryptfs_lower_size(u64 size, u32 header_size)
{
	u64 extents = (size + ECRYPTFS_DATA_EXTENT_SIZE - 1) /
		      ECRYPTFS_DATA_EXTENT_SIZE;

	return header_size + extents * ECRYPTFS_DATA_EXTENT_SIZE;
}
