// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-setup-swap [-f|--force] [-n|--no-reload] [--dry-run]: encrypt
 * every swap partition with a fresh random key at each boot (dm-crypt plain
 * mode), so that no cleartext from an eCryptfs mount is paged out to disk.
 *
 * For each swap device: its fstab entry is commented out, a line
 * "cryptswapN UUID=<uuid> /dev/urandom swap,offset=1024,cipher=aes-xts-plain64"
 * goes to /etc/crypttab (offset=1024 keeps the swap signature and UUID
 * readable), "/dev/mapper/cryptswapN none swap sw 0 0" to /etc/fstab, and a
 * GPT partition is marked "no auto" (attribute 63) so systemd does not
 * activate it unencrypted.  Unless -n, the swap is switched over at once
 * with cryptsetup itself (no distribution init script is needed).  Files
 * are rewritten atomically.  --dry-run prints what would be done.
 */
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libecryptfs/cli.h"
#include "libecryptfs/atomic_file.h"
#include "libecryptfs/private_ops.h"

using namespace ecryptfs;

namespace {

bool g_dry = false;

constexpr cli::ScriptMessages kMsg{};
[[noreturn]] void error(const std::string &msg) { kMsg.die(msg); }

void info(const std::string &msg) { kMsg.info(msg); }

void warn(const std::string &msg) { kMsg.warn(msg); }

enum { kForce = 1, kNoReload, kDryRun };
const cli::Option kOptions[] = {
	{kForce, "force", 'f', nullptr, "do not ask for confirmation"},
	{kNoReload, "no-reload", 'n', nullptr,
	 "only write /etc/crypttab and /etc/fstab; the encrypted\n"
	 "                              swap starts at the next boot"},
	{kDryRun, "dry-run", 0, nullptr, "print what would be done, change nothing"},
};
const cli::Command kCmd = {
	.name = "ecryptfs-setup-swap",
	.usage = "Usage:\n  ecryptfs-setup-swap [-f|--force] [-n|--no-reload] [--dry-run]\n",
	.description = "As root, encrypts every swap device with a random key at each boot\n"
		       "(cryptsetup, /etc/crypttab), so that nothing written to swap survives\n"
		       "a reboot.\n",
	.options = kOptions,
	.max_operands = 0,
};

/* Run a program and capture its standard output (stderr discarded). */
std::optional<std::string> capture(const std::vector<std::string> &args)
{
	int fds[2];
	if (pipe(fds) != 0)
		return std::nullopt;
	pid_t pid = fork();
	if (pid < 0)
		return std::nullopt;
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		int null = ::open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 2);
		std::vector<char *> argv;
		for (const auto &a : args)
			argv.push_back(const_cast<char *>(a.c_str()));
		argv.push_back(nullptr);
		execv(argv[0], argv.data());
		_exit(127);
	}
	close(fds[1]);
	std::string out;
	char buf[4096];
	ssize_t n;
	while ((n = ::read(fds[0], buf, sizeof(buf))) > 0)
		out.append(buf, static_cast<std::size_t>(n));
	close(fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return std::nullopt;
	while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
		out.pop_back();
	return out;
}

std::string find_tool(const char *name)
{
	for (const char *dir : {"/sbin/", "/usr/sbin/", "/bin/", "/usr/bin/"}) {
		std::string p = std::string(dir) + name;
		if (access(p.c_str(), X_OK) == 0)
			return p;
	}
	return {};
}

std::string blkid(const std::string &dev, const char *tag, bool probe = false)
{
	static const std::string tool = find_tool("blkid");
	std::vector<std::string> args{tool};
	if (probe)
		args.push_back("-p");
	args.insert(args.end(), {"-o", "value", "-s", tag, dev});
	return capture(args).value_or("");
}

std::string real(const std::string &p)
{
	char buf[PATH_MAX];
	return realpath(p.c_str(), buf) ? std::string(buf) : p;
}

/* /sys/devices/... directory of block device @dev (by its device number). */
std::string sysfs_dir(const std::string &dev)
{
	struct stat st;
	if (::stat(dev.c_str(), &st) != 0 || !S_ISBLK(st.st_mode))
		return {};
	return real("/sys/dev/block/" + std::to_string(major(st.st_rdev)) + ":" +
		    std::to_string(minor(st.st_rdev)));
}

std::vector<std::string> lines_of(const std::string &text)
{
	std::vector<std::string> out;
	std::istringstream in(text);
	std::string l;
	while (std::getline(in, l))
		out.push_back(l);
	return out;
}

std::vector<std::string> fields(const std::string &line)
{
	std::istringstream in(line);
	std::vector<std::string> f;
	std::string w;
	while (in >> w)
		f.push_back(w);
	return f;
}

bool is_dm_crypt(const std::string &dev, const std::string &cryptsetup)
{
	const std::string dir = sysfs_dir(dev);
	if (dir.empty())
		return false;
	const std::string dm = dir + "/dm/";
	auto uuid = priv::read_small_file(dm + "uuid");
	if (uuid && uuid->starts_with("CRYPT-"))
		return true;
	auto name = priv::read_small_file(dm + "name");
	if (!name)
		return false; /* not a device-mapper device */
	auto f = fields(*name);
	return !f.empty() && capture({cryptsetup, "status", f[0]}).has_value();
}

/* Rewrite @path atomically keeping its mode (0644 for a new file). */
void write_config(const std::string &path, const std::string &text)
{
	if (g_dry) {
		std::printf("DRY-RUN: would write %s as:\n", path.c_str());
		for (const auto &l : lines_of(text))
			std::printf("    %s\n", l.c_str());
		return;
	}
	struct stat st;
	mode_t mode = ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
	auto r = replace_file_atomically(
		path, {reinterpret_cast<const std::uint8_t *>(text.data()), text.size()});
	if (!r)
		error("Cannot write " + path + ": " + r.error().reason);
	if (::chmod(path.c_str(), mode) != 0)
		error("Cannot set the mode of " + path);
}

void run_step(const std::vector<std::string> &args)
{
	std::string cmd;
	for (const auto &a : args)
		cmd += (cmd.empty() ? "" : " ") + a;
	if (g_dry) {
		std::printf("DRY-RUN: would run: %s\n", cmd.c_str());
		return;
	}
	if (priv::run_program(args[0], args) != 0)
		error("Failed: " + cmd);
}

} // namespace

int main(int argc, char **argv)
{
	const auto args = cli::parse(kCmd, argc, argv);
	const bool force = args.has(kForce), no_reload = args.has(kNoReload);
	g_dry = args.has(kDryRun);
	const std::string cryptsetup = find_tool("cryptsetup");
	if (cryptsetup.empty())
		error("Please install 'cryptsetup'");
	if (geteuid() != 0 && !g_dry)
		error("This program must be run with 'sudo', or as root");

	std::vector<std::string> swaps;
	auto proc = priv::read_small_file("/proc/swaps", 1 << 20).value_or("");
	for (const auto &l : lines_of(proc)) {
		auto f = fields(l);
		if (!f.empty() && f[0].starts_with("/"))
			swaps.push_back(f[0]);
	}
	if (swaps.empty()) {
		unsigned long mem = 0;
		for (const auto &l : lines_of(priv::read_small_file("/proc/meminfo").value_or("")))
			if (l.starts_with("MemTotal:"))
				mem = std::strtoul(l.c_str() + 9, nullptr, 10);
		info("You do not currently have any swap space defined.");
		std::printf("\nYou can create a swap file by doing:\n"
			    " $ sudo dd if=/dev/zero of=/swapfile count=%lu\n"
			    " $ sudo mkswap /swapfile\n $ sudo swapon /swapfile\n\n"
			    "And then re-run ecryptfs-setup-swap\n\n",
			    4 * mem);
		return 0;
	}

	const std::string crypttab_text = priv::read_small_file("/etc/crypttab", 1 << 20).value_or("");
	std::vector<std::string> usable;
	for (const auto &swap : swaps) {
		struct stat st;
		if (::stat(swap.c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) {
			warn("[" + swap + "] is a swap file, not a partition, skipping (encrypt the "
			     "file system that holds it instead).");
			continue;
		}
		if (blkid(swap, "TYPE") != "swap") {
			warn("[" + swap + "] does not appear to be swap space, skipping.");
			continue;
		}
		if (swap.starts_with("/dev/ram") || swap.starts_with("/dev/zram")) {
			warn("[" + swap + "] is a RAM device, skipping.");
			continue;
		}
		if (is_dm_crypt(swap, cryptsetup)) {
			warn("[" + swap + "] already appears to be encrypted, skipping.");
			continue;
		}
		const std::string uuid = blkid(swap, "UUID");
		bool listed = false;
		for (const auto &l : lines_of(crypttab_text)) {
			auto f = fields(l);
			if (f.size() >= 2 && !f[0].starts_with("#") &&
			    (f[1] == swap || (!uuid.empty() && f[1] == "UUID=" + uuid) ||
			     real(f[1]) == real(swap)))
				listed = true;
		}
		if (listed) {
			warn("[" + swap + "] already has an entry in /etc/crypttab, skipping.");
			continue;
		}
		usable.push_back(swap);
	}
	if (usable.empty()) {
		warn("There were no usable swap devices to be encrypted.  Exiting.");
		return 0;
	}
	if (!force && !g_dry) {
		std::printf("\nWARNING:\nAn encrypted swap is required to help ensure that encrypted "
			    "files are not leaked to disk in an unencrypted format.\n\n"
			    "HOWEVER, THE SWAP ENCRYPTION CONFIGURATION PRODUCED BY THIS PROGRAM "
			    "WILL BREAK HIBERNATE/RESUME ON THIS SYSTEM!\n\n"
			    "NOTE: Your suspend/resume capabilities will not be affected.\n\n"
			    "Do you want to proceed with encrypting your swap? [y/N]: ");
		std::fflush(stdout);
		std::string answer;
		char c;
		while (::read(0, &c, 1) == 1 && c != '\n')
			answer.push_back(c);
		std::printf("\n");
		if (answer != "y" && answer != "Y") {
			std::printf("\n");
			info("Aborting.");
			return 0;
		}
	}

	std::string fstab = priv::read_small_file("/etc/fstab", 1 << 20).value_or("");
	std::string crypttab = crypttab_text;
	if (!crypttab.empty() && crypttab.back() != '\n')
		crypttab += "\n";
	int n = 0;
	std::vector<std::pair<std::string, std::string>> activate; /* swap, mapper name */
	for (const auto &swap : usable) {
		info("Setting up swap: [" + swap + "]");
		const std::string uuid = blkid(swap, "UUID");
		if (uuid.empty())
			error("[" + swap + "] has no UUID; run 'swaplabel -U $(uuidgen) " + swap + "'");
		/* Comment out every fstab line naming this device, however it is named. */
		std::string out;
		for (const auto &l : lines_of(fstab)) {
			auto f = fields(l);
			bool mine = !f.empty() && !f[0].starts_with("#") &&
				    (f[0] == "UUID=" + uuid || f[0] == swap ||
				     (f[0].starts_with("/dev/") && real(f[0]) == real(swap)));
			if (mine) {
				out += "#" + l + "\n";
				warn("Commented out your unencrypted swap from /etc/fstab");
			} else {
				out += l + "\n";
			}
		}
		fstab = out;
		std::string name;
		do {
			name = "cryptswap" + std::to_string(++n);
		} while (access(("/dev/mapper/" + name).c_str(), F_OK) == 0 ||
			 crypttab.find(name + " ") != std::string::npos);

		/* GPT: mark the partition "no auto" so it is never used in cleartext. */
		if (blkid(swap, "PART_ENTRY_SCHEME", true) == "gpt") {
			const std::string part = sysfs_dir(swap);
			auto partno = priv::read_small_file(part + "/partition");
			std::string disk = real(part + "/..");
			disk = "/dev/" + disk.substr(disk.rfind('/') + 1);
			const std::string sfdisk = find_tool("sfdisk");
			if (partno && !sfdisk.empty()) {
				std::string no = fields(*partno).empty() ? "" : fields(*partno)[0];
				std::string attrs =
					capture({sfdisk, "--part-attrs", disk, no}).value_or("");
				if (attrs.find("GUID:63") == std::string::npos)
					run_step({sfdisk, "--part-attrs", disk, no,
						  attrs.empty() ? "GUID:63" : attrs + ",GUID:63"});
				else
					info(swap + " is already marked as no-auto");
			}
		}
		crypttab += name + " UUID=" + uuid +
			    " /dev/urandom swap,offset=1024,cipher=aes-xts-plain64\n";
		fstab += "/dev/mapper/" + name + " none swap sw 0 0\n";
		activate.emplace_back(swap, name);
	}
	write_config("/etc/crypttab", crypttab);
	write_config("/etc/fstab", fstab);

	if (!no_reload) {
		for (const auto &[swap, name] : activate) {
			run_step({find_tool("swapoff"), swap});
			run_step({cryptsetup, "open", "--type", "plain", "--cipher", "aes-xts-plain64",
				  "--key-size", "256", "--key-file", "/dev/urandom", "--offset", "1024",
				  swap, name});
			run_step({find_tool("mkswap"), "/dev/mapper/" + name});
			run_step({find_tool("swapon"), "/dev/mapper/" + name});
		}
		if (access("/run/systemd/system", F_OK) == 0)
			run_step({find_tool("systemctl"), "daemon-reload"});
	}
	if (g_dry)
		info("Dry run: nothing was changed.");
	else
		info("Successfully encrypted swap!");
	return 0;
}
