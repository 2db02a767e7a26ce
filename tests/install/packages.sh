#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vm-options: --no-module --timeout 2400
#
# The Debian packages on a machine (the guest: this host's root under a
# throwaway overlay, where Debian's ecryptfs-utils is installed): apt
# installs build/package/*.deb (scripts/package) and removes ecryptfs-utils
# for them; DKMS builds the module for the running kernel; `modprobe
# ecryptfs` loads ours from updates/dkms (its MODULE_VERSION is ./VERSION;
# the kernel's own has none); the Gentoo wiki and Linux Journal
# walkthroughs (scripts/try-walkthrough --installed) and a PAM login through
# the stack pam-auth-update wrote run with installed programs only; then
# the packages are purged and nothing of theirs may be left: no file, no
# DKMS tree, no module, no PAM line.
# Needs: the packages in $ECRYPTFS_BUILD/package (ctest's build.package puts
# them there) or else build/package of the source tree (scripts/package),
# dkms and pamtester installed on the host (scripts/deps --test).
. "$ECRYPTFS_SRC/tests/vm/lib.sh"

debs=$ECRYPTFS_BUILD/package
[ -d "$debs" ] || debs=$ECRYPTFS_SRC/build/package
version=$(head -n1 "$ECRYPTFS_SRC/VERSION")
kver=$(uname -r)
shopt -s nullglob
files=("$debs"/ecryptfs-ng-dkms_"$version"_all.deb "$debs"/ecryptfs-ng-utils_"$version"_*.deb
	"$debs"/libpam-ecryptfs-ng_"$version"_*.deb)
shopt -u nullglob
[ ${#files[@]} = 3 ] || fail "the packages of version $version are not all in $debs (run scripts/package): ${files[*]}"
command -v dkms >/dev/null || fail "dkms is not installed on the host: run scripts/deps --test"
command -v pamtester >/dev/null || fail "pamtester is not installed on the host: run scripts/deps --test"
[ -e "/lib/modules/$kver/build/Makefile" ] || fail "no headers for the guest kernel $kver (/lib/modules/$kver/build)"
dpkg -s ecryptfs-utils >/dev/null 2>&1 || fail "Debian's ecryptfs-utils is not installed on the host: the replace step is not tested"

# scripts/vm forbids loading the kernel's ecryptfs by accident; here the
# point is modprobe, and the module it must find is the packaged one.
rm -f /etc/modprobe.d/zz-ecryptfs-vm.conf
[ "$(which_ecryptfs)" = none ] || fail "an ecryptfs module is loaded before the install"
# man-db rebuilds its index after an install: minutes under emulation.
rm -f /var/lib/man-db/auto-update

# Every path the packages own, for the check after the purge.
before=$(mktemp -d)
for f in "${files[@]}"; do dpkg-deb -c "$f"; done | awk '{ print $6 }' | sed 's,^\./,/,; s, ->.*,,' |
	grep -v '/$' | sort -u > "$before/files"
[ -s "$before/files" ] || fail "the packages list no files"

log "apt installs the packages (ecryptfs-utils goes; DKMS builds the module for $kver)"
start=$(date +%s)
# Under emulation DKMS takes minutes: say every minute what runs.
( while sleep 60; do
	echo "... $(( $(date +%s) - start )) s: $(tail -n1 /tmp/apt.log 2>/dev/null | cut -c1-100)"
done ) &
ticker=$!
rc=0
DEBIAN_FRONTEND=noninteractive apt-get install -y -o Dpkg::Use-Pty=0 "${files[@]}" > /tmp/apt.log 2>&1 || rc=$?
kill $ticker
[ $rc = 0 ] || { cat /tmp/apt.log; fail "apt-get install of the packages"; }
log "installed in $(( $(date +%s) - start )) s"
grep -E "Removing|Building|Installing|Signing|dkms|Error|error" /tmp/apt.log | head -n 40
! dpkg -s ecryptfs-utils 2>/dev/null | grep -q '^Status: install ok installed' ||
	fail "ecryptfs-utils is still installed beside ours"
for p in ecryptfs-ng-dkms ecryptfs-ng-utils libpam-ecryptfs-ng; do
	dpkg -s "$p" | grep -q '^Status: install ok installed' || fail "$p is not installed"
done
dkms status ecryptfs-ng | tee /tmp/dkms.status
grep -q "ecryptfs-ng/$version, $kver, .*: installed" /tmp/dkms.status ||
	fail "DKMS did not install the module for $kver"

log "modprobe ecryptfs loads the packaged module"
modprobe ecryptfs || fail "modprobe ecryptfs"
[ "$(which_ecryptfs)" = ours ] || fail "modprobe loaded the kernel's own ecryptfs, not ours"
[ "$(cat /sys/module/ecryptfs/version)" = "$version" ] ||
	fail "the loaded module has version '$(cat /sys/module/ecryptfs/version 2>/dev/null)', not $version"
path=$(modinfo -k "$kver" -n ecryptfs)
case "$path" in
*/updates/dkms/ecryptfs.ko*) echo "modinfo: $path" ;;
*) fail "modinfo finds $path, not the DKMS build" ;;
esac

log "the installed files"
for t in /usr/sbin/mount.ecryptfs /usr/sbin/umount.ecryptfs /usr/bin/ecryptfs-setup-private \
	/usr/bin/ecryptfsd /usr/lib/x86_64-linux-gnu/ecryptfs/ecryptfs_keymod_openssl.so \
	/usr/share/ecryptfs-utils/ecryptfs-mount-private.txt /usr/share/ecryptfs-utils/ecryptfs-mount-private.desktop \
	/lib/udev/rules.d/60-ecryptfs.rules /lib/systemd/system/ecryptfsd.service; do
	[ -e "$t" ] || fail "$t is not installed"
done
[ "$(stat -c '%a %U' /usr/sbin/mount.ecryptfs_private)" = "4755 root" ] ||
	fail "mount.ecryptfs_private is not setuid root: $(stat -c '%a %U' /usr/sbin/mount.ecryptfs_private)"
[ "$(readlink /usr/sbin/umount.ecryptfs_private)" = mount.ecryptfs_private ] ||
	fail "umount.ecryptfs_private is not a link to mount.ecryptfs_private"
getent group ecryptfsd >/dev/null || fail "group ecryptfsd (for /dev/ecryptfs) was not created"
# Group ecryptfs would restrict ecryptfs-setup-private to its members.
! getent group ecryptfs >/dev/null || fail "group ecryptfs exists after the install"
for s in auth session password; do
	grep -q "^$s.*pam_ecryptfs.so" "/etc/pam.d/common-$s" ||
		fail "pam-auth-update did not add pam_ecryptfs to common-$s"
done

log "the walkthroughs with the installed programs"
modprobe -r ecryptfs || fail "modprobe -r ecryptfs"
modprobe ecryptfs || fail "modprobe ecryptfs"
PATH=/usr/sbin:/usr/bin:/sbin:/bin "$ECRYPTFS_SRC/scripts/try-walkthrough" --installed ||
	fail "the walkthrough with the installed programs"
unload_ecryptfs
modprobe ecryptfs || fail "modprobe ecryptfs after the walkthrough"

log "a private directory and a PAM login through the configured stack"
mount -t tmpfs -o mode=755 tmpfs /home
useradd -m -s /bin/bash alice || fail "useradd"
echo alice:alicepw | chpasswd || fail "chpasswd"
is_mounted() { awk -v m="$1" '$2 == m && $3 == "ecryptfs" { f = 1 } END { exit !f }' /proc/mounts; }
as() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups --reset-env -- \
	env PATH=/usr/bin:/bin:/usr/sbin:/sbin HOME="/home/$u" USER="$u" LOGNAME="$u" "$@"; }
as alice ecryptfs-setup-private -l alicepw -m alicemount >/tmp/setup.log 2>&1 ||
	{ cat /tmp/setup.log; fail "ecryptfs-setup-private"; }
readme=$(readlink -e /home/alice/Private/README.txt) ||
	fail "~/Private/README.txt points to a missing file: $(readlink /home/alice/Private/README.txt)"
dpkg -S "$readme" >/dev/null || fail "$readme belongs to no package"
cat > /tmp/probe.sh <<'EOF'
#!/bin/sh
m=no
awk '$2 == "/home/alice/Private" && $3 == "ecryptfs" { f = 1 } END { exit !f }' /proc/mounts && m=yes
echo "$PAM_TYPE mounted=$m" >> /tmp/probe.log
EOF
chmod 755 /tmp/probe.sh
# The Debian stack as pam-auth-update wrote it, and a probe after it.
cat > /etc/pam.d/ecryptfs-login <<'EOF'
@include common-auth
@include common-account
@include common-session
session optional pam_exec.so quiet /tmp/probe.sh
EOF
: > /tmp/probe.log
printf 'alicepw\n' | pamtester ecryptfs-login alice authenticate open_session close_session ||
	fail "pamtester login"
cat /tmp/probe.log
grep -qx 'open_session mounted=yes' /tmp/probe.log || fail "~/Private was not mounted in the session"
grep -qx 'close_session mounted=no' /tmp/probe.log || fail "~/Private stayed mounted after the session"
printf 'alicepw\n' | as alice ecryptfs-mount-private >/dev/null || fail "ecryptfs-mount-private"
is_mounted /home/alice/Private || fail "ecryptfs-mount-private did not mount"
as alice ecryptfs-umount-private >/dev/null || fail "ecryptfs-umount-private"
! is_mounted /home/alice/Private || fail "ecryptfs-umount-private did not unmount"
rm -f /etc/pam.d/ecryptfs-login
unload_ecryptfs

log "purge: nothing of the packages is left"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -o Dpkg::Use-Pty=0 ecryptfs-ng-dkms ecryptfs-ng-utils libpam-ecryptfs-ng > /tmp/purge.log 2>&1 ||
	{ cat /tmp/purge.log; fail "apt-get purge"; }
left=0
while IFS= read -r f; do
	if [ -e "$f" ] || [ -L "$f" ]; then echo "left behind: $f"; left=1; fi
done < "$before/files"
[ $left = 0 ] || fail "files of the packages remain after the purge"
for d in /var/lib/dkms/ecryptfs-ng "/usr/src/ecryptfs-ng-$version"; do
	[ ! -e "$d" ] || fail "$d remains after the purge"
done
for k in /lib/modules/*; do
	[ ! -e "$k/updates/dkms/ecryptfs.ko" ] && [ ! -e "$k/updates/dkms/ecryptfs.ko.xz" ] ||
		fail "the DKMS module remains in $k"
done
path=$(modinfo -k "$kver" -n ecryptfs 2>/dev/null || true)
case "$path" in */updates/*) fail "modinfo still finds $path" ;; esac
if grep -l pam_ecryptfs /etc/pam.d/common-*; then fail "pam_ecryptfs lines remain in /etc/pam.d"; fi
[ ! -e /usr/share/pam-configs/ecryptfs-ng ] || fail "the pam-auth-update profile remains"
for p in ecryptfs-ng-dkms ecryptfs-ng-utils libpam-ecryptfs-ng; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in ""|*" not-installed") ;; *) fail "$p: dpkg still has it ($s)" ;; esac
done
echo "(left on purpose: group ecryptfsd, as Debian packages leave the system groups they create)"
log "PASS"
