// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 740-byte passphrase auth token, compared byte for byte with what the
 * reference ecryptfs-add-passphrase --fnek put in the keyring on this
 * machine (read back with keyctl pipe) for the passphrase "test".
 */
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "libecryptfs/auth_tok.h"
#include "libecryptfs/crypto.h"
#include "userland_test_util.h"

using namespace ecryptfs;
using ecryptfs_test::hex;
using ecryptfs_test::unhex;

namespace {

/* Bytes 628..739 of the reference's tokens; 0..627 are 04 00 then zeros. */
const char *const kRefTestFekekTail =
	"000000000a00000000000000400000000200000058116605277520b3fa1315497f2089514d53100b08"
	"096ee8ab2c752c96ebfc7e8d270fce370c29b1afe1cde71ec6218c6fa62b7500b3b14e7456b6f53eb3"
	"858064333935333039616161643464653036000011223344556677000000";
const char *const kRefTestFnekTail =
	"000000000a000000000000004000000002000000ac4007120f27ff0d0c30ce723432d13c24dccb0c0a"
	"4e3b5ae4beece867b1968685ff009e5fb62960b904ec7f0d853447f11c1a75d63b97fb98b3f4ee3740"
	"52f862653837373736346335393138363231003939383837373636000000";

std::vector<std::uint8_t> reference_token(const char *tail)
{
	std::vector<std::uint8_t> tok(628, 0);
	tok[0] = 0x04;
	auto t = unhex(tail);
	tok.insert(tok.end(), t.begin(), t.end());
	return tok;
}

SecureBytes token_for(std::string_view pass, const Salt &salt)
{
	auto k = derive_key(pass, salt);
	EXPECT_TRUE(k.ok());
	return auth_tok::build_passphrase(k.value().kek, k.value().sig, salt);
}

} // namespace

TEST(AuthTok, LayoutConstants)
{
	EXPECT_EQ(auth_tok::kSize, 740u);
	EXPECT_EQ(auth_tok::kOffPasswordBytes, 628u);
	EXPECT_EQ(auth_tok::kOffKek, 648u);
	EXPECT_EQ(auth_tok::kOffSignature, 712u);
	EXPECT_EQ(auth_tok::kOffSalt, 729u);
	EXPECT_EQ(auth_tok::kOffSalt + kSaltSize + 3, auth_tok::kSize);
}

TEST(AuthTok, FileKeyTokenIsByteIdenticalToTheReference)
{
	auto tok = token_for("test", kDefaultSalt);
	ASSERT_EQ(tok.size(), 740u);
	auto ref = reference_token(kRefTestFekekTail);
	ASSERT_EQ(ref.size(), 740u);
	EXPECT_EQ(hex(tok), hex(ref));
}

TEST(AuthTok, FnekTokenIsByteIdenticalToTheReference)
{
	auto tok = token_for("test", kFnekSalt);
	auto ref = reference_token(kRefTestFnekTail);
	ASSERT_EQ(ref.size(), 740u);
	EXPECT_EQ(hex(tok), hex(ref));
}

TEST(AuthTok, SpecWholeTokenExample)
{
	/* userland.md 1.5: passphrase "test", default salt. */
	auto tok = token_for("test", kDefaultSalt);
	ASSERT_EQ(tok.size(), 740u);
	std::vector<std::uint8_t> expect(740, 0);
	expect[0x00] = 0x04;
	expect[0x278] = 0x0a;
	expect[0x280] = 0x40;
	expect[0x284] = 0x02;
	auto kek = unhex("58116605277520b3fa1315497f2089514d53100b08096ee8ab2c752c96ebfc7e"
			 "8d270fce370c29b1afe1cde71ec6218c6fa62b7500b3b14e7456b6f53eb38580");
	std::copy(kek.begin(), kek.end(), expect.begin() + 0x288);
	std::memcpy(expect.data() + 0x2c8, "d395309aaad4de06", 16); /* then NUL */
	auto salt = unhex("0011223344556677");
	std::copy(salt.begin(), salt.end(), expect.begin() + 0x2d9);
	EXPECT_EQ(hex(tok), hex(expect));
}

TEST(AuthTok, FieldsForOtherSalts)
{
	const Salt salt{1, 2, 3, 4, 5, 6, 7, 8};
	auto k = derive_key("correct horse battery staple", salt);
	ASSERT_TRUE(k.ok());
	auto tok = auth_tok::build_passphrase(k.value().kek, k.value().sig, salt);
	EXPECT_EQ(hex({tok.data() + 729, 8}), "0102030405060708");
	EXPECT_EQ(std::string(reinterpret_cast<const char *>(tok.data() + 712)), k.value().sig);
	EXPECT_EQ(tok[728], 0); /* signature NUL */
	EXPECT_EQ(hex({tok.data() + 648, 64}), hex(k.value().kek.span()));
	/* hash_iterations and password_bytes stay 0, as in the reference. */
	EXPECT_EQ(hex({tok.data() + 628, 4}), "00000000");
	EXPECT_EQ(hex({tok.data() + 636, 4}), "00000000");
	/* Session key, reserved and padding are all zero. */
	for (std::size_t i = 2; i < 628; i++)
		ASSERT_EQ(tok[i], 0) << "offset " << i;
	for (std::size_t i = 737; i < 740; i++)
		ASSERT_EQ(tok[i], 0) << "offset " << i;
}
