// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-insert-wrapped-passphrase-into-keyring [FILE [-]]: unwrap the
 * passphrase in a wrapped-passphrase file and add its filename encryption
 * key and its file encryption key to the user keyring.
 */
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "libecryptfs/cli.h"
#include "libecryptfs/keyring.h"
#include "libecryptfs/passphrase_input.h"
#include "libecryptfs/rc.h"
#include "libecryptfs/wrapped.h"

using namespace ecryptfs;

static void usage()
{
	std::printf("Usage:\n"
		    "\n"
		    "ecryptfs-insert-wrapped-passphrase-into-keyring [file]\n"
		    "or\n"
		    "printf \"%%s\" \"wrapping passphrase\" | "
		    "ecryptfs-insert-wrapped-passphrase-into-keyring [file] -\n"
		    "\n");
}

static void help()
{
	usage();
	std::printf("Decrypts a wrapped-passphrase file (default:\n"
		    "~/.ecryptfs/wrapped-passphrase) and adds two keys derived from the\n"
		    "passphrase to your user keyring: the filename encryption key and the\n"
		    "file encryption key, whose signature is printed.  Without \"-\" the\n"
		    "wrapping passphrase is prompted for with echo off; with \"-\" it is one\n"
		    "line of standard input.  It can be at most %zu bytes long.\n",
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
	} else if (argc == 3) {
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
	const Salt salt = rc_salt_or_default();
	auto pass = wrapped::unwrap_file(file, *wrapping, salt);
	if (!pass) {
		/*
		 * ecryptfs-utils 111 reports every unwrap failure of this tool
		 * as [-5] (missing file, truncated file, bad version alike);
		 * the reason line below says which one it was.
		 */
		cli::report(cli::kErrUnwrapAndInsert, Error{-EIO, pass.error().reason});
		return 1;
	}
	/* The reference adds the filename key first, then the file key. */
	auto fnek = add_passphrase_key_to_keyring(pass.value(), kFnekSalt);
	if (!fnek) {
		cli::report(cli::kErrUnwrapAndInsert, fnek.error());
		return 1;
	}
	auto fekek = add_passphrase_key_to_keyring(pass.value(), salt);
	if (!fekek) {
		cli::report(cli::kErrUnwrapAndInsert, fekek.error());
		return 1;
	}
	std::printf("Inserted auth tok with sig [%s] into the user session keyring\n",
		    fekek.value().sig.c_str());
	return 0;
}
