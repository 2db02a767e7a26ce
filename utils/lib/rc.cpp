// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/rc.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include <pwd.h>
#include <unistd.h>

namespace ecryptfs {

Result<std::string> user_home_dir()
{
	long sz = sysconf(_SC_GETPW_R_SIZE_MAX);
	std::vector<char> buf(sz > 0 ? static_cast<std::size_t>(sz) : 16384);
	struct passwd pw, *res = nullptr;
	int err = getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &res);
	if (!res) {
		if (err == 0)
			err = ENOENT;
		return Error{-err, std::string("cannot find your user in the passwd database: ") +
					   std::strerror(err)};
	}
	return std::string(pw.pw_dir);
}

std::optional<Salt> salt_from_rc_text(std::string_view text)
{
	/* Entries are separated by newlines, whitespace or commas. */
	std::size_t i = 0;
	while (i < text.size()) {
		std::size_t j = text.find_first_of(" \t\r\n,", i);
		if (j == std::string_view::npos)
			j = text.size();
		std::string_view entry = text.substr(i, j - i);
		i = j + 1;
		if (entry.starts_with("salt=")) {
			std::string_view value = entry.substr(5);
			if (value.size() == 2 * kSaltSize)
				return salt_from_hex(value);
		}
	}
	return std::nullopt;
}

Salt rc_salt_or_default()
{
	auto home = user_home_dir();
	if (!home)
		return kDefaultSalt;
	std::ifstream in(home.value() + "/.ecryptfsrc", std::ios::binary);
	if (!in)
		return kDefaultSalt;
	std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
	return salt_from_rc_text(text).value_or(kDefaultSalt);
}

Result<std::string> default_wrapped_passphrase_path()
{
	auto home = user_home_dir();
	if (!home)
		return home.error();
	return home.value() + "/.ecryptfs/wrapped-passphrase";
}

} // namespace ecryptfs
