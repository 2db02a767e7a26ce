// SPDX-License-Identifier: GPL-2.0-only
/*
 * Passphrase key derivation and signatures against known vectors: the
 * upstream verify-passphrase-sig vectors, the spec's verified ones and
 * signatures the reference ecryptfs-add-passphrase (ecryptfs-utils 111)
 * printed on this machine.
 */
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "libecryptfs/crypto.h"
#include "userland_test_util.h"

using namespace ecryptfs;
using ecryptfs_test::hex;
using ecryptfs_test::unhex;

namespace {

Salt salt_of(std::string_view h)
{
	auto v = unhex(h);
	Salt s{};
	EXPECT_EQ(v.size(), s.size());
	std::copy_n(v.begin(), s.size(), s.begin());
	return s;
}

std::string sig(std::string_view pass, const Salt &salt)
{
	auto k = derive_key(pass, salt);
	EXPECT_TRUE(k.ok()) << (k.ok() ? "" : k.error().reason);
	return k.ok() ? k.value().sig : std::string();
}

std::string kek_hex(std::string_view pass, const Salt &salt)
{
	auto k = derive_key(pass, salt);
	EXPECT_TRUE(k.ok());
	return k.ok() ? hex(k.value().kek.span()) : std::string();
}

const std::string k64a(64, 'a');
const std::string k64z(64, 'z');
const std::string k64Z(64, 'Z');

} // namespace

TEST(Derivation, UpstreamVerifyPassphraseSigVectors)
{
	EXPECT_EQ(sig("foo", kDefaultSalt), "253ca7e88811d184");
	EXPECT_EQ(kek_hex("foo", kDefaultSalt),
		  "3f0cffa9389d2c396ad887c6ec657898e2e9e74cbb3cb1d25d410f58de2aa6b7"
		  "0dd81ccedaf8fad725346d8f751b8fc2c50ad69fba27d1d4fb735f207e76c6e9");
	EXPECT_EQ(sig("a", salt_of("aaaaaaaaaaaaaaaa")), "c42ec75301dc1674");
	EXPECT_EQ(sig("ef2fa983a4ecc87b6f48821bd9b36940220345624949e6bf826efd692678d78b",
		      salt_of("fa1507f9913d915b")),
		  "09582907da54851e");
}

TEST(Derivation, FileKeySignaturesOfTheRealTools)
{
	EXPECT_EQ(sig("secretpass", kDefaultSalt), "81a0cb4417bc8bc7");
	EXPECT_EQ(sig("correct horse battery staple", kDefaultSalt), "3ab38bb4917daae6");
	EXPECT_EQ(sig("0123456789abcdef0123456789abcdef", kDefaultSalt), "849d6b79848a0296");
	EXPECT_EQ(sig("test", kDefaultSalt), "d395309aaad4de06");
	EXPECT_EQ(sig("mountpw", kDefaultSalt), "617a9c5a1ff40a9a");
	EXPECT_EQ(sig("Test", kDefaultSalt), "3515cca9baaea1f4");
	/* Printed by the reference ecryptfs-add-passphrase here. */
	EXPECT_EQ(sig("Wrapping pass", kDefaultSalt), "6ee51761d91019e7");
	EXPECT_EQ(sig("*", kDefaultSalt), "308b7ec65c69de6b");
	EXPECT_EQ(sig(k64Z, kDefaultSalt), "4dadcc7128542e35");
	EXPECT_EQ(sig(k64a, kDefaultSalt), "0e3b6f146f248ef0");
	EXPECT_EQ(sig(k64z, kDefaultSalt), "ebe6ff9d87ea09d6");
	EXPECT_EQ(sig("p\xc3\xa4ssw\xc3\xb6rd \xc3\xbcn\xc3\xaf\x63\xc3\xb6\x64\xc3\xa9",
		      kDefaultSalt),
		  "f8197624cb3fff32"); /* "pässwörd ünïcödé" in UTF-8 */
	EXPECT_EQ(sig("a b\tc", kDefaultSalt), "7c9bef27af56babc");
}

TEST(Derivation, CustomSalts)
{
	EXPECT_EQ(sig("secretpass", salt_of("0123456789abcdef")), "944d4740e2631fde");
	EXPECT_EQ(sig("*", salt_of("0123456789abcdef")), "bef9457e4740a855");
	EXPECT_EQ(sig(k64a, salt_of("0123456789abcdef")), "8291d573c4eea6f4");
	EXPECT_EQ(sig(k64z, salt_of("0123456789abcdef")), "9549852ef208a7c2");
	EXPECT_EQ(sig(k64z, salt_of("5a175a175a175a17")), "4cc3757c3f538695");
}

TEST(Derivation, FnekSaltIsTheAsciiQuirk)
{
	/* The bytes really used are "99887766", not 99 88 77 66 55 44 33 22. */
	EXPECT_EQ(hex(kFnekSalt), "3939383837373636");
	EXPECT_EQ(sig("secretpass", kFnekSalt), "e8df9ab49aa02466");
	EXPECT_EQ(sig("correct horse battery staple", kFnekSalt), "dfe2081a9780d1ee");
	EXPECT_EQ(sig("0123456789abcdef0123456789abcdef", kFnekSalt), "9487d0e1beb5be83");
	EXPECT_EQ(sig("test", kFnekSalt), "be877764c5918621");
	EXPECT_EQ(sig("foo", kFnekSalt), "6967d0c28476ffa1");
	EXPECT_EQ(sig("mountpw", kFnekSalt), "751d87908b861a8c");
	EXPECT_EQ(sig("Wrapping pass", kFnekSalt), "87fc693ff70a7a24");
	EXPECT_EQ(sig("*", kFnekSalt), "4d00109cd03cb6cf");
	EXPECT_EQ(sig(k64Z, kFnekSalt), "16f7d933eab31550");
	EXPECT_EQ(sig(k64a, kFnekSalt), "a0b7c1035094befa");
	EXPECT_EQ(sig("a b\tc", kFnekSalt), "f96cf6bf856efd68");
	EXPECT_EQ(sig("p\xc3\xa4ssw\xc3\xb6rd \xc3\xbcn\xc3\xaf\x63\xc3\xb6\x64\xc3\xa9", kFnekSalt),
		  "33b50d566da235b1");
	/* The hex-decoded variant gives other sigs, which the real tools never use. */
	const Salt hex_decoded = salt_of("9988776655443322");
	EXPECT_EQ(sig("test", hex_decoded), "7e12386ad4afbc03");
	EXPECT_EQ(sig("secretpass", hex_decoded), "05b2f58cb9aec79b");
	EXPECT_NE(sig("test", hex_decoded), sig("test", kFnekSalt));
}

TEST(Derivation, KekValues)
{
	EXPECT_EQ(kek_hex("test", kDefaultSalt),
		  "58116605277520b3fa1315497f2089514d53100b08096ee8ab2c752c96ebfc7e"
		  "8d270fce370c29b1afe1cde71ec6218c6fa62b7500b3b14e7456b6f53eb38580");
	EXPECT_EQ(kek_hex("wrappass", salt_of("30c0885edd5ca6e7")),
		  "562201842125b91b89015fbcb78364b2fdf7221565a52156c4aafc3bc6ba1259"
		  "b25924fae10a0561f5f73dbe91978e217b2b48ff5a9052fc7f9d30da7fcdf2b6");
	EXPECT_EQ(sig("wrappass", salt_of("30c0885edd5ca6e7")), "c2d9f00f6bb80693");
	EXPECT_EQ(kek_hex("secretpass", kDefaultSalt).substr(0, 32),
		  "4a82aab873b04c2123f2d8ccf5fc9a48");
}

TEST(Derivation, LengthLimits)
{
	auto empty = derive_key("", kDefaultSalt);
	ASSERT_FALSE(empty.ok());
	EXPECT_EQ(empty.error().code, -EINVAL);

	auto too_long = derive_key(std::string(65, 'a'), kDefaultSalt);
	ASSERT_FALSE(too_long.ok());
	EXPECT_EQ(too_long.error().code, -EINVAL);
	EXPECT_NE(too_long.error().reason.find("64"), std::string::npos)
		<< "the error must name the limit: " << too_long.error().reason;

	EXPECT_TRUE(derive_key(std::string(64, 'a'), kDefaultSalt).ok());
	EXPECT_TRUE(derive_key("a", kDefaultSalt).ok());
}

TEST(Derivation, StopsAtNulLikeACString)
{
	using namespace std::string_literals;
	EXPECT_EQ(sig("test\0junk"s, kDefaultSalt), "d395309aaad4de06");
	auto only_nul = derive_key("\0abc"s, kDefaultSalt);
	ASSERT_FALSE(only_nul.ok());
	EXPECT_EQ(only_nul.error().code, -EINVAL);
	/* 64 bytes before the NUL are fine even if the buffer is longer. */
	EXPECT_TRUE(derive_key(std::string(64, 'a') + "\0tail"s, kDefaultSalt).ok());
}

TEST(Derivation, SaltChangesEverything)
{
	Salt s = kDefaultSalt;
	s[7] ^= 1;
	EXPECT_NE(sig("test", s), "d395309aaad4de06");
	EXPECT_NE(sig("tesT", kDefaultSalt), "d395309aaad4de06");
}

TEST(SaltFromHex, DecodesLikeStrtol)
{
	EXPECT_EQ(hex(salt_from_hex("0011223344556677")), "0011223344556677");
	EXPECT_EQ(hex(salt_from_hex("0123456789ABCDEF")), "0123456789abcdef");
	EXPECT_EQ(hex(salt_from_hex("0123456789abcdef")), "0123456789abcdef");
	/* strtol stops at the first non-hex character of each pair. */
	EXPECT_EQ(hex(salt_from_hex("1g0gzz7z00000000")), "0100000700000000");
	/* Short input leaves the rest zero instead of reading past the end. */
	EXPECT_EQ(hex(salt_from_hex("ff")), "ff00000000000000");
}

TEST(Hex, Lowercase)
{
	const std::uint8_t b[] = {0x00, 0x9f, 0xa0, 0xff};
	EXPECT_EQ(to_hex(b), "009fa0ff");
	EXPECT_EQ(to_hex({}), "");
}

TEST(Aes128Ecb, Fips197Vector)
{
	auto key = unhex("000102030405060708090a0b0c0d0e0f");
	auto pt = unhex("00112233445566778899aabbccddeeff");
	std::uint8_t ct[16];
	ASSERT_TRUE(aes128_ecb(true, std::span<const std::uint8_t, 16>(key.data(), 16), pt, ct)
			    .ok());
	EXPECT_EQ(hex(ct), "69c4e0d86a7b0430d8cdb78070b4c55a");
	std::uint8_t back[16];
	ASSERT_TRUE(aes128_ecb(false, std::span<const std::uint8_t, 16>(key.data(), 16),
			       std::span<const std::uint8_t>(ct, 16), back)
			    .ok());
	EXPECT_EQ(hex(back), hex(pt));
}

TEST(Aes128Ecb, WrappedPassphraseWorkedExample)
{
	auto key = unhex("562201842125b91b89015fbcb78364b2");
	std::uint8_t pt[16] = {'m', 'y', 'p', 'a', 's', 's', 'p', 'h', 'r', 'a', 's', 'e'};
	std::uint8_t ct[16];
	ASSERT_TRUE(aes128_ecb(true, std::span<const std::uint8_t, 16>(key.data(), 16), pt, ct)
			    .ok());
	EXPECT_EQ(hex(ct), "3089f7c32e1bd69dd77ede217759bab2");
}

TEST(Aes128Ecb, RejectsPartialBlocks)
{
	auto key = unhex("000102030405060708090a0b0c0d0e0f");
	std::uint8_t in[17] = {}, out[32];
	auto r = aes128_ecb(true, std::span<const std::uint8_t, 16>(key.data(), 16), in, out);
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().code, -EINVAL);
}

TEST(Random, FillsAndDiffers)
{
	std::uint8_t a[32] = {}, b[32] = {};
	ASSERT_TRUE(random_bytes(a).ok());
	ASSERT_TRUE(random_bytes(b).ok());
	EXPECT_NE(hex(a), hex(b));
}
