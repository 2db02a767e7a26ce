// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-recover-private [--rw] [DIR...]: as root, mount an encrypted
 * private directory (found on the system, or given) on a new directory in
 * /tmp, read-only unless --rw, with the login passphrase (through the
 * wrapped-passphrase file beside it) or the mount passphrase.
 */
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <dirent.h>
#include <ftw.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <keyutils.h>

#include "libecryptfs/cli.h"
#include "libecryptfs/passphrase_input.h"
#include "libecryptfs/private_dir.h"
#include "libecryptfs/private_ops.h"

using namespace ecryptfs;

namespace {

constexpr cli::ScriptMessages kMsg{};
[[noreturn]] void error(const std::string &msg) { kMsg.die(msg); }

void info(const std::string &msg) { kMsg.info(msg); }

/* One answer line from fd 0, unbuffered (passphrases are read from fd 0 too). */
std::string read_answer()
{
	std::string s;
	char c;
	while (::read(0, &c, 1) == 1 && c != '\n')
		s.push_back(c);
	return s;
}

std::vector<std::string> g_found;

int collect(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (flag == FTW_D && std::strcmp(path + ftw->base, ".Private") == 0 && S_ISDIR(st->st_mode))
		g_found.emplace_back(path);
	return 0;
}

bool has_fnek_names(const std::string &dir)
{
	DIR *d = opendir(dir.c_str());
	if (!d)
		return false;
	bool found = false;
	while (struct dirent *e = readdir(d))
		if (std::strncmp(e->d_name, "ECRYPTFS_FNEK_ENCRYPTED", 23) == 0)
			found = true;
	closedir(d);
	return found;
}

bool key_present(const std::string &sig)
{
	return keyctl_search(KEY_SPEC_USER_KEYRING, "user", sig.c_str(), 0) >= 0;
}

} // namespace

enum { kRw = 1 };
const cli::Option kOptions[] = {
	{kRw, "rw", 0, nullptr, "mount read-write (default: read-only)"},
};
const cli::Command kCmd = {
	.name = "ecryptfs-recover-private",
	.usage = "Usage: ecryptfs-recover-private [--rw] [DIR...]\n",
	.description = "As root, mounts an encrypted private directory (every directory named\n"
		       ".Private on the system, or the DIRs given) read-only (read-write with\n"
		       "--rw) on a new directory under /tmp.\n",
	.options = kOptions,
};

int main(int argc, char **argv)
{
	const auto args = cli::parse(kCmd, argc, argv);
	if (getuid() != 0)
		error("This program must be run as root.");
	const bool rw = args.has(kRw);
	std::vector<std::string> dirs;
	struct stat st;
	if (!args.operands.empty() && ::stat(args.operands[0], &st) == 0 && S_ISDIR(st.st_mode)) {
		for (char *d : args.operands)
			dirs.emplace_back(d);
	} else {
		info("Searching for encrypted private directories (this might take a while)...");
		nftw("/", collect, 64, FTW_PHYS | FTW_MOUNT);
		dirs = g_found;
		if (dirs.empty()) {
			info("Hint: click 'Places' and select your hard disk, then run this again.");
			error("No private directories found; make sure that your root filesystem is "
			      "mounted.");
		}
	}
	priv::link_user_keyring_into_session();
	for (const auto &d : dirs) {
		if (::stat(d.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		info("Found [" + d + "].");
		std::printf("Try to recover this directory? [Y/n]: ");
		std::fflush(stdout);
		std::string answer = read_answer();
		if (!answer.empty() && (answer[0] == 'n' || answer[0] == 'N'))
			continue;
		const bool fnek = has_fnek_names(d);
		const std::string config = d + "/../.ecryptfs";
		std::optional<priv::Sigs> sigs;
		bool use_mount_pass = true;
		if (::stat((config + "/wrapped-passphrase").c_str(), &st) == 0) {
			info("Found your wrapped-passphrase");
			std::printf("Do you know your LOGIN passphrase? [Y/n] ");
			std::fflush(stdout);
			answer = read_answer();
			if (answer.empty() || answer == "y" || answer == "Y") {
				use_mount_pass = false;
				info("Enter your LOGIN passphrase...");
				auto text = priv::read_small_file(config + "/Private.sig");
				auto parsed = text ? priv::parse_sig_file(*text)
						   : Result<priv::Sigs>(Error{-ENOENT, "no Private.sig"});
				if (!parsed)
					error("Cannot read " + config + "/Private.sig: " +
					      parsed.error().reason);
				auto p = read_passphrase("Passphrase");
				if (!p)
					error("No passphrase given");
				auto r = priv::add_keys_from_wrapped_file(config + "/wrapped-passphrase",
									  *p.passphrase, parsed.value());
				if (!r)
					error("Unwrapping the passphrase failed: " + r.error().reason);
				sigs = parsed.value();
			}
		} else {
			info("Could not find your wrapped passphrase file.");
		}
		if (use_mount_pass) {
			info("To recover this directory, you MUST have your original MOUNT passphrase.");
			info("When you first setup your encrypted private directory, you were told to "
			     "record");
			info("your MOUNT passphrase.");
			info("It should be 32 characters long, consisting of [0-9] and [a-f].");
			std::printf("\n");
			auto p = read_passphrase("Enter your MOUNT passphrase");
			if (!p)
				error("No passphrase given");
			auto added = priv::add_mount_passphrase_keys(*p.passphrase, fnek);
			if (!added)
				error("Cannot add the keys: " + added.error().reason);
			sigs = added.value();
		}
		if (!key_present(sigs->fekek) || (sigs->fnek && !key_present(*sigs->fnek)))
			error("The key required to access this private data is not available.");
		std::string opts = "ecryptfs_sig=" + sigs->fekek;
		if (sigs->fnek)
			opts += ",ecryptfs_fnek_sig=" + *sigs->fnek;
		opts += ",ecryptfs_cipher=aes,ecryptfs_key_bytes=16";
		char tmpl[] = "/tmp/ecryptfs.XXXXXXXX";
		if (!mkdtemp(tmpl))
			error(std::string("Cannot create a directory in /tmp: ") + std::strerror(errno));
		if (::mount(d.c_str(), tmpl, "ecryptfs", rw ? 0 : MS_RDONLY, opts.c_str()) == 0)
			info(std::string("Success!  Private data mounted at [") + tmpl + "].");
		else
			error(std::string("Failed to mount private data at [") + tmpl + "]: " +
			      std::strerror(errno));
	}
	return 0;
}
