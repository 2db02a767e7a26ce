// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/kernel_features.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <mntent.h>
#include <unistd.h>

#include "ecryptfs/format.h"

namespace ecryptfs {

namespace {

std::string sysfs_mount_point()
{
	std::string mnt = "/sys";
	FILE *f = setmntent("/proc/self/mounts", "r");
	if (!f)
		return mnt;
	while (struct mntent *m = getmntent(f)) {
		if (std::strcmp(m->mnt_type, "sysfs") == 0) {
			mnt = m->mnt_dir;
			break;
		}
	}
	endmntent(f);
	return mnt;
}

} // namespace

Result<std::uint32_t> kernel_feature_mask()
{
	const std::string path = sysfs_mount_point() + "/fs/ecryptfs/version";
	int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		return Error{-EINVAL, "cannot read " + path + " (" + std::strerror(err) +
					      "): is the ecryptfs kernel module loaded?"};
	}
	char buf[17] = {};
	ssize_t n = ::read(fd, buf, 16);
	::close(fd);
	if (n <= 0)
		return Error{-EINVAL, "cannot read " + path};
	return static_cast<std::uint32_t>(std::atoi(buf));
}

bool supports_filename_encryption(std::uint32_t mask)
{
	return (mask & ECRYPTFS_VERSIONING_FILENAME_ENCRYPTION) != 0;
}

} // namespace ecryptfs
