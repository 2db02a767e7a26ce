// SPDX-License-Identifier: GPL-2.0-only
/*
 * RSA public-key helpers shared by the key modules; see pubkey.h.
 */
#include "libecryptfs/pubkey.h"

#include <algorithm>
#include <cerrno>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "libecryptfs/crypto.h"

namespace ecryptfs {

namespace {

struct BnFree {
	void operator()(BIGNUM *b) const noexcept { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

struct CtxFree {
	void operator()(EVP_PKEY_CTX *c) const noexcept { EVP_PKEY_CTX_free(c); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

std::span<const std::uint8_t> strip_zeros(std::span<const std::uint8_t> v)
{
	std::size_t i = 0;
	while (i < v.size() && v[i] == 0)
		i++;
	return v.subspan(i);
}

void put_mpi(std::vector<std::uint8_t> &out, std::span<const std::uint8_t> v)
{
	v = strip_zeros(v);
	std::size_t bits = v.empty() ? 0 : (v.size() - 1) * 8;
	if (!v.empty())
		for (unsigned top = v[0]; top; top >>= 1)
			bits++;
	out.push_back(static_cast<std::uint8_t>(bits >> 8));
	out.push_back(static_cast<std::uint8_t>(bits));
	out.insert(out.end(), v.begin(), v.end());
}

Result<std::vector<std::uint8_t>> bn_param(const EVP_PKEY *pkey, const char *name)
{
	BIGNUM *raw = nullptr;
	if (!EVP_PKEY_get_bn_param(pkey, name, &raw))
		return Error{-EINVAL, "the key is not an RSA key"};
	Bn bn(raw);
	std::vector<std::uint8_t> v(static_cast<std::size_t>(BN_num_bytes(bn.get())));
	BN_bn2bin(bn.get(), v.data());
	return v;
}

const EVP_MD *oaep_md(RsaPadding pad)
{
	return pad == RsaPadding::oaep_sha256 ? EVP_sha256() : EVP_sha1();
}

/* Padding bytes the scheme adds to a message. */
std::size_t pad_overhead(RsaPadding pad)
{
	if (pad == RsaPadding::pkcs1_v15)
		return 11;
	return 2 * static_cast<std::size_t>(EVP_MD_get_size(oaep_md(pad))) + 2;
}

} // namespace

std::string openssl_error_text(const char *fallback)
{
	unsigned long e = ERR_get_error();
	ERR_clear_error();
	if (!e)
		return fallback;
	char buf[256];
	ERR_error_string_n(e, buf, sizeof(buf));
	return buf;
}

std::string rsa_sig_from_n_e(std::span<const std::uint8_t> n, std::span<const std::uint8_t> e)
{
	std::vector<std::uint8_t> body{0x04, 0, 0, 0, 0, 0x02};
	put_mpi(body, n);
	put_mpi(body, e);
	std::vector<std::uint8_t> pkt{0x99, static_cast<std::uint8_t>(body.size() >> 8),
				      static_cast<std::uint8_t>(body.size())};
	pkt.insert(pkt.end(), body.begin(), body.end());
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_Digest(pkt.data(), pkt.size(), md, &mdlen, EVP_sha1(), nullptr);
	return to_hex(std::span<const std::uint8_t>(md, 8));
}

Result<std::string> rsa_pubkey_sig(const EVP_PKEY *pkey)
{
	auto n = bn_param(pkey, OSSL_PKEY_PARAM_RSA_N);
	if (!n)
		return n.error();
	auto e = bn_param(pkey, OSSL_PKEY_PARAM_RSA_E);
	if (!e)
		return e.error();
	return rsa_sig_from_n_e(n.value(), e.value());
}

Result<Pkey> rsa_public_from_n_e(std::span<const std::uint8_t> n, std::span<const std::uint8_t> e)
{
	Bn bn_n(BN_bin2bn(n.data(), static_cast<int>(n.size()), nullptr));
	Bn bn_e(BN_bin2bn(e.data(), static_cast<int>(e.size()), nullptr));
	std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(),
									    OSSL_PARAM_BLD_free);
	if (!bn_n || !bn_e || !bld ||
	    !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
	    !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()))
		return Error{-ENOMEM, "out of memory building an RSA key"};
	std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
		OSSL_PARAM_BLD_to_param(bld.get()), OSSL_PARAM_free);
	PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
	EVP_PKEY *raw = nullptr;
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
	    EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
		return Error{-EINVAL, "invalid RSA public key: " +
					      openssl_error_text("modulus or exponent rejected")};
	return Pkey(raw);
}

Result<Pkey> rsa_public_from_der(std::span<const std::uint8_t> der)
{
	const unsigned char *p = der.data();
	Pkey k(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
	if (!k || p != der.data() + der.size() || EVP_PKEY_get_base_id(k.get()) != EVP_PKEY_RSA) {
		ERR_clear_error();
		return Error{-EINVAL, "the stored public key is not a valid RSA key"};
	}
	return k;
}

Result<std::vector<std::uint8_t>> rsa_public_to_der(const EVP_PKEY *pkey)
{
	int len = i2d_PUBKEY(pkey, nullptr);
	if (len <= 0)
		return Error{-EINVAL, "cannot encode the public key"};
	std::vector<std::uint8_t> out(static_cast<std::size_t>(len));
	unsigned char *p = out.data();
	i2d_PUBKEY(pkey, &p);
	return out;
}

Result<std::vector<std::uint8_t>> rsa_encrypt(const EVP_PKEY *pkey, std::span<const std::uint8_t> in,
					      RsaPadding pad)
{
	PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, const_cast<EVP_PKEY *>(pkey), nullptr));
	std::size_t outlen = 0;
	bool oaep = pad != RsaPadding::pkcs1_v15;
	if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx.get(),
					 oaep ? RSA_PKCS1_OAEP_PADDING : RSA_PKCS1_PADDING) <= 0 ||
	    (oaep && EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), oaep_md(pad)) <= 0) ||
	    (oaep && EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), oaep_md(pad)) <= 0) ||
	    EVP_PKEY_encrypt(ctx.get(), nullptr, &outlen, in.data(), in.size()) <= 0)
		return Error{-EINVAL, "RSA encryption failed: " + openssl_error_text("setup")};
	std::vector<std::uint8_t> out(outlen);
	if (EVP_PKEY_encrypt(ctx.get(), out.data(), &outlen, in.data(), in.size()) <= 0)
		return Error{-EINVAL, "RSA encryption failed: " + openssl_error_text("data too large")};
	out.resize(outlen);
	return out;
}

std::size_t rsa_max_key_bytes(const EVP_PKEY *pkey, RsaPadding pad)
{
	int size = EVP_PKEY_get_size(pkey);
	std::size_t overhead = pad_overhead(pad) + 3;
	if (size <= 0 || static_cast<std::size_t>(size) <= overhead)
		return 0;
	return std::min<std::size_t>(static_cast<std::size_t>(size) - overhead, 64);
}

} // namespace ecryptfs
