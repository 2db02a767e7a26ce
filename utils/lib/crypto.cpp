// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/crypto.h"

#include <cerrno>
#include <cstdlib>
#include <memory>

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace ecryptfs {

namespace {

struct MdCtxFree {
	void operator()(EVP_MD_CTX *c) const noexcept { EVP_MD_CTX_free(c); }
};
struct CipherCtxFree {
	void operator()(EVP_CIPHER_CTX *c) const noexcept { EVP_CIPHER_CTX_free(c); }
};

Error crypto_error(const char *what)
{
	return Error{-EIO, std::string("OpenSSL failed: ") + what};
}

} // namespace

std::string to_hex(std::span<const std::uint8_t> bytes)
{
	static constexpr char digits[] = "0123456789abcdef";
	std::string s;
	s.reserve(bytes.size() * 2);
	for (auto b : bytes) {
		s.push_back(digits[b >> 4]);
		s.push_back(digits[b & 0xf]);
	}
	return s;
}

Salt salt_from_hex(std::string_view hex)
{
	Salt salt{};
	for (std::size_t i = 0; i < kSaltSize && 2 * i + 1 < hex.size(); i++) {
		char pair[3] = {hex[2 * i], hex[2 * i + 1], '\0'};
		salt[i] = static_cast<std::uint8_t>(std::strtol(pair, nullptr, 16));
	}
	return salt;
}

Result<DerivedKey> derive_key(std::string_view passphrase, const Salt &salt)
{
	/* The reference takes the passphrase as a C string. */
	passphrase = passphrase.substr(0, passphrase.find('\0'));
	if (passphrase.empty())
		return Error{-EINVAL, "the passphrase is empty"};
	if (passphrase.size() > kMaxPassphraseBytes)
		return Error{-EINVAL, "the passphrase is longer than the limit of " +
					      std::to_string(kMaxPassphraseBytes) + " bytes"};

	std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
	const EVP_MD *md = EVP_sha512();
	if (!ctx || !md)
		return crypto_error("SHA-512 context");

	DerivedKey out;
	unsigned int len = 0;
	/* Round 1 over salt || passphrase, then 65535 rounds over the hash. */
	if (!EVP_DigestInit_ex(ctx.get(), md, nullptr) ||
	    !EVP_DigestUpdate(ctx.get(), salt.data(), salt.size()) ||
	    !EVP_DigestUpdate(ctx.get(), passphrase.data(), passphrase.size()) ||
	    !EVP_DigestFinal_ex(ctx.get(), out.kek.data(), &len))
		return crypto_error("SHA-512");
	for (std::size_t i = 1; i < kHashIterations; i++) {
		if (!EVP_DigestInit_ex(ctx.get(), md, nullptr) ||
		    !EVP_DigestUpdate(ctx.get(), out.kek.data(), out.kek.size()) ||
		    !EVP_DigestFinal_ex(ctx.get(), out.kek.data(), &len))
			return crypto_error("SHA-512");
	}
	SecretArray<kMaxKeyBytes> sig_hash;
	if (!EVP_DigestInit_ex(ctx.get(), md, nullptr) ||
	    !EVP_DigestUpdate(ctx.get(), out.kek.data(), out.kek.size()) ||
	    !EVP_DigestFinal_ex(ctx.get(), sig_hash.data(), &len))
		return crypto_error("SHA-512");
	out.sig = to_hex({sig_hash.data(), kSigSize});
	return out;
}

Status aes128_ecb(bool encrypt, std::span<const std::uint8_t, kAesKeyBytes> key,
		  std::span<const std::uint8_t> in, std::uint8_t *out)
{
	if (in.size() % kAesBlockSize != 0)
		return Error{-EINVAL, "AES-ECB input is not a whole number of blocks"};
	std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
	if (!ctx)
		return crypto_error("cipher context");
	int outl = 0, finl = 0;
	if (!EVP_CipherInit_ex(ctx.get(), EVP_aes_128_ecb(), nullptr, key.data(), nullptr,
			       encrypt ? 1 : 0) ||
	    !EVP_CIPHER_CTX_set_padding(ctx.get(), 0))
		return crypto_error("AES-128-ECB init");
	if (!in.empty() &&
	    !EVP_CipherUpdate(ctx.get(), out, &outl, in.data(), static_cast<int>(in.size())))
		return crypto_error("AES-128-ECB");
	if (!EVP_CipherFinal_ex(ctx.get(), out + outl, &finl))
		return crypto_error("AES-128-ECB final");
	return Ok{};
}

Status random_bytes(std::span<std::uint8_t> out)
{
	if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1)
		return crypto_error("random number generator");
	return Ok{};
}

} // namespace ecryptfs
