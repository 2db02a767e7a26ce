// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pkcs11 key module against SoftHSM 2 (a software token): key pair
 * generation on the token, make_key (PIN checked, no PIN in the blob, the
 * signature of libecryptfs pubkey.h), encryption without the token,
 * decryption on it, and the failures a user meets: wrong PIN (named
 * CKR_PIN_INCORRECT), no PIN, token absent, library absent, foreign data.
 * SoftHSM missing is a failure, not a skip.
 */
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "keymod_test_util.h"
#include "libecryptfs/pubkey.h"

using namespace ecryptfs_test;

namespace {

const char *kSoftHsm = "/usr/lib/softhsm/libsofthsm2.so";
const char *kPin = "pin-S3cret-4711";

class Pkcs11 : public ::testing::Test {
protected:
	void SetUp() override
	{
		ASSERT_EQ(access(kSoftHsm, R_OK), 0)
			<< kSoftHsm << " is missing: install softhsm2 (scripts/deps)";
		util_ = find_program("softhsm2-util");
		ASSERT_FALSE(util_.empty()) << "softhsm2-util is missing: install softhsm2 (scripts/deps)";
		ops_ = load_keymod("pkcs11");
		ASSERT_NE(ops_, nullptr);
		std::filesystem::create_directory(dir_.path() / "tokens");
		conf_ = dir_.path() / "softhsm2.conf";
		std::ofstream(conf_) << "directories.tokendir = " << (dir_.path() / "tokens").string()
				     << "\nobjectstore.backend = file\nlog.level = ERROR\n";
		setenv("SOFTHSM2_CONF", conf_.c_str(), 1);
		ASSERT_EQ(run(util_ + " --init-token --free --label ecr-test --so-pin 9999 --pin " +
			      kPin + " >/dev/null"),
			  0);
	}

	Params key_params(const std::string &pin = kPin)
	{
		return {{"module", kSoftHsm}, {"token", "ecr-test"}, {"id", "a1b2"}, {"pin", pin}};
	}

	/* A key pair with id a1b2 on the token, added with make_key. */
	KeyResult added_key()
	{
		auto [rc, err] = generate(ops_, {{"module", kSoftHsm},
						 {"token", "ecr-test"},
						 {"id", "a1b2"},
						 {"label", "mykey"},
						 {"pin", kPin}});
		EXPECT_EQ(rc, 0) << err;
		auto k = make_key(ops_, key_params());
		EXPECT_EQ(k.rc, 0) << k.err;
		return k;
	}

	TempDir dir_;
	std::filesystem::path conf_;
	std::string util_;
	const ecryptfs_keymod_ops *ops_ = nullptr;
};

const std::vector<std::uint8_t> kPayload = [] {
	std::vector<std::uint8_t> v{0x07}; /* AES cipher code, 32-byte key, checksum */
	for (int i = 0; i < 32; i++)
		v.push_back(static_cast<std::uint8_t>(i * 7 + 3));
	v.push_back(0x12);
	v.push_back(0x34);
	return v;
}();

TEST_F(Pkcs11, GenerateAddEncryptDecrypt)
{
	auto k = added_key();
	ASSERT_EQ(k.rc, 0);
	EXPECT_EQ(k.sig.size(), 16u);
	EXPECT_EQ(k.sig.find_first_not_of("0123456789abcdef"), std::string::npos);
	/* The blob never holds the PIN. */
	std::string blob(k.blob.begin(), k.blob.end());
	EXPECT_EQ(blob.find(kPin), std::string::npos);
	EXPECT_NE(blob.find("ecr-test"), std::string::npos);
	EXPECT_GE(ops_->max_key_bytes(k.blob.data(), k.blob.size()), 32u);
	/* SoftHSM decrypts OAEP, so the blob's last field (the padding) says OAEP SHA-1 (1). */
	EXPECT_EQ(k.blob.back(), 1);

	auto c = encrypt(ops_, k.blob, kPayload);
	ASSERT_EQ(c.rc, 0) << c.err;
	EXPECT_EQ(c.out.size(), 256u); /* 2048-bit key */
	auto c2 = encrypt(ops_, k.blob, kPayload);
	EXPECT_NE(c.out, c2.out); /* randomised padding */
	auto d = decrypt(ops_, k.blob, kPin, c.out);
	ASSERT_EQ(d.rc, 0) << d.err;
	EXPECT_EQ(d.out, kPayload);

	/* The same key found by its label gives the same signature. */
	auto byl = make_key(ops_, {{"module", kSoftHsm}, {"token", "ecr-test"}, {"label", "mykey"},
				   {"pin", kPin}});
	ASSERT_EQ(byl.rc, 0) << byl.err;
	EXPECT_EQ(byl.sig, k.sig);
	/* ... and so does the only key on the only token. */
	auto only = make_key(ops_, {{"module", kSoftHsm}, {"pin", kPin}});
	ASSERT_EQ(only.rc, 0) << only.err;
	EXPECT_EQ(only.sig, k.sig);
	auto d2 = decrypt(ops_, only.blob, kPin, c.out);
	ASSERT_EQ(d2.rc, 0) << d2.err;
	EXPECT_EQ(d2.out, kPayload);
}

TEST_F(Pkcs11, SignatureIsThePublicKeys)
{
	auto k = added_key();
	ASSERT_EQ(k.rc, 0);
	/* The public key as the token exports it, read with SoftHSM's own tools. */
	std::string tool = find_program("pkcs11-tool");
	ASSERT_FALSE(tool.empty()) << "pkcs11-tool is missing: install opensc (scripts/deps)";
	auto der = dir_.path() / "pub.der";
	ASSERT_EQ(run(tool + " --module " + kSoftHsm + " --token-label ecr-test --read-object --type pubkey --id a1b2 -o " +
		      der.string() + " >/dev/null 2>&1"),
		  0);
	std::ifstream f(der, std::ios::binary);
	std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(f)), {});
	auto pk = ecryptfs::rsa_public_from_der(bytes);
	ASSERT_TRUE(pk.ok()) << pk.error().reason;
	auto sig = ecryptfs::rsa_pubkey_sig(pk.value().get());
	ASSERT_TRUE(sig.ok());
	EXPECT_EQ(sig.value(), k.sig);
}

TEST_F(Pkcs11, WrongPinIsNamed)
{
	auto k = added_key();
	ASSERT_EQ(k.rc, 0);
	auto bad = make_key(ops_, key_params("0000-wrong"));
	EXPECT_NE(bad.rc, 0);
	EXPECT_NE(bad.err.find("CKR_PIN_INCORRECT"), std::string::npos) << bad.err;
	EXPECT_NE(bad.err.find("PIN is wrong"), std::string::npos) << bad.err;

	auto c = encrypt(ops_, k.blob, kPayload);
	ASSERT_EQ(c.rc, 0);
	auto d = decrypt(ops_, k.blob, "0000-wrong", c.out);
	EXPECT_NE(d.rc, 0);
	EXPECT_NE(d.err.find("CKR_PIN_INCORRECT"), std::string::npos) << d.err;
	auto none = decrypt(ops_, k.blob, nullptr, c.out);
	EXPECT_NE(none.rc, 0);
	EXPECT_NE(none.err.find("PIN"), std::string::npos) << none.err;
	/* The right PIN still works afterwards. */
	auto ok = decrypt(ops_, k.blob, kPin, c.out);
	EXPECT_EQ(ok.rc, 0) << ok.err;
}

TEST_F(Pkcs11, MissingTokenAndLibrary)
{
	auto k = added_key();
	ASSERT_EQ(k.rc, 0);
	auto c = encrypt(ops_, k.blob, kPayload);
	ASSERT_EQ(c.rc, 0);

	auto p = key_params();
	p[1].second = "no-such-token";
	auto r = make_key(ops_, p);
	EXPECT_NE(r.rc, 0);
	EXPECT_NE(r.err.find("no token labelled 'no-such-token'"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("ecr-test"), std::string::npos) << r.err; /* lists what is there */

	p = key_params();
	p[0].second = "/nonexistent/libpkcs11.so";
	r = make_key(ops_, p);
	EXPECT_NE(r.rc, 0);
	EXPECT_NE(r.err.find("cannot load the PKCS#11 library"), std::string::npos) << r.err;

	p = key_params();
	p[2].second = "ffff";
	r = make_key(ops_, p);
	EXPECT_NE(r.rc, 0);
	EXPECT_NE(r.err.find("no RSA private key with id ffff"), std::string::npos) << r.err;

	/* The token goes away (its store is empty now): a clear error, quickly. */
	auto empty = dir_.path() / "empty.conf";
	std::filesystem::create_directory(dir_.path() / "none");
	std::ofstream(empty) << "directories.tokendir = " << (dir_.path() / "none").string() << "\n";
	setenv("SOFTHSM2_CONF", empty.c_str(), 1);
	Crypt d;
	double secs = timed([&] { d = decrypt(ops_, k.blob, kPin, c.out); });
	EXPECT_NE(d.rc, 0);
	EXPECT_NE(d.err.find("no token labelled 'ecr-test' is present"), std::string::npos) << d.err;
	EXPECT_LT(secs, 10.0);
	/* Encryption needs no token. */
	EXPECT_EQ(encrypt(ops_, k.blob, kPayload).rc, 0);
}

TEST_F(Pkcs11, BadInput)
{
	auto k = added_key();
	ASSERT_EQ(k.rc, 0);
	/* Data not made by this key. */
	std::vector<std::uint8_t> junk(256, 0x5a);
	auto d = decrypt(ops_, k.blob, kPin, junk);
	EXPECT_NE(d.rc, 0);
	EXPECT_NE(d.err.find("decryption on token"), std::string::npos) << d.err;
	/* A damaged blob. */
	auto blob = k.blob;
	blob.resize(blob.size() / 2);
	EXPECT_NE(encrypt(ops_, blob, kPayload).rc, 0);
	EXPECT_NE(decrypt(ops_, blob, kPin, junk).rc, 0);
	blob = k.blob;
	blob[0] = 'X';
	EXPECT_NE(encrypt(ops_, blob, kPayload).rc, 0);
	EXPECT_EQ(ops_->max_key_bytes(blob.data(), blob.size()), 0u);
	/* Bad parameters. */
	auto p = key_params();
	p[2].second = "xyz";
	auto r = make_key(ops_, p);
	EXPECT_NE(r.rc, 0);
	EXPECT_NE(r.err.find("id= must be"), std::string::npos) << r.err;
	/* Generating over an existing key is refused. */
	auto [rc, err] = generate(ops_, {{"module", kSoftHsm}, {"token", "ecr-test"}, {"id", "a1b2"},
					 {"pin", kPin}});
	EXPECT_NE(rc, 0);
	EXPECT_NE(err.find("already has that key"), std::string::npos) << err;
}

} // namespace
