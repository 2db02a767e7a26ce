// SPDX-License-Identifier: GPL-2.0-only
/*
 * Files that hold secrets (~/.ecryptfsrc may hold passphrase_passwd=, the
 * PAM bootstrap file holds the mount passphrase) are read without leaving
 * a copy in freed memory (issue 17: std::ifstream's buffer and a
 * std::string were freed unwiped).  This test program replaces the global
 * operator new/delete: every block freed while the watch is on is searched
 * for the secret before it goes back to the heap.
 */
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>

#include <gtest/gtest.h>
#include <malloc.h>
#include <unistd.h>

#include "libecryptfs/mount_options.h"
#include "libecryptfs/rc.h"
#include "libecryptfs/crypto.h"
#include "libecryptfs/secure.h"

using namespace ecryptfs;

namespace {

constexpr char kMarker[] = "Zq7-MARKER-passphrase-9xW";
std::atomic<bool> g_watch{false};
std::atomic<int> g_found{0};

void *checked_alloc(std::size_t n)
{
	if (void *p = std::malloc(n ? n : 1))
		return p;
	throw std::bad_alloc();
}

void checked_free(void *p) noexcept
{
	if (p && g_watch.load()) {
		const std::size_t n = malloc_usable_size(p);
		if (memmem(p, n, kMarker, sizeof(kMarker) - 1))
			g_found.fetch_add(1);
	}
	std::free(p);
}

} // namespace

void *operator new(std::size_t n) { return checked_alloc(n); }
void *operator new[](std::size_t n) { return checked_alloc(n); }
void operator delete(void *p) noexcept { checked_free(p); }
void operator delete[](void *p) noexcept { checked_free(p); }
void operator delete(void *p, std::size_t) noexcept { checked_free(p); }
void operator delete[](void *p, std::size_t) noexcept { checked_free(p); }

namespace {

struct SecretFiles : ::testing::Test {
	std::string dir;
	void SetUp() override
	{
		char t[] = "/tmp/secret_io_test.XXXXXX";
		ASSERT_NE(::mkdtemp(t), nullptr);
		dir = t;
		std::ofstream(dir + "/.ecryptfsrc")
			<< "key=passphrase:passphrase_passwd=" << kMarker
			<< "\nsalt=0011223344556677\necryptfs_cipher=aes\n";
		g_found = 0;
	}
	void TearDown() override { std::filesystem::remove_all(dir); }
	/* Runs @f with the watch on; how many freed blocks held the secret. */
	template <class F>
	int freed_copies(F f)
	{
		g_found = 0;
		g_watch = true;
		f();
		g_watch = false;
		return g_found.load();
	}
};

} // namespace

TEST_F(SecretFiles, TheWatchSeesAnUnwipedCopy)
{
	/* The check can fail: a std::string holding the secret, freed unwiped, is seen. */
	EXPECT_GE(freed_copies([] {
			  std::string s(kMarker);
			  s += std::string(64, 'x'); /* on the heap, not in the string object */
		  }),
		  1);
}

TEST_F(SecretFiles, RcFileLeavesNoCopy)
{
	Salt salt{};
	EXPECT_EQ(freed_copies([&] { salt = rc_salt_or_default(dir); }), 0)
		<< "~/.ecryptfsrc's passphrase was left in freed memory";
	EXPECT_EQ(to_hex(salt), "0011223344556677");
	EXPECT_EQ(freed_copies([&] {
			  auto text = read_rc_file(dir);
			  ASSERT_TRUE(text);
			  auto pairs = mount::parse_name_values(
				  {reinterpret_cast<const char *>(text->data()), text->size()});
			  ASSERT_TRUE(pairs);
			  EXPECT_FALSE(pairs.value().empty());
		  }),
		  0)
		<< "reading and parsing ~/.ecryptfsrc left the passphrase in freed memory";
}

TEST_F(SecretFiles, SecretFileLeavesNoCopy)
{
	const std::string f = dir + "/bootstrap";
	std::ofstream(f) << kMarker;
	EXPECT_EQ(freed_copies([&] {
			  auto text = read_secret_file(f, 64);
			  ASSERT_TRUE(text);
			  EXPECT_EQ(std::string_view(reinterpret_cast<const char *>(text->data()),
						     text->size()),
				    kMarker);
		  }),
		  0);
	EXPECT_FALSE(read_secret_file(dir + "/missing", 64));
	/* Longer than the limit: refused, not cut. */
	EXPECT_FALSE(read_secret_file(f, 8));
}

