// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/auth_tok.h"

#include <algorithm>
#include <cstring>

namespace ecryptfs::auth_tok {

namespace {

template <class T>
void put(SecureBytes &tok, std::size_t off, T v)
{
	/* Host byte order, like the C struct. */
	std::memcpy(tok.data() + off, &v, sizeof(v));
}

} // namespace

SecureBytes build_passphrase(const Kek &kek, std::string_view sig, const Salt &salt)
{
	SecureBytes tok(kSize, 0);
	put<std::uint16_t>(tok, kOffVersion, kVersion);
	put<std::uint16_t>(tok, kOffTokenType, kTypePassword);
	put<std::int32_t>(tok, kOffHashAlgo, kHashAlgoSha512);
	put<std::uint32_t>(tok, kOffKekBytes, static_cast<std::uint32_t>(kMaxKeyBytes));
	put<std::uint32_t>(tok, kOffPasswordFlags, kFlagSessionKeyEncryptionKeySet);
	std::memcpy(tok.data() + kOffKek, kek.data(), kek.size());
	std::memcpy(tok.data() + kOffSignature, sig.data(), std::min(sig.size(), kSigSizeHex));
	std::memcpy(tok.data() + kOffSalt, salt.data(), salt.size());
	return tok;
}

} // namespace ecryptfs::auth_tok
