// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/passphrase_input.h"

#include <cerrno>
#include <cstdio>

#include <termios.h>
#include <unistd.h>

#include "libecryptfs/crypto.h"

namespace ecryptfs {

namespace {

/* Turns echo off on fd 0 if it is a terminal; restores it on destruction. */
class EchoOff {
public:
	EchoOff()
	{
		if (tcgetattr(STDIN_FILENO, &saved_) != 0)
			return;
		struct termios t = saved_;
		t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
		active_ = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
	}
	EchoOff(const EchoOff &) = delete;
	EchoOff &operator=(const EchoOff &) = delete;
	~EchoOff()
	{
		if (active_)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
	}

private:
	struct termios saved_ {};
	bool active_ = false;
};

/* fgets(buf, 66, stdin) semantics without a stdio buffer. */
bool read_line(SecureBytes &line)
{
	constexpr std::size_t kMax = kMaxPassphraseBytes + 1;
	line.clear();
	line.reserve(kMax);
	while (line.size() < kMax) {
		unsigned char c;
		ssize_t n = ::read(STDIN_FILENO, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		line.push_back(c);
		if (c == '\n')
			break;
	}
	return !line.empty();
}

} // namespace

PassphraseRead read_passphrase(const char *prompt, const char *tty_prompt)
{
	PassphraseRead res;
	if (prompt) {
		std::printf("%s: ", prompt);
		std::fflush(stdout);
	}
	const bool tell_tty = !prompt && tty_prompt && ::isatty(STDIN_FILENO);
	if (tell_tty) {
		std::fflush(stdout);
		std::fprintf(stderr, "%s: ", tty_prompt);
		std::fflush(stderr);
	}
	SecureBytes line;
	bool got;
	{
		EchoOff echo_off;
		got = read_line(line);
	}
	if (tell_tty)
		std::fputs("\n", stderr);
	if (!got) {
		std::printf("\n");
		std::fflush(stdout);
		res.failure = ReadFailure::eof;
		return res;
	}
	Passphrase p(std::span<const std::uint8_t>(line.data(), line.size()));
	std::string_view v = p.view();
	if (!v.empty() && v.back() == '\n')
		p.truncate(v.size() - 1);
	if (prompt) {
		std::printf("\n");
		std::fflush(stdout);
	}
	if (p.size() > kMaxPassphraseBytes) {
		std::fprintf(stderr, "Passphrase is too long. Use at most %zu characters long "
				     "passphrase.\n", kMaxPassphraseBytes);
		res.failure = ReadFailure::too_long;
		return res;
	}
	res.passphrase = std::move(p);
	return res;
}

} // namespace ecryptfs
