// SPDX-License-Identifier: GPL-2.0-only
//
// The shared /dev/ecryptfs protocol code (include/ecryptfs/msg.c): framing
// and the tag 64-67 payloads, valid input and every malformed case the
// kernel must refuse (spec kernel.md §6.1).
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "ecryptfs/msg.h"

namespace {

using Bytes = std::vector<u8>;

const char kSig[] = "0123456789abcdef";

Bytes frame(u8 type, u32 counter, u32 index, const Bytes &data)
{
	Bytes buf(ECRYPTFS_MSG_MAX_READ);
	size_t n = 0;

	EXPECT_EQ(ecryptfs_msg_write(buf.data(), buf.size(), type, counter,
				     index, data.data(), data.size(), &n),
		  0);
	buf.resize(n);
	return buf;
}

TEST(Msg, FrameRoundTripOneByteLength)
{
	Bytes data = {1, 2, 3};
	Bytes pkt = frame(ECRYPTFS_MSG_RESPONSE, 0x01020304, 7, data);
	ASSERT_EQ(pkt.size(), 5u + 1 + 8 + 3);
	EXPECT_EQ(pkt[0], ECRYPTFS_MSG_RESPONSE);
	EXPECT_EQ(pkt[1], 1);
	EXPECT_EQ(pkt[4], 4);  // counter big-endian
	EXPECT_EQ(pkt[5], 11); // len = 8 + 3
	u32 idx;
	std::memcpy(&idx, &pkt[6], 4); // host order
	EXPECT_EQ(idx, 7u);
	EXPECT_EQ(ecryptfs_msg_packet_size(3), pkt.size());

	ecryptfs_msg m{};
	ASSERT_EQ(ecryptfs_msg_parse_from_daemon(pkt.data(), pkt.size(), &m), 0);
	EXPECT_EQ(m.type, ECRYPTFS_MSG_RESPONSE);
	EXPECT_EQ(m.counter, 0x01020304u);
	EXPECT_TRUE(m.has_body);
	EXPECT_EQ(m.index, 7u);
	ASSERT_EQ(m.data_len, 3u);
	EXPECT_EQ(0, std::memcmp(m.data, data.data(), 3));
}

TEST(Msg, FrameTwoByteLength)
{
	Bytes data(500, 0xab);
	Bytes pkt = frame(ECRYPTFS_MSG_REQUEST, 9, 31, data);
	ASSERT_EQ(pkt.size(), 5u + 2 + 8 + 500);
	ecryptfs_msg m{};
	ASSERT_EQ(ecryptfs_msg_parse(pkt.data(), pkt.size(),
				     ECRYPTFS_MSG_MAX_READ, &m), 0);
	EXPECT_EQ(m.index, 31u);
	EXPECT_EQ(m.data_len, 500u);
	// A request is never accepted from the daemon.
	EXPECT_EQ(ecryptfs_msg_parse_from_daemon(pkt.data(), pkt.size(), &m),
		  -EINVAL);
	// 515 bytes of packet: too big for a write() to the kernel.
	EXPECT_EQ(ecryptfs_msg_parse(pkt.data(), pkt.size(),
				     ECRYPTFS_MSG_MAX_WRITE, &m), 0);
	Bytes big = frame(ECRYPTFS_MSG_RESPONSE, 9, 0, Bytes(517, 0));
	EXPECT_EQ(big.size(), 532u);
	EXPECT_EQ(ecryptfs_msg_parse_from_daemon(big.data(), big.size(), &m),
		  -EINVAL);
	Bytes max = frame(ECRYPTFS_MSG_RESPONSE, 9, 0, Bytes(516, 0));
	EXPECT_EQ(max.size(), 531u);
	EXPECT_EQ(ecryptfs_msg_parse_from_daemon(max.data(), max.size(), &m), 0);
}

TEST(Msg, WriteNoSpace)
{
	u8 buf[13];
	size_t n;
	Bytes data = {1};
	EXPECT_EQ(ecryptfs_msg_write(buf, sizeof(buf), ECRYPTFS_MSG_RESPONSE, 1,
				     0, data.data(), 1, &n),
		  -ENOSPC);
	EXPECT_EQ(ecryptfs_msg_packet_size(9000), 0u);
}

TEST(Msg, BareHeloQuit)
{
	u8 buf[5];
	ecryptfs_msg m{};

	ecryptfs_msg_write_bare(buf, ECRYPTFS_MSG_HELO, 0);
	ASSERT_EQ(ecryptfs_msg_parse_from_daemon(buf, 5, &m), 0);
	EXPECT_FALSE(m.has_body);
	EXPECT_EQ(m.type, ECRYPTFS_MSG_HELO);
	ecryptfs_msg_write_bare(buf, ECRYPTFS_MSG_QUIT, 5);
	ASSERT_EQ(ecryptfs_msg_parse_from_daemon(buf, 5, &m), 0);
	EXPECT_EQ(m.counter, 5u);
	// A bare RESPONSE or an unknown type is refused.
	ecryptfs_msg_write_bare(buf, ECRYPTFS_MSG_RESPONSE, 1);
	EXPECT_EQ(ecryptfs_msg_parse_from_daemon(buf, 5, &m), -EINVAL);
	ecryptfs_msg_write_bare(buf, 42, 1);
	EXPECT_EQ(ecryptfs_msg_parse_from_daemon(buf, 5, &m), -EINVAL);
	// HELO with a (consistent) body is accepted, as the reference.
	u8 helo[7] = {ECRYPTFS_MSG_HELO, 0, 0, 0, 0, 1, 0xaa};
	EXPECT_EQ(ecryptfs_msg_parse_from_daemon(helo, sizeof(helo), &m), 0);
}

TEST(Msg, MalformedFrames)
{
	Bytes good = frame(ECRYPTFS_MSG_RESPONSE, 1, 0, Bytes{0x41, 0xff});
	ecryptfs_msg m{};
	ASSERT_EQ(ecryptfs_msg_parse_from_daemon(good.data(), good.size(), &m), 0);

	// Truncated: one byte less than the length field says.
	EXPECT_EQ(ecryptfs_msg_parse_from_daemon(good.data(), good.size() - 1, &m),
		  -EINVAL);
	// Sizes below the minimum.
	for (size_t n = 1; n < ECRYPTFS_MSG_MIN_RESPONSE; n++) {
		if (n != 5) {
			EXPECT_EQ(ecryptfs_msg_parse_from_daemon(good.data(), n, &m),
				  -EINVAL) << n;
		}
	}
	// Length field says more than there is.
	Bytes lie = good;
	lie[5] += 1;
	EXPECT_EQ(ecryptfs_msg_parse_from_daemon(lie.data(), lie.size(), &m),
		  -EINVAL);
	// data_len disagrees with the length field.
	Bytes cnt = good;
	cnt[10] += 1;
	EXPECT_EQ(ecryptfs_msg_parse_from_daemon(cnt.data(), cnt.size(), &m),
		  -EINVAL);
	// Partial (224..254) and five-byte (255) lengths.
	Bytes part = good;
	part[5] = 230;
	EXPECT_EQ(ecryptfs_msg_parse_from_daemon(part.data(), part.size(), &m),
		  -EINVAL);
	part[5] = 255;
	EXPECT_EQ(ecryptfs_msg_parse_from_daemon(part.data(), part.size(), &m),
		  -EINVAL);
	// Message shorter than the 8-byte struct (length 5, count 11).
	Bytes shortmsg = {ECRYPTFS_MSG_RESPONSE, 0, 0, 0, 1, 5, 0, 0, 0, 0, 0};
	EXPECT_EQ(ecryptfs_msg_parse(shortmsg.data(), shortmsg.size(),
				     ECRYPTFS_MSG_MAX_WRITE, &m), -EINVAL);
	// Unknown type with a good frame.
	Bytes unk = good;
	unk[0] = 99;
	EXPECT_EQ(ecryptfs_msg_parse_from_daemon(unk.data(), unk.size(), &m),
		  -EINVAL);
	// Huge data_len (would overflow 8 + data_len in 32 bits).
	Bytes huge = good;
	u32 dl = 0xfffffff8u + 2;
	std::memcpy(&huge[10], &dl, 4);
	EXPECT_EQ(ecryptfs_msg_parse_from_daemon(huge.data(), huge.size(), &m),
		  -EINVAL);
}

TEST(Msg, KeyBlob)
{
	Bytes key(32);
	for (size_t i = 0; i < key.size(); i++)
		key[i] = (u8)(0xf0 + i);
	u8 blob[67];
	size_t n;
	ASSERT_EQ(ecryptfs_msg_write_key_blob(blob, sizeof(blob), 9, key.data(),
					      key.size(), &n), 0);
	ASSERT_EQ(n, 35u);
	u16 sum = 0;
	for (u8 b : key)
		sum = (u16)(sum + b);
	EXPECT_EQ(blob[33], sum >> 8);
	EXPECT_EQ(blob[34], sum & 0xff);
	u8 code;
	const u8 *k;
	size_t kl;
	ASSERT_EQ(ecryptfs_msg_parse_key_blob(blob, n, &code, &k, &kl), 0);
	EXPECT_EQ(code, 9);
	EXPECT_EQ(kl, 32u);
	EXPECT_EQ(0, std::memcmp(k, key.data(), 32));
	blob[34] ^= 1;
	EXPECT_EQ(ecryptfs_msg_parse_key_blob(blob, n, &code, &k, &kl), -EINVAL);
	Bytes big(65, 1);
	u8 bb[80];
	EXPECT_EQ(ecryptfs_msg_write_key_blob(bb, sizeof(bb), 7, big.data(), 65,
					      &n), -EINVAL);
	EXPECT_EQ(ecryptfs_msg_write_key_blob(bb, 10, 7, big.data(), 16, &n),
		  -ENOSPC);
	EXPECT_EQ(ecryptfs_msg_parse_key_blob(bb, 2, &code, &k, &kl), -EINVAL);
	EXPECT_EQ(ecryptfs_msg_parse_key_blob(bb, 68, &code, &k, &kl), -EINVAL);
}

TEST(Msg, Tag64RequestRoundTrip)
{
	Bytes efek(256, 0x5a);
	u8 buf[600];
	size_t n;
	ASSERT_EQ(ecryptfs_msg_write_tag64(buf, sizeof(buf), kSig, efek.data(),
					   efek.size(), &n), 0);
	ASSERT_EQ(n, 1u + 1 + 16 + 2 + 256);
	EXPECT_EQ(buf[0], 0x40);
	EXPECT_EQ(buf[1], 16);
	EXPECT_EQ(0, std::memcmp(buf + 2, kSig, 16));
	ecryptfs_msg_request r{};
	ASSERT_EQ(ecryptfs_msg_parse_request(buf, n, &r), 0);
	EXPECT_EQ(r.tag, 0x40);
	EXPECT_STREQ(r.sig_hex, kSig);
	EXPECT_EQ(r.key_len, 256u);
	EXPECT_EQ(0, std::memcmp(r.key, efek.data(), 256));
	// trailing byte, truncation, bad sig
	EXPECT_EQ(ecryptfs_msg_parse_request(buf, n + 1, &r), -EINVAL);
	EXPECT_EQ(ecryptfs_msg_parse_request(buf, n - 1, &r), -EINVAL);
	buf[5] = 'x';
	EXPECT_EQ(ecryptfs_msg_parse_request(buf, n, &r), -EINVAL);
	EXPECT_EQ(ecryptfs_msg_write_tag64(buf, sizeof(buf), "0123", efek.data(),
					   16, &n), -EINVAL);
	Bytes toobig(513, 1);
	EXPECT_EQ(ecryptfs_msg_write_tag64(buf, sizeof(buf), kSig, toobig.data(),
					   toobig.size(), &n), -EINVAL);
	EXPECT_EQ(ecryptfs_msg_write_tag64(buf, 100, kSig, efek.data(),
					   efek.size(), &n), -ENOSPC);
}

TEST(Msg, Tag66RequestRoundTrip)
{
	Bytes key(16, 0xff);
	u8 buf[100];
	size_t n;
	ASSERT_EQ(ecryptfs_msg_write_tag66(buf, sizeof(buf), kSig, 7, key.data(),
					   key.size(), &n), 0);
	// 42 | 16 | sig | 19 | 07 | key | 0f f0
	ASSERT_EQ(n, 1u + 1 + 16 + 1 + 19);
	EXPECT_EQ(buf[0], 0x42);
	EXPECT_EQ(buf[18], 19);
	EXPECT_EQ(buf[19], 7);
	EXPECT_EQ(buf[36], 0x0f);
	EXPECT_EQ(buf[37], 0xf0);
	ecryptfs_msg_request r{};
	ASSERT_EQ(ecryptfs_msg_parse_request(buf, n, &r), 0);
	EXPECT_EQ(r.tag, 0x42);
	EXPECT_EQ(r.key_len, 19u);
	buf[37] ^= 1; // checksum
	EXPECT_EQ(ecryptfs_msg_parse_request(buf, n, &r), -EINVAL);
	buf[0] = 0x41; // not a request tag
	EXPECT_EQ(ecryptfs_msg_parse_request(buf, n, &r), -EINVAL);
}

TEST(Msg, Tag65Reply)
{
	Bytes key(24, 3);
	u8 blob[67], buf[80];
	size_t bn, n;
	ASSERT_EQ(ecryptfs_msg_write_key_blob(blob, sizeof(blob), 8, key.data(),
					      key.size(), &bn), 0);
	ASSERT_EQ(ecryptfs_msg_write_reply(buf, sizeof(buf), 0x41, blob, bn, &n), 0);
	ASSERT_EQ(n, 2 + 1 + bn);
	u8 code;
	const u8 *k;
	size_t kl;
	ASSERT_EQ(ecryptfs_msg_parse_tag65(buf, n, &code, &k, &kl), 0);
	EXPECT_EQ(code, 8);
	EXPECT_EQ(kl, 24u);
	// Trailing bytes are tolerated (reference).
	EXPECT_EQ(ecryptfs_msg_parse_tag65(buf, n + 1, &code, &k, &kl), 0);
	// Truncated / bad checksum / wrong tag / failure status / short.
	EXPECT_EQ(ecryptfs_msg_parse_tag65(buf, n - 1, &code, &k, &kl), -EINVAL);
	Bytes bad(buf, buf + n);
	bad[n - 1] ^= 1;
	EXPECT_EQ(ecryptfs_msg_parse_tag65(bad.data(), n, &code, &k, &kl), -EINVAL);
	EXPECT_EQ(ecryptfs_msg_parse_tag67(buf, n, &k, &kl), -EINVAL);
	u8 fail[2];
	ecryptfs_msg_write_reply_error(fail, 0x41);
	EXPECT_EQ(ecryptfs_msg_parse_tag65(fail, 2, &code, &k, &kl), -EIO);
	u8 tiny[3] = {0x41, 0, 0};
	EXPECT_EQ(ecryptfs_msg_parse_tag65(tiny, 3, &code, &k, &kl), -EINVAL);
	// m < 3
	u8 small[5] = {0x41, 0, 2, 7, 0};
	EXPECT_EQ(ecryptfs_msg_parse_tag65(small, 5, &code, &k, &kl), -EINVAL);
	// key > 64 bytes: m = 68
	Bytes big = {0x41, 0, 68, 7};
	big.resize(3 + 68, 0);
	EXPECT_EQ(ecryptfs_msg_parse_tag65(big.data(), big.size(), &code, &k, &kl),
		  -EINVAL);
}

TEST(Msg, Tag67Reply)
{
	Bytes efek(300, 0x11);
	u8 buf[400];
	size_t n;
	ASSERT_EQ(ecryptfs_msg_write_reply(buf, sizeof(buf), 0x43, efek.data(),
					   efek.size(), &n), 0);
	ASSERT_EQ(n, 2u + 2 + 300);
	const u8 *e;
	size_t el;
	ASSERT_EQ(ecryptfs_msg_parse_tag67(buf, n, &e, &el), 0);
	EXPECT_EQ(el, 300u);
	EXPECT_EQ(0, std::memcmp(e, efek.data(), 300));
	// ecryptfsd 111 quirk: data_len = n + 4 with a one-byte length.
	u8 quirk[2 + 1 + 16 + 1] = {0x43, 0, 16};
	EXPECT_EQ(ecryptfs_msg_parse_tag67(quirk, sizeof(quirk), &e, &el), 0);
	EXPECT_EQ(el, 16u);
	EXPECT_EQ(ecryptfs_msg_parse_tag67(buf, n - 1, &e, &el), -EINVAL);
	u8 fail[2];
	ecryptfs_msg_write_reply_error(fail, 0x43);
	EXPECT_EQ(ecryptfs_msg_parse_tag67(fail, 2, &e, &el), -EIO);
	u8 zero[4] = {0x43, 0, 0, 0};
	EXPECT_EQ(ecryptfs_msg_parse_tag67(zero, 4, &e, &el), -EINVAL);
	Bytes big(513, 0);
	EXPECT_EQ(ecryptfs_msg_write_reply(buf, sizeof(buf), 0x43, big.data(),
					   big.size(), &n), -EINVAL);
	EXPECT_EQ(ecryptfs_msg_write_reply(buf, sizeof(buf), 0x40, efek.data(),
					   10, &n), -EINVAL);
}

} // namespace
