// SPDX-License-Identifier: GPL-2.0-only
/*
 * libecryptfs lower_file: offline reading of lower files against the
 * spec's worked example (kernel.md §2.2, values verified on real files),
 * round trips through the writer for every OpenSSL cipher, and the damage
 * reasons.
 */
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ecryptfs/header.h"
#include "libecryptfs/cipher.h"
#include "libecryptfs/lower_file.h"

using namespace ecryptfs;

namespace {

std::vector<std::uint8_t> hex(const std::string &h)
{
	std::vector<std::uint8_t> out;
	for (std::size_t i = 0; i + 1 < h.size(); i += 2) {
		out.push_back(static_cast<std::uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
	}
	return out;
}

struct TempFile {
	std::string path;
	explicit TempFile(const std::vector<std::uint8_t> &bytes)
	{
		char tmpl[] = "/tmp/lower_file_test.XXXXXX";
		int fd = mkstemp(tmpl);
		path = tmpl;
		if (fd >= 0) {
			EXPECT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
			close(fd);
		}
	}
	~TempFile() { unlink(path.c_str()); }
	Result<LowerFile> open() const { return LowerFile::open_at(AT_FDCWD, path); }
};

/* The worked example's header (bytes 0x00..0x51), zero-padded to 8192. */
std::vector<std::uint8_t> example_header()
{
	auto h = hex("0000000000000006d32e02c9efafb53c0300000200001000"
		     "00028c1d04070301001122334455667760"
		     "13336279e96498d04b390ce6d39b2d8d"
		     "ed1662085f434f4e534f4c450000000081a0cb4417bc8bc700");
	h.resize(8192);
	return h;
}

} // namespace

TEST(LowerFile, SpecWorkedExample)
{
	/* The data extent made independently of lower_file.cpp: the spec's FEK
	 * and extent-0 IV, AES-128-CBC over "hello\n" and zeros. */
	auto fek = hex("ab2a555c2926d73985bf647519d47560");
	auto iv = hex("b34056c7f8d141c1f7d64e9fa0ba653a");
	std::vector<std::uint8_t> plain(4096, 0);
	std::memcpy(plain.data(), "hello\n", 6);
	auto cbc = BlockCipher::create("aes", BlockCipher::Mode::cbc, fek);
	ASSERT_TRUE(cbc.ok());
	std::vector<std::uint8_t> file = example_header();
	ASSERT_EQ(file.size(), 8192u);
	ASSERT_EQ(file[0x51], 0);
	ASSERT_EQ(file[0x49], 0x81);
	file.resize(8192 + 4096);
	ASSERT_TRUE(cbc.value().crypt(true, iv, plain, file.data() + 8192).ok());
	TempFile t(file);

	auto lf = t.open();
	ASSERT_TRUE(lf.ok()) << lf.error().reason;
	LowerFile &f = lf.value();
	EXPECT_EQ(f.size(), 6u);
	EXPECT_EQ(f.version(), 3u);
	EXPECT_EQ(f.data_offset(), 8192u);
	ASSERT_EQ(f.keys().size(), 1u);
	EXPECT_EQ(f.keys()[0].sig, "81a0cb4417bc8bc7");
	EXPECT_EQ(f.keys()[0].cipher, "aes");
	EXPECT_EQ(f.keys()[0].key_bytes, 16u);

	OfflineKeys keys;
	auto added = keys.add_passphrase(Passphrase("secretpass"));
	ASSERT_TRUE(added.ok());
	EXPECT_EQ(added.value().first, "81a0cb4417bc8bc7");
	ASSERT_TRUE(f.unlock(keys).ok());
	char buf[64] = {};
	auto n = f.read(0, {reinterpret_cast<std::uint8_t *>(buf), sizeof(buf)});
	ASSERT_TRUE(n.ok()) << n.error().reason;
	EXPECT_EQ(n.value(), 6u);
	EXPECT_EQ(std::string(buf, 6), "hello\n");
	EXPECT_EQ(f.padding_is_zero(), std::optional<bool>(true));

	/* Another passphrase: its signature is not the file's. */
	OfflineKeys wrong;
	ASSERT_TRUE(wrong.add_passphrase(Passphrase("other")).ok());
	auto lf2 = t.open();
	ASSERT_TRUE(lf2.ok());
	auto u = lf2.value().unlock(wrong);
	ASSERT_FALSE(u.ok());
	EXPECT_EQ(u.error().code, -ENOKEY);
	EXPECT_NE(u.error().reason.find("needs the key 81a0cb4417bc8bc7"), std::string::npos);
}

TEST(LowerFile, RoundTripEveryCipher)
{
	auto dk = derive_key("round trip", kDefaultSalt);
	ASSERT_TRUE(dk.ok());
	struct C {
		const char *cipher;
		std::size_t kb;
	};
	for (C c : {C{"aes", 16}, C{"aes", 24}, C{"aes", 32}, C{"blowfish", 8}, C{"blowfish", 56},
		    C{"des3_ede", 24}, C{"cast5", 16}}) {
		for (std::size_t size : {0ul, 1ul, 4095ul, 4096ul, 4097ul, 12345ul}) {
			for (bool xattr : {false, true}) {
				SCOPED_TRACE(std::string(c.cipher) + "-" + std::to_string(c.kb) + " size " +
					     std::to_string(size) + (xattr ? " xattr" : ""));
				std::vector<std::uint8_t> plain(size);
				for (std::size_t i = 0; i < size; i++)
					plain[i] = static_cast<std::uint8_t>(i * 7 + 3);
				NewLowerFile how;
				how.cipher = c.cipher;
				how.key_bytes = c.kb;
				how.kek = &dk.value().kek;
				how.sig = dk.value().sig;
				how.header_in_xattr = xattr;
				auto img = build_lower_file(plain, how);
				ASSERT_TRUE(img.ok()) << img.error().reason;
				EXPECT_EQ(img.value().data.size(),
					  ecryptfs_lower_size(size, xattr ? 0 : 8192));
				if (xattr) {
					std::size_t bs = std::string(c.cipher) == "aes" ? 16 : 8;
					std::size_t efek = (c.kb + bs - 1) / bs * bs;
					EXPECT_EQ(img.value().xattr.size(), 26 + 2 + 13 + efek + 2 + 22);
				}
				TempFile t(img.value().data);
				if (xattr) {
					ASSERT_EQ(setxattr(t.path.c_str(), kHeaderXattr, img.value().xattr.data(),
							   img.value().xattr.size(), 0),
						  0);
				}
				OfflineKeys keys;
				keys.add(dk.value().sig, dk.value().kek);
				auto lf = t.open();
				ASSERT_TRUE(lf.ok()) << lf.error().reason;
				EXPECT_EQ(lf.value().header_in_xattr(), xattr);
				ASSERT_TRUE(lf.value().unlock(keys).ok());
				std::vector<std::uint8_t> back(size + 100);
				auto n = lf.value().read(0, back);
				ASSERT_TRUE(n.ok()) << n.error().reason;
				back.resize(n.value());
				EXPECT_EQ(back, plain);
				auto pad = lf.value().padding_is_zero();
				if (size % 4096) {
					EXPECT_EQ(pad, std::optional<bool>(true));
				}
			}
		}
	}
}

TEST(LowerFile, DamageReasons)
{
	auto dk = derive_key("damage", kDefaultSalt);
	ASSERT_TRUE(dk.ok());
	NewLowerFile how;
	how.kek = &dk.value().kek;
	how.sig = dk.value().sig;
	std::vector<std::uint8_t> plain(10000, 0x5a);
	auto img = build_lower_file(plain, how);
	ASSERT_TRUE(img.ok());
	const auto good = img.value().data;
	OfflineKeys keys;
	keys.add(dk.value().sig, dk.value().kek);

	auto reason = [&](std::vector<std::uint8_t> bytes) {
		TempFile t(bytes);
		auto lf = t.open();
		if (!lf)
			return lf.error().reason;
		auto u = lf.value().unlock(keys);
		if (!u)
			return u.error().reason;
		std::vector<std::uint8_t> buf(4096);
		for (std::uint64_t n = 0; n < lf.value().extents_needed(); n++) {
			auto r = lf.value().read_extent(n, buf.data());
			if (!r)
				return r.error().reason;
		}
		auto pad = lf.value().padding_is_zero();
		return std::string(pad && !*pad ? "padding" : "ok");
	};
	EXPECT_EQ(reason(good), "ok");
	auto v = good;
	v.resize(60);
	EXPECT_NE(reason(v).find("truncated header: the lower file is 60 bytes"), std::string::npos);
	v = good;
	v[27] = 0xdf;
	v[28] = 0xff;
	EXPECT_NE(reason(v).find("lying length"), std::string::npos);
	v = good;
	std::fill(v.begin() + 8192 + 4096, v.begin() + 8192 + 8192, 0);
	EXPECT_NE(reason(v).find("data extent 1 is all zeros"), std::string::npos);
	v = good;
	v.resize(8192 + 4096 + 100);
	EXPECT_NE(reason(v).find("ends inside data extent 1"), std::string::npos);
	v = good;
	v[45] ^= 0x55; /* the encrypted FEK */
	EXPECT_EQ(reason(v), "padding");
	v = good;
	std::fill(v.begin(), v.begin() + 8192, 0);
	EXPECT_NE(reason(v).find("header is all zeros"), std::string::npos);
	v.assign(100, 'x');
	TempFile t(v);
	auto lf = t.open();
	ASSERT_FALSE(lf.ok());
	EXPECT_EQ(lf.error().code, -ENODATA);
}

TEST(NameDecoder, FindsTheFilenameKeySize)
{
	auto fn = derive_key("names", kFnekSalt);
	ASSERT_TRUE(fn.ok());
	OfflineKeys keys;
	keys.add(fn.value().sig, fn.value().kek);
	NameDecoder dec(keys);
	EXPECT_EQ(dec.decode("plain name").value(), "plain name");
	for (auto [cipher, kb] : {std::pair<const char *, std::size_t>{"aes", 32}, {"blowfish", 56},
				  {"blowfish", 16}, {"cast5", 8}, {"des3_ede", 24}}) {
		auto fc = FilenameCipher::create(cipher, kb, fn.value().kek, fn.value().sig);
		ASSERT_TRUE(fc.ok());
		auto lower = fc.value().encrypt("a file name.txt");
		ASSERT_TRUE(lower.ok());
		NameDecoder fresh(keys);
		auto plain = fresh.decode(lower.value());
		ASSERT_TRUE(plain.ok()) << cipher << kb << ": " << plain.error().reason;
		EXPECT_EQ(plain.value(), "a file name.txt");
		EXPECT_EQ(NameDecoder::sig_of(lower.value()).value_or(""), fn.value().sig);
	}
	OfflineKeys none;
	NameDecoder nodec(none);
	auto fc = FilenameCipher::create("aes", 16, fn.value().kek, fn.value().sig);
	auto r = nodec.decode(fc.value().encrypt("x").value());
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().code, -ENOKEY);
}
