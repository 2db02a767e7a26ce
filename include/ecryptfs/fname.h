/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * eCryptfs filename encryption: the format half (spec kernel.md §3).
 *
 * Shared by the kernel module and the userland library.  Plain C: no
 * allocation, no crypto, no I/O.  The caller supplies every buffer, an MD5
 * callback, and does the ECB encryption/decryption of the padded plaintext
 * itself (kernel crypto API or OpenSSL).
 *
 * Encrypting a name (lower name for upper name N, FNEK token T):
 *   bs   = ecryptfs_cipher_block_size(code)
 *   L    = ecryptfs_fname_padded_len(len(N), bs)
 *   P[L] = ecryptfs_fname_build_plaintext(...)        R || 0x00 || N
 *   pkt  = ecryptfs_tag70_write_header(...)           46 | len | sig | code
 *          then ECB-encrypt P into pkt + header_len   (same length L)
 *   out  = ecryptfs_fname_encode_lower(pkt, ...)      "ECRYPTFS_FNEK_ENCRYPTED." + encode(pkt)
 *
 * Decoding a lower name:
 *   ecryptfs_fname_decode_lower(name, ...) -> struct ecryptfs_tag70 (sig,
 *   cipher code, ciphertext pointer) or -EINVAL; find the token for the sig,
 *   ECB-decrypt the ciphertext, then ecryptfs_fname_extract() -> the name.
 */
#ifndef ECRYPTFS_FNAME_H
#define ECRYPTFS_FNAME_H

#include "ecryptfs/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ECRYPTFS_FNEK_PREFIX            "ECRYPTFS_FNEK_ENCRYPTED."
#define ECRYPTFS_FNEK_PREFIX_LEN        24
#define ECRYPTFS_TAG_70_PACKET          0x46
/* type 1 + length 1 + sig 8 + cipher 1 + at least the separator 1 */
#define ECRYPTFS_TAG_70_MIN_METADATA    12
/* type 1 + length 2 + sig 8 + cipher 1 + separator 1 */
#define ECRYPTFS_TAG_70_MAX_METADATA    13
#define ECRYPTFS_FNAME_DIGEST_BYTES     16  /* MD5 */
#define ECRYPTFS_FNAME_MIN_RANDOM       16  /* R is at least this long */
#define ECRYPTFS_FNAME_NON_NULL         0x42 /* replaces 0x00 in R */
#define ECRYPTFS_FNAME_MAX_BLOCK        16  /* largest cipher block */
/* The longest plaintext name that fits NAME_MAX 255 with 8/16-byte blocks. */
#define ECRYPTFS_FNAME_MAX_PLAIN_255    143
/* Decrypted names must be shorter than this (PATH_MAX). */
#define ECRYPTFS_FNAME_PATH_MAX         4096

/**
 * typedef ecryptfs_md5_fn - compute an MD5 digest for the format code
 * @ctx: the caller's context (a shash descriptor, an EVP context...)
 * @data: bytes to hash
 * @len: how many
 * @out: the 16-byte digest
 *
 * Return: 0, or a negative errno that is passed back to the caller.
 */
typedef int (*ecryptfs_md5_fn)(void *ctx, const u8 *data, size_t len, u8 *out);

/**
 * struct ecryptfs_tag70 - a parsed tag 70 packet
 * @sig: the FNEK signature (raw bytes)
 * @cipher_code: RFC 2440 cipher code
 * @block_size: that cipher's block size
 * @ciphertext: points into the parsed buffer
 * @ciphertext_len: a non-zero multiple of @block_size
 * @packet_len: bytes the whole packet took
 */
struct ecryptfs_tag70 {
	u8 sig[8];
	u8 cipher_code;
	size_t block_size;
	const u8 *ciphertext;
	size_t ciphertext_len;
	size_t packet_len;
};

/**
 * ecryptfs_cipher_block_size() - block size of an RFC 2440 cipher code
 * @code: the code (ECRYPTFS_CIPHER_* of header.h)
 *
 * Return: 8 or 16, or 0 for an unknown code.
 */
size_t ecryptfs_cipher_block_size(u8 code);

/**
 * ecryptfs_fname_encoded_len() - length of the alphabet encoding
 * @len: bytes to encode
 *
 * Return: 4 * ceil(@len / 3).
 */
size_t ecryptfs_fname_encoded_len(size_t len);

/**
 * ecryptfs_fname_max_decoded_len() - room ecryptfs_fname_decode() needs
 * @len: encoded characters
 *
 * Return: ((@len + 1) * 3) / 4, an upper bound of the decoded length.
 */
size_t ecryptfs_fname_max_decoded_len(size_t len);

/**
 * ecryptfs_fname_encode() - encode bytes in the filename alphabet
 * @src: bytes
 * @len: how many
 * @dst: ecryptfs_fname_encoded_len(@len) characters are written; no NUL
 *
 * Every 3 bytes (the last group zero-padded) become four 6-bit values,
 * most significant first, mapped through "-.0-9A-Za-z".
 */
void ecryptfs_fname_encode(const u8 *src, size_t len, char *dst);

/**
 * ecryptfs_fname_decode() - decode characters of the filename alphabet
 * @src: characters (any byte; unknown ones count as 0, as the reference)
 * @len: how many
 * @dst: room for ecryptfs_fname_max_decoded_len(@len) bytes
 *
 * Return: the number of complete bytes written (6 * @len / 8).
 */
size_t ecryptfs_fname_decode(const char *src, size_t len, u8 *dst);

/**
 * ecryptfs_fname_padded_len() - length of the plaintext block R || 0 || name
 * @name_len: plaintext name bytes
 * @block_size: cipher block size (non-zero)
 *
 * Return: @name_len + 17 rounded up to a multiple of @block_size.
 */
size_t ecryptfs_fname_padded_len(size_t name_len, size_t block_size);

/**
 * ecryptfs_fname_build_plaintext() - build R || 0x00 || name
 * @dst: output, ecryptfs_fname_padded_len(@name_len, @block_size) bytes
 * @dst_len: size of @dst
 * @name: the plaintext name (not NUL terminated)
 * @name_len: its length (1 or more)
 * @block_size: filename cipher block size
 * @fnek: the FNEK token's session_key_encryption_key, all of it (64 bytes)
 * @fnek_len: its length
 * @md5: digest callback
 * @md5_ctx: passed to @md5
 *
 * R is deterministic: MD5(@fnek), then MD5 of the previous digest for every
 * further 16 bytes; zero bytes of R become 0x42.
 *
 * Return: the plaintext length, -EINVAL for a bad argument, -ENOSPC when
 * @dst is too small, or the error of @md5.
 */
int ecryptfs_fname_build_plaintext(u8 *dst, size_t dst_len, const u8 *name,
				   size_t name_len, size_t block_size,
				   const u8 *fnek, size_t fnek_len,
				   ecryptfs_md5_fn md5, void *md5_ctx);

/**
 * ecryptfs_tag70_packet_len() - size of a tag 70 packet
 * @padded_len: plaintext (= ciphertext) length
 *
 * Return: 1 + length field + 8 + 1 + @padded_len.
 */
size_t ecryptfs_tag70_packet_len(size_t padded_len);

/**
 * ecryptfs_tag70_write_header() - write 46 | len | sig | cipher code
 * @dst: the packet buffer
 * @dst_len: its size (must hold the whole packet, header and ciphertext)
 * @padded_len: ciphertext length that will follow
 * @sig: 8-byte FNEK signature
 * @cipher_code: RFC 2440 code of the filename cipher (non-zero)
 * @header_len: bytes written; the ciphertext goes at @dst + *@header_len
 *
 * Return: 0, -EINVAL (bad code, length not encodable) or -ENOSPC.
 */
int ecryptfs_tag70_write_header(u8 *dst, size_t dst_len, size_t padded_len,
				const u8 *sig, u8 cipher_code,
				size_t *header_len);

/**
 * ecryptfs_tag70_parse() - parse and validate a tag 70 packet
 * @data: the decoded bytes
 * @len: how many may be read
 * @pkt: result; @pkt->ciphertext points into @data
 *
 * Return: 0, or -EINVAL when the buffer is too short, the type is not 0x46,
 * the length field is malformed, lies (packet beyond @len) or is too small,
 * the cipher code is unknown, or the ciphertext is empty or not a multiple of
 * the cipher block.
 */
int ecryptfs_tag70_parse(const u8 *data, size_t len,
			 struct ecryptfs_tag70 *pkt);

/**
 * ecryptfs_fname_extract() - the name inside a decrypted plaintext block
 * @plain: the decrypted block
 * @len: its length
 * @name: set to the first byte after the first 0x00
 * @name_len: set to the name length
 *
 * Return: 0, or -EINVAL when there is no 0x00 separator or the name would
 * be empty or PATH_MAX bytes or longer.
 */
int ecryptfs_fname_extract(const u8 *plain, size_t len, const u8 **name,
			   size_t *name_len);

/**
 * ecryptfs_fname_is_encrypted() - a lower name carries the FNEK prefix
 * @name: lower name (need not be NUL terminated)
 * @len: its length
 *
 * Return: true when @len > 24 and @name starts with the prefix.
 */
bool ecryptfs_fname_is_encrypted(const char *name, size_t len);

/**
 * ecryptfs_fname_lower_len() - length of the lower name of a plaintext name
 * @name_len: plaintext name bytes
 * @block_size: filename cipher block size
 *
 * Return: 24 + encoded length of the tag 70 packet.
 */
size_t ecryptfs_fname_lower_len(size_t name_len, size_t block_size);

/**
 * ecryptfs_fname_encode_lower() - prefix + encoding of a whole packet
 * @pkt: the tag 70 packet
 * @pkt_len: its length
 * @dst: output buffer
 * @dst_len: its size; a NUL is added when there is room for it
 *
 * Return: the lower name length (without NUL), or -ENOSPC.
 */
int ecryptfs_fname_encode_lower(const u8 *pkt, size_t pkt_len, char *dst,
				size_t dst_len);

/**
 * ecryptfs_fname_decode_lower() - decode a lower name into a tag 70 packet
 * @name: lower name
 * @len: its length
 * @buf: scratch for the decoded bytes
 * @buf_len: its size: ecryptfs_fname_max_decoded_len(@len - 24) suffices
 * @pkt: result; points into @buf
 *
 * Return: 0; -EINVAL when the name has no FNEK prefix or the packet is
 * malformed (see ecryptfs_tag70_parse()); -ENOSPC when @buf is too small.
 */
int ecryptfs_fname_decode_lower(const char *name, size_t len, u8 *buf,
				size_t buf_len, struct ecryptfs_tag70 *pkt);

/**
 * ecryptfs_fname_max_plain() - statfs f_namelen with filename encryption
 * @lower_namelen: the lower file system's f_namelen
 * @block_size: filename cipher block size
 *
 * Return: 143 for NAME_MAX 255 and an 8- or 16-byte block, else the
 * reference's conservative estimate, floored at 0.
 */
long ecryptfs_fname_max_plain(long lower_namelen, size_t block_size);

#ifdef __cplusplus
}
#endif

#endif /* ECRYPTFS_FNAME_H */
