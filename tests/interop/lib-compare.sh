# SPDX-License-Identifier: GPL-2.0-only
#
# Side-by-side runs of a reference tool and ours, for the interop tests.
# Source after lib.sh and interop_init.
#
# same_run <label> <stdin (printf %b format)> <tool> [args...]
#   Runs $REF/<tool> and $OURS/<tool> with the same stdin and arguments,
#   each in a fresh copy of $WORK/seed with an empty @u, and compares
#   stdout, stderr, exit status, the keys left in @u (keyctl pipe) and the
#   directory listing afterwards.  The tool path in the output (argv[0]) is
#   blanked.  Documented deviations are opted into per call with ALLOW (a
#   space-separated list):
#     info     "Info: Check the system log ..." is ours "Info: <the reason>"
#              (we do not log to syslog; we say what went wrong).
#     reason   ours adds an "Info: <the reason>" line where the reference
#              prints the headline alone.
#     toolong  ours adds "Passphrase is too long. Use at most 64 characters
#              long passphrase." on stderr where the reference silently shows
#              its usage for an over-long passphrase given as an argument.
#     usage    a misuse (unknown option, wrong number of arguments): the
#              reference prints its usage on stdout and exits 0, ours prints
#              "<tool>: <what is wrong>" and the same usage text on stderr
#              and exits 2 (issue 19: every tool reports misuse the same way).
#   UNCHANGED=<file>: that file must be byte-identical to the seed's after
#   both runs (a failed operation must leave it untouched).

same_run() {
	local label=$1 input=$2 tool=$3 side bin d
	shift 3
	for side in ref ours; do
		bin=$REF
		[ $side = ours ] && bin=$OURS
		d=$WORK/run.$side
		rm -rf "$d" && mkdir "$d" && cp -a "$WORK/seed/." "$d/" || die "copy seed"
		keyctl clear @u >/dev/null || die "keyctl clear"
		(cd "$d" && printf '%b' "$input" | "$bin/$tool" "$@" \
			>"$WORK/$side.out" 2>"$WORK/$side.err"; echo $? >"$WORK/$side.rc")
		sed -i "s#$bin/##g" "$WORK/$side.out" "$WORK/$side.err"
		keyring_dump >"$WORK/$side.keys"
		(cd "$d" && find . -mindepth 1 -printf '%M %s %P\n' | sort) >"$WORK/$side.ls"
		if [ -n "${UNCHANGED:-}" ] && ! cmp -s "$WORK/seed/$UNCHANGED" "$d/$UNCHANGED"; then
			fail "$label: $side changed $UNCHANGED although the operation failed"
		fi
	done
	case " ${ALLOW:-} " in *" info "*)
		sed -i 's/^Info: .*/Info: <reason>/' "$WORK/ref.err" "$WORK/ours.err" ;;
	esac
	case " ${ALLOW:-} " in *" reason "*)
		grep -q '^Info: ' "$WORK/ref.err" || sed -i '/^Info: /d' "$WORK/ours.err" ;;
	esac
	case " ${ALLOW:-} " in *" toolong "*)
		sed -i '/^Passphrase is too long. Use at most 64 characters long passphrase.$/d' \
			"$WORK/ours.err" ;;
	esac
	case " ${ALLOW:-} " in *" usage "*)
		if [ "$(cat "$WORK/ref.rc")" = 0 ] && [ "$(cat "$WORK/ours.rc")" = 2 ] &&
			[ ! -s "$WORK/ref.err" ] && [ ! -s "$WORK/ours.out" ] &&
			head -1 "$WORK/ours.err" | grep -q "^$tool: "; then
			sed 1d "$WORK/ours.err" >"$WORK/ours.out"
			: >"$WORK/ours.err"
			echo 0 >"$WORK/ours.rc"
		else
			fail "$label: ours does not report a misuse (usage on stderr, exit 2)"
		fi ;;
	esac
	local what bad=
	for what in out err rc keys ls; do
		if ! cmp -s "$WORK/ref.$what" "$WORK/ours.$what"; then
			bad="$bad $what"
		fi
	done
	if [ -n "$bad" ]; then
		fail "$label: ours differs from the reference in:$bad"
		for what in $bad; do
			echo "--- reference $what / +++ ours $what" >&2
			diff "$WORK/ref.$what" "$WORK/ours.$what" | head -20 >&2
		done
	else
		pass
	fi
}
