// SPDX-License-Identifier: GPL-2.0-only
/*
 * Passphrase key derivation and signatures as ecryptfs-utils 111 computes
 * them, and the AES-128-ECB block operations used by wrapped-passphrase files.
 */
#ifndef LIBECRYPTFS_CRYPTO_H
#define LIBECRYPTFS_CRYPTO_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "libecryptfs/result.h"
#include "libecryptfs/secure.h"

namespace ecryptfs {

inline constexpr std::size_t kMaxPassphraseBytes = 64; /* ECRYPTFS_MAX_PASSWORD_LENGTH */
inline constexpr std::size_t kSaltSize = 8;
inline constexpr std::size_t kSigSize = 8;
inline constexpr std::size_t kSigSizeHex = 16;
inline constexpr std::size_t kMaxKeyBytes = 64; /* the KEK (SHA-512 output) */
inline constexpr std::size_t kHashIterations = 65536;
inline constexpr std::size_t kAesKeyBytes = 16;
inline constexpr std::size_t kAesBlockSize = 16;

using Salt = std::array<std::uint8_t, kSaltSize>;

/* "0011223344556677" hex-decoded: the salt of file-encryption keys. */
inline constexpr Salt kDefaultSalt{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};

/*
 * The filename-encryption-key salt.  ecryptfs-utils passes the *string*
 * "9988776655443322" where 8 raw bytes are expected, so the bytes really
 * used are the ASCII characters "99887766".  Reproduced on purpose.
 */
inline constexpr Salt kFnekSalt{'9', '9', '8', '8', '7', '7', '6', '6'};

using Kek = SecretArray<kMaxKeyBytes>;

struct DerivedKey {
	Kek kek;         /* session_key_encryption_key: SHA-512^65536(salt || passphrase) */
	std::string sig; /* 16 lowercase hex chars: first 8 bytes of SHA-512(kek) */
};

/*
 * Derive the key and signature of @passphrase with @salt.  Fails with
 * -EINVAL for an empty passphrase or one longer than 64 bytes.
 */
Result<DerivedKey> derive_key(std::string_view passphrase, const Salt &salt);

/* Lowercase hex of @bytes. */
std::string to_hex(std::span<const std::uint8_t> bytes);

/*
 * Decode 16 hex chars into a salt the way ecryptfs-utils does (each pair
 * through strtol base 16, so an invalid pair decodes to its valid prefix).
 */
Salt salt_from_hex(std::string_view hex16);

/*
 * AES-128-ECB without padding.  @in must be a multiple of 16 bytes; @out
 * receives the same number of bytes.
 */
Status aes128_ecb(bool encrypt, std::span<const std::uint8_t, kAesKeyBytes> key,
		  std::span<const std::uint8_t> in, std::uint8_t *out);

/* Cryptographically random bytes. */
Status random_bytes(std::span<std::uint8_t> out);

} // namespace ecryptfs

#endif
