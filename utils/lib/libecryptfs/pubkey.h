// SPDX-License-Identifier: GPL-2.0-only
/*
 * RSA public-key helpers shared by the key modules (openssl, pkcs11, tpm):
 * the key signature of the reference's public-key modules, software
 * encryption with the public key, and DER conversions.
 *
 * The signature (spec userland §6.3): the first 8 bytes, in lower-case hex,
 * of SHA-1 over the OpenPGP version 4 RSA public-key packet with a zero
 * creation time: 0x99, u16be length, 0x04, 0,0,0,0, 0x02 (RSA), MPI(n),
 * MPI(e); an MPI is a u16be bit count followed by the big-endian bytes
 * without leading zeros.
 */
#ifndef LIBECRYPTFS_PUBKEY_H
#define LIBECRYPTFS_PUBKEY_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <openssl/evp.h>

#include "libecryptfs/result.h"

namespace ecryptfs {

struct PkeyFree {
	void operator()(EVP_PKEY *p) const noexcept { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

/* RSA encryption padding (OAEP: MGF1 uses the same digest as the label hash). */
enum class RsaPadding { oaep_sha1, oaep_sha256, pkcs1_v15 };

/* The 16-hex-digit signature from the raw modulus and exponent (big-endian). */
std::string rsa_sig_from_n_e(std::span<const std::uint8_t> n, std::span<const std::uint8_t> e);
/* The same for an RSA EVP_PKEY (public or private). */
Result<std::string> rsa_pubkey_sig(const EVP_PKEY *pkey);

/* An RSA public key from its modulus and exponent (big-endian bytes). */
Result<Pkey> rsa_public_from_n_e(std::span<const std::uint8_t> n, std::span<const std::uint8_t> e);
/* SubjectPublicKeyInfo DER <-> key (RSA only). */
Result<Pkey> rsa_public_from_der(std::span<const std::uint8_t> der);
Result<std::vector<std::uint8_t>> rsa_public_to_der(const EVP_PKEY *pkey);

/* Encrypts @in with the public part of @pkey (OAEP with an empty label). */
Result<std::vector<std::uint8_t>> rsa_encrypt(const EVP_PKEY *pkey, std::span<const std::uint8_t> in,
					      RsaPadding pad = RsaPadding::oaep_sha1);

/*
 * Largest file key (bytes) a key wraps: the OAEP room minus the cipher code
 * and the two checksum bytes the kernel adds (at most 64, the kernel's limit).
 */
std::size_t rsa_max_key_bytes(const EVP_PKEY *pkey, RsaPadding pad = RsaPadding::oaep_sha1);

/*
 * A short OpenSSL error description (the first queued error, or @fallback);
 * clears the OpenSSL error queue.
 */
std::string openssl_error_text(const char *fallback);

} // namespace ecryptfs

#endif
