// SPDX-License-Identifier: GPL-2.0-only
/*
 * Filename encryption offline: the lower name eCryptfs gives a plaintext
 * name, and the plaintext name behind a lower name, computed from the
 * filename encryption key (FNEK) the way the kernel does it.  The format is
 * include/ecryptfs/fname.c (shared with the kernel module); this adds the
 * crypto (MD5 and ECB through OpenSSL).
 */
#ifndef LIBECRYPTFS_FNAME_H
#define LIBECRYPTFS_FNAME_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "libecryptfs/crypto.h"
#include "libecryptfs/result.h"
#include "libecryptfs/secure.h"

namespace ecryptfs {

/* True if OpenSSL can do ECB with this kernel cipher name (twofish and
 * cast6 have no OpenSSL implementation: kernel only). */
bool fname_cipher_available(std::string_view cipher);

/*
 * ECB encryption/decryption with the kernel cipher @cipher ("aes",
 * "blowfish", "des3_ede", "cast5") and @key (its length picks AES-128/192/
 * 256).  @in must be a multiple of the block size; @out gets as many bytes.
 */
Status ecb_crypt(std::string_view cipher, std::span<const std::uint8_t> key, bool encrypt,
		 std::span<const std::uint8_t> in, std::uint8_t *out);

/*
 * The derived key (session_key_encryption_key) of the passphrase auth token
 * @sig in the user keyring, as ecryptfs-add-passphrase --fnek or
 * ecryptfs-mount-private left it: -ENOKEY when there is none, -EINVAL when
 * the key is not a passphrase token.
 */
Result<Kek> kek_from_user_keyring(std::string_view sig);

class FilenameCipher {
public:
	/*
	 * @cipher and @key_bytes as the mount's ecryptfs_fn_cipher and
	 * ecryptfs_fn_key_bytes; @fnek the FNEK token's derived key (all 64
	 * bytes) and @sig_hex its signature.  Fails with -EINVAL for an unknown
	 * cipher/key size or a bad signature and -EOPNOTSUPP for a cipher
	 * OpenSSL lacks.
	 */
	static Result<FilenameCipher> create(std::string_view cipher, std::size_t key_bytes,
					     const Kek &fnek, std::string_view sig_hex);

	/* The lower name ("ECRYPTFS_FNEK_ENCRYPTED.…") of @name (1..4095
	 * bytes; no check against NAME_MAX: see max_name_len()). */
	Result<std::string> encrypt(std::string_view name) const;

	/*
	 * The plaintext name of a lower name.  -EINVAL when it is not an
	 * encrypted name or is malformed (the kernel hides those entries),
	 * -ENOKEY when it was encrypted with another FNEK.
	 */
	Result<std::string> decrypt(std::string_view lower_name) const;

	std::size_t block_size() const noexcept { return block_size_; }
	std::uint8_t cipher_code() const noexcept { return code_; }
	const std::string &sig() const noexcept { return sig_hex_; }

	/* The statfs f_namelen of a mount whose lower f_namelen is @lower. */
	long max_name_len(long lower = 255) const noexcept;

private:
	FilenameCipher() = default;

	std::string cipher_;
	std::size_t key_bytes_ = 0;
	std::size_t block_size_ = 0;
	std::uint8_t code_ = 0;
	Kek fnek_;
	std::array<std::uint8_t, kSigSize> sig_{};
	std::string sig_hex_;
};

} // namespace ecryptfs

#endif
