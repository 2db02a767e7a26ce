// SPDX-License-Identifier: GPL-2.0-only
//
// Tag 1 packets (public-key wrapped FEK, spec kernel.md §2.4) in the shared
// header code: the writer's exact bytes, the parser, malformed packets, and
// a mixed passphrase + public-key packet set in option order.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "ecryptfs/header.h"

namespace {

const u8 kKeyId[8] = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04};

std::vector<u8> header_with_tag1(size_t efek_len, u8 fill = 0x77)
{
	std::vector<u8> out(8192, 0);
	size_t pos = ecryptfs_hdr_write_fixed(out.data(), 5, 0x11223344, 2, 8192);
	std::vector<u8> efek(efek_len, fill);
	EXPECT_EQ(ecryptfs_hdr_write_tag1(out.data(), out.size(), &pos, kKeyId,
					  efek.data(), efek.size()), 0);
	EXPECT_EQ(ecryptfs_hdr_write_end(out.data(), out.size(), &pos), 0);
	return out;
}

TEST(HeaderTag1, WriterBytes)
{
	auto out = header_with_tag1(256);
	// 01 | len(266) = c0 4a | 03 | key id | 01 | EFEK
	EXPECT_EQ(out[26], 0x01);
	EXPECT_EQ(out[27], 0xc0);
	EXPECT_EQ(out[28], 0x4a);
	EXPECT_EQ(out[29], 0x03);
	EXPECT_EQ(0, std::memcmp(&out[30], kKeyId, 8));
	EXPECT_EQ(out[38], 0x01);
	EXPECT_EQ(out[39], 0x77);
	EXPECT_EQ(out[39 + 255], 0x77);
	EXPECT_EQ(out[39 + 256], 0x00);	// terminator

	auto small = header_with_tag1(16);
	EXPECT_EQ(small[27], 26);	// one-byte length 10 + 16
}

TEST(HeaderTag1, ParsesBack)
{
	auto out = header_with_tag1(512, 0x42);
	ecryptfs_hdr h{};
	ASSERT_EQ(ecryptfs_hdr_parse(out.data(), out.size(), false, &h), 0);
	size_t p = h.packets_offset;
	ecryptfs_hdr_key k{};
	ASSERT_EQ(ecryptfs_hdr_next_key(out.data(), out.size(), &p, &k), 1);
	EXPECT_EQ(k.tag, ECRYPTFS_TAG_1_PACKET);
	EXPECT_EQ(0, std::memcmp(k.sig, kKeyId, 8));
	EXPECT_EQ(k.efek_len, 512u);
	EXPECT_EQ(k.efek, out.data() + 26 + 3 + 10);
	EXPECT_EQ(ecryptfs_hdr_next_key(out.data(), out.size(), &p, &k), 0);
}

TEST(HeaderTag1, WriterBounds)
{
	std::vector<u8> out(8192, 0);
	size_t pos = 26;
	std::vector<u8> efek(513, 1);
	EXPECT_EQ(ecryptfs_hdr_write_tag1(out.data(), out.size(), &pos, kKeyId,
					  efek.data(), 513), -EINVAL);
	EXPECT_EQ(ecryptfs_hdr_write_tag1(out.data(), out.size(), &pos, kKeyId,
					  efek.data(), 0), -EINVAL);
	std::vector<u8> tiny(26 + 2 + 10 + 16, 0);
	EXPECT_EQ(ecryptfs_hdr_write_tag1(tiny.data(), tiny.size() - 1, &pos,
					  kKeyId, efek.data(), 16), -ENOSPC);
	EXPECT_EQ(pos, 26u);
	EXPECT_EQ(ecryptfs_hdr_write_tag1(tiny.data(), tiny.size(), &pos,
					  kKeyId, efek.data(), 16), 0);
	EXPECT_EQ(pos, tiny.size());
}

TEST(HeaderTag1, RejectsMalformed)
{
	auto base = header_with_tag1(16);
	auto next = [](std::vector<u8> b, size_t len = 0) {
		ecryptfs_hdr_key k{};
		size_t p = 26;
		return ecryptfs_hdr_next_key(b.data(), len ? len : b.size(), &p, &k);
	};
	EXPECT_EQ(next(base), 1);
	auto ver = base; ver[28] = 4;	// version must be 3
	EXPECT_EQ(next(ver), -EINVAL);
	auto algo = base; algo[37] = 0x10;	// algorithm byte is ignored
	EXPECT_EQ(next(algo), 1);
	auto shortbody = base; shortbody[27] = 9;	// body < 10
	EXPECT_EQ(next(shortbody), -EINVAL);
	auto noefek = base; noefek[27] = 10;	// empty EFEK: accepted as the reference
	EXPECT_EQ(next(noefek), 1);
	for (size_t n = 27; n < 26 + 2 + 26; n++)
		EXPECT_LT(next(base, n), 0) << "truncated at " << n;
	auto big = base; big[27] = 0xc1; big[28] = 0x4b;	// 523 > 10 + 512
	EXPECT_EQ(next(big), -EINVAL);
	auto partial = base; partial[27] = 0xe5;
	EXPECT_EQ(next(partial), -EINVAL);
}

TEST(HeaderTag1, MixedSetInOptionOrder)
{
	std::vector<u8> out(8192, 0);
	size_t pos = ecryptfs_hdr_write_fixed(out.data(), 0, 1, 2, 8192);
	const u8 salt[8] = {}, sig3[8] = {9, 9, 9, 9, 9, 9, 9, 9};
	u8 efek3[16] = {}, efek1[128] = {};
	ASSERT_EQ(ecryptfs_hdr_write_tag3(out.data(), out.size(), &pos, 7, salt,
					  efek3, 16, sig3), 0);
	ASSERT_EQ(ecryptfs_hdr_write_tag1(out.data(), out.size(), &pos, kKeyId,
					  efek1, sizeof(efek1)), 0);
	ASSERT_EQ(ecryptfs_hdr_write_end(out.data(), out.size(), &pos), 0);
	size_t p = 26;
	ecryptfs_hdr_key k{};
	ASSERT_EQ(ecryptfs_hdr_next_key(out.data(), out.size(), &p, &k), 1);
	EXPECT_EQ(k.tag, ECRYPTFS_TAG_3_PACKET);
	EXPECT_EQ(0, std::memcmp(k.sig, sig3, 8));
	ASSERT_EQ(ecryptfs_hdr_next_key(out.data(), out.size(), &p, &k), 1);
	EXPECT_EQ(k.tag, ECRYPTFS_TAG_1_PACKET);
	EXPECT_EQ(k.efek_len, 128u);
	EXPECT_EQ(ecryptfs_hdr_next_key(out.data(), out.size(), &p, &k), 0);
	EXPECT_EQ(p, pos - 1);
}

} // namespace
