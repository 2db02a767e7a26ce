// SPDX-License-Identifier: GPL-2.0-only
/*
 * Small helpers for key modules (plugin ABI: include/ecryptfs/keymod.h):
 * looking up parameter values, reporting errors into the caller's buffer,
 * and a versioned blob made of length-prefixed fields (u16 little-endian
 * length, then the bytes).
 */
#ifndef ECRYPTFS_KEYMOD_SUPPORT_H
#define ECRYPTFS_KEYMOD_SUPPORT_H

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ecryptfs/keymod.h>

#include "libecryptfs/pubkey.h"
#include "libecryptfs/result.h"

/* The one symbol a module exports. */
#define ECRYPTFS_KEYMOD_EXPORT extern "C" __attribute__((visibility("default")))

namespace ecryptfs::keymod {

/* The value of parameter @name (or @alias), empty when absent. */
inline std::string_view param(const ecryptfs_keymod_value *vals, std::size_t n,
			      const char *name, const char *alias = nullptr)
{
	for (std::size_t i = 0; i < n; i++) {
		if (!vals[i].name || !vals[i].value)
			continue;
		if (!std::strcmp(vals[i].name, name) || (alias && !std::strcmp(vals[i].name, alias)))
			return vals[i].value;
	}
	return {};
}

/* Writes @msg into the caller's error buffer; returns @rc. */
inline int fail(char *err, std::size_t err_len, int rc, const std::string &msg)
{
	if (err && err_len)
		std::snprintf(err, err_len, "%s", msg.c_str());
	return rc;
}

/*
 * Copies a module's result into the caller's buffer (*out_len: room in,
 * bytes written out); -ENOSPC with "<what> does not fit" when too large.
 */
inline int copy_out(std::span<const std::uint8_t> v, std::uint8_t *out, std::size_t *out_len,
		    char *err, std::size_t err_len, const char *what)
{
	if (v.size() > *out_len)
		return fail(err, err_len, -ENOSPC, std::string(what) + " does not fit");
	std::copy(v.begin(), v.end(), out);
	*out_len = v.size();
	return ECRYPTFS_KEYMOD_OK;
}

/* The encrypt() of a module that wraps in software with an RSA public key. */
inline int soft_encrypt(const Result<Pkey> &pub, RsaPadding pad, const std::uint8_t *in,
			std::size_t in_len, std::uint8_t *out, std::size_t *out_len, char *err,
			std::size_t err_len)
{
	if (!pub)
		return fail(err, err_len, -EINVAL, pub.error().reason);
	auto ct = rsa_encrypt(pub.value().get(), {in, in_len}, pad);
	if (!ct)
		return fail(err, err_len, -EINVAL, ct.error().reason);
	return copy_out(ct.value(), out, out_len, err, err_len, "the wrapped key");
}

/* Blob writer: a magic, a version byte, then length-prefixed fields. */
class BlobWriter {
public:
	BlobWriter(std::string_view magic, std::uint8_t version)
	{
		out_.assign(magic.begin(), magic.end());
		out_.push_back(version);
	}
	bool field(std::span<const std::uint8_t> v)
	{
		if (v.size() > 0xffff)
			return false;
		out_.push_back(static_cast<std::uint8_t>(v.size()));
		out_.push_back(static_cast<std::uint8_t>(v.size() >> 8));
		out_.insert(out_.end(), v.begin(), v.end());
		return true;
	}
	bool field(std::string_view s)
	{
		return field(std::span<const std::uint8_t>(
			reinterpret_cast<const std::uint8_t *>(s.data()), s.size()));
	}
	/* Copies into the module's output buffer; false when it does not fit. */
	bool emit(std::uint8_t *blob, std::size_t *blob_len) const
	{
		if (out_.size() > ECRYPTFS_KEYMOD_MAX_BLOB)
			return false;
		std::memcpy(blob, out_.data(), out_.size());
		*blob_len = out_.size();
		return true;
	}

private:
	std::vector<std::uint8_t> out_;
};

/* Blob reader: checks magic and version, then hands out fields in order. */
class BlobReader {
public:
	BlobReader(const std::uint8_t *blob, std::size_t len, std::string_view magic,
		   std::uint8_t version)
		: p_(blob), end_(blob + len)
	{
		ok_ = blob && len > magic.size() && !std::memcmp(blob, magic.data(), magic.size()) &&
		      blob[magic.size()] == version;
		if (ok_)
			p_ += magic.size() + 1;
	}
	bool ok() const noexcept { return ok_; }
	/* The next field, or nullopt (and !ok()) when the blob is short. */
	std::optional<std::span<const std::uint8_t>> bytes()
	{
		if (!ok_ || end_ - p_ < 2)
			return fail();
		std::size_t n = p_[0] | (std::size_t(p_[1]) << 8);
		p_ += 2;
		if (static_cast<std::size_t>(end_ - p_) < n)
			return fail();
		std::span<const std::uint8_t> v(p_, n);
		p_ += n;
		return v;
	}
	std::optional<std::string> str()
	{
		auto b = bytes();
		if (!b)
			return std::nullopt;
		return std::string(reinterpret_cast<const char *>(b->data()), b->size());
	}

private:
	std::nullopt_t fail()
	{
		ok_ = false;
		return std::nullopt;
	}
	const std::uint8_t *p_;
	const std::uint8_t *end_;
	bool ok_;
};

} // namespace ecryptfs::keymod

#endif
