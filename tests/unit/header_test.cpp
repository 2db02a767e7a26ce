// SPDX-License-Identifier: GPL-2.0-only
//
// The shared header parser/builder (include/ecryptfs/header.c) against the
// worked example of spec kernel.md §2.2 and malformed variants of it.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <vector>

#include "ecryptfs/header.h"

namespace {

// Bytes 0x00..0x51 of the §2.2 sample (AES-128, "secretpass", size 6).
const std::vector<u8> kSample = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06,
	0xd3, 0x2e, 0x02, 0xc9, 0xef, 0xaf, 0xb5, 0x3c,
	0x03, 0x00, 0x00, 0x02, 0x00, 0x00, 0x10, 0x00,
	0x00, 0x02,
	0x8c, 0x1d, 0x04, 0x07, 0x03, 0x01,
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x60,
	0x13, 0x33, 0x62, 0x79, 0xe9, 0x64, 0x98, 0xd0,
	0x4b, 0x39, 0x0c, 0xe6, 0xd3, 0x9b, 0x2d, 0x8d,
	0xed, 0x16, 0x62, 0x08, 0x5f, 0x43, 0x4f, 0x4e, 0x53, 0x4f, 0x4c, 0x45,
	0x00, 0x00, 0x00, 0x00,
	0x81, 0xa0, 0xcb, 0x44, 0x17, 0xbc, 0x8b, 0xc7,
	0x00,
};

std::vector<u8> padded(std::vector<u8> v, size_t n = 4096)
{
	v.resize(n, 0);
	return v;
}

TEST(Header, WorkedExampleParses)
{
	auto buf = padded(kSample);
	ecryptfs_hdr h{};
	ASSERT_EQ(ecryptfs_hdr_parse(buf.data(), buf.size(), false, &h), 0);
	EXPECT_EQ(h.size, 6u);
	EXPECT_EQ(h.version, 3);
	EXPECT_EQ(h.flags, 0x02u);
	EXPECT_EQ(h.metadata_size, 8192u);
	EXPECT_EQ(h.packets_offset, 26u);

	size_t pos = h.packets_offset;
	ecryptfs_hdr_key k{};
	ASSERT_EQ(ecryptfs_hdr_next_key(buf.data(), buf.size(), &pos, &k), 1);
	EXPECT_EQ(k.tag, ECRYPTFS_TAG_3_PACKET);
	EXPECT_EQ(k.cipher_code, ECRYPTFS_CIPHER_AES_128);
	EXPECT_EQ(k.efek_len, 16u);
	EXPECT_EQ(k.key_bytes, 16u);
	EXPECT_EQ(0, memcmp(k.efek, &kSample[0x29], 16));
	char hex[17];
	ecryptfs_sig_to_hex(k.sig, hex);
	EXPECT_STREQ(hex, "81a0cb4417bc8bc7");
	const u8 salt[8] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
	EXPECT_EQ(0, memcmp(k.salt, salt, 8));
	EXPECT_EQ(pos, 0x51u);
	EXPECT_EQ(ecryptfs_hdr_next_key(buf.data(), buf.size(), &pos, &k), 0);
}

TEST(Header, BuilderReproducesWorkedExample)
{
	std::vector<u8> out(8192, 0xff);
	std::memset(out.data(), 0, out.size());
	size_t pos = ecryptfs_hdr_write_fixed(out.data(), 6, 0xd32e02c9u,
					      ECRYPTFS_HDR_FLAG_ENCRYPTED, 8192);
	ASSERT_EQ(pos, 26u);
	const u8 salt[8] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
	const u8 sig[8] = {0x81, 0xa0, 0xcb, 0x44, 0x17, 0xbc, 0x8b, 0xc7};
	ASSERT_EQ(ecryptfs_hdr_write_tag3(out.data(), out.size(), &pos,
					  ECRYPTFS_CIPHER_AES_128, salt,
					  &kSample[0x29], 16, sig), 0);
	ASSERT_EQ(ecryptfs_hdr_write_end(out.data(), out.size(), &pos), 0);
	ASSERT_EQ(pos, kSample.size());
	EXPECT_EQ(0, memcmp(out.data(), kSample.data(), kSample.size()));
}

TEST(Header, SizeFieldAndMarker)
{
	u8 b[16] = {};
	ecryptfs_hdr_put_size(b, 0x0102030405060708ull);
	EXPECT_EQ(b[0], 0x01);
	EXPECT_EQ(b[7], 0x08);
	EXPECT_EQ(ecryptfs_hdr_get_size(b), 0x0102030405060708ull);
	EXPECT_FALSE(ecryptfs_hdr_marker_valid(kSample.data(), 15));
	EXPECT_TRUE(ecryptfs_hdr_marker_valid(kSample.data(), 16));
	auto bad = kSample;
	bad[15] ^= 1;
	EXPECT_FALSE(ecryptfs_hdr_marker_valid(bad.data(), bad.size()));
	ecryptfs_hdr h{};
	auto p = padded(bad);
	EXPECT_EQ(ecryptfs_hdr_parse(p.data(), p.size(), false, &h), -EINVAL);
}

TEST(Header, RejectsBadVersionAndSizes)
{
	ecryptfs_hdr h{};
	auto v4 = padded(kSample);
	v4[16] = 4;
	EXPECT_EQ(ecryptfs_hdr_parse(v4.data(), v4.size(), false, &h), -EINVAL);

	auto small = padded(kSample);
	small[25] = 1;	// 4096 x 1 < 8192
	EXPECT_EQ(ecryptfs_hdr_parse(small.data(), small.size(), false, &h), -EINVAL);
	// The xattr copy is not size-checked (as the reference).
	EXPECT_EQ(ecryptfs_hdr_parse(small.data(), small.size(), true, &h), 0);
	EXPECT_EQ(h.metadata_size, 4096u);

	auto huge = padded(kSample);
	huge[20] = 0xff;	// extent size 0xff001000 x 2
	EXPECT_EQ(ecryptfs_hdr_parse(huge.data(), huge.size(), false, &h), -EINVAL);
	EXPECT_EQ(ecryptfs_hdr_parse(huge.data(), huge.size(), true, &h), -EINVAL);

	auto big64k = padded(kSample);
	big64k[22] = 0x00; big64k[21] = 0x01;	// 65536 x 2 = 128 KiB: fine
	EXPECT_EQ(ecryptfs_hdr_parse(big64k.data(), big64k.size(), false, &h), 0);
	EXPECT_EQ(h.metadata_size, 131072u);

	// Truncated before the fixed fields end.
	EXPECT_EQ(ecryptfs_hdr_parse(kSample.data(), 25, false, &h), -EINVAL);
	EXPECT_EQ(ecryptfs_hdr_parse(kSample.data(), 19, false, &h), -EINVAL);

	// Version 0: packets at 20, 8192-byte header implied.
	auto v0 = padded(kSample);
	v0[16] = 0;
	ASSERT_EQ(ecryptfs_hdr_parse(v0.data(), v0.size(), false, &h), 0);
	EXPECT_EQ(h.packets_offset, 20u);
	EXPECT_EQ(h.metadata_size, 8192u);
}

int next_key(std::vector<u8> buf, size_t len = 0)
{
	ecryptfs_hdr_key k{};
	size_t pos = 26;
	return ecryptfs_hdr_next_key(buf.data(), len ? len : buf.size(), &pos, &k);
}

TEST(Header, RejectsMalformedPackets)
{
	auto base = padded(kSample);
	EXPECT_EQ(next_key(base), 1);

	// Lying length: body longer than the buffer.
	auto lie = kSample;
	lie[0x1b] = 0xdf; lie[0x1c] = 0xff;	// two-byte length 8383
	lie.resize(0x60);
	EXPECT_LT(next_key(lie), 0);

	// Truncated anywhere inside the tag 3 / tag 11 group.
	for (size_t n = 27; n < 0x51; n++)
		EXPECT_LT(next_key(kSample, n), 0) << "truncated at " << n;

	auto ver = base; ver[0x1c] = 3;	// tag 3 version must be 4
	EXPECT_EQ(next_key(ver), -EINVAL);
	auto cip = base; cip[0x1d] = 0x55;	// unknown cipher code
	EXPECT_EQ(next_key(cip), -EINVAL);
	auto s2k = base; s2k[0x1e] = 2;
	EXPECT_EQ(next_key(s2k), -ENOSYS);
	auto hash = base; hash[0x1f] = 2;
	EXPECT_EQ(next_key(hash), -ENOSYS);
	auto shortbody = base; shortbody[0x1b] = 12;	// body < 13
	EXPECT_EQ(next_key(shortbody), -EINVAL);
	auto notag11 = base; notag11[0x39] = 0x00;	// tag 3 without tag 11
	EXPECT_EQ(next_key(notag11), -EIO);
	auto t11len = base; t11len[0x3a] = 0x15;	// literal contents != 8 bytes
	EXPECT_EQ(next_key(t11len), -EIO);
	auto t11fmt = base; t11fmt[0x3b] = 0x74;	// format byte must be 'b'
	EXPECT_EQ(next_key(t11fmt), -EINVAL);
	auto alone = base; alone[26] = ECRYPTFS_TAG_11_PACKET;
	EXPECT_EQ(next_key(alone), -EIO);
	auto partial = base; partial[0x1b] = 0xe0;	// partial body length
	EXPECT_EQ(next_key(partial), -EINVAL);
	auto five = base; five[0x1b] = 0xff;	// five-byte length
	EXPECT_EQ(next_key(five), -EINVAL);
	auto empty = base; empty[26] = 0;
	EXPECT_EQ(next_key(empty), 0);
}

TEST(Header, Aes192EfekIs32Bytes)
{
	std::vector<u8> out(4096, 0);
	size_t pos = ecryptfs_hdr_write_fixed(out.data(), 0, 1, 2, 8192);
	u8 efek[32] = {};
	const u8 salt[8] = {}, sig[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	ASSERT_EQ(ecryptfs_hdr_write_tag3(out.data(), out.size(), &pos,
					  ECRYPTFS_CIPHER_AES_192, salt, efek,
					  32, sig), 0);
	ASSERT_EQ(ecryptfs_hdr_write_end(out.data(), out.size(), &pos), 0);
	EXPECT_EQ(out[27], 0x2d);	// body 45 as the reference
	ecryptfs_hdr h{};
	ASSERT_EQ(ecryptfs_hdr_parse(out.data(), out.size(), false, &h), 0);
	size_t p = h.packets_offset;
	ecryptfs_hdr_key k{};
	ASSERT_EQ(ecryptfs_hdr_next_key(out.data(), out.size(), &p, &k), 1);
	EXPECT_EQ(k.efek_len, 32u);
	EXPECT_EQ(k.key_bytes, 24u);
}

TEST(Header, WriterBoundsAndTerminator)
{
	std::vector<u8> out(26 + 30, 0);
	size_t pos = 26;
	const u8 salt[8] = {}, sig[8] = {};
	u8 efek[16] = {};
	EXPECT_EQ(ecryptfs_hdr_write_tag3(out.data(), out.size(), &pos, 7, salt,
					  efek, 16, sig), -ENOSPC);
	EXPECT_EQ(pos, 26u);
	size_t end = out.size();
	EXPECT_EQ(ecryptfs_hdr_write_end(out.data(), out.size(), &end), -EIO);
	u8 big[600] = {};
	std::vector<u8> large(8192);
	pos = 26;
	EXPECT_EQ(ecryptfs_hdr_write_tag3(large.data(), large.size(), &pos, 7, salt,
					  big, 513, sig), -EINVAL);
}

TEST(Header, PacketLengths)
{
	u8 b[2];
	size_t ls, v;
	for (size_t n : {0u, 1u, 191u, 192u, 193u, 255u, 8383u}) {
		ASSERT_EQ(ecryptfs_write_packet_length(b, n, &ls), 0) << n;
		EXPECT_EQ(ls, n < 192 ? 1u : 2u);
		ASSERT_EQ(ecryptfs_parse_packet_length(b, ls, &v, &ls), 0);
		EXPECT_EQ(v, n);
	}
	EXPECT_EQ(ecryptfs_write_packet_length(b, 8384, &ls), -EINVAL);
	u8 two[2] = {0xc0, 0x00};
	EXPECT_EQ(ecryptfs_parse_packet_length(two, 1, &v, &ls), -EINVAL);
	EXPECT_EQ(ecryptfs_parse_packet_length(two, 0, &v, &ls), -EINVAL);
}

TEST(Header, CipherCodes)
{
	EXPECT_EQ(ecryptfs_cipher_code("aes", 16), ECRYPTFS_CIPHER_AES_128);
	EXPECT_EQ(ecryptfs_cipher_code("aes", 24), ECRYPTFS_CIPHER_AES_192);
	EXPECT_EQ(ecryptfs_cipher_code("aes", 32), ECRYPTFS_CIPHER_AES_256);
	EXPECT_EQ(ecryptfs_cipher_code("aes", 0), 0);
	EXPECT_EQ(ecryptfs_cipher_code("blowfish", 56), ECRYPTFS_CIPHER_BLOWFISH);
	EXPECT_EQ(ecryptfs_cipher_code("des3_ede", 24), ECRYPTFS_CIPHER_DES3_EDE);
	EXPECT_EQ(ecryptfs_cipher_code("cast5", 16), ECRYPTFS_CIPHER_CAST5);
	EXPECT_EQ(ecryptfs_cipher_code("cast6", 32), ECRYPTFS_CIPHER_CAST6);
	EXPECT_EQ(ecryptfs_cipher_code("twofish", 16), ECRYPTFS_CIPHER_TWOFISH);
	EXPECT_EQ(ecryptfs_cipher_code("serpent", 16), 0);
	EXPECT_STREQ(ecryptfs_cipher_name(ECRYPTFS_CIPHER_AES_192), "aes");
	EXPECT_STREQ(ecryptfs_cipher_name(ECRYPTFS_CIPHER_CAST6), "cast6");
	EXPECT_EQ(ecryptfs_cipher_name(0x01), nullptr);
}

TEST(Header, ExtentIvInputAndLowerSize)
{
	u8 root[16];
	for (int i = 0; i < 16; i++)
		root[i] = (u8)i;
	u8 out[32];
	ecryptfs_extent_iv_input(root, 0, out);
	EXPECT_EQ(0, memcmp(out, root, 16));
	EXPECT_EQ(out[16], '0');
	for (int i = 17; i < 32; i++)
		EXPECT_EQ(out[i], 0);
	ecryptfs_extent_iv_input(root, 1234567, out);
	EXPECT_EQ(0, memcmp(out + 16, "1234567\0\0\0\0\0\0\0\0\0", 16));
	EXPECT_EQ(ecryptfs_lower_size(0, 8192), 8192u);
	EXPECT_EQ(ecryptfs_lower_size(1, 8192), 12288u);
	EXPECT_EQ(ecryptfs_lower_size(4096, 8192), 12288u);
	EXPECT_EQ(ecryptfs_lower_size(4097, 8192), 16384u);
	EXPECT_EQ(ecryptfs_lower_size(1048579, 8192), 1060864u);
	EXPECT_EQ(ecryptfs_lower_size(6, 0), 4096u);
	u8 sig[8];
	EXPECT_EQ(ecryptfs_sig_from_hex("81a0cb4417bc8bc7", sig), 0);
	EXPECT_EQ(sig[0], 0x81);
	EXPECT_EQ(ecryptfs_sig_from_hex("81a0cb4417bc8bcz", sig), -EINVAL);
}

}  // namespace
