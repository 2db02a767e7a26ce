// SPDX-License-Identifier: GPL-2.0-only
/*
 * safe_path: directories opened without following symlinks, and the rule
 * for a path nobody but root can redirect (issue 17: fstab "user" mounts and
 * ecryptfs-migrate-home followed symlinks the user had put there).
 */
#include <cerrno>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libecryptfs/safe_path.h"

using namespace ecryptfs;

namespace {

struct TempTree : ::testing::Test {
	std::string root;
	void SetUp() override
	{
		char t[] = "/tmp/safe_path_test.XXXXXX";
		ASSERT_NE(::mkdtemp(t), nullptr);
		root = t;
		ASSERT_EQ(::chmod(root.c_str(), 0755), 0);
		std::filesystem::create_directories(root + "/a/b/c");
		ASSERT_EQ(::symlink((root + "/a/b").c_str(), (root + "/link").c_str()), 0);
		ASSERT_EQ(::symlink("c", (root + "/a/b/clink").c_str()), 0);
	}
	void TearDown() override { std::filesystem::remove_all(root); }
};

struct stat stat_of(uid_t uid, mode_t mode)
{
	struct stat st{};
	st.st_uid = uid;
	st.st_mode = S_IFDIR | mode;
	return st;
}

} // namespace

TEST_F(TempTree, OpenDirFollowsNoSymlink)
{
	auto d = safe_path::open_dir(root + "/a/b/c");
	ASSERT_TRUE(d) << d.error().reason;
	struct stat a{}, b{};
	ASSERT_EQ(::fstat(d.value().get(), &a), 0);
	ASSERT_EQ(::stat((root + "/a/b/c").c_str(), &b), 0);
	EXPECT_EQ(a.st_ino, b.st_ino);
	/* A symlink in the middle or at the end is refused and named. */
	auto mid = safe_path::open_dir(root + "/link/c");
	ASSERT_FALSE(mid);
	EXPECT_EQ(mid.error().code, -ELOOP);
	EXPECT_NE(mid.error().reason.find(root + "/link is a symbolic link"), std::string::npos)
		<< mid.error().reason;
	auto last = safe_path::open_dir(root + "/a/b/clink");
	ASSERT_FALSE(last);
	EXPECT_EQ(last.error().code, -ELOOP);
	/* Dots, relative paths and files. */
	EXPECT_EQ(safe_path::open_dir(root + "/a/../a").error().code, -EINVAL);
	EXPECT_EQ(safe_path::open_dir("tmp").error().code, -EINVAL);
	std::filesystem::path f = root + "/a/file";
	{
		FILE *fp = std::fopen(f.c_str(), "w");
		ASSERT_NE(fp, nullptr);
		std::fclose(fp);
	}
	EXPECT_EQ(safe_path::open_dir(f).error().code, -ENOTDIR);
	EXPECT_EQ(safe_path::open_dir(root + "/nothing").error().code, -ENOENT);
	/* Relative to a descriptor. */
	auto base = safe_path::open_dir(root);
	ASSERT_TRUE(base);
	EXPECT_TRUE(safe_path::open_dir_at(base.value().get(), "a/b"));
	EXPECT_EQ(safe_path::open_dir_at(base.value().get(), "link").error().code, -ELOOP);
}

TEST(SafePath, WhoCanReplaceAnEntry)
{
	/* Root's 0755 directory: nobody but root. */
	EXPECT_FALSE(safe_path::replaceable(stat_of(0, 0755), stat_of(1000, 0700)));
	/* A user's directory (a home): that user can. */
	EXPECT_TRUE(safe_path::replaceable(stat_of(1000, 0755), stat_of(1000, 0700)));
	EXPECT_TRUE(safe_path::replaceable(stat_of(1000, 0700), stat_of(0, 0755)));
	/* Root's but group- or world-writable: anybody in it can. */
	EXPECT_TRUE(safe_path::replaceable(stat_of(0, 0775), stat_of(0, 0755)));
	EXPECT_TRUE(safe_path::replaceable(stat_of(0, 0777), stat_of(0, 0755)));
	/* Sticky (/tmp): the entry's owner can, so only root's entries are fixed. */
	EXPECT_FALSE(safe_path::replaceable(stat_of(0, 01777), stat_of(0, 0755)));
	EXPECT_TRUE(safe_path::replaceable(stat_of(0, 01777), stat_of(1000, 0700)));
}

TEST_F(TempTree, FixedDirRefusesAReplaceableComponent)
{
	/* /tmp is sticky and our tree is ours: fixed only when we are root. */
	auto d = safe_path::open_fixed_dir(root + "/a/b");
	if (::getuid() != 0) {
		ASSERT_FALSE(d);
		EXPECT_EQ(d.error().code, -EPERM);
		std::fprintf(stderr, "SKIPPED PART: the root-owned cases need root\n");
		return;
	}
	ASSERT_TRUE(d) << d.error().reason;
	/* A user's directory in the path: refused, naming the first replaceable component. */
	ASSERT_EQ(::chown((root + "/a").c_str(), 65534, 65534), 0);
	auto r = safe_path::open_fixed_dir(root + "/a/b/c");
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().code, -EPERM);
	EXPECT_NE(r.error().reason.find(root + "/a/b can be replaced"), std::string::npos)
		<< r.error().reason;
	/* The last component may be the user's (a mount point), its directory not. */
	ASSERT_EQ(::chown((root + "/a").c_str(), 0, 0), 0);
	ASSERT_EQ(::chown((root + "/a/b").c_str(), 65534, 65534), 0);
	EXPECT_TRUE(safe_path::open_fixed_dir(root + "/a/b"));
	EXPECT_FALSE(safe_path::open_fixed_dir(root + "/a/b/c"));
	/* A world-writable directory in the path. */
	ASSERT_EQ(::chown((root + "/a/b").c_str(), 0, 0), 0);
	ASSERT_EQ(::chmod((root + "/a").c_str(), 0777), 0);
	EXPECT_FALSE(safe_path::open_fixed_dir(root + "/a/b"));
}
