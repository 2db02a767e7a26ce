// SPDX-License-Identifier: GPL-2.0-only
/*
 * The /dev/ecryptfs protocol: framing and payloads, shared by the kernel
 * module and the userland library.  See msg.h.
 */
#include "ecryptfs/msg.h"
#include "ecryptfs/header.h"

#define SIG_HEX_LEN 16

/* Wipe key material in a way the compiler may not drop. */
static void wipe(void *p, size_t n)
{
#ifdef __KERNEL__
	memzero_explicit(p, n);
#else
	volatile u8 *v = (volatile u8 *)p;

	while (n--)
		*v++ = 0;
#endif
}

size_t ecryptfs_msg_packet_size(size_t data_len)
{
	u8 lenbuf[2];
	size_t ls;

	if (data_len > 0xffffffffu - ECRYPTFS_MSG_STRUCT_BYTES)
		return 0;
	if (ecryptfs_write_packet_length(lenbuf,
					 ECRYPTFS_MSG_STRUCT_BYTES + data_len,
					 &ls))
		return 0;
	return ECRYPTFS_MSG_BARE_BYTES + ls + ECRYPTFS_MSG_STRUCT_BYTES +
	       data_len;
}

static void put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static u32 get_be32(const u8 *p)
{
	return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | p[3];
}

void ecryptfs_msg_write_bare(u8 *buf, u8 type, u32 counter)
{
	buf[0] = type;
	put_be32(buf + 1, counter);
}

int ecryptfs_msg_write(u8 *buf, size_t len, u8 type, u32 counter, u32 index,
		       const u8 *data, size_t data_len, size_t *written)
{
	size_t total = ecryptfs_msg_packet_size(data_len), ls, p;
	u32 dl = (u32)data_len;

	if (!total)
		return -EINVAL;
	if (len < total)
		return -ENOSPC;
	ecryptfs_msg_write_bare(buf, type, counter);
	p = ECRYPTFS_MSG_BARE_BYTES;
	if (ecryptfs_write_packet_length(buf + p,
					 ECRYPTFS_MSG_STRUCT_BYTES + data_len,
					 &ls))
		return -EINVAL;
	p += ls;
	memcpy(buf + p, &index, sizeof(index));
	p += sizeof(index);
	memcpy(buf + p, &dl, sizeof(dl));
	p += sizeof(dl);
	if (data_len)
		memcpy(buf + p, data, data_len);
	*written = p + data_len;
	return 0;
}

int ecryptfs_msg_parse(const u8 *buf, size_t len, size_t max_len,
		       struct ecryptfs_msg *m)
{
	size_t size, ls;
	const u8 *body;

	memset(m, 0, sizeof(*m));
	if (len < ECRYPTFS_MSG_BARE_BYTES)
		return -EINVAL;
	m->type = buf[0];
	m->counter = get_be32(buf + 1);
	if (len == ECRYPTFS_MSG_BARE_BYTES)
		return 0;
	if (len < ECRYPTFS_MSG_MIN_BYTES || len > max_len)
		return -EINVAL;
	if (ecryptfs_parse_packet_length(buf + ECRYPTFS_MSG_BARE_BYTES,
					 len - ECRYPTFS_MSG_BARE_BYTES,
					 &size, &ls))
		return -EINVAL;
	if (len - ECRYPTFS_MSG_BARE_BYTES - ls != size)
		return -EINVAL;
	m->has_body = true;
	if (m->type != ECRYPTFS_MSG_REQUEST && m->type != ECRYPTFS_MSG_RESPONSE)
		return 0;
	if (size < ECRYPTFS_MSG_STRUCT_BYTES)
		return -EINVAL;
	body = buf + ECRYPTFS_MSG_BARE_BYTES + ls;
	memcpy(&m->index, body, sizeof(m->index));
	memcpy(&m->data_len, body + 4, sizeof(m->data_len));
	if (m->data_len != size - ECRYPTFS_MSG_STRUCT_BYTES)
		return -EINVAL;
	m->data = body + ECRYPTFS_MSG_STRUCT_BYTES;
	return 0;
}

int ecryptfs_msg_parse_from_daemon(const u8 *buf, size_t len,
				   struct ecryptfs_msg *m)
{
	int rc;

	rc = ecryptfs_msg_parse(buf, len, ECRYPTFS_MSG_MAX_WRITE, m);
	if (rc)
		return rc;
	switch (m->type) {
	case ECRYPTFS_MSG_HELO:
	case ECRYPTFS_MSG_QUIT:
		return 0;
	case ECRYPTFS_MSG_RESPONSE:
		if (!m->has_body || len < ECRYPTFS_MSG_MIN_RESPONSE)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

u16 ecryptfs_msg_key_checksum(const u8 *key, size_t key_len)
{
	u32 sum = 0;
	size_t i;

	for (i = 0; i < key_len; i++)
		sum += key[i];
	return (u16)sum;
}

int ecryptfs_msg_write_key_blob(u8 *buf, size_t len, u8 cipher_code,
				const u8 *key, size_t key_len, size_t *written)
{
	u16 sum;

	if (!key_len || key_len > ECRYPTFS_MSG_MAX_KEY)
		return -EINVAL;
	if (len < key_len + ECRYPTFS_MSG_KEY_BLOB_OVERHEAD)
		return -ENOSPC;
	sum = ecryptfs_msg_key_checksum(key, key_len);
	buf[0] = cipher_code;
	memcpy(buf + 1, key, key_len);
	buf[1 + key_len] = (u8)(sum >> 8);
	buf[2 + key_len] = (u8)sum;
	*written = key_len + ECRYPTFS_MSG_KEY_BLOB_OVERHEAD;
	return 0;
}

int ecryptfs_msg_parse_key_blob(const u8 *blob, size_t len, u8 *cipher_code,
				const u8 **key, size_t *key_len)
{
	size_t k;
	u16 want;

	if (len < ECRYPTFS_MSG_KEY_BLOB_OVERHEAD ||
	    len > ECRYPTFS_MSG_MAX_KEY + ECRYPTFS_MSG_KEY_BLOB_OVERHEAD)
		return -EINVAL;
	k = len - ECRYPTFS_MSG_KEY_BLOB_OVERHEAD;
	want = (u16)(((u16)blob[1 + k] << 8) | blob[2 + k]);
	if (ecryptfs_msg_key_checksum(blob + 1, k) != want)
		return -EINVAL;
	*cipher_code = blob[0];
	*key = blob + 1;
	*key_len = k;
	return 0;
}

static bool sig_hex_valid(const char *sig_hex)
{
	u8 raw[ECRYPTFS_SIG_BYTES];
	size_t i;

	for (i = 0; i < SIG_HEX_LEN; i++)
		if (!sig_hex[i])
			return false;
	return ecryptfs_sig_from_hex(sig_hex, raw) == 0;
}

/* tag | len(16) | sig | len(n) | bytes[n] */
static int write_request(u8 *buf, size_t len, u8 tag, const char *sig_hex,
			 const u8 *bytes, size_t n, size_t *written)
{
	u8 lenbuf[2];
	size_t ls, p = 0;

	if (!sig_hex_valid(sig_hex))
		return -EINVAL;
	if (ecryptfs_write_packet_length(lenbuf, n, &ls))
		return -EINVAL;
	if (len < 2 + SIG_HEX_LEN + ls + n)
		return -ENOSPC;
	buf[p++] = tag;
	buf[p++] = SIG_HEX_LEN;
	memcpy(buf + p, sig_hex, SIG_HEX_LEN);
	p += SIG_HEX_LEN;
	memcpy(buf + p, lenbuf, ls);
	p += ls;
	memcpy(buf + p, bytes, n);
	*written = p + n;
	return 0;
}

int ecryptfs_msg_write_tag64(u8 *buf, size_t len, const char *sig_hex,
			     const u8 *efek, size_t efek_len, size_t *written)
{
	if (!efek_len || efek_len > ECRYPTFS_MSG_MAX_EFEK)
		return -EINVAL;
	return write_request(buf, len, ECRYPTFS_TAG_64_PACKET, sig_hex, efek,
			     efek_len, written);
}

int ecryptfs_msg_write_tag66(u8 *buf, size_t len, const char *sig_hex,
			     u8 cipher_code, const u8 *key, size_t key_len,
			     size_t *written)
{
	u8 blob[ECRYPTFS_MSG_MAX_KEY + ECRYPTFS_MSG_KEY_BLOB_OVERHEAD];
	size_t n;
	int rc;

	rc = ecryptfs_msg_write_key_blob(blob, sizeof(blob), cipher_code, key,
					 key_len, &n);
	if (rc)
		return rc;
	rc = write_request(buf, len, ECRYPTFS_TAG_66_PACKET, sig_hex, blob, n,
			   written);
	wipe(blob, sizeof(blob));
	return rc;
}

int ecryptfs_msg_parse_request(const u8 *data, size_t len,
			       struct ecryptfs_msg_request *r)
{
	size_t p = 0, n, ls;
	u8 code;
	const u8 *k;
	size_t kl;

	memset(r, 0, sizeof(*r));
	if (len < 2)
		return -EINVAL;
	r->tag = data[p++];
	if (r->tag != ECRYPTFS_TAG_64_PACKET && r->tag != ECRYPTFS_TAG_66_PACKET)
		return -EINVAL;
	if (ecryptfs_parse_packet_length(data + p, len - p, &n, &ls))
		return -EINVAL;
	p += ls;
	if (n != SIG_HEX_LEN || len - p < SIG_HEX_LEN)
		return -EINVAL;
	memcpy(r->sig_hex, data + p, SIG_HEX_LEN);
	r->sig_hex[SIG_HEX_LEN] = '\0';
	if (!sig_hex_valid(r->sig_hex))
		return -EINVAL;
	p += SIG_HEX_LEN;
	if (ecryptfs_parse_packet_length(data + p, len - p, &n, &ls))
		return -EINVAL;
	p += ls;
	if (n != len - p)
		return -EINVAL;
	if (r->tag == ECRYPTFS_TAG_64_PACKET) {
		if (!n || n > ECRYPTFS_MSG_MAX_EFEK)
			return -EINVAL;
	} else {
		if (n < ECRYPTFS_MSG_KEY_BLOB_OVERHEAD + 1 ||
		    ecryptfs_msg_parse_key_blob(data + p, n, &code, &k, &kl))
			return -EINVAL;
	}
	r->key = data + p;
	r->key_len = n;
	return 0;
}

int ecryptfs_msg_write_reply(u8 *buf, size_t len, u8 tag, const u8 *payload,
			     size_t payload_len, size_t *written)
{
	u8 lenbuf[2];
	size_t ls;

	if (tag == ECRYPTFS_TAG_65_PACKET) {
		if (payload_len < ECRYPTFS_MSG_KEY_BLOB_OVERHEAD ||
		    payload_len > ECRYPTFS_MSG_MAX_KEY +
				  ECRYPTFS_MSG_KEY_BLOB_OVERHEAD)
			return -EINVAL;
	} else if (tag == ECRYPTFS_TAG_67_PACKET) {
		if (!payload_len || payload_len > ECRYPTFS_MSG_MAX_EFEK)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (ecryptfs_write_packet_length(lenbuf, payload_len, &ls))
		return -EINVAL;
	if (len < 2 + ls + payload_len)
		return -ENOSPC;
	buf[0] = tag;
	buf[1] = ECRYPTFS_MSG_STATUS_OK;
	memcpy(buf + 2, lenbuf, ls);
	memcpy(buf + 2 + ls, payload, payload_len);
	*written = 2 + ls + payload_len;
	return 0;
}

void ecryptfs_msg_write_reply_error(u8 *buf, u8 tag)
{
	buf[0] = tag;
	buf[1] = ECRYPTFS_MSG_STATUS_FAILED;
}

/* tag | status | len(n) | bytes[n] ...: status and bounds of a reply */
static int parse_reply(const u8 *data, size_t len, u8 tag, const u8 **bytes,
		       size_t *n)
{
	size_t ls;

	if (len < 2 || data[0] != tag)
		return -EINVAL;
	if (data[1] != ECRYPTFS_MSG_STATUS_OK)
		return -EIO;
	if (len < 4)
		return -EINVAL;
	if (ecryptfs_parse_packet_length(data + 2, len - 2, n, &ls))
		return -EINVAL;
	if (*n > len - 2 - ls)
		return -EINVAL;
	*bytes = data + 2 + ls;
	return 0;
}

int ecryptfs_msg_parse_tag65(const u8 *data, size_t len, u8 *cipher_code,
			     const u8 **key, size_t *key_len)
{
	const u8 *blob;
	size_t n;
	int rc;

	rc = parse_reply(data, len, ECRYPTFS_TAG_65_PACKET, &blob, &n);
	if (rc)
		return rc;
	return ecryptfs_msg_parse_key_blob(blob, n, cipher_code, key, key_len);
}

int ecryptfs_msg_parse_tag67(const u8 *data, size_t len, const u8 **efek,
			     size_t *efek_len)
{
	const u8 *b;
	size_t n;
	int rc;

	rc = parse_reply(data, len, ECRYPTFS_TAG_67_PACKET, &b, &n);
	if (rc)
		return rc;
	if (!n || n > ECRYPTFS_MSG_MAX_EFEK)
		return -EINVAL;
	*efek = b;
	*efek_len = n;
	return 0;
}
