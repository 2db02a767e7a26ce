// SPDX-License-Identifier: GPL-2.0-only
/*
 * Wrapped-passphrase files (~/.ecryptfs/wrapped-passphrase).
 *
 * Version 2 (written): ':' 0x02 salt[8] sig[16 hex] AES-128-ECB(passphrase
 * zero-padded to 16) under the first 16 bytes of the KEK derived from the
 * wrapping passphrase and the salt.  Version 1 (read only): sig[16 hex]
 * ciphertext, salt supplied by the caller (~/.ecryptfsrc or the default).
 */
#ifndef LIBECRYPTFS_WRAPPED_H
#define LIBECRYPTFS_WRAPPED_H

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "libecryptfs/crypto.h"
#include "libecryptfs/result.h"
#include "libecryptfs/secure.h"

namespace ecryptfs::wrapped {

inline constexpr std::uint8_t kMagic = ':';
inline constexpr std::uint8_t kVersion2 = 2;
inline constexpr std::size_t kV2HeaderSize = 2 + kSaltSize + kSigSizeHex; /* 26 */
inline constexpr std::size_t kMaxCiphertext = kMaxPassphraseBytes;      /* 64 */
inline constexpr std::size_t kMaxFileSize = kV2HeaderSize + kMaxCiphertext;
inline constexpr const char *kDefaultFileName = "wrapped-passphrase";

/*
 * Build the bytes of a version 2 file wrapping @passphrase under @wrapping
 * with @salt.  Errors: passphrase empty or over 64 bytes -> -EIO (as the
 * reference); wrapping passphrase empty or over 64 bytes -> -EINVAL.
 */
Result<std::vector<std::uint8_t>> wrap(const Passphrase &passphrase, const Passphrase &wrapping,
				       const Salt &salt);

/*
 * Recover the passphrase from the bytes of a v1 or v2 file.  @v1_salt is
 * only used for v1 files.  Error codes follow the reference: too short or
 * unrecognised -> -EINVAL, version byte other than 2 -> -EOPNOTSUPP, wrong
 * wrapping passphrase -> -EIO, truncated ciphertext -> -EIO.
 */
Result<Passphrase> unwrap(std::span<const std::uint8_t> file, const Passphrase &wrapping,
			  const Salt &v1_salt);

/* wrap() with a fresh random salt, written atomically as a 0600 file. */
Status wrap_to_file(const std::string &path, const Passphrase &passphrase,
		    const Passphrase &wrapping);

/* Read @path (only its first 90 bytes matter) and unwrap() it. */
Result<Passphrase> unwrap_file(const std::string &path, const Passphrase &wrapping,
			       const Salt &v1_salt);

} // namespace ecryptfs::wrapped

#endif
