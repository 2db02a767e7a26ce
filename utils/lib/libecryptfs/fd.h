// SPDX-License-Identifier: GPL-2.0-only
/* An owned file descriptor, closed on destruction. */
#ifndef LIBECRYPTFS_FD_H
#define LIBECRYPTFS_FD_H

#include <unistd.h>

namespace ecryptfs {

class Fd {
public:
	Fd() = default;
	explicit Fd(int fd) : fd_(fd) {}
	Fd(Fd &&o) noexcept : fd_(o.release()) {}
	Fd &operator=(Fd &&o) noexcept
	{
		if (this != &o) {
			if (fd_ >= 0)
				::close(fd_);
			fd_ = o.release();
		}
		return *this;
	}
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	~Fd()
	{
		if (fd_ >= 0)
			::close(fd_);
	}
	int get() const noexcept { return fd_; }
	int release() noexcept
	{
		int f = fd_;
		fd_ = -1;
		return f;
	}
	explicit operator bool() const noexcept { return fd_ >= 0; }

private:
	int fd_ = -1;
};

} // namespace ecryptfs

#endif
