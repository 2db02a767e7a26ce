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

static_assert(kMaxPassphraseBytes == 64, "the description names the limit");

static const cli::Command kCmd = {
	.name = "ecryptfs-rewrap-passphrase",
	.usage = "Usage:\n"
		 "\n"
		 "ecryptfs-rewrap-passphrase [file]\n"
		 "or\n"
		 "printf \"%s\\n%s\" \"old wrapping passphrase\" \"new wrapping passphrase\" "
		 "| ecryptfs-rewrap-passphrase [file] -\n"
		 "\n",
	.description = "Re-encrypts the passphrase in a wrapped-passphrase file under a new\n"
		       "wrapping passphrase.  Without \"-\" the old passphrase and the new one\n"
		       "(twice) are prompted for with echo off; with \"-\" the old and the new\n"
		       "one are two lines of standard input.  The file is replaced atomically\n"
		       "by a version 2 file with mode 0600.  Passphrases can be at most 64\n"
		       "bytes long.\n",
	.min_operands = 1,
	.max_operands = 3,
	.secret_operands = true,
};

static void usage()
{
	std::fputs(kCmd.usage, stdout);
}

int main(int argc, char **argv)
{
	const auto args = cli::parse(kCmd, argc, argv);
	const auto &op = args.operands;
	std::optional<Passphrase> old_wrapping, new_wrapping;
	bool from_argv = false;
	if (op.size() == 1) {
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
	} else if (op.size() == 2 && std::strcmp(op[1], "-") == 0) {
		old_wrapping = read_passphrase(nullptr, "Old wrapping passphrase").passphrase;
		new_wrapping = read_passphrase(nullptr, "New wrapping passphrase").passphrase;
	} else if (op.size() == 3) {
		old_wrapping = cli::take_secret_arg(op[1]);
		new_wrapping = cli::take_secret_arg(op[2]);
		from_argv = true;
	} else {
		cli::usage_error(kCmd, "the second operand is \"-\" or the old and the new wrapping passphrase");
	}
	if (!old_wrapping || !new_wrapping || old_wrapping->size() > kMaxPassphraseBytes ||
	    new_wrapping->size() > kMaxPassphraseBytes) {
		if (from_argv)
			cli::complain_too_long();
		usage();
		return 0;
	}
	const std::string file = op[0];
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
