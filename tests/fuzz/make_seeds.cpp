// SPDX-License-Identifier: GPL-2.0-only
/*
 * make_seeds DIR: writes the binary seeds of tests/fuzz/corpus (valid
 * headers, lower names, device messages, wrapped-passphrase files, module
 * tokens) with the same builders the tools use; the text seeds are kept in
 * the tree as written.  Run by hand when a format changes; its output is
 * committed.
 */
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ecryptfs/fname.h"
#include "ecryptfs/header.h"
#include "ecryptfs/msg.h"
#include "libecryptfs/crypto.h"
#include "libecryptfs/key_module.h"
#include "libecryptfs/secret_channel.h"
#include "libecryptfs/wrapped.h"

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

static std::string g_dir;

static void put(const std::string &harness, const std::string &name, const Bytes &b)
{
	fs::create_directories(g_dir + "/" + harness);
	std::ofstream(g_dir + "/" + harness + "/" + name, std::ios::binary)
		.write(reinterpret_cast<const char *>(b.data()), static_cast<std::streamsize>(b.size()));
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::fprintf(stderr, "usage: make_seeds DIR\n");
		return 2;
	}
	g_dir = argv[1];
	const std::uint8_t sig[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	const std::uint8_t salt[8] = {9, 9, 9, 9, 9, 9, 9, 9};
	Bytes efek(16, 0xab);

	/* Headers: tag 3 (passphrase), tag 1 (public key), two keys, v0-like size. */
	for (int variant = 0; variant < 3; ++variant) {
		Bytes h(8192, 0);
		std::size_t pos = ecryptfs_hdr_write_fixed(h.data(), 12345, 0x11223344, 0x0a, 8192);
		if (variant == 0 || variant == 2)
			ecryptfs_hdr_write_tag3(h.data(), h.size(), &pos, 7, salt, efek.data(),
						efek.size(), sig);
		if (variant >= 1) {
			Bytes rsa(256, 0x5a);
			ecryptfs_hdr_write_tag1(h.data(), h.size(), &pos, sig, rsa.data(), rsa.size());
		}
		ecryptfs_hdr_write_end(h.data(), h.size(), &pos);
		h.resize(pos + 16); /* the fuzzer need not carry 8 KiB of zeros */
		put("fuzz_header", "hdr" + std::to_string(variant), h);
	}

	/* Lower names: a tag 70 packet for a 16-byte block, encoded with the prefix. */
	for (std::size_t padded : {16u, 32u, 48u}) {
		Bytes pkt(ecryptfs_tag70_packet_len(padded));
		std::size_t hl = 0;
		ecryptfs_tag70_write_header(pkt.data(), pkt.size(), padded, sig, 7, &hl);
		for (std::size_t i = hl; i < pkt.size(); ++i)
			pkt[i] = static_cast<std::uint8_t>(i * 37);
		std::vector<char> name(ecryptfs_fname_lower_len(padded, 16) + 64);
		int n = ecryptfs_fname_encode_lower(pkt.data(), pkt.size(), name.data(), name.size());
		if (n > 0)
			put("fuzz_fname", "name" + std::to_string(padded),
			    Bytes(name.begin(), name.begin() + n));
		put("fuzz_fname", "pkt" + std::to_string(padded), pkt);
	}
	put("fuzz_fname", "plain", Bytes{0x42, 0x42, 0x42, 0x00, 'f', 'i', 'l', 'e'});

	/* Device messages: requests (tag 64, 66) framed as the kernel frames them, replies. */
	Bytes body(600);
	std::size_t bl = 0;
	Bytes frame(ECRYPTFS_MSG_MAX_READ);
	std::size_t fl = 0;
	ecryptfs_msg_write_tag64(body.data(), body.size(), "0102030405060708", efek.data(),
				 efek.size(), &bl);
	ecryptfs_msg_write(frame.data(), frame.size(), ECRYPTFS_MSG_REQUEST, 7, 3, body.data(), bl,
			   &fl);
	put("fuzz_msg", "req64", Bytes(frame.begin(), frame.begin() + fl));
	Bytes dreq{0};
	dreq.insert(dreq.end(), frame.begin(), frame.begin() + fl);
	put("fuzz_daemon", "dev-req64", dreq);
	Bytes key(16, 0x33);
	ecryptfs_msg_write_tag66(body.data(), body.size(), "0102030405060708", 7, key.data(),
				 key.size(), &bl);
	ecryptfs_msg_write(frame.data(), frame.size(), ECRYPTFS_MSG_REQUEST, 8, 4, body.data(), bl,
			   &fl);
	put("fuzz_msg", "req66", Bytes(frame.begin(), frame.begin() + fl));
	dreq.assign(1, 0);
	dreq.insert(dreq.end(), frame.begin(), frame.begin() + fl);
	put("fuzz_daemon", "dev-req66", dreq);
	Bytes blob(80);
	std::size_t kb = 0;
	ecryptfs_msg_write_key_blob(blob.data(), blob.size(), 7, key.data(), key.size(), &kb);
	std::size_t rl = 0;
	ecryptfs_msg_write_reply(body.data(), body.size(), ECRYPTFS_TAG_65_PACKET, blob.data(), kb,
				 &rl);
	ecryptfs_msg_write(frame.data(), frame.size(), ECRYPTFS_MSG_RESPONSE, 7, 3, body.data(), rl,
			   &fl);
	put("fuzz_msg", "resp65", Bytes(frame.begin(), frame.begin() + fl));
	ecryptfs_msg_write_reply(body.data(), body.size(), ECRYPTFS_TAG_67_PACKET, efek.data(),
				 efek.size(), &rl);
	ecryptfs_msg_write(frame.data(), frame.size(), ECRYPTFS_MSG_RESPONSE, 8, 4, body.data(), rl,
			   &fl);
	put("fuzz_msg", "resp67", Bytes(frame.begin(), frame.begin() + fl));
	Bytes bare(5);
	ecryptfs_msg_write_bare(bare.data(), ECRYPTFS_MSG_HELO, 1);
	put("fuzz_msg", "helo", bare);
	Bytes dquit{0};
	ecryptfs_msg_write_bare(bare.data(), ECRYPTFS_MSG_QUIT, 2);
	dquit.insert(dquit.end(), bare.begin(), bare.end());
	put("fuzz_daemon", "dev-quit", dquit);

	/* The secret socket: PING and PUT as the client sends them. */
	for (auto [name, op, s, secret] :
	     {std::tuple{"sock-ping", ecryptfs::secrets::kOpPing, "", ""},
	      std::tuple{"sock-put", ecryptfs::secrets::kOpPut, "0123456789abcdef", "pin 1234"}}) {
		Bytes m{1, 'E', 'S', 'E', 'C', 1, op};
		std::string sg(s);
		sg.resize(16, '\0');
		m.insert(m.end(), sg.begin(), sg.end());
		const std::size_t n = std::strlen(secret);
		m.push_back(static_cast<std::uint8_t>(n & 0xff));
		m.push_back(static_cast<std::uint8_t>(n >> 8));
		m.insert(m.end(), secret, secret + n);
		put("fuzz_daemon", name, m);
	}

	/* wrapped-passphrase: a v2 file (the harness's wrapping passphrase) and a v1-sized one. */
	using ecryptfs::Passphrase;
	auto w = ecryptfs::wrapped::wrap(Passphrase{std::string_view("mount passphrase")},
					 Passphrase{std::string_view("fuzz wrapping passphrase")},
					 ecryptfs::kDefaultSalt);
	if (w)
		put("fuzz_wrapped", "v2", w.value());
	put("fuzz_wrapped", "v1", Bytes(48, 0x61));

	/* Key-module token. */
	auto t = ecryptfs::keymod::build_private_key_token("openssl", "0123456789abcdef",
							   Bytes{'/', 'k', '.', 'p', 'e', 'm'});
	if (t)
		put("fuzz_keymod_token", "openssl",
		    Bytes(t.value().begin(), t.value().end()));
	return 0;
}
