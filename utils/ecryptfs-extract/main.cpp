// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-extract LOWER DEST: copy an eCryptfs lower tree (or one lower
 * file) out as plaintext, names decrypted, modes and times kept, without
 * the kernel module.  Never writes inside LOWER.  Exit 0 when everything
 * was copied, 1 when some file could not be (each listed with the reason),
 * 2 for a usage or setup error.
 */
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libecryptfs/cli.h"
#include "libecryptfs/fd.h"
#include "libecryptfs/lower_file.h"
#include "libecryptfs/offline.h"

using namespace ecryptfs;

namespace {

const cli::Option kOwnOptions[] = {
	{'q', "quiet", 'q', nullptr, "no progress bar"},
};

constexpr const char *kDescription =
	"Decrypt the eCryptfs lower directory LOWER (or the one lower file LOWER)\n"
	"into DEST without mounting: names decrypted, modes and times kept (owners\n"
	"too when run as root), symlinks and fifos recreated.  DEST must not exist\n"
	"or be an empty directory, and must not lie inside LOWER; nothing is ever\n"
	"written inside LOWER.  A file that cannot be decrypted completely is listed\n"
	"with the reason; what could be decrypted of it is kept (missing or zeroed\n"
	"extents as zeros).  A progress bar is shown on a terminal.\n\n"
	"Example (an Ubuntu-style encrypted home; the login password is asked):\n"
	"  ecryptfs-extract -w ~/.ecryptfs/wrapped-passphrase ~/.Private /tmp/rescued\n\n"
	"Exit status: 0 everything copied, 1 some files failed, 2 usage or setup error.\n";

struct Failure {
	std::string who;
	std::string why;
};

struct Progress {
	bool on = false;
	unsigned long long total_bytes = 0, total_files = 0, bytes = 0, files = 0;
	int last = -1;

	void show(bool force = false)
	{
		if (!on)
			return;
		int pct = total_bytes ? static_cast<int>(bytes * 100 / total_bytes) : 100;
		if (pct == last && !force)
			return;
		last = pct;
		int bar = pct * 30 / 100;
		std::fprintf(stderr, "\r[%.*s%*s] %3d%%  %llu/%llu files  %.1f/%.1f MiB", bar,
			     "##############################", 30 - bar, "", pct, files, total_files,
			     bytes / 1048576.0, total_bytes / 1048576.0);
	}
	void done()
	{
		if (on) {
			show(true);
			std::fputc('\n', stderr);
		}
	}
};

struct Extract {
	OfflineKeys *keys = nullptr;
	NameDecoder *names = nullptr;
	std::string dest;
	Progress progress;
	bool root = geteuid() == 0;
	unsigned long long files = 0, dirs = 0, links = 0, fifos = 0, bytes = 0;
	std::vector<Failure> failed;
	/* Directory times are set after their contents. */
	std::vector<std::pair<std::string, struct stat>> dir_times;

	void fail(const std::string &who, const std::string &why) { failed.push_back({who, why}); }

	/* Why @out could not be created: EEXIST means a second lower name
	 * decoding to the same name (DEST started new or empty). */
	static std::string create_error(const offline::Entry &e, const std::string &out)
	{
		if (errno == EEXIST)
			return "another lower name decodes to " + e.plain_path +
			       " too: skipped (with everything below it)";
		return "cannot create " + out + ": " + std::strerror(errno);
	}

	std::string out_path(const offline::Entry &e) const
	{
		return e.plain_path.empty() ? dest : dest + "/" + e.plain_path;
	}

	void set_meta(int fd, const std::string &path, const struct stat &st, bool link)
	{
		if (root && fchownat(AT_FDCWD, path.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW))
			fail(path, std::string("cannot set the owner: ") + std::strerror(errno));
		if (!link && (fd >= 0 ? fchmod(fd, st.st_mode & 07777) : chmod(path.c_str(), st.st_mode & 07777)))
			fail(path, std::string("cannot set the mode: ") + std::strerror(errno));
		struct timespec ts[2] = {st.st_atim, st.st_mtim};
		if (fd >= 0 ? futimens(fd, ts) : utimensat(AT_FDCWD, path.c_str(), ts, AT_SYMLINK_NOFOLLOW))
			fail(path, std::string("cannot set the times: ") + std::strerror(errno));
	}

	bool write_all(int fd, const std::uint8_t *p, std::size_t n, const std::string &out)
	{
		while (n) {
			ssize_t w = ::write(fd, p, n);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				fail(out, std::string("writing the copy failed: ") + std::strerror(errno));
				return false;
			}
			p += w;
			n -= static_cast<std::size_t>(w);
		}
		return true;
	}

	void file(const offline::Entry &e, const std::string &who)
	{
		const std::string out = out_path(e);
		LowerFile *f = nullptr;
		std::optional<LowerFile> lf;
		auto o = LowerFile::open_at(e.dirfd, e.name);
		/* An empty lower file without an xattr header: empty (the module converts it). */
		if (!(!o && o.error().code == -ENODATA && e.st.st_size == 0)) {
			if (!o) {
				fail(who, o.error().code == -ENODATA ? "not an eCryptfs file: " + o.error().reason
								      : "damaged header: " + o.error().reason);
				progress.bytes += static_cast<unsigned long long>(e.st.st_size);
				return;
			}
			lf.emplace(std::move(o.value()));
			f = &*lf;
			auto u = f->unlock(*keys);
			if (!u) {
				fail(who, "cannot decrypt: " + u.error().reason);
				progress.bytes += static_cast<unsigned long long>(e.st.st_size);
				return;
			}
		}
		Fd fd(::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
		if (!fd) {
			fail(who, create_error(e, out));
			return;
		}
		files++;
		if (f) {
			std::uint64_t size = f->size();
			std::uint64_t avail = f->extents_present() * kExtentSize;
			std::uint64_t len = std::min(size, avail);
			std::string first_error;
			unsigned long bad_extents = 0;
			std::vector<std::uint8_t> buf(kExtentSize);
			for (std::uint64_t n = 0; n * kExtentSize < len; n++) {
				auto r = f->read_extent(n, buf.data());
				if (!r) {
					if (bad_extents++ == 0)
						first_error = r.error().reason;
				}
				std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(kExtentSize, len - n * kExtentSize));
				if (!write_all(fd.get(), buf.data(), take, out))
					return;
				bytes += take;
				progress.bytes += kExtentSize;
				progress.show();
			}
			if (bad_extents)
				fail(who, first_error + (bad_extents > 1 ? " (and " + std::to_string(bad_extents - 1) +
										  " more bad extents)"
									 : std::string()) +
						  "; the copy has zeros there");
			if (size > avail)
				fail(who, "the size field says " + std::to_string(size) +
						  " bytes, the lower file holds data for " + std::to_string(avail) +
						  "; the copy has " + std::to_string(avail) + " bytes");
			auto pad = f->padding_is_zero();
			if (pad && !*pad)
				fail(who, "the last extent's padding does not decrypt to zeros: a wrong or "
					  "damaged file key, the copy is probably garbage");
		}
		if (fsync(fd.get()))
			fail(out, std::string("fsync failed: ") + std::strerror(errno));
		set_meta(fd.get(), out, e.st, false);
		progress.files++;
		progress.show();
	}

	bool visit(const offline::Entry &e)
	{
		std::string who = offline::display(e);
		if (e.name_error)
			fail(e.lower_path, "name kept encrypted: " + e.name_error->reason);
		const std::string out = out_path(e);
		if (S_ISDIR(e.st.st_mode)) {
			/* DEST is new or empty: an existing name is a second lower
			 * name decoding to the same name, never something to enter. */
			if (!e.plain_path.empty() && mkdir(out.c_str(), 0700)) {
				fail(who, create_error(e, out));
				return false;
			}
			dirs++;
			dir_times.emplace_back(out, e.st);
			return true;
		}
		if (S_ISLNK(e.st.st_mode)) {
			auto link = offline::read_link(e.dirfd, e.name);
			if (!link) {
				fail(who, link.error().reason);
				return false;
			}
			const std::string &target = link.value();
			auto t = names->decode(target, true);
			if (!t)
				fail(who, "link target kept encrypted: " + t.error().reason);
			if (symlink((t ? t.value() : target).c_str(), out.c_str())) {
				fail(who, create_error(e, out));
				return false;
			}
			set_meta(-1, out, e.st, true);
			links++;
			return false;
		}
		if (S_ISREG(e.st.st_mode)) {
			file(e, who);
			return false;
		}
		if (S_ISFIFO(e.st.st_mode)) {
			if (mkfifo(out.c_str(), 0600))
				fail(who, create_error(e, out));
			else {
				set_meta(-1, out, e.st, false);
				fifos++;
			}
			return false;
		}
		fail(who, "skipped: a device or socket (not copied)");
		return false;
	}
};

bool inside(const std::string &dir, const std::string &path)
{
	return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
			       (dir == "/" || path[dir.size()] == '/'));
}

std::string real(const std::string &p)
{
	char buf[PATH_MAX];
	return realpath(p.c_str(), buf) ? std::string(buf) : std::string();
}

} // namespace

int main(int argc, char **argv)
{
	const auto args = offline::parse("ecryptfs-extract", "Usage: ecryptfs-extract [OPTIONS] LOWER DEST\n",
				       kDescription, kOwnOptions, 2, argc, argv);
	const bool quiet = args.has('q');
	const offline::KeyOptions ko = offline::key_options(args);
	const std::string lower = args.operands[0], dest = args.operands[1];
	const std::string rlower = real(lower);
	if (rlower.empty()) {
		std::fprintf(stderr, "ecryptfs-extract: %s: %s\n", lower.c_str(), std::strerror(errno));
		return 2;
	}
	struct stat lst;
	if (stat(rlower.c_str(), &lst)) {
		std::fprintf(stderr, "ecryptfs-extract: %s: %s\n", lower.c_str(), std::strerror(errno));
		return 2;
	}
	/* DEST: created here (a directory for a tree, a file for one file). */
	struct stat dst;
	bool dest_exists = stat(dest.c_str(), &dst) == 0;
	std::string parent = dest.substr(0, dest.find_last_of('/') == std::string::npos ? 0 : dest.find_last_of('/'));
	std::string rdest = dest_exists ? real(dest) : real(parent.empty() ? "." : parent);
	if (rdest.empty() || inside(S_ISDIR(lst.st_mode) ? rlower : rlower.substr(0, rlower.find_last_of('/')), rdest)) {
		std::fprintf(stderr, "ecryptfs-extract: %s lies inside the lower %s; refusing to write there\n",
			     dest.c_str(), S_ISDIR(lst.st_mode) ? "directory" : "file's directory");
		return 2;
	}
	if (S_ISDIR(lst.st_mode)) {
		if (dest_exists) {
			bool empty_dir = false;
			if (S_ISDIR(dst.st_mode)) {
				std::unique_ptr<DIR, int (*)(DIR *)> d(opendir(dest.c_str()), closedir);
				empty_dir = d != nullptr;
				while (d && empty_dir) {
					dirent *de = readdir(d.get());
					if (!de)
						break;
					empty_dir = !std::strcmp(de->d_name, ".") || !std::strcmp(de->d_name, "..");
				}
			}
			if (!empty_dir) {
				std::fprintf(stderr, "ecryptfs-extract: %s exists and is not an empty directory\n",
					     dest.c_str());
				return 2;
			}
		} else if (mkdir(dest.c_str(), 0700)) {
			std::fprintf(stderr, "ecryptfs-extract: cannot create %s: %s\n", dest.c_str(),
				     std::strerror(errno));
			return 2;
		}
	} else if (dest_exists) {
		std::fprintf(stderr, "ecryptfs-extract: %s exists; give a new file name\n", dest.c_str());
		return 2;
	}
	auto keys = offline::required_keys(ko);
	if (!keys) {
		std::fprintf(stderr, "ecryptfs-extract: %s\n", keys.error().reason.c_str());
		return 2;
	}
	NameDecoder names(keys.value());
	Extract ex;
	ex.keys = &keys.value();
	ex.names = &names;
	ex.dest = dest;
	ex.progress.on = !quiet && isatty(2);
	if (ex.progress.on) {
		(void)offline::walk(
			lower, names,
			[&](const offline::Entry &e) {
				if (S_ISREG(e.st.st_mode)) {
					ex.progress.total_files++;
					ex.progress.total_bytes += static_cast<unsigned long long>(e.st.st_size);
				}
				return S_ISDIR(e.st.st_mode);
			},
			[](const std::string &, const Error &) {});
	}
	Status w = Ok{};
	if (S_ISDIR(lst.st_mode)) {
		w = offline::walk(
			lower, names, [&](const offline::Entry &e) { return ex.visit(e); },
			[&](const std::string &p, const Error &err) {
				ex.fail(p.empty() ? lower : p, "cannot read: " + err.reason);
			});
	} else {
		/* One file: DEST is the output file itself. */
		w = offline::walk(
			lower, names,
			[&](const offline::Entry &e) {
				offline::Entry copy = e;
				copy.plain_path.clear();
				ex.dest = dest;
				return ex.visit(copy);
			},
			[&](const std::string &p, const Error &err) { ex.fail(p, "cannot read: " + err.reason); });
	}
	ex.progress.done();
	if (!w) {
		std::fprintf(stderr, "ecryptfs-extract: %s\n", w.error().reason.c_str());
		return 2;
	}
	for (auto it = ex.dir_times.rbegin(); it != ex.dir_times.rend(); ++it)
		ex.set_meta(-1, it->first, it->second, false);
	std::printf("ecryptfs-extract: %llu files (%llu bytes), %llu directories, %llu symlinks, %llu fifos "
		    "written to %s\n",
		    ex.files, ex.bytes, ex.dirs, ex.links, ex.fifos, dest.c_str());
	if (ex.failed.empty())
		return 0;
	std::printf("ecryptfs-extract: %zu problems:\n", ex.failed.size());
	for (const auto &f : ex.failed)
		std::printf("  %s: %s\n", f.who.c_str(), f.why.c_str());
	return 1;
}
