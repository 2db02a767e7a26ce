// SPDX-License-Identifier: GPL-2.0-only
/*
 * A key module for the tests of the loader and of ecryptfsd's request
 * handling: "encryption" XORs with 0x5a and prepends 'F'; decryption needs
 * the secret "s3cret".  Built twice: as alias "fake" and, with
 * FAKE_BAD_ABI, claiming a future ABI version (must be refused).
 */
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "ecryptfs/keymod.h"

namespace {

const ecryptfs_keymod_param kParams[] = {
	{"name", "fake_name", "Key name", "k", 0},
	{"secret", nullptr, "Fake secret", nullptr, ECRYPTFS_KEYMOD_SECRET},
};

int err_out(char *err, std::size_t len, int rc, const char *msg)
{
	std::snprintf(err, len, "%s", msg);
	return rc;
}

const char *value(const ecryptfs_keymod_value *v, std::size_t n, const char *name)
{
	for (std::size_t i = 0; i < n; ++i)
		if (!std::strcmp(v[i].name, name))
			return v[i].value;
	return nullptr;
}

int make_key(const ecryptfs_keymod_value *v, std::size_t n, std::uint8_t *blob,
	     std::size_t *blob_len, char sig[17], char *err, std::size_t err_len)
{
	const char *name = value(v, n, "name");
	const char *secret = value(v, n, "secret");
	if (!secret || std::strcmp(secret, "s3cret"))
		return err_out(err, err_len, -EACCES, "fake: wrong secret");
	if (!name)
		name = "k";
	std::size_t l = std::strlen(name);
	std::memcpy(blob, name, l);
	*blob_len = l;
	std::snprintf(sig, 17, "%016zx", static_cast<std::size_t>(0xfa4e0000u + l));
	return 0;
}

int encrypt(const std::uint8_t *, std::size_t, const std::uint8_t *in, std::size_t in_len,
	    std::uint8_t *out, std::size_t *out_len, char *err, std::size_t err_len)
{
	if (in_len + 1 > *out_len)
		return err_out(err, err_len, -ENOSPC, "fake: no room");
	out[0] = 'F';
	for (std::size_t i = 0; i < in_len; ++i)
		out[i + 1] = in[i] ^ 0x5a;
	*out_len = in_len + 1;
	return 0;
}

int decrypt(const std::uint8_t *, std::size_t, const char *secret, const std::uint8_t *in,
	    std::size_t in_len, std::uint8_t *out, std::size_t *out_len, char *err,
	    std::size_t err_len)
{
	if (!secret || std::strcmp(secret, "s3cret"))
		return err_out(err, err_len, -EACCES, "fake: secret needed");
	if (in_len < 1 || in[0] != 'F' || in_len - 1 > *out_len)
		return err_out(err, err_len, -EBADMSG, "fake: not my ciphertext");
	for (std::size_t i = 1; i < in_len; ++i)
		out[i - 1] = in[i] ^ 0x5a;
	*out_len = in_len - 1;
	return 0;
}

std::size_t max_key_bytes(const std::uint8_t *, std::size_t)
{
	return 32;
}

const ecryptfs_keymod_ops kOps = {
#ifdef FAKE_BAD_ABI
	.abi_version = ECRYPTFS_KEYMOD_ABI_VERSION + 1,
	.alias = "fakebad",
#else
	.abi_version = ECRYPTFS_KEYMOD_ABI_VERSION,
	.alias = "fake",
#endif
	.description = "test module",
	.params = kParams,
	.n_params = 2,
	.gen_params = nullptr,
	.n_gen_params = 0,
	.make_key = make_key,
	.generate = nullptr,
	.encrypt = encrypt,
	.decrypt = decrypt,
	.max_key_bytes = max_key_bytes,
};

} // namespace

extern "C" __attribute__((visibility("default"))) const ecryptfs_keymod_ops *ecryptfs_keymod_get(void)
{
	return &kOps;
}
