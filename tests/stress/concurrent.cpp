// SPDX-License-Identifier: GPL-2.0-only
//
// concurrent: several processes work at once in one directory tree
// (create, write, append, truncate, rename, link, unlink, mkdir, rmdir,
// fsync, read-back checks), each keeping an in-memory model of what it
// owns; each then writes a manifest of its files into the tree.  A full
// verification walks the tree and checks it against the union of the
// manifests: the set of names, every file's size and content digest, and
// that hard-linked names share one inode with the right link count.
//
//   concurrent [--procs N] [--ops N] [--seed N] [--max-size N] [--damage] DIR
//       run the workers in DIR (created if needed), then verify
//   concurrent --verify DIR
//       only verify (e.g. after a remount)
//
// --damage changes one byte of one file after the manifests are written:
// the verification must then fail (proves the verifier can fail).
// Exit status: 0 pass, 1 verification failed, 2 usage or setup error,
// 3 an operation failed unexpectedly.

#include "stress-common.hpp"

#include <algorithm>
#include <cinttypes>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <vector>

using stress::Fd;
using stress::Rng;

namespace {

constexpr int kSharedDirs = 4;
const char *const kManifestPrefix = "manifest.";

struct Options {
	unsigned procs = 4;
	uint64_t ops = 2000;
	uint64_t seed = 1;
	uint64_t max_size = 64 * 1024;
	bool damage = false;
	bool verify_only = false;
	std::string dir;
};

[[noreturn]] void usage_error(const std::string &msg)
{
	std::fprintf(stderr, "concurrent: %s\nusage: concurrent [--procs N] [--ops N] [--seed N] "
			     "[--max-size N] [--damage] DIR | concurrent --verify DIR\n",
		     msg.c_str());
	std::exit(2);
}

[[noreturn]] void op_fail(const std::string &what, int err)
{
	std::fprintf(stderr, "concurrent: FAIL: %s: %s\n", what.c_str(), std::strerror(err));
	std::exit(3);
}

// PREFIX followed by N in decimal.  Appended rather than written as
// "p" + std::to_string(n): GCC 12 warns falsely (-Wrestrict) on that form
// at -O3 and with _FORTIFY_SOURCE.
std::string numbered(const char *prefix, uint64_t n)
{
	std::string s(prefix);
	s += std::to_string(n);
	return s;
}

uint64_t digest(const std::vector<uint8_t> &b)
{
	stress::Fnv64 f;
	f.add(std::span<const uint8_t>(b.data(), b.size()));
	return f.value();
}

// One worker's view: inodes (content) and the names that point at them.
class Worker {
public:
	Worker(const Options &o, unsigned id) : opt_(o), id_(id), rng_(stress::mix64(o.seed * 1000 + id)) {}
	void run();

private:
	struct Inode {
		std::vector<uint8_t> data;
		std::set<std::string> names;
	};
	std::string path(const std::string &rel) const { return opt_.dir + "/" + rel; }
	std::string new_name();
	std::string any_dir();
	std::shared_ptr<Inode> pick(std::string *name);
	void write_at(const std::string &name, Inode &ino, uint64_t off, uint64_t len, bool append);
	void check(const std::string &name, const Inode &ino);
	void drop_name(const std::string &name);
	void write_manifest();

	const Options &opt_;
	unsigned id_;
	Rng rng_;
	uint64_t counter_ = 0;
	std::map<std::string, std::shared_ptr<Inode>> names_;
	std::set<std::string> dirs_; // own directories (may be empty)
};

std::string Worker::new_name()
{
	return numbered("p", id_) + "-" + std::to_string(counter_++);
}

std::string Worker::any_dir()
{
	// A shared directory or one of ours.
	uint64_t k = rng_.below(kSharedDirs + dirs_.size());
	if (k < kSharedDirs)
		return numbered("d", k);
	auto it = dirs_.begin();
	std::advance(it, static_cast<long>(k - kSharedDirs));
	return *it;
}

std::shared_ptr<Worker::Inode> Worker::pick(std::string *name)
{
	if (names_.empty())
		return nullptr;
	auto it = names_.begin();
	std::advance(it, static_cast<long>(rng_.below(names_.size())));
	*name = it->first;
	return it->second;
}

void Worker::write_at(const std::string &name, Inode &ino, uint64_t off, uint64_t len, bool append)
{
	Fd fd(::open(path(name).c_str(), O_WRONLY | (append ? O_APPEND : 0) | O_CLOEXEC));
	if (!fd.valid())
		op_fail("open " + name, errno);
	if (append)
		off = ino.data.size();
	std::vector<uint8_t> buf(len);
	stress::fill_pattern(buf, stress::mix64(opt_.seed ^ (uint64_t{id_} << 40) ^ counter_++), off);
	int64_t r = append ? stress::write_full(fd.get(), buf.data(), len)
			   : stress::pwrite_full(fd.get(), buf.data(), len, off);
	if (r < 0)
		op_fail("write " + name, static_cast<int>(-r));
	if (ino.data.size() < off + len)
		ino.data.resize(off + len, 0);
	std::copy(buf.begin(), buf.end(), ino.data.begin() + static_cast<long>(off));
	if (int e = fd.close_checked())
		op_fail("close " + name, e);
}

void Worker::check(const std::string &name, const Inode &ino)
{
	Fd fd(::open(path(name).c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd.valid())
		op_fail("open for reading " + name, errno);
	std::vector<uint8_t> got(ino.data.size() + 1);
	int64_t r = stress::pread_full(fd.get(), got.data(), got.size(), 0);
	if (r < 0)
		op_fail("read " + name, static_cast<int>(-r));
	got.resize(static_cast<size_t>(r));
	if (got != ino.data) {
		size_t i = 0;
		while (i < got.size() && i < ino.data.size() && got[i] == ino.data[i])
			i++;
		std::fprintf(stderr, "concurrent: FAIL: worker %u: %s reads %zu bytes, model %zu; first difference at %zu\n",
			     id_, name.c_str(), got.size(), ino.data.size(), i);
		std::exit(1);
	}
}

void Worker::drop_name(const std::string &name)
{
	auto it = names_.find(name);
	if (it == names_.end())
		return;
	it->second->names.erase(name);
	names_.erase(it);
}

void Worker::run()
{
	for (uint64_t n = 0; n < opt_.ops; n++) {
		uint64_t op = rng_.below(100);
		std::string name;
		auto ino = pick(&name);
		if (op < 15 || !ino) { // create
			std::string nn = any_dir() + "/" + new_name();
			Fd fd(::open(path(nn).c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644));
			if (!fd.valid())
				op_fail("create " + nn, errno);
			fd.reset();
			auto in = std::make_shared<Inode>();
			in->names.insert(nn);
			names_[nn] = in;
			uint64_t len = rng_.below(opt_.max_size / 2 + 1);
			if (len)
				write_at(nn, *in, 0, len, false);
		} else if (op < 35) { // write somewhere (may extend past EOF)
			uint64_t off = rng_.below(std::min<uint64_t>(ino->data.size() + 8192, opt_.max_size));
			uint64_t len = rng_.range(1, std::min<uint64_t>(16384, opt_.max_size - off));
			write_at(name, *ino, off, len, false);
		} else if (op < 42) { // append
			if (ino->data.size() < opt_.max_size)
				write_at(name, *ino, 0, rng_.range(1, std::min<uint64_t>(9000, opt_.max_size - ino->data.size())),
					 true);
		} else if (op < 50) { // truncate
			uint64_t ns = rng_.below(opt_.max_size);
			if (::truncate(path(name).c_str(), static_cast<off_t>(ns)) != 0)
				op_fail("truncate " + name, errno);
			ino->data.resize(ns, 0);
		} else if (op < 60) { // rename, sometimes over one of our names
			std::string to;
			if (rng_.percent(20) && names_.size() > 1) {
				auto victim = pick(&to);
				if (victim == ino)
					continue;
			} else {
				to = any_dir() + "/" + new_name();
			}
			if (::rename(path(name).c_str(), path(to).c_str()) != 0)
				op_fail("rename " + name + " -> " + to, errno);
			drop_name(to);
			drop_name(name);
			ino->names.insert(to);
			names_[to] = ino;
		} else if (op < 67) { // hard link
			std::string to = any_dir() + "/" + new_name();
			if (::link(path(name).c_str(), path(to).c_str()) != 0)
				op_fail("link " + name + " -> " + to, errno);
			ino->names.insert(to);
			names_[to] = ino;
		} else if (op < 77) { // unlink
			if (::unlink(path(name).c_str()) != 0)
				op_fail("unlink " + name, errno);
			drop_name(name);
		} else if (op < 81) { // mkdir
			std::string d = numbered("d", rng_.below(kSharedDirs)) + "/" + new_name() + "dir";
			if (::mkdir(path(d).c_str(), 0755) != 0)
				op_fail("mkdir " + d, errno);
			dirs_.insert(d);
		} else if (op < 84) { // rmdir of an empty own directory
			for (const auto &d : dirs_) {
				bool used = std::any_of(names_.begin(), names_.end(),
							[&](const auto &kv) { return kv.first.rfind(d + "/", 0) == 0; });
				if (used)
					continue;
				if (::rmdir(path(d).c_str()) != 0)
					op_fail("rmdir " + d, errno);
				dirs_.erase(d);
				break;
			}
		} else if (op < 87) { // fsync
			Fd fd(::open(path(name).c_str(), O_RDONLY | O_CLOEXEC));
			if (!fd.valid() || ::fsync(fd.get()) != 0)
				op_fail("fsync " + name, errno);
		} else { // read back
			check(name, *ino);
		}
	}
	for (const auto &[n, in] : names_)
		check(n, *in);
	write_manifest();
}

void Worker::write_manifest()
{
	std::ostringstream m;
	for (const auto &d : dirs_)
		m << "D " << d << "\n";
	std::map<const Inode *, unsigned> group;
	for (const auto &[n, in] : names_) {
		unsigned g = group.emplace(in.get(), static_cast<unsigned>(group.size())).first->second;
		char line[128];
		std::snprintf(line, sizeof(line), " %zu %016" PRIx64 " %u.%u %zu\n", in->data.size(), digest(in->data),
			      id_, g, in->names.size());
		m << "F " << n << line;
	}
	std::string tmp = path(std::string(kManifestPrefix) + std::to_string(id_) + ".tmp");
	std::string fin = path(std::string(kManifestPrefix) + std::to_string(id_));
	std::string s = m.str();
	Fd fd(::open(tmp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644));
	if (!fd.valid())
		op_fail("create " + tmp, errno);
	int64_t r = stress::write_full(fd.get(), reinterpret_cast<const uint8_t *>(s.data()), s.size());
	if (r < 0)
		op_fail("write " + tmp, static_cast<int>(-r));
	if (::fsync(fd.get()) != 0)
		op_fail("fsync " + tmp, errno);
	if (int e = fd.close_checked())
		op_fail("close " + tmp, e);
	if (::rename(tmp.c_str(), fin.c_str()) != 0)
		op_fail("rename " + tmp, errno);
}

// ------------------------------------------------------------ verification

struct Entry {
	explicit Entry(char t = 'F') : type(t) {}
	char type; // 'F', 'D' or 'M' (a manifest)
	uint64_t size = 0;
	uint64_t hash = 0;
	std::string group;
	uint64_t links = 0;
};

void walk(const std::string &root, const std::string &rel, std::map<std::string, char> &out)
{
	std::string p = rel.empty() ? root : root + "/" + rel;
	DIR *d = ::opendir(p.c_str());
	if (!d)
		op_fail("opendir " + p, errno);
	std::unique_ptr<DIR, int (*)(DIR *)> guard(d, ::closedir);
	while (struct dirent *e = ::readdir(d)) {
		std::string n = e->d_name;
		if (n == "." || n == "..")
			continue;
		std::string r = rel.empty() ? n : rel + "/" + n;
		struct stat st;
		if (::lstat((root + "/" + r).c_str(), &st) != 0)
			op_fail("lstat " + r, errno);
		if (S_ISDIR(st.st_mode)) {
			out[r] = 'D';
			walk(root, r, out);
		} else {
			out[r] = S_ISREG(st.st_mode) ? 'F' : '?';
		}
	}
}

int verify(const std::string &dir)
{
	std::map<std::string, char> found;
	walk(dir, "", found);
	std::map<std::string, Entry> want;
	for (int i = 0; i < kSharedDirs; i++)
		want[numbered("d", i)] = Entry('D');
	unsigned manifests = 0;
	for (const auto &[rel, t] : found) {
		if (rel.rfind(kManifestPrefix, 0) != 0)
			continue;
		want[rel] = Entry('M');
		manifests++;
		std::ifstream in(dir + "/" + rel);
		std::string line;
		while (std::getline(in, line)) {
			std::istringstream ls(line);
			Entry e;
			std::string name, hash;
			ls >> e.type >> name;
			if (e.type == 'F') {
				ls >> e.size >> hash >> e.group >> e.links;
				e.hash = std::strtoull(hash.c_str(), nullptr, 16);
			}
			if (!ls || name.empty() || (e.type != 'F' && e.type != 'D')) {
				std::fprintf(stderr, "concurrent: FAIL: %s: bad line '%s'\n", rel.c_str(), line.c_str());
				return 1;
			}
			want[name] = e;
		}
	}
	int bad = 0;
	auto report = [&](const std::string &msg) {
		if (bad++ < 20)
			std::fprintf(stderr, "concurrent: verify: FAIL: %s\n", msg.c_str());
	};
	if (manifests == 0)
		report("no manifest in " + dir);
	for (const auto &[rel, t] : found)
		if (!want.count(rel))
			report(rel + ": in the tree, in no manifest");
	std::map<std::string, ino_t> group_ino;
	uint64_t files = 0, bytes = 0;
	for (const auto &[rel, e] : want) {
		auto f = found.find(rel);
		if (f == found.end()) {
			report(rel + ": in a manifest, missing from the tree");
			continue;
		}
		char want_t = e.type == 'D' ? 'D' : 'F';
		if (f->second != want_t) {
			report(rel + ": wrong file type");
			continue;
		}
		if (e.type != 'F')
			continue;
		std::string p = dir + "/" + rel;
		struct stat st;
		if (::stat(p.c_str(), &st) != 0) {
			report(rel + ": stat: " + std::strerror(errno));
			continue;
		}
		if (static_cast<uint64_t>(st.st_size) != e.size)
			report(rel + ": size " + std::to_string(st.st_size) + ", manifest " + std::to_string(e.size));
		if (static_cast<uint64_t>(st.st_nlink) != e.links)
			report(rel + ": st_nlink " + std::to_string(st.st_nlink) + ", manifest " + std::to_string(e.links));
		auto g = group_ino.emplace(e.group, st.st_ino);
		if (g.first->second != st.st_ino)
			report(rel + ": not the same inode as the other names of group " + e.group);
		Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
		if (!fd.valid()) {
			report(rel + ": open: " + std::strerror(errno));
			continue;
		}
		std::vector<uint8_t> b(e.size + 1);
		int64_t r = stress::pread_full(fd.get(), b.data(), b.size(), 0);
		if (r < 0) {
			report(rel + ": read: " + std::strerror(static_cast<int>(-r)));
			continue;
		}
		b.resize(static_cast<size_t>(r));
		if (b.size() != e.size || digest(b) != e.hash)
			report(rel + ": content differs from the manifest (read " + std::to_string(b.size()) + " bytes)");
		files++;
		bytes += b.size();
	}
	if (bad) {
		std::fprintf(stderr, "concurrent: verify: FAIL: %d problems in %s\n", bad, dir.c_str());
		return 1;
	}
	std::printf("verify: PASS %u manifests, %zu names, %" PRIu64 " files checked, %" PRIu64 " bytes\n", manifests,
		    want.size(), files, bytes);
	return 0;
}

// Change one byte of the first non-empty file of the first manifest.
void damage(const std::string &dir)
{
	std::ifstream in(dir + "/" + kManifestPrefix + "0");
	std::string line;
	while (std::getline(in, line)) {
		std::istringstream ls(line);
		char t;
		std::string name;
		uint64_t size = 0;
		ls >> t >> name >> size;
		if (t != 'F' || size == 0)
			continue;
		std::string p = dir + "/" + name;
		Fd fd(::open(p.c_str(), O_RDWR | O_CLOEXEC));
		uint8_t b = 0;
		if (!fd.valid() || stress::pread_full(fd.get(), &b, 1, size / 2) != 1)
			op_fail("damage " + p, errno);
		b ^= 0x5a;
		if (stress::pwrite_full(fd.get(), &b, 1, size / 2) != 1)
			op_fail("damage " + p, errno);
		std::printf("damage: changed byte %" PRIu64 " of %s\n", size / 2, name.c_str());
		return;
	}
	std::fprintf(stderr, "concurrent: nothing to damage\n");
	std::exit(2);
}

Options parse(int argc, char **argv)
{
	Options o;
	auto num = [&](int &i) {
		if (i + 1 >= argc)
			usage_error(std::string(argv[i]) + " needs a value");
		auto v = stress::parse_u64(argv[++i]);
		if (!v)
			usage_error(std::string("bad number '") + argv[i] + "'");
		return *v;
	};
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		if (a == "--procs")
			o.procs = static_cast<unsigned>(num(i));
		else if (a == "--ops")
			o.ops = num(i);
		else if (a == "--seed")
			o.seed = num(i);
		else if (a == "--max-size")
			o.max_size = num(i);
		else if (a == "--damage")
			o.damage = true;
		else if (a == "--verify")
			o.verify_only = true;
		else if (a == "-h" || a == "--help") {
			std::printf("usage: concurrent [--procs N] [--ops N] [--seed N] [--max-size N] [--damage] DIR\n"
				    "       concurrent --verify DIR\n");
			std::exit(0);
		} else if (!a.empty() && a[0] == '-')
			usage_error("unknown option " + a);
		else if (o.dir.empty())
			o.dir = a;
		else
			usage_error("more than one directory");
	}
	if (o.dir.empty())
		usage_error("no directory");
	if (o.procs < 1 || o.procs > 64)
		usage_error("--procs must be 1..64");
	if (o.max_size < 2 || o.max_size > (64u << 20))
		usage_error("--max-size must be 2..64M");
	return o;
}

} // namespace

int main(int argc, char **argv)
{
	Options o = parse(argc, argv);
	if (o.verify_only)
		return verify(o.dir);
	::mkdir(o.dir.c_str(), 0755);
	for (int i = 0; i < kSharedDirs; i++) {
		std::string d = o.dir + "/d" + std::to_string(i);
		if (::mkdir(d.c_str(), 0755) != 0)
			op_fail("mkdir " + d + " (the directory must be new or empty)", errno);
	}
	std::vector<pid_t> pids;
	for (unsigned i = 0; i < o.procs; i++) {
		std::fflush(nullptr);
		pid_t p = ::fork();
		if (p < 0)
			op_fail("fork", errno);
		if (p == 0) {
			Worker(o, i).run();
			std::fflush(nullptr);
			::_exit(0);
		}
		pids.push_back(p);
	}
	int worst = 0;
	for (pid_t p : pids) {
		int st = 0;
		if (::waitpid(p, &st, 0) < 0)
			op_fail("waitpid", errno);
		int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 3;
		worst = std::max(worst, rc);
	}
	if (worst) {
		std::fprintf(stderr, "concurrent: FAIL: a worker failed (status %d)\n", worst);
		return worst;
	}
	std::printf("concurrent: %u workers x %" PRIu64 " ops done (seed %" PRIu64 ")\n", o.procs, o.ops, o.seed);
	if (o.damage)
		damage(o.dir);
	return verify(o.dir);
}
