// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/secure.h"

#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

#include "libecryptfs/fd.h"

namespace ecryptfs {

std::optional<SecureBytes> read_secret_file(const std::string &path, std::size_t max)
{
	Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd)
		return std::nullopt;
	/* One allocation of max + 1 bytes: nothing is ever copied to a larger buffer. */
	SecureBytes buf(max + 1);
	std::size_t got = 0;
	while (got < buf.size()) {
		ssize_t n = ::read(fd.get(), buf.data() + got, buf.size() - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return std::nullopt;
		if (n == 0)
			break;
		got += static_cast<std::size_t>(n);
	}
	if (got > max)
		return std::nullopt;
	OPENSSL_cleanse(buf.data() + got, buf.size() - got);
	buf.resize(got);
	return buf;
}

} // namespace ecryptfs
