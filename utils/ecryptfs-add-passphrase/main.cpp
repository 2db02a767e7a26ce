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

static_assert(kMaxPassphraseBytes == 64, "the description names the limit");

enum { kFnek = 1 };
static const cli::Option kOptions[] = {
	{kFnek, "fnek", 0, nullptr, "also add the filename encryption key"},
};
static const cli::Command kCmd = {
	.name = "ecryptfs-add-passphrase",
	.usage = "Usage:\n"
		 "ecryptfs-add-passphrase [--fnek]\n"
		 "or\n"
		 "printf \"%s\" \"passphrase\" | ecryptfs-add-passphrase [--fnek] -\n"
		 "\n",
	.description = "Adds the eCryptfs key derived from a passphrase to your user keyring\n"
		       "(key type \"user\", described by its 16-hex-digit signature) and prints\n"
		       "the signature.  The salt comes from salt= in ~/.ecryptfsrc, else the\n"
		       "default.  --fnek also adds the filename encryption key (needs the\n"
		       "ecryptfs kernel module loaded) and prints its signature second.\n"
		       "Without \"-\" the passphrase is prompted for with echo off; with \"-\" it\n"
		       "is read from standard input.  It can be at most 64 bytes long.\n",
	.options = kOptions,
	.max_operands = 1,
	.secret_operands = true,
};

static void usage()
{
	std::fputs(kCmd.usage, stdout);
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
	const auto args = cli::parse(kCmd, argc, argv);
	const bool fnek = args.has(kFnek);
	if (!args.operands.empty() && std::strcmp(args.operands[0], "-") != 0)
		cli::usage_error(kCmd, "the only operand is \"-\" (the passphrase on standard input)");
	PassphraseRead in = args.operands.empty() ? read_passphrase("Passphrase")
						  : read_passphrase(nullptr, "Passphrase");
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
