// SPDX-License-Identifier: GPL-2.0-only
/*
 * Key modules: the loader (a fake module, a module of another ABI, a file
 * that is no shared object), the private-key token layout, and the openssl
 * module (generate, make_key with right/wrong/missing passphrase, the
 * signature computed here independently from the OpenPGP v4 packet, OAEP
 * round trip, interop with keys written by the openssl command line).
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libecryptfs/auth_tok.h"
#include "libecryptfs/key_module.h"

using namespace ecryptfs;
using namespace ecryptfs::keymod;
namespace fs = std::filesystem;

namespace {

class TempDir {
public:
	TempDir()
	{
		char t[] = "/tmp/keymod_test.XXXXXX";
		path_ = ::mkdtemp(t);
	}
	~TempDir() { fs::remove_all(path_); }
	const std::string &path() const { return path_; }

private:
	std::string path_;
};

/* The sig of spec §6.3, computed here from n and e without libecryptfs. */
std::string expected_sig(const std::string &pem_path, const char *pass)
{
	FILE *f = std::fopen(pem_path.c_str(), "r");
	if (!f)
		return "no file";
	EVP_PKEY *k = PEM_read_PrivateKey(f, nullptr, nullptr, const_cast<char *>(pass));
	std::fclose(f);
	if (!k)
		return "unreadable";
	BIGNUM *n = nullptr, *e = nullptr;
	EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n);
	EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e);
	const int nbits = BN_num_bits(n), ebits = BN_num_bits(e);
	const int nbytes = (nbits + 7) / 8, ebytes = (ebits + 7) / 8;
	const int len = 10 + nbytes + ebytes;
	std::vector<unsigned char> d;
	d.push_back(0x99);
	d.push_back(static_cast<unsigned char>(len >> 8));
	d.push_back(static_cast<unsigned char>(len));
	for (unsigned char b : {0x04, 0, 0, 0, 0, 0x02})
		d.push_back(b);
	d.push_back(static_cast<unsigned char>(nbits >> 8));
	d.push_back(static_cast<unsigned char>(nbits));
	std::vector<unsigned char> nb(nbytes), eb(ebytes);
	BN_bn2bin(n, nb.data());
	BN_bn2bin(e, eb.data());
	d.insert(d.end(), nb.begin(), nb.end());
	d.push_back(static_cast<unsigned char>(ebits >> 8));
	d.push_back(static_cast<unsigned char>(ebits));
	d.insert(d.end(), eb.begin(), eb.end());
	unsigned char h[SHA_DIGEST_LENGTH];
	SHA1(d.data(), d.size(), h);
	char hex[17];
	for (int i = 0; i < 8; ++i)
		std::snprintf(hex + 2 * i, 3, "%02x", h[i]);
	BN_free(n);
	BN_free(e);
	EVP_PKEY_free(k);
	return hex;
}

Module load_or_die(const std::string &path)
{
	auto m = Module::load(path);
	if (!m)
		throw std::runtime_error(m.error().reason);
	return std::move(m.value());
}

} // namespace

TEST(KeymodLoader, LoadsGoodModuleAndExplainsBadOnes)
{
	TempDir dir;
	fs::copy_file(std::string(FAKE_KEYMOD_DIR) + "/ecryptfs_keymod_test_fake.so",
		      dir.path() + "/a_fake.so");
	fs::copy_file(std::string(FAKE_KEYMOD_DIR) + "/ecryptfs_keymod_test_fakebad.so",
		      dir.path() + "/b_fakebad.so");
	std::ofstream(dir.path() + "/c_broken.so") << "not an ELF file";
	std::ofstream(dir.path() + "/d_ignored.txt") << "not a module";
	auto loaded = load_all(dir.path());
	ASSERT_EQ(loaded.modules.size(), 1u);
	EXPECT_EQ(loaded.modules[0].alias(), "fake");
	ASSERT_EQ(loaded.problems.size(), 2u);
	EXPECT_NE(loaded.problems[0].find("ABI 2"), std::string::npos) << loaded.problems[0];
	EXPECT_NE(loaded.problems[1].find("cannot be loaded"), std::string::npos)
		<< loaded.problems[1];
	EXPECT_NE(find(loaded.modules, "fake"), nullptr);
	EXPECT_EQ(find(loaded.modules, "openssl"), nullptr);
	EXPECT_TRUE(load_all(dir.path() + "/missing").modules.empty());

	/* A module file others may write is refused. */
	fs::copy_file(dir.path() + "/a_fake.so", dir.path() + "/w.so");
	::chmod((dir.path() + "/w.so").c_str(), 0666);
	auto w = Module::load(dir.path() + "/w.so");
	ASSERT_FALSE(w);
	EXPECT_NE(w.error().reason.find("writable"), std::string::npos);
}

TEST(KeymodLoader, ModulesOfEcryptfsUtilsAreSkippedSilently)
{
	const std::string ref = "/usr/lib/x86_64-linux-gnu/ecryptfs";
	if (!fs::exists(ref + "/libecryptfs_key_mod_passphrase.so"))
		GTEST_FAIL() << "ecryptfs-utils' key modules are not installed in " << ref;
	auto m = Module::load(ref + "/libecryptfs_key_mod_passphrase.so");
	ASSERT_FALSE(m);
	EXPECT_EQ(m.error().code, kForeignModule);
	auto loaded = load_all(ref);
	EXPECT_TRUE(loaded.modules.empty());
	EXPECT_TRUE(loaded.problems.empty()) << loaded.problems.front();
}

TEST(KeymodLoader, ModuleDirFromEnvironment)
{
	::setenv("ECRYPTFS_KEYMOD_DIR", "/some/where", 1);
	EXPECT_EQ(module_dir(), "/some/where");
	::unsetenv("ECRYPTFS_KEYMOD_DIR");
	EXPECT_NE(module_dir(), "/some/where");
}

TEST(KeymodLoader, FakeModuleCalls)
{
	Module m = load_or_die(std::string(FAKE_KEYMOD_DIR) + "/ecryptfs_keymod_test_fake.so");
	ASSERT_NE(m.secret_param(), nullptr);
	EXPECT_STREQ(m.secret_param()->name, "secret");
	Values v;
	v.set("name", "abc");
	v.set("secret", "wrong");
	auto bad = m.make_key(v);
	ASSERT_FALSE(bad);
	EXPECT_EQ(bad.error().reason, "fake: wrong secret");
	v.set("secret", "s3cret");
	auto k = m.make_key(v);
	ASSERT_TRUE(k) << k.error().reason;
	EXPECT_EQ(k.value().sig, "00000000fa4e0003");
	EXPECT_EQ(std::string(k.value().blob.begin(), k.value().blob.end()), "abc");
	const std::vector<std::uint8_t> in = {1, 2, 3};
	auto c = m.encrypt(k.value().blob, in);
	ASSERT_TRUE(c);
	auto p = m.decrypt(k.value().blob, "s3cret", c.value());
	ASSERT_TRUE(p);
	EXPECT_EQ(std::vector<std::uint8_t>(p.value().begin(), p.value().end()), in);
	EXPECT_FALSE(m.decrypt(k.value().blob, nullptr, c.value()));
	EXPECT_EQ(m.max_key_bytes(k.value().blob), 32u);
	EXPECT_FALSE(m.generate(v));
}

TEST(PrivateKeyToken, LayoutAndParse)
{
	const std::vector<std::uint8_t> blob = {0xde, 0xad, 0xbe, 0xef, 0x01};
	auto tok = build_private_key_token("openssl", "0123456789abcdef", blob);
	ASSERT_TRUE(tok);
	const auto &t = tok.value();
	ASSERT_EQ(t.size(), 740u + blob.size());
	EXPECT_EQ(t[0], 0x04);
	EXPECT_EQ(t[1], 0x00);
	EXPECT_EQ(t[2], 0x01); /* PRIVATE_KEY */
	EXPECT_EQ(t[3], 0x00);
	std::uint32_t key_size, data_len;
	std::memcpy(&key_size, t.data() + 628, 4);
	std::memcpy(&data_len, t.data() + 632, 4);
	EXPECT_EQ(key_size, 16u);
	EXPECT_EQ(data_len, blob.size());
	EXPECT_EQ(std::string(reinterpret_cast<const char *>(t.data() + 636)), "0123456789abcdef");
	EXPECT_EQ(std::string(reinterpret_cast<const char *>(t.data() + 653)), "openssl");
	EXPECT_EQ(0, std::memcmp(t.data() + 670, blob.data(), blob.size()));
	for (std::size_t i = 670 + blob.size(); i < t.size(); ++i)
		EXPECT_EQ(t[i], 0) << i;
	for (std::size_t i = 4; i < 628; ++i)
		EXPECT_EQ(t[i], 0) << i;

	auto p = parse_private_key_token(t);
	ASSERT_TRUE(p) << p.error().reason;
	EXPECT_EQ(p.value().alias, "openssl");
	EXPECT_EQ(p.value().sig, "0123456789abcdef");
	EXPECT_EQ(p.value().blob, blob);

	/* Malformed payloads. */
	SecureBytes bad = t;
	bad.resize(739);
	EXPECT_FALSE(parse_private_key_token(bad));
	bad = t;
	bad[2] = 0; /* passphrase token */
	EXPECT_FALSE(parse_private_key_token(bad));
	bad = t;
	std::uint32_t huge = 100000;
	std::memcpy(bad.data() + 632, &huge, 4);
	EXPECT_FALSE(parse_private_key_token(bad));
	bad = t;
	bad[636] = 'x';
	EXPECT_FALSE(parse_private_key_token(bad));
	EXPECT_FALSE(build_private_key_token("a-much-too-long-alias", "0123456789abcdef", blob));
	EXPECT_FALSE(build_private_key_token("openssl", "xyz", blob));
}

class OpensslModule : public ::testing::Test {
protected:
	Module mod = load_or_die(OPENSSL_KEYMOD);
	TempDir dir;
};

TEST_F(OpensslModule, GenerateMakeKeyEncryptDecrypt)
{
	EXPECT_EQ(mod.alias(), "openssl");
	const std::string key = dir.path() + "/pki/openssl/key.pem";
	Values g;
	g.set("keyfile", key);
	auto nopass = mod.generate(g);
	ASSERT_FALSE(nopass);
	g.set("passwd", "key passphrase");
	auto gen = mod.generate(g);
	ASSERT_TRUE(gen) << gen.error().reason;
	struct stat st;
	ASSERT_EQ(::stat(key.c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0600u);
	ASSERT_EQ(::stat((dir.path() + "/pki/openssl").c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0700u);
	std::ifstream in(key);
	std::string first;
	std::getline(in, first);
	EXPECT_EQ(first, "-----BEGIN ENCRYPTED PRIVATE KEY-----");
	/* Never overwrites. */
	auto again = mod.generate(g);
	ASSERT_FALSE(again);
	EXPECT_NE(again.error().reason.find("already exists"), std::string::npos);
	EXPECT_EQ(fs::directory_iterator(dir.path() + "/pki/openssl")->path(), key);

	/* make_key checks the passphrase. */
	Values v;
	v.set("keyfile", key);
	auto missing = mod.make_key(v);
	ASSERT_FALSE(missing);
	EXPECT_NE(missing.error().reason.find("is encrypted"), std::string::npos);
	v.set("passwd", "wrong");
	auto wrong = mod.make_key(v);
	ASSERT_FALSE(wrong);
	EXPECT_NE(wrong.error().reason.find("wrong passphrase"), std::string::npos);
	v.set("passwd", "key passphrase");
	auto k = mod.make_key(v);
	ASSERT_TRUE(k) << k.error().reason;
	EXPECT_EQ(k.value().sig, expected_sig(key, "key passphrase"));
	/* The blob holds the path and the public key, never the passphrase. */
	std::string blob(k.value().blob.begin(), k.value().blob.end());
	EXPECT_EQ(blob.find("key passphrase"), std::string::npos);
	EXPECT_NE(blob.find(key), std::string::npos);
	EXPECT_EQ(mod.max_key_bytes(k.value().blob), 64u);

	/* Kernel key blob: cipher code 7 (AES-128), 16 key bytes, checksum. */
	std::vector<std::uint8_t> fek = {7};
	unsigned sum = 0;
	for (int i = 0; i < 16; ++i) {
		fek.push_back(static_cast<std::uint8_t>(i * 13 + 1));
		sum += fek.back();
	}
	fek.push_back(static_cast<std::uint8_t>(sum >> 8));
	fek.push_back(static_cast<std::uint8_t>(sum));
	auto c = mod.encrypt(k.value().blob, fek);
	ASSERT_TRUE(c) << c.error().reason;
	EXPECT_EQ(c.value().size(), 384u); /* RSA 3072 */
	auto p = mod.decrypt(k.value().blob, "key passphrase", c.value());
	ASSERT_TRUE(p) << p.error().reason;
	EXPECT_EQ(std::vector<std::uint8_t>(p.value().begin(), p.value().end()), fek);
	auto nop = mod.decrypt(k.value().blob, nullptr, c.value());
	ASSERT_FALSE(nop);
	EXPECT_NE(nop.error().reason.find("encrypted"), std::string::npos);
	EXPECT_FALSE(mod.decrypt(k.value().blob, "wrong", c.value()));
	auto corrupt = c.value();
	corrupt[100] ^= 1;
	EXPECT_FALSE(mod.decrypt(k.value().blob, "key passphrase", corrupt));
	EXPECT_FALSE(mod.decrypt({}, "key passphrase", c.value()));
	std::vector<std::uint8_t> trunc(k.value().blob.begin(), k.value().blob.begin() + 10);
	EXPECT_FALSE(mod.encrypt(trunc, fek));
}

TEST_F(OpensslModule, KeysOfTheOpensslCommandLine)
{
	/* A traditional (unencrypted and 3DES-encrypted) PEM as users make them. */
	const std::string plain = dir.path() + "/plain.pem", enc = dir.path() + "/enc.pem";
	ASSERT_EQ(std::system(("openssl genrsa -traditional -out " + plain +
			       " 2048 2>/dev/null && openssl rsa -traditional -des3 -passout "
			       "pass:cli-pass -in " + plain + " -out " + enc + " 2>/dev/null")
				      .c_str()),
		  0);
	Values v;
	v.set("openssl_keyfile", plain); /* the reference's option name */
	auto k = mod.make_key(v);
	ASSERT_TRUE(k) << k.error().reason;
	EXPECT_EQ(k.value().sig, expected_sig(plain, nullptr));
	Values e;
	e.set("keyfile", enc);
	e.set("openssl_passwd", "cli-pass");
	auto ke = mod.make_key(e);
	ASSERT_TRUE(ke) << ke.error().reason;
	EXPECT_EQ(ke.value().sig, k.value().sig); /* same key pair */
	const std::vector<std::uint8_t> fek = {7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
					       16, 0, 136};
	auto c = mod.encrypt(k.value().blob, fek);
	ASSERT_TRUE(c);
	EXPECT_EQ(c.value().size(), 256u);
	/* Unencrypted file: no secret needed. */
	auto p = mod.decrypt(k.value().blob, nullptr, c.value());
	ASSERT_TRUE(p) << p.error().reason;
	EXPECT_EQ(std::vector<std::uint8_t>(p.value().begin(), p.value().end()), fek);
	/* The key file replaced by another key: refused with a clear error. */
	ASSERT_EQ(std::system(("openssl genrsa -traditional -out " + plain + ".new 2048 "
			       "2>/dev/null && mv " + plain + ".new " + plain).c_str()),
		  0);
	auto other = mod.decrypt(k.value().blob, nullptr, c.value());
	ASSERT_FALSE(other);
	EXPECT_NE(other.error().reason.find("no longer holds"), std::string::npos);
}
