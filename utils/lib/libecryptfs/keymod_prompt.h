// SPDX-License-Identifier: GPL-2.0-only
/*
 * Asking a user for key-module parameters on the terminal (ecryptfs-manager
 * options 2 and 3; usable by any interactive tool): a numbered menu of
 * modules and one prompt per parameter.  Everything is read from fd 0 byte by
 * byte (no stdio buffer, so passphrase_input can read the same stream);
 * secrets are read with echo off through read_passphrase and go straight
 * into the wiped Values.
 *
 * Prompts: "<prompt> [<default>]: " for plain values (an empty answer takes
 * the default; an optional parameter without default stays unset), "<prompt>: "
 * and, for ECRYPTFS_KEYMOD_VERIFY, "Verify <prompt>: " for secrets.
 */
#ifndef LIBECRYPTFS_KEYMOD_PROMPT_H
#define LIBECRYPTFS_KEYMOD_PROMPT_H

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "libecryptfs/key_module.h"
#include "libecryptfs/mount_dialog.h"
#include "libecryptfs/result.h"

namespace ecryptfs::keymod {

/* One line from fd 0 without its newline; nullopt at end of input.  At most @max bytes are kept. */
std::optional<std::string> read_plain_line(std::size_t max = 4096);

/*
 * "<title>\n 1) a\n 2) b\nSelection: " until a listed number is typed;
 * the chosen index, or nullopt at end of input.
 */
std::optional<std::size_t> choose(const char *title, const std::vector<std::string> &items);

/*
 * Ask for every parameter of @params that @vals does not hold yet.
 * -EINVAL with the reason when a required value is empty, secrets differ or
 * input ends.
 */
Status prompt_params(std::span<const ecryptfs_keymod_param> params, Values &vals);

/*
 * The same through @io (mount.ecryptfs's dialog, scripted in tests); the
 * overload above uses the terminal.  One implementation serves both.
 */
Status prompt_params(mount::DialogIo &io, std::span<const ecryptfs_keymod_param> params,
		     Values &vals);

} // namespace ecryptfs::keymod

#endif
