// SPDX-License-Identifier: GPL-2.0-only
/*
 * The option parser of every tool (cli.h): getopt_long with the tables
 * built from a Command, and the "tool: message" error format.
 */
#include "libecryptfs/cli.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <getopt.h>

#include "libecryptfs/version.h"

namespace ecryptfs::cli {

namespace {

/* getopt_long's value for a long option without a short one. */
constexpr int kLongOnlyBase = 0x10000;
constexpr int kHelp = -1;
constexpr int kVersion = -2;

bool short_taken(const Command &cmd, char c)
{
	for (const Option &o : cmd.options)
		if (o.short_name == c)
			return true;
	return false;
}

bool long_taken(const Command &cmd, const char *name)
{
	for (const Option &o : cmd.options)
		if (o.long_name && std::strcmp(o.long_name, name) == 0)
			return true;
	return false;
}

/* What the user typed for the option getopt stopped at, for the message. */
std::string offending(const Command &cmd, char **argv, int at, int optopt_char)
{
	if (cmd.secret_operands)
		return "";
	const char *word = at > 0 ? argv[at - 1] : nullptr;
	if (word && std::strncmp(word, "--", 2) == 0)
		return std::string(" '") + word + "'";
	if (optopt_char > 0 && optopt_char < kLongOnlyBase)
		return std::string(" '-") + static_cast<char>(optopt_char) + "'";
	if (word)
		return std::string(" '") + word + "'";
	return "";
}

} // namespace

bool Args::has(int id) const
{
	for (const auto &g : given)
		if (g.first == id)
			return true;
	return false;
}

const char *Args::value(int id) const
{
	const char *v = nullptr;
	for (const auto &g : given)
		if (g.first == id)
			v = g.second;
	return v;
}

std::vector<const char *> Args::values(int id) const
{
	std::vector<const char *> out;
	for (const auto &g : given)
		if (g.first == id)
			out.push_back(g.second);
	return out;
}

const char *version()
{
	return ECRYPTFS_VERSION;
}

void print_version(const char *name)
{
	std::printf("%s (%s) %s\n", name, ECRYPTFS_PACKAGE, ECRYPTFS_VERSION);
}

void print_help(const Command &cmd)
{
	std::fputs(cmd.usage, stdout);
	if (cmd.description) {
		std::fputs("\n", stdout);
		std::fputs(cmd.description, stdout);
	}
	std::fputs("\nOptions:\n", stdout);
	auto line = [](char s, const char *l, const char *value, const char *help) {
		std::string left = "  ";
		left += s ? std::string("-") + s : std::string("  ");
		if (l)
			left += std::string(s ? ", --" : "  --") + l;
		if (value)
			left += std::string(l ? "=" : " ") + value;
		if (left.size() + 2 <= 30)
			left.resize(30, ' ');
		else
			left += "  ";
		std::printf("%s%s\n", left.c_str(), help ? help : "");
	};
	for (const Option &o : cmd.options)
		line(o.short_name, o.long_name, o.value_name, o.help);
	line(short_taken(cmd, 'h') ? 0 : 'h', "help", nullptr, "show this help and exit");
	line(short_taken(cmd, 'V') ? 0 : 'V', "version", nullptr, "show the version and exit");
	std::printf("\nSee the %s manual page for more.\n", cmd.name);
}

void usage_error(const Command &cmd, const std::string &msg)
{
	std::fflush(stdout);
	std::fprintf(stderr, "%s: %s\n", cmd.name, msg.c_str());
	std::fputs(cmd.usage, stderr);
	std::exit(kExitUsage);
}

Args parse(const Command &cmd, int argc, char **argv)
{
	std::string shorts = cmd.options_first ? "+:" : ":";
	std::vector<option> longs;
	for (std::size_t i = 0; i < cmd.options.size(); i++) {
		const Option &o = cmd.options[i];
		const int has_arg = o.value_name ? required_argument : no_argument;
		if (o.short_name) {
			shorts += o.short_name;
			if (o.value_name)
				shorts += ':';
		}
		if (o.long_name)
			longs.push_back({o.long_name, has_arg, nullptr,
					 o.short_name ? o.short_name
						      : kLongOnlyBase + static_cast<int>(i)});
	}
	if (!short_taken(cmd, 'h'))
		shorts += 'h';
	if (!short_taken(cmd, 'V'))
		shorts += 'V';
	if (!long_taken(cmd, "help"))
		longs.push_back({"help", no_argument, nullptr, kLongOnlyBase - 1});
	if (!long_taken(cmd, "version"))
		longs.push_back({"version", no_argument, nullptr, kLongOnlyBase - 2});
	longs.push_back({nullptr, 0, nullptr, 0});

	Args args;
	opterr = 0;
	optind = 0; /* GNU: a full reinitialisation, so parse() may run twice */
	for (;;) {
		int c = getopt_long(argc, argv, shorts.c_str(), longs.data(), nullptr);
		if (c == -1)
			break;
		int id = 0;
		if (c == '?')
			usage_error(cmd, "unknown option" + offending(cmd, argv, optind, optopt));
		if (c == ':')
			usage_error(cmd, "option" + offending(cmd, argv, optind, optopt) +
						 " needs a value");
		if (c == kLongOnlyBase - 1 || (c == 'h' && !short_taken(cmd, 'h')))
			id = kHelp;
		else if (c == kLongOnlyBase - 2 || (c == 'V' && !short_taken(cmd, 'V')))
			id = kVersion;
		else if (c >= kLongOnlyBase)
			id = cmd.options[static_cast<std::size_t>(c - kLongOnlyBase)].id;
		else
			for (const Option &o : cmd.options)
				if (o.short_name == c)
					id = o.id;
		if (id == kHelp) {
			print_help(cmd);
			std::exit(0);
		}
		if (id == kVersion) {
			print_version(cmd.name);
			std::exit(0);
		}
		args.given.emplace_back(id, optarg);
	}
	for (int i = optind; i < argc; i++)
		args.operands.push_back(argv[i]);
	const int n = static_cast<int>(args.operands.size());
	if (n < cmd.min_operands)
		usage_error(cmd, n == 0 ? "missing operand" : "too few operands");
	if (cmd.max_operands >= 0 && n > cmd.max_operands) {
		std::string extra = cmd.secret_operands
					    ? ""
					    : std::string(" '") + args.operands[cmd.max_operands] + "'";
		usage_error(cmd, cmd.max_operands == 0 ? "unexpected operand" + extra
						       : "too many operands" + extra);
	}
	return args;
}

void error(const char *tool, const std::string &msg)
{
	std::fflush(stdout);
	std::fprintf(stderr, "%s: %s\n", tool, msg.c_str());
}

void die(const char *tool, const std::string &msg, int status)
{
	error(tool, msg);
	std::exit(status);
}

} // namespace ecryptfs::cli
