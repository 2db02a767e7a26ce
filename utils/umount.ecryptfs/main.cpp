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

int main(int argc, char **argv)
{
	if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
		std::printf("Usage: umount.ecryptfs MOUNTPOINT [umount arguments]\n"
			    "(umount(8) runs it for \"umount MOUNTPOINT\".)  Removes the mount's keys\n"
			    "from your user keyring when it was mounted with ecryptfs_unlink_sigs,\n"
			    "then unmounts with \"umount -i\".\n");
		return 0;
	}
	if (argc < 2) {
		std::fprintf(stderr, "Usage: umount.ecryptfs MOUNTPOINT [umount arguments]\n");
		return (-EINVAL) & 0xff;
	}
	std::string target = argv[1];
	char buf[PATH_MAX];
	if (::realpath(argv[1], buf))
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
	for (int i = 1; i < argc; ++i)
		args.push_back(argv[i]);
	args.push_back(nullptr);
	std::fflush(stdout);
	::execv("/bin/umount", args.data());
	std::fprintf(stderr, "umount.ecryptfs: cannot run /bin/umount: %s\n", std::strerror(errno));
	return 1;
}
