// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's block ciphers in ECB and CBC mode through OpenSSL, under
 * their kernel names ("aes", "blowfish", "des3_ede", "cast5"): the ECB of
 * FEK wrapping and file names, the CBC of file extents.  Blowfish and CAST5
 * come from OpenSSL 3's legacy provider, loaded into a library context of
 * our own.  Twofish and CAST6 have no OpenSSL implementation.
 */
#ifndef LIBECRYPTFS_CIPHER_H
#define LIBECRYPTFS_CIPHER_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "libecryptfs/result.h"

namespace ecryptfs {

/* True if OpenSSL can do the kernel cipher @cipher (any mode we use). */
bool cipher_available(std::string_view cipher);

/*
 * One cipher and key, set up once and used for many buffers (an open
 * file's extents).  The key schedule lives in OpenSSL's context, which
 * OpenSSL wipes when it is freed.
 */
class BlockCipher {
public:
	enum class Mode { ecb, cbc };

	/*
	 * @cipher: kernel name; @key: its length picks AES-128/192/256 and
	 * the key size of blowfish and cast5.  -EOPNOTSUPP for a cipher or key
	 * size OpenSSL lacks, -EINVAL for a key size the cipher refuses.
	 */
	static Result<BlockCipher> create(std::string_view cipher, Mode mode,
					  std::span<const std::uint8_t> key);

	BlockCipher(BlockCipher &&) noexcept;
	BlockCipher &operator=(BlockCipher &&) noexcept;
	~BlockCipher();

	std::size_t block_size() const noexcept { return block_; }

	/*
	 * Encrypt or decrypt @in (a whole number of blocks) into @out (as many
	 * bytes; may equal @in.data()).  @iv: CBC only, at least block_size()
	 * bytes of which the first block_size() are used (the kernel's 16-byte
	 * IV for 8-byte-block ciphers).
	 */
	Status crypt(bool encrypt, std::span<const std::uint8_t> iv,
		     std::span<const std::uint8_t> in, std::uint8_t *out);

private:
	struct State;
	explicit BlockCipher(std::unique_ptr<State> s, std::size_t block);
	std::unique_ptr<State> s_;
	std::size_t block_ = 0;
};

/* MD5 of @data (IVs and the filename padding are MD5-derived). */
Status md5(std::span<const std::uint8_t> data, std::uint8_t out[16]);

} // namespace ecryptfs

#endif
