// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-user settings the tools read: the salt from ~/.ecryptfsrc and the
 * default wrapped-passphrase file.  The home directory is the passwd entry
 * of getuid(), never $HOME, as in the reference.
 */
#ifndef LIBECRYPTFS_RC_H
#define LIBECRYPTFS_RC_H

#include <optional>
#include <string>
#include <string_view>

#include "libecryptfs/crypto.h"
#include "libecryptfs/result.h"
#include "libecryptfs/secure.h"

namespace ecryptfs {

/* Home directory of the real uid from the passwd database. */
Result<std::string> user_home_dir();

/*
 * The salt in the text of an ecryptfsrc file: the first "salt=" entry whose
 * value has exactly 16 characters (entries end at a newline, comma or colon;
 * the text ends at a NUL); nullopt when there is none.
 */
std::optional<Salt> salt_from_rc_text(std::string_view text);

/* The file-key salt: ~/.ecryptfsrc's salt, or the default salt (@home: the real uid's). */
Salt rc_salt_or_default();
Salt rc_salt_or_default(const std::string &home);

/*
 * The text of <@home>/.ecryptfsrc (it may hold a passphrase) in wiped
 * memory; nullopt when it cannot be read.
 */
std::optional<SecureBytes> read_rc_file(const std::string &home);

/* <home>/.ecryptfs/wrapped-passphrase */
Result<std::string> default_wrapped_passphrase_path();

} // namespace ecryptfs

#endif
