// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the passphrase tools share: secrets taken out of argv, --help
 * detection, error reporting and printing a secret without stdio copies.
 */
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>

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
