// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-stat FILE: show the header fields of an eCryptfs lower file.
 */
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "libecryptfs/atomic_file.h"
#include "libecryptfs/cli.h"
#include "libecryptfs/lower_header.h"

using namespace ecryptfs;

static constexpr int kExitIoError = -EIO & 0xff; /* 251, as the reference */

static const cli::Command kCmd = {
	.name = "ecryptfs-stat",
	.usage = "Usage:\n\necryptfs-stat <filename>\n",
	.description = "Prints the header fields of an eCryptfs *lower* (encrypted) file:\n"
		       "format version, decrypted size, header size, where the metadata\n"
		       "lives, whether it is encrypted and whether HMAC is enabled.\n",
	.min_operands = 1,
	.max_operands = 1,
};

int main(int argc, char **argv)
{
	const auto args = cli::parse(kCmd, argc, argv);
	const char *name = args.operands[0];
	int fd = ::open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		std::printf("Error opening file [%s] for RD_ONLY access; errno msg = [%s]\n", name,
			    std::strerror(errno));
		return kExitIoError;
	}
	auto buf = read_up_to(fd, 4096);
	::close(fd);
	if (!buf) {
		std::printf("Error attempting to read from file [%s]; errno msg = [%s]\n", name,
			    buf.error().reason.c_str());
		return kExitIoError;
	}
	auto h = parse_lower_header(buf.value());
	if (!h) {
		std::fputs(h.error().reason.c_str(), stdout);
		std::printf("Valid eCryptfs metadata information not found in [%s]\n", name);
		return 0;
	}
	const LowerHeader &v = h.value();
	std::printf("File version: [%u]\n", v.version);
	std::printf("Decrypted file size: [%llu]\n", static_cast<unsigned long long>(v.file_size));
	std::printf("Number of header bytes at front of file: [%llu]\n",
		    static_cast<unsigned long long>(v.header_bytes));
	std::printf("%s\n", v.metadata_in_xattr ? "Metadata in the extended attribute region"
						: "Metadata in the header region");
	std::printf("%s\n", v.encrypted ? "Encrypted" : "Plaintext");
	std::printf("%s\n", v.hmac ? "HMAC enabled" : "HMAC disabled");
	return 0;
}
