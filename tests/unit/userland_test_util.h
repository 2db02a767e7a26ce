// SPDX-License-Identifier: GPL-2.0-only
/* Small helpers shared by the userland unit tests. */
#ifndef USERLAND_TEST_UTIL_H
#define USERLAND_TEST_UTIL_H

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ecryptfs_test {

inline std::vector<std::uint8_t> unhex(std::string_view hex)
{
	std::vector<std::uint8_t> out;
	auto nib = [](char c) -> int {
		if (c >= '0' && c <= '9')
			return c - '0';
		if (c >= 'a' && c <= 'f')
			return c - 'a' + 10;
		if (c >= 'A' && c <= 'F')
			return c - 'A' + 10;
		throw std::invalid_argument("bad hex digit in a test vector");
	};
	std::size_t i = 0;
	while (i < hex.size()) {
		if (hex[i] == ' ') {
			i++;
			continue;
		}
		if (i + 1 >= hex.size())
			throw std::invalid_argument("odd hex length in a test vector");
		out.push_back(static_cast<std::uint8_t>(nib(hex[i]) << 4 | nib(hex[i + 1])));
		i += 2;
	}
	return out;
}

inline std::string hex(std::span<const std::uint8_t> b)
{
	static constexpr char d[] = "0123456789abcdef";
	std::string s;
	for (auto c : b) {
		s.push_back(d[c >> 4]);
		s.push_back(d[c & 15]);
	}
	return s;
}

inline std::vector<std::uint8_t> bytes(std::string_view s)
{
	return {s.begin(), s.end()};
}

} // namespace ecryptfs_test

#endif
