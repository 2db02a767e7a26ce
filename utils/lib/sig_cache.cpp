// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/sig_cache.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "libecryptfs/atomic_file.h"

namespace ecryptfs::sig_cache {

std::string path_in(const std::string &home)
{
	return home + "/.ecryptfs/sig-cache.txt";
}

bool text_contains(std::string_view text, std::string_view sig)
{
	if (sig.size() != kRecordSize - 1)
		return false;
	for (std::size_t off = 0; off + sig.size() <= text.size(); off += kRecordSize)
		if (text.substr(off, sig.size()) == sig)
			return true;
	return false;
}

namespace {

Result<std::string> read_all(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	if (!in) {
		int err = errno;
		if (err == ENOENT)
			return std::string();
		return Error{-err, "cannot read " + path + ": " + std::strerror(err)};
	}
	return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace

Result<bool> contains(const std::string &path, std::string_view sig)
{
	auto text = read_all(path);
	if (!text)
		return text.error();
	return text_contains(text.value(), sig);
}

Status append(const std::string &home, std::string_view sig, uid_t uid, gid_t gid)
{
	const std::string dir = home + "/.ecryptfs";
	if (::mkdir(dir.c_str(), 0700) == 0) {
		if (::chown(dir.c_str(), uid, gid) != 0) {
			int err = errno;
			return Error{-err, "cannot give " + dir + " to its owner: " + std::strerror(err)};
		}
	} else if (errno != EEXIST) {
		int err = errno;
		return Error{-err, "cannot create " + dir + ": " + std::strerror(err)};
	}
	const std::string path = path_in(home);
	auto text = read_all(path);
	if (!text)
		return text.error();
	std::string data = std::move(text.value());
	/* Keep the 17-byte record grid even if the last record lost its newline. */
	if (data.size() % kRecordSize == kRecordSize - 1)
		data.push_back('\n');
	else if (data.size() % kRecordSize != 0)
		data.resize(data.size() - data.size() % kRecordSize);
	data.append(sig);
	data.push_back('\n');
	std::vector<std::uint8_t> bytes(data.begin(), data.end());
	auto st = replace_file_atomically(path, bytes);
	if (!st)
		return st;
	if (::chown(path.c_str(), uid, gid) != 0) {
		int err = errno;
		return Error{-err, "cannot give " + path + " to its owner: " + std::strerror(err)};
	}
	return Ok{};
}

} // namespace ecryptfs::sig_cache
