// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 740-byte struct ecryptfs_auth_tok (version 0x0004) that userland puts
 * in the keyring and the kernel reads.  Packed outer struct, host byte
 * order.  The offsets are those of /usr/include/ecryptfs.h (and the kernel's
 * copy); include/ecryptfs/format.h does not define them yet.
 */
#ifndef LIBECRYPTFS_AUTH_TOK_H
#define LIBECRYPTFS_AUTH_TOK_H

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "libecryptfs/crypto.h"
#include "libecryptfs/secure.h"

namespace ecryptfs::auth_tok {

inline constexpr std::size_t kSize = 740;
inline constexpr std::uint16_t kVersion = 0x0004; /* major 0, minor 4 */
inline constexpr std::uint16_t kTypePassword = 0;
inline constexpr std::uint16_t kTypePrivateKey = 1;
inline constexpr std::int32_t kHashAlgoSha512 = 10; /* PGP hash id of SHA-512 */
inline constexpr std::uint32_t kFlagSessionKeyEncryptionKeySet = 0x2;

/* Byte offsets inside the token. */
inline constexpr std::size_t kOffVersion = 0;
inline constexpr std::size_t kOffTokenType = 2;
inline constexpr std::size_t kOffFlags = 4;
inline constexpr std::size_t kOffSessionKey = 8;   /* 588 bytes, all zero for passphrases */
inline constexpr std::size_t kOffReserved = 596;   /* 32 bytes */
inline constexpr std::size_t kOffPasswordBytes = 628;
inline constexpr std::size_t kOffHashAlgo = 632;
inline constexpr std::size_t kOffHashIterations = 636;
inline constexpr std::size_t kOffKekBytes = 640;
inline constexpr std::size_t kOffPasswordFlags = 644;
inline constexpr std::size_t kOffKek = 648;        /* 64 bytes */
inline constexpr std::size_t kOffSignature = 712;  /* 16 hex chars + NUL */
inline constexpr std::size_t kOffSalt = 729;       /* 8 raw bytes */

/*
 * Build a passphrase token exactly as ecryptfs-utils does: everything zero
 * except version, hash_algo 10, KEK size 64, flags 0x2, the KEK, the
 * signature and the salt actually used (hash_iterations stays 0).
 */
SecureBytes build_passphrase(const Kek &kek, std::string_view sig, const Salt &salt);

} // namespace ecryptfs::auth_tok

#endif
