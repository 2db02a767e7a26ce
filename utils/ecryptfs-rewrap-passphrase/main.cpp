// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-rewrap-passphrase FILE [-]: change the wrapping passphrase of a
 * wrapped-passphrase file.  The new file (always version 2, mode 0600) is
 * written next to the old one, fsynced and renamed over it: a crash leaves
 * either the old or the new file, and a wrong old passphrase changes nothing.
 */
#include <cstdio>
#include <cstring>

#include "libecryptfs/cli.h"
#include "libecryptfs/passphrase_input.h"
#include "libecryptfs/rc.h"
#include "libecryptfs/wrapped.h"

using namespace ecryptfs;

static void usage()
{
	std::printf("Usage:\n"
		    "\n"
		    "ecryptfs-rewrap-passphrase [file]\n"
		    "or\n"
		    "printf \"%%s\\n%%s\" \"old wrapping passphrase\" \"new wrapping passphrase\" "
		    "| ecryptfs-rewrap-passphrase [file] -\n"
		    "\n");
}

static void help()
{
	usage();
	std::printf("Re-encrypts the passphrase in a wrapped-passphrase file under a new\n"
		    "wrapping passphrase.  Without \"-\" the old passphrase and the new one\n"
		    "(twice) are prompted for with echo off; with \"-\" the old and the new\n"
		    "one are two lines of standard input.  The file is replaced atomically\n"
		    "by a version 2 file with mode 0600.  Passphrases can be at most %zu\n"
		    "bytes long.\n",
		    kMaxPassphraseBytes);
}

int main(int argc, char **argv)
{
	if (cli::wants_help(argc, argv)) {
		help();
		return 0;
	}
	std::optional<Passphrase> old_wrapping, new_wrapping;
	bool from_argv = false;
	if (argc == 2) {
		old_wrapping = read_passphrase("Old wrapping passphrase").passphrase;
		new_wrapping = read_passphrase("New wrapping passphrase").passphrase;
		auto again = read_passphrase("New wrapping passphrase (again)").passphrase;
		if (!new_wrapping) {
			std::fprintf(stderr, "Failed to read new wrapping passphrase\n");
			return 1;
		}
		if (!again) {
			std::fprintf(stderr, "Failed to read new wrapping passphrase confirmation\n");
			return 1;
		}
		if (!(*new_wrapping == *again)) {
			std::fprintf(stderr, "New wrapping passphrases do not match\n");
			return 1;
		}
	} else if (argc == 3 && std::strcmp(argv[2], "-") == 0) {
		old_wrapping = read_passphrase(nullptr).passphrase;
		new_wrapping = read_passphrase(nullptr).passphrase;
	} else if (argc == 4) {
		old_wrapping = cli::take_secret_arg(argv[2]);
		new_wrapping = cli::take_secret_arg(argv[3]);
		from_argv = true;
	} else {
		usage();
		return 0;
	}
	if (!old_wrapping || !new_wrapping || old_wrapping->size() > kMaxPassphraseBytes ||
	    new_wrapping->size() > kMaxPassphraseBytes) {
		if (from_argv)
			cli::complain_too_long();
		usage();
		return 0;
	}
	const std::string file = argv[1];
	auto pass = wrapped::unwrap_file(file, *old_wrapping, rc_salt_or_default());
	if (!pass) {
		cli::report(cli::kErrUnwrap, pass.error());
		return 1;
	}
	auto st = wrapped::wrap_to_file(file, pass.value(), *new_wrapping);
	if (!st) {
		cli::report(cli::kErrWrap, st.error());
		return 1;
	}
	return 0;
}
