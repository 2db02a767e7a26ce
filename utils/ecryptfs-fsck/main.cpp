// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-fsck LOWER: check an eCryptfs lower tree without mounting it.
 * Read-only.  Exit codes in the spirit of fsck(8): 0 no problem, 4
 * problems found, 8 operational error, 16 usage error.
 */
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "libecryptfs/cli.h"
#include "libecryptfs/lower_file.h"
#include "libecryptfs/offline.h"

using namespace ecryptfs;

namespace {

constexpr int kExitClean = 0;
constexpr int kExitProblems = 4;
constexpr int kExitOperational = 8;

const cli::Option kOwnOptions[] = {
	{'d', "deep", 'd', nullptr, "decrypt every extent (finds zeroed or missing extents)"},
	{'v', "verbose", 'v', nullptr, "one line for every file, not only for problems"},
};

constexpr const char *kDescription =
	"Check an eCryptfs lower directory (or one lower file) without mounting it:\n"
	"for each file the header, the key it needs and whether that key was given,\n"
	"the size field against the lower size, the padding of the last extent\n"
	"(a wrong file key shows there) and, with --deep, every extent; for each\n"
	"name whether it decodes.  Nothing is written.  Without keys only the\n"
	"headers, sizes and name formats are checked and the keys the tree needs\n"
	"are listed; with keys, a file or name whose key is not among them is a\n"
	"problem.\n\n"
	"Exit status: 0 no problem, 4 problems found, 8 operational error (a\n"
	"directory that cannot be read, a key that cannot be read), 2 usage error.\n";

struct Fsck {
	bool deep = false;
	bool verbose = false;
	bool have_keys = false;
	OfflineKeys *keys = nullptr;
	unsigned long files = 0, dirs = 0, links = 0, other = 0, ok = 0, problems = 0, not_ecryptfs = 0,
		      unchecked = 0, empty = 0;
	bool operational = false;
	std::map<std::string, unsigned long> file_sigs, name_sigs;

	void problem(const std::string &who, const std::string &what)
	{
		std::printf("%s: %s\n", who.c_str(), what.c_str());
		problems++;
	}

	void check_file(const offline::Entry &e, const std::string &who)
	{
		files++;
		auto lf = LowerFile::open_at(e.dirfd, e.name);
		if (!lf && lf.error().code == -ENODATA && e.st.st_size == 0) {
			empty++;
			if (verbose)
				std::printf("%s: empty lower file (the module makes it an empty encrypted file on open)\n",
					    who.c_str());
			return;
		}
		if (!lf) {
			if (lf.error().code == -ENODATA) {
				not_ecryptfs++;
				problems++;
				std::printf("%s: not an eCryptfs file: %s\n", who.c_str(), lf.error().reason.c_str());
			} else {
				problem(who, "damaged header: " + lf.error().reason);
			}
			return;
		}
		LowerFile &f = lf.value();
		for (const auto &k : f.keys())
			file_sigs[k.sig]++;
		bool bad = false;
		std::uint64_t need = f.extents_needed(), have = f.extents_present();
		if (f.partial_extent_bytes()) {
			problem(who, "the lower file ends inside data extent " + std::to_string(have) + " (" +
					     std::to_string(f.partial_extent_bytes()) +
					     " of 4096 bytes): it was cut off");
			bad = true;
		}
		if (need > have) {
			problem(who, "the size field says " + std::to_string(f.size()) + " bytes (" +
					     std::to_string(need) + " extents) but the lower file holds " +
					     std::to_string(have) + " extents (" + std::to_string(have * 4096) +
					     " bytes): data is missing or the size field lies");
			bad = true;
		} else if (have > need && verbose) {
			std::printf("%s: note: %llu extents beyond the size field (harmless)\n", who.c_str(),
				    static_cast<unsigned long long>(have - need));
		}
		if (!have_keys) {
			unchecked++;
			if (!bad) {
				ok++;
				if (verbose)
					std::printf("%s: header ok, %llu bytes, key %s (not checked: no keys given)\n",
						    who.c_str(), static_cast<unsigned long long>(f.size()),
						    f.keys().front().sig.c_str());
			}
			return;
		}
		auto u = f.unlock(*keys);
		if (!u) {
			problem(who, "cannot decrypt: " + u.error().reason);
			return;
		}
		std::uint64_t checked = 0, zero_or_missing = 0;
		if (deep) {
			std::vector<std::uint8_t> buf(kExtentSize);
			for (std::uint64_t n = 0; n < std::min(need, have); n++) {
				auto r = f.read_extent(n, buf.data());
				checked++;
				if (!r) {
					problem(who, r.error().reason);
					bad = true;
					if (++zero_or_missing >= 20) {
						problem(who, "(more extents not reported)");
						break;
					}
				}
			}
		}
		auto pad = f.padding_is_zero();
		if (pad && !*pad) {
			problem(who, "the padding after the end of the data in extent " +
					     std::to_string(f.size() / 4096) +
					     " does not decrypt to zeros: a wrong or damaged file key (key " +
					     f.unlocked_sig() + ") or a damaged last extent");
			bad = true;
		}
		if (!bad) {
			ok++;
			if (verbose)
				std::printf("%s: ok, %llu bytes, %s-%zu, key %s%s%s\n", who.c_str(),
					    static_cast<unsigned long long>(f.size()), f.cipher_name().c_str(),
					    f.key_bytes() * 8, f.unlocked_sig().c_str(),
					    f.header_in_xattr() ? ", header in xattr" : "",
					    deep ? (", " + std::to_string(checked) + " extents decrypted").c_str()
						 : "");
		}
	}

	bool visit(const offline::Entry &e)
	{
		std::string who = offline::display(e);
		if (auto sig = NameDecoder::sig_of(e.name); sig && !sig->empty())
			name_sigs[*sig]++;
		if (e.name_error) {
			bool key_missing = e.name_error->code == -ENOKEY;
			if (!key_missing || have_keys)
				problem(e.lower_path, "name: " + e.name_error->reason);
		}
		if (S_ISDIR(e.st.st_mode)) {
			dirs++;
			return true;
		}
		if (S_ISLNK(e.st.st_mode)) {
			links++;
			auto link = offline::read_link(e.dirfd, e.name);
			if (!link) {
				problem(who, link.error().reason);
				return false;
			}
			auto t = decoder->decode(link.value(), true);
			if (!t && (t.error().code != -ENOKEY || have_keys))
				problem(who, "link target: " + t.error().reason);
			return false;
		}
		if (S_ISREG(e.st.st_mode)) {
			check_file(e, who);
			return false;
		}
		other++;
		return false;
	}

	NameDecoder *decoder = nullptr;
};

} // namespace

int main(int argc, char **argv)
{
	const auto args = offline::parse("ecryptfs-fsck", "Usage: ecryptfs-fsck [OPTIONS] LOWER\n",
				       kDescription, kOwnOptions, 1, argc, argv);
	Fsck fsck;
	fsck.deep = args.has('d');
	fsck.verbose = args.has('v');
	const offline::KeyOptions ko = offline::key_options(args);
	const std::string root = args.operands[0];
	auto keys = offline::gather_keys(ko);
	if (!keys) {
		std::fprintf(stderr, "ecryptfs-fsck: %s\n", keys.error().reason.c_str());
		return kExitOperational;
	}
	fsck.have_keys = ko.any();
	fsck.keys = &keys.value();
	NameDecoder names(keys.value());
	fsck.decoder = &names;
	auto w = offline::walk(
		root, names, [&](const offline::Entry &e) { return fsck.visit(e); },
		[&](const std::string &p, const Error &err) {
			std::printf("%s: cannot read: %s\n", p.empty() ? root.c_str() : p.c_str(),
				    err.reason.c_str());
			fsck.operational = true;
		});
	if (!w) {
		std::fprintf(stderr, "ecryptfs-fsck: %s\n", w.error().reason.c_str());
		return kExitOperational;
	}
	std::printf("%lu files (%lu ok, %lu with problems, %lu not eCryptfs, %lu empty), %lu directories, "
		    "%lu symlinks, %lu other; %lu problems\n",
		    fsck.files, fsck.ok, fsck.files - fsck.ok - fsck.empty, fsck.not_ecryptfs, fsck.empty,
		    fsck.dirs, fsck.links, fsck.other, fsck.problems);
	auto list_sigs = [&](const char *what, const std::map<std::string, unsigned long> &m) {
		for (const auto &[sig, n] : m) {
			const char *state = !fsck.have_keys ? "" : keys.value().find(sig) ? " (given)" : " (NOT given)";
			std::printf("%s key %s: %lu %s%s\n", what, sig.c_str(), n, n == 1 ? "use" : "uses", state);
		}
	};
	list_sigs("file", fsck.file_sigs);
	list_sigs("filename", fsck.name_sigs);
	if (!fsck.have_keys && fsck.unchecked)
		std::printf("%lu files not decrypted: no keys given (see --help)\n", fsck.unchecked);
	if (fsck.operational)
		return kExitOperational | (fsck.problems ? kExitProblems : 0);
	return fsck.problems ? kExitProblems : kExitClean;
}
