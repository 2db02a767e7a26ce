#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Public-key mode with the openssl key module, our ecryptfsd and our
# mount.ecryptfs, on ECRYPTFS_TEST_MODULE (ours by default):
# - ecryptfsd daemonises (-p pid file), refuses a second instance, stops on
#   SIGTERM and removes its pid file;
# - mount -o key=openssl:keyfile=K:passwd_file=F (and the seed's form
#   key=openssl:keyfile=K, the passphrase asked on the terminal) mounts;
#   files written, read back; their header has a tag 1 packet; the keyring
#   payload holds no passphrase;
# - unmount, daemon restart, remount: the files read again; a restarted
#   daemon without the secret refuses (EIO, syslog line says what to do),
#   with -R PROG it asks the prompt program;
# - wrong key passphrase and no running daemon: clear errors at mount time;
#   a squatter of another uid on the daemon's old socket name gets nothing;
# - interop: the same lower directory written under our kernel module reads
#   under the reference module (same daemon) and the other way round.
. "$ECRYPTFS_SRC/tests/vm/lib.sh" || exit 1
. "$ECRYPTFS_SRC/tests/vm/lib-pubkey.sh" || exit 1

# On failure, show what the daemon said.
trap 'st=$?; [ $st = 0 ] || { echo "--- $DLOG"; cat $DLOG; } >&2; exit $st' EXIT
MOD=${ECRYPTFS_TEST_MODULE:-ours}
case $MOD in ours) OTHER=reference ;; *) OTHER=ours ;; esac
W=/mnt/pko
L=$W/lower U=$W/upper K=$W/pki/key.pem
PW=$W/pw
mkdir -p $L $U $W/pki
chmod 700 $W
KOPTS="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"

# A key pair as users make them: the openssl command line, AES-256 encrypted.
printf 'key pass phrase' >$W/pass.raw
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes-256-cbc \
	-pass file:$W/pass.raw -out $K 2>/dev/null || fail "openssl genpkey"
printf 'passwd=key pass phrase\n' >$PW
chmod 600 $PW $K

# helper_mount [EXTRA]: our mount.ecryptfs with key=openssl (passphrase from a file).
helper_mount() {
	"$B/mount.ecryptfs" $L $U -o "key=openssl:keyfile=$K:passwd_file=$PW,$KOPTS${1:+,$1}" \
		>/tmp/mount.out 2>&1 || { cat /tmp/mount.out >&2; fail "mount key=openssl"; }
}
sig_of_mount() { option_values_of $U ecryptfs_sig; }
option_values_of() { awk -v m="$1" '$2 == m { print $4 }' /proc/mounts | tr , '\n' | sed -n "s/^$2=//p" | head -1; }

load_pubkey_module "$MOD"
grep -q 375 /sys/fs/ecryptfs/version || fail "the $MOD module does not offer /dev/ecryptfs (mask $(cat /sys/fs/ecryptfs/version))"

log "ecryptfsd -V and -h: the project's version; the reference's option descriptions, exit 0 (issue 19)"
want="ecryptfsd (ecryptfs-ng) $(cat "$ECRYPTFS_SRC/VERSION")"
[ "$("$B/ecryptfsd" -V)" = "$want" ] || fail "ecryptfsd -V: '$("$B/ecryptfsd" -V)', not '$want'"
st=0; "$B/ecryptfsd" -h >/tmp/h.ours 2>/tmp/h.err || st=$?
[ "$st" = 0 ] && [ ! -s /tmp/h.err ] || fail "ecryptfsd -h: status $st, stderr $(cat /tmp/h.err)"
/usr/bin/ecryptfsd -h >/tmp/h.ref 2>&1 || true
for d in "Set pid file name" "Don't fork into background" "Chroot to directory" \
	"Program to execute for user prompt"; do
	grep -qF "$d" /tmp/h.ref || fail "the reference's ecryptfsd -h lacks '$d'"
	grep -qF "$d" /tmp/h.ours || fail "ecryptfsd -h lacks the reference's '$d'"
done

log "no daemon, another user squats its old socket name: the mount says to start ecryptfsd, sends the squatter nothing"
# Issue 17: uid 65534 binds the abstract name ecryptfsd.0 of old (and any
# other place it can), answers "done" to everything and keeps what it gets.
rm -f /tmp/squat.log
setpriv --reuid=65534 --regid=65534 --clear-groups python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.bind("\0ecryptfsd.0"); s.listen(4)
print("ready", flush=True)
while True:
    c, _ = s.accept()
    with open("/tmp/squat.log", "ab") as f: f.write(c.recv(4096) + b"\n")
    c.send(b"\0"); c.close()
' >/tmp/squat.ready 2>&1 &
SQ=$!
wait_until "the squatter did not start" grep -q ready /tmp/squat.ready
if "$B/mount.ecryptfs" $L $U -o "key=openssl:keyfile=$K:passwd_file=$PW,$KOPTS" >/tmp/m.out 2>&1; then
	kill $SQ; fail "mounted without a daemon (a squatter answered)"
fi
kill $SQ; wait $SQ 2>/dev/null || true
if [ -s /tmp/squat.log ]; then
	grep -qa "key pass phrase" /tmp/squat.log && fail "the squatter received the key passphrase"
	fail "the client talked to the squatter"
fi
grep -q "ecryptfsd is not running.*start it first" /tmp/m.out || { cat /tmp/m.out; fail "no clear no-daemon error"; }
keyctl show @u | grep -q user && fail "a key was added although the mount failed"

log "ecryptfsd daemonises, writes its pid file, refuses a second instance"
"$B/ecryptfsd" -p /run/ecryptfsd.pid || fail "ecryptfsd did not start"
for i in $(seq 50); do [ -s /run/ecryptfsd.pid ] && break; sleep 0.1; done
dpid=$(cat /run/ecryptfsd.pid)
[ -d /proc/$dpid ] || fail "no ecryptfsd process $dpid"
[ "$(ps -o sid= -p $dpid | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')" ] ||
	fail "ecryptfsd stayed in the caller's session"
[ "$(ps -o tty= -p $dpid | tr -d ' ')" = "?" ] || fail "ecryptfsd kept a terminal"
[ "$(awk '/^Umask/ { print $2 }' /proc/$dpid/status)" = 0027 ] || fail "ecryptfsd umask is not 027"
if "$B/ecryptfsd" -f >/tmp/second.out 2>&1; then fail "a second ecryptfsd ran"; fi
grep -q "already runs" /tmp/second.out || { cat /tmp/second.out; fail "second daemon: unclear error"; }

log "wrong key passphrase: refused at mount time"
printf 'passwd=wrong\n' >$W/badpw
if "$B/mount.ecryptfs" $L $U -o "key=openssl:keyfile=$K:passwd_file=$W/badpw,$KOPTS" >/tmp/m.out 2>&1; then
	fail "mounted with a wrong passphrase"
fi
grep -q "wrong passphrase" /tmp/m.out || { cat /tmp/m.out; fail "no clear wrong-passphrase error"; }

log "mount with key=openssl:keyfile=...:passwd_file=..., write, read, tag 1 header"
helper_mount
sig=$(sig_of_mount)
[ ${#sig} = 16 ] || fail "no ecryptfs_sig in /proc/mounts"
write_files $U
drop
read_files $U
[ "$(first_packet $L/f4096)" = 01 ] || fail "no tag 1 packet in the header of f4096"
"$B/ecryptfs-stat" $L/f4096 >/tmp/stat.out 2>&1 || true
kid=$(keyctl search @u user $sig) || fail "key $sig not in @u"
keyctl pipe $kid | grep -q "key pass phrase" && fail "the key passphrase is in the keyring payload"
keyctl pipe $kid | grep -qa "$K" || fail "the key file path is not in the payload"
umnt $U

log "SIGTERM stops the daemon (QUIT), pid file removed"
kill -TERM $dpid
for i in $(seq 50); do [ -d /proc/$dpid ] || break; sleep 0.1; done
[ -d /proc/$dpid ] && fail "ecryptfsd ignored SIGTERM"
[ -e /run/ecryptfsd.pid ] && fail "pid file left behind"

log "restarted daemon without the secret: reading fails, syslog says what to do"
start_ecryptfsd
mount -i -t ecryptfs $L $U -o "ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16" ||
	fail "mount by sig"
expect_open_fails "no secret in the daemon" $U/f4096
grep -q "$sig.*-R PROG" $DLOG || { cat $DLOG; fail "the daemon did not say which key lacks its secret"; }
umnt $U
stop_ecryptfsd

log "daemon with -R: the prompt program gives the secret"
cat >$W/prompt <<EOF
#!/bin/sh
[ "\$1" = -t ] && [ "\$2" = password ] || exit 1
echo "\$3" >>$W/prompts
printf 'key pass phrase\n'
EOF
chmod 700 $W/prompt
start_ecryptfsd -R $W/prompt
mount -i -t ecryptfs $L $U -o "ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16" ||
	fail "mount by sig"
drop
read_files $U
grep -q "$sig" $W/prompts || fail "the prompt program was not asked"
umnt $U
stop_ecryptfsd

log "restart, remount through the helper (hands the secret again), read"
start_ecryptfsd
helper_mount
drop
read_files $U
echo new >$U/after-restart
umnt $U

log "the seed's form: key=openssl:keyfile=K, passphrase asked on the terminal"
printf 'key pass phrase\n' >/tmp/answers
python3 "$PTY" /tmp/answers /tmp/seed.tr -- "$B/mount.ecryptfs" $L $U \
	-o "key=openssl:keyfile=$K,$KOPTS" >/dev/null 2>&1 || { cat /tmp/seed.tr; fail "seed form mount"; }
rm -f /tmp/answers
grep -q "^Passphrase: " /tmp/seed.tr || { cat /tmp/seed.tr; fail "no passphrase prompt"; }
grep -q "key pass phrase" /tmp/seed.tr && fail "the passphrase was echoed"
drop
read_files $U
grep -qx new $U/after-restart || fail "after-restart"
umnt $U
stop_ecryptfsd

log "interop: $MOD wrote, $OTHER reads (our daemon), and the other way"
load_pubkey_module "$OTHER"
start_ecryptfsd
helper_mount
drop
read_files $U
grep -qx new $U/after-restart || fail "$OTHER cannot read what $MOD wrote"
echo "from $OTHER" >$U/other
head -c 12345 /dev/urandom >/tmp/other.bin
cp /tmp/other.bin $U/other.bin
[ "$(first_packet $L/other.bin)" = 01 ] || fail "$OTHER wrote no tag 1 packet"
umnt $U
stop_ecryptfsd
load_pubkey_module "$MOD"
start_ecryptfsd
helper_mount
drop
grep -qx "from $OTHER" $U/other || fail "$MOD cannot read what $OTHER wrote"
cmp /tmp/other.bin $U/other.bin || fail "$MOD reads $OTHER's binary file wrong"
read_files $U
umnt $U
stop_ecryptfsd
grep -E "malformed|too many" $DLOG && fail "the daemon saw malformed kernel messages"
check_dmesg
log "pubkey-openssl: all checks passed on $MOD and $OTHER"
