// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the passphrase tools share: secrets taken out of argv, --help
 * detection, error reporting and printing a secret without stdio copies.
 */
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "libecryptfs/cli.h"

using namespace ecryptfs;

TEST(Cli, SecretArgumentIsCopiedThenBlanked)
{
	char arg[] = "my secret";
	Passphrase p = cli::take_secret_arg(arg);
	EXPECT_EQ(p.view(), "my secret");
	for (std::size_t i = 0; i < sizeof(arg); i++)
		EXPECT_EQ(arg[i], '\0') << "argv byte " << i << " still holds the secret";
}

TEST(Cli, WantsHelp)
{
	char prog[] = "tool", help[] = "--help", h[] = "-h", other[] = "-", extra[] = "x";
	char *a1[] = {prog, help, nullptr};
	char *a2[] = {prog, h, nullptr};
	char *a3[] = {prog, other, nullptr};
	char *a4[] = {prog, help, extra, nullptr};
	EXPECT_TRUE(cli::wants_help(2, a1));
	EXPECT_TRUE(cli::wants_help(2, a2));
	EXPECT_FALSE(cli::wants_help(2, a3));
	EXPECT_FALSE(cli::wants_help(3, a4));
	EXPECT_FALSE(cli::wants_help(1, a1));
}

TEST(Cli, ReportFormat)
{
	testing::internal::CaptureStderr();
	cli::report(cli::kErrUnwrap, Error{-EIO, "wrong wrapping passphrase"});
	EXPECT_EQ(testing::internal::GetCapturedStderr(),
		  "Error: Unwrapping passphrase failed [-5]\nInfo: wrong wrapping passphrase\n");
	testing::internal::CaptureStderr();
	cli::complain_too_long();
	EXPECT_EQ(testing::internal::GetCapturedStderr(),
		  "Passphrase is too long. Use at most 64 characters long passphrase.\n");
}

TEST(Cli, PrintSecretLine)
{
	testing::internal::CaptureStdout();
	std::printf("before ");
	EXPECT_TRUE(cli::print_secret_line(Passphrase("p\xc3\xa4ss")));
	EXPECT_EQ(testing::internal::GetCapturedStdout(), "before p\xc3\xa4ss\n");
}

/* The option parser every tool uses (cli::parse). */
namespace {

const cli::Option kOpts[] = {
	{'f', "force", 'f', nullptr, "force it"},
	{'u', "user", 'u', "USER", "the user"},
	{1000, "dry-run", 0, nullptr, "only say what would be done"},
};
const cli::Command kCmd = {
	.name = "tool",
	.usage = "Usage: tool [-f] [-u USER] FILE...\n",
	.description = "Does things.\n",
	.options = kOpts,
	.min_operands = 1,
	.max_operands = 2,
};

/* argv as parse() wants it: writable strings, nullptr-terminated. */
struct Argv {
	explicit Argv(std::initializer_list<const char *> words)
	{
		for (const char *w : words)
			store.emplace_back(w);
		for (auto &s : store)
			ptrs.push_back(s.data());
		ptrs.push_back(nullptr);
	}
	int argc() const { return static_cast<int>(ptrs.size()) - 1; }
	char **argv() { return ptrs.data(); }
	std::vector<std::string> store;
	std::vector<char *> ptrs;
};

} // namespace

TEST(CliParse, OptionsValuesAndOperandsInAnyOrder)
{
	Argv a{"tool", "a", "-f", "--user=bob", "--dry-run", "b"};
	auto args = cli::parse(kCmd, a.argc(), a.argv());
	EXPECT_TRUE(args.has('f'));
	EXPECT_TRUE(args.has(1000));
	EXPECT_STREQ(args.value('u'), "bob");
	ASSERT_EQ(args.operands.size(), 2u);
	EXPECT_STREQ(args.operands[0], "a");
	EXPECT_STREQ(args.operands[1], "b");

	Argv b{"tool", "-u", "x", "-u", "y", "--", "-f"};
	auto args2 = cli::parse(kCmd, b.argc(), b.argv());
	EXPECT_FALSE(args2.has('f'));
	EXPECT_STREQ(args2.value('u'), "y");
	EXPECT_EQ(args2.values('u').size(), 2u);
	ASSERT_EQ(args2.operands.size(), 1u);
	EXPECT_STREQ(args2.operands[0], "-f");
}

TEST(CliParse, DashIsAnOperand)
{
	Argv a{"tool", "file", "-"};
	auto args = cli::parse(kCmd, a.argc(), a.argv());
	ASSERT_EQ(args.operands.size(), 2u);
	EXPECT_STREQ(args.operands[1], "-");
}

TEST(CliParse, OptionsFirstStopsAtTheFirstOperand)
{
	cli::Command c = kCmd;
	c.options_first = true;
	Argv a{"tool", "-f", "dir", "-u", "x"};
	c.max_operands = -1;
	auto args = cli::parse(c, a.argc(), a.argv());
	EXPECT_TRUE(args.has('f'));
	EXPECT_FALSE(args.has('u'));
	ASSERT_EQ(args.operands.size(), 3u);
	EXPECT_STREQ(args.operands[1], "-u");
}

TEST(CliParseDeathTest, HelpGoesToStdoutAndExitsZero)
{
	Argv a{"tool", "--help"};
	EXPECT_EXIT(
		{
			std::fclose(stderr); /* nothing may go there */
			cli::parse(kCmd, a.argc(), a.argv());
		},
		testing::ExitedWithCode(0), "");
	testing::internal::CaptureStdout();
	cli::print_help(kCmd);
	std::string out = testing::internal::GetCapturedStdout();
	EXPECT_EQ(out.rfind("Usage: tool [-f] [-u USER] FILE...\n\nDoes things.\n", 0), 0u) << out;
	EXPECT_NE(out.find("  -u, --user=USER"), std::string::npos) << out;
	EXPECT_NE(out.find("      --dry-run  "), std::string::npos) << out;
	EXPECT_NE(out.find("  -h, --help"), std::string::npos) << out;
	EXPECT_NE(out.find("  -V, --version"), std::string::npos) << out;
}

TEST(CliParseDeathTest, VersionIsTheProjects)
{
	Argv a{"tool", "-V"};
	EXPECT_EXIT(cli::parse(kCmd, a.argc(), a.argv()), testing::ExitedWithCode(0), "");
	testing::internal::CaptureStdout();
	cli::print_version("tool");
	EXPECT_EQ(testing::internal::GetCapturedStdout(),
		  std::string("tool (ecryptfs-ng) ") + cli::version() + "\n");
	EXPECT_STREQ(cli::version(), ECRYPTFS_TEST_VERSION);
}

TEST(CliParseDeathTest, MisuseIsUsageOnStderrExitTwo)
{
	struct {
		std::initializer_list<const char *> argv;
		const char *message;
	} cases[] = {
		{{"tool", "--bogus", "a"}, "tool: unknown option '--bogus'\nUsage: tool "},
		{{"tool", "-x", "a"}, "tool: unknown option '-x'\nUsage: tool "},
		{{"tool", "a", "-u"}, "tool: option '-u' needs a value\nUsage: tool "},
		{{"tool", "--force=1", "a"}, "tool: unknown option '--force=1'\nUsage: tool "},
		{{"tool"}, "tool: missing operand\nUsage: tool "},
		{{"tool", "a", "b", "c"}, "tool: too many operands 'c'\nUsage: tool "},
	};
	for (auto &c : cases) {
		Argv a(c.argv);
		EXPECT_EXIT(cli::parse(kCmd, a.argc(), a.argv()), testing::ExitedWithCode(2),
			    std::string("^") + c.message)
			<< c.message;
	}
}

TEST(CliParseDeathTest, SecretOperandsAreNeverEchoed)
{
	cli::Command c = kCmd;
	c.secret_operands = true;
	Argv a{"tool", "file", "--my-secret"};
	EXPECT_EXIT(cli::parse(c, a.argc(), a.argv()), testing::ExitedWithCode(2),
		    "^tool: unknown option\nUsage");
	Argv b{"tool", "file", "s1", "s2"};
	EXPECT_EXIT(cli::parse(c, b.argc(), b.argv()), testing::ExitedWithCode(2),
		    "^tool: too many operands\nUsage");
}

TEST(CliParseDeathTest, ErrorFormat)
{
	EXPECT_EXIT(cli::die("tool", "it broke", 3), testing::ExitedWithCode(3), "^tool: it broke\n$");
}
