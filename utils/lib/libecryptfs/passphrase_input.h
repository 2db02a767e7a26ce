// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading a passphrase the way ecryptfs-utils' tools do: optional prompt
 * "<prompt>: " on stdout, terminal echo off, one line of at most 65 bytes
 * (longer lines are split across reads, exactly like fgets with a 66-byte
 * buffer), the trailing newline removed, a newline printed after a prompted
 * read or at end of input.  Works on pipes (echo control errors are ignored).
 * Input is read straight from fd 0, byte by byte, into wiped memory: no stdio
 * buffer keeps a copy.
 */
#ifndef LIBECRYPTFS_PASSPHRASE_INPUT_H
#define LIBECRYPTFS_PASSPHRASE_INPUT_H

#include <optional>

#include "libecryptfs/secure.h"

namespace ecryptfs {

enum class ReadFailure { eof, too_long };

struct PassphraseRead {
	std::optional<Passphrase> passphrase; /* empty on failure */
	ReadFailure failure = ReadFailure::eof;
	explicit operator bool() const noexcept { return passphrase.has_value(); }
};

/*
 * @prompt may be null (stdin mode: no prompt on stdout, no extra newline).
 * In stdin mode with fd 0 a terminal, @tty_prompt (when given) is printed
 * as "<tty_prompt>: " on stderr, so a person is never left waiting without
 * a word while stdout stays what scripts expect.  A line over 64 bytes
 * prints "Passphrase is too long. Use at most 64 characters long
 * passphrase." on stderr and fails.
 */
PassphraseRead read_passphrase(const char *prompt, const char *tty_prompt = nullptr);

} // namespace ecryptfs

#endif
