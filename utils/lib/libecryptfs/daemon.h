// SPDX-License-Identifier: GPL-2.0-only
/*
 * The work of ecryptfsd, apart from daemonising: answering the kernel's
 * requests read from /dev/ecryptfs (tag 64 decrypt -> tag 65, tag 66
 * encrypt -> tag 67, spec userland §6.4-6.5) with the key modules, the
 * private-key tokens of the user keyring and the secrets handed over
 * through the daemon's socket (secret_channel.h).  The framing and payload
 * codec is the shared include/ecryptfs/msg.h; everything the kernel sends is
 * bounds-checked there, and a malformed request gets a failure reply.
 */
#ifndef LIBECRYPTFS_DAEMON_H
#define LIBECRYPTFS_DAEMON_H

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "libecryptfs/key_module.h"
#include "libecryptfs/result.h"
#include "libecryptfs/secret_channel.h"

namespace ecryptfs::daemon {

/* Largest consecutive read errors before the daemon gives up (reference: 8). */
inline constexpr int kMaxReadErrors = 8;

struct Hooks {
	/* Payload of the "user" key @sig reachable from the daemon's keyrings. */
	std::function<Result<SecureBytes>(const std::string &sig)> lookup_key;
	/* Ask for a secret (the -R program); nullopt when there is no way to ask. */
	std::function<std::optional<Result<SecureBytes>>(const std::string &prompt)> ask_secret;
	/* syslog-like: priority (LOG_*) and a line. */
	std::function<void(int, const std::string &)> log;
};

/* The user keyring lookup ecryptfsd uses (keyctl_search in @u, keyctl_read). */
Result<SecureBytes> lookup_user_key(const std::string &sig);

/*
 * Run @prog as "PROG -t password PROMPT" and return its output (one read of
 * at most 1023 bytes, one trailing newline removed); a non-zero exit or a
 * signal is -EIO.  No shell is involved.
 */
Result<SecureBytes> run_prompt_program(const std::string &prog, const std::string &prompt);

class RequestHandler {
public:
	RequestHandler(const std::vector<keymod::Module> &mods, secrets::Store &store, Hooks hooks)
		: mods_(mods), store_(store), hooks_(std::move(hooks)) {}

	/* The data of the RESPONSE to a REQUEST's data (a failure reply on any error). */
	std::vector<std::uint8_t> handle(std::span<const std::uint8_t> request);

	void log(int prio, const std::string &line) const;

private:
	Result<std::vector<std::uint8_t>> answer(std::uint8_t tag, const std::string &sig,
						 std::span<const std::uint8_t> key);

	const std::vector<keymod::Module> &mods_;
	secrets::Store &store_;
	Hooks hooks_;
};

/* unanswered: the request was handled but the kernel refused the reply (logged). */
enum class Outcome { replied, ignored, quit, bad, unanswered };

/*
 * Handle the bytes of one read() of the device: a REQUEST is answered with
 * one write() of a RESPONSE on @fd (same counter and index); QUIT from the
 * kernel is Outcome::quit; a malformed packet is Outcome::bad.
 */
Outcome process_packet(int fd, std::span<const std::uint8_t> packet, RequestHandler &h);

struct ServeFds {
	int dev;      /* /dev/ecryptfs */
	int listener; /* the secret socket (secret_channel.h), or -1 */
	int signals;  /* a signalfd for SIGTERM/SIGINT, or -1 */
};

/*
 * ecryptfsd's loop: answer the kernel, take secrets from peers of @owner,
 * until QUIT from the kernel (0), SIGTERM/SIGINT (QUIT sent, 0) or
 * kMaxReadErrors consecutive bad reads (1).
 */
int serve(const ServeFds &fds, uid_t owner, secrets::Store &store, RequestHandler &h);

/* Write the 5-byte HELO or QUIT packet. */
Status send_bare(int fd, std::uint8_t type);

} // namespace ecryptfs::daemon

#endif
