/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The /dev/ecryptfs protocol between the kernel module and ecryptfsd:
 * packet framing and the tag 64/65/66/67 payloads (spec kernel.md §6.1,
 * userland.md §6.4, §6.5).
 *
 * Shared by the kernel module and the userland library.  Plain C: no
 * allocation, no crypto, no I/O (see types.h).  Every parser takes the
 * number of bytes it may read and rejects anything that would step outside
 * them; every writer takes the size of its destination.
 *
 * Packet (one read() or write() of the device):
 *   type u8 | counter BE32 | [ len (1-2 bytes, OpenPGP style) | message ]
 *   message = index u32 | data_len u32 | data[data_len]   (host byte order)
 *   len = 8 + data_len.  HELO and QUIT are normally sent bare (5 bytes).
 *
 * Payloads (inside data):
 *   tag 64  kernel -> daemon  40 | len(16) | sig hex[16] | len(n) | EFEK[n]
 *   tag 65  daemon -> kernel  41 | status | len(m) | key blob[m]
 *   tag 66  kernel -> daemon  42 | len(16) | sig hex[16] | len(m) | key blob[m]
 *   tag 67  daemon -> kernel  43 | status | len(n) | EFEK[n]
 *   key blob = cipher_code | key[k] | BE16 (sum of key bytes mod 65536)
 *   A failure reply is tag | 0xFF (data_len 2).
 */
#ifndef ECRYPTFS_MSG_H
#define ECRYPTFS_MSG_H

#include "ecryptfs/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Packet types. */
#define ECRYPTFS_MSG_HELO     100
#define ECRYPTFS_MSG_QUIT     101
#define ECRYPTFS_MSG_REQUEST  102
#define ECRYPTFS_MSG_RESPONSE 103

/* Sizes. */
#define ECRYPTFS_MSG_BARE_BYTES    5    /* type + counter (HELO, QUIT) */
#define ECRYPTFS_MSG_STRUCT_BYTES  8    /* index + data_len */
#define ECRYPTFS_MSG_MIN_BYTES     6    /* smallest packet with a length */
#define ECRYPTFS_MSG_MIN_RESPONSE  14   /* 5 + 1 + 8 */
/* Largest packet the kernel accepts from the daemon (5 + 2 + 8 + 4 + 512). */
#define ECRYPTFS_MSG_MAX_WRITE     531
/* Largest packet the kernel sends (a tag 64 with a 512-byte EFEK is 549). */
#define ECRYPTFS_MSG_MAX_READ      1024

/* Payload tags. */
#define ECRYPTFS_TAG_64_PACKET 0x40  /* decrypt request */
#define ECRYPTFS_TAG_65_PACKET 0x41  /* decrypt reply */
#define ECRYPTFS_TAG_66_PACKET 0x42  /* encrypt request */
#define ECRYPTFS_TAG_67_PACKET 0x43  /* encrypt reply */
#define ECRYPTFS_MSG_STATUS_OK     0x00
#define ECRYPTFS_MSG_STATUS_FAILED 0xFF

/* Bounds. */
#define ECRYPTFS_MSG_MAX_EFEK     512  /* encrypted key bytes */
#define ECRYPTFS_MSG_MAX_KEY      64   /* decrypted key bytes */
#define ECRYPTFS_MSG_KEY_BLOB_OVERHEAD 3  /* cipher code + checksum */

/**
 * struct ecryptfs_msg - a parsed packet; @data points into the parsed buffer
 * @type: packet type
 * @counter: sequence number
 * @has_body: false for a bare 5-byte packet
 * @index: message-context index (REQUEST and RESPONSE only)
 * @data_len: bytes at @data (REQUEST and RESPONSE only)
 * @data: the payload (REQUEST and RESPONSE only, else NULL)
 */
struct ecryptfs_msg {
	u8 type;
	u32 counter;
	bool has_body;
	u32 index;
	u32 data_len;
	const u8 *data;
};

/**
 * ecryptfs_msg_packet_size() - size of a packet carrying @data_len bytes
 * @data_len: payload size
 *
 * Return: the total size, or 0 when @data_len cannot be framed.
 */
size_t ecryptfs_msg_packet_size(size_t data_len);

/**
 * ecryptfs_msg_write() - frame a packet with a message
 * @buf: destination
 * @len: its size
 * @type: packet type
 * @counter: sequence number
 * @index: message-context index
 * @data: payload
 * @data_len: its size
 * @written: bytes written
 *
 * Return: 0, -EINVAL (payload too large to frame) or -ENOSPC.
 */
int ecryptfs_msg_write(u8 *buf, size_t len, u8 type, u32 counter, u32 index,
		       const u8 *data, size_t data_len, size_t *written);

/**
 * ecryptfs_msg_write_bare() - a 5-byte packet (HELO, QUIT)
 * @buf: at least 5 bytes
 * @type: packet type
 * @counter: sequence number
 */
void ecryptfs_msg_write_bare(u8 *buf, u8 type, u32 counter);

/**
 * ecryptfs_msg_parse() - parse the frame of a packet
 * @buf: the packet
 * @len: its exact size (one read() or write())
 * @max_len: the largest acceptable packet
 * @m: result
 *
 * A 5-byte packet is bare.  Otherwise 6 <= @len <= @max_len and @len must
 * equal 5 + size of the length field + its value.  For REQUEST and
 * RESPONSE the message struct is decoded and 8 + data_len must equal the
 * length field; other types keep their body undecoded.
 *
 * Return: 0 or -EINVAL.
 */
int ecryptfs_msg_parse(const u8 *buf, size_t len, size_t max_len,
		       struct ecryptfs_msg *m);

/**
 * ecryptfs_msg_parse_from_daemon() - the kernel's rules for a write()
 * @buf: the packet
 * @len: its size (not 0)
 * @m: result
 *
 * ecryptfs_msg_parse() with the 531-byte limit, then: HELO and QUIT are
 * accepted with or without a body; RESPONSE needs a message (so at least
 * 14 bytes); every other type is refused.
 *
 * Return: 0 or -EINVAL.
 */
int ecryptfs_msg_parse_from_daemon(const u8 *buf, size_t len,
				   struct ecryptfs_msg *m);

/**
 * ecryptfs_msg_key_checksum() - sum of the key bytes modulo 65536
 * @key: key bytes
 * @key_len: their number
 */
u16 ecryptfs_msg_key_checksum(const u8 *key, size_t key_len);

/**
 * ecryptfs_msg_write_key_blob() - cipher_code | key | BE16 checksum
 * @buf: destination
 * @len: its size
 * @cipher_code: RFC 2440 cipher code
 * @key: the key (1..64 bytes)
 * @key_len: its size
 * @written: bytes written (key_len + 3)
 *
 * Return: 0, -EINVAL or -ENOSPC.
 */
int ecryptfs_msg_write_key_blob(u8 *buf, size_t len, u8 cipher_code,
				const u8 *key, size_t key_len, size_t *written);

/**
 * ecryptfs_msg_parse_key_blob() - check and split a key blob
 * @blob: the blob
 * @len: its size (3..67)
 * @cipher_code: out
 * @key: out, points into @blob
 * @key_len: out (0..64)
 *
 * Return: 0, or -EINVAL for a bad size or a wrong checksum.
 */
int ecryptfs_msg_parse_key_blob(const u8 *blob, size_t len, u8 *cipher_code,
				const u8 **key, size_t *key_len);

/**
 * ecryptfs_msg_write_tag64() - decrypt request
 * @buf: destination
 * @len: its size
 * @sig_hex: 16 hex chars
 * @efek: encrypted key
 * @efek_len: 1..512
 * @written: bytes written
 *
 * Return: 0, -EINVAL or -ENOSPC.
 */
int ecryptfs_msg_write_tag64(u8 *buf, size_t len, const char *sig_hex,
			     const u8 *efek, size_t efek_len, size_t *written);

/**
 * ecryptfs_msg_write_tag66() - encrypt request
 * @buf: destination
 * @len: its size
 * @sig_hex: 16 hex chars
 * @cipher_code: RFC 2440 code of the file cipher
 * @key: the FEK
 * @key_len: 1..64
 * @written: bytes written
 *
 * Return: 0, -EINVAL or -ENOSPC.
 */
int ecryptfs_msg_write_tag66(u8 *buf, size_t len, const char *sig_hex,
			     u8 cipher_code, const u8 *key, size_t key_len,
			     size_t *written);

/**
 * struct ecryptfs_msg_request - a parsed tag 64 or tag 66 request
 * @tag: ECRYPTFS_TAG_64_PACKET or ECRYPTFS_TAG_66_PACKET
 * @sig_hex: the key signature, NUL terminated
 * @key: EFEK (tag 64) or key blob (tag 66), points into the request
 * @key_len: its size
 */
struct ecryptfs_msg_request {
	u8 tag;
	char sig_hex[17];
	const u8 *key;
	size_t key_len;
};

/**
 * ecryptfs_msg_parse_request() - parse a request (daemon side)
 * @data: message data
 * @len: data_len
 * @r: result
 *
 * The signature must be 16 hex chars; a tag 64 EFEK 1..512 bytes; a tag 66
 * key blob 4..67 bytes (checked with ecryptfs_msg_parse_key_blob()).
 * Trailing bytes are refused.
 *
 * Return: 0 or -EINVAL.
 */
int ecryptfs_msg_parse_request(const u8 *data, size_t len,
			       struct ecryptfs_msg_request *r);

/**
 * ecryptfs_msg_write_reply() - tag 65 or 67 success reply
 * @buf: destination
 * @len: its size
 * @tag: ECRYPTFS_TAG_65_PACKET (payload = key blob, 3..67 bytes) or
 *       ECRYPTFS_TAG_67_PACKET (payload = EFEK, 1..512 bytes)
 * @payload: the payload
 * @payload_len: its size
 * @written: bytes written (exact: no trailing byte)
 *
 * Return: 0, -EINVAL or -ENOSPC.
 */
int ecryptfs_msg_write_reply(u8 *buf, size_t len, u8 tag, const u8 *payload,
			     size_t payload_len, size_t *written);

/**
 * ecryptfs_msg_write_reply_error() - tag | 0xFF failure reply (2 bytes)
 * @buf: at least 2 bytes
 * @tag: ECRYPTFS_TAG_65_PACKET or ECRYPTFS_TAG_67_PACKET
 */
void ecryptfs_msg_write_reply_error(u8 *buf, u8 tag);

/**
 * ecryptfs_msg_parse_tag65() - decrypt reply (kernel side)
 * @data: message data
 * @len: data_len
 * @cipher_code: out
 * @key: out, points into @data
 * @key_len: out (0..64)
 *
 * Trailing bytes after the announced length are ignored (as the reference).
 *
 * Return: 0; -EIO when the daemon reported a failure (status != 0);
 * -EINVAL for a malformed reply (wrong tag, shorter than 4 bytes, lying
 * length, key > 64 bytes, wrong checksum).
 */
int ecryptfs_msg_parse_tag65(const u8 *data, size_t len, u8 *cipher_code,
			     const u8 **key, size_t *key_len);

/**
 * ecryptfs_msg_parse_tag67() - encrypt reply (kernel side)
 * @data: message data
 * @len: data_len
 * @efek: out, points into @data
 * @efek_len: out (1..512)
 *
 * Trailing bytes after the announced length are ignored: ecryptfsd 111
 * sends data_len = n + 4 even with a one-byte length field.
 *
 * Return: 0, -EIO (status != 0) or -EINVAL (malformed).
 */
int ecryptfs_msg_parse_tag67(const u8 *data, size_t len, const u8 **efek,
			     size_t *efek_len);

#ifdef __cplusplus
}
#endif

#endif /* ECRYPTFS_MSG_H */
