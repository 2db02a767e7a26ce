// SPDX-License-Identifier: GPL-2.0-only
/*
 * libecryptfs pubkey.h: the public-key signature (a vector computed
 * independently from the OpenPGP v4 packet layout), DER round trips, and
 * RSA encryption that OpenSSL's private key decrypts.
 */
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <gtest/gtest.h>

#include "libecryptfs/pubkey.h"
#include "userland_test_util.h"

using namespace ecryptfs;
using namespace ecryptfs_test;

namespace {

TEST(PubkeySig, KnownVector)
{
	/* n with two leading zero bytes (stripped in the MPI), e = 65537. */
	std::vector<std::uint8_t> n{0x00, 0x00, 0xc1};
	for (int i = 1; i < 64; i++)
		n.push_back(static_cast<std::uint8_t>(i));
	std::vector<std::uint8_t> e{1, 0, 1};
	EXPECT_EQ(rsa_sig_from_n_e(n, e), "5eade766d5ebcdde");
	auto k = rsa_public_from_n_e(n, e);
	ASSERT_TRUE(k.ok());
	auto s = rsa_pubkey_sig(k.value().get());
	ASSERT_TRUE(s.ok());
	EXPECT_EQ(s.value(), "5eade766d5ebcdde");
}

Pkey generated()
{
	EVP_PKEY *raw = EVP_RSA_gen(2048);
	return Pkey(raw);
}

TEST(PubkeyEncrypt, RoundTripsThroughOpenSsl)
{
	auto priv = generated();
	ASSERT_TRUE(priv);
	auto der = rsa_public_to_der(priv.get());
	ASSERT_TRUE(der.ok());
	auto pub = rsa_public_from_der(der.value());
	ASSERT_TRUE(pub.ok());
	EXPECT_EQ(rsa_pubkey_sig(pub.value().get()).value(), rsa_pubkey_sig(priv.get()).value());
	EXPECT_EQ(rsa_max_key_bytes(pub.value().get()), 64u);
	auto msg = bytes("cipher code, key and checksum");
	for (auto pad : {RsaPadding::oaep_sha1, RsaPadding::oaep_sha256, RsaPadding::pkcs1_v15}) {
		auto ct = rsa_encrypt(pub.value().get(), msg, pad);
		ASSERT_TRUE(ct.ok()) << ct.error().reason;
		ASSERT_EQ(ct.value().size(), 256u);
		EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(priv.get(), nullptr);
		ASSERT_GT(EVP_PKEY_decrypt_init(ctx), 0);
		const EVP_MD *md = pad == RsaPadding::oaep_sha256 ? EVP_sha256() : EVP_sha1();
		if (pad == RsaPadding::pkcs1_v15) {
			EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING);
		} else {
			EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING);
			EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md);
			EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md);
		}
		std::vector<std::uint8_t> pt(256);
		size_t n = pt.size();
		ASSERT_GT(EVP_PKEY_decrypt(ctx, pt.data(), &n, ct.value().data(), ct.value().size()), 0);
		EVP_PKEY_CTX_free(ctx);
		pt.resize(n);
		EXPECT_EQ(pt, msg);
	}
	/* Too much data for the key is an error, not a crash. */
	std::vector<std::uint8_t> big(300, 1);
	EXPECT_FALSE(rsa_encrypt(pub.value().get(), big).ok());
}

TEST(PubkeyDer, RejectsGarbage)
{
	EXPECT_FALSE(rsa_public_from_der(bytes("not a key")).ok());
	std::vector<std::uint8_t> empty;
	EXPECT_FALSE(rsa_public_from_der(empty).ok());
}

} // namespace
