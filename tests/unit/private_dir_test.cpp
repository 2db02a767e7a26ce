// SPDX-License-Identifier: GPL-2.0-only
/*
 * The private-directory configuration shared by ecryptfs-setup-private,
 * mount.ecryptfs_private and pam_ecryptfs: sig files, Private.mnt, alias
 * .conf files, the kernel option string, usernames and aliases, and the
 * session counter (reference-compatible first line, session lines).
 */
#include <algorithm>
#include <csignal>

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <unistd.h>

#include "libecryptfs/crypto.h"
#include "libecryptfs/private_dir.h"
#include "libecryptfs/private_ops.h"

using namespace ecryptfs;
using namespace ecryptfs::priv;

TEST(PrivateSigFile, TwoLinesAsSetupPrivateWritesThem)
{
	auto s = parse_sig_file("617a9c5a1ff40a9a\n751d87908b861a8c\n");
	ASSERT_TRUE(s.ok());
	EXPECT_EQ(s.value().fekek, "617a9c5a1ff40a9a");
	ASSERT_TRUE(s.value().fnek.has_value());
	EXPECT_EQ(*s.value().fnek, "751d87908b861a8c");
	EXPECT_EQ(format_sig_file(s.value()), "617a9c5a1ff40a9a\n751d87908b861a8c\n");
}

TEST(PrivateSigFile, OneLineNoFnekAndNoTrailingNewline)
{
	auto s = parse_sig_file("617a9c5a1ff40a9a");
	ASSERT_TRUE(s.ok());
	EXPECT_FALSE(s.value().fnek.has_value());
	EXPECT_EQ(format_sig_file(s.value()), "617a9c5a1ff40a9a\n");
}

TEST(PrivateSigFile, OnlyTheFirstTwoLinesCount)
{
	auto s = parse_sig_file("617a9c5a1ff40a9a\n751d87908b861a8c\nthis is ignored\n");
	ASSERT_TRUE(s.ok());
	EXPECT_EQ(*s.value().fnek, "751d87908b861a8c");
}

TEST(PrivateSigFile, RejectsWhatTheReferenceRejects)
{
	auto bad = parse_sig_file("617a9c5a1ff40a9z\n");
	ASSERT_FALSE(bad.ok());
	EXPECT_EQ(bad.error().reason, "Invalid hex signature");
	auto shortsig = parse_sig_file("617a9c5a1ff40a9\n");
	ASSERT_FALSE(shortsig.ok());
	EXPECT_EQ(shortsig.error().reason, "Invalid hex signature length");
	auto longsig = parse_sig_file("617a9c5a1ff40a9a0\n");
	ASSERT_FALSE(longsig.ok());
	EXPECT_EQ(longsig.error().reason, "Invalid hex signature length");
	auto empty = parse_sig_file("");
	ASSERT_FALSE(empty.ok());
	EXPECT_EQ(empty.error().reason, "Missing file encryption signature");
	/* A path trick in the sig file is not hex. */
	EXPECT_FALSE(parse_sig_file("../../etc/passwd\n").ok());
}

TEST(PrivateMnt, FirstLineOrFallback)
{
	EXPECT_EQ(mountpoint_from_mnt_text("/home/a/Private\n", "/x"), "/home/a/Private");
	EXPECT_EQ(mountpoint_from_mnt_text("/home/a/P\nsecond\n", "/x"), "/home/a/P");
	EXPECT_EQ(mountpoint_from_mnt_text("", "/x"), "/x");
	EXPECT_EQ(mountpoint_from_mnt_text("\n", "/x"), "/x");
}

TEST(PrivateAliasConf, FstabSyntax)
{
	auto c = parse_alias_conf("# comment\n/home/a/.Secret /home/a/Secret ecryptfs none 0 0\n");
	ASSERT_TRUE(c.ok());
	EXPECT_EQ(c.value().source, "/home/a/.Secret");
	EXPECT_EQ(c.value().dest, "/home/a/Secret");
	EXPECT_TRUE(parse_alias_conf("/a /b ecryptfs\n").ok());
	auto t = parse_alias_conf("/a /b ext4 none\n");
	ASSERT_FALSE(t.ok());
	EXPECT_EQ(t.error().reason, "Bad fs type");
	auto o = parse_alias_conf("/a /b ecryptfs ecryptfs_sig=0011223344556677\n");
	ASSERT_FALSE(o.ok());
	EXPECT_EQ(o.error().reason, "Mount options are not supported here");
	EXPECT_FALSE(parse_alias_conf("").ok());
	EXPECT_FALSE(parse_alias_conf("/a /b\n").ok());
}

TEST(PrivateOptions, ExactlyTheReferenceString)
{
	Sigs s{"617a9c5a1ff40a9a", std::string("751d87908b861a8c")};
	EXPECT_EQ(mount_options(s),
		  "ecryptfs_check_dev_ruid,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,"
		  "ecryptfs_unlink_sigs,ecryptfs_sig=617a9c5a1ff40a9a,"
		  "ecryptfs_fnek_sig=751d87908b861a8c");
	s.fnek.reset();
	EXPECT_EQ(mount_options(s), "ecryptfs_check_dev_ruid,ecryptfs_cipher=aes,"
				    "ecryptfs_key_bytes=16,ecryptfs_unlink_sigs,"
				    "ecryptfs_sig=617a9c5a1ff40a9a");
	EXPECT_TRUE(options_have_sig("rw,ecryptfs_sig=617a9c5a1ff40a9a,ecryptfs_cipher=aes",
				     "617a9c5a1ff40a9a"));
	EXPECT_FALSE(options_have_sig("rw,ecryptfs_fnek_sig=617a9c5a1ff40a9a", "617a9c5a1ff40a9a"));
	EXPECT_FALSE(options_have_sig("rw,ecryptfs_sig=617a9c5a1ff40a9ab", "617a9c5a1ff40a9a"));
}

TEST(PrivateNames, UsernamesAndAliases)
{
	EXPECT_TRUE(valid_username("alice"));
	EXPECT_TRUE(valid_username("a.b-c_d@e"));
	EXPECT_TRUE(valid_username("machine$"));
	EXPECT_FALSE(valid_username(""));
	EXPECT_FALSE(valid_username("-alice"));
	EXPECT_FALSE(valid_username("al/ice"));
	EXPECT_FALSE(valid_username("al ice"));
	EXPECT_FALSE(valid_username("a$b"));

	EXPECT_TRUE(valid_alias("Private"));
	EXPECT_TRUE(valid_alias("my-secret_2"));
	EXPECT_FALSE(valid_alias(""));
	EXPECT_FALSE(valid_alias(".."));
	EXPECT_FALSE(valid_alias("a..b"));
	EXPECT_FALSE(valid_alias("../bob/Private"));
	EXPECT_FALSE(valid_alias("x/y"));
	EXPECT_FALSE(valid_alias(".hidden"));
	EXPECT_FALSE(valid_alias("-f"));
	EXPECT_FALSE(valid_alias(std::string(65, 'a')));
	EXPECT_EQ(counter_name("alice", "Private"), "alice-Private");
	EXPECT_STREQ(kCounterDir, "/run/ecryptfs");
}

TEST(PrivateCounter, ReadsTheReferenceFormat)
{
	EXPECT_EQ(parse_counter("3\n").total(), 3);
	EXPECT_EQ(parse_counter("3\n").anonymous, 3);
	EXPECT_EQ(parse_counter("").total(), 0);
	EXPECT_EQ(parse_counter("garbage\n").total(), 0);
	EXPECT_EQ(parse_counter("-4\n").total(), 0);
	EXPECT_EQ(format_counter(parse_counter("2\n")), "2\n");
}

TEST(PrivateCounter, AnonymousCountsBehaveLikeTheReference)
{
	Counter c = parse_counter("3\n");
	counter_release(c, std::nullopt);
	EXPECT_EQ(c.total(), 2);
	counter_acquire(c, std::nullopt);
	counter_acquire(c, std::nullopt);
	EXPECT_EQ(format_counter(c), "4\n");
	Counter z;
	counter_release(z, std::nullopt);
	EXPECT_EQ(z.total(), 0); /* never below zero */
}

TEST(PrivateCounter, SessionsRegisterOnceAndLeaveByThemselves)
{
	Counter c;
	Session a{100, 555}, b{200, 777};
	counter_acquire(c, a);
	counter_acquire(c, a); /* the same session twice counts once */
	counter_acquire(c, b);
	EXPECT_EQ(c.total(), 2);
	std::string text = format_counter(c);
	EXPECT_EQ(text, "2\nsession 100 555\nsession 200 777\n");
	Counter back = parse_counter(text);
	EXPECT_EQ(back.total(), 2);
	EXPECT_EQ(back.anonymous, 0);
	counter_release(back, b);
	ASSERT_EQ(back.sessions.size(), 1u);
	EXPECT_EQ(back.sessions[0], a);
	/* Closing a session that never registered does not drop another one. */
	counter_release(back, Session{300, 1});
	EXPECT_EQ(back.total(), 1);
	/* A manual unmount (no session) decrements the total like the reference. */
	counter_release(back, std::nullopt);
	EXPECT_EQ(back.total(), 0);
}

TEST(PrivateCounter, DeadSessionsArePruned)
{
	Counter c = parse_counter("3\nsession 100 555\nsession 200 777\n");
	EXPECT_EQ(c.anonymous, 1);
	counter_prune(c, [](const Session &s) { return s.pid == 200; });
	EXPECT_EQ(c.total(), 2);
	EXPECT_EQ(format_counter(c), "2\nsession 200 777\n");
}

TEST(PrivateCounter, TotalWrittenByTheReferenceWins)
{
	/* The reference rewrote the file as "1": only one session line can still count. */
	Counter c = parse_counter("1\nsession 100 555\nsession 200 777\n");
	EXPECT_EQ(c.total(), 1);
	EXPECT_EQ(c.anonymous, 0);
}

TEST(PrivateCounter, ThisProcessIsAliveAndAMadeUpOneIsNot)
{
	auto start = process_start_time(getpid());
	ASSERT_TRUE(start.has_value());
	ASSERT_NE(*start, 0u);
	EXPECT_TRUE(session_alive(Session{getpid(), *start}));
	EXPECT_FALSE(session_alive(Session{getpid(), *start + 1})); /* pid reused */
	EXPECT_FALSE(process_start_time(0x3fffffff).has_value());
}

TEST(PrivateRandomPassphrase, LooksLikeOdX)
{
	/* od -x on bytes 00 01 02 ... 0f prints "0100 0302 0504 ..." */
	std::uint8_t b[16];
	for (int i = 0; i < 16; i++)
		b[i] = static_cast<std::uint8_t>(i);
	Passphrase p = mount_passphrase_from_random(std::span<const std::uint8_t, 16>(b, 16));
	EXPECT_EQ(p.view(), "010003020504070609080b0a0d0c0f0e");
	EXPECT_EQ(p.size(), 32u);
}

TEST(PrivatePaths, LayoutOfTheReference)
{
	Paths p = paths_for_home("/home/alice");
	EXPECT_EQ(p.wrapped_passphrase, "/home/alice/.ecryptfs/wrapped-passphrase");
	EXPECT_EQ(p.sig_file, "/home/alice/.ecryptfs/Private.sig");
	EXPECT_EQ(p.mnt_file, "/home/alice/.ecryptfs/Private.mnt");
	EXPECT_EQ(p.auto_mount, "/home/alice/.ecryptfs/auto-mount");
	EXPECT_EQ(p.auto_umount, "/home/alice/.ecryptfs/auto-umount");
	EXPECT_EQ(p.crypt_dir, "/home/alice/.Private");
	EXPECT_EQ(p.default_mountpoint, "/home/alice/Private");
}

TEST(LoggedOut, StatusUidLine)
{
	const std::string st = "Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\n"
			       "Uid:\t1000\t1001\t1002\t1003\nGid:\t1000\t1000\t1000\t1000\n";
	for (uid_t u : {1000u, 1001u, 1002u, 1003u})
		EXPECT_TRUE(priv::status_has_uid(st, u)) << u;
	EXPECT_FALSE(priv::status_has_uid(st, 100));
	EXPECT_FALSE(priv::status_has_uid(st, 10001));
	/* The Gid: line does not count, nor does a missing Uid: line. */
	EXPECT_FALSE(priv::status_has_uid("Gid:\t5\t5\t5\t5\n", 5));
	EXPECT_FALSE(priv::status_has_uid("", 0));
}

TEST(LoggedOut, EveryProcessOfTheUidIsFound)
{
	/* A process of another uid with its cwd anywhere: found (lsof +D of a home was not enough). */
	if (::getuid() != 0) {
		auto mine = priv::processes_of(::getuid());
		EXPECT_TRUE(std::any_of(mine.begin(), mine.end(),
					[](const auto &p) { return p.pid == ::getpid(); }));
		std::fprintf(stderr, "SKIPPED PART: a process of another uid needs root\n");
		return;
	}
	const uid_t other = 4000000000u - static_cast<uid_t>(::getpid());
	EXPECT_TRUE(priv::processes_of(other).empty());
	int ready[2];
	ASSERT_EQ(::pipe(ready), 0);
	pid_t pid = ::fork();
	if (pid == 0) {
		if (::chdir("/") != 0 || ::setresuid(other, other, other) != 0)
			::_exit(1);
		(void)!::write(ready[1], "r", 1);
		::pause();
		::_exit(0);
	}
	char c;
	ASSERT_EQ(::read(ready[0], &c, 1), 1);
	auto found = priv::processes_of(other);
	::kill(pid, SIGKILL);
	::waitpid(pid, nullptr, 0);
	ASSERT_EQ(found.size(), 1u);
	EXPECT_EQ(found[0].pid, pid);
	EXPECT_FALSE(found[0].comm.empty());
}

TEST(PrivateDir, MountinfoLinesWithOptionalFieldsAndEscapes)
{
	const std::string text =
		"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
		"97 22 0:50 / /home/u\\040x/Private rw,nosuid,nodev shared:7 master:2 - ecryptfs "
		"/home/u\\040x/.Private rw,ecryptfs_sig=0123456789abcdef\n"
		"98 22 0:51 /sub /mnt\\134b rw - tmpfs tmpfs rw\n";
	auto m = priv::parse_mountinfo(text);
	ASSERT_EQ(m.size(), 3u);
	EXPECT_EQ(m[0].id, 22u);
	EXPECT_EQ(m[0].target, "/");
	EXPECT_EQ(m[1].id, 97u);
	EXPECT_EQ(m[1].fstype, "ecryptfs");
	EXPECT_EQ(m[1].target, "/home/u x/Private");
	EXPECT_EQ(m[1].source, "/home/u x/.Private");
	EXPECT_EQ(m[1].super_opts, "rw,ecryptfs_sig=0123456789abcdef");
	EXPECT_EQ(m[2].root, "/sub");
	EXPECT_EQ(m[2].target, "/mnt\\b");
}

TEST(PrivateDir, MountinfoMalformedLinesAreSkippedNotGuessed)
{
	const std::string text =
		"x1 1 8:1 / / rw - ext4 /dev/sda1 rw\n"	     /* id not a number */
		"23 1 8:1 / / rw - ext4 /dev/sda1\n"	     /* super options missing */
		"24 1 8:1 / rw - ext4 /dev/sda1 rw\n"	     /* target missing */
		"25 1 8:1 / /a rw ext4 /dev/sda1 rw\n"	     /* no separator */
		"26 1 8:1 / /a\\9 rw - ext4 /b\\0 rw\n"	     /* half escapes stay literal */
		"27 1 8:1 / /z rw - ext4 /dev/sdb rw";	     /* no final newline */
	auto m = priv::parse_mountinfo(text);
	ASSERT_EQ(m.size(), 2u);
	EXPECT_EQ(m[0].id, 26u);
	EXPECT_EQ(m[0].target, "/a\\9");
	EXPECT_EQ(m[0].source, "/b\\0");
	EXPECT_EQ(m[1].id, 27u);
	EXPECT_EQ(m[1].target, "/z");
}
