#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/build/install.sh WORKDIR
#
# What a user or packager installing by hand meets, on a copy of the
# committed tree (git ls-files) so the source tree gets no objects:
#  - make install DESTDIR=... PREFIX=/usr (module for the newest supported
#    kernel and the tools, MinSizeRel, no tests, PKCS#11 and TPM modules
#    off): everything lands below DESTDIR, nothing on the live system, no
#    depmod index in DESTDIR; the compiled-in paths are those of the prefix
#  - make uninstall with the same variables leaves no file behind
#  - cmake --install --prefix elsewhere relocates everything, the
#    umount.ecryptfs_private link and the key modules included
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work/src" "$work/root" "$work/root2"
(cd "$src" && git ls-files -z --cached --others --exclude-standard |
	rsync -a --from0 --files-from=- ./ "$work/src/")
# make install builds the module in place with this machine's compiler: the
# newest kernel whose headers' tools run here (7.2's need its build root).
kver=
for k in $("$src/scripts/kernels"); do
	[ "$("$src/scripts/kernels" --builder "$k")" = host ] && kver=$k
done
[ -n "$kver" ] || fail "no kernel with headers (scripts/kernels)"
live=/lib/modules/$kver/updates
live_before=$(ls -l --full-time "$live" 2>/dev/null || echo none)
# The live system's files of the same names (Debian's ecryptfs-utils on a
# test machine): neither install nor uninstall may touch them.
system_files() {
	ls -l --full-time /usr/bin/ecryptfs* /usr/sbin/*ecryptfs* /usr/lib/x86_64-linux-gnu/security/pam_ecryptfs.so \
		/usr/share/ecryptfs-utils /usr/lib/x86_64-linux-gnu/ecryptfs 2>&1
}
system_before=$(system_files)
check_system() {
	[ "$(system_files)" = "$system_before" ] || {
		diff <(echo "$system_before") <(system_files)
		fail "$1 changed files of the live system"
	}
}

vars=(DESTDIR="$work/root" PREFIX=/usr KVER="$kver" BUILD="$work/build" WERROR=1
	CMAKE_ARGS="-DCMAKE_BUILD_TYPE=MinSizeRel -DECRYPTFS_PKCS11=OFF -DECRYPTFS_TPM=OFF")
echo "make install ${vars[*]}"
nice make -s -C "$work/src" install "${vars[@]}" > "$work/install.log" 2>&1 ||
	{ cat "$work/install.log"; fail "make install"; }
r=$work/root
# modules_install compresses the module as the kernel's are (Debian: .ko.xz).
ko=$(ls "$work/root/lib/modules/$kver/updates/"ecryptfs.ko* 2>/dev/null | head -n1)
[ -n "$ko" ] || fail "make install did not install the module in /lib/modules/$kver/updates"
for f in usr/sbin/mount.ecryptfs usr/sbin/umount.ecryptfs \
	usr/sbin/mount.ecryptfs_private usr/bin/ecryptfs-setup-private usr/bin/ecryptfsd \
	usr/lib/x86_64-linux-gnu/security/pam_ecryptfs.so \
	usr/lib/x86_64-linux-gnu/ecryptfs/ecryptfs_keymod_openssl.so \
	usr/share/ecryptfs-utils/ecryptfs-mount-private.txt \
	usr/share/ecryptfs-utils/ecryptfs-mount-private.desktop \
	usr/lib/udev/rules.d/60-ecryptfs.rules usr/lib/systemd/system/ecryptfsd.service; do
	[ -e "$r/$f" ] || fail "make install did not install /$f"
done
[ "$(readlink "$r/usr/sbin/umount.ecryptfs_private")" = mount.ecryptfs_private ] ||
	fail "no umount.ecryptfs_private link"
if [ "$(id -u)" = 0 ]; then
	[ "$(stat -c %a "$r/usr/sbin/mount.ecryptfs_private")" = 4755 ] || fail "mount.ecryptfs_private is not setuid"
fi
for m in pkcs11 tpm; do
	[ ! -e "$r/usr/lib/x86_64-linux-gnu/ecryptfs/ecryptfs_keymod_$m.so" ] ||
		fail "ECRYPTFS_$m=OFF but its key module was installed"
done
[ -z "$(find "$r/lib/modules/$kver" -maxdepth 1 -name 'modules.*')" ] || fail "depmod ran on DESTDIR"
[ "$(ls -l --full-time "$live" 2>/dev/null || echo none)" = "$live_before" ] ||
	fail "make install DESTDIR=... changed the live system's $live"
modinfo -F version "$ko" | grep -qx "$(head -n1 "$src/VERSION")" ||
	fail "the module's version is not ./VERSION"
grep -q /usr/sbin/mount.ecryptfs_private "$r/usr/bin/ecryptfs-mount-private" ||
	fail "ecryptfs-mount-private does not call /usr/sbin/mount.ecryptfs_private"
grep -q /usr/lib/x86_64-linux-gnu/ecryptfs "$r/usr/bin/ecryptfs-manager" ||
	fail "ecryptfs-manager does not look for key modules in /usr/lib/x86_64-linux-gnu/ecryptfs"
grep -q /usr/share/ecryptfs-utils/ecryptfs-mount-private.txt "$r/usr/bin/ecryptfs-setup-private" ||
	fail "ecryptfs-setup-private does not link to the installed README"
grep -rl /usr/local "$r" && fail "an installed file names /usr/local"
check_system "make install DESTDIR=..."
echo "make install: $(find "$r" -type f | wc -l) files, all below DESTDIR"

echo "make uninstall ${vars[*]}"
make -s -C "$work/src" uninstall "${vars[@]}" > "$work/uninstall.log" 2>&1 ||
	{ cat "$work/uninstall.log"; fail "make uninstall"; }
check_system "make uninstall DESTDIR=..."
left=$(find "$r" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $left"
echo "make uninstall: no file left"

echo "cmake --install --prefix /opt/ecryptfs (DESTDIR=$work/root2)"
DESTDIR=$work/root2 cmake --install "$work/build/install" --prefix /opt/ecryptfs > "$work/install2.log" 2>&1 ||
	{ cat "$work/install2.log"; fail "cmake --install --prefix"; }
r2=$work/root2/opt/ecryptfs
[ "$(readlink "$r2/sbin/umount.ecryptfs_private")" = mount.ecryptfs_private ] ||
	fail "cmake --install --prefix: no umount.ecryptfs_private link under the prefix"
[ -e "$r2/lib/x86_64-linux-gnu/ecryptfs/ecryptfs_keymod_openssl.so" ] ||
	fail "cmake --install --prefix: the key modules are not under the prefix"
check_system "cmake --install --prefix"
outside=$(cd "$work/root2" && find . ! -type d ! -path './opt/ecryptfs/*')
[ -z "$outside" ] || fail "cmake --install --prefix installed outside the prefix: $outside"
echo "PASS"
