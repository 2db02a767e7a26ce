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

void usage()
{
	std::printf(
		"\nUsage:\n"
		"ecryptfs-verify [-h|--home] [-p|--private] [-e|--filenames-encrypted] "
		"[-n|--filenames-not-encrypted] [-u|--user USER] [--help]\n\n"
		" -h|--home\t\t\tTrue if HOME is correctly configured for\n"
		"\t\t\t\tencryption, False otherwise\n\n"
		" -p|--private\t\t\tTrue if a non-HOME directory is correctly\n"
		"\t\t\t\tconfigured for encryption, False otherwise\n\n"
		" -e|--filenames-encrypted\tTrue if filenames are set for encryption,\n"
		"\t\t\t\tFalse otherwise\n\n"
		" -n|--filenames-not-encrypted\tTrue if filenames are not encrypted,\n"
		"\t\t\t\tFalse otherwise\n\n"
		" -u|--user USER\t\t\tBy default, the current user's configuration\n"
		"\t\t\t\tis checked, override with this option\n\n"
		" --help \t\t\tThis usage information\n\n"
		" Note that options are additive.  ALL checks must pass in order for this\n"
		" program to exit 0.  Any failing check will cause this program to exit\n"
		" non-zero.\n\n");
}

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
	enum Check { home, priv_dir, fnek, no_fnek };
	std::vector<Check> checks;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		if (a == "-h" || a == "--home")
			checks.push_back(home);
		else if (a == "-p" || a == "--private")
			checks.push_back(priv_dir);
		else if (a == "-e" || a == "--filenames-encrypted")
			checks.push_back(fnek);
		else if (a == "-n" || a == "--filenames-not-encrypted")
			checks.push_back(no_fnek);
		else if (a == "--help") {
			usage();
			return 1;
		} else if ((a == "-u" || a == "--user") && i + 1 < argc) {
			c.user = argv[++i];
			auto u = priv::lookup_user(c.user);
			c.home = u ? u.value().home : "";
			if (!is_dir(c.home))
				error("Invalid home directory [" + c.home + "] of [" + c.user + "]");
		} else {
			usage();
			return 1;
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
		}
	}
	info("Configuration valid");
	return 0;
}
