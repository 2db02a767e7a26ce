// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test helper (not installed): write the eCryptfs lower tree of a
 * plaintext tree with libecryptfs's writer, the way the module lays files
 * out, so that the offline tools can be tested without the module.
 *
 *   make_lower_tree [--cipher C] [--key-bytes N] [--fnek] [--xattr]
 *                   PASSFILE SRC LOWER
 *
 * PASSFILE holds the mount passphrase (default salt).  With --fnek names
 * and symlink targets are encrypted with the filename key of the same
 * passphrase (cipher and key size as the files, as the mount's default).
 */
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "libecryptfs/fname.h"
#include "libecryptfs/lower_file.h"
#include "libecryptfs/secure.h"

using namespace ecryptfs;

namespace {

struct Ctx {
	NewLowerFile how;
	std::optional<FilenameCipher> fn;
};

[[noreturn]] void die(const std::string &m)
{
	std::fprintf(stderr, "make_lower_tree: %s\n", m.c_str());
	std::exit(2);
}

std::string lower_name(Ctx &c, const std::string &name)
{
	if (!c.fn)
		return name;
	auto r = c.fn->encrypt(name);
	if (!r)
		die("encrypting " + name + ": " + r.error().reason);
	return r.value();
}

/* The module keeps the upper times in the lower inode: so does this. */
void times(const std::string &path, const struct stat &st)
{
	struct timespec ts[2] = {st.st_atim, st.st_mtim};
	if (utimensat(AT_FDCWD, path.c_str(), ts, AT_SYMLINK_NOFOLLOW))
		die(path + ": utimensat: " + std::strerror(errno));
}

void copy(Ctx &c, const std::string &src, const std::string &dst)
{
	DIR *d = opendir(src.c_str());
	if (!d)
		die(src + ": " + std::strerror(errno));
	std::vector<std::string> names;
	while (dirent *de = readdir(d))
		if (std::strcmp(de->d_name, ".") && std::strcmp(de->d_name, ".."))
			names.emplace_back(de->d_name);
	closedir(d);
	for (const auto &n : names) {
		std::string s = src + "/" + n, t = dst + "/" + lower_name(c, n);
		struct stat st;
		if (lstat(s.c_str(), &st))
			die(s + ": " + std::strerror(errno));
		if (S_ISDIR(st.st_mode)) {
			if (mkdir(t.c_str(), st.st_mode & 07777))
				die(t + ": " + std::strerror(errno));
			copy(c, s, t);
			times(t, st);
		} else if (S_ISLNK(st.st_mode)) {
			std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
			ssize_t len = readlink(s.c_str(), target.data(), target.size());
			if (len < 0)
				die(s + ": " + std::strerror(errno));
			target.resize(static_cast<std::size_t>(len));
			if (symlink(lower_name(c, target).c_str(), t.c_str()))
				die(t + ": " + std::strerror(errno));
			times(t, st);
		} else if (S_ISREG(st.st_mode)) {
			std::ifstream in(s, std::ios::binary);
			std::vector<std::uint8_t> plain((std::istreambuf_iterator<char>(in)),
							std::istreambuf_iterator<char>());
			auto img = build_lower_file(plain, c.how);
			if (!img)
				die(s + ": " + img.error().reason);
			std::ofstream out(t, std::ios::binary);
			out.write(reinterpret_cast<const char *>(img.value().data.data()),
				  static_cast<std::streamsize>(img.value().data.size()));
			out.close();
			if (!out)
				die(t + ": write failed");
			if (!img.value().xattr.empty() &&
			    setxattr(t.c_str(), kHeaderXattr, img.value().xattr.data(), img.value().xattr.size(), 0))
				die(t + ": setxattr: " + std::strerror(errno));
			chmod(t.c_str(), st.st_mode & 07777);
			times(t, st);
		}
	}
}

} // namespace

int main(int argc, char **argv)
{
	static const option longopts[] = {
		{"cipher", required_argument, nullptr, 'c'},
		{"key-bytes", required_argument, nullptr, 'b'},
		{"fnek", no_argument, nullptr, 'f'},
		{"xattr", no_argument, nullptr, 'x'},
		{nullptr, 0, nullptr, 0},
	};
	Ctx c;
	bool fnek = false;
	int o;
	while ((o = getopt_long(argc, argv, "", longopts, nullptr)) != -1) {
		switch (o) {
		case 'c': c.how.cipher = optarg; break;
		case 'b': c.how.key_bytes = std::stoul(optarg); break;
		case 'f': fnek = true; break;
		case 'x': c.how.header_in_xattr = true; break;
		default: return 2;
		}
	}
	if (optind != argc - 3)
		die("usage: make_lower_tree [--cipher C] [--key-bytes N] [--fnek] [--xattr] PASSFILE SRC LOWER");
	auto bytes = read_secret_file(argv[optind], 4096);
	if (!bytes)
		die(std::string("cannot read ") + argv[optind]);
	std::string_view v(reinterpret_cast<const char *>(bytes->data()), bytes->size());
	Passphrase pass(v.substr(0, v.find('\n')));
	auto file = derive_key(pass.view(), kDefaultSalt);
	auto fn = derive_key(pass.view(), kFnekSalt);
	if (!file || !fn)
		die("key derivation failed");
	c.how.kek = &file.value().kek;
	c.how.sig = file.value().sig;
	c.how.encrypted_names = fnek;
	if (fnek) {
		auto f = FilenameCipher::create(c.how.cipher, c.how.key_bytes, fn.value().kek, fn.value().sig);
		if (!f)
			die(f.error().reason);
		c.fn.emplace(std::move(f.value()));
	}
	if (mkdir(argv[optind + 2], 0700) && errno != EEXIST)
		die(std::string(argv[optind + 2]) + ": " + std::strerror(errno));
	copy(c, argv[optind + 1], argv[optind + 2]);
	std::printf("%s %s\n", file.value().sig.c_str(), fn.value().sig.c_str());
	return 0;
}
