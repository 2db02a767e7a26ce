// SPDX-License-Identifier: GPL-2.0-only
#include "libecryptfs/private_ops.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include <dirent.h>
#include <fcntl.h>
#include <keyutils.h>
#include <mntent.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libecryptfs/keyring.h"
#include "libecryptfs/rc.h"
#include "libecryptfs/wrapped.h"

namespace ecryptfs::priv {

Paths own_paths_or_exit()
{
	auto user = lookup_user(getuid());
	if (!user) {
		std::fprintf(stderr, "ERROR: %s\n", user.error().reason.c_str());
		std::exit(1);
	}
	return paths_for_home(user.value().home);
}

Result<Sigs> add_mount_passphrase_keys(const Passphrase &mountpass, bool fnek)
{
	Sigs sigs;
	if (fnek) {
		auto k = add_passphrase_key_to_keyring(mountpass, kFnekSalt);
		if (!k)
			return k.error();
		sigs.fnek = k.value().sig;
	}
	auto k = add_passphrase_key_to_keyring(mountpass, rc_salt_or_default());
	if (!k)
		return k.error();
	sigs.fekek = k.value().sig;
	return sigs;
}

Status add_keys_from_wrapped_file(const std::string &wrapped_file, const Passphrase &wrapping,
				  const Sigs &expected)
{
	auto pass = wrapped::unwrap_file(wrapped_file, wrapping, rc_salt_or_default());
	if (!pass)
		return pass.error();
	auto sigs = add_mount_passphrase_keys(pass.value(), expected.fnek.has_value());
	if (!sigs)
		return sigs.error();
	if (sigs.value().fekek != expected.fekek ||
	    (expected.fnek && sigs.value().fnek != expected.fnek))
		return Error{-EINVAL, "the unwrapped passphrase does not give the key sigs of "
				      "~/.ecryptfs/Private.sig"};
	return Ok{};
}

void remove_keys(const Sigs &sigs)
{
	(void)remove_auth_tok_from_user_keyring(sigs.fekek);
	if (sigs.fnek && *sigs.fnek != sigs.fekek)
		(void)remove_auth_tok_from_user_keyring(*sigs.fnek);
}

void link_user_keyring_into_session()
{
	keyctl_link(KEY_SPEC_USER_KEYRING, KEY_SPEC_SESSION_KEYRING);
}

int run_program(const std::string &path, const std::vector<std::string> &args,
		const std::function<void()> &in_child, bool quiet)
{
	std::vector<char *> argv;
	for (const auto &a : args)
		argv.push_back(const_cast<char *>(a.c_str()));
	argv.push_back(nullptr);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (in_child)
			in_child();
		if (quiet) {
			int null = ::open("/dev/null", O_RDWR);
			if (null >= 0) {
				dup2(null, 1);
				dup2(null, 2);
			}
		}
		execv(path.c_str(), argv.data());
		_exit(127);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

std::optional<std::string> read_small_file(const std::string &path, std::size_t max)
{
	std::ifstream in(path, std::ios::binary);
	if (!in)
		return std::nullopt;
	std::string s;
	char buf[4096];
	while (s.size() < max && in.read(buf, sizeof(buf)), in.gcount() > 0)
		s.append(buf, static_cast<std::size_t>(in.gcount()));
	if (s.size() > max)
		s.resize(max);
	return s;
}

std::string configured_mountpoint(const Paths &paths)
{
	auto text = read_small_file(paths.mnt_file);
	return text ? mountpoint_from_mnt_text(*text, paths.default_mountpoint)
		    : paths.default_mountpoint;
}

std::vector<ProcessInfo> processes_of(uid_t uid, const std::string &proc)
{
	std::vector<ProcessInfo> out;
	DIR *d = ::opendir(proc.c_str());
	if (!d)
		return out;
	while (const dirent *e = ::readdir(d)) {
		char *end = nullptr;
		const long pid = std::strtol(e->d_name, &end, 10);
		if (pid <= 0 || *end)
			continue;
		const std::string dir = proc + "/" + e->d_name;
		auto status = read_small_file(dir + "/status", 16384);
		if (!status || !status_has_uid(*status, uid))
			continue;
		std::string comm = read_small_file(dir + "/comm", 256).value_or("?");
		while (!comm.empty() && comm.back() == '\n')
			comm.pop_back();
		out.push_back({static_cast<pid_t>(pid), comm});
	}
	::closedir(d);
	return out;
}

bool ecryptfs_mounted(const std::string &src, const std::string &dst)
{
	FILE *f = setmntent("/proc/self/mounts", "r");
	if (!f)
		return false;
	bool found = false;
	while (struct mntent *m = getmntent(f)) {
		if (std::strcmp(m->mnt_type, "ecryptfs") == 0 &&
		    (src == m->mnt_fsname || dst == m->mnt_dir)) {
			found = true;
			break;
		}
	}
	endmntent(f);
	return found;
}

} // namespace ecryptfs::priv
