// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-umount-private: unmount your encrypted private directory (when
 * no other session uses it) and remove its keys from your keyring.
 */
#include <cstdio>
#include <string>

#include <unistd.h>

#include "libecryptfs/cli.h"
#include "libecryptfs/private_dir.h"
#include "libecryptfs/private_ops.h"

using namespace ecryptfs;

static const cli::Command kCmd = {
	.name = "ecryptfs-umount-private",
	.usage = "Usage: ecryptfs-umount-private\n",
	.description = "Unmounts ~/Private (when no other login session still uses it)\n"
		       "and removes its keys from your keyring.\n",
	.max_operands = 0,
};

int main(int argc, char **argv)
{
	cli::parse(kCmd, argc, argv);
	const priv::Paths paths = priv::own_paths_or_exit();
	const std::string dest = priv::configured_mountpoint(paths);
	char cwd[4096];
	const bool in_mountpoint = getcwd(cwd, sizeof(cwd)) && dest == cwd &&
				   priv::ecryptfs_mounted(paths.crypt_dir, dest);

	if (priv::run_program(priv::kUmountHelper, {priv::kUmountHelper}) != 0)
		return 1;
	auto sig_text = priv::read_small_file(paths.sig_file);
	if (sig_text) {
		auto sigs = priv::parse_sig_file(*sig_text);
		if (sigs)
			priv::remove_keys(sigs.value());
	}
	if (in_mountpoint)
		std::printf("\nINFO: Your private directory has been unmounted.\n"
			    "INFO: To see this change in your current shell:\n  cd %s\n\n",
			    cwd);
	return 0;
}
