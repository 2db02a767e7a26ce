// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/rc.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include <pwd.h>
#include <unistd.h>

namespace ecryptfs {

namespace {
constexpr std::size_t kMaxRcFile = 1 << 20;
}

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
	/*
	 * As ecryptfs-utils 111 parses it (checked against the real tools):
	 * the file is a C string (a NUL ends it), entries are separated by
	 * newlines, commas or colons only; blanks and CRs are part of the
	 * entry, so " salt=..." or "salt=<16 hex>\r" do not count.
	 */
	text = text.substr(0, text.find('\0'));
	std::size_t i = 0;
	while (i < text.size()) {
		std::size_t j = text.find_first_of("\n,:", i);
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

std::optional<SecureBytes> read_rc_file(const std::string &home)
{
	return read_secret_file(home + "/.ecryptfsrc", kMaxRcFile);
}

Salt rc_salt_or_default(const std::string &home)
{
	auto text = read_rc_file(home);
	if (!text)
		return kDefaultSalt;
	return salt_from_rc_text({reinterpret_cast<const char *>(text->data()), text->size()})
		.value_or(kDefaultSalt);
}

Salt rc_salt_or_default()
{
	auto home = user_home_dir();
	if (!home)
		return kDefaultSalt;
	return rc_salt_or_default(home.value());
}

Result<std::string> default_wrapped_passphrase_path()
{
	auto home = user_home_dir();
	if (!home)
		return home.error();
	return home.value() + "/.ecryptfs/wrapped-passphrase";
}

} // namespace ecryptfs
