// SPDX-License-Identifier: GPL-2.0-only
/*
 * Containers for secret material (passphrases, keys, auth tokens) that wipe
 * their memory with OPENSSL_cleanse whenever it is released: on destruction
 * and on every reallocation.  std::basic_string is deliberately not used: its
 * small-string buffer lives inside the object and is never wiped.
 */
#ifndef LIBECRYPTFS_SECURE_H
#define LIBECRYPTFS_SECURE_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include <optional>
#include <string>

#include <openssl/crypto.h>

namespace ecryptfs {

template <class T>
struct CleansingAllocator {
	using value_type = T;

	CleansingAllocator() noexcept = default;
	template <class U>
	CleansingAllocator(const CleansingAllocator<U> &) noexcept {}

	T *allocate(std::size_t n) { return std::allocator<T>().allocate(n); }
	void deallocate(T *p, std::size_t n) noexcept
	{
		OPENSSL_cleanse(p, n * sizeof(T));
		std::allocator<T>().deallocate(p, n);
	}
	template <class U>
	bool operator==(const CleansingAllocator<U> &) const noexcept { return true; }
};

/* Heap bytes wiped on release. */
using SecureBytes = std::vector<std::uint8_t, CleansingAllocator<std::uint8_t>>;

/* Fixed-size secret wiped on destruction (keys). */
template <std::size_t N>
class SecretArray {
public:
	SecretArray() = default;
	SecretArray(const SecretArray &) = default;
	SecretArray &operator=(const SecretArray &) = default;
	~SecretArray() { OPENSSL_cleanse(bytes_.data(), N); }

	std::uint8_t *data() noexcept { return bytes_.data(); }
	const std::uint8_t *data() const noexcept { return bytes_.data(); }
	static constexpr std::size_t size() noexcept { return N; }
	std::uint8_t &operator[](std::size_t i) noexcept { return bytes_[i]; }
	const std::uint8_t &operator[](std::size_t i) const noexcept { return bytes_[i]; }
	std::span<const std::uint8_t> span() const noexcept { return {bytes_.data(), N}; }

private:
	std::array<std::uint8_t, N> bytes_{};
};

/*
 * A passphrase: arbitrary bytes without NUL (C-string semantics like the
 * reference), wiped on release.
 */
class Passphrase {
public:
	Passphrase() = default;
	explicit Passphrase(std::string_view s) { assign(s); }
	explicit Passphrase(std::span<const std::uint8_t> s)
	{
		assign({reinterpret_cast<const char *>(s.data()), s.size()});
	}

	/* Keeps the bytes up to the first NUL, as a C string would. */
	void assign(std::string_view s)
	{
		auto nul = s.find('\0');
		if (nul != std::string_view::npos)
			s = s.substr(0, nul);
		bytes_.assign(s.begin(), s.end());
	}
	/* Keep only the first @n bytes (n <= size()). */
	void truncate(std::size_t n) noexcept
	{
		if (n < bytes_.size()) {
			OPENSSL_cleanse(bytes_.data() + n, bytes_.size() - n);
			bytes_.resize(n);
		}
	}
	std::string_view view() const noexcept
	{
		return {reinterpret_cast<const char *>(bytes_.data()), bytes_.size()};
	}
	std::span<const std::uint8_t> bytes() const noexcept { return {bytes_.data(), bytes_.size()}; }
	std::size_t size() const noexcept { return bytes_.size(); }
	bool empty() const noexcept { return bytes_.empty(); }
	bool operator==(const Passphrase &o) const noexcept { return bytes_ == o.bytes_; }

private:
	SecureBytes bytes_;
};

/*
 * A file holding a secret, read with open/read straight into wiped memory
 * (no stdio or iostream buffer keeps a copy); nullopt when it cannot be
 * read or is longer than @max bytes.
 */
std::optional<SecureBytes> read_secret_file(const std::string &path, std::size_t max);

} // namespace ecryptfs

#endif
