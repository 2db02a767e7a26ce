// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel block ciphers through OpenSSL (see libecryptfs/cipher.h).
 */
#include "libecryptfs/cipher.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

namespace ecryptfs {

namespace {

struct LibCtxFree {
	void operator()(OSSL_LIB_CTX *c) const noexcept { OSSL_LIB_CTX_free(c); }
};
struct CipherFree {
	void operator()(EVP_CIPHER *c) const noexcept { EVP_CIPHER_free(c); }
};
struct CipherCtxFree {
	void operator()(EVP_CIPHER_CTX *c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
struct MdCtxFree {
	void operator()(EVP_MD_CTX *c) const noexcept { EVP_MD_CTX_free(c); }
};
struct ProviderUnload {
	void operator()(OSSL_PROVIDER *p) const noexcept { OSSL_PROVIDER_unload(p); }
};
using ProviderPtr = std::unique_ptr<OSSL_PROVIDER, ProviderUnload>;
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

struct MdFree {
	void operator()(EVP_MD *m) const noexcept { EVP_MD_free(m); }
};

/*
 * A library context of our own with the default and the legacy providers:
 * blowfish and cast5 live in OpenSSL 3's legacy provider, and loading it
 * into the global context would change what the rest of the process sees.
 * The providers stay loaded until the process exits, and so do the
 * algorithms fetched from them: an OpenSSL 3 fetch searches the provider
 * tables, and opening a file (two ciphers) and every extent (the MD5 of its
 * IV) would otherwise pay for one.
 */
struct Providers {
	/* Declaration order matters: what was fetched goes before the
	 * providers, the providers before their context. */
	std::unique_ptr<OSSL_LIB_CTX, LibCtxFree> ctx{OSSL_LIB_CTX_new()};
	ProviderPtr base;
	ProviderPtr legacy_provider;
	bool legacy = false;
	std::mutex mu;
	std::map<std::string, std::unique_ptr<EVP_CIPHER, CipherFree>> ciphers;
	std::unique_ptr<EVP_MD, MdFree> md5;

	Providers()
	{
		if (!ctx)
			return;
		base.reset(OSSL_PROVIDER_load(ctx.get(), "default"));
		legacy_provider.reset(OSSL_PROVIDER_load(ctx.get(), "legacy"));
		legacy = legacy_provider != nullptr;
		md5.reset(EVP_MD_fetch(ctx.get(), "MD5", nullptr));
		ERR_clear_error();
	}

	const EVP_CIPHER *cipher(const char *name)
	{
		std::lock_guard<std::mutex> lk(mu);
		auto it = ciphers.find(name);
		if (it != ciphers.end())
			return it->second.get();
		std::unique_ptr<EVP_CIPHER, CipherFree> alg(EVP_CIPHER_fetch(ctx.get(), name, nullptr));
		if (!alg)
			return nullptr;
		return (ciphers[name] = std::move(alg)).get();
	}
};

Providers &providers()
{
	static Providers p;
	return p;
}

/* OpenSSL's name for a kernel cipher in @mode with @key_bytes. */
const char *openssl_name(std::string_view cipher, BlockCipher::Mode mode, std::size_t key_bytes)
{
	bool cbc = mode == BlockCipher::Mode::cbc;
	if (cipher == "aes") {
		switch (key_bytes) {
		case 16: return cbc ? "AES-128-CBC" : "AES-128-ECB";
		case 24: return cbc ? "AES-192-CBC" : "AES-192-ECB";
		case 32: return cbc ? "AES-256-CBC" : "AES-256-ECB";
		default: return nullptr;
		}
	}
	if (cipher == "blowfish")
		return cbc ? "BF-CBC" : "BF-ECB";
	if (cipher == "des3_ede")
		return cbc ? "DES-EDE3-CBC" : "DES-EDE3-ECB";
	if (cipher == "cast5")
		return cbc ? "CAST5-CBC" : "CAST5-ECB";
	return nullptr;
}

Error ossl_error(int code, std::string what)
{
	unsigned long e = ERR_get_error();
	if (e) {
		char buf[256];
		ERR_error_string_n(e, buf, sizeof(buf));
		what += ": ";
		what += buf;
	}
	ERR_clear_error();
	return {code, std::move(what)};
}

} // namespace

struct BlockCipher::State {
	std::string name;
	CtxPtr enc;
	CtxPtr dec;
};

bool cipher_available(std::string_view cipher)
{
	if (cipher == "aes" || cipher == "des3_ede")
		return true;
	if (cipher == "blowfish" || cipher == "cast5")
		return providers().legacy;
	return false;
}

BlockCipher::BlockCipher(std::unique_ptr<State> s, std::size_t block) : s_(std::move(s)), block_(block) {}
BlockCipher::BlockCipher(BlockCipher &&) noexcept = default;
BlockCipher &BlockCipher::operator=(BlockCipher &&) noexcept = default;
BlockCipher::~BlockCipher() = default;

Result<BlockCipher> BlockCipher::create(std::string_view cipher, Mode mode,
					std::span<const std::uint8_t> key)
{
	const char *name = openssl_name(cipher, mode, key.size());
	if (!name)
		return Error{-EOPNOTSUPP, "cipher " + std::string(cipher) + " with a " +
						  std::to_string(key.size()) +
						  "-byte key is not available in OpenSSL "
						  "(twofish and cast6 work only in the kernel)"};
	const EVP_CIPHER *alg = providers().cipher(name);
	if (!alg)
		return ossl_error(-EOPNOTSUPP, std::string("OpenSSL cannot load ") + name +
						       " (is the legacy provider installed?)");
	auto st = std::make_unique<State>();
	st->name = name;
	for (int encrypt = 0; encrypt < 2; encrypt++) {
		CtxPtr ctx(EVP_CIPHER_CTX_new());
		if (!ctx || !EVP_CipherInit_ex2(ctx.get(), alg, nullptr, nullptr, encrypt,
					       nullptr))
			return ossl_error(-EIO, std::string(name) + " init");
		if (static_cast<std::size_t>(EVP_CIPHER_CTX_get_key_length(ctx.get())) != key.size() &&
		    !EVP_CIPHER_CTX_set_key_length(ctx.get(), static_cast<int>(key.size())))
			return ossl_error(-EINVAL, std::string(name) + " does not take a " +
							   std::to_string(key.size()) + "-byte key");
		if (!EVP_CipherInit_ex2(ctx.get(), nullptr, key.data(), nullptr, encrypt, nullptr) ||
		    !EVP_CIPHER_CTX_set_padding(ctx.get(), 0))
			return ossl_error(-EIO, std::string(name) + " key setup");
		(encrypt ? st->enc : st->dec) = std::move(ctx);
	}
	auto block = static_cast<std::size_t>(EVP_CIPHER_get_block_size(alg));
	return BlockCipher(std::move(st), block);
}

Status BlockCipher::crypt(bool encrypt, std::span<const std::uint8_t> iv,
			  std::span<const std::uint8_t> in, std::uint8_t *out)
{
	if (block_ == 0 || in.size() % block_ != 0)
		return Error{-EINVAL, "cipher input is not a whole number of cipher blocks"};
	EVP_CIPHER_CTX *ctx = encrypt ? s_->enc.get() : s_->dec.get();
	const std::uint8_t *ivp = nullptr;
	if (EVP_CIPHER_CTX_get_iv_length(ctx) > 0) {
		if (iv.size() < static_cast<std::size_t>(EVP_CIPHER_CTX_get_iv_length(ctx)))
			return Error{-EINVAL, "IV too short for " + s_->name};
		ivp = iv.data();
	}
	int outl = 0, finl = 0;
	/* Re-initialising with the IV alone restarts the chain and keeps the key. */
	if (!EVP_CipherInit_ex2(ctx, nullptr, nullptr, ivp, encrypt ? 1 : 0, nullptr))
		return ossl_error(-EIO, s_->name + " IV setup");
	if (!in.empty() &&
	    !EVP_CipherUpdate(ctx, out, &outl, in.data(), static_cast<int>(in.size())))
		return ossl_error(-EIO, s_->name);
	if (!EVP_CipherFinal_ex(ctx, out + outl, &finl))
		return ossl_error(-EIO, s_->name + " final");
	return Ok{};
}

Status md5(std::span<const std::uint8_t> data, std::uint8_t out[16])
{
	std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
	unsigned int outl = 0;
	const EVP_MD *alg = providers().md5.get();
	if (!ctx || !alg || !EVP_DigestInit_ex2(ctx.get(), alg, nullptr) ||
	    !EVP_DigestUpdate(ctx.get(), data.data(), data.size()) ||
	    !EVP_DigestFinal_ex(ctx.get(), out, &outl) || outl != 16)
		return ossl_error(-EIO, "MD5");
	return Ok{};
}

} // namespace ecryptfs
