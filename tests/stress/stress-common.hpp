// SPDX-License-Identifier: GPL-2.0-only
//
// Small pieces shared by the stress programs: a seeded PRNG whose output is
// defined here (not by the standard library), so a seed reproduces the same
// run on any build; an owned file descriptor; a content pattern that can be
// recomputed from a name and a seed; FNV-1a digests; checked integer parsing.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unistd.h>

namespace stress {

// splitmix64: tiny, fast, fully specified, good enough for test choices.
class Rng {
public:
	explicit Rng(uint64_t seed) : state_(seed) {}
	uint64_t next()
	{
		uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		return z ^ (z >> 31);
	}
	// Uniform in [0, n) without modulo bias; n == 0 gives 0.
	uint64_t below(uint64_t n)
	{
		if (n == 0)
			return 0;
		uint64_t limit = UINT64_MAX - UINT64_MAX % n;
		uint64_t v;
		do
			v = next();
		while (v >= limit);
		return v % n;
	}
	// Uniform in [lo, hi] (inclusive).
	uint64_t range(uint64_t lo, uint64_t hi) { return lo + below(hi - lo + 1); }
	bool percent(unsigned p) { return below(100) < p; }

private:
	uint64_t state_;
};

inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdULL;
	z = (z ^ (z >> 33)) * 0xc4ceb9fe1a85ec53ULL;
	return z ^ (z >> 33);
}

// FNV-1a, 64 bit.
class Fnv64 {
public:
	void add(std::span<const uint8_t> b)
	{
		for (uint8_t c : b)
			h_ = (h_ ^ c) * 0x100000001b3ULL;
	}
	void add(std::string_view s)
	{
		add(std::span<const uint8_t>(reinterpret_cast<const uint8_t *>(s.data()), s.size()));
	}
	uint64_t value() const { return h_; }

private:
	uint64_t h_ = 0xcbf29ce484222325ULL;
};

inline uint64_t fnv64(std::string_view s)
{
	Fnv64 f;
	f.add(s);
	return f.value();
}

// The byte at position pos of a stream identified by key.  Every byte depends
// on both, so data written at the wrong offset or by the wrong writer shows.
inline uint8_t pattern_byte(uint64_t key, uint64_t pos)
{
	return static_cast<uint8_t>(mix64(key ^ (pos >> 3) * 0x9e3779b97f4a7c15ULL) >> ((pos & 7) * 8));
}

inline void fill_pattern(std::span<uint8_t> out, uint64_t key, uint64_t pos)
{
	for (size_t i = 0; i < out.size(); i++)
		out[i] = pattern_byte(key, pos + i);
}

// An owned file descriptor.
class Fd {
public:
	Fd() = default;
	explicit Fd(int fd) : fd_(fd) {}
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	Fd(Fd &&o) noexcept : fd_(o.release()) {}
	Fd &operator=(Fd &&o) noexcept
	{
		if (this != &o) {
			reset();
			fd_ = o.release();
		}
		return *this;
	}
	~Fd() { reset(); }
	int get() const { return fd_; }
	bool valid() const { return fd_ >= 0; }
	int release()
	{
		int f = fd_;
		fd_ = -1;
		return f;
	}
	// Close and report close()'s own error (write-back errors show here).
	int close_checked()
	{
		if (fd_ < 0)
			return 0;
		int r = ::close(fd_);
		fd_ = -1;
		return r < 0 ? errno : 0;
	}
	void reset()
	{
		if (fd_ >= 0)
			::close(fd_);
		fd_ = -1;
	}

private:
	int fd_ = -1;
};

// Strict unsigned parsing with optional K/M/G suffix (powers of 1024).
inline std::optional<uint64_t> parse_u64(std::string_view s)
{
	if (s.empty())
		return std::nullopt;
	uint64_t mult = 1;
	char last = s.back();
	if (last == 'k' || last == 'K')
		mult = 1024;
	else if (last == 'm' || last == 'M')
		mult = 1024 * 1024;
	else if (last == 'g' || last == 'G')
		mult = 1024ULL * 1024 * 1024;
	if (mult != 1)
		s.remove_suffix(1);
	if (s.empty())
		return std::nullopt;
	std::string tmp(s);
	char *end = nullptr;
	errno = 0;
	int base = (tmp.size() > 2 && tmp[0] == '0' && (tmp[1] == 'x' || tmp[1] == 'X')) ? 16 : 10;
	unsigned long long v = std::strtoull(tmp.c_str(), &end, base);
	if (errno || end != tmp.c_str() + tmp.size() || tmp[0] == '-')
		return std::nullopt;
	if (v > UINT64_MAX / mult)
		return std::nullopt;
	return static_cast<uint64_t>(v) * mult;
}

// Full-length pread/pwrite: loop over short transfers.  Return bytes done,
// or -errno.
inline int64_t pread_full(int fd, uint8_t *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	while (done < len) {
		ssize_t r = ::pread(fd, buf + done, len - done, static_cast<off_t>(off + done));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		done += static_cast<size_t>(r);
	}
	return static_cast<int64_t>(done);
}

inline int64_t pwrite_full(int fd, const uint8_t *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	while (done < len) {
		ssize_t r = ::pwrite(fd, buf + done, len - done, static_cast<off_t>(off + done));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO;
		done += static_cast<size_t>(r);
	}
	return static_cast<int64_t>(done);
}

inline int64_t write_full(int fd, const uint8_t *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t r = ::write(fd, buf + done, len - done);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO;
		done += static_cast<size_t>(r);
	}
	return static_cast<int64_t>(done);
}

} // namespace stress
