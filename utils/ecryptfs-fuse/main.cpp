// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-fuse LOWER MOUNTPOINT: a read-only FUSE mount of an eCryptfs
 * lower directory, no kernel module needed.  Files are decrypted by
 * libecryptfs (lower_file.h) with the keys of the same sources as
 * mount.ecryptfs; names are decoded as the kernel does (undecodable
 * encrypted names are hidden, plain names shown as they are).
 */
#define FUSE_USE_VERSION 31

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <fuse.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "libecryptfs/cli.h"
#include "libecryptfs/fd.h"
#include "libecryptfs/lower_file.h"
#include "libecryptfs/offline.h"

using namespace ecryptfs;

namespace {

struct DirNames {
	struct timespec mtime {};
	std::map<std::string, std::string> lower_of; /* plain -> lower */
};

struct SizeCache {
	struct timespec mtime {}, ctime {};
	off_t lower_size = 0;
	off_t plain_size = 0;
};

struct Handle {
	std::mutex mu;
	std::optional<LowerFile> file;
};

struct Fs {
	std::string lower;
	int lowerfd = -1;
	bool verbose = false;
	std::mutex mu; /* keys, names, the caches, the handle table */
	std::optional<OfflineKeys> keys;
	std::optional<NameDecoder> names;
	std::map<std::string, DirNames> dirs;
	std::map<std::string, SizeCache> sizes;
	std::map<std::uint64_t, std::unique_ptr<Handle>> handles;
	std::uint64_t next_handle = 1;

	void note(const std::string &what, const std::string &why)
	{
		if (verbose)
			std::fprintf(stderr, "ecryptfs-fuse: %s: %s\n", what.c_str(), why.c_str());
	}
};

Fs g_fs;

bool same_time(const struct timespec &a, const struct timespec &b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* Lower path of a directory ("." for the root) to the directory's names. Caller holds mu. */
DirNames *dir_names(const std::string &ldir)
{
	struct stat st;
	if (fstatat(g_fs.lowerfd, ldir.c_str(), &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode))
		return nullptr;
	auto it = g_fs.dirs.find(ldir);
	if (it != g_fs.dirs.end() && same_time(it->second.mtime, st.st_mtim))
		return &it->second;
	int fd = openat(g_fs.lowerfd, ldir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return nullptr;
	DIR *d = fdopendir(fd);
	if (!d) {
		::close(fd);
		return nullptr;
	}
	DirNames dn;
	dn.mtime = st.st_mtim;
	while (dirent *de = readdir(d)) {
		if (!std::strcmp(de->d_name, ".") || !std::strcmp(de->d_name, ".."))
			continue;
		auto plain = g_fs.names->decode(de->d_name);
		if (!plain) {
			g_fs.note(ldir + "/" + de->d_name, "hidden: " + plain.error().reason);
			continue;
		}
		dn.lower_of.emplace(plain.value(), de->d_name);
	}
	closedir(d);
	if (g_fs.dirs.size() > 4096)
		g_fs.dirs.clear();
	return &(g_fs.dirs[ldir] = std::move(dn));
}

/* The lower path (relative to LOWER) of an upper path; -ENOENT when a component is missing. */
int resolve(const char *path, std::string &out)
{
	std::string cur = ".";
	std::string p(path);
	std::size_t i = 0;
	std::lock_guard<std::mutex> lk(g_fs.mu);
	while (i < p.size()) {
		while (i < p.size() && p[i] == '/')
			i++;
		if (i >= p.size())
			break;
		std::size_t j = p.find('/', i);
		std::string comp = p.substr(i, j == std::string::npos ? std::string::npos : j - i);
		i = j == std::string::npos ? p.size() : j;
		DirNames *dn = dir_names(cur);
		if (!dn)
			return -ENOENT;
		auto it = dn->lower_of.find(comp);
		if (it == dn->lower_of.end())
			return -ENOENT;
		cur = cur == "." ? it->second : cur + "/" + it->second;
	}
	out = cur;
	return 0;
}

/* The plaintext size of a regular lower file (the lower size when it has no valid header, as the kernel). */
off_t plain_size(const std::string &lpath, const struct stat &st)
{
	{
		std::lock_guard<std::mutex> lk(g_fs.mu);
		auto it = g_fs.sizes.find(lpath);
		if (it != g_fs.sizes.end() && same_time(it->second.mtime, st.st_mtim) &&
		    same_time(it->second.ctime, st.st_ctim) && it->second.lower_size == st.st_size)
			return it->second.plain_size;
	}
	off_t size = st.st_size;
	if (st.st_size > 0) {
		auto lf = LowerFile::open_at(g_fs.lowerfd, lpath);
		if (lf)
			size = static_cast<off_t>(std::min<std::uint64_t>(lf.value().size(), INT64_MAX));
	}
	std::lock_guard<std::mutex> lk(g_fs.mu);
	if (g_fs.sizes.size() > 65536)
		g_fs.sizes.clear();
	g_fs.sizes[lpath] = {st.st_mtim, st.st_ctim, st.st_size, size};
	return size;
}

int fs_getattr(const char *path, struct stat *st, struct fuse_file_info *)
{
	std::string lp;
	if (int rc = resolve(path, lp))
		return rc;
	if (fstatat(g_fs.lowerfd, lp.c_str(), st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (S_ISREG(st->st_mode)) {
		st->st_size = plain_size(lp, *st);
		st->st_blocks = (st->st_size + 511) / 512;
	} else if (S_ISLNK(st->st_mode)) {
		auto link = offline::read_link(g_fs.lowerfd, lp);
		if (link) {
			std::lock_guard<std::mutex> lk(g_fs.mu);
			auto t = g_fs.names->decode(link.value(), true);
			if (t)
				st->st_size = static_cast<off_t>(t.value().size());
		}
	}
	return 0;
}

int fs_readlink(const char *path, char *buf, size_t size)
{
	std::string lp;
	if (int rc = resolve(path, lp))
		return rc;
	auto link = offline::read_link(g_fs.lowerfd, lp);
	if (!link)
		return link.error().code;
	std::lock_guard<std::mutex> lk(g_fs.mu);
	auto t = g_fs.names->decode(link.value(), true);
	if (!t) {
		g_fs.note(lp, "link target: " + t.error().reason);
		return -EIO;
	}
	if (size == 0)
		return -EINVAL;
	std::size_t len = std::min(size - 1, t.value().size());
	std::memcpy(buf, t.value().data(), len);
	buf[len] = '\0';
	return 0;
}

int fs_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t, struct fuse_file_info *,
	       enum fuse_readdir_flags)
{
	std::string lp;
	if (int rc = resolve(path, lp))
		return rc;
	std::vector<std::pair<std::string, std::string>> entries;
	{
		std::lock_guard<std::mutex> lk(g_fs.mu);
		DirNames *dn = dir_names(lp);
		if (!dn)
			return -ENOTDIR;
		entries.assign(dn->lower_of.begin(), dn->lower_of.end());
	}
	filler(buf, ".", nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
	filler(buf, "..", nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
	for (const auto &[plain, lower] : entries)
		if (filler(buf, plain.c_str(), nullptr, 0, static_cast<fuse_fill_dir_flags>(0)))
			break;
	return 0;
}

int fs_open(const char *path, struct fuse_file_info *fi)
{
	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	std::string lp;
	if (int rc = resolve(path, lp))
		return rc;
	auto h = std::make_unique<Handle>();
	struct stat st;
	if (fstatat(g_fs.lowerfd, lp.c_str(), &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (st.st_size > 0) {
		auto lf = LowerFile::open_at(g_fs.lowerfd, lp);
		if (!lf) {
			g_fs.note(lp, lf.error().reason);
			return lf.error().code == -EACCES || lf.error().code == -EPERM ? lf.error().code : -EIO;
		}
		std::lock_guard<std::mutex> lk(g_fs.mu);
		auto u = lf.value().unlock(*g_fs.keys);
		if (!u) {
			g_fs.note(lp, u.error().reason);
			return -EIO;
		}
		h->file.emplace(std::move(lf.value()));
	}
	std::lock_guard<std::mutex> lk(g_fs.mu);
	fi->fh = g_fs.next_handle++;
	fi->keep_cache = 1;
	g_fs.handles.emplace(fi->fh, std::move(h));
	return 0;
}

int fs_read(const char *, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	Handle *h;
	{
		std::lock_guard<std::mutex> lk(g_fs.mu);
		auto it = g_fs.handles.find(fi->fh);
		if (it == g_fs.handles.end())
			return -EBADF;
		h = it->second.get();
	}
	if (!h->file || off < 0)
		return 0;
	std::lock_guard<std::mutex> lk(h->mu);
	auto r = h->file->read(static_cast<std::uint64_t>(off),
			       {reinterpret_cast<std::uint8_t *>(buf), size});
	if (!r) {
		g_fs.note("read", r.error().reason);
		return -EIO;
	}
	return static_cast<int>(r.value());
}

int fs_release(const char *, struct fuse_file_info *fi)
{
	std::unique_ptr<Handle> h;
	std::lock_guard<std::mutex> lk(g_fs.mu);
	auto it = g_fs.handles.find(fi->fh);
	if (it != g_fs.handles.end()) {
		h = std::move(it->second);
		g_fs.handles.erase(it);
	}
	return 0;
}

int fs_statfs(const char *, struct statvfs *sv)
{
	if (fstatvfs(g_fs.lowerfd, sv))
		return -errno;
	return 0;
}

void *fs_init(struct fuse_conn_info *, struct fuse_config *cfg)
{
	cfg->use_ino = 1;
	cfg->kernel_cache = 1;
	return nullptr;
}

const cli::Option kOwnOptions[] = {
	{'f', "foreground", 'f', nullptr, "stay in the foreground (default: background once mounted)"},
	{'v', "verbose", 'v', nullptr, "say on stderr why a file or name cannot be read"},
	{'o', nullptr, 'o', "OPT[,OPT...]", "FUSE mount options (allow_other, ...)"},
	{'d', "debug", 'd', nullptr, "FUSE debug output (implies -f)"},
};

constexpr const char *kDescription =
	"Mount the eCryptfs lower directory LOWER read-only at MOUNTPOINT through\n"
	"FUSE, without the eCryptfs kernel module (an ordinary user can do it;\n"
	"unmount with fusermount3 -u MOUNTPOINT).  Files are decrypted with the\n"
	"keys given; a file whose key is missing or whose header is damaged gives\n"
	"EIO on open (as the kernel), encrypted names that cannot be decoded are\n"
	"hidden (as the kernel).\n\n"
	"Example: ecryptfs-fuse -w ~/.ecryptfs/wrapped-passphrase ~/.Private ~/Private\n";

std::string escape_commas(const std::string &s)
{
	std::string o;
	for (char c : s) {
		if (c == ',' || c == '\\')
			o += '\\';
		o += c;
	}
	return o;
}

} // namespace

int main(int argc, char **argv)
{
	const auto cargs = offline::parse("ecryptfs-fuse", "Usage: ecryptfs-fuse [OPTIONS] LOWER MOUNTPOINT\n",
				       kDescription, kOwnOptions, 2, argc, argv);
	const bool foreground = cargs.has('f');
	const bool debug = cargs.has('d');
	g_fs.verbose = cargs.has('v');
	std::string fuse_opts;
	for (const char *o : cargs.values('o'))
		fuse_opts += std::string(",") + o;
	const offline::KeyOptions ko = offline::key_options(cargs);
	char *lower_arg = cargs.operands[0], *mountpoint = cargs.operands[1];
	char real[PATH_MAX];
	if (!realpath(lower_arg, real)) {
		std::fprintf(stderr, "ecryptfs-fuse: %s: %s\n", lower_arg, std::strerror(errno));
		return 1;
	}
	g_fs.lower = real;
	g_fs.lowerfd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (g_fs.lowerfd < 0) {
		std::fprintf(stderr, "ecryptfs-fuse: %s: %s\n", real, std::strerror(errno));
		return 1;
	}
	auto keys = offline::required_keys(ko);
	if (!keys) {
		std::fprintf(stderr, "ecryptfs-fuse: %s\n", keys.error().reason.c_str());
		return keys.error().code == -ENOKEY ? 2 : 1;
	}
	g_fs.keys.emplace(std::move(keys.value()));
	g_fs.names.emplace(*g_fs.keys);

	static const fuse_operations ops = [] {
		fuse_operations o{};
		o.getattr = fs_getattr;
		o.readlink = fs_readlink;
		o.open = fs_open;
		o.read = fs_read;
		o.release = fs_release;
		o.statfs = fs_statfs;
		o.readdir = fs_readdir;
		o.init = fs_init;
		return o;
	}();
	std::vector<std::string> args = {argv[0], "-o",
					  "ro,default_permissions,fsname=" + escape_commas(g_fs.lower) +
						  ",subtype=ecryptfs" + fuse_opts};
	if (foreground)
		args.emplace_back("-f");
	if (debug)
		args.emplace_back("-d");
	args.emplace_back(mountpoint);
	std::vector<char *> av;
	for (auto &a : args)
		av.push_back(a.data());
	av.push_back(nullptr);
	return fuse_main(static_cast<int>(av.size() - 1), av.data(), &ops, nullptr);
}
