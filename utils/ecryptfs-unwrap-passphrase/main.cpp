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

static void usage()
{
	std::printf("Usage:\n"
		    "\n"
		    "ecryptfs-unwrap-passphrase [file]\n"
		    "or\n"
		    "printf \"%%s\" \"wrapping passphrase\" | ecryptfs-unwrap-passphrase [file] -\n"
		    "\n");
}

static void help()
{
	usage();
	std::printf("Decrypts a wrapped-passphrase file (default:\n"
		    "~/.ecryptfs/wrapped-passphrase) with the wrapping passphrase and prints\n"
		    "the passphrase on standard output.  Without \"-\" the wrapping passphrase\n"
		    "is prompted for with echo off; with \"-\" it is one line of standard input.\n"
		    "Version 1 files use the salt of ~/.ecryptfsrc or the default salt.\n"
		    "The passphrase can be at most %zu bytes long.\n",
		    kMaxPassphraseBytes);
}

int main(int argc, char **argv)
{
	if (cli::wants_help(argc, argv)) {
		help();
		return 0;
	}
	/*
	 * Like ecryptfs-utils 111 (an inverted test in its argv check) a
	 * one-character passphrase is not accepted as an argument; use stdin
	 * mode for it.
	 */
	auto args = cli::wrapped_file_args(argc, argv, false);
	if (!args) {
		usage();
		return 0;
	}
	auto pass = wrapped::unwrap_file(args->file, args->wrapping, rc_salt_or_default());
	if (!pass) {
		cli::report(cli::kErrUnwrap, pass.error());
		return 1;
	}
	return cli::print_secret_line(pass.value()) ? 0 : 1;
}
