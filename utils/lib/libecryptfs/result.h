// SPDX-License-Identifier: GPL-2.0-only
/*
 * Error reporting for libecryptfs.  An Error carries the negative errno the
 * reference ecryptfs-utils reports for the same failure (tools print it as
 * "[-5]") and a sentence for the user saying what went wrong and what to do.
 */
#ifndef LIBECRYPTFS_RESULT_H
#define LIBECRYPTFS_RESULT_H

#include <string>
#include <utility>
#include <variant>

namespace ecryptfs {

struct Error {
	int code; /* negative errno, as the reference reports it */
	std::string reason;
};

template <class T>
class [[nodiscard]] Result {
public:
	Result(T value) : v_(std::move(value)) {}
	Result(Error err) : v_(std::move(err)) {}

	bool ok() const noexcept { return v_.index() == 0; }
	explicit operator bool() const noexcept { return ok(); }
	T &value() & { return std::get<0>(v_); }
	const T &value() const & { return std::get<0>(v_); }
	T &&value() && { return std::get<0>(std::move(v_)); }
	const Error &error() const { return std::get<1>(v_); }

private:
	std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;

} // namespace ecryptfs

#endif
