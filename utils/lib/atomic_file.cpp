// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/atomic_file.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ecryptfs {

namespace {

class Fd {
public:
	explicit Fd(int fd) noexcept : fd_(fd) {}
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	~Fd() { close(); }
	int get() const noexcept { return fd_; }
	int close() noexcept
	{
		int rc = 0;
		if (fd_ >= 0)
			rc = ::close(fd_);
		fd_ = -1;
		return rc;
	}

private:
	int fd_;
};

/* Removes the temporary file unless told the rename happened. */
class TempName {
public:
	explicit TempName(std::string name) : name_(std::move(name)) {}
	TempName(const TempName &) = delete;
	TempName &operator=(const TempName &) = delete;
	~TempName()
	{
		if (!name_.empty())
			::unlink(name_.c_str());
	}
	void release() { name_.clear(); }

private:
	std::string name_;
};

Error io_error(int err, const std::string &what, const std::string &path)
{
	return Error{-err, what + " " + path + ": " + std::strerror(err)};
}

std::string parent_dir(const std::string &path)
{
	auto slash = path.rfind('/');
	if (slash == std::string::npos)
		return ".";
	if (slash == 0)
		return "/";
	return path.substr(0, slash);
}

} // namespace

Status replace_file_atomically(const std::string &path, std::span<const std::uint8_t> contents)
{
	std::string tmpl = path + "-XXXXXX";
	std::vector<char> name(tmpl.begin(), tmpl.end());
	name.push_back('\0');
	/* mkostemp creates the file with mode 0600 (further limited by umask). */
	Fd fd(::mkostemp(name.data(), O_CLOEXEC));
	if (fd.get() < 0)
		return io_error(errno, "cannot create a temporary file next to", path);
	TempName tmp(name.data());
	/*
	 * mkostemp asks for 0600, but a umask with owner bits (setup scripts
	 * use 0377) would leave 0400 or even 0000.  The file is still empty
	 * and was never more open than 0600, so bring it to exactly 0600
	 * before anything is written, as ecryptfs-utils does (it sets umask
	 * 077 around mkstemp; we avoid umask, which is process-wide).
	 */
	if (::fchmod(fd.get(), S_IRUSR | S_IWUSR) < 0)
		return io_error(errno, "cannot set mode 0600 on", name.data());

	std::size_t done = 0;
	while (done < contents.size()) {
		ssize_t n = ::write(fd.get(), contents.data() + done, contents.size() - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return io_error(errno, "cannot write", name.data());
		}
		done += static_cast<std::size_t>(n);
	}
	if (::fsync(fd.get()) < 0)
		return io_error(errno, "cannot fsync", name.data());
	if (fd.close() < 0)
		return io_error(errno, "cannot close", name.data());
	if (::rename(name.data(), path.c_str()) < 0)
		return io_error(errno, "cannot rename the temporary file over", path);
	tmp.release();

	const std::string dir = parent_dir(path);
	Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (dfd.get() < 0 || ::fsync(dfd.get()) < 0)
		return io_error(errno, "file replaced, but cannot fsync its directory", dir);
	return Ok{};
}

Result<std::vector<std::uint8_t>> read_up_to(int fd, std::size_t max)
{
	std::vector<std::uint8_t> buf(max);
	std::size_t got = 0;
	while (got < buf.size()) {
		ssize_t n = ::read(fd, buf.data() + got, buf.size() - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			return Error{-err, std::strerror(err)};
		}
		if (n == 0)
			break;
		got += static_cast<std::size_t>(n);
	}
	buf.resize(got);
	return buf;
}

} // namespace ecryptfs
