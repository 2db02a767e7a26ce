// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lower-file header fields ecryptfs-stat shows, from the kernel spec's
 * worked example (kernel.md 2.2) and damaged variants of it.  The expected
 * texts are what the reference ecryptfs-stat printed for the same bytes.
 */
#include <gtest/gtest.h>

#include <vector>

#include "libecryptfs/lower_header.h"
#include "userland_test_util.h"

using namespace ecryptfs;
using ecryptfs_test::unhex;

namespace {

std::vector<std::uint8_t> example()
{
	auto h = unhex("0000000000000006 d32e02c9 efafb53c 03000002 00001000 0002"
		       "8c1d04070301 0011223344556677 60 13336279e96498d04b390ce6d39b2d8d"
		       "ed16 62 08 5f434f4e534f4c45 00000000 81a0cb4417bc8bc7 00");
	h.resize(8192, 0);
	return h;
}

std::string reason(const std::vector<std::uint8_t> &b)
{
	auto r = parse_lower_header(b);
	return r.ok() ? "ok" : r.error().reason;
}

} // namespace

TEST(LowerHeader, KernelSpecWorkedExample)
{
	auto r = parse_lower_header(example());
	ASSERT_TRUE(r.ok()) << r.error().reason;
	EXPECT_EQ(r.value().version, 3u);
	EXPECT_EQ(r.value().file_size, 6u);
	EXPECT_EQ(r.value().header_bytes, 8192u);
	EXPECT_TRUE(r.value().encrypted);
	EXPECT_FALSE(r.value().hmac);
	EXPECT_FALSE(r.value().metadata_in_xattr);
}

TEST(LowerHeader, FlagsAndBigValues)
{
	auto h = example();
	h[19] = 0x07; /* HMAC | ENCRYPTED | METADATA_IN_XATTR */
	auto r = parse_lower_header(h);
	ASSERT_TRUE(r.ok());
	EXPECT_TRUE(r.value().hmac && r.value().encrypted && r.value().metadata_in_xattr);

	h[19] = 0x08; /* ENCRYPT_FILENAMES only: shown as plaintext, like the reference */
	r = parse_lower_header(h);
	ASSERT_TRUE(r.ok());
	EXPECT_FALSE(r.value().encrypted || r.value().hmac || r.value().metadata_in_xattr);

	for (int i = 0; i < 8; i++)
		h[i] = 0xff;
	for (int i = 20; i < 26; i++)
		h[i] = 0xff;
	r = parse_lower_header(h);
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(r.value().file_size, 18446744073709551615u);
	EXPECT_EQ(r.value().header_bytes, 0xffffffffull * 0xffff);

	/* Versions are shown as they are: 0..255. */
	h = example();
	h[16] = 0;
	EXPECT_EQ(parse_lower_header(h).value().version, 0u);
	h[16] = 4;
	EXPECT_EQ(parse_lower_header(h).value().version, 4u);
}

TEST(LowerHeader, Damaged)
{
	auto h = example();
	h[15] ^= 1;
	EXPECT_EQ(reason(h), "ecryptfs_parse_stat: Magic eCryptfs marker not found in header.\n");

	h = example();
	h[25] = 1; /* 4096 x 1 */
	EXPECT_EQ(reason(h), "ecryptfs_parse_header_metadata Invalid header size: [4096]\n"
			     "ecryptfs_parse_stat: Invalid header content.\n");
	h[20] = h[21] = h[22] = h[23] = 0;
	EXPECT_EQ(reason(h), "ecryptfs_parse_header_metadata Invalid header size: [0]\n"
			     "ecryptfs_parse_stat: Invalid header content.\n");

	EXPECT_EQ(reason({h.begin(), h.begin() + 19}),
		  "ecryptfs_parse_stat: Invalid metadata size; must have at least [20] bytes; "
		  "there are only [19] bytes\n");
	EXPECT_EQ(reason({}), "ecryptfs_parse_stat: Invalid metadata size; must have at least "
			      "[20] bytes; there are only [0] bytes\n");
}

TEST(LowerHeader, ShortHeaderReadsMissingFieldsAsZero)
{
	/*
	 * 20..25 bytes: the reference reads the missing extent fields from
	 * uninitialised memory; we read them as zero, hence "Invalid header
	 * size: [0]" (deliberately deterministic).
	 */
	auto h = example();
	h.resize(22);
	EXPECT_EQ(reason(h), "ecryptfs_parse_header_metadata Invalid header size: [0]\n"
			     "ecryptfs_parse_stat: Invalid header content.\n");
}
