// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-verify: check that a user's encrypted home or private directory
 * is configured consistently.  Checks are additive; all must pass.  Each
 * passing step prints "INFO: ...", the first failure "ERROR: ..." and
 * "ERROR: Configuration invalid" and exits 1.
 */
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libecryptfs/cli.h"
#include "libecryptfs/private_dir.h"
#include "libecryptfs/private_ops.h"

using namespace ecryptfs;

namespace {

constexpr cli::ScriptMessages kMsg{" ", false, "Configuration invalid"};
[[noreturn]] void error(const std::string &msg) { kMsg.die(msg); }

void info(const std::string &msg) { kMsg.info(msg); }

enum Check { home = 1, priv_dir, fnek, no_fnek, user_opt };
const cli::Option kOptions[] = {
	{home, "home", 'h', nullptr, "true if HOME is correctly configured for\n"
				     "                              encryption"},
	{priv_dir, "private", 'p', nullptr,
	 "true if a non-HOME directory is correctly configured\n"
	 "                              for encryption"},
	{fnek, "filenames-encrypted", 'e', nullptr, "true if filenames are set for encryption"},
	{no_fnek, "filenames-not-encrypted", 'n', nullptr, "true if filenames are not encrypted"},
	{user_opt, "user", 'u', "USER", "check USER's configuration (default: yours)"},
};
const cli::Command kCmd = {
	.name = "ecryptfs-verify",
	.usage = "Usage:\n"
		 "ecryptfs-verify [-h|--home] [-p|--private] [-e|--filenames-encrypted] "
		 "[-n|--filenames-not-encrypted] [-u|--user USER] [--help]\n",
	.description = "Checks an encrypted home or private directory configuration.  Options\n"
		       "are additive: ALL checks must pass for this program to exit 0; any\n"
		       "failing check makes it exit 1.\n",
	.options = kOptions,
	.max_operands = 0,
};

struct Config {
	std::string user, home;
};

void ecryptfs_exists(const Config &c)
{
	const std::string d = c.home + "/.ecryptfs";
	struct stat st;
	if (::stat(d.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
		info("[" + d + "] exists");
	else
		error("[" + d + "] does not exist");
}

/* Lines in the sig file (as wc -l counts them). */
int sig_lines(const Config &c)
{
	const std::string f = c.home + "/.ecryptfs/Private.sig";
	auto text = priv::read_small_file(f);
	if (!text)
		error("[" + f + "] does not exist");
	int n = 0;
	for (char ch : *text)
		n += ch == '\n';
	return n;
}

void sigfile_valid(const Config &c)
{
	const std::string f = c.home + "/.ecryptfs/Private.sig";
	struct stat st;
	if (::stat(f.c_str(), &st) == 0 && S_ISREG(st.st_mode))
		info("[" + f + "] exists");
	else
		error("[" + f + "] does not exist");
	int n = sig_lines(c);
	if (n == 1 || n == 2)
		info("[" + f + "] contains [" + std::to_string(n) + "] signatures");
	else
		error("[" + f + "] does not contain exactly 1 or 2 lines");
}

std::string mountpoint(const Config &c)
{
	const std::string f = c.home + "/.ecryptfs/Private.mnt";
	auto text = priv::read_small_file(f);
	if (!text)
		error("[" + f + "] does not exist");
	std::string m = *text;
	while (!m.empty() && m.back() == '\n')
		m.pop_back();
	return m;
}

bool is_dir(const std::string &p)
{
	struct stat st;
	return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void mountfile_valid(const Config &c)
{
	const std::string f = c.home + "/.ecryptfs/Private.mnt";
	struct stat st;
	if (::stat(f.c_str(), &st) == 0 && S_ISREG(st.st_mode))
		info("[" + f + "] exists");
	else
		error("[" + f + "] does not exist");
	const std::string m = mountpoint(c);
	if (is_dir(m))
		info("[" + m + "] is a directory");
	else
		error("[" + m + "] is not a directory");
}

void owns_mountpoint(const Config &c, const std::string &m)
{
	struct stat st;
	std::string owner = "UNKNOWN";
	if (::stat(m.c_str(), &st) == 0) {
		struct passwd *pw = getpwuid(st.st_uid);
		owner = pw ? pw->pw_name : std::to_string(st.st_uid);
	}
	if (owner == c.user)
		info("Ownership [" + owner + "] of mount point [" + m + "] is correct");
	else
		error("Invalid owner [" + owner + "] of mount point [" + m + "]");
}

void check_home(const Config &c)
{
	ecryptfs_exists(c);
	sigfile_valid(c);
	mountfile_valid(c);
	const std::string am = c.home + "/.ecryptfs/auto-mount";
	struct stat st;
	if (::stat(am.c_str(), &st) == 0 && S_ISREG(st.st_mode))
		info("[" + am + "] Automount is set");
	else
		error("[" + am + "] does not exist");
	const std::string m = mountpoint(c);
	if (m == c.home)
		info("Mount point [" + m + "] is the user's home");
	else
		error("Mount point [" + m + "] is not the user's home [" + c.home + "]");
	owns_mountpoint(c, m);
}

void check_private(const Config &c)
{
	ecryptfs_exists(c);
	sigfile_valid(c);
	mountfile_valid(c);
	const std::string m = mountpoint(c);
	if (m != c.home)
		info("Mount point [" + m + "] is not the user's home [" + c.home + "]");
	else
		error("Mount point [" + m + "] is the user's home");
	if (is_dir(m))
		info("Mount point [" + m + "] is a valid directory");
	else
		error("[" + m + "] is not a valid mount point");
	owns_mountpoint(c, m);
}

void check_fnek(const Config &c, bool want)
{
	ecryptfs_exists(c);
	sigfile_valid(c);
	bool encrypted = sig_lines(c) == 2;
	if (want == encrypted)
		info(encrypted ? "Filenames are encrypted" : "Filenames are not encrypted");
	else
		error(encrypted ? "Filenames are encrypted" : "Filenames are not encrypted");
}

} // namespace

int main(int argc, char **argv)
{
	Config c;
	auto me = priv::lookup_user(getuid());
	if (me) {
		c.user = me.value().name;
		c.home = me.value().home;
	}
	std::vector<Check> checks;
	const auto args = cli::parse(kCmd, argc, argv);
	for (const auto &[id, value] : args.given) {
		if (id == user_opt) {
			c.user = value;
			auto u = priv::lookup_user(c.user);
			c.home = u ? u.value().home : "";
			if (!is_dir(c.home))
				error("Invalid home directory [" + c.home + "] of [" + c.user + "]");
		} else {
			checks.push_back(static_cast<Check>(id));
		}
	}
	if (checks.empty())
		error("No checks given");
	for (Check k : checks) {
		switch (k) {
		case home: check_home(c); break;
		case priv_dir: check_private(c); break;
		case fnek: check_fnek(c, true); break;
		case no_fnek: check_fnek(c, false); break;
		case user_opt: break;
		}
	}
	info("Configuration valid");
	return 0;
}
