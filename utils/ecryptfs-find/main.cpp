// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-find PATH: find the other side of a file of an eCryptfs mount.
 * Given a lower (encrypted) name, print the upper (cleartext) paths with
 * the same inode number in every ecryptfs mount; given anything else, the
 * lower paths.  eCryptfs gives upper inodes the lower inode's number.
 */
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <ftw.h>
#include <mntent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libecryptfs/cli.h"

using namespace ecryptfs;

namespace {

ino_t g_ino = 0;

int match(const char *path, const struct stat *st, int flag, struct FTW *)
{
	if (flag != FTW_NS && st->st_ino == g_ino)
		std::printf("%s\n", path);
	return 0;
}

} // namespace

const cli::Command kCmd = {
	.name = "ecryptfs-find",
	.usage = "Usage: ecryptfs-find PATH\n",
	.description = "Prints the cleartext path(s) of an encrypted lower file (a name with\n"
		       "ECRYPTFS_FNEK_ENCRYPTED.), or the encrypted lower path(s) of a file,\n"
		       "searching every mounted eCryptfs file system.\n",
	.min_operands = 1,
	.max_operands = 1,
};

int main(int argc, char **argv)
{
	const char *path = cli::parse(kCmd, argc, argv).operands[0];
	struct stat st;
	if (::lstat(path, &st) != 0) {
		std::fprintf(stderr, "ERROR: [%s] not found\n", path);
		return 1;
	}
	g_ino = st.st_ino;
	const bool decrypt = std::strstr(path, "ECRYPTFS_FNEK_ENCRYPTED.") != nullptr;
	std::vector<std::string> roots;
	FILE *f = setmntent("/proc/mounts", "r");
	while (f) {
		struct mntent *m = getmntent(f);
		if (!m)
			break;
		if (std::strcmp(m->mnt_type, "ecryptfs") != 0)
			continue;
		std::string dir = decrypt ? m->mnt_dir : m->mnt_fsname;
		if (access(dir.c_str(), R_OK | X_OK) == 0)
			roots.push_back(dir);
	}
	if (f)
		endmntent(f);
	for (const auto &r : roots)
		nftw((r + "/").c_str(), match, 32, FTW_PHYS);
	return 0;
}
