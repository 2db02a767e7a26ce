// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the command-line tools share: the reference's error headlines,
 * error reporting, --help detection and taking secrets out of argv.
 */
#ifndef LIBECRYPTFS_CLI_H
#define LIBECRYPTFS_CLI_H

#include <optional>
#include <string>
#include <string_view>

#include "libecryptfs/result.h"
#include "libecryptfs/secure.h"

namespace ecryptfs::cli {

inline constexpr const char *kErrInsertKey =
	"Error: Inserting key into the user session keyring failed";
inline constexpr const char *kErrUnwrap = "Error: Unwrapping passphrase failed";
inline constexpr const char *kErrUnwrapAndInsert =
	"Error: Unwrapping passphrase and inserting into the user session keyring failed";
inline constexpr const char *kErrWrap = "Error: Wrapping passphrase failed";
inline constexpr const char *kErrFnekSupport =
	"Error: Your kernel does not support filename encryption";

/* True for exactly one argument "--help" (or "-h"). */
bool wants_help(int argc, char **argv);

/*
 * Copy a secret given on the command line (the reference's "argument mode")
 * into wiped memory and blank the argv copy so /proc/<pid>/cmdline stops
 * showing it.  Passing secrets in argv stays discouraged: use stdin mode.
 */
Passphrase take_secret_arg(char *arg);

/*
 * "<headline> [<code>]" then "Info: <reason>" on stderr (the reference's
 * second line points to syslog; ours says what went wrong).
 */
void report(const char *headline, const Error &err);

/*
 * The default ~/.ecryptfs/wrapped-passphrase if it exists.  Otherwise
 * prints "stat: <error>" on stderr like the reference and returns nullopt.
 */
std::optional<std::string> existing_default_wrapped_file();

/*
 * The arguments of ecryptfs-unwrap-passphrase and
 * ecryptfs-insert-wrapped-passphrase-into-keyring: none (the default file,
 * prompt), FILE (prompt), FILE - (one stdin line) or FILE PASS (argument
 * mode; a one-character PASS is refused when @one_char_arg_ok is false, as
 * unwrap 111 does).  Returns nullopt when the usage text is due (exit 0),
 * including a missing or over-long wrapping passphrase (then "Passphrase is
 * too long" is printed for argument mode, naming the limit).
 */
struct WrappedFileArgs {
	std::string file;
	Passphrase wrapping;
};
std::optional<WrappedFileArgs> wrapped_file_args(int argc, char **argv, bool one_char_arg_ok);

/* The "Passphrase is too long" line the reader prints, for argument mode. */
void complain_too_long();

/*
 * Print @secret and a newline on stdout with write(2), so that no stdio
 * buffer keeps a copy of it.  False when the output failed.
 */
bool print_secret_line(const Passphrase &secret);

/*
 * The "ERROR:", "INFO:" and "WARNING:" lines of the reference's shell tools,
 * which differ per tool: @gap follows the colon (one space, or two in
 * ecryptfs-setup-private and ecryptfs-migrate-home), INFO goes to stdout
 * (flushed, so it stays in order with stderr) or to stderr, and an error may
 * carry a fixed second line.  die() exits with status 1.
 */
struct ScriptMessages {
	const char *gap = " ";
	bool info_to_stderr = false;
	const char *error_trailer = nullptr;

	[[noreturn]] void die(const std::string &msg) const;
	void info(const std::string &msg) const;
	void warn(const std::string &msg) const;
};

} // namespace ecryptfs::cli

#endif
