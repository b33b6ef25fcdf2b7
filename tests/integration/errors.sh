#!/usr/bin/env bash
# Integration test: bad input gets one clear error (a hint where nslab knows
# one), a non-zero exit, and a failed launch leaves nothing behind.
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"

if ! is_root; then
	skip errors "needs root (rootless.sh covers an ordinary user's errors)"
	t_done
	exit 0
fi

tmp=""
t_tmpdir tmp

# expect_error NAME NEEDLE CMD...: CMD exits non-zero, prints nothing on stdout
# and exactly one line on stderr, which holds NEEDLE.
expect_error() {
	local name=$1 needle=$2 rc
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	local err lines
	err=$(cat "$tmp/err")
	lines=$(wc -l <"$tmp/err")
	if [ "$rc" -ne 0 ] && [ "$lines" = 1 ] && [ ! -s "$tmp/out" ] && [[ $err == *"$needle"* ]]; then
		pass "$name"
	else
		fail "$name" "rc $rc, stdout [$(head -c 200 "$tmp/out")], $lines stderr lines: [$err]"
	fi
}

# ---- the command language

expect_error errors.unknown-command "unknown command 'frobnicate' (help lists them)" "$NSLAB" -c frobnicate
expect_error errors.unknown-flag "unknown flag 'pidd': one of pid user uts mount net ipc cgroup time" "$NSLAB" -c 'set pidd'
expect_error errors.unknown-flag-changes-nothing "unknown flag 'bogus'" "$NSLAB" -c 'set pid bogus; show'
expect_error errors.set-none "use unset all" "$NSLAB" -c 'set none'
expect_error errors.usage-word-count "usage: uidmap INSIDE OUTSIDE COUNT" "$NSLAB" -c 'uidmap 0 1000'
expect_error errors.uidmap-not-a-number "INSIDE must be a number" "$NSLAB" -c 'uidmap a 0 1'
expect_error errors.uidmap-zero-count "COUNT must be a number of at least 1, not '0'" "$NSLAB" -c 'uidmap 0 0 0'
expect_error errors.gidmap-outside-not-a-number "OUTSIDE must be a number" "$NSLAB" -c 'gidmap 0 x 1'
expect_error errors.uidmap-past-largest-id "runs past the largest id" "$NSLAB" -c 'uidmap 4294967290 0 10'
expect_error errors.uidmap-overlap-inside "inside range 5-5 overlaps line 1 (0 1000 10)" "$NSLAB" -c 'uidmap 0 1000 10; uidmap 5 2000 1'
expect_error errors.uidmap-overlap-outside "outside range 1005-1005 overlaps line 1 (0 1000 10)" "$NSLAB" -c 'uidmap 0 1000 10; uidmap 50 1005 1'
expect_error errors.run-uid-map-malformed "write INSIDE:OUTSIDE:COUNT" "$NSLAB" run --uid-map 0-1-1 -- true
expect_error errors.run-uid-map-overlap "overlaps line 1" "$NSLAB" run --uid-map 0:1000:10 --uid-map 5:2000:1 -- true
expect_error errors.setgroups-word "setgroups takes deny or allow, not 'maybe'" "$NSLAB" -c 'setgroups maybe'
expect_error errors.enter-word "enter takes pivot_root or chroot" "$NSLAB" -c 'enter switch_root'
expect_error errors.clock-not-a-number "not 'abc'" "$NSLAB" -c 'clock boottime abc'
expect_error errors.hostname-bad-characters "use letters, digits" "$NSLAB" -c 'hostname a_b'
expect_error errors.mount-relative-target "must be an absolute path" "$NSLAB" -c 'mount tmpfs tmp'
expect_error errors.unterminated-single-quote "unterminated single quote" "$NSLAB" -c "run echo 'abc"
expect_error errors.unterminated-double-quote "unterminated double quote" "$NSLAB" -c 'run echo "abc'
expect_error errors.exec-without-container "no running container: start one first" "$NSLAB" -c 'exec true'
expect_error errors.stop-without-container "no running container to stop" "$NSLAB" -c stop
expect_error errors.run-no-command "no command given" "$NSLAB" run --pid
expect_error errors.missing-rootfs "rootfs /nonexistent: No such file or directory" "$NSLAB" -c 'rootfs /nonexistent'

# The whole `-c` line is tokenised per command: an unterminated quote must not run anything.
out=$("$NSLAB" -c "set uts; run echo 'ran" 2>/dev/null)
check_eq errors.unterminated-quote-runs-nothing "" "$out"

"$NSLAB" --no-such-option >/dev/null 2>&1
check_rc errors.unknown-option-exit-2 2 $?
"$NSLAB" -c >/dev/null 2>&1
check_rc errors.dash-c-without-script-exit-2 2 $?
out=$("$NSLAB" run --pidd -- true 2>&1)
rc=$?
if [ "$rc" = 125 ] && [[ $out == *"bad option (nslab run --help)"* ]]; then
	pass errors.run-unknown-option-125
else
	fail errors.run-unknown-option-125 "rc $rc: $out"
fi

# ---- settings that need a flag: refused at run time, naming the flag

expect_error errors.hostname-without-uts "hostname needs a uts namespace (set uts)" "$NSLAB" -c 'hostname foo; run true'
out=$("$NSLAB" run --hostname foo -- true 2>&1)
rc=$?
if [ "$rc" = 125 ] && [[ $out == *"(set uts)"* ]]; then pass errors.run-hostname-without-uts; else fail errors.run-hostname-without-uts "rc $rc: $out"; fi
expect_error errors.map-without-user "an id map needs a user namespace (set user)" "$NSLAB" -c 'uidmap 0 0 1; run true'
expect_error errors.mount-without-mount-ns "mount needs a mount namespace (set mount)" "$NSLAB" -c 'mount tmpfs /mnt; run true'

# A rootfs that vanished between `rootfs` and `run`: a helper container with
# the host's root removes it (exec), then the launch is refused up front.
mkdir "$tmp/gone"
out=$("$NSLAB" -c "start sleep 10; rootfs $tmp/gone; exec rmdir $tmp/gone; stop; set mount; run true" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [[ $out == *"rootfs $tmp/gone is missing"* ]]; then
	pass errors.rootfs-vanished-before-run
else
	fail errors.rootfs-vanished-before-run "rc $rc: $out"
fi

# ---- a command missing from the rootfs: a clear error, and nothing left behind

before=$(leftovers)
out=$("$NSLAB" -c "rootfs $ROOTFS; set mount; run /no/such/cmd" 2>&1)
rc=$?
if [ "$rc" -eq 127 ] && [[ $out == *"/no/such/cmd: command not found inside the container"* ]]; then
	pass errors.missing-command-not-found
else
	fail errors.missing-command-not-found "rc $rc: $out"
fi
check_contains errors.missing-command-has-hint "$out" $'\n  hint: the command is not in the rootfs'
check_contains errors.missing-command-points-to-explain "$out" "more: explain execve; explain ENOENT"
out=$("$NSLAB" run --pid --mount --rootfs "$ROOTFS" -- nosuchcmd 2>&1)
rc=$?
if [ "$rc" -eq 127 ] && [[ $out == *"nosuchcmd: command not found"* ]]; then
	pass errors.run-missing-command-not-found
else
	fail errors.run-missing-command-not-found "rc $rc: $out"
fi
check_eq errors.missing-command-leaves-nothing "$before" "$(leftovers)"

# ---- script files report FILE:LINE and stop at the first error

cat >"$tmp/bad.nslab" <<'EOF'
# a lesson with a typo on line 4
set uts
hostname script-test
set bogus
run echo should-not-run
EOF
out=$("$NSLAB" "$tmp/bad.nslab" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [[ $out == "$tmp/bad.nslab:4: nslab: unknown flag 'bogus'"* ]]; then
	pass errors.script-file-reports-file-line
else
	fail errors.script-file-reports-file-line "rc $rc: $out"
fi
check_not_contains errors.script-file-stops-at-error "$out" should-not-run
out=$("$NSLAB" -c $'set uts\n\nfrobnicate' 2>&1)
check_contains errors.dash-c-reports-line "$out" "-c:3: nslab: unknown command 'frobnicate'"
out=$("$NSLAB" - 2>&1 <<<$'set uts\nset nope')
check_contains errors.stdin-script-reports-line "$out" "-:2: nslab: unknown flag 'nope'"

t_done
