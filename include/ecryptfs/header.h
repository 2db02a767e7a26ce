/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The eCryptfs lower-file header ("metadata"): parse and build it.
 *
 * Shared by the kernel module and the userland library.  Plain C: no
 * allocation, no crypto, no I/O; the caller passes every buffer and does
 * the key wrapping itself.  Every parser takes the number of bytes it may
 * read and rejects anything that would step outside them.
 *
 * Layout (spec kernel.md §2.1-2.4):
 *   0  BE64 plaintext size
 *   8  BE32 m1, 12 BE32 m2 = m1 ^ 0x3c81b7f5   (marker)
 *   16 BE32 version << 24 | flags
 *   20 BE32 header extent size, 24 BE16 number of header extents
 *   26 packet set: (tag 3 + tag 11 | tag 1)*, 0x00
 */
#ifndef ECRYPTFS_HEADER_H
#define ECRYPTFS_HEADER_H

#include "ecryptfs/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ECRYPTFS_MARKER_XOR          0x3c81b7f5u
#define ECRYPTFS_SIZE_FIELD_BYTES    8
#define ECRYPTFS_MARKER_BYTES        8
#define ECRYPTFS_MIN_PROBE_BYTES     16  /* size field + marker */
#define ECRYPTFS_FIXED_HEADER_BYTES  26  /* up to the packet set (version >= 1) */
#define ECRYPTFS_MIN_HEADER_SIZE     8192
#define ECRYPTFS_DATA_EXTENT_SIZE    4096
#define ECRYPTFS_FILE_VERSION        3
#define ECRYPTFS_SIG_BYTES           8
#define ECRYPTFS_SIG_HEX_BYTES       16
#define ECRYPTFS_SALT_BYTES          8
#define ECRYPTFS_MAX_EFEK_BYTES      512
#define ECRYPTFS_MAX_KEY_BYTES       64
#define ECRYPTFS_IV_BYTES            16
/* An absurdly large metadata size (header extents) is refused. */
#define ECRYPTFS_MAX_HEADER_SIZE     (1u << 20)

/* On-disk flag bits (low 24 bits of the flags word). */
#define ECRYPTFS_HDR_FLAG_HMAC              0x01
#define ECRYPTFS_HDR_FLAG_ENCRYPTED         0x02
#define ECRYPTFS_HDR_FLAG_METADATA_IN_XATTR 0x04
#define ECRYPTFS_HDR_FLAG_ENCRYPT_FILENAMES 0x08

/* Packet types. */
#define ECRYPTFS_TAG_1_PACKET   0x01
#define ECRYPTFS_TAG_3_PACKET   0x8C
#define ECRYPTFS_TAG_11_PACKET  0xED
/* Public-key algorithm byte of a tag 1 packet (RFC 2440 RSA). */
#define ECRYPTFS_PUBKEY_ALGO_RSA 0x01

/* RFC 2440 cipher codes. */
#define ECRYPTFS_CIPHER_DES3_EDE 0x02
#define ECRYPTFS_CIPHER_CAST5    0x03
#define ECRYPTFS_CIPHER_BLOWFISH 0x04
#define ECRYPTFS_CIPHER_AES_128  0x07
#define ECRYPTFS_CIPHER_AES_192  0x08
#define ECRYPTFS_CIPHER_AES_256  0x09
#define ECRYPTFS_CIPHER_TWOFISH  0x0a
#define ECRYPTFS_CIPHER_CAST6    0x0b

/* The fixed fields of a parsed header. */
struct ecryptfs_hdr {
	u64 size;             /* plaintext size (bytes 0..7) */
	u8 version;           /* 0..3 */
	u32 flags;            /* on-disk flag bits */
	u32 metadata_size;    /* header region size; 8192 for version 0 */
	u32 packets_offset;   /* where the packet set starts (26, or 20 for v0) */
};

/* One key candidate of the packet set. */
struct ecryptfs_hdr_key {
	u8 tag;                        /* ECRYPTFS_TAG_3_PACKET or ..._1_... */
	u8 cipher_code;                /* tag 3 only */
	u8 sig[ECRYPTFS_SIG_BYTES];    /* tag 11 literal, or tag 1 key id */
	u8 salt[ECRYPTFS_SALT_BYTES];  /* tag 3 only */
	const u8 *efek;                /* points into the parsed buffer */
	u32 efek_len;
	u32 key_bytes;                 /* FEK size implied (tag 3): 24 for AES-192 */
};

/**
 * ecryptfs_parse_packet_length() - decode an OpenPGP new-format length
 * @data: the length bytes
 * @avail: how many bytes may be read at @data
 * @size: the decoded length
 * @length_size: how many bytes the length field took (1 or 2)
 *
 * Return: 0, or -EINVAL for a truncated, partial or five-byte length.
 */
int ecryptfs_parse_packet_length(const u8 *data, size_t avail, size_t *size,
				 size_t *length_size);

/**
 * ecryptfs_write_packet_length() - encode a length
 * @dest: at least 2 bytes
 * @size: the value (< 8384 to round-trip)
 * @length_size: how many bytes were written
 *
 * Return: 0, or -EINVAL when @size cannot be encoded.
 */
int ecryptfs_write_packet_length(u8 *dest, size_t size, size_t *length_size);

/** ecryptfs_cipher_code() - RFC 2440 code of a cipher name + key size; 0 if unknown. */
u8 ecryptfs_cipher_code(const char *name, size_t key_bytes);

/** ecryptfs_cipher_name() - kernel cipher name of a code; NULL if unknown. */
const char *ecryptfs_cipher_name(u8 code);

/** ecryptfs_hdr_get_be64()/put: the size field (8 bytes at @buf). */
u64 ecryptfs_hdr_get_size(const u8 *buf);
void ecryptfs_hdr_put_size(u8 *buf, u64 size);

/**
 * ecryptfs_hdr_marker_valid() - bytes 8..15 carry a valid marker
 * @buf: the start of the header
 * @len: bytes available at @buf (fewer than 16 -> false)
 */
bool ecryptfs_hdr_marker_valid(const u8 *buf, size_t len);

/**
 * ecryptfs_hdr_parse() - validate and decode the fixed part of a header
 * @buf: the header (file bytes from offset 0, or the xattr value)
 * @len: bytes available at @buf
 * @from_xattr: the header came from the user.ecryptfs xattr (no minimum
 *              size check, as the reference)
 * @hdr: result
 *
 * Return: 0; -EINVAL for a bad marker, a version > 3, a header size below
 * 8192 (not for xattr) or above ECRYPTFS_MAX_HEADER_SIZE, or a truncated
 * buffer.
 */
int ecryptfs_hdr_parse(const u8 *buf, size_t len, bool from_xattr,
		       struct ecryptfs_hdr *hdr);

/**
 * ecryptfs_hdr_next_key() - the next key candidate of the packet set
 * @buf: the header buffer passed to ecryptfs_hdr_parse()
 * @len: bytes available at @buf
 * @pos: in: where to parse (start with hdr->packets_offset); out: after
 *       the parsed group
 * @key: result; key->efek points into @buf
 *
 * Return: 1 when a key was parsed, 0 at the end of the set (terminator or
 * any other byte), -EINVAL or -EIO for a malformed packet (lying length,
 * truncation, bad version, unknown cipher, tag 11 alone) and -ENOSYS for an
 * unsupported S2K or hash id.
 */
int ecryptfs_hdr_next_key(const u8 *buf, size_t len, size_t *pos,
			  struct ecryptfs_hdr_key *key);

/**
 * ecryptfs_hdr_write_fixed() - write bytes 0..25
 * @buf: at least 26 bytes
 * @size: plaintext size
 * @marker_random: 4 random bytes for m1
 * @flags: on-disk flag bits
 * @metadata_size: header region size (multiple of 4096)
 *
 * Return: the offset where packets start (26).
 */
size_t ecryptfs_hdr_write_fixed(u8 *buf, u64 size, u32 marker_random,
				u32 flags, u32 metadata_size);

/**
 * ecryptfs_hdr_write_tag3() - append a tag 3 + tag 11 group
 * @buf: header buffer
 * @len: its size
 * @pos: in/out write position
 * @cipher_code: RFC 2440 code
 * @salt: the auth token's salt
 * @efek: the wrapped FEK
 * @efek_len: its length (<= 512)
 * @sig: the 8-byte key signature
 *
 * Return: 0, or -ENOSPC/-EINVAL.
 */
int ecryptfs_hdr_write_tag3(u8 *buf, size_t len, size_t *pos, u8 cipher_code,
			    const u8 *salt, const u8 *efek, size_t efek_len,
			    const u8 *sig);

/**
 * ecryptfs_hdr_write_tag1() - append a tag 1 packet (public-key wrapped FEK)
 * @buf: header buffer
 * @len: its size
 * @pos: in/out write position
 * @key_id: the 8-byte key signature
 * @efek: the FEK as encrypted by ecryptfsd (tag 67 reply)
 * @efek_len: its length (1..512)
 *
 * Writes 01 | len | 03 | key_id[8] | 01 (RSA) | EFEK, as the reference.
 *
 * Return: 0, or -ENOSPC/-EINVAL.
 */
int ecryptfs_hdr_write_tag1(u8 *buf, size_t len, size_t *pos,
			    const u8 *key_id, const u8 *efek, size_t efek_len);

/**
 * ecryptfs_hdr_write_end() - append the 0x00 terminator
 * Return: 0 or -EIO when there is no room (as the reference).
 */
int ecryptfs_hdr_write_end(u8 *buf, size_t len, size_t *pos);

/**
 * ecryptfs_sig_to_hex() - 8 raw bytes to 16 lowercase hex chars + NUL
 * @hex: at least 17 bytes
 */
void ecryptfs_sig_to_hex(const u8 *sig, char *hex);

/**
 * ecryptfs_sig_from_hex() - 16 hex chars to 8 bytes
 * Return: 0 or -EINVAL.
 */
int ecryptfs_sig_from_hex(const char *hex, u8 *sig);

/**
 * ecryptfs_extent_iv_input() - the 32-byte MD5 input of an extent IV
 * @root_iv: 16 bytes
 * @extent: extent number (0 = first data extent)
 * @out: 32 bytes: root IV then decimal(extent) NUL padded to 16
 */
void ecryptfs_extent_iv_input(const u8 *root_iv, u64 extent, u8 *out);

/**
 * ecryptfs_lower_size() - lower size of an encrypted file of @size bytes
 * @size: plaintext size
 * @header_size: header region bytes in the file (0 for xattr metadata)
 */
u64 ecryptfs_lower_size(u64 size, u32 header_size);

#ifdef __cplusplus
}
#endif

#endif /* ECRYPTFS_HEADER_H */
