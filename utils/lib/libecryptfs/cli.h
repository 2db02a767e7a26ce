// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the command-line tools share: the one option parser, the "tool:
 * message" error format, the reference's error headlines, error reporting
 * and taking secrets out of argv.
 */
#ifndef LIBECRYPTFS_CLI_H
#define LIBECRYPTFS_CLI_H

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libecryptfs/result.h"
#include "libecryptfs/secure.h"

namespace ecryptfs::cli {

/*
 * The option parser every tool uses (getopt_long underneath).  A tool
 * describes itself once:
 *
 *	static const cli::Option kOptions[] = {
 *		{'f', "force", 'f', nullptr, "do not ask for confirmation"},
 *		{'u', "user", 'u', "USER", "work on USER's files"},
 *	};
 *	static const cli::Command kCmd = {
 *		.name = "ecryptfs-foo",
 *		.usage = "Usage: ecryptfs-foo [-f] [-u USER] FILE...\n",
 *		.description = "Does foo to each FILE.\n",
 *		.options = kOptions,
 *		.min_operands = 1,
 *	};
 *	int main(int argc, char **argv)
 *	{
 *		auto args = cli::parse(kCmd, argc, argv);
 *		bool force = args.has('f');
 *		const char *user = args.value('u');	// nullptr when absent
 *		for (char *file : args.operands) ...
 *
 * and gets, the same in every tool:
 *  - --help (and -h unless an option of the tool uses 'h'): the usage, the
 *    description and a table of the options on stdout, exit 0;
 *  - --version (and -V unless taken): "<name> (ecryptfs-ng) <VERSION>" on
 *    stdout, exit 0 (the version is the project's, from ./VERSION);
 *  - an unknown option, a missing or unexpected option value, or a number of
 *    operands outside [min_operands, max_operands]: "<name>: <what is
 *    wrong>" and the usage on stderr, exit 2 (kExitUsage).
 * Options and operands may be mixed unless options_first is set; "--" ends
 * the options; "-" is an operand.  A tool that checks its operands further
 * (a word that must be "encrypt" or "decrypt", say) calls usage_error().
 */
inline constexpr int kExitUsage = 2;

struct Option {
	int id;			 /* what Args::has()/value() are asked with */
	const char *long_name;	 /* "force" for --force, or nullptr */
	char short_name;	 /* 'f' for -f, or 0 */
	const char *value_name;	 /* "USER" when the option takes a value, else nullptr */
	const char *help;	 /* one line for --help */
};

struct Command {
	const char *name;		  /* the tool, first word of its messages */
	const char *usage;		  /* usage lines, printed as they are */
	const char *description = nullptr; /* printed after the usage by --help */
	std::span<const Option> options = {};
	int min_operands = 0;
	int max_operands = -1;		  /* -1: no limit */
	bool options_first = false;	  /* options end at the first operand */
	bool secret_operands = false;	  /* never echo a bad argument: it may be a secret */
};

struct Args {
	std::vector<std::pair<int, const char *>> given; /* option id, value (or nullptr) */
	std::vector<char *> operands;			 /* in argv order, pointers into argv */

	bool has(int id) const;
	/* The value of the last occurrence of @id, nullptr when absent. */
	const char *value(int id) const;
	/* Every value of @id, in order (a repeatable option). */
	std::vector<const char *> values(int id) const;
};

/* Parse argv as described above; returns only when it is acceptable. */
Args parse(const Command &cmd, int argc, char **argv);

/* "<name>: <msg>" and the usage on stderr, exit kExitUsage. */
[[noreturn]] void usage_error(const Command &cmd, const std::string &msg);

/* What --help and --version print (exposed for tools with their own loop). */
void print_help(const Command &cmd);
void print_version(const char *name);

/* The project's version ("0.1.0"), from ./VERSION through CMake. */
const char *version();

/*
 * The one error format, where the reference's exact text is not part of
 * the contract: "<tool>: <msg>" on stderr (stdout flushed first).
 * die() then exits with @status.
 */
void error(const char *tool, const std::string &msg);
[[noreturn]] void die(const char *tool, const std::string &msg, int status = 1);

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
