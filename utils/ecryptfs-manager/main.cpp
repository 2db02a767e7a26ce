// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecryptfs-manager: the reference's interactive key menu.
 *   1. a passphrase key (default salt) into the user keyring;
 *   2. a key of a key module (openssl, pkcs11, tpm: whatever the key-module
 *      directory holds) through add_module_key, which needs the user's
 *      ecryptfsd (it keeps the module's secret; the keyring gets none);
 *   3. a new key pair from a module that can generate one (openssl: an
 *      encrypted PEM file; tpm: a key file; pkcs11: a key pair on the token);
 *   4. exit.
 * Secrets are read with echo off into wiped memory, never from argv.
 */
#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include <keyutils.h>

#include "libecryptfs/cli.h"
#include "libecryptfs/crypto.h"
#include "libecryptfs/key_module.h"
#include "libecryptfs/keymod_prompt.h"
#include "libecryptfs/keyring.h"
#include "libecryptfs/passphrase_input.h"

using namespace ecryptfs;

namespace {

constexpr const char *kMenu = "\neCryptfs key management menu\n"
			      "-------------------------------\n"
			      "\t1. Add passphrase key to keyring\n"
			      "\t2. Add public key to keyring\n"
			      "\t3. Generate new public/private keypair\n"
			      "\t4. Exit\n";
constexpr const char *kKeyTypeTitle = "Select key type to use for newly created files: ";
/* The reference reads at most 63 characters of the mount-wide passphrase. */
constexpr std::size_t kManagerPassphraseMax = 63;

void added_message(const std::string &sig, KeyAdded how)
{
	if (how == KeyAdded::added)
		std::printf("\nAdded key to keyring with signature [%s].\n\n", sig.c_str());
	else
		std::printf("\nThat key was already in the keyring.\n\n");
}

void add_passphrase_key()
{
	std::printf("\n");
	auto pass = read_passphrase("\tMount-wide passphrase");
	if (!pass)
		return;
	if (pass.passphrase->empty()) {
		std::printf("Invalid passphrase. Aborting mount.\n");
		return;
	}
	if (pass.passphrase->size() > kManagerPassphraseMax) {
		/* The reference reads 63 bytes and misparses the rest; say it instead. */
		std::printf("Passphrase is too long. Use at most %zu characters long passphrase.\n",
			    kManagerPassphraseMax);
		return;
	}
	auto confirm = read_passphrase("\tConfirm passphrase");
	if (!confirm)
		return;
	if (!(*confirm.passphrase == *pass.passphrase)) {
		std::printf("Passphrase mismatch. Aborting mount\n");
		return;
	}
	std::printf("\tUsing the default salt value\n");
	auto added = add_passphrase_key_to_keyring(*pass.passphrase, kDefaultSalt);
	if (!added) {
		std::printf("Error adding key to keyring; rc = [%d]: %s\n", added.error().code,
			    added.error().reason.c_str());
		return;
	}
	added_message(added.value().sig, added.value().how);
}

/* The modules of the key-module directory; the ones @usable accepts. */
template <class Pred>
std::vector<const keymod::Module *> modules(const keymod::LoadedModules &all, Pred usable)
{
	for (const auto &p : all.problems)
		std::fprintf(stderr, "Warning: %s\n", p.c_str());
	std::vector<const keymod::Module *> out;
	for (const auto &m : all.modules)
		if (usable(m))
			out.push_back(&m);
	return out;
}

const keymod::Module *pick(const std::vector<const keymod::Module *> &mods)
{
	std::vector<std::string> names;
	for (auto *m : mods)
		names.emplace_back(m->alias());
	auto i = keymod::choose(kKeyTypeTitle, names);
	return i ? mods[*i] : nullptr;
}

void add_public_key()
{
	auto all = keymod::load_all(keymod::module_dir());
	auto mods = modules(all, [](const keymod::Module &) { return true; });
	if (mods.empty()) {
		std::printf("No key module is installed in %s\n", keymod::module_dir().c_str());
	} else if (const keymod::Module *m = pick(mods)) {
		keymod::Values vals;
		auto st = keymod::prompt_params(m->params(), vals);
		if (!st) {
			std::printf("Error: %s\n", st.error().reason.c_str());
		} else {
			auto added = keymod::add_module_key(*m, vals);
			if (added)
				added_message(added.value().sig, added.value().how);
			else
				std::printf("Error adding the %s key; rc = [%d]: %s\n",
					    std::string(m->alias()).c_str(), added.error().code,
					    added.error().reason.c_str());
		}
	}
	std::printf("Returning to main menu\n");
}

void generate_key_pair()
{
	auto all = keymod::load_all(keymod::module_dir());
	auto mods = modules(all, [](const keymod::Module &m) { return m.ops().generate != nullptr; });
	if (mods.empty()) {
		std::printf("No key module that generates keys is installed in %s\n",
			    keymod::module_dir().c_str());
	} else if (const keymod::Module *m = pick(mods)) {
		keymod::Values vals;
		auto st = keymod::prompt_params(m->gen_params(), vals);
		if (st)
			st = m->generate(vals);
		if (!st)
			std::printf("Error generating the %s key; rc = [%d]: %s\n",
				    std::string(m->alias()).c_str(), st.error().code,
				    st.error().reason.c_str());
	}
	std::printf("Returning to main menu\n");
}

const cli::Command kCmd = {
	.name = "ecryptfs-manager",
	.usage = "Usage: ecryptfs-manager\n",
	.description = "A menu on the terminal: add a passphrase key or a public key (through\n"
		       "a key module: openssl, pkcs11, tpm) to your keyring, or generate a new\n"
		       "key pair.  Answers are read from standard input, one per line.\n",
	.max_operands = 0,
};

} // namespace

int main(int argc, char **argv)
{
	cli::parse(kCmd, argc, argv);
	if (keyctl_link(KEY_SPEC_USER_KEYRING, KEY_SPEC_SESSION_KEYRING) != 0) {
		std::printf("Error attempting to validate keyring integrity; rc = [%d]\n", -errno);
		return 1;
	}
	for (;;) {
		std::printf("%s\nMake selection: ", kMenu);
		std::fflush(stdout);
		std::optional<std::string> line;
		for (;;) {
			line = keymod::read_plain_line(16);
			if (!line) {
				std::printf("\n");
				return 1;
			}
			if (line->size() == 1 && (*line)[0] >= '1' && (*line)[0] <= '4')
				break;
			std::printf("Invalid selection\n\nMake selection: ");
			std::fflush(stdout);
		}
		switch ((*line)[0]) {
		case '1':
			add_passphrase_key();
			break;
		case '2':
			add_public_key();
			break;
		case '3':
			generate_key_pair();
			break;
		default:
			return 0;
		}
		std::fflush(stdout);
	}
}
