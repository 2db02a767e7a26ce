// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading passphrases the way ecryptfs-utils' ecryptfs_get_passphrase does
 * (fgets with a 66-byte buffer): stdin is replaced by a pipe per case.
 */
#include <gtest/gtest.h>

#include <string>

#include <fcntl.h>
#include <unistd.h>

#include "libecryptfs/passphrase_input.h"

using namespace ecryptfs;
using namespace std::string_literals;

namespace {

/* Points fd 0 at a pipe holding @input for the lifetime of the object. */
class StdinFrom {
public:
	explicit StdinFrom(const std::string &input)
	{
		int p[2];
		if (::pipe(p) != 0)
			throw std::runtime_error("pipe");
		if (::write(p[1], input.data(), input.size()) !=
		    static_cast<ssize_t>(input.size()))
			throw std::runtime_error("write");
		::close(p[1]);
		saved_ = ::dup(STDIN_FILENO);
		::dup2(p[0], STDIN_FILENO);
		::close(p[0]);
	}
	~StdinFrom()
	{
		::dup2(saved_, STDIN_FILENO);
		::close(saved_);
	}

private:
	int saved_ = -1;
};

std::string read_one(const char *prompt = nullptr)
{
	auto r = read_passphrase(prompt);
	if (!r)
		return r.failure == ReadFailure::too_long ? "<too long>" : "<eof>";
	return std::string(r.passphrase->view());
}

} // namespace

TEST(PassphraseInput, Lines)
{
	StdinFrom in("first\nsecond\n\nlast-without-newline");
	EXPECT_EQ(read_one(), "first");
	EXPECT_EQ(read_one(), "second");
	EXPECT_EQ(read_one(), "");
	EXPECT_EQ(read_one(), "last-without-newline");
	EXPECT_EQ(read_one(), "<eof>");
}

TEST(PassphraseInput, OnlyTheLastNewlineIsStripped)
{
	StdinFrom in("with space \t\r\n");
	EXPECT_EQ(read_one(), "with space \t\r");
}

TEST(PassphraseInput, NulEndsThePassphrase)
{
	/* ecryptfs-mount-private sends printf "%s\0". */
	StdinFrom in("secret\0"s);
	EXPECT_EQ(read_one(), "secret");
}

TEST(PassphraseInput, LengthLimit)
{
	const std::string p64(64, 'x');
	{
		StdinFrom in(p64 + "\n" + p64);
		EXPECT_EQ(read_one(), p64);
		EXPECT_EQ(read_one(), p64);
	}
	{
		testing::internal::CaptureStderr();
		StdinFrom in(p64 + "y\n");
		EXPECT_EQ(read_one(), "<too long>");
		EXPECT_EQ(testing::internal::GetCapturedStderr(),
			  "Passphrase is too long. Use at most 64 characters long passphrase.\n");
	}
	{
		/* Like fgets(66): a 70-char line is read as 65 chars, then 5. */
		testing::internal::CaptureStderr();
		StdinFrom in(std::string(65, 'a') + "bbbbb\nnext\n");
		EXPECT_EQ(read_one(), "<too long>");
		EXPECT_EQ(read_one(), "bbbbb");
		EXPECT_EQ(read_one(), "next");
		testing::internal::GetCapturedStderr();
	}
}

TEST(PassphraseInput, PromptGoesToStdout)
{
	StdinFrom in("pw\n");
	testing::internal::CaptureStdout();
	EXPECT_EQ(read_one("Passphrase"), "pw");
	EXPECT_EQ(testing::internal::GetCapturedStdout(), "Passphrase: \n");
}

TEST(PassphraseInput, EofPrintsANewline)
{
	StdinFrom in("");
	testing::internal::CaptureStdout();
	EXPECT_EQ(read_one(), "<eof>");
	EXPECT_EQ(testing::internal::GetCapturedStdout(), "\n");
}
