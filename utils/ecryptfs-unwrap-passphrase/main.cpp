// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-unwrap-passphrase [FILE [-]]: print the passphrase stored in a
 * wrapped-passphrase file (version 1 or 2).
 */
#include <cstdio>
#include <cstring>
#include <string>

#include "libecryptfs/cli.h"
#include "libecryptfs/passphrase_input.h"
#include "libecryptfs/rc.h"
#include "libecryptfs/wrapped.h"

using namespace ecryptfs;

static_assert(kMaxPassphraseBytes == 64, "the description names the limit");

static const cli::Command kCmd = {
	.name = "ecryptfs-unwrap-passphrase",
	.usage = "Usage:\n"
		 "\n"
		 "ecryptfs-unwrap-passphrase [file]\n"
		 "or\n"
		 "printf \"%s\" \"wrapping passphrase\" | ecryptfs-unwrap-passphrase [file] -\n"
		 "\n",
	.description = "Decrypts a wrapped-passphrase file (default:\n"
		       "~/.ecryptfs/wrapped-passphrase) with the wrapping passphrase and prints\n"
		       "the passphrase on standard output.  Without \"-\" the wrapping passphrase\n"
		       "is prompted for with echo off; with \"-\" it is one line of standard input.\n"
		       "Version 1 files use the salt of ~/.ecryptfsrc or the default salt.\n"
		       "The passphrase can be at most 64 bytes long.\n",
	.max_operands = 2,
	.secret_operands = true,
};

int main(int argc, char **argv)
{
	const auto parsed = cli::parse(kCmd, argc, argv);
	/*
	 * Like ecryptfs-utils 111 (an inverted test in its argv check) a
	 * one-character passphrase is not accepted as an argument; use stdin
	 * mode for it.
	 */
	auto args = cli::wrapped_file_args(parsed.operands, false);
	if (!args) {
		std::fputs(kCmd.usage, stdout);
		return 0;
	}
	auto pass = wrapped::unwrap_file(args->file, args->wrapping, rc_salt_or_default());
	if (!pass) {
		cli::report(cli::kErrUnwrap, pass.error());
		return 1;
	}
	return cli::print_secret_line(pass.value()) ? 0 : 1;
}
