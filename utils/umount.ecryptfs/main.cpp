// SPDX-License-Identifier: GPL-2.0-only
/*
 * umount.ecryptfs MOUNTPOINT [ARGS...]: the unmount helper umount(8) runs
 * for ecryptfs mounts.  When the mount's options hold ecryptfs_unlink_sigs,
 * removes its keys (ecryptfs_sig= and ecryptfs_fnek_sig=) from the user
 * keyring; then unmounts with "umount -i" and the original arguments.
 */
#include <algorithm>
#include <cerrno>
#include <optional>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <mntent.h>
#include <unistd.h>

#include "libecryptfs/cli.h"
#include "libecryptfs/keyring.h"
#include "libecryptfs/mount_options.h"

using namespace ecryptfs;

namespace {

/* Options of the last ecryptfs mount on @target in /proc/self/mounts. */
std::optional<std::string> mount_options_of(const std::string &target)
{
	FILE *f = setmntent("/proc/self/mounts", "r");
	if (!f)
		return std::nullopt;
	std::optional<std::string> found;
	while (struct mntent *m = getmntent(f)) {
		if (std::strcmp(m->mnt_type, "ecryptfs") == 0 && target == m->mnt_dir)
			found = m->mnt_opts;
	}
	endmntent(f);
	return found;
}

} // namespace

/* What umount(8) passes to a helper: umount.TYPE DIR [-flnrv] [-N NS] [-t TYPE]. */
const cli::Option kOptions[] = {
	{'f', nullptr, 'f', nullptr, "force (passed on to umount)"},
	{'l', nullptr, 'l', nullptr, "lazy (passed on to umount)"},
	{'n', nullptr, 'n', nullptr, "no mtab update (passed on to umount)"},
	{'r', nullptr, 'r', nullptr, "remount read-only on failure (passed on to umount)"},
	{'v', nullptr, 'v', nullptr, "verbose (passed on to umount)"},
	{'N', nullptr, 'N', "NS", "mount namespace (passed on to umount)"},
	{'t', nullptr, 't', "TYPE", "file system type (passed on to umount)"},
};
const cli::Command kCmd = {
	.name = "umount.ecryptfs",
	.usage = "Usage: umount.ecryptfs MOUNTPOINT [-flnrv] [-N NS] [-t TYPE]\n",
	.description = "umount(8) runs it for \"umount MOUNTPOINT\".  Removes the mount's keys\n"
		       "from your user keyring when it was mounted with ecryptfs_unlink_sigs,\n"
		       "then unmounts with \"umount -i\" and the same arguments.\n",
	.options = kOptions,
	.min_operands = 1,
	.max_operands = 1,
};

int main(int argc, char **argv)
{
	/* The arguments as given, passed on to umount (parse() reorders argv). */
	const std::vector<char *> original(argv + 1, argv + argc);
	const auto parsed = cli::parse(kCmd, argc, argv);
	const char *mountpoint = parsed.operands[0];
	std::string target = mountpoint;
	char buf[PATH_MAX];
	if (::realpath(mountpoint, buf))
		target = buf;
	if (auto opts = mount_options_of(target);
	    opts && mount::has_option(*opts, "ecryptfs_unlink_sigs")) {
		bool failed = false;
		std::vector<std::string> done;
		for (const char *name : {"ecryptfs_sig", "ecryptfs_fnek_sig"}) {
			for (const auto &sig : mount::option_values(*opts, name)) {
				if (std::find(done.begin(), done.end(), sig) != done.end())
					continue;
				done.push_back(sig);
				auto st = remove_auth_tok_from_user_keyring(sig);
				if (!st && st.error().code != -ENOKEY) {
					std::fprintf(stderr, "Failed to remove %s with sig [%s] from "
							     "keyring: %s\n",
						     std::strcmp(name, "ecryptfs_sig") == 0 ? "fekek"
											    : "fnek",
						     sig.c_str(), std::strerror(-st.error().code));
					failed = true;
				}
			}
		}
		if (failed)
			std::fprintf(stderr, "Could not unlink the key(s) from your keying. Please use "
					     "`keyctl unlink` if you wish to remove the key(s). "
					     "Proceeding with umount.\n");
	}
	std::vector<char *> args;
	static char umount_name[] = "umount", dash_i[] = "-i";
	args.push_back(umount_name);
	args.push_back(dash_i);
	for (char *a : original)
		args.push_back(a);
	args.push_back(nullptr);
	std::fflush(stdout);
	::execv("/bin/umount", args.data());
	cli::die(kCmd.name, std::string("cannot run /bin/umount: ") + std::strerror(errno));
}
