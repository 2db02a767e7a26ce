// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/safe_path.h"

#include <cerrno>
#include <cstring>
#include <functional>
#include <string_view>

#include <fcntl.h>

namespace ecryptfs::safe_path {

namespace {

/*
 * The walk behind open_dir and open_fixed_dir: @check sees every step
 * (the parent's stat, the child's stat, the path so far) and may stop it.
 */
Result<Fd> walk(int at, const std::string &path,
		const std::function<Status(const struct stat &, const struct stat &,
					   const std::string &)> &check)
{
	const bool absolute = !path.empty() && path[0] == '/';
	if (at < 0 && !absolute)
		return Error{-EINVAL, "not an absolute path: " + path};
	Fd cur(absolute ? ::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
			: ::fcntl(at, F_DUPFD_CLOEXEC, 0));
	if (!cur)
		return Error{-errno, "opening " + std::string(absolute ? "/" : "a directory") +
					     ": " + std::strerror(errno)};
	struct stat cur_st{};
	if (::fstat(cur.get(), &cur_st) != 0)
		return Error{-errno, std::string("stat: ") + std::strerror(errno)};
	std::string so_far = absolute ? "" : ".";
	std::string_view rest(path);
	while (!rest.empty()) {
		const auto slash = rest.find('/');
		const std::string name(rest.substr(0, slash));
		rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
		if (name.empty())
			continue;
		so_far += "/" + name;
		if (name == "." || name == "..")
			return Error{-EINVAL, "refusing a path with '.' or '..' in it: " + path};
		Fd next(::openat(cur.get(), name.c_str(),
				 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
		if (!next) {
			int err = errno;
			if (err == ELOOP)
				return Error{-ELOOP, so_far + " is a symbolic link: refusing to "
							      "follow it"};
			if (err == ENOTDIR) {
				struct stat lst{};
				if (::fstatat(cur.get(), name.c_str(), &lst, AT_SYMLINK_NOFOLLOW) ==
					    0 &&
				    S_ISLNK(lst.st_mode))
					return Error{-ELOOP, so_far + " is a symbolic link: refusing "
								      "to follow it"};
				return Error{-ENOTDIR, so_far + " is not a directory"};
			}
			return Error{-err, "cannot open " + so_far + ": " + std::strerror(err)};
		}
		struct stat next_st{};
		if (::fstat(next.get(), &next_st) != 0)
			return Error{-errno, "stat " + so_far + ": " + std::strerror(errno)};
		if (check) {
			if (auto st = check(cur_st, next_st, so_far); !st)
				return st.error();
		}
		cur = std::move(next);
		cur_st = next_st;
	}
	return cur;
}

} // namespace

Result<Fd> open_dir(const std::string &path)
{
	return walk(-1, path, nullptr);
}

Result<Fd> open_dir_at(int at, const std::string &path)
{
	return walk(at, path, nullptr);
}

bool replaceable(const struct stat &parent, const struct stat &child)
{
	if (parent.st_uid != 0)
		return true;
	const bool others_write = parent.st_mode & (S_IWGRP | S_IWOTH);
	if (!others_write)
		return false;
	if (!(parent.st_mode & S_ISVTX))
		return true;
	return child.st_uid != 0;
}

Result<Fd> open_fixed_dir(const std::string &path)
{
	return walk(-1, path,
		    [&](const struct stat &parent, const struct stat &child,
			const std::string &so_far) -> Status {
			    if (!replaceable(parent, child))
				    return Ok{};
			    return Error{-EPERM,
					 so_far + " can be replaced by a user other than root (its "
						  "directory is not root's, or is writable by "
						  "others): refusing to let root mount there"};
		    });
}

std::string fd_path(int fd)
{
	return "/proc/self/fd/" + std::to_string(fd);
}

} // namespace ecryptfs::safe_path
