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

#include <keyutils.h>

#include "ecryptfs/fname.h"
#include "ecryptfs/header.h"
#include "libecryptfs/auth_tok.h"
#include "libecryptfs/cipher.h"

namespace ecryptfs {

namespace {

int md5_cb(void *, const std::uint8_t *data, std::size_t len, std::uint8_t *out)
{
	return md5({data, len}, out).ok() ? 0 : -EIO;
}

} // namespace

bool fname_cipher_available(std::string_view cipher)
{
	return cipher_available(cipher);
}

Status ecb_crypt(std::string_view cipher, std::span<const std::uint8_t> key, bool encrypt,
		 std::span<const std::uint8_t> in, std::uint8_t *out)
{
	auto bc = BlockCipher::create(cipher, BlockCipher::Mode::ecb, key);
	if (!bc)
		return bc.error();
	return bc.value().crypt(encrypt, {}, in, out);
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
