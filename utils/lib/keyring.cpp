// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/keyring.h"

#include <cerrno>
#include <cstring>

#include <keyutils.h>

#include "libecryptfs/auth_tok.h"

namespace ecryptfs {

namespace {

Error keyring_error(int err, const std::string &what)
{
	std::string reason = what + ": " + std::strerror(err);
	if (err == EDQUOT)
		reason += " (the keyring is full: remove unused keys with keyctl unlink)";
	return Error{-err, reason};
}

} // namespace

Result<KeyAdded> add_auth_tok_to_user_keyring(std::string_view sig,
					      std::span<const std::uint8_t> token)
{
	const std::string desc(sig);
	long found = keyctl_search(KEY_SPEC_USER_KEYRING, "user", desc.c_str(), 0);
	if (found >= 0)
		return KeyAdded::already_present;
	if (errno != ENOKEY)
		return keyring_error(errno, "searching the user keyring for key " + desc);
	key_serial_t id = add_key("user", desc.c_str(), token.data(), token.size(),
				  KEY_SPEC_USER_KEYRING);
	if (id == -1)
		return keyring_error(errno, "adding key " + desc + " to the user keyring");
	return KeyAdded::added;
}

Result<AddedKey> add_passphrase_key_to_keyring(const Passphrase &passphrase, const Salt &salt)
{
	auto key = derive_key(passphrase.view(), salt);
	if (!key)
		return key.error();
	const SecureBytes tok = auth_tok::build_passphrase(key.value().kek, key.value().sig, salt);
	auto added = add_auth_tok_to_user_keyring(key.value().sig, tok);
	if (!added)
		return added.error();
	return AddedKey{key.value().sig, added.value()};
}

Status remove_auth_tok_from_user_keyring(std::string_view sig)
{
	const std::string desc(sig);
	long id = keyctl_search(KEY_SPEC_USER_KEYRING, "user", desc.c_str(), 0);
	if (id < 0)
		return keyring_error(errno, "looking up key " + desc);
	if (keyctl_unlink(static_cast<key_serial_t>(id), KEY_SPEC_USER_KEYRING) < 0)
		return keyring_error(errno, "unlinking key " + desc);
	return Ok{};
}

} // namespace ecryptfs
