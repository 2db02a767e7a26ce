// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-add-passphrase [--fnek] [-]: derive the eCryptfs key of a
 * passphrase and add its auth token to the user keyring (and, with --fnek,
 * the filename encryption key too).
 */
#include <cstdio>
#include <cstring>

#include "libecryptfs/cli.h"
#include "libecryptfs/kernel_features.h"
#include "libecryptfs/keyring.h"
#include "libecryptfs/passphrase_input.h"
#include "libecryptfs/rc.h"

using namespace ecryptfs;

static void usage()
{
	std::printf("Usage:\n"
		    "ecryptfs-add-passphrase [--fnek]\n"
		    "or\n"
		    "printf \"%%s\" \"passphrase\" | ecryptfs-add-passphrase [--fnek] -\n"
		    "\n");
}

static void help()
{
	usage();
	std::printf("Adds the eCryptfs key derived from a passphrase to your user keyring\n"
		    "(key type \"user\", described by its 16-hex-digit signature) and prints\n"
		    "the signature.  The salt comes from salt= in ~/.ecryptfsrc, else the\n"
		    "default.  --fnek also adds the filename encryption key (needs the\n"
		    "ecryptfs kernel module loaded) and prints its signature second.\n"
		    "Without \"-\" the passphrase is prompted for with echo off; with \"-\" it\n"
		    "is read from standard input.  It can be at most %zu bytes long.\n",
		    kMaxPassphraseBytes);
}

static bool add_and_print(const Passphrase &pass, const Salt &salt)
{
	auto added = add_passphrase_key_to_keyring(pass, salt);
	if (!added) {
		cli::report(cli::kErrInsertKey, added.error());
		return false;
	}
	std::printf("Inserted auth tok with sig [%s] into the user session keyring\n",
		    added.value().sig.c_str());
	return true;
}

int main(int argc, char **argv)
{
	if (cli::wants_help(argc, argv)) {
		help();
		return 0;
	}
	PassphraseRead in;
	bool fnek = false;
	if (argc == 1) {
		in = read_passphrase("Passphrase");
	} else if (argc == 2 && std::strcmp(argv[1], "--fnek") == 0) {
		in = read_passphrase("Passphrase");
		fnek = true;
	} else if (argc == 2 && std::strcmp(argv[1], "-") == 0) {
		in = read_passphrase(nullptr);
	} else if (argc == 3 && std::strcmp(argv[1], "--fnek") == 0 &&
		   std::strcmp(argv[2], "-") == 0) {
		in = read_passphrase(nullptr);
		fnek = true;
	} else {
		usage();
		return 0;
	}
	if (!in) {
		usage();
		return 1;
	}
	if (fnek) {
		auto mask = kernel_feature_mask();
		if (!mask || !supports_filename_encryption(mask.value())) {
			std::fflush(stdout);
			std::fprintf(stderr, "%s\n", cli::kErrFnekSupport);
			std::fprintf(stderr, "Info: %s\n",
				     mask ? "the loaded ecryptfs module lacks filename encryption"
					  : mask.error().reason.c_str());
			return 1;
		}
	}
	if (!add_and_print(*in.passphrase, rc_salt_or_default()))
		return 1;
	if (fnek && !add_and_print(*in.passphrase, kFnekSalt))
		return 1;
	return 0;
}
