// SPDX-License-Identifier: GPL-2.0-only
//
// fsx-ecryptfs: a randomized differential file I/O tester.
//
// One file is driven by a seeded random sequence of operations (write,
// O_APPEND write, read, truncate up and down, O_TRUNC reopen, mmap write and
// read, fsync, fdatasync, close/reopen, dropping the page cache, a remount
// hook, and optionally copy_file_range and splice).  An in-memory model of
// the file's content is updated with every operation, and the file is
// compared with the model after every operation.  On the first difference
// the last operations, the first differing offset and the bytes around it are
// printed, and the exit status is 1.  The same seed and options replay the
// same sequence.
//
// Exit status: 0 pass, 1 the file differs from the model, 2 bad usage or
// setup, 3 an operation failed with an unexpected error.

#include "stress-common.hpp"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <vector>

using stress::Fd;
using stress::Rng;

namespace {

enum class Op : uint8_t {
	Write,
	Append,
	Read,
	Truncate,
	OpenTrunc,
	MapWrite,
	MapRead,
	Fsync,
	Fdatasync,
	Reopen,
	DropCaches,
	Remount,
	CopyRange,
	Splice,
	Count
};

struct OpInfo {
	const char *name;
	unsigned weight; // default weight
};

constexpr std::array<OpInfo, static_cast<size_t>(Op::Count)> op_info{{
	{"write", 24},
	{"append", 6},
	{"read", 16},
	{"truncate", 9},
	{"opentrunc", 1},
	{"mapwrite", 10},
	{"mapread", 8},
	{"fsync", 3},
	{"fdatasync", 2},
	{"reopen", 4},
	{"dropcaches", 1},
	{"remount", 1},
	{"copyrange", 6},
	{"splice", 5},
}};

const char *op_name(Op op) { return op_info[static_cast<size_t>(op)].name; }

struct Options {
	uint64_t seed = 1;
	uint64_t ops = 10000;
	uint64_t max_size = 256 * 1024;
	uint64_t max_len = 0; // 0: max_size / 4
	uint64_t log_ops = 40;
	uint64_t check_every = 1;
	uint64_t corrupt_at = 0; // 0: off
	bool copy_range = false;
	bool splice = false;
	bool mmap = true;
	bool strict_drop = false;
	bool verbose = false;
	std::string remount_cmd;
	std::string failure_dir;
	std::string save_model;
	std::string path;
	std::array<unsigned, static_cast<size_t>(Op::Count)> weight{};
};

struct Record {
	uint64_t n;
	Op op;
	uint64_t off, len, aux; // aux: source offset (copy/splice), old size (truncate)
	uint64_t size_before, size_after;
	std::string note;
};

[[noreturn]] void usage_error(const std::string &msg)
{
	std::fprintf(stderr, "fsx-ecryptfs: %s\nTry 'fsx-ecryptfs --help'.\n", msg.c_str());
	std::exit(2);
}

void print_help()
{
	std::printf(
		"Usage: fsx-ecryptfs [OPTIONS] FILE\n"
		"Randomized differential I/O test of FILE (created/truncated) against an\n"
		"in-memory model; the file is compared with the model after every operation.\n\n"
		"  --seed N              random seed (default 1); the same seed replays the run\n"
		"  --ops N               number of operations (default 10000)\n"
		"  --max-size N          largest file size, K/M suffixes allowed (default 256K)\n"
		"  --max-len N           largest single transfer (default max-size/4)\n"
		"  --log-ops N           operations printed on failure (default 40)\n"
		"  --check-every N       full content check every N ops (default 1); the size\n"
		"                        is checked after every op regardless\n"
		"  --no-mmap             no mmap reads/writes\n"
		"  --copy-range          add copy_file_range within the file\n"
		"  --splice              add splice file->pipe->file\n"
		"  --remount-cmd CMD     add a remount op: close FILE, run 'sh -c CMD' (must\n"
		"                        exit 0), reopen FILE\n"
		"  --strict-drop-caches  fail if /proc/sys/vm/drop_caches cannot be written\n"
		"                        (by default the dropcaches op is then skipped)\n"
		"  --weight OP=N         change an operation's weight (0 disables); OPs:\n"
		"                        write append read truncate opentrunc mapwrite mapread\n"
		"                        fsync fdatasync reopen dropcaches remount copyrange splice\n"
		"  --save-model PATH     on success write the expected content to PATH\n"
		"  --failure-dir DIR     on failure write expected.bin, actual.bin, oplog.txt\n"
		"  --self-test-corrupt N corrupt the model after op N: the run must then fail\n"
		"                        (proves the checker can fail)\n"
		"  -v, --verbose         print every operation\n"
		"  -h, --help            this help\n\n"
		"Exit status: 0 pass, 1 content or size differs from the model, 2 usage or\n"
		"setup error, 3 an operation failed unexpectedly.\n");
}

class Fsx {
public:
	explicit Fsx(Options o) : opt_(std::move(o)), rng_(opt_.seed), pattern_rng_seed_(stress::mix64(opt_.seed))
	{
		page_ = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
		if (opt_.max_len == 0)
			opt_.max_len = std::max<uint64_t>(1, opt_.max_size / 4);
		buf_.resize(opt_.max_size + page_);
		actual_.resize(opt_.max_size + page_);
	}

	int run();

private:
	// --- failure reporting
	[[noreturn]] void fail(int status, const std::string &msg, uint64_t diff_off = UINT64_MAX,
			       const uint8_t *actual = nullptr, uint64_t actual_len = 0);
	void print_record(FILE *f, const Record &r) const;
	void hexdump_around(uint64_t diff, const uint8_t *actual, uint64_t actual_len) const;
	[[noreturn]] void sys_fail(const char *what, int err);

	// --- choices
	uint64_t gen_off(uint64_t limit);
	uint64_t gen_len(uint64_t limit);
	Op pick_op();

	// --- model
	void model_write(uint64_t off, const uint8_t *data, uint64_t len);
	void model_resize(uint64_t size);

	// --- file
	void open_file(int extra_flags);
	void close_file();
	void check_size();
	void check_all();
	void compare(uint64_t off, const uint8_t *got, uint64_t got_len, uint64_t want_len, const char *what);

	// --- operations
	void do_write(Record &r);
	void do_append(Record &r);
	void do_read(Record &r);
	void do_truncate(Record &r);
	void do_opentrunc(Record &r);
	void do_mapwrite(Record &r);
	void do_mapread(Record &r);
	void do_sync(Record &r, bool data_only);
	void do_reopen(Record &r);
	void do_dropcaches(Record &r);
	void do_remount(Record &r);
	bool pick_copy(Record &r, uint64_t max_len);
	void do_copyrange(Record &r);
	void do_splice(Record &r);

	void fill(uint64_t off, uint64_t len);

	Options opt_;
	Rng rng_;
	uint64_t pattern_rng_seed_;
	uint64_t page_ = 4096;
	Fd fd_;
	std::vector<uint8_t> model_;
	std::vector<uint32_t> who_; // op number that last set each byte (0: initial)
	std::vector<uint8_t> buf_, actual_;
	std::vector<Record> log_;
	uint64_t opnum_ = 0;
	std::array<uint64_t, static_cast<size_t>(Op::Count)> count_{};
	uint64_t skipped_drop_ = 0;
	bool drop_unavailable_ = false;
	std::string drop_reason_;
};

void Fsx::print_record(FILE *f, const Record &r) const
{
	std::fprintf(f, "  #%-7" PRIu64 " %-10s", r.n, op_name(r.op));
	switch (r.op) {
	case Op::Write:
	case Op::Append:
	case Op::Read:
	case Op::MapWrite:
	case Op::MapRead:
		std::fprintf(f, " 0x%06" PRIx64 " .. 0x%06" PRIx64 " (len 0x%" PRIx64 ")", r.off,
			     r.off + r.len, r.len);
		break;
	case Op::Truncate:
		std::fprintf(f, " 0x%" PRIx64 " -> 0x%" PRIx64 " (%s)", r.size_before, r.off,
			     r.off > r.size_before ? "up" : r.off < r.size_before ? "down" : "same");
		break;
	case Op::CopyRange:
	case Op::Splice:
		std::fprintf(f, " 0x%06" PRIx64 " .. 0x%06" PRIx64 " -> 0x%06" PRIx64 " (len 0x%" PRIx64 ")",
			     r.aux, r.aux + r.len, r.off, r.len);
		break;
	default:
		break;
	}
	if (r.size_before != r.size_after)
		std::fprintf(f, "  size 0x%" PRIx64 " -> 0x%" PRIx64, r.size_before, r.size_after);
	if (!r.note.empty())
		std::fprintf(f, "  [%s]", r.note.c_str());
	std::fputc('\n', f);
}

void Fsx::hexdump_around(uint64_t diff, const uint8_t *actual, uint64_t actual_len) const
{
	uint64_t start = diff & ~uint64_t(15);
	if (start >= 16)
		start -= 16;
	uint64_t end = std::max<uint64_t>(model_.size(), actual_len);
	end = std::min(end, start + 64);
	std::fprintf(stderr, "offset     expected                                          actual\n");
	for (uint64_t line = start; line < end; line += 16) {
		std::fprintf(stderr, "%08" PRIx64 "  ", line);
		for (uint64_t i = line; i < line + 16; i++) {
			if (i < model_.size())
				std::fprintf(stderr, "%02x ", model_[i]);
			else
				std::fprintf(stderr, "-- ");
		}
		std::fprintf(stderr, " ");
		for (uint64_t i = line; i < line + 16; i++) {
			if (i < actual_len)
				std::fprintf(stderr, "%02x%c", actual[i],
					     i < model_.size() && model_[i] != actual[i] ? '*' : ' ');
			else
				std::fprintf(stderr, "-- ");
		}
		std::fputc('\n', stderr);
	}
}

void Fsx::fail(int status, const std::string &msg, uint64_t diff_off, const uint8_t *actual, uint64_t actual_len)
{
	std::fflush(stdout);
	std::fprintf(stderr, "fsx-ecryptfs: FAIL at op #%" PRIu64 " (seed %" PRIu64 "): %s\n", opnum_, opt_.seed,
		     msg.c_str());
	uint64_t first = log_.size() > opt_.log_ops ? log_.size() - opt_.log_ops : 0;
	std::fprintf(stderr, "last %zu operations (of %zu):\n", log_.size() - first, log_.size());
	for (uint64_t i = first; i < log_.size(); i++)
		print_record(stderr, log_[i]);
	if (diff_off != UINT64_MAX) {
		std::fprintf(stderr, "first differing offset: 0x%" PRIx64 " (%" PRIu64 ", extent %" PRIu64
			     ", offset 0x%" PRIx64 " in it)\n",
			     diff_off, diff_off, diff_off / 4096, diff_off % 4096);
		if (diff_off < model_.size()) {
			uint32_t w = who_[diff_off];
			if (w == 0)
				std::fprintf(stderr, "the expected byte was never written (zero)\n");
			else if (w <= log_.size()) {
				std::fprintf(stderr, "the expected byte was last set by:\n");
				print_record(stderr, log_[w - 1]);
			}
		}
		if (actual)
			hexdump_around(diff_off, actual, actual_len);
	}
	std::fprintf(stderr, "reproduce with: fsx-ecryptfs --seed %" PRIu64 " --ops %" PRIu64 " --max-size %" PRIu64
		     " --max-len %" PRIu64 "%s%s%s%s ...\n",
		     opt_.seed, opt_.ops, opt_.max_size, opt_.max_len, opt_.copy_range ? " --copy-range" : "",
		     opt_.splice ? " --splice" : "", opt_.mmap ? "" : " --no-mmap",
		     opt_.remount_cmd.empty() ? "" : " --remount-cmd ...");
	if (!opt_.failure_dir.empty()) {
		std::string d = opt_.failure_dir;
		auto save = [&](const std::string &name, const uint8_t *p, uint64_t n) {
			FILE *f = std::fopen((d + "/" + name).c_str(), "w");
			if (!f)
				return;
			if (n)
				std::fwrite(p, 1, n, f);
			std::fclose(f);
		};
		save("expected.bin", model_.data(), model_.size());
		if (actual)
			save("actual.bin", actual, actual_len);
		FILE *f = std::fopen((d + "/oplog.txt").c_str(), "w");
		if (f) {
			for (const Record &r : log_)
				print_record(f, r);
			std::fclose(f);
		}
		std::fprintf(stderr, "saved expected.bin%s and oplog.txt in %s\n", actual ? ", actual.bin" : "",
			     d.c_str());
	}
	std::exit(status);
}

void Fsx::sys_fail(const char *what, int err)
{
	std::string m = std::string(what) + ": " + std::strerror(err);
	if (err == EINVAL && !log_.empty() && (log_.back().op == Op::CopyRange || log_.back().op == Op::Splice))
		m += " (the reference eCryptfs module fails copy_file_range/splice writes this way;"
		     " run without --copy-range/--splice there)";
	fail(3, m);
}

uint64_t Fsx::gen_off(uint64_t limit)
{
	// limit: offsets in [0, limit]; a third land on or next to an extent
	// (4096) or page boundary, the rest anywhere.
	if (limit == 0)
		return 0;
	if (rng_.percent(33)) {
		uint64_t b = rng_.below(limit / 4096 + 1) * 4096;
		int d = static_cast<int>(rng_.below(3)) - 1;
		if (d < 0 && b == 0)
			d = 0;
		uint64_t v = b + d;
		return std::min(v, limit);
	}
	return rng_.below(limit + 1);
}

uint64_t Fsx::gen_len(uint64_t limit)
{
	// limit >= 1: lengths in [1, limit].
	uint64_t cap = std::min(limit, opt_.max_len);
	if (cap == 0)
		return 1;
	uint64_t r = rng_.below(100);
	uint64_t v;
	if (r < 10)
		v = 4096;
	else if (r < 45)
		v = rng_.range(1, 64);
	else if (r < 75)
		v = rng_.range(1, 8192);
	else
		v = rng_.range(1, cap);
	return std::clamp<uint64_t>(v, 1, cap);
}

Op Fsx::pick_op()
{
	unsigned total = 0;
	for (unsigned w : opt_.weight)
		total += w;
	uint64_t r = rng_.below(total);
	for (size_t i = 0; i < opt_.weight.size(); i++) {
		if (r < opt_.weight[i])
			return static_cast<Op>(i);
		r -= opt_.weight[i];
	}
	return Op::Write;
}

void Fsx::model_write(uint64_t off, const uint8_t *data, uint64_t len)
{
	if (off + len > model_.size())
		model_resize(off + len);
	std::memcpy(model_.data() + off, data, len);
	std::fill(who_.begin() + static_cast<ptrdiff_t>(off), who_.begin() + static_cast<ptrdiff_t>(off + len),
		  static_cast<uint32_t>(opnum_));
}

void Fsx::model_resize(uint64_t size)
{
	uint64_t old = model_.size();
	model_.resize(size, 0);
	who_.resize(size, static_cast<uint32_t>(opnum_));
	(void)old;
}

void Fsx::fill(uint64_t off, uint64_t len)
{
	stress::fill_pattern(std::span<uint8_t>(buf_.data(), len), pattern_rng_seed_ ^ (opnum_ * 0x100000001b3ULL),
			     off);
}

void Fsx::open_file(int extra_flags)
{
	int f = ::open(opt_.path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | extra_flags, 0644);
	if (f < 0)
		sys_fail(("open " + opt_.path).c_str(), errno);
	fd_ = Fd(f);
}

void Fsx::close_file()
{
	int e = fd_.close_checked();
	if (e)
		sys_fail("close", e);
}

void Fsx::check_size()
{
	struct stat st;
	if (fstat(fd_.get(), &st) < 0)
		sys_fail("fstat", errno);
	if (static_cast<uint64_t>(st.st_size) != model_.size()) {
		char m[160];
		std::snprintf(m, sizeof(m), "file size is 0x%" PRIx64 " (%" PRIu64 "), expected 0x%zx (%zu)",
			      static_cast<uint64_t>(st.st_size), static_cast<uint64_t>(st.st_size), model_.size(),
			      model_.size());
		fail(1, m);
	}
}

void Fsx::compare(uint64_t off, const uint8_t *got, uint64_t got_len, uint64_t want_len, const char *what)
{
	uint64_t n = std::min(got_len, want_len);
	for (uint64_t i = 0; i < n; i++) {
		if (got[i] != model_[off + i]) {
			// Report in file coordinates: place the actual bytes at their offset.
			std::vector<uint8_t> full(model_.begin(), model_.end());
			full.resize(std::max<uint64_t>(full.size(), off + got_len));
			std::memcpy(full.data() + off, got, got_len);
			char m[200];
			std::snprintf(m, sizeof(m), "%s: data differs at 0x%" PRIx64 ": got 0x%02x, expected 0x%02x", what,
				      off + i, got[i], model_[off + i]);
			fail(1, m, off + i, full.data(), std::max<uint64_t>(model_.size(), off + got_len));
		}
	}
	if (got_len != want_len) {
		char m[200];
		std::snprintf(m, sizeof(m), "%s: got %" PRIu64 " bytes at 0x%" PRIx64 ", expected %" PRIu64, what,
			      got_len, off, want_len);
		fail(1, m, off + n, nullptr, 0);
	}
}

void Fsx::check_all()
{
	check_size();
	uint64_t size = model_.size();
	int64_t got = stress::pread_full(fd_.get(), actual_.data(), size + 1, 0);
	if (got < 0)
		sys_fail("pread (full check)", static_cast<int>(-got));
	compare(0, actual_.data(), static_cast<uint64_t>(got), size, "full check");
}

void Fsx::do_write(Record &r)
{
	uint64_t off = gen_off(opt_.max_size - 1);
	uint64_t len = gen_len(opt_.max_size - off);
	r.off = off;
	r.len = len;
	fill(off, len);
	int64_t w = stress::pwrite_full(fd_.get(), buf_.data(), len, off);
	if (w < 0)
		sys_fail("pwrite", static_cast<int>(-w));
	model_write(off, buf_.data(), len);
}

void Fsx::do_append(Record &r)
{
	uint64_t size = model_.size();
	if (size >= opt_.max_size) {
		r.note = "file at max size, nothing appended";
		return;
	}
	uint64_t len = gen_len(opt_.max_size - size);
	r.off = size;
	r.len = len;
	fill(size, len);
	int f = ::open(opt_.path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
	if (f < 0)
		sys_fail("open O_APPEND", errno);
	Fd afd(f);
	int64_t w = stress::write_full(afd.get(), buf_.data(), len);
	if (w < 0)
		sys_fail("write O_APPEND", static_cast<int>(-w));
	off_t pos = lseek(afd.get(), 0, SEEK_CUR);
	model_write(size, buf_.data(), len);
	if (pos < 0)
		sys_fail("lseek", errno);
	if (static_cast<uint64_t>(pos) != size + len) {
		char m[120];
		std::snprintf(m, sizeof(m), "O_APPEND write left the position at 0x%" PRIx64 ", expected 0x%" PRIx64,
			      static_cast<uint64_t>(pos), size + len);
		fail(1, m);
	}
	int e = afd.close_checked();
	if (e)
		sys_fail("close (O_APPEND fd)", e);
}

void Fsx::do_read(Record &r)
{
	uint64_t size = model_.size();
	// Mostly inside the file, sometimes across or past EOF.
	uint64_t lim = size == 0 || rng_.percent(10) ? opt_.max_size : size - 1;
	uint64_t off = gen_off(lim);
	uint64_t len = gen_len(opt_.max_size);
	r.off = off;
	r.len = len;
	int64_t got = stress::pread_full(fd_.get(), actual_.data(), len, off);
	if (got < 0)
		sys_fail("pread", static_cast<int>(-got));
	uint64_t want = off >= size ? 0 : std::min(len, size - off);
	compare(off, actual_.data(), static_cast<uint64_t>(got), want, "read");
}

void Fsx::do_truncate(Record &r)
{
	uint64_t size = model_.size();
	uint64_t ns;
	if (rng_.percent(50))
		ns = size ? gen_off(size - 1) : 0; // down (or same when empty)
	else
		ns = gen_off(opt_.max_size); // anywhere, mostly up
	r.off = ns;
	if (ftruncate(fd_.get(), static_cast<off_t>(ns)) < 0)
		sys_fail("ftruncate", errno);
	if (ns < size) {
		model_.resize(ns);
		who_.resize(ns);
	} else {
		model_resize(ns);
	}
}

void Fsx::do_opentrunc(Record &r)
{
	close_file();
	open_file(O_TRUNC);
	model_.clear();
	who_.clear();
	r.note = "reopened with O_TRUNC";
}

void Fsx::do_mapwrite(Record &r)
{
	uint64_t size = model_.size();
	if (size == 0) {
		r.note = "empty file, no mapping";
		return;
	}
	uint64_t off = gen_off(size - 1);
	uint64_t len = gen_len(size - off);
	r.off = off;
	r.len = len;
	uint64_t pg = off & ~(page_ - 1);
	uint64_t maplen = off + len - pg;
	void *p = mmap(nullptr, maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), static_cast<off_t>(pg));
	if (p == MAP_FAILED)
		sys_fail("mmap (write)", errno);
	fill(off, len);
	std::memcpy(static_cast<uint8_t *>(p) + (off - pg), buf_.data(), len);
	if (rng_.percent(50)) {
		r.note = "msync";
		if (msync(p, maplen, MS_SYNC) < 0) {
			int e = errno;
			munmap(p, maplen);
			sys_fail("msync", e);
		}
	}
	if (munmap(p, maplen) < 0)
		sys_fail("munmap", errno);
	model_write(off, buf_.data(), len);
}

void Fsx::do_mapread(Record &r)
{
	uint64_t size = model_.size();
	if (size == 0) {
		r.note = "empty file, no mapping";
		return;
	}
	uint64_t off = gen_off(size - 1);
	uint64_t len = gen_len(size - off);
	r.off = off;
	r.len = len;
	uint64_t pg = off & ~(page_ - 1);
	uint64_t end = off + len;
	// When the range reaches the last page, map all of it: the bytes past
	// EOF in that page must read as zeros.
	uint64_t last_page_end = (size + page_ - 1) & ~(page_ - 1);
	bool eofpage = end > ((size - 1) & ~(page_ - 1));
	uint64_t mapend = eofpage ? last_page_end : end;
	uint64_t maplen = mapend - pg;
	void *p = mmap(nullptr, maplen, PROT_READ, MAP_SHARED, fd_.get(), static_cast<off_t>(pg));
	if (p == MAP_FAILED)
		sys_fail("mmap (read)", errno);
	const uint8_t *m = static_cast<const uint8_t *>(p);
	std::memcpy(actual_.data(), m + (off - pg), len);
	uint64_t tail_bad = UINT64_MAX;
	if (eofpage) {
		for (uint64_t i = size; i < mapend; i++)
			if (m[i - pg]) {
				tail_bad = i;
				break;
			}
		r.note = "checked zeros past EOF";
	}
	munmap(p, maplen);
	compare(off, actual_.data(), len, len, "mapread");
	if (tail_bad != UINT64_MAX) {
		char msg[160];
		std::snprintf(msg, sizeof(msg), "mapread: byte 0x%" PRIx64 " past EOF (0x%zx) in the last page is not zero",
			      tail_bad, model_.size());
		fail(1, msg, tail_bad);
	}
}

void Fsx::do_sync(Record &, bool data_only)
{
	if ((data_only ? fdatasync(fd_.get()) : fsync(fd_.get())) < 0)
		sys_fail(data_only ? "fdatasync" : "fsync", errno);
}

void Fsx::do_reopen(Record &r)
{
	close_file();
	open_file(0);
	r.note = "closed and reopened";
}

void Fsx::do_dropcaches(Record &r)
{
	if (drop_unavailable_) {
		skipped_drop_++;
		r.note = "skipped: " + drop_reason_;
		return;
	}
	if (rng_.percent(50)) {
		if (syncfs(fd_.get()) < 0)
			sys_fail("syncfs", errno);
		r.note = "syncfs, ";
	}
	int f = ::open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	int e = f < 0 ? errno : 0;
	Fd dfd(f);
	if (f >= 0 && ::write(f, "3\n", 2) != 2)
		e = errno;
	if (e) {
		drop_reason_ = std::string("/proc/sys/vm/drop_caches: ") + std::strerror(e);
		if (opt_.strict_drop)
			fail(3, drop_reason_ + " (--strict-drop-caches)");
		drop_unavailable_ = true;
		skipped_drop_++;
		r.note = "skipped: " + drop_reason_;
		return;
	}
	r.note += "dropped page cache";
}

void Fsx::do_remount(Record &r)
{
	close_file();
	std::fflush(stdout);
	std::fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		sys_fail("fork", errno);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", opt_.remount_cmd.c_str(), static_cast<char *>(nullptr));
		_exit(127);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			sys_fail("waitpid", errno);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char m[200];
		std::snprintf(m, sizeof(m), "remount command failed (%s %d): %s",
			      WIFEXITED(st) ? "exit status" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st),
			      opt_.remount_cmd.c_str());
		fail(3, m);
	}
	open_file(0);
	r.note = "remounted";
}

// Choose a source range inside the file and a destination that does not
// overlap it.  Returns false when none fits.
bool Fsx::pick_copy(Record &r, uint64_t max_len)
{
	uint64_t size = model_.size();
	if (size == 0)
		return false;
	for (int tries = 0; tries < 16; tries++) {
		uint64_t src = gen_off(size - 1);
		uint64_t len = gen_len(std::min(size - src, max_len));
		if (len > opt_.max_size / 2)
			continue;
		uint64_t dst = gen_off(opt_.max_size - len);
		if (dst + len <= src || src + len <= dst) {
			r.aux = src;
			r.off = dst;
			r.len = len;
			return true;
		}
	}
	return false;
}

void Fsx::do_copyrange(Record &r)
{
	if (!pick_copy(r, opt_.max_len)) {
		r.note = "no non-overlapping range, skipped";
		return;
	}
	loff_t in = static_cast<loff_t>(r.aux), out = static_cast<loff_t>(r.off);
	uint64_t done = 0;
	while (done < r.len) {
		ssize_t n = copy_file_range(fd_.get(), &in, fd_.get(), &out, r.len - done, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			sys_fail("copy_file_range", errno);
		}
		if (n == 0)
			break;
		done += static_cast<uint64_t>(n);
	}
	// The source range is inside the file, so all of it must be copied.
	std::vector<uint8_t> src(model_.begin() + static_cast<ptrdiff_t>(r.aux),
				 model_.begin() + static_cast<ptrdiff_t>(r.aux + r.len));
	if (done != r.len) {
		char m[160];
		std::snprintf(m, sizeof(m), "copy_file_range copied %" PRIu64 " of %" PRIu64 " bytes inside the file",
			      done, r.len);
		model_write(r.off, src.data(), done);
		fail(1, m);
	}
	model_write(r.off, src.data(), r.len);
}

void Fsx::do_splice(Record &r)
{
	// Through one pipe that this process fills before it drains it: the
	// whole range must fit.  A pipe holds a number of buffers (16 by
	// default), not of bytes, and a splice from the page cache takes one
	// per page touched: an unaligned range of 16 pages touches 17 and
	// would block for ever on a full pipe.  So the pipe gets room for 32
	// buffers, and the range stays within 15 pages when it cannot.
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		sys_fail("pipe2", errno);
	Fd rd(pfd[0]), wr(pfd[1]);
	const uint64_t slots = fcntl(wr.get(), F_SETPIPE_SZ, static_cast<int>(32 * page_)) >= 0 ? 32 : 16;
	if (!pick_copy(r, std::min<uint64_t>(opt_.max_len, (slots / 2 - 1) * page_))) {
		r.note = "no non-overlapping range, skipped";
		return;
	}
	loff_t in = static_cast<loff_t>(r.aux), out = static_cast<loff_t>(r.off);
	uint64_t inpipe = 0;
	while (inpipe < r.len) {
		ssize_t n = splice(fd_.get(), &in, wr.get(), nullptr, r.len - inpipe, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			sys_fail("splice file->pipe", errno);
		}
		if (n == 0)
			break;
		inpipe += static_cast<uint64_t>(n);
	}
	if (inpipe != r.len) {
		char m[160];
		std::snprintf(m, sizeof(m), "splice read %" PRIu64 " of %" PRIu64 " bytes inside the file", inpipe,
			      r.len);
		fail(1, m);
	}
	uint64_t written = 0;
	while (written < r.len) {
		ssize_t n = splice(rd.get(), nullptr, fd_.get(), &out, r.len - written, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			sys_fail("splice pipe->file", errno);
		}
		if (n == 0)
			break;
		written += static_cast<uint64_t>(n);
	}
	std::vector<uint8_t> src(model_.begin() + static_cast<ptrdiff_t>(r.aux),
				 model_.begin() + static_cast<ptrdiff_t>(r.aux + r.len));
	model_write(r.off, src.data(), written);
	if (written != r.len) {
		char m[160];
		std::snprintf(m, sizeof(m), "splice wrote %" PRIu64 " of %" PRIu64 " bytes", written, r.len);
		fail(1, m);
	}
}

int Fsx::run()
{
	open_file(O_TRUNC);
	check_all();
	log_.reserve(std::min<uint64_t>(opt_.ops, 1u << 22));
	for (opnum_ = 1; opnum_ <= opt_.ops; opnum_++) {
		Op op = pick_op();
		// Operations that need content fall back to a write on an empty file.
		if (model_.empty() && (op == Op::MapWrite || op == Op::MapRead || op == Op::CopyRange ||
				       op == Op::Splice))
			op = Op::Write;
		log_.push_back(Record{opnum_, op, 0, 0, 0, model_.size(), 0, {}});
		Record &r = log_.back();
		switch (op) {
		case Op::Write: do_write(r); break;
		case Op::Append: do_append(r); break;
		case Op::Read: do_read(r); break;
		case Op::Truncate: do_truncate(r); break;
		case Op::OpenTrunc: do_opentrunc(r); break;
		case Op::MapWrite: do_mapwrite(r); break;
		case Op::MapRead: do_mapread(r); break;
		case Op::Fsync: do_sync(r, false); break;
		case Op::Fdatasync: do_sync(r, true); break;
		case Op::Reopen: do_reopen(r); break;
		case Op::DropCaches: do_dropcaches(r); break;
		case Op::Remount: do_remount(r); break;
		case Op::CopyRange: do_copyrange(r); break;
		case Op::Splice: do_splice(r); break;
		case Op::Count: break;
		}
		r.size_after = model_.size();
		count_[static_cast<size_t>(op)]++;
		if (opnum_ == opt_.corrupt_at) {
			if (model_.empty()) {
				model_resize(1);
				model_[0] = 0x5a;
				r.note += " self-test: model grown by one byte";
			} else {
				uint64_t x = rng_.below(model_.size());
				model_[x] ^= 0x5a;
				char m[80];
				std::snprintf(m, sizeof(m), " self-test: model byte 0x%" PRIx64 " corrupted", x);
				r.note += m;
			}
		}
		if (opt_.verbose)
			print_record(stdout, r);
		if (opnum_ % opt_.check_every == 0 || opnum_ == opt_.ops)
			check_all();
		else
			check_size();
	}
	close_file();
	// A last look through a fresh descriptor.
	open_file(0);
	check_all();
	close_file();

	stress::Fnv64 h;
	h.add(std::span<const uint8_t>(model_.data(), model_.size()));
	std::printf("fsx-ecryptfs: PASS seed %" PRIu64 ", %" PRIu64 " ops, final size %zu, digest %016" PRIx64 "\n",
		    opt_.seed, opt_.ops, model_.size(), h.value());
	std::printf("  ops:");
	for (size_t i = 0; i < count_.size(); i++)
		if (count_[i])
			std::printf(" %s=%" PRIu64, op_info[i].name, count_[i]);
	std::printf("\n");
	if (skipped_drop_)
		std::printf("  note: %" PRIu64 " dropcaches skipped (%s)\n", skipped_drop_, drop_reason_.c_str());
	if (!opt_.save_model.empty()) {
		FILE *f = std::fopen(opt_.save_model.c_str(), "w");
		if (!f || (model_.size() && std::fwrite(model_.data(), 1, model_.size(), f) != model_.size()) ||
		    std::fclose(f) != 0) {
			std::fprintf(stderr, "fsx-ecryptfs: cannot write %s: %s\n", opt_.save_model.c_str(),
				     std::strerror(errno));
			return 2;
		}
	}
	return 0;
}

Options parse_args(int argc, char **argv)
{
	Options o;
	for (size_t i = 0; i < o.weight.size(); i++)
		o.weight[i] = op_info[i].weight;
	bool weights_set[static_cast<size_t>(Op::Count)] = {};
	auto need = [&](int &i) -> std::string {
		if (i + 1 >= argc)
			usage_error(std::string(argv[i]) + " needs a value");
		return argv[++i];
	};
	auto num = [&](int &i) -> uint64_t {
		std::string opt = argv[i];
		std::string v = need(i);
		auto n = stress::parse_u64(v);
		if (!n)
			usage_error("bad number '" + v + "' for " + opt);
		return *n;
	};
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		if (a == "-h" || a == "--help") {
			print_help();
			std::exit(0);
		} else if (a == "--seed")
			o.seed = num(i);
		else if (a == "--ops")
			o.ops = num(i);
		else if (a == "--max-size")
			o.max_size = num(i);
		else if (a == "--max-len")
			o.max_len = num(i);
		else if (a == "--log-ops")
			o.log_ops = num(i);
		else if (a == "--check-every")
			o.check_every = num(i);
		else if (a == "--self-test-corrupt")
			o.corrupt_at = num(i);
		else if (a == "--copy-range")
			o.copy_range = true;
		else if (a == "--splice")
			o.splice = true;
		else if (a == "--no-mmap")
			o.mmap = false;
		else if (a == "--strict-drop-caches")
			o.strict_drop = true;
		else if (a == "--remount-cmd")
			o.remount_cmd = need(i);
		else if (a == "--failure-dir")
			o.failure_dir = need(i);
		else if (a == "--save-model")
			o.save_model = need(i);
		else if (a == "-v" || a == "--verbose")
			o.verbose = true;
		else if (a == "--weight") {
			std::string v = need(i);
			auto eq = v.find('=');
			if (eq == std::string::npos)
				usage_error("--weight wants OP=N, got '" + v + "'");
			std::string name = v.substr(0, eq);
			auto n = stress::parse_u64(v.substr(eq + 1));
			if (!n || *n > 1000)
				usage_error("bad weight in '" + v + "' (0..1000)");
			size_t k = 0;
			while (k < op_info.size() && name != op_info[k].name)
				k++;
			if (k == op_info.size())
				usage_error("unknown operation '" + name + "' in --weight");
			o.weight[k] = static_cast<unsigned>(*n);
			weights_set[k] = true;
		} else if (!a.empty() && a[0] == '-')
			usage_error("unknown option " + a);
		else if (o.path.empty())
			o.path = a;
		else
			usage_error("only one FILE may be given");
	}
	if (o.path.empty())
		usage_error("no FILE given");
	if (o.max_size < 1 || o.max_size > (1ULL << 30))
		usage_error("--max-size must be 1..1G");
	if (o.check_every == 0)
		usage_error("--check-every must be at least 1");
	if (o.ops > UINT32_MAX - 1)
		usage_error("--ops must be below 2^32");
	auto off = [&](Op op, bool cond) {
		if (!cond)
			o.weight[static_cast<size_t>(op)] = 0;
	};
	// Optional operations are off unless asked for; an explicit --weight
	// for them also needs their enabling option.
	off(Op::CopyRange, o.copy_range);
	off(Op::Splice, o.splice);
	off(Op::Remount, !o.remount_cmd.empty());
	off(Op::MapWrite, o.mmap);
	off(Op::MapRead, o.mmap);
	if (weights_set[static_cast<size_t>(Op::Remount)] && o.remount_cmd.empty())
		usage_error("--weight remount=N needs --remount-cmd");
	unsigned total = 0;
	for (unsigned w : o.weight)
		total += w;
	if (total == 0)
		usage_error("every operation has weight 0");
	return o;
}

} // namespace

int main(int argc, char **argv)
{
	Options o = parse_args(argc, argv);
	Fsx fsx(std::move(o));
	return fsx.run();
}
