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

static_assert(kMaxPassphraseBytes == 64, "the description names the limit");

static const cli::Command kCmd = {
	.name = "ecryptfs-insert-wrapped-passphrase-into-keyring",
	.usage = "Usage:\n"
		 "\n"
		 "ecryptfs-insert-wrapped-passphrase-into-keyring [file]\n"
		 "or\n"
		 "printf \"%s\" \"wrapping passphrase\" | "
		 "ecryptfs-insert-wrapped-passphrase-into-keyring [file] -\n"
		 "\n",
	.description = "Decrypts a wrapped-passphrase file (default:\n"
		       "~/.ecryptfs/wrapped-passphrase) and adds two keys derived from the\n"
		       "passphrase to your user keyring: the filename encryption key and the\n"
		       "file encryption key, whose signature is printed.  Without \"-\" the\n"
		       "wrapping passphrase is prompted for with echo off; with \"-\" it is one\n"
		       "line of standard input.  It can be at most 64 bytes long.\n",
	.max_operands = 2,
	.secret_operands = true,
};

int main(int argc, char **argv)
{
	const auto parsed = cli::parse(kCmd, argc, argv);
	auto args = cli::wrapped_file_args(parsed.operands, true);
	if (!args) {
		std::fputs(kCmd.usage, stdout);
		return 0;
	}
	const Salt salt = rc_salt_or_default();
	auto pass = wrapped::unwrap_file(args->file, args->wrapping, salt);
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
