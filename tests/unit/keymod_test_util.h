// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers for the key-module unit tests: load a module of this build through
 * its plugin ABI and call it with name=value parameters; make temporary
 * directories; run helper programs.  A missing module or tool is a test
 * failure, never a skip.
 */
#ifndef KEYMOD_TEST_UTIL_H
#define KEYMOD_TEST_UTIL_H

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <ecryptfs/keymod.h>
#include <gtest/gtest.h>

namespace ecryptfs_test {

/* <build>/lib/ecryptfs, found from this test's own path (<build>/tests/unit/x). */
inline std::filesystem::path keymod_dir()
{
	if (const char *d = getenv("ECRYPTFS_KEYMOD_DIR"))
		return d;
	return std::filesystem::read_symlink("/proc/self/exe").parent_path() / "../../lib/ecryptfs";
}

/* The module's ops, or nullptr with a test failure. */
inline const ecryptfs_keymod_ops *load_keymod(const std::string &alias)
{
	auto path = keymod_dir() / ("ecryptfs_keymod_" + alias + ".so");
	void *h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		ADD_FAILURE() << "cannot load " << path << ": " << dlerror();
		return nullptr;
	}
	auto get = reinterpret_cast<ecryptfs_keymod_get_fn>(dlsym(h, ECRYPTFS_KEYMOD_ENTRY));
	if (!get) {
		ADD_FAILURE() << path << " has no " << ECRYPTFS_KEYMOD_ENTRY;
		return nullptr;
	}
	const ecryptfs_keymod_ops *ops = get();
	EXPECT_EQ(ops->abi_version, unsigned(ECRYPTFS_KEYMOD_ABI_VERSION));
	EXPECT_STREQ(ops->alias, alias.c_str());
	return ops;
}

using Params = std::vector<std::pair<std::string, std::string>>;

struct KeyResult {
	int rc = -1;
	std::vector<std::uint8_t> blob;
	std::string sig;
	std::string err;
};

inline std::vector<ecryptfs_keymod_value> values(const Params &p)
{
	std::vector<ecryptfs_keymod_value> v;
	for (auto &[n, val] : p)
		v.push_back({n.c_str(), val.c_str()});
	return v;
}

inline KeyResult make_key(const ecryptfs_keymod_ops *ops, const Params &p)
{
	auto v = values(p);
	KeyResult r;
	r.blob.resize(ECRYPTFS_KEYMOD_MAX_BLOB);
	size_t len = 0;
	char sig[17] = "";
	char err[512] = "";
	r.rc = ops->make_key(v.data(), v.size(), r.blob.data(), &len, sig, err, sizeof(err));
	r.blob.resize(r.rc == 0 ? len : 0);
	r.sig = sig;
	r.err = err;
	return r;
}

inline std::pair<int, std::string> generate(const ecryptfs_keymod_ops *ops, const Params &p)
{
	auto v = values(p);
	char err[512] = "";
	int rc = ops->generate(v.data(), v.size(), err, sizeof(err));
	return {rc, err};
}

struct Crypt {
	int rc = -1;
	std::vector<std::uint8_t> out;
	std::string err;
};

inline Crypt encrypt(const ecryptfs_keymod_ops *ops, const std::vector<std::uint8_t> &blob,
		     const std::vector<std::uint8_t> &in)
{
	Crypt c;
	c.out.resize(ECRYPTFS_KEYMOD_MAX_WRAPPED);
	size_t n = c.out.size();
	char err[512] = "";
	c.rc = ops->encrypt(blob.data(), blob.size(), in.data(), in.size(), c.out.data(), &n, err,
			    sizeof(err));
	c.out.resize(c.rc == 0 ? n : 0);
	c.err = err;
	return c;
}

inline Crypt decrypt(const ecryptfs_keymod_ops *ops, const std::vector<std::uint8_t> &blob,
		     const char *secret, const std::vector<std::uint8_t> &in)
{
	Crypt c;
	c.out.resize(ECRYPTFS_KEYMOD_MAX_PLAIN);
	size_t n = c.out.size();
	char err[512] = "";
	c.rc = ops->decrypt(blob.data(), blob.size(), secret, in.data(), in.size(), c.out.data(), &n,
			    err, sizeof(err));
	c.out.resize(c.rc == 0 ? n : 0);
	c.err = err;
	return c;
}

/* A temporary directory removed with everything in it. */
class TempDir {
public:
	TempDir()
	{
		char tmpl[] = "/tmp/keymod-test.XXXXXX";
		if (!mkdtemp(tmpl))
			throw std::runtime_error("mkdtemp failed");
		path_ = tmpl;
	}
	~TempDir()
	{
		std::error_code ec;
		std::filesystem::remove_all(path_, ec);
	}
	const std::filesystem::path &path() const { return path_; }

private:
	std::filesystem::path path_;
};

/* Runs a shell command (test fixtures only); its exit status. */
inline int run(const std::string &cmd)
{
	int st = std::system(cmd.c_str());
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Full path of @prog in PATH (or the sbin directories), empty if absent. */
inline std::string find_program(const std::string &prog)
{
	std::string path = getenv("PATH") ? getenv("PATH") : "";
	path += ":/usr/sbin:/sbin:/usr/bin:/bin";
	size_t s = 0;
	while (s <= path.size()) {
		size_t e = path.find(':', s);
		if (e == std::string::npos)
			e = path.size();
		std::filesystem::path p = path.substr(s, e - s);
		if (!p.empty() && access((p / prog).c_str(), X_OK) == 0)
			return p / prog;
		s = e + 1;
	}
	return {};
}

/* Seconds spent in @f. */
template <class F>
double timed(F &&f)
{
	auto t0 = std::chrono::steady_clock::now();
	f();
	return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace ecryptfs_test

#endif
