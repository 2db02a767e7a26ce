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

static_assert(kMaxPassphraseBytes == 64, "the usage text names the limit");

static const cli::Command kCmd = {
	.name = "ecryptfs-wrap-passphrase",
	.usage = "Usage:\n"
		 "\n"
		 "ecryptfs-wrap-passphrase [file]\n"
		 "or\n"
		 "printf \"%s\\n%s\" \"passphrase to wrap\" \"wrapping passphrase\" "
		 "| ecryptfs-wrap-passphrase [file] -\n"
		 "\n"
		 "note: passphrase can be at most 64 bytes long\n",
	.description =
		"Encrypts a passphrase (typically your eCryptfs mount passphrase) with a\n"
		"wrapping passphrase (typically your login password) and writes it to\n"
		"[file] as a version 2 wrapped-passphrase file, mode 0600.  Without \"-\"\n"
		"both are prompted for with echo off; with \"-\" they are read as two\n"
		"lines from standard input.  An existing [file] is replaced atomically.\n"
		"The legacy form \"ecryptfs-wrap-passphrase FILE PASSPHRASE WRAPPING\"\n"
		"still works but exposes both secrets to other users: avoid it.\n",
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
	std::optional<Passphrase> pass, wrapping;
	bool from_argv = false;
	if (op.size() == 1) {
		auto p = read_passphrase("Passphrase to wrap");
		pass = std::move(p.passphrase);
		if (pass)
			wrapping = read_passphrase("Wrapping passphrase").passphrase;
	} else if (op.size() == 2 && std::strcmp(op[1], "-") == 0) {
		pass = read_passphrase(nullptr, "Passphrase to wrap").passphrase;
		if (pass)
			wrapping = read_passphrase(nullptr, "Wrapping passphrase").passphrase;
	} else if (op.size() == 3) {
		pass = cli::take_secret_arg(op[1]);
		wrapping = cli::take_secret_arg(op[2]);
		from_argv = true;
	} else {
		cli::usage_error(kCmd, "the second operand is \"-\" or a passphrase and a wrapping passphrase");
	}
	if (!pass || !wrapping || pass->size() > kMaxPassphraseBytes ||
	    wrapping->size() > kMaxPassphraseBytes) {
		if (from_argv)
			cli::complain_too_long();
		usage();
		return 1;
	}
	auto st = wrapped::wrap_to_file(op[0], *pass, *wrapping);
	if (!st) {
		cli::report(cli::kErrWrap, st.error());
		return 1;
	}
	return 0;
}
