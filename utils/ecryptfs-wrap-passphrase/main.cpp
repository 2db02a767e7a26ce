// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-wrap-passphrase FILE [-]: wrap a passphrase under a wrapping
 * passphrase into a version 2 wrapped-passphrase file (mode 0600, replaced
 * atomically).
 */
#include <cstdio>
#include <cstring>

#include "libecryptfs/cli.h"
#include "libecryptfs/passphrase_input.h"
#include "libecryptfs/wrapped.h"

using namespace ecryptfs;

static void usage()
{
	std::printf("Usage:\n"
		    "\n"
		    "ecryptfs-wrap-passphrase [file]\n"
		    "or\n"
		    "printf \"%%s\\n%%s\" \"passphrase to wrap\" \"wrapping passphrase\" "
		    "| ecryptfs-wrap-passphrase [file] -\n"
		    "\n"
		    "note: passphrase can be at most %zu bytes long\n",
		    kMaxPassphraseBytes);
}

static void help()
{
	usage();
	std::printf("\n"
		    "Encrypts a passphrase (typically your eCryptfs mount passphrase) with a\n"
		    "wrapping passphrase (typically your login password) and writes it to\n"
		    "[file] as a version 2 wrapped-passphrase file, mode 0600.  Without \"-\"\n"
		    "both are prompted for with echo off; with \"-\" they are read as two\n"
		    "lines from standard input.  An existing [file] is replaced atomically.\n"
		    "The legacy form \"ecryptfs-wrap-passphrase FILE PASSPHRASE WRAPPING\"\n"
		    "still works but exposes both secrets to other users: avoid it.\n");
}

int main(int argc, char **argv)
{
	if (cli::wants_help(argc, argv)) {
		help();
		return 0;
	}
	std::optional<Passphrase> pass, wrapping;
	bool from_argv = false;
	if (argc == 2) {
		auto p = read_passphrase("Passphrase to wrap");
		pass = std::move(p.passphrase);
		if (pass)
			wrapping = read_passphrase("Wrapping passphrase").passphrase;
	} else if (argc == 3 && std::strcmp(argv[2], "-") == 0) {
		pass = read_passphrase(nullptr).passphrase;
		if (pass)
			wrapping = read_passphrase(nullptr).passphrase;
	} else if (argc == 4) {
		pass = cli::take_secret_arg(argv[2]);
		wrapping = cli::take_secret_arg(argv[3]);
		from_argv = true;
	} else {
		usage();
		return 0;
	}
	if (!pass || !wrapping || pass->size() > kMaxPassphraseBytes ||
	    wrapping->size() > kMaxPassphraseBytes) {
		if (from_argv)
			cli::complain_too_long();
		usage();
		return 1;
	}
	auto st = wrapped::wrap_to_file(argv[1], *pass, *wrapping);
	if (!st) {
		cli::report(cli::kErrWrap, st.error());
		return 1;
	}
	return 0;
}
