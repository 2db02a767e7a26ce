// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/cli.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <sys/stat.h>

#include "libecryptfs/crypto.h"
#include "libecryptfs/rc.h"

namespace ecryptfs::cli {

bool wants_help(int argc, char **argv)
{
	return argc == 2 &&
	       (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0);
}

Passphrase take_secret_arg(char *arg)
{
	Passphrase p{std::string_view(arg)};
	OPENSSL_cleanse(arg, std::strlen(arg));
	return p;
}

void report(const char *headline, const Error &err)
{
	std::fflush(stdout);
	std::fprintf(stderr, "%s [%d]\n", headline, err.code);
	std::fprintf(stderr, "Info: %s\n", err.reason.c_str());
}

std::optional<std::string> existing_default_wrapped_file()
{
	auto path = default_wrapped_passphrase_path();
	if (!path) {
		std::fprintf(stderr, "getpwuid: %s\n", std::strerror(-path.error().code));
		return std::nullopt;
	}
	struct stat st;
	if (::stat(path.value().c_str(), &st) != 0) {
		std::fprintf(stderr, "stat: %s\n", std::strerror(errno));
		return std::nullopt;
	}
	return path.value();
}

void complain_too_long()
{
	std::fprintf(stderr, "Passphrase is too long. Use at most %zu characters long passphrase.\n",
		     kMaxPassphraseBytes);
}

} // namespace ecryptfs::cli
