// SPDX-License-Identifier: GPL-2.0-only
/*
 * Auth tokens in the user keyring (@u), through libkeyutils: key type
 * "user", description = the 16-hex-char signature, payload = the token.
 */
#ifndef LIBECRYPTFS_KEYRING_H
#define LIBECRYPTFS_KEYRING_H

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "libecryptfs/crypto.h"
#include "libecryptfs/result.h"
#include "libecryptfs/secure.h"

namespace ecryptfs {

enum class KeyAdded { added, already_present };

/*
 * Add @token under @sig unless a "user" key with that description is
 * already reachable from @u (then nothing is changed, as the reference does).
 */
Result<KeyAdded> add_auth_tok_to_user_keyring(std::string_view sig,
					      std::span<const std::uint8_t> token);

struct AddedKey {
	std::string sig;
	KeyAdded how;
};

/* Derive the key of @passphrase with @salt, build its token, add it to @u. */
Result<AddedKey> add_passphrase_key_to_keyring(const Passphrase &passphrase, const Salt &salt);

/* Remove the "user" key @sig from @u; -ENOKEY when there is none. */
Status remove_auth_tok_from_user_keyring(std::string_view sig);

} // namespace ecryptfs

#endif
