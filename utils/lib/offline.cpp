// SPDX-License-Identifier: GPL-2.0-only
/*
 * Key options and lower-tree walking of the offline tools (see
 * libecryptfs/offline.h).
 */
#include "libecryptfs/offline.h"

#include <algorithm>
#include <climits>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "libecryptfs/crypto.h"
#include "libecryptfs/passphrase_input.h"
#include "libecryptfs/rc.h"
#include "libecryptfs/wrapped.h"

namespace ecryptfs::offline {

const char *const kKeyOptionsHelp =
	"Keys come from the same sources as mount.ecryptfs, never from the command\n"
	"line: -p asks for the mount passphrase, -w unwraps a wrapped-passphrase file\n"
	"with the login passphrase (asked first), -k takes them from the user keyring\n"
	"(ecryptfs-add-passphrase --fnek, a PAM login).  Secrets come from the\n"
	"terminal, one line each of stdin, or the --*-file options.  A passphrase\n"
	"gives the file key (with ~/.ecryptfsrc's salt or the default) and the\n"
	"filename key.  Several sources may be combined.\n";

cli::Args parse(const char *name, const char *usage, const char *description,
		std::span<const cli::Option> own, int operands, int argc, char **argv)
{
	std::vector<cli::Option> opts(own.begin(), own.end());
	opts.insert(opts.end(), std::begin(kKeyOptions), std::end(kKeyOptions));
	const std::string desc = std::string(description) + "\n" + kKeyOptionsHelp;
	const cli::Command cmd = {
		.name = name,
		.usage = usage,
		.description = desc.c_str(),
		.options = opts,
		.min_operands = operands,
		.max_operands = operands,
	};
	return cli::parse(cmd, argc, argv);
}

KeyOptions key_options(const cli::Args &args)
{
	KeyOptions ko;
	ko.passphrase = args.has('p');
	ko.keyring = args.has('k');
	if (const char *w = args.value('w'))
		ko.wrapped = w;
	if (const char *f = args.value(kOptPassphraseFile))
		ko.passphrase_file = f;
	if (const char *f = args.value(kOptWrappingFile))
		ko.wrapping_file = f;
	return ko;
}

namespace {

/* The first line of a secret file, without its newline. */
Result<Passphrase> secret_from_file(const std::string &path)
{
	auto bytes = read_secret_file(path, 4096);
	if (!bytes)
		return Error{-EIO, "cannot read " + path};
	std::string_view v(reinterpret_cast<const char *>(bytes->data()), bytes->size());
	v = v.substr(0, v.find('\n'));
	if (v.empty())
		return Error{-EINVAL, path + " holds an empty passphrase"};
	if (v.size() > kMaxPassphraseBytes)
		return Error{-EINVAL, path + " holds a passphrase longer than 64 bytes"};
	return Passphrase(v);
}

Result<Passphrase> secret_from_input(const char *prompt)
{
	auto r = read_passphrase(isatty(0) ? prompt : nullptr);
	if (!r)
		return Error{-EINVAL, r.failure == ReadFailure::too_long
					      ? "the passphrase is longer than 64 bytes"
					      : std::string("no passphrase given (") + prompt + ")"};
	if (r.passphrase->empty())
		return Error{-EINVAL, std::string("empty passphrase (") + prompt + ")"};
	return std::move(*r.passphrase);
}

} // namespace

Result<OfflineKeys> gather_keys(const KeyOptions &ko)
{
	OfflineKeys keys;
	keys.use_keyring(ko.keyring);
	Salt salt = rc_salt_or_default();
	if (ko.wrapped) {
		std::string file = *ko.wrapped;
		if (file.empty()) {
			auto d = default_wrapped_passphrase_path();
			if (!d)
				return d.error();
			file = d.value();
		}
		auto wrapping = ko.wrapping_file.empty()
					? secret_from_input("Wrapping passphrase (login password)")
					: secret_from_file(ko.wrapping_file);
		if (!wrapping)
			return wrapping.error();
		auto pass = wrapped::unwrap_file(file, wrapping.value(), salt);
		if (!pass)
			return Error{pass.error().code, "cannot unwrap " + file + ": " + pass.error().reason};
		auto added = keys.add_passphrase(pass.value(), salt);
		if (!added)
			return added.error();
	}
	if (!ko.passphrase_file.empty()) {
		auto pass = secret_from_file(ko.passphrase_file);
		if (!pass)
			return pass.error();
		auto added = keys.add_passphrase(pass.value(), salt);
		if (!added)
			return added.error();
	}
	if (ko.passphrase) {
		auto pass = secret_from_input("Mount passphrase");
		if (!pass)
			return pass.error();
		auto added = keys.add_passphrase(pass.value(), salt);
		if (!added)
			return added.error();
	}
	return keys;
}

Result<OfflineKeys> required_keys(const KeyOptions &ko)
{
	if (!ko.any())
		return Error{-ENOKEY, "no key given (-p, -w, -k or a file option; see --help)"};
	return gather_keys(ko);
}

Result<std::string> read_link(int dirfd, const std::string &name)
{
	std::string target(PATH_MAX, '\0');
	ssize_t n = readlinkat(dirfd, name.c_str(), target.data(), target.size());
	if (n < 0)
		return Error{-errno, std::string("cannot read the link: ") + std::strerror(errno)};
	target.resize(static_cast<std::size_t>(n));
	return target;
}

namespace {

struct DirCloser {
	void operator()(DIR *d) const noexcept { closedir(d); }
};

std::string join(const std::string &a, const std::string &b)
{
	return a.empty() ? b : a + "/" + b;
}

struct Walker {
	NameDecoder &names;
	const std::function<bool(const Entry &)> &visit;
	const std::function<void(const std::string &, const Error &)> &unreadable;
	dev_t dev;

	void dir(int fd, const std::string &lower, const std::string &plain)
	{
		std::unique_ptr<DIR, DirCloser> d(fdopendir(fd));
		if (!d) {
			int err = errno;
			::close(fd);
			unreadable(lower, {-err, std::strerror(err)});
			return;
		}
		std::vector<std::string> entries;
		errno = 0;
		while (dirent *de = readdir(d.get())) {
			if (std::strcmp(de->d_name, ".") && std::strcmp(de->d_name, ".."))
				entries.emplace_back(de->d_name);
			errno = 0;
		}
		if (errno) {
			unreadable(lower, {-errno, std::string("reading the directory failed: ") +
							   std::strerror(errno)});
			return;
		}
		std::sort(entries.begin(), entries.end());
		for (const auto &name : entries) {
			Entry e{dirfd(d.get()), name, join(lower, name), {}, {}, {}};
			if (fstatat(e.dirfd, name.c_str(), &e.st, AT_SYMLINK_NOFOLLOW)) {
				unreadable(e.lower_path, {-errno, std::strerror(errno)});
				continue;
			}
			auto dec = names.decode(name);
			if (dec)
				e.plain_path = join(plain, dec.value());
			else {
				e.plain_path = join(plain, name);
				e.name_error = dec.error();
			}
			bool descend = visit(e);
			if (!descend || !S_ISDIR(e.st.st_mode) || e.st.st_dev != dev)
				continue;
			int sub = openat(e.dirfd, name.c_str(),
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				unreadable(e.lower_path, {-errno, std::strerror(errno)});
				continue;
			}
			dir(sub, e.lower_path, e.plain_path);
		}
	}
};

} // namespace

Status walk(const std::string &root, NameDecoder &names, const std::function<bool(const Entry &)> &visit,
	    const std::function<void(const std::string &, const Error &)> &unreadable)
{
	struct stat st;
	if (lstat(root.c_str(), &st))
		return Error{-errno, root + ": " + std::strerror(errno)};
	if (S_ISDIR(st.st_mode)) {
		int fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return Error{-errno, root + ": " + std::strerror(errno)};
		Walker w{names, visit, unreadable, st.st_dev};
		w.dir(fd, "", "");
		return Ok{};
	}
	/* One file: its directory and its name. */
	std::string dir = ".", base = root;
	auto slash = root.find_last_of('/');
	if (slash != std::string::npos) {
		dir = slash == 0 ? "/" : root.substr(0, slash);
		base = root.substr(slash + 1);
	}
	int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return Error{-errno, dir + ": " + std::strerror(errno)};
	Entry e{fd, base, base, base, st, {}};
	auto dec = names.decode(base);
	if (dec)
		e.plain_path = dec.value();
	else
		e.name_error = dec.error();
	visit(e);
	::close(fd);
	return Ok{};
}

std::string display(const Entry &e)
{
	if (e.plain_path == e.lower_path)
		return e.lower_path;
	return e.lower_path + " (" + e.plain_path + ")";
}

} // namespace ecryptfs::offline
