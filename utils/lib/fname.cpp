// SPDX-License-Identifier: GPL-2.0-only
/*
 * Filename encryption offline (see libecryptfs/fname.h): OpenSSL does MD5
 * and ECB; include/ecryptfs/fname.c does the format.
 */
#include "libecryptfs/fname.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include <keyutils.h>

#include "ecryptfs/fname.h"
#include "ecryptfs/header.h"
#include "libecryptfs/auth_tok.h"

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

/*
 * A library context of our own with the default and the legacy providers:
 * blowfish and cast5 live in OpenSSL 3's legacy provider, and loading it
 * into the global context would change what the rest of the process sees.
 * The providers stay loaded until the process exits.
 */
struct ProviderUnload {
	void operator()(OSSL_PROVIDER *p) const noexcept { OSSL_PROVIDER_unload(p); }
};
using ProviderPtr = std::unique_ptr<OSSL_PROVIDER, ProviderUnload>;

struct Providers {
	/* Declaration order matters: the providers go before their context. */
	std::unique_ptr<OSSL_LIB_CTX, LibCtxFree> ctx{OSSL_LIB_CTX_new()};
	ProviderPtr base;
	ProviderPtr legacy_provider;
	bool legacy = false;

	Providers()
	{
		if (!ctx)
			return;
		base.reset(OSSL_PROVIDER_load(ctx.get(), "default"));
		legacy_provider.reset(OSSL_PROVIDER_load(ctx.get(), "legacy"));
		legacy = legacy_provider != nullptr;
		ERR_clear_error();
	}
};

Providers &providers()
{
	static Providers p;
	return p;
}

/* OpenSSL's name for the ECB mode of a kernel cipher with @key_bytes. */
const char *openssl_ecb_name(std::string_view cipher, std::size_t key_bytes)
{
	if (cipher == "aes") {
		switch (key_bytes) {
		case 16: return "AES-128-ECB";
		case 24: return "AES-192-ECB";
		case 32: return "AES-256-ECB";
		default: return nullptr;
		}
	}
	if (cipher == "blowfish")
		return "BF-ECB";
	if (cipher == "des3_ede")
		return "DES-EDE3-ECB";
	if (cipher == "cast5")
		return "CAST5-ECB";
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

int md5_cb(void *, const std::uint8_t *data, std::size_t len, std::uint8_t *out)
{
	std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
	unsigned int outl = 0;
	if (!ctx || !EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) ||
	    !EVP_DigestUpdate(ctx.get(), data, len) ||
	    !EVP_DigestFinal_ex(ctx.get(), out, &outl) || outl != ECRYPTFS_FNAME_DIGEST_BYTES) {
		ERR_clear_error();
		return -EIO;
	}
	return 0;
}

} // namespace

bool fname_cipher_available(std::string_view cipher)
{
	if (cipher == "aes" || cipher == "des3_ede")
		return true;
	if (cipher == "blowfish" || cipher == "cast5")
		return providers().legacy;
	return false;
}

Status ecb_crypt(std::string_view cipher, std::span<const std::uint8_t> key, bool encrypt,
		 std::span<const std::uint8_t> in, std::uint8_t *out)
{
	const char *name = openssl_ecb_name(cipher, key.size());
	if (!name)
		return Error{-EOPNOTSUPP, "cipher " + std::string(cipher) + " with a " +
						  std::to_string(key.size()) +
						  "-byte key is not available in OpenSSL "
						  "(twofish and cast6 names work only in the kernel)"};
	std::unique_ptr<EVP_CIPHER, CipherFree> alg(
		EVP_CIPHER_fetch(providers().ctx.get(), name, nullptr));
	if (!alg)
		return ossl_error(-EOPNOTSUPP, std::string("OpenSSL cannot load ") + name +
						       " (is the legacy provider installed?)");
	std::size_t block = static_cast<std::size_t>(EVP_CIPHER_get_block_size(alg.get()));
	if (block == 0 || in.size() % block != 0)
		return Error{-EINVAL, "ECB input is not a whole number of cipher blocks"};
	std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
	if (!ctx || !EVP_CipherInit_ex2(ctx.get(), alg.get(), nullptr, nullptr, encrypt ? 1 : 0,
				       nullptr))
		return ossl_error(-EIO, std::string(name) + " init");
	if (static_cast<std::size_t>(EVP_CIPHER_CTX_get_key_length(ctx.get())) != key.size() &&
	    !EVP_CIPHER_CTX_set_key_length(ctx.get(), static_cast<int>(key.size())))
		return ossl_error(-EINVAL, std::string(name) + " does not take a " +
						   std::to_string(key.size()) + "-byte key");
	int outl = 0, finl = 0;
	if (!EVP_CipherInit_ex2(ctx.get(), nullptr, key.data(), nullptr, -1, nullptr) ||
	    !EVP_CIPHER_CTX_set_padding(ctx.get(), 0))
		return ossl_error(-EIO, std::string(name) + " key setup");
	if (!in.empty() &&
	    !EVP_CipherUpdate(ctx.get(), out, &outl, in.data(), static_cast<int>(in.size())))
		return ossl_error(-EIO, name);
	if (!EVP_CipherFinal_ex(ctx.get(), out + outl, &finl))
		return ossl_error(-EIO, std::string(name) + " final");
	return Ok{};
}

Result<FilenameCipher> FilenameCipher::create(std::string_view cipher, std::size_t key_bytes,
					      const Kek &fnek, std::string_view sig_hex)
{
	FilenameCipher fc;
	fc.cipher_ = std::string(cipher);
	fc.code_ = ecryptfs_cipher_code(fc.cipher_.c_str(), key_bytes);
	if (fc.code_ == 0 || key_bytes == 0 || key_bytes > fnek.size())
		return Error{-EINVAL, "unsupported filename cipher " + fc.cipher_ + " with " +
					      std::to_string(key_bytes) + "-byte keys"};
	if (!fname_cipher_available(cipher))
		return Error{-EOPNOTSUPP, "filename cipher " + fc.cipher_ +
						  " has no OpenSSL implementation here"};
	fc.block_size_ = ecryptfs_cipher_block_size(fc.code_);
	fc.key_bytes_ = key_bytes;
	fc.fnek_ = fnek;
	std::string sig(sig_hex);
	if (sig.size() != kSigSizeHex || ecryptfs_sig_from_hex(sig.c_str(), fc.sig_.data()))
		return Error{-EINVAL, "the key signature must be 16 hex digits"};
	fc.sig_hex_ = to_hex(fc.sig_);
	return fc;
}

Result<std::string> FilenameCipher::encrypt(std::string_view name) const
{
	if (name.empty() || name.size() >= ECRYPTFS_FNAME_PATH_MAX)
		return Error{-EINVAL, "a name must be 1 to 4095 bytes long"};
	std::size_t padded = ecryptfs_fname_padded_len(name.size(), block_size_);
	std::vector<std::uint8_t> plain(padded);
	int rc = ecryptfs_fname_build_plaintext(
		plain.data(), plain.size(), reinterpret_cast<const std::uint8_t *>(name.data()),
		name.size(), block_size_, fnek_.data(), fnek_.size(), md5_cb, nullptr);
	if (rc < 0)
		return Error{rc, "cannot build the filename plaintext"};
	std::vector<std::uint8_t> pkt(ecryptfs_tag70_packet_len(padded));
	std::size_t hdr = 0;
	rc = ecryptfs_tag70_write_header(pkt.data(), pkt.size(), padded, sig_.data(), code_, &hdr);
	if (rc)
		return Error{rc, "cannot build the tag 70 packet"};
	auto enc = ecb_crypt(cipher_, fnek_.span().first(key_bytes_), true, plain,
			     pkt.data() + hdr);
	if (!enc)
		return enc.error();
	std::string out(ecryptfs_fname_lower_len(name.size(), block_size_), '\0');
	rc = ecryptfs_fname_encode_lower(pkt.data(), pkt.size(), out.data(), out.size());
	if (rc < 0)
		return Error{rc, "internal error: lower name length"};
	return out;
}

Result<std::string> FilenameCipher::decrypt(std::string_view lower_name) const
{
	if (!ecryptfs_fname_is_encrypted(lower_name.data(), lower_name.size()))
		return Error{-EINVAL, "not an encrypted name (no ECRYPTFS_FNEK_ENCRYPTED. prefix)"};
	std::vector<std::uint8_t> buf(
		ecryptfs_fname_max_decoded_len(lower_name.size() - ECRYPTFS_FNEK_PREFIX_LEN));
	ecryptfs_tag70 pkt{};
	int rc = ecryptfs_fname_decode_lower(lower_name.data(), lower_name.size(), buf.data(),
					     buf.size(), &pkt);
	if (rc)
		return Error{rc, "malformed encrypted name"};
	if (!std::equal(sig_.begin(), sig_.end(), pkt.sig))
		return Error{-ENOKEY, "the name was encrypted with the key " +
					      to_hex({pkt.sig, kSigSize}) + ", not " + sig_hex_};
	/* As the kernel: the cipher comes from the packet, the key size from
	 * the mount (here: this object). */
	const char *cipher = ecryptfs_cipher_name(pkt.cipher_code);
	if (!cipher)
		return Error{-EINVAL, "unknown cipher code in the encrypted name"};
	std::vector<std::uint8_t> plain(pkt.ciphertext_len);
	auto dec = ecb_crypt(cipher, fnek_.span().first(key_bytes_), false,
			     {pkt.ciphertext, pkt.ciphertext_len}, plain.data());
	if (!dec)
		return dec.error();
	const std::uint8_t *name = nullptr;
	std::size_t name_len = 0;
	rc = ecryptfs_fname_extract(plain.data(), plain.size(), &name, &name_len);
	if (rc)
		return Error{rc, "the decrypted name has no separator (wrong key?)"};
	return std::string(reinterpret_cast<const char *>(name), name_len);
}

Result<Kek> kek_from_user_keyring(std::string_view sig)
{
	const std::string desc(sig);
	long id = keyctl_search(KEY_SPEC_USER_KEYRING, "user", desc.c_str(), 0);
	if (id < 0) {
		int err = errno;
		return Error{-err, "no key " + desc + " in the user keyring (" + std::strerror(err) +
					   "): add it with ecryptfs-add-passphrase --fnek"};
	}
	SecureBytes tok(auth_tok::kSize + 1);
	long n = keyctl_read(static_cast<key_serial_t>(id), reinterpret_cast<char *>(tok.data()),
			     tok.size());
	if (n < 0) {
		int err = errno;
		return Error{-err, "cannot read key " + desc + ": " + std::strerror(err)};
	}
	auto u16 = [&](std::size_t off) {
		std::uint16_t v;
		std::memcpy(&v, tok.data() + off, sizeof(v));
		return v;
	};
	std::uint32_t kek_bytes;
	std::memcpy(&kek_bytes, tok.data() + auth_tok::kOffKekBytes, sizeof(kek_bytes));
	if (static_cast<std::size_t>(n) != auth_tok::kSize || u16(auth_tok::kOffVersion) != auth_tok::kVersion ||
	    u16(auth_tok::kOffTokenType) != auth_tok::kTypePassword || kek_bytes != Kek::size())
		return Error{-EINVAL, "key " + desc + " is not an eCryptfs passphrase token"};
	Kek kek;
	std::memcpy(kek.data(), tok.data() + auth_tok::kOffKek, Kek::size());
	return kek;
}

long FilenameCipher::max_name_len(long lower) const noexcept
{
	return ecryptfs_fname_max_plain(lower, block_size_);
}

} // namespace ecryptfs
