// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-mount-private: mount your encrypted private directory, asking
 * for your login (or wrapping) passphrase to unwrap the mount passphrase
 * when its keys are not in your keyring yet.
 */
#include <cstdio>
#include <cstring>
#include <string>

#include <unistd.h>

#include "libecryptfs/cli.h"
#include "libecryptfs/passphrase_input.h"
#include "libecryptfs/private_dir.h"
#include "libecryptfs/private_ops.h"

using namespace ecryptfs;

static const cli::Command kCmd = {
	.name = "ecryptfs-mount-private",
	.usage = "Usage: ecryptfs-mount-private\n",
	.description = "Mounts ~/.Private on ~/Private (see ~/.ecryptfs/Private.mnt).  When\n"
		       "its keys are not in your keyring, asks for your login passphrase (or\n"
		       "your wrapping passphrase if ~/.ecryptfs/wrapping-independent exists)\n"
		       "to unwrap ~/.ecryptfs/wrapped-passphrase.\n",
	.max_operands = 0,
};

int main(int argc, char **argv)
{
	cli::parse(kCmd, argc, argv);
	const priv::Paths paths = priv::own_paths_or_exit();

	/* Silently first: the keys may be in the keyring already. */
	if (priv::run_program(priv::kMountHelper, {priv::kMountHelper}, {}, true) == 0)
		return 0;

	auto sig_text = priv::read_small_file(paths.sig_file);
	if (access(paths.wrapped_passphrase.c_str(), F_OK) != 0 || !sig_text) {
		std::printf("ERROR: Encrypted private directory is not setup properly\n");
		return 1;
	}
	auto sigs = priv::parse_sig_file(*sig_text);
	if (!sigs) {
		std::printf("ERROR: Encrypted private directory is not setup properly (%s in %s)\n",
			    sigs.error().reason.c_str(), paths.sig_file.c_str());
		return 1;
	}
	const bool independent = access(paths.wrapping_independent.c_str(), F_OK) == 0;
	const char *message =
		independent ? "Enter your wrapping passphrase" : "Enter your login passphrase";
	int tries = 0;
	for (; tries < 3; tries++) {
		auto p = read_passphrase(message);
		if (!p)
			return 1;
		auto r = priv::add_keys_from_wrapped_file(paths.wrapped_passphrase, *p.passphrase,
							  sigs.value());
		if (r)
			break;
		std::printf("ERROR: Your passphrase is incorrect\n");
	}
	if (tries >= 3) {
		std::printf("ERROR: Too many incorrect password attempts, exiting\n");
		return 1;
	}
	priv::link_user_keyring_into_session();
	if (priv::run_program(priv::kMountHelper, {priv::kMountHelper}) != 0)
		return 1;

	char cwd[4096];
	if (getcwd(cwd, sizeof(cwd))) {
		if (priv::configured_mountpoint(paths) == cwd)
			std::printf("\nINFO: Your private directory has been mounted.\n"
				    "INFO: To see this change in your current shell:\n  cd %s\n\n",
				    cwd);
	}
	return 0;
}
