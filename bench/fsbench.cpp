// SPDX-License-Identifier: GPL-2.0-only
//
// fsbench: the file-system workloads of scripts/bench, each one run inside
// this single process (under emulation a process per file would measure
// process start-up, not the file system), and the report that compares the
// configurations.
//
//   fsbench seqwrite FILE MIB        write MIB MiB in 1 MiB writes, fsync
//   fsbench seqread FILE             read FILE in 1 MiB reads
//   fsbench create DIR N BYTES       create N files of BYTES bytes, syncfs + sync
//   fsbench lsl DIR                  list DIR, then stat every entry (as ls -l)
//   fsbench stat DIR N               stat the N files of 'create' by name
//   fsbench readfiles DIR N          read the N files of 'create'
//   fsbench unlink DIR N             unlink the N files of 'create', syncfs + sync
//   fsbench readtree DIR             read every regular file below DIR
//   fsbench bigfiles DIR N MIB       write N files of MIB MiB (1 MiB writes), syncfs + sync
//   fsbench mmapread FILE N          touch N random 4 KiB pages of FILE through mmap
//   fsbench touch MIB                fault in MIB MiB of memory once, then free it
//   fsbench report RESULTS.tsv OUT.json OUT.dat
//
// Each workload prints one line "<seconds> <amount> <unit>" where amount/unit
// is the throughput (MiB/s, files/s or pages/s) computed from the elapsed time.  The
// page cache is dropped by the caller (scripts/bench's guest part) where a
// workload is meant to run cold.
//
// 'report' reads lines
// "config<TAB>workload<TAB>round<TAB>seconds<TAB>amount<TAB>unit" (configs
// plain, reference, ours; one line per round), optionally followed by
// "<TAB>read_bytes<TAB>written_bytes" (what the lower block device read and
// wrote during the workload), prints the table with the median throughput of
// each configuration and the ratios ours/reference and ours/plain (speed
// ratios: above 1 means ours is faster), then, when the lines carry them, a
// second table with the median lower bytes read and written and their ratios
// ours/reference (byte ratios: above 1 means ours moved more), and writes the
// same as JSON and as a gnuplot data file.  A ratio is the median over the
// rounds of the ratio within one round: the configurations of one round ran
// one after the other, under about the same load of the host.

#include <cerrno>
#include <cstdint>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <ftw.h>
#include <map>
#include <optional>
#include <algorithm>
#include <sstream>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr size_t kChunk = 1 << 20;

[[noreturn]] void die(const std::string &what)
{
	std::fprintf(stderr, "fsbench: %s: %s\n", what.c_str(), std::strerror(errno));
	std::exit(1);
}

[[noreturn]] void usage()
{
	std::fprintf(stderr,
		     "usage: fsbench seqwrite FILE MIB | seqread FILE | create DIR N BYTES |\n"
		     "       lsl DIR | stat DIR N | readfiles DIR N | unlink DIR N | readtree DIR |\n"
		     "       bigfiles DIR N MIB | mmapread FILE N | touch MIB |\n"
		     "       report RESULTS.tsv OUT.json OUT.dat\n");
	std::exit(2);
}

unsigned long number(const char *s)
{
	char *end = nullptr;
	errno = 0;
	unsigned long v = std::strtoul(s, &end, 10);
	if (errno || end == s || *end)
		usage();
	return v;
}

class Fd {
public:
	explicit Fd(int fd) : fd_(fd) {}
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	~Fd()
	{
		if (fd_ >= 0)
			::close(fd_);
	}
	int get() const { return fd_; }
	void close_checked(const std::string &what)
	{
		int fd = fd_;
		fd_ = -1;
		if (::close(fd))
			die("close " + what);
	}

private:
	int fd_;
};

class Timer {
public:
	double seconds() const
	{
		return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
	}

private:
	std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

void print_result(double secs, double amount, const char *unit)
{
	std::printf("%.6f %.3f %s\n", secs, secs > 0 ? amount / secs : 0.0, unit);
}

std::string file_name(const std::string &dir, unsigned long i)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "/f%06lu", i);
	return dir + buf;
}

void write_all(int fd, const char *p, size_t n, const std::string &what)
{
	while (n) {
		ssize_t w = ::write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("write " + what);
		}
		p += w;
		n -= static_cast<size_t>(w);
	}
}

// Read @fd to its end; returns the bytes read.
size_t read_all(int fd, std::vector<char> &buf, const std::string &what)
{
	size_t total = 0;
	for (;;) {
		ssize_t r = ::read(fd, buf.data(), buf.size());
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("read " + what);
		}
		if (r == 0)
			return total;
		total += static_cast<size_t>(r);
	}
}

std::vector<char> pattern(size_t n)
{
	std::vector<char> buf(n);
	unsigned x = 12345;
	for (auto &c : buf) {
		x = x * 1103515245u + 12345u;
		c = static_cast<char>(x >> 16);
	}
	return buf;
}

int seqwrite(const std::string &path, unsigned long mib)
{
	auto buf = pattern(kChunk);
	Timer t;
	Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
	if (fd.get() < 0)
		die("open " + path);
	for (unsigned long i = 0; i < mib; i++)
		write_all(fd.get(), buf.data(), buf.size(), path);
	if (::fsync(fd.get()))
		die("fsync " + path);
	fd.close_checked(path);
	print_result(t.seconds(), static_cast<double>(mib), "MiB/s");
	return 0;
}

int seqread(const std::string &path)
{
	std::vector<char> buf(kChunk);
	Timer t;
	Fd fd(::open(path.c_str(), O_RDONLY));
	if (fd.get() < 0)
		die("open " + path);
	size_t n = read_all(fd.get(), buf, path);
	print_result(t.seconds(), static_cast<double>(n) / kChunk, "MiB/s");
	return 0;
}

// syncfs(2) on DIR's file system, then sync(2): a stacked file system's
// syncfs may stop at the lower page cache (the reference module's does), so
// sync(2) brings every configuration's files to the disk before the clock
// stops.
void sync_to_disk(const std::string &dir)
{
	Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY));
	if (d.get() < 0 || ::syncfs(d.get()))
		die("syncfs " + dir);
	::sync();
}

int create(const std::string &dir, unsigned long n, unsigned long bytes)
{
	auto buf = pattern(bytes);
	Timer t;
	for (unsigned long i = 0; i < n; i++) {
		std::string p = file_name(dir, i);
		Fd fd(::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644));
		if (fd.get() < 0)
			die("create " + p);
		write_all(fd.get(), buf.data(), buf.size(), p);
		fd.close_checked(p);
	}
	sync_to_disk(dir);
	print_result(t.seconds(), static_cast<double>(n), "files/s");
	return 0;
}

int stat_files(const std::string &dir, unsigned long n)
{
	Timer t;
	for (unsigned long i = 0; i < n; i++) {
		struct stat st;
		std::string p = file_name(dir, i);
		if (::stat(p.c_str(), &st))
			die("stat " + p);
	}
	print_result(t.seconds(), static_cast<double>(n), "files/s");
	return 0;
}

// List @dir, then stat every entry in directory order (what ls -l, du or
// find -ls do).
int list_stat(const std::string &dir)
{
	Timer t;
	DIR *d = ::opendir(dir.c_str());
	if (!d)
		die("opendir " + dir);
	std::vector<std::string> names;
	errno = 0;
	while (struct dirent *e = ::readdir(d)) {
		if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, ".."))
			names.emplace_back(e->d_name);
		errno = 0;
	}
	if (errno)
		die("readdir " + dir);
	int dfd = ::dirfd(d);
	for (const auto &n : names) {
		struct stat st;
		if (::fstatat(dfd, n.c_str(), &st, AT_SYMLINK_NOFOLLOW))
			die("stat " + dir + "/" + n);
	}
	::closedir(d);
	print_result(t.seconds(), static_cast<double>(names.size()), "files/s");
	return 0;
}

int read_files(const std::string &dir, unsigned long n)
{
	std::vector<char> buf(64 * 1024);
	Timer t;
	for (unsigned long i = 0; i < n; i++) {
		std::string p = file_name(dir, i);
		Fd fd(::open(p.c_str(), O_RDONLY));
		if (fd.get() < 0)
			die("open " + p);
		read_all(fd.get(), buf, p);
	}
	print_result(t.seconds(), static_cast<double>(n), "files/s");
	return 0;
}

int unlink_files(const std::string &dir, unsigned long n)
{
	Timer t;
	for (unsigned long i = 0; i < n; i++) {
		std::string p = file_name(dir, i);
		if (::unlink(p.c_str()))
			die("unlink " + p);
	}
	sync_to_disk(dir);
	print_result(t.seconds(), static_cast<double>(n), "files/s");
	return 0;
}

// nftw has no context argument: the tree walk's state lives here.
struct TreeRead {
	std::vector<char> buf = std::vector<char>(64 * 1024);
	unsigned long files = 0;
} tree_read;

int read_one(const char *path, const struct stat *, int type, struct FTW *)
{
	if (type != FTW_F)
		return 0;
	Fd fd(::open(path, O_RDONLY | O_NOFOLLOW));
	if (fd.get() < 0) {
		if (errno == ELOOP)
			return 0; // a symlink in the tree
		die(std::string("open ") + path);
	}
	read_all(fd.get(), tree_read.buf, path);
	tree_read.files++;
	return 0;
}

// Warm-up before the rounds: the first time the emulated guest uses a page
// of its memory costs several times what later uses cost, which would be
// charged to whichever configuration happens to allocate fresh memory
// first.  Faulting most of the guest's memory in once (and freeing it)
// spares the measured workloads that.
int touch(unsigned long mib)
{
	size_t len = static_cast<size_t>(mib) << 20;
	void *p = ::mmap(nullptr, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		die("mmap " + std::to_string(mib) + " MiB");
	::munmap(p, len);
	return 0;
}

int readtree(const std::string &dir)
{
	Timer t;
	if (::nftw(dir.c_str(), read_one, 64, FTW_PHYS))
		die("walk " + dir);
	print_result(t.seconds(), static_cast<double>(tree_read.files), "files/s");
	return 0;
}

// N large files of MIB MiB each in DIR (big000, big001, ...), written one
// after the other in 1 MiB writes; the clock stops once they are on the disk.
int bigfiles(const std::string &dir, unsigned long n, unsigned long mib)
{
	auto buf = pattern(kChunk);
	Timer t;
	for (unsigned long i = 0; i < n; i++) {
		char name[32];
		std::snprintf(name, sizeof(name), "/big%03lu", i);
		std::string p = dir + name;
		Fd fd(::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
		if (fd.get() < 0)
			die("create " + p);
		for (unsigned long m = 0; m < mib; m++)
			write_all(fd.get(), buf.data(), buf.size(), p);
		fd.close_checked(p);
	}
	sync_to_disk(dir);
	print_result(t.seconds(), static_cast<double>(n * mib), "MiB/s");
	return 0;
}

// Map FILE and read one byte of each of N pages picked at random (the same
// sequence every run), as a program looking records up in a mapped index or
// database file does: every touch of a page not in memory is a page fault
// that reads the page (and whatever the kernel reads around it).
int mmapread(const std::string &path, unsigned long n)
{
	const size_t page = 4096;
	Timer t;
	Fd fd(::open(path.c_str(), O_RDONLY));
	if (fd.get() < 0)
		die("open " + path);
	struct stat st;
	if (::fstat(fd.get(), &st))
		die("stat " + path);
	size_t len = static_cast<size_t>(st.st_size), pages = len / page;
	if (pages == 0) {
		errno = EINVAL;
		die("mmapread of an empty file " + path);
	}
	void *m = ::mmap(nullptr, len, PROT_READ, MAP_SHARED, fd.get(), 0);
	if (m == MAP_FAILED)
		die("mmap " + path);
	const volatile unsigned char *base = static_cast<const unsigned char *>(m);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned sum = 0;
	for (unsigned long i = 0; i < n; i++) {
		x ^= x << 13; // xorshift64
		x ^= x >> 7;
		x ^= x << 17;
		sum += base[(x % pages) * page + (x >> 40) % page];
	}
	::munmap(m, len);
	fd.close_checked(path);
	print_result(t.seconds(), static_cast<double>(n), "pages/s");
	(void)sum; // the reads happen anyway: base is volatile
	return 0;
}

struct Figure {
	double seconds = 0;
	double amount = 0;
	std::string unit;
	// Lower block device bytes read and written during the workload, when
	// the results line has them.
	std::optional<double> read_bytes, written_bytes;
};

// Per configuration: round -> figure.
using Rounds = std::map<long, Figure>;
using Row = std::map<std::string, Rounds>;
// Which number of a figure a median or ratio is taken of.
using Field = std::optional<double> (*)(const Figure &);

std::optional<double> amount_of(const Figure &f) { return f.amount; }
std::optional<double> read_of(const Figure &f) { return f.read_bytes; }
std::optional<double> written_of(const Figure &f) { return f.written_bytes; }

std::optional<double> median(std::vector<double> v)
{
	if (v.empty())
		return std::nullopt;
	std::sort(v.begin(), v.end());
	size_t m = v.size() / 2;
	return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// Median of @field over the rounds of @config.
std::optional<double> median_of(const Row &row, const char *config, Field field)
{
	auto it = row.find(config);
	if (it == row.end())
		return std::nullopt;
	std::vector<double> v;
	for (const auto &[r, f] : it->second)
		if (auto x = field(f))
			v.push_back(*x);
	return median(v);
}

// Median over the rounds of the ratio a/b of @field within a round (for
// throughputs, above 1: a is faster; for bytes, above 1: a moved more).
// Rounds where b is 0 are left out (a ratio to nothing means nothing).
std::optional<double> ratio(const Row &row, const char *a, const char *b, Field field = amount_of)
{
	auto ia = row.find(a), ib = row.find(b);
	if (ia == row.end() || ib == row.end())
		return std::nullopt;
	std::vector<double> v;
	for (const auto &[r, fa] : ia->second) {
		auto fb = ib->second.find(r);
		if (fb == ib->second.end())
			continue;
		auto xa = field(fa), xb = field(fb->second);
		if (xa && xb && *xb > 0)
			v.push_back(*xa / *xb);
	}
	return median(v);
}

std::string fmt(std::optional<double> v, const char *f = "%.2f")
{
	if (!v)
		return "-";
	char buf[32];
	std::snprintf(buf, sizeof(buf), f, *v);
	return buf;
}

std::optional<double> mib(std::optional<double> bytes)
{
	if (!bytes)
		return std::nullopt;
	return *bytes / (1 << 20);
}

// "name": [v1, v2, ...] of @field over the rounds of @config.
void json_rounds(std::ofstream &js, const char *name, const Rounds &rounds, Field field)
{
	js << ", \"" << name << "\": [";
	const char *sep = "";
	for (const auto &[r, f] : rounds) {
		auto x = field(f);
		js << sep;
		if (x)
			js << *x;
		else
			js << "null";
		sep = ", ";
	}
	js << "]";
}

int report(const std::string &tsv, const std::string &json_path, const std::string &dat_path)
{
	std::ifstream in(tsv);
	if (!in)
		die("open " + tsv);
	std::vector<std::string> order; // workloads in first-seen order
	std::map<std::string, Row> rows;
	std::string line;
	long rounds = 0;
	bool any_bytes = false;
	size_t width = 22;
	while (std::getline(in, line)) {
		std::istringstream ls(line);
		std::string config, workload;
		long round = 0;
		Figure f;
		if (!std::getline(ls, config, '\t') || !std::getline(ls, workload, '\t') ||
		    !(ls >> round >> f.seconds >> f.amount >> f.unit)) {
			std::fprintf(stderr, "fsbench: bad line in %s: %s\n", tsv.c_str(), line.c_str());
			return 1;
		}
		double rd, wr;
		if (ls >> rd >> wr) {
			f.read_bytes = rd;
			f.written_bytes = wr;
			any_bytes = true;
		}
		if (!rows.count(workload))
			order.push_back(workload);
		rows[workload][config][round] = f;
		rounds = std::max(rounds, round);
		width = std::max(width, workload.size());
	}
	const int w = static_cast<int>(width);
	const char *configs[] = {"plain", "reference", "ours"};
	std::printf("median of %ld round(s); ratios: median of the per-round ratios\n", rounds);
	std::printf("%-*s %-8s %12s %12s %12s %10s %10s\n", w, "workload", "unit", "plain", "reference",
		    "ours", "ours/ref", "ours/plain");
	std::ofstream js(json_path), dat(dat_path);
	if (!js || !dat)
		die("write " + json_path + " / " + dat_path);
	js.precision(15); // byte counts stay exact
	js << "{\n  \"rounds\": " << rounds << ",\n  \"workloads\": [\n";
	dat << "# workload ours/reference ours/plain\n";
	for (size_t i = 0; i < order.size(); i++) {
		const auto &name = order[i];
		const auto &row = rows[name];
		std::string unit = row.begin()->second.begin()->second.unit;
		auto rr = ratio(row, "ours", "reference"), rp = ratio(row, "ours", "plain");
		std::printf("%-*s %-8s", w, name.c_str(), unit.c_str());
		js << "    {\"name\": \"" << name << "\", \"unit\": \"" << unit << "\"";
		for (const char *c : configs) {
			auto v = median_of(row, c, amount_of);
			std::printf(" %12s", fmt(v, "%.1f").c_str());
			if (!v)
				continue;
			const auto &cr = row.at(c);
			js << ", \"" << c << "\": " << *v;
			json_rounds(js, (std::string(c) + "_rounds").c_str(), cr, amount_of);
			auto rb = median_of(row, c, read_of), wb = median_of(row, c, written_of);
			if (rb && wb) {
				js << ", \"" << c << "_read_bytes\": " << *rb << ", \"" << c
				   << "_written_bytes\": " << *wb;
				json_rounds(js, (std::string(c) + "_read_bytes_rounds").c_str(), cr,
					    read_of);
				json_rounds(js, (std::string(c) + "_written_bytes_rounds").c_str(), cr,
					    written_of);
			}
		}
		std::printf(" %10s %10s\n", fmt(rr).c_str(), fmt(rp).c_str());
		if (rr)
			js << ", \"ours_over_reference\": " << *rr;
		if (rp)
			js << ", \"ours_over_plain\": " << *rp;
		if (auto x = ratio(row, "ours", "reference", read_of))
			js << ", \"read_bytes_ours_over_reference\": " << *x;
		if (auto x = ratio(row, "ours", "reference", written_of))
			js << ", \"written_bytes_ours_over_reference\": " << *x;
		js << "}" << (i + 1 < order.size() ? "," : "") << "\n";
		dat << '"' << name << "\" " << (rr ? *rr : 0) << ' ' << (rp ? *rp : 0) << '\n';
	}
	js << "  ]\n}\n";
	// The module-free configurations (issue 22): ecryptfs-fuse beside
	// gocryptfs, both FUSE, on the read-only workloads; ours (the module)
	// for scale.
	bool any_fuse = false;
	for (const auto &name : order)
		any_fuse = any_fuse || rows[name].count("fuse") || rows[name].count("gocryptfs");
	if (any_fuse) {
		std::printf("\nwithout the module (FUSE, read-only): ecryptfs-fuse beside gocryptfs; "
			    "fuse/gocfs above 1: ecryptfs-fuse is faster\n");
		std::printf("%-*s %-8s %12s %12s %12s %10s\n", w, "workload", "unit", "fuse", "gocryptfs",
			    "ours", "fuse/gocfs");
		for (const auto &name : order) {
			const auto &row = rows[name];
			if (!row.count("fuse") && !row.count("gocryptfs"))
				continue;
			std::printf("%-*s %-8s", w, name.c_str(), row.begin()->second.begin()->second.unit.c_str());
			for (const char *c : {"fuse", "gocryptfs", "ours"})
				std::printf(" %12s", fmt(median_of(row, c, amount_of), "%.1f").c_str());
			std::printf(" %10s\n", fmt(ratio(row, "fuse", "gocryptfs")).c_str());
		}
	}
	if (!any_bytes)
		return 0;
	// The lower device's bytes: MiB read and written during each workload
	// (median), and ours/reference of each (median of the per-round
	// ratios; above 1: ours moved more; '!' marks more than twice).
	std::printf("\nlower device I/O during each workload, MiB (median); ours/ref: median of the "
		    "per-round byte ratios, above 1: ours moved more, ! above 2\n");
	std::printf("%-*s %9s %9s %9s %9s  %9s %9s %9s %9s\n", w, "workload", "rd plain", "rd ref",
		    "rd ours", "ours/ref", "wr plain", "wr ref", "wr ours", "ours/ref");
	for (const auto &name : order) {
		const auto &row = rows[name];
		std::printf("%-*s", w, name.c_str());
		for (Field field : {read_of, written_of}) {
			for (const char *c : configs)
				std::printf(" %9s", fmt(mib(median_of(row, c, field)), "%.2f").c_str());
			auto x = ratio(row, "ours", "reference", field);
			std::string r = fmt(x) + (x && *x > 2 ? "!" : " ");
			std::printf(" %9s%s", r.c_str(), field == read_of ? " " : "");
		}
		std::printf("\n");
	}
	std::printf("(IOPS rows ran for a fixed time: their bytes grow with their speed; compare "
		    "bytes per I/O)\n");
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	std::string cmd = argv[1];
	if (cmd == "seqwrite" && argc == 4)
		return seqwrite(argv[2], number(argv[3]));
	if (cmd == "seqread" && argc == 3)
		return seqread(argv[2]);
	if (cmd == "create" && argc == 5)
		return create(argv[2], number(argv[3]), number(argv[4]));
	if (cmd == "lsl" && argc == 3)
		return list_stat(argv[2]);
	if (cmd == "stat" && argc == 4)
		return stat_files(argv[2], number(argv[3]));
	if (cmd == "readfiles" && argc == 4)
		return read_files(argv[2], number(argv[3]));
	if (cmd == "unlink" && argc == 4)
		return unlink_files(argv[2], number(argv[3]));
	if (cmd == "readtree" && argc == 3)
		return readtree(argv[2]);
	if (cmd == "bigfiles" && argc == 5)
		return bigfiles(argv[2], number(argv[3]), number(argv[4]));
	if (cmd == "mmapread" && argc == 4)
		return mmapread(argv[2], number(argv[3]));
	if (cmd == "touch" && argc == 3)
		return touch(number(argv[2]));
	if (cmd == "report" && argc == 5)
		return report(argv[2], argv[3], argv[4]);
	usage();
}
