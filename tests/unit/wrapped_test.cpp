// SPDX-License-Identifier: GPL-2.0-only
/*
 * Wrapped-passphrase files: the spec's worked example and deterministic
 * vector, files written by the reference ecryptfs-wrap-passphrase here,
 * the legacy version 1 vectors wp01..wp05 rebuilt from their described
 * contents, round trips, every bad-input case, and the file writer (mode,
 * atomic replacement).
 */
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "libecryptfs/crypto.h"
#include "libecryptfs/wrapped.h"
#include "userland_test_util.h"

using namespace ecryptfs;
using ecryptfs_test::bytes;
using ecryptfs_test::hex;
using ecryptfs_test::unhex;
namespace fs = std::filesystem;

namespace {

Salt salt_of(std::string_view h)
{
	auto v = unhex(h);
	Salt s{};
	std::copy_n(v.begin(), s.size(), s.begin());
	return s;
}

Passphrase pp(std::string_view s) { return Passphrase(s); }

std::string unwrap_ok(const std::vector<std::uint8_t> &file, std::string_view wrapping,
		      const Salt &v1_salt = kDefaultSalt)
{
	auto r = wrapped::unwrap(file, pp(wrapping), v1_salt);
	EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().reason);
	return r.ok() ? std::string(r.value().view()) : std::string("<error>");
}

int unwrap_code(const std::vector<std::uint8_t> &file, std::string_view wrapping,
		const Salt &v1_salt = kDefaultSalt)
{
	auto r = wrapped::unwrap(file, pp(wrapping), v1_salt);
	return r.ok() ? 0 : r.error().code;
}

/*
 * A legacy version 1 file: 16-hex-char sig then AES-128-ECB of the
 * zero-padded passphrase.  @sig is the signature the reference printed for
 * the wrapping passphrase with that salt (ecryptfs-add-passphrase), so a
 * derivation bug shows up as a mismatch, not as a self-consistent file.
 */
std::vector<std::uint8_t> make_v1(std::string_view pass, std::string_view wrapping,
				  const Salt &salt, std::string_view sig)
{
	auto k = derive_key(wrapping, salt);
	EXPECT_TRUE(k.ok());
	EXPECT_EQ(k.value().sig, sig);
	std::vector<std::uint8_t> out(sig.begin(), sig.end());
	std::size_t n = (pass.size() + 15) / 16 * 16;
	std::vector<std::uint8_t> plain(n, 0), ct(n);
	std::memcpy(plain.data(), pass.data(), pass.size());
	EXPECT_TRUE(aes128_ecb(true,
			       std::span<const std::uint8_t, 16>(k.value().kek.data(), 16), plain,
			       ct.data())
			    .ok());
	out.insert(out.end(), ct.begin(), ct.end());
	return out;
}

const std::string k64a(64, 'a');
const std::string k64z(64, 'z');

class TempDir {
public:
	TempDir()
	{
		std::string t = (fs::temp_directory_path() / "wrapped_test.XXXXXX").string();
		std::vector<char> b(t.begin(), t.end());
		b.push_back('\0');
		if (!::mkdtemp(b.data()))
			throw std::runtime_error("mkdtemp");
		path_ = b.data();
	}
	~TempDir() { fs::remove_all(path_); }
	std::string operator/(const std::string &n) const { return path_ + "/" + n; }
	std::size_t entries() const
	{
		return static_cast<std::size_t>(
			std::distance(fs::directory_iterator(path_), fs::directory_iterator()));
	}

private:
	std::string path_;
};

std::vector<std::uint8_t> read_all(const std::string &p)
{
	std::ifstream in(p, std::ios::binary);
	return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const std::string &p, const std::vector<std::uint8_t> &b)
{
	std::ofstream out(p, std::ios::binary | std::ios::trunc);
	out.write(reinterpret_cast<const char *>(b.data()), static_cast<std::streamsize>(b.size()));
}

class Umask {
public:
	explicit Umask(mode_t m) : old_(::umask(m)) {}
	~Umask() { ::umask(old_); }

private:
	mode_t old_;
};

} // namespace

TEST(WrappedV2, SpecWorkedExampleUnwraps)
{
	/* userland.md 2.6, written by the real ecryptfs-wrap-passphrase. */
	auto file = unhex("3a02 30c0885edd5ca6e7 6332643966303066366262383036393330 "
			  "89f7c32e1bd69dd77ede217759bab2");
	ASSERT_EQ(file.size(), 42u);
	EXPECT_EQ(unwrap_ok(file, "wrappass"), "mypassphrase");
	EXPECT_EQ(unwrap_code(file, "wrappasS"), -EIO);
}

TEST(WrappedV2, DeterministicVectorIsByteIdentical)
{
	auto out = wrapped::wrap(pp("mypassphrase"), pp("wrappass"), salt_of("0102030405060708"));
	ASSERT_TRUE(out.ok());
	auto expect = bytes("\x3a\x02");
	auto salt = unhex("0102030405060708");
	expect.insert(expect.end(), salt.begin(), salt.end());
	auto sig = bytes("48f80d763059e3a9");
	expect.insert(expect.end(), sig.begin(), sig.end());
	auto ct = unhex("718bc21143dd823325c450a067bca318");
	expect.insert(expect.end(), ct.begin(), ct.end());
	EXPECT_EQ(hex(out.value()), hex(expect));
}

TEST(WrappedV2, FilesWrittenByTheReferenceUnwrap)
{
	/* printf '%s\n%s' <64 x a> <64 x z> | ecryptfs-wrap-passphrase f1 - */
	auto f1 = unhex("3a026460d4ef20f910a9313833636261383432646464353537"
			"6489cf5d863ba01e4cb6037552a7076092"
			"89cf5d863ba01e4cb6037552a7076092"
			"89cf5d863ba01e4cb6037552a7076092"
			"89cf5d863ba01e4cb6037552a7076092");
	ASSERT_EQ(f1.size(), 90u);
	EXPECT_EQ(unwrap_ok(f1, k64z), k64a);
	/* "pässwörd ünïcödé" wrapped with "wräp" (UTF-8). */
	auto f2 = unhex("3a026897dd06448650f2623032636235663262316536336362"
			"3350d2687d75b644d8f230518c4681ec09686176aaf81702b77a92f2568f5f46c6");
	ASSERT_EQ(f2.size(), 58u);
	EXPECT_EQ(unwrap_ok(f2, "wr\xc3\xa4p"),
		  "p\xc3\xa4ssw\xc3\xb6rd \xc3\xbcn\xc3\xaf\x63\xc3\xb6\x64\xc3\xa9");
}

TEST(WrappedV2, LayoutOfWhatWeWrite)
{
	const Salt salt = salt_of("a1a2a3a4a5a6a7a8");
	for (std::size_t len : {1u, 15u, 16u, 17u, 31u, 32u, 33u, 48u, 63u, 64u}) {
		std::string pass(len, 'p');
		auto out = wrapped::wrap(pp(pass), pp("w"), salt);
		ASSERT_TRUE(out.ok()) << len;
		const auto &f = out.value();
		/* 26 + 16 * ceil(len / 16): no padding block at 16/32/48/64. */
		EXPECT_EQ(f.size(), 26 + (len + 15) / 16 * 16) << len;
		EXPECT_EQ(f[0], ':');
		EXPECT_EQ(f[1], 2);
		EXPECT_EQ(hex({f.data() + 2, 8}), "a1a2a3a4a5a6a7a8");
		EXPECT_EQ(std::string(f.begin() + 10, f.begin() + 26), derive_key("w", salt).value().sig);
		EXPECT_EQ(unwrap_ok(f, "w"), pass) << len;
	}
	/* Identical plaintext blocks give identical ciphertext blocks (ECB). */
	auto out = wrapped::wrap(pp(k64a), pp(k64z), salt);
	ASSERT_TRUE(out.ok());
	const auto &f = out.value();
	for (std::size_t b = 1; b < 4; b++)
		EXPECT_TRUE(std::equal(f.begin() + 26, f.begin() + 42, f.begin() + 26 + 16 * b));
}

TEST(WrappedV2, RoundTripsOfManyPassphrases)
{
	/* Every length would take 64 derivations x2; these cover each boundary. */
	for (std::size_t len : {1u, 2u, 3u, 7u, 8u, 14u, 15u, 16u, 17u, 18u, 31u, 32u, 33u, 47u, 48u,
				49u, 62u, 63u, 64u}) {
		std::string pass(len, '\0'), wrapping(65 - len, '\0');
		Salt salt;
		ASSERT_TRUE(random_bytes(salt).ok());
		std::vector<std::uint8_t> rnd(130);
		ASSERT_TRUE(random_bytes(rnd).ok());
		for (std::size_t i = 0; i < pass.size(); i++)
			pass[i] = static_cast<char>(rnd[i] % 255 + 1); /* any byte but NUL */
		for (std::size_t i = 0; i < wrapping.size(); i++)
			wrapping[i] = static_cast<char>(rnd[64 + i] % 255 + 1);
		auto out = wrapped::wrap(pp(pass), pp(wrapping), salt);
		ASSERT_TRUE(out.ok()) << len;
		EXPECT_EQ(unwrap_ok(out.value(), wrapping), pass) << len;
		/* The caller's salt does not matter for version 2. */
		EXPECT_EQ(unwrap_ok(out.value(), wrapping, salt_of("ffffffffffffffff")), pass);
	}
}

TEST(WrappedV1, SpecVectorsRebuilt)
{
	/* wp01: sig "6ee51761d91019e7", "This is test #1" under "Wrapping pass". */
	auto wp01 = make_v1("This is test #1", "Wrapping pass", kDefaultSalt, "6ee51761d91019e7");
	ASSERT_EQ(wp01.size(), 32u);
	EXPECT_EQ(unwrap_ok(wp01, "Wrapping pass"), "This is test #1");
	EXPECT_EQ(unwrap_code(wp01, "Wrapping Pass"), -EIO);

	/* wp02 / wp03: 64 x "a" under 64 x "z", default salt / 5a175a175a175a17. */
	auto wp02 = make_v1(k64a, k64z, kDefaultSalt, "ebe6ff9d87ea09d6");
	ASSERT_EQ(wp02.size(), 80u);
	EXPECT_TRUE(std::equal(wp02.begin() + 16, wp02.begin() + 32, wp02.begin() + 64));
	EXPECT_EQ(unwrap_ok(wp02, k64z), k64a);
	const Salt s03 = salt_of("5a175a175a175a17");
	auto wp03 = make_v1(k64a, k64z, s03, "4cc3757c3f538695");
	EXPECT_EQ(unwrap_ok(wp03, k64z, s03), k64a);
	EXPECT_EQ(unwrap_code(wp03, k64z, kDefaultSalt), -EIO); /* needs its rc salt */

	/* wp04 / wp05: "!" under "*", default salt / 0123456789abcdef. */
	auto wp04 = make_v1("!", "*", kDefaultSalt, "308b7ec65c69de6b");
	EXPECT_EQ(unwrap_ok(wp04, "*"), "!");
	const Salt s05 = salt_of("0123456789abcdef");
	auto wp05 = make_v1("!", "*", s05, "bef9457e4740a855");
	EXPECT_EQ(unwrap_ok(wp05, "*", s05), "!");
	EXPECT_EQ(unwrap_code(wp05, "*", kDefaultSalt), -EIO);
	EXPECT_EQ(unwrap_code(wp05, "!", s05), -EIO);
}

TEST(WrappedV1, Quirks)
{
	auto wp04 = make_v1("!", "*", kDefaultSalt, "308b7ec65c69de6b");
	/* The sig comparison is case-sensitive: an upper-case sig never matches. */
	auto upper = wp04;
	for (std::size_t i = 0; i < 16; i++)
		upper[i] = static_cast<std::uint8_t>(std::toupper(upper[i]));
	EXPECT_EQ(unwrap_code(upper, "*"), -EIO);
	/* A sig with no ciphertext: -EIO. */
	std::vector<std::uint8_t> sig_only(wp04.begin(), wp04.begin() + 16);
	EXPECT_EQ(unwrap_code(sig_only, "*"), -EIO);
	/* Only 64 ciphertext bytes are read; the rest is ignored. */
	auto longer = make_v1(k64a, k64z, kDefaultSalt, "ebe6ff9d87ea09d6");
	longer.insert(longer.end(), 16, 0x55);
	EXPECT_EQ(unwrap_ok(longer, k64z), k64a);
}

TEST(WrappedBadInput, ErrorCodesOfTheReference)
{
	auto good = wrapped::wrap(pp("mypassphrase"), pp("wrappass"), salt_of("0102030405060708"));
	ASSERT_TRUE(good.ok());
	const auto &f = good.value();

	auto r = wrapped::unwrap(f, pp("wrongpass"), kDefaultSalt);
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().code, -EIO);
	EXPECT_NE(r.error().reason.find("wrong wrapping passphrase"), std::string::npos);

	EXPECT_EQ(unwrap_code({}, "wrappass"), -EINVAL);                      /* empty */
	EXPECT_EQ(unwrap_code({f.begin(), f.begin() + 15}, "wrappass"), -EINVAL); /* < 16 */
	EXPECT_EQ(unwrap_code({f.begin(), f.begin() + 20}, "wrappass"), -EINVAL); /* no sig */
	EXPECT_EQ(unwrap_code({f.begin(), f.begin() + 26}, "wrappass"), -EINVAL); /* no ct */

	auto v3 = f;
	v3[1] = 3;
	EXPECT_EQ(unwrap_code(v3, "wrappass"), -EOPNOTSUPP);
	auto v1marked = f;
	v1marked[1] = 1;
	EXPECT_EQ(unwrap_code(v1marked, "wrappass"), -EOPNOTSUPP);

	auto garbage = bytes("this is not a wrapped passphrase file at all");
	EXPECT_EQ(unwrap_code(garbage, "wrappass"), -EINVAL);
	std::vector<std::uint8_t> zeros(42, 0);
	EXPECT_EQ(unwrap_code(zeros, "wrappass"), -EINVAL);

	/* A truncated last block is detected after the passphrase check. */
	EXPECT_EQ(unwrap_code({f.begin(), f.end() - 1}, "wrappass"), -EIO);
	EXPECT_EQ(unwrap_code({f.begin(), f.end() - 1}, "nope"), -EIO);

	/* Bytes after offset 90 are ignored. */
	auto trailing = f;
	trailing.insert(trailing.end(), 100, 0x41);
	/* Decrypts to "mypassphrase" NUL... then garbage: the C string wins. */
	EXPECT_EQ(unwrap_ok(trailing, "wrappass"), "mypassphrase");
	auto full = wrapped::wrap(pp(k64a), pp("wrappass"), salt_of("0102030405060708"));
	ASSERT_TRUE(full.ok());
	auto full_trailing = full.value();
	full_trailing.insert(full_trailing.end(), 7, 0x41);
	EXPECT_EQ(unwrap_ok(full_trailing, "wrappass"), k64a);

	/* Wrapping passphrase out of range: -EINVAL, from the derivation. */
	EXPECT_EQ(unwrap_code(f, ""), -EINVAL);
	EXPECT_EQ(unwrap_code(f, std::string(65, 'w')), -EINVAL);
}

TEST(WrappedBadInput, WrapLimits)
{
	const Salt salt = kDefaultSalt;
	auto empty = wrapped::wrap(pp(""), pp("w"), salt);
	ASSERT_FALSE(empty.ok());
	EXPECT_EQ(empty.error().code, -EIO);
	auto too_long = wrapped::wrap(pp(std::string(65, 'p')), pp("w"), salt);
	ASSERT_FALSE(too_long.ok());
	EXPECT_EQ(too_long.error().code, -EIO);
	EXPECT_NE(too_long.error().reason.find("64"), std::string::npos) << too_long.error().reason;
	auto no_wrap = wrapped::wrap(pp("p"), pp(""), salt);
	ASSERT_FALSE(no_wrap.ok());
	EXPECT_EQ(no_wrap.error().code, -EINVAL);
	auto long_wrap = wrapped::wrap(pp("p"), pp(std::string(65, 'w')), salt);
	ASSERT_FALSE(long_wrap.ok());
	EXPECT_EQ(long_wrap.error().code, -EINVAL);
	EXPECT_NE(long_wrap.error().reason.find("64"), std::string::npos);
	EXPECT_TRUE(wrapped::wrap(pp(std::string(64, 'p')), pp(std::string(64, 'w')), salt).ok());
}

TEST(WrappedFile, WriteReadAndMode)
{
	TempDir dir;
	const std::string p = dir / "wrapped-passphrase";
	for (mode_t mask : {0000, 0022, 0077, 0377, 0777}) {
		Umask um(mask);
		ASSERT_TRUE(wrapped::wrap_to_file(p, pp("mount secret"), pp("login")).ok()) << mask;
		struct stat st;
		ASSERT_EQ(::stat(p.c_str(), &st), 0);
		EXPECT_EQ(st.st_mode & 07777, 0600u) << "umask " << std::oct << mask;
		auto r = wrapped::unwrap_file(p, pp("login"), kDefaultSalt);
		ASSERT_TRUE(r.ok()) << r.error().reason;
		EXPECT_EQ(r.value().view(), "mount secret");
		EXPECT_EQ(dir.entries(), 1u) << "a temporary file was left behind";
	}
	/* A fresh random salt each time. */
	auto a = read_all(p);
	ASSERT_TRUE(wrapped::wrap_to_file(p, pp("mount secret"), pp("login")).ok());
	auto b = read_all(p);
	EXPECT_NE(hex({a.data() + 2, 8}), hex({b.data() + 2, 8}));
}

TEST(WrappedFile, ReplacesAtomicallyNeverInPlace)
{
	TempDir dir;
	const std::string p = dir / "w";
	write_all(p, bytes("old contents"));
	::chmod(p.c_str(), 0644);
	const std::string keep = dir / "hardlink";
	ASSERT_EQ(::link(p.c_str(), keep.c_str()), 0);
	struct stat before, after;
	ASSERT_EQ(::stat(p.c_str(), &before), 0);
	ASSERT_TRUE(wrapped::wrap_to_file(p, pp("x"), pp("y")).ok());
	ASSERT_EQ(::stat(p.c_str(), &after), 0);
	EXPECT_NE(before.st_ino, after.st_ino) << "the file was rewritten in place";
	EXPECT_EQ(after.st_mode & 07777, 0600u);
	/* The old inode is untouched (renamed over, not truncated). */
	EXPECT_EQ(read_all(keep), bytes("old contents"));
	EXPECT_EQ(dir.entries(), 2u);
}

TEST(WrappedFile, SymlinkIsReplacedNotFollowed)
{
	TempDir dir;
	const std::string target = dir / "target", link = dir / "link";
	write_all(target, bytes("keep me"));
	ASSERT_EQ(::symlink("target", link.c_str()), 0);
	ASSERT_TRUE(wrapped::wrap_to_file(link, pp("x"), pp("y")).ok());
	struct stat st;
	ASSERT_EQ(::lstat(link.c_str(), &st), 0);
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(read_all(target), bytes("keep me"));
}

TEST(WrappedFile, Errors)
{
	TempDir dir;
	auto missing = wrapped::unwrap_file(dir / "missing", pp("w"), kDefaultSalt);
	ASSERT_FALSE(missing.ok());
	EXPECT_EQ(missing.error().code, -ENOENT);
	EXPECT_NE(missing.error().reason.find("missing"), std::string::npos);

	auto isdir = wrapped::unwrap_file(dir / ".", pp("w"), kDefaultSalt);
	ASSERT_FALSE(isdir.ok());
	EXPECT_EQ(isdir.error().code, -EISDIR);

	const std::string empty = dir / "empty";
	write_all(empty, {});
	auto e = wrapped::unwrap_file(empty, pp("w"), kDefaultSalt);
	ASSERT_FALSE(e.ok());
	EXPECT_EQ(e.error().code, -EINVAL);
	EXPECT_NE(e.error().reason.find("empty or truncated"), std::string::npos);

	auto nodir = wrapped::wrap_to_file(dir / "no/such/dir", pp("x"), pp("y"));
	ASSERT_FALSE(nodir.ok());
	EXPECT_EQ(nodir.error().code, -ENOENT);

	/* A failed wrap (passphrase too long) writes nothing. */
	const std::string p = dir / "w";
	write_all(p, bytes("previous"));
	auto bad = wrapped::wrap_to_file(p, pp(std::string(65, 'x')), pp("y"));
	ASSERT_FALSE(bad.ok());
	EXPECT_EQ(read_all(p), bytes("previous"));
	EXPECT_EQ(dir.entries(), 2u);
}
