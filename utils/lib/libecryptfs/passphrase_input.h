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
 * @prompt may be null (stdin mode: no prompt, no extra newline).  A line
 * over 64 bytes prints "Passphrase is too long. Use at most 64 characters
 * long passphrase." on stderr and fails.
 */
PassphraseRead read_passphrase(const char *prompt);

} // namespace ecryptfs

#endif
