// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-rewrite-file FILE...: re-encrypt files in place through a
 * mounted eCryptfs with its current policy (key, cipher, filename
 * encryption).  A file or symlink is copied to a temporary sibling (content,
 * mode, owner, times, extended attributes), synced, and renamed over the
 * original, so the original stays whole until the copy is complete.  A
 * directory is renamed to a temporary sibling and back (its name is
 * re-encrypted).
 */
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "libecryptfs/cli.h"

using namespace ecryptfs;

namespace {

struct Failure {
	std::string msg;
};

std::string temp_name(const std::string &path, bool dir)
{
	std::string t = path + ".XXXXXXXXXX";
	std::vector<char> b(t.begin(), t.end());
	b.push_back('\0');
	if (dir) {
		if (!mkdtemp(b.data()))
			throw Failure{"Could not create tempdir"};
	} else {
		int fd = mkstemp(b.data());
		if (fd < 0)
			throw Failure{"Could not create tempfile"};
		::close(fd);
	}
	return b.data();
}

void copy_xattrs(const std::string &from, int to_fd)
{
	ssize_t n = llistxattr(from.c_str(), nullptr, 0);
	if (n <= 0)
		return;
	std::vector<char> names(static_cast<std::size_t>(n));
	n = llistxattr(from.c_str(), names.data(), names.size());
	for (ssize_t i = 0; i < n;) {
		const char *name = names.data() + i;
		i += static_cast<ssize_t>(std::strlen(name)) + 1;
		ssize_t vn = lgetxattr(from.c_str(), name, nullptr, 0);
		if (vn < 0)
			continue;
		std::vector<char> v(static_cast<std::size_t>(vn) + 1);
		vn = lgetxattr(from.c_str(), name, v.data(), v.size());
		if (vn >= 0)
			fsetxattr(to_fd, name, v.data(), static_cast<std::size_t>(vn), 0);
	}
}

void rewrite_file(const std::string &path, const struct stat &st)
{
	const std::string tmp = temp_name(path, false);
	int in = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int out = ::open(tmp.c_str(), O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
	bool ok = in >= 0 && out >= 0;
	std::vector<char> buf(1 << 16);
	while (ok) {
		ssize_t n = ::read(in, buf.data(), buf.size());
		if (n < 0) {
			ok = false;
			break;
		}
		if (n == 0)
			break;
		if (::write(out, buf.data(), static_cast<std::size_t>(n)) != n)
			ok = false;
	}
	if (ok) {
		copy_xattrs(path, out);
		ok = fchown(out, st.st_uid, st.st_gid) == 0 || geteuid() != 0;
		ok = ok && fchmod(out, st.st_mode & 07777) == 0;
		struct timespec times[2] = {st.st_atim, st.st_mtim};
		ok = ok && futimens(out, times) == 0 && fsync(out) == 0;
	}
	if (in >= 0)
		::close(in);
	if (out >= 0 && ::close(out) != 0)
		ok = false;
	if (!ok) {
		::unlink(tmp.c_str());
		throw Failure{"Could not copy [" + path + "] -> [" + tmp + "]"};
	}
	if (::rename(tmp.c_str(), path.c_str()) != 0) {
		::unlink(tmp.c_str());
		throw Failure{"Could not rename [" + tmp + "] -> [" + path + "]"};
	}
}

void rewrite_symlink(const std::string &path, const struct stat &st)
{
	char target[4096];
	ssize_t n = readlink(path.c_str(), target, sizeof(target) - 1);
	if (n < 0)
		throw Failure{"Could not copy [" + path + "]"};
	target[n] = '\0';
	std::string tmp = temp_name(path, false);
	::unlink(tmp.c_str());
	if (::symlink(target, tmp.c_str()) != 0)
		throw Failure{"Could not copy [" + path + "] -> [" + tmp + "]"};
	if (geteuid() == 0 && ::lchown(tmp.c_str(), st.st_uid, st.st_gid) != 0) {
		const int e = errno;
		::unlink(tmp.c_str());
		throw Failure{"Could not set the owner of [" + tmp + "]: " + std::strerror(e)};
	}
	if (::rename(tmp.c_str(), path.c_str()) != 0) {
		::unlink(tmp.c_str());
		throw Failure{"Could not rename [" + tmp + "] -> [" + path + "]"};
	}
}

void rewrite_dir(const std::string &path)
{
	const std::string tmp = temp_name(path, true);
	if (::rename(path.c_str(), tmp.c_str()) != 0) {
		::rmdir(tmp.c_str());
		throw Failure{"Could not rename [" + path + "] -> [" + tmp + "]"};
	}
	if (::rename(tmp.c_str(), path.c_str()) != 0)
		throw Failure{"Could not rename [" + tmp + "] -> [" + path + "]"};
}

} // namespace

const cli::Command kCmd = {
	.name = "ecryptfs-rewrite-file",
	.usage = "Usage: ecryptfs-rewrite-file FILE...\n",
	.description = "Re-encrypts each FILE (inside a mounted eCryptfs) with the mount's\n"
		       "current key and options; directories get their names re-encrypted.\n",
	.min_operands = 1,
};

int main(int argc, char **argv)
{
	const auto args = cli::parse(kCmd, argc, argv);
	const int total = static_cast<int>(args.operands.size());
	int ok = 0;
	for (int j = 1; j <= total; j++) {
		const std::string path = args.operands[j - 1];
		std::printf("INFO: Rewriting [%d/%d] [%s] ... ", j, total, path.c_str());
		std::fflush(stdout);
		struct stat st;
		try {
			if (::lstat(path.c_str(), &st) != 0)
				throw Failure{"File does not exist"};
			if (path == ".") {
				std::fflush(stdout);
				std::fprintf(stderr, "[EXCLUDED]\n");
				continue;
			}
			if (S_ISDIR(st.st_mode))
				rewrite_dir(path);
			else if (S_ISLNK(st.st_mode))
				rewrite_symlink(path, st);
			else if (S_ISREG(st.st_mode))
				rewrite_file(path, st);
			else
				throw Failure{"Not a regular file, symlink or directory"};
			std::printf("[OK]\n");
			ok++;
		} catch (const Failure &f) {
			std::printf("[FAILED]\n");
			std::fflush(stdout);
			std::fprintf(stderr, "ERROR: %s\n", f.msg.c_str());
		}
	}
	std::printf("%d/%d rewrites succeeded\n", ok, total);
	return ok == total ? 0 : 1;
}
