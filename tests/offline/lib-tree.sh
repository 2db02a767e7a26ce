# SPDX-License-Identifier: GPL-2.0-only
#
# The plaintext tree of the offline-tool tests, on the host
# (tests/offline/*.sh) and in the VM (tests/vm/offline-interop.sh): every
# file size class, subdirectories, links, awkward names, modes and times.
# make_plain_tree DIR [fifo]: 15 regular files; "fifo" adds a fifo.

make_plain_tree() {
	local d=$1 n
	mkdir -p "$d/sub/deeper"
	for n in 0 1 15 16 4095 4096 4097 8192 10000 70001 1048579; do
		python3 -c "import random,sys; sys.stdout.buffer.write(random.Random($n).randbytes($n))" > "$d/size-$n"
	done
	echo "hello" > "$d/sub/hello.txt"
	echo "deep" > "$d/sub/deeper/x"
	printf 'spaces and ünïcode\n' > "$d/a name with spaces ünïcode"
	echo long > "$d/$(printf 'L%.0s' $(seq 1 140))"
	ln -s sub/hello.txt "$d/link-to-hello"
	ln -s /nonexistent/target "$d/dangling"
	chmod 640 "$d/size-10000"
	chmod 750 "$d/sub/deeper"
	touch -d '2001-02-03 04:05:06' "$d/size-4096" "$d/sub"
	[ "${2:-}" != fifo ] || mkfifo "$d/fifo"
}

# Types, modes, times and sizes (but of directories, whose size depends
# on the file system) of every entry of a tree, by path.
meta_list() { # DIR
	(cd "$1" && find . -mindepth 1 \( -type d -printf '%p d %m %T@\n' \) -o -printf '%p %y %m %T@ %s\n' | sort)
}
