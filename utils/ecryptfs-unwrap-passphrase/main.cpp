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
	std::string file;
	std::optional<Passphrase> wrapping;
	bool from_argv = false;
	if (argc == 1) {
		auto def = cli::existing_default_wrapped_file();
		if (!def) {
			usage();
			return 0;
		}
		file = *def;
		wrapping = read_passphrase("Passphrase").passphrase;
	} else if (argc == 2) {
		file = argv[1];
		wrapping = read_passphrase("Passphrase").passphrase;
	} else if (argc == 3 && std::strcmp(argv[2], "-") == 0) {
		file = argv[1];
		wrapping = read_passphrase(nullptr).passphrase;
	} else if (argc == 3 && std::strlen(argv[2]) != 1) {
		/*
		 * Argument mode.  Like ecryptfs-utils 111 (an inverted test in
		 * its argv check) a one-character passphrase is not accepted
		 * here; use stdin mode for it.
		 */
		file = argv[1];
		wrapping = cli::take_secret_arg(argv[2]);
		from_argv = true;
	} else {
		usage();
		return 0;
	}
	if (!wrapping || wrapping->size() > kMaxPassphraseBytes) {
		if (from_argv)
			cli::complain_too_long();
		usage();
		return 0;
	}
	auto pass = wrapped::unwrap_file(file, *wrapping, rc_salt_or_default());
	if (!pass) {
		cli::report(cli::kErrUnwrap, pass.error());
		return 1;
	}
	return cli::print_secret_line(pass.value()) ? 0 : 1;
}
