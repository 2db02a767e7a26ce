// SPDX-License-Identifier: GPL-2.0-only
/*
 * Filename encryption: the shared format code (include/ecryptfs/fname.c)
 * and the userland FilenameCipher against the kernel-verified vectors of
 * spec kernel.md §3.4, round trips, length limits and malformed packets.
 */
#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include "ecryptfs/fname.h"
#include "ecryptfs/header.h"
#include "libecryptfs/crypto.h"
#include "libecryptfs/fname.h"

using namespace ecryptfs;

namespace {

const DerivedKey &test_key()
{
	static const DerivedKey k = [] {
		auto r = derive_key("Test", kDefaultSalt);
		EXPECT_TRUE(r.ok());
		return r.value();
	}();
	return k;
}

FilenameCipher make(const char *cipher, std::size_t key_bytes, const DerivedKey &k = test_key())
{
	auto r = FilenameCipher::create(cipher, key_bytes, k.kek, k.sig);
	if (!r)
		ADD_FAILURE() << cipher << "/" << key_bytes << ": " << r.error().reason;
	return std::move(r).value();
}

std::string name_of_len(std::size_t n, unsigned seed)
{
	std::string s;
	for (std::size_t i = 0; i < n; i++) {
		/* Every byte value but NUL and '/' shows up somewhere. */
		unsigned char c = static_cast<unsigned char>(1 + (i * 37 + seed * 11) % 255);
		if (c == '/')
			c = '_';
		s.push_back(static_cast<char>(c));
	}
	return s;
}

/* Decode a lower name into its packet bytes. */
std::vector<std::uint8_t> packet_of(const std::string &lower)
{
	std::vector<std::uint8_t> buf(ecryptfs_fname_max_decoded_len(lower.size()));
	std::size_t n = ecryptfs_fname_decode(lower.data() + ECRYPTFS_FNEK_PREFIX_LEN,
					      lower.size() - ECRYPTFS_FNEK_PREFIX_LEN, buf.data());
	buf.resize(n);
	return buf;
}

std::string lower_of_packet(const std::vector<std::uint8_t> &pkt)
{
	std::string out(ECRYPTFS_FNEK_PREFIX_LEN + ecryptfs_fname_encoded_len(pkt.size()) + 1, 'x');
	int n = ecryptfs_fname_encode_lower(pkt.data(), pkt.size(), out.data(), out.size());
	EXPECT_GT(n, 0);
	out.resize(static_cast<std::size_t>(n));
	return out;
}

} // namespace

TEST(Fname, KeyOfTheVectors)
{
	EXPECT_EQ(test_key().sig, "3515cca9baaea1f4");
}

/* spec kernel.md §3.4: names the reference kernel produced. */
TEST(Fname, KernelVectors)
{
	struct {
		const char *cipher;
		std::size_t bytes;
		const char *lower;
	} v[] = {
		{"aes", 16, "ECRYPTFS_FNEK_ENCRYPTED.FWYp3QmdieuVx-ReNM93cFJhZmQKb9S.7xyoDzbVOSbBh3ttRUURq5F-zE--"},
		{"aes", 24, "ECRYPTFS_FNEK_ENCRYPTED.FWYp3QmdieuVx-UP0Bp5ZhSV8z0l0qmRIVPgjmpEsGWRgxIcl0sTzLZcs---"},
		{"aes", 32, "ECRYPTFS_FNEK_ENCRYPTED.FWYp3QmdieuVx-aK6fArd1FkXCt3ijqL6Arsiu3IFxKKhksWZXxt2HR.i---"},
		{"blowfish", 16, "ECRYPTFS_FNEK_ENCRYPTED.FWYp3QmdieuVx-Fi4vCFunEkpmguVPgTV8O7OCI7gcIM0RzNtZOMT.ad8k--"},
		{"des3_ede", 24, "ECRYPTFS_FNEK_ENCRYPTED.FWYp3QmdieuVx-7SUzZ0hbmbz5nk3WMwv4ZjYta1MzcS0Zfdls0zMhkKmk--"},
	};
	for (const auto &t : v) {
		SCOPED_TRACE(std::string(t.cipher) + "/" + std::to_string(t.bytes));
		auto fc = make(t.cipher, t.bytes);
		auto enc = fc.encrypt("TestFile");
		ASSERT_TRUE(enc.ok()) << enc.error().reason;
		EXPECT_EQ(enc.value(), t.lower);
		auto dec = fc.decrypt(t.lower);
		ASSERT_TRUE(dec.ok()) << dec.error().reason;
		EXPECT_EQ(dec.value(), "TestFile");
	}
}

TEST(Fname, SecretpassExample)
{
	auto k = derive_key("secretpass", kDefaultSalt);
	ASSERT_TRUE(k.ok());
	EXPECT_EQ(k.value().sig, "81a0cb4417bc8bc7");
	auto fc = make("aes", 16, k.value());
	auto enc = fc.encrypt("hello.txt");
	ASSERT_TRUE(enc.ok());
	EXPECT_EQ(enc.value(),
		  "ECRYPTFS_FNEK_ENCRYPTED.FWa.cAh23vm9lkTpchujRDWleHKUfbgEmUZVplE43W.kHt5WyciECXGVRU--");
}

TEST(Fname, FnekSaltSignature)
{
	/* userland.md §1.4: the FNEK of "secretpass" uses the ASCII salt. */
	auto k = derive_key("secretpass", kFnekSalt);
	ASSERT_TRUE(k.ok());
	EXPECT_EQ(k.value().sig, "e8df9ab49aa02466");
}

TEST(Fname, RoundTripEveryLength)
{
	for (const char *cipher : {"aes", "blowfish", "des3_ede", "cast5"}) {
		std::size_t bytes = std::string(cipher) == "des3_ede" ? 24 : 16;
		auto fc = make(cipher, bytes);
		for (std::size_t n = 1; n <= 143; n++) {
			SCOPED_TRACE(std::string(cipher) + " length " + std::to_string(n));
			std::string name = name_of_len(n, static_cast<unsigned>(n));
			auto enc = fc.encrypt(name);
			ASSERT_TRUE(enc.ok()) << enc.error().reason;
			EXPECT_LE(enc.value().size(), 255u);
			EXPECT_EQ(enc.value().size(), ecryptfs_fname_lower_len(n, fc.block_size()));
			EXPECT_TRUE(ecryptfs_fname_is_encrypted(enc.value().data(), enc.value().size()));
			for (char c : enc.value().substr(ECRYPTFS_FNEK_PREFIX_LEN))
				ASSERT_NE(std::string("-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						      "abcdefghijklmnopqrstuvwxyz")
						  .find(c),
					  std::string::npos);
			auto dec = fc.decrypt(enc.value());
			ASSERT_TRUE(dec.ok()) << dec.error().reason;
			EXPECT_EQ(dec.value(), name);
			/* Deterministic: the same name always gives the same lower name. */
			EXPECT_EQ(fc.encrypt(name).value(), enc.value());
		}
	}
}

TEST(Fname, LongSymlinkTargetsRoundTrip)
{
	/* Symlink targets go through the same code and may be up to 4095 bytes
	 * (two-byte packet length). */
	auto fc = make("aes", 16);
	for (std::size_t n : {170u, 175u, 176u, 500u, 4095u}) {
		std::string t = name_of_len(n, 3);
		auto enc = fc.encrypt(t);
		ASSERT_TRUE(enc.ok());
		auto dec = fc.decrypt(enc.value());
		ASSERT_TRUE(dec.ok()) << n << ": " << dec.error().reason;
		EXPECT_EQ(dec.value(), t);
	}
	EXPECT_EQ(fc.encrypt(std::string(4096, 'a')).error().code, -EINVAL);
	EXPECT_EQ(fc.encrypt("").error().code, -EINVAL);
}

TEST(Fname, NameLengthLimit)
{
	for (const char *cipher : {"aes", "blowfish"}) {
		auto fc = make(cipher, 16);
		EXPECT_EQ(fc.max_name_len(), 143);
		EXPECT_LE(fc.encrypt(std::string(143, 'x')).value().size(), 255u);
		auto e144 = fc.encrypt(std::string(144, 'x'));
		ASSERT_TRUE(e144.ok());
		EXPECT_GT(e144.value().size(), 255u) << cipher;
	}
	EXPECT_EQ(ecryptfs_fname_lower_len(143, 16), 252u);
	EXPECT_EQ(ecryptfs_fname_lower_len(144, 16), 276u);
	EXPECT_EQ(ecryptfs_fname_lower_len(144, 8), 264u);
}

TEST(Fname, StatfsEstimateIsSafe)
{
	EXPECT_EQ(ecryptfs_fname_max_plain(255, 16), 143);
	EXPECT_EQ(ecryptfs_fname_max_plain(255, 8), 143);
	EXPECT_EQ(ecryptfs_fname_max_plain(24, 16), 0);
	EXPECT_EQ(ecryptfs_fname_max_plain(0, 16), 0);
	/* spec kernel.md §1.11: max_decoded(n-24) - 3 - 13 - 16 - (bs-1) */
	EXPECT_EQ(ecryptfs_fname_max_plain(254, 16), ((254 - 24 + 1) * 3) / 4 - 3 - 13 - 16 - 15);
	EXPECT_EQ(ecryptfs_fname_max_plain(1024, 8), ((1024 - 24 + 1) * 3) / 4 - 3 - 13 - 16 - 7);
	/* The estimate never promises a name that does not fit. */
	for (long n = 25; n < 1100; n++) {
		for (std::size_t bs : {8u, 16u}) {
			long m = ecryptfs_fname_max_plain(n, bs);
			if (m > 0) {
				EXPECT_LE(ecryptfs_fname_lower_len(static_cast<std::size_t>(m), bs),
					  static_cast<std::size_t>(n))
					<< "namelen " << n << " bs " << bs;
			}
		}
	}
}

/* Every name of a mount starts with the same characters (ECB + a fixed R). */
TEST(Fname, SharedPrefix)
{
	for (const char *cipher : {"aes", "blowfish"}) {
		auto fc = make(cipher, 16);
		auto a = fc.encrypt("a").value();
		auto b = fc.encrypt("completely different").value();
		auto c = fc.encrypt(std::string(143, 'z')).value();
		auto pa = packet_of(a), pb = packet_of(b), pc = packet_of(c);
		/* 46 | len(1) | sig | code, then the first 16 ciphertext bytes =
		 * E(R[0..15]) are the same for every name. */
		ASSERT_GE(pa.size(), 27u);
		EXPECT_EQ(pa[0], 0x46);
		EXPECT_TRUE(std::equal(pa.begin() + 2, pa.begin() + 27, pb.begin() + 2)) << cipher;
		EXPECT_TRUE(std::equal(pa.begin() + 2, pa.begin() + 27, pc.begin() + 2)) << cipher;
		/* Same padded length: the whole first 27 bytes, i.e. 36 characters. */
		auto d = fc.encrypt("b").value();
		EXPECT_EQ(a.substr(0, 24 + 36), d.substr(0, 24 + 36));
		EXPECT_NE(a, d);
	}
}

TEST(Fname, Alphabet)
{
	const std::uint8_t all_ones[3] = {0xff, 0xff, 0xff};
	char out[8] = {};
	ecryptfs_fname_encode(all_ones, 3, out);
	EXPECT_EQ(std::string(out, 4), "zzzz");
	const std::uint8_t seq[3] = {0x00, 0x10, 0x83}; /* 000000 000001 000010 000011 */
	ecryptfs_fname_encode(seq, 3, out);
	EXPECT_EQ(std::string(out, 4), "-.01");
	const std::uint8_t one[1] = {0x46};
	ecryptfs_fname_encode(one, 1, out);
	EXPECT_EQ(std::string(out, 4), "FU--"); /* 010001 10(0000) */
	EXPECT_EQ(ecryptfs_fname_encoded_len(0), 0u);
	EXPECT_EQ(ecryptfs_fname_encoded_len(1), 4u);
	EXPECT_EQ(ecryptfs_fname_encoded_len(3), 4u);
	EXPECT_EQ(ecryptfs_fname_encoded_len(4), 8u);
	/* decode: 6 bits per character, only whole bytes count; unknown
	 * characters count as 0 like '-' */
	std::uint8_t d[8];
	EXPECT_EQ(ecryptfs_fname_decode("zzzz", 4, d), 3u);
	EXPECT_EQ(d[0], 0xff);
	EXPECT_EQ(d[2], 0xff);
	EXPECT_EQ(ecryptfs_fname_decode("FW", 2, d), 1u);
	EXPECT_EQ(d[0], 0x46);
	EXPECT_EQ(ecryptfs_fname_decode("F", 1, d), 0u);
	std::uint8_t e[8];
	EXPECT_EQ(ecryptfs_fname_decode("!.01", 4, e), 3u);
	EXPECT_EQ(std::vector<std::uint8_t>(e, e + 3), std::vector<std::uint8_t>(seq, seq + 3));
	for (std::size_t n = 0; n < 300; n++) {
		std::vector<std::uint8_t> src(n);
		for (std::size_t i = 0; i < n; i++)
			src[i] = static_cast<std::uint8_t>(i * 131 + n);
		std::string enc(ecryptfs_fname_encoded_len(n), '?');
		ecryptfs_fname_encode(src.data(), n, enc.data());
		std::vector<std::uint8_t> back(ecryptfs_fname_max_decoded_len(enc.size()) + 1, 0xee);
		std::size_t got = ecryptfs_fname_decode(enc.data(), enc.size(), back.data());
		ASSERT_GE(got, n);
		ASSERT_LE(got, ecryptfs_fname_max_decoded_len(enc.size()));
		EXPECT_EQ(back.back(), 0xee) << "decode wrote past its documented room";
		EXPECT_TRUE(std::equal(src.begin(), src.end(), back.begin()));
		for (std::size_t i = n; i < got; i++)
			EXPECT_EQ(back[i], 0) << "padding decodes to zero";
	}
}

TEST(Fname, PlaintextBlock)
{
	/* 16 + 1 + name rounded up to the block: R || 0x00 || name */
	EXPECT_EQ(ecryptfs_fname_padded_len(1, 16), 32u);
	EXPECT_EQ(ecryptfs_fname_padded_len(15, 16), 32u);
	EXPECT_EQ(ecryptfs_fname_padded_len(16, 16), 48u);
	EXPECT_EQ(ecryptfs_fname_padded_len(7, 8), 24u);
	EXPECT_EQ(ecryptfs_fname_padded_len(8, 8), 32u);
	const auto &k = test_key();
	std::uint8_t p[64];
	auto md5 = [](void *, const std::uint8_t *data, std::size_t len, std::uint8_t *out) -> int {
		/* A fake digest that is all zero: R must then be all 0x42. */
		(void)data;
		(void)len;
		std::fill(out, out + 16, 0);
		return 0;
	};
	int n = ecryptfs_fname_build_plaintext(p, sizeof(p), reinterpret_cast<const std::uint8_t *>("ab"),
					       2, 16, k.kek.data(), k.kek.size(), md5, nullptr);
	ASSERT_EQ(n, 32);
	for (int i = 0; i < 29; i++)
		EXPECT_EQ(p[i], 0x42) << i;
	EXPECT_EQ(p[29], 0);
	EXPECT_EQ(p[30], 'a');
	EXPECT_EQ(p[31], 'b');
	EXPECT_EQ(ecryptfs_fname_build_plaintext(p, 31, reinterpret_cast<const std::uint8_t *>("ab"), 2,
						 16, k.kek.data(), k.kek.size(), md5, nullptr),
		  -ENOSPC);
	auto failing = [](void *, const std::uint8_t *, std::size_t, std::uint8_t *) -> int {
		return -EIO;
	};
	EXPECT_EQ(ecryptfs_fname_build_plaintext(p, sizeof(p), reinterpret_cast<const std::uint8_t *>("ab"),
						 2, 16, k.kek.data(), k.kek.size(), failing, nullptr),
		  -EIO);
	EXPECT_EQ(ecryptfs_fname_build_plaintext(p, sizeof(p), nullptr, 0, 16, k.kek.data(),
						 k.kek.size(), md5, nullptr),
		  -EINVAL);
}

namespace {

/* A valid packet for "TestFile" (aes/16) to break in the tests below. */
std::vector<std::uint8_t> good_packet()
{
	return packet_of(make("aes", 16).encrypt("TestFile").value());
}

int parse(const std::vector<std::uint8_t> &p, ecryptfs_tag70 *out = nullptr)
{
	ecryptfs_tag70 tmp{};
	return ecryptfs_tag70_parse(p.data(), p.size(), out ? out : &tmp);
}

} // namespace

TEST(Fname, ParseGoodPacket)
{
	auto p = good_packet();
	ecryptfs_tag70 t{};
	ASSERT_EQ(parse(p, &t), 0);
	EXPECT_EQ(t.cipher_code, ECRYPTFS_CIPHER_AES_128);
	EXPECT_EQ(t.block_size, 16u);
	EXPECT_EQ(t.ciphertext_len, 32u);
	EXPECT_EQ(t.ciphertext, p.data() + 11);
	EXPECT_EQ(t.packet_len, 43u);
	EXPECT_EQ(to_hex({t.sig, 8}), "3515cca9baaea1f4");
	/* trailing decoded zero bytes (padding) are allowed */
	p.push_back(0);
	EXPECT_EQ(parse(p), 0);
}

TEST(Fname, ParseRejectsMalformed)
{
	const auto good = good_packet();
	auto p = good;
	p[0] = 0x47; /* bad type */
	EXPECT_EQ(parse(p), -EINVAL);
	p = good;
	p[0] = 0x8c; /* a tag 3 is not a tag 70 */
	EXPECT_EQ(parse(p), -EINVAL);
	for (std::size_t n = 0; n < 12; n++) { /* too short */
		std::vector<std::uint8_t> s(good.begin(), good.begin() + static_cast<long>(n));
		EXPECT_EQ(parse(s), -EINVAL) << n;
	}
	/* The decoded name carries padding zero bytes past the 43-byte packet. */
	ASSERT_EQ(good.size(), 45u);
	for (std::size_t n = 12; n < 43; n++) { /* truncated: length lies */
		std::vector<std::uint8_t> s(good.begin(), good.begin() + static_cast<long>(n));
		EXPECT_EQ(parse(s), -EINVAL) << n;
	}
	p = good;
	p[1] = static_cast<std::uint8_t>(good[1] + 16); /* lying length, one more block */
	EXPECT_EQ(parse(p), -EINVAL);
	p = good;
	p[1] = 0xff; /* five-byte length form */
	EXPECT_EQ(parse(p), -EINVAL);
	p = good;
	p[1] = 0xe0; /* partial body length */
	EXPECT_EQ(parse(p), -EINVAL);
	p = good;
	p[1] = 0xc0; /* two-byte form claiming 192+..: beyond the buffer */
	EXPECT_EQ(parse(p), -EINVAL);
	for (std::uint8_t body : {0, 1, 8, 9}) { /* no room for sig+code+ciphertext */
		p = good;
		p[1] = body;
		EXPECT_EQ(parse(p), -EINVAL) << int(body);
	}
	p = good;
	p[1] = 9 + 20; /* ciphertext not a whole number of blocks */
	EXPECT_EQ(parse(p), -EINVAL);
	for (std::uint8_t code : {0, 1, 5, 6, 0x0c, 0xff}) { /* unknown cipher code */
		p = good;
		p[10] = code;
		EXPECT_EQ(parse(p), -EINVAL) << int(code);
	}
	p = good;
	p[10] = ECRYPTFS_CIPHER_BLOWFISH; /* 8-byte block: 32 bytes still fine */
	EXPECT_EQ(parse(p), 0);
}

TEST(Fname, DecodeLowerRejects)
{
	std::vector<std::uint8_t> buf(300);
	ecryptfs_tag70 t{};
	auto dl = [&](const std::string &s) {
		return ecryptfs_fname_decode_lower(s.data(), s.size(), buf.data(), buf.size(), &t);
	};
	EXPECT_EQ(dl("lost+found"), -EINVAL);
	EXPECT_EQ(dl("ECRYPTFS_FNEK_ENCRYPTED."), -EINVAL); /* prefix only */
	EXPECT_EQ(dl("ECRYPTFS_FNEK_ENCRYPTED"), -EINVAL);
	EXPECT_EQ(dl("ecryptfs_fnek_encrypted.FWYp3QmdieuVx-ReNM93cFJhZmQKb9S.7xyoDzbVOSbBh3ttRUURq5F-zE--"),
		  -EINVAL);
	EXPECT_EQ(dl("ECRYPTFS_FEK_ENCRYPTED.FWYp3QmdieuVx-ReNM93cFJhZmQKb9S.7xyoDzbVOSbBh3ttRUURq5F-zE--"),
		  -EINVAL);
	EXPECT_EQ(dl("ECRYPTFS_FNEK_ENCRYPTED.x"), -EINVAL);
	EXPECT_EQ(dl("ECRYPTFS_FNEK_ENCRYPTED.FWYp3QmdieuVx-ReNM93cFJ"), -EINVAL); /* truncated */
	EXPECT_EQ(dl("ECRYPTFS_FNEK_ENCRYPTED.FWYp3QmdieuVx-ReNM93cFJhZmQKb9S.7xyoDzbVOSbBh3ttRUURq5F-zE--"), 0);
	std::vector<std::uint8_t> small(10);
	std::string good = "ECRYPTFS_FNEK_ENCRYPTED.FWYp3QmdieuVx-ReNM93cFJhZmQKb9S.7xyoDzbVOSbBh3ttRUURq5F-zE--";
	EXPECT_EQ(ecryptfs_fname_decode_lower(good.data(), good.size(), small.data(), small.size(), &t),
		  -ENOSPC);
}

TEST(Fname, ExtractRejects)
{
	const std::uint8_t *name = nullptr;
	std::size_t len = 0;
	std::vector<std::uint8_t> p(32, 0x41);
	EXPECT_EQ(ecryptfs_fname_extract(p.data(), p.size(), &name, &len), -EINVAL); /* no 0x00 */
	p[31] = 0;
	EXPECT_EQ(ecryptfs_fname_extract(p.data(), p.size(), &name, &len), -EINVAL); /* empty name */
	p[31] = 'x';
	p[20] = 0;
	ASSERT_EQ(ecryptfs_fname_extract(p.data(), p.size(), &name, &len), 0);
	EXPECT_EQ(len, 11u);
	EXPECT_EQ(name, p.data() + 21);
	p[10] = 0; /* the FIRST 0x00 is the separator */
	ASSERT_EQ(ecryptfs_fname_extract(p.data(), p.size(), &name, &len), 0);
	EXPECT_EQ(len, 21u);
	std::vector<std::uint8_t> big(4096 + 17, 'n');
	big[16] = 0;
	EXPECT_EQ(ecryptfs_fname_extract(big.data(), big.size(), &name, &len), -EINVAL); /* >= PATH_MAX */
	big[16] = 'n';
	big[17] = 0;
	EXPECT_EQ(ecryptfs_fname_extract(big.data(), big.size(), &name, &len), 0); /* 4095 */
	EXPECT_EQ(len, 4095u);
}

TEST(Fname, DecryptRejects)
{
	auto fc = make("aes", 16);
	EXPECT_EQ(fc.decrypt("plain-name").error().code, -EINVAL);
	EXPECT_EQ(fc.decrypt("ECRYPTFS_FNEK_ENCRYPTED.").error().code, -EINVAL);
	/* Encrypted with another FNEK: its sig is not ours. */
	auto other = derive_key("other", kFnekSalt);
	ASSERT_TRUE(other.ok());
	auto oc = make("aes", 16, other.value());
	auto foreign = oc.encrypt("TestFile").value();
	EXPECT_EQ(fc.decrypt(foreign).error().code, -ENOKEY);
	EXPECT_EQ(oc.decrypt(foreign).value(), "TestFile");
	/* A well-formed packet whose plaintext has no separator. */
	std::vector<std::uint8_t> plain(32, 0x41), pkt(ecryptfs_tag70_packet_len(32));
	std::size_t hdr = 0;
	std::uint8_t sig[8];
	ASSERT_EQ(ecryptfs_sig_from_hex("3515cca9baaea1f4", sig), 0);
	ASSERT_EQ(ecryptfs_tag70_write_header(pkt.data(), pkt.size(), 32, sig, ECRYPTFS_CIPHER_AES_128, &hdr), 0);
	EXPECT_EQ(hdr, 11u);
	ASSERT_TRUE(ecb_crypt("aes", test_key().kek.span().first(16), true, plain, pkt.data() + hdr).ok());
	auto r = fc.decrypt(lower_of_packet(pkt));
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().code, -EINVAL);
	/* The same with a separator decodes. */
	plain[20] = 0;
	ASSERT_TRUE(ecb_crypt("aes", test_key().kek.span().first(16), true, plain, pkt.data() + hdr).ok());
	EXPECT_EQ(fc.decrypt(lower_of_packet(pkt)).value(), std::string(11, 'A'));
}

TEST(Fname, WriteHeader)
{
	std::uint8_t sig[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	std::vector<std::uint8_t> pkt(300);
	std::size_t hdr = 0;
	ASSERT_EQ(ecryptfs_tag70_write_header(pkt.data(), pkt.size(), 32, sig, 7, &hdr), 0);
	EXPECT_EQ(hdr, 11u);
	EXPECT_EQ(pkt[0], 0x46);
	EXPECT_EQ(pkt[1], 41);
	EXPECT_EQ(pkt[10], 7);
	/* body 9 + 192 = 201 needs the two-byte length */
	EXPECT_EQ(ecryptfs_tag70_packet_len(192), 1u + 2 + 9 + 192);
	ASSERT_EQ(ecryptfs_tag70_write_header(pkt.data(), pkt.size(), 192, sig, 7, &hdr), 0);
	EXPECT_EQ(hdr, 12u);
	EXPECT_EQ(pkt[1], 192);
	EXPECT_EQ(pkt[2], 201 - 192);
	EXPECT_EQ(ecryptfs_tag70_write_header(pkt.data(), 40, 32, sig, 7, &hdr), -ENOSPC);
	EXPECT_EQ(ecryptfs_tag70_write_header(pkt.data(), pkt.size(), 32, sig, 0, &hdr), -EINVAL);
	EXPECT_EQ(ecryptfs_tag70_write_header(pkt.data(), pkt.size(), 0, sig, 7, &hdr), -EINVAL);
	std::vector<std::uint8_t> huge(70000);
	EXPECT_EQ(ecryptfs_tag70_write_header(huge.data(), huge.size(), 65536, sig, 7, &hdr), -EINVAL);
}

TEST(Fname, CipherSupport)
{
	EXPECT_TRUE(fname_cipher_available("aes"));
	EXPECT_TRUE(fname_cipher_available("blowfish"));
	EXPECT_TRUE(fname_cipher_available("des3_ede"));
	EXPECT_TRUE(fname_cipher_available("cast5"));
	/* No OpenSSL implementation: kernel only. */
	EXPECT_FALSE(fname_cipher_available("twofish"));
	EXPECT_FALSE(fname_cipher_available("cast6"));
	const auto &k = test_key();
	EXPECT_EQ(FilenameCipher::create("twofish", 16, k.kek, k.sig).error().code, -EOPNOTSUPP);
	EXPECT_EQ(FilenameCipher::create("aes", 20, k.kek, k.sig).error().code, -EINVAL);
	EXPECT_EQ(FilenameCipher::create("rot13", 16, k.kek, k.sig).error().code, -EINVAL);
	EXPECT_EQ(FilenameCipher::create("aes", 16, k.kek, "xyz").error().code, -EINVAL);
	EXPECT_EQ(ecryptfs_cipher_block_size(ECRYPTFS_CIPHER_AES_256), 16u);
	EXPECT_EQ(ecryptfs_cipher_block_size(ECRYPTFS_CIPHER_DES3_EDE), 8u);
	EXPECT_EQ(ecryptfs_cipher_block_size(ECRYPTFS_CIPHER_TWOFISH), 16u);
	EXPECT_EQ(ecryptfs_cipher_block_size(0), 0u);
}
