// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/cli.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

#include "libecryptfs/crypto.h"
#include "libecryptfs/passphrase_input.h"
#include "libecryptfs/secure.h"
#include "libecryptfs/rc.h"

namespace ecryptfs::cli {

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

namespace ecryptfs::cli {

bool print_secret_line(const Passphrase &secret)
{
	if (std::fflush(stdout) != 0)
		return false;
	SecureBytes line(secret.bytes().begin(), secret.bytes().end());
	line.push_back('\n');
	std::size_t done = 0;
	while (done < line.size()) {
		ssize_t n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += static_cast<std::size_t>(n);
	}
	return true;
}

} // namespace ecryptfs::cli

namespace ecryptfs::cli {

std::optional<WrappedFileArgs> wrapped_file_args(std::span<char *const> operands,
						 bool one_char_arg_ok)
{
	WrappedFileArgs out;
	std::optional<Passphrase> wrapping;
	bool from_argv = false;
	if (operands.empty()) {
		auto def = existing_default_wrapped_file();
		if (!def)
			return std::nullopt;
		out.file = *def;
		wrapping = read_passphrase("Passphrase").passphrase;
	} else if (operands.size() == 1) {
		out.file = operands[0];
		wrapping = read_passphrase("Passphrase").passphrase;
	} else if (operands.size() == 2 && std::strcmp(operands[1], "-") == 0) {
		out.file = operands[0];
		wrapping = read_passphrase(nullptr, "Wrapping passphrase").passphrase;
	} else if (operands.size() == 2 && (one_char_arg_ok || std::strlen(operands[1]) != 1)) {
		out.file = operands[0];
		wrapping = take_secret_arg(operands[1]);
		from_argv = true;
	} else {
		return std::nullopt;
	}
	if (!wrapping || wrapping->size() > kMaxPassphraseBytes) {
		if (from_argv)
			complain_too_long();
		return std::nullopt;
	}
	out.wrapping = std::move(*wrapping);
	return out;
}

void ScriptMessages::die(const std::string &msg) const
{
	std::fflush(stdout);
	std::fprintf(stderr, "ERROR:%s%s\n", gap, msg.c_str());
	if (error_trailer)
		std::fprintf(stderr, "ERROR:%s%s\n", gap, error_trailer);
	std::exit(1);
}

void ScriptMessages::info(const std::string &msg) const
{
	std::fprintf(info_to_stderr ? stderr : stdout, "INFO:%s%s\n", gap, msg.c_str());
	std::fflush(stdout);
}

void ScriptMessages::warn(const std::string &msg) const
{
	std::fflush(stdout);
	std::fprintf(stderr, "WARNING:%s%s\n", gap, msg.c_str());
}

} // namespace ecryptfs::cli
