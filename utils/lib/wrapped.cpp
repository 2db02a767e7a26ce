// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/wrapped.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "libecryptfs/atomic_file.h"

namespace ecryptfs::wrapped {

namespace {

std::span<const std::uint8_t, kAesKeyBytes> aes_key(const Kek &kek)
{
	return std::span<const std::uint8_t, kAesKeyBytes>(kek.data(), kAesKeyBytes);
}

const std::string kTooShort =
	"the wrapped-passphrase file is empty or truncated (a valid one has at least 42 bytes)";

} // namespace

Result<std::vector<std::uint8_t>> wrap(const Passphrase &passphrase, const Passphrase &wrapping,
				       const Salt &salt)
{
	if (passphrase.empty())
		return Error{-EIO, "the passphrase to wrap is empty"};
	if (passphrase.size() > kMaxPassphraseBytes)
		return Error{-EIO, "the passphrase to wrap is longer than 64 bytes"};
	auto key = derive_key(wrapping.view(), salt);
	if (!key)
		return Error{key.error().code, "wrapping passphrase: " + key.error().reason};

	const std::size_t padded =
		(passphrase.size() + kAesBlockSize - 1) / kAesBlockSize * kAesBlockSize;
	SecureBytes plain(padded, 0);
	std::memcpy(plain.data(), passphrase.bytes().data(), passphrase.size());

	std::vector<std::uint8_t> out(kV2HeaderSize + padded);
	out[0] = kMagic;
	out[1] = kVersion2;
	std::copy(salt.begin(), salt.end(), out.begin() + 2);
	std::copy(key.value().sig.begin(), key.value().sig.end(), out.begin() + 2 + kSaltSize);
	auto enc = aes128_ecb(true, aes_key(key.value().kek), plain, out.data() + kV2HeaderSize);
	if (!enc)
		return enc.error();
	return out;
}

Result<Passphrase> unwrap(std::span<const std::uint8_t> file, const Passphrase &wrapping,
			  const Salt &v1_salt)
{
	if (file.size() < kSigSizeHex)
		return Error{-EINVAL, kTooShort};

	Salt salt = v1_salt;
	std::span<const std::uint8_t> sig, ct;
	if (file[0] == kMagic) {
		if (file[1] != kVersion2)
			return Error{-EOPNOTSUPP,
				     "unsupported wrapped-passphrase file version " +
					     std::to_string(file[1]) + " (only 1 and 2 exist)"};
		if (file.size() < kV2HeaderSize)
			return Error{-EINVAL, kTooShort};
		std::copy_n(file.begin() + 2, kSaltSize, salt.begin());
		sig = file.subspan(2 + kSaltSize, kSigSizeHex);
		ct = file.subspan(kV2HeaderSize);
		if (ct.empty())
			return Error{-EINVAL, kTooShort};
	} else {
		bool hex = std::all_of(file.begin(), file.begin() + kSigSizeHex,
				       [](std::uint8_t c) { return std::isxdigit(c) != 0; });
		if (!hex)
			return Error{-EINVAL, "not a wrapped-passphrase file (no version 2 marker and "
					      "no version 1 signature)"};
		sig = file.subspan(0, kSigSizeHex);
		ct = file.subspan(kSigSizeHex);
		if (ct.empty())
			return Error{-EIO, kTooShort};
	}
	ct = ct.first(std::min(ct.size(), kMaxCiphertext));

	auto key = derive_key(wrapping.view(), salt);
	if (!key)
		return Error{key.error().code, "wrapping passphrase: " + key.error().reason};
	if (!std::equal(sig.begin(), sig.end(), key.value().sig.begin()))
		return Error{-EIO, "wrong wrapping passphrase (its signature does not match the "
				   "file's)"};
	if (ct.size() % kAesBlockSize != 0)
		return Error{-EIO, "the wrapped-passphrase file is truncated or corrupt (its "
				   "ciphertext is not a whole number of 16-byte blocks)"};

	SecureBytes plain(ct.size(), 0);
	auto dec = aes128_ecb(false, aes_key(key.value().kek), ct, plain.data());
	if (!dec)
		return dec.error();
	/* The passphrase is the C string in the plaintext; padding zeros vanish. */
	Passphrase out(std::span<const std::uint8_t>(plain.data(), plain.size()));
	if (out.empty())
		return Error{-EIO, "the wrapped-passphrase file is corrupt (it decrypts to an "
				   "empty passphrase)"};
	return out;
}

Status wrap_to_file(const std::string &path, const Passphrase &passphrase,
		    const Passphrase &wrapping)
{
	Salt salt;
	auto rnd = random_bytes(salt);
	if (!rnd)
		return rnd.error();
	auto bytes = wrap(passphrase, wrapping, salt);
	if (!bytes)
		return bytes.error();
	return replace_file_atomically(path, bytes.value());
}

Result<Passphrase> unwrap_file(const std::string &path, const Passphrase &wrapping,
			       const Salt &v1_salt)
{
	int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		return Error{-err, "cannot open " + path + ": " + std::strerror(err)};
	}
	auto buf = read_up_to(fd, kMaxFileSize);
	::close(fd);
	if (!buf)
		return Error{buf.error().code, "cannot read " + path + ": " + buf.error().reason};
	auto r = unwrap(buf.value(), wrapping, v1_salt);
	if (!r)
		return Error{r.error().code, path + ": " + r.error().reason};
	return r;
}

} // namespace ecryptfs::wrapped
