// SPDX-License-Identifier: GPL-2.0-only
/*
 * The salt of ~/.ecryptfsrc.  Every case below was run through the real
 * ecryptfs-add-passphrase (ecryptfs-utils 111) with the passphrase
 * "secretpass": 944d4740e2631fde means it used salt 0123456789abcdef,
 * 81a0cb4417bc8bc7 that it fell back to the default salt.
 */
#include <gtest/gtest.h>

#include <string>

#include "libecryptfs/rc.h"
#include "userland_test_util.h"

using namespace ecryptfs;
using namespace std::string_literals;
using ecryptfs_test::hex;

namespace {

std::string salt(std::string_view text)
{
	auto s = salt_from_rc_text(text);
	return s ? hex(*s) : "default";
}

} // namespace

TEST(RcSalt, Found)
{
	EXPECT_EQ(salt("salt=0123456789abcdef"), "0123456789abcdef");
	EXPECT_EQ(salt("salt=0123456789abcdef\n"), "0123456789abcdef");
	EXPECT_EQ(salt("salt=0123456789ABCDEF\n"), "0123456789abcdef");
	EXPECT_EQ(salt("key=passphrase\nsalt=0123456789abcdef\n"), "0123456789abcdef");
	EXPECT_EQ(salt("key=passphrase,salt=0123456789abcdef\n"), "0123456789abcdef");
	EXPECT_EQ(salt("key=passphrase:salt=0123456789abcdef\n"), "0123456789abcdef");
	EXPECT_EQ(salt("a=b=c,salt=0123456789abcdef\n"), "0123456789abcdef");
	EXPECT_EQ(salt("\n\nsalt=0123456789abcdef"), "0123456789abcdef");
	EXPECT_EQ(salt("salt=0123456789abcdef\0\n"s), "0123456789abcdef");
}

TEST(RcSalt, FirstEntryOfTheRightLengthWins)
{
	EXPECT_EQ(salt("salt=0123456789abcde\nsalt=0123456789abcdef\n"), "0123456789abcdef");
	EXPECT_EQ(salt("salt=fedcba9876543210\nsalt=0123456789abcdef\n"), "fedcba9876543210");
}

TEST(RcSalt, InvalidHexDecodesLikeStrtol)
{
	/* "zz" -> 0; the real tool printed e637b77d10cca6b0 for it. */
	EXPECT_EQ(salt("salt=zz23456789abcdef\n"), "0023456789abcdef");
}

TEST(RcSalt, NotFound)
{
	EXPECT_EQ(salt(""), "default");
	EXPECT_EQ(salt("salt=\n"), "default");
	EXPECT_EQ(salt("salt=0123456789abcdef0\n"), "default");
	EXPECT_EQ(salt("salt=0123456789abcde\n"), "default");
	EXPECT_EQ(salt(" salt=0123456789abcdef\n"), "default");
	EXPECT_EQ(salt("salt = 0123456789abcdef\n"), "default");
	EXPECT_EQ(salt("a salt=0123456789abcdef\n"), "default");
	EXPECT_EQ(salt("salt=0123456789abcdef # comment\n"), "default");
	EXPECT_EQ(salt("salt=0123456789abcdef\tfoo\n"), "default");
	EXPECT_EQ(salt("salt=0123456789abcdef\r\n"), "default");
	EXPECT_EQ(salt("salt=\"0123456789abcdef\"\n"), "default");
	EXPECT_EQ(salt("passphrase_salt=0123456789abcdef\n"), "default");
	EXPECT_EQ(salt("xsalt=0123456789abcdef\n"), "default");
	EXPECT_EQ(salt("SALT=0123456789abcdef\n"), "default");
	EXPECT_EQ(salt("#salt=0123456789abcdef\n"), "default");
	EXPECT_EQ(salt("a;salt=0123456789abcdef\n"), "default");
	EXPECT_EQ(salt("salt=0123456789abcdef;\n"), "default");
	EXPECT_EQ(salt("salt=0123456789abcdef=\n"), "default");
	EXPECT_EQ(salt("salt=01234567,89abcdef\n"), "default");
	EXPECT_EQ(salt("salt:0123456789abcdef\n"), "default");
	EXPECT_EQ(salt("a\0salt=0123456789abcdef\n"s), "default");
	EXPECT_EQ(salt("ecryptfs_cipher=aes salt=0123456789abcdef\n"), "default");
}
