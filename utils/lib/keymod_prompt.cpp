// SPDX-License-Identifier: GPL-2.0-only
/*
 * Terminal prompts for key-module parameters; see keymod_prompt.h.
 */
#include "libecryptfs/keymod_prompt.h"

#include <cerrno>
#include <cstdio>
#include <string_view>

#include <unistd.h>

#include "libecryptfs/passphrase_input.h"

namespace ecryptfs::keymod {

std::optional<std::string> read_plain_line(std::size_t max)
{
	std::string line;
	bool any = false;
	for (;;) {
		char c;
		ssize_t n = ::read(STDIN_FILENO, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		any = true;
		if (c == '\n')
			return line;
		if (line.size() < max)
			line.push_back(c);
	}
	if (!any)
		return std::nullopt;
	return line;
}

std::optional<std::size_t> choose(const char *title, const std::vector<std::string> &items)
{
	for (;;) {
		std::printf("%s\n", title);
		for (std::size_t i = 0; i < items.size(); i++)
			std::printf(" %zu) %s\n", i + 1, items[i].c_str());
		std::printf("Selection: ");
		std::fflush(stdout);
		auto line = read_plain_line();
		if (!line)
			return std::nullopt;
		char *end = nullptr;
		unsigned long n = std::strtoul(line->c_str(), &end, 10);
		if (!line->empty() && end && *end == '\0' && n >= 1 && n <= items.size())
			return n - 1;
		std::printf("Invalid selection\n");
	}
}

namespace {

std::string label(const ecryptfs_keymod_param &p)
{
	return p.prompt ? p.prompt : p.name;
}

Status ask_secret(mount::DialogIo &io, const ecryptfs_keymod_param &p, Values &vals)
{
	io.out(label(p) + ": ");
	auto first = io.read_secret();
	io.out("\n");
	if (!first)
		return Error{-EINVAL, "no " + label(p) + " given"};
	if (p.flags & ECRYPTFS_KEYMOD_VERIFY) {
		io.out("Verify " + label(p) + ": ");
		auto second = io.read_secret();
		io.out("\n");
		if (!second || !(second.value() == first.value()))
			return Error{-EINVAL, label(p) + " mismatch"};
	}
	if (first.value().empty() && !(p.flags & ECRYPTFS_KEYMOD_OPTIONAL))
		return Error{-EINVAL, "an empty " + label(p) + " is not allowed"};
	if (!first.value().empty())
		vals.set(p.name, first.value().view());
	return Ok{};
}

Status ask_plain(mount::DialogIo &io, const ecryptfs_keymod_param &p, Values &vals)
{
	if (p.default_val)
		io.out(label(p) + " [" + p.default_val + "]: ");
	else
		io.out(label(p) + ": ");
	auto line = io.read_line();
	if (!line)
		return Error{-EINVAL, "input ended at \"" + label(p) + "\""};
	std::string_view v = *line;
	if (v.empty() && p.default_val)
		v = p.default_val;
	if (v.empty()) {
		if (p.flags & ECRYPTFS_KEYMOD_OPTIONAL)
			return Ok{};
		return Error{-EINVAL, label(p) + " is required"};
	}
	vals.set(p.name, v);
	return Ok{};
}

} // namespace

Status prompt_params(mount::DialogIo &io, std::span<const ecryptfs_keymod_param> params,
		     Values &vals)
{
	for (const auto &p : params) {
		if (vals.get(p.name))
			continue;
		auto st = (p.flags & ECRYPTFS_KEYMOD_SECRET) ? ask_secret(io, p, vals)
							     : ask_plain(io, p, vals);
		if (!st)
			return st;
	}
	return Ok{};
}

Status prompt_params(std::span<const ecryptfs_keymod_param> params, Values &vals)
{
	mount::TerminalDialogIo io;
	return prompt_params(io, params, vals);
}

} // namespace ecryptfs::keymod
