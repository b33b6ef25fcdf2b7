#!/usr/bin/env bash
# Lessons: every lessons/NN-*.md checked as written (each in a network namespace of its own,
# so a lesson's veth never touches the real host), then the lesson command's listing, --check
# reports, --auto, skips and errors on the fixture lessons in tests/fixtures/lessons.
# shellcheck disable=SC2016 # $LESSON_DIR and the like are for the lessons' shells
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.bash"

top=$(cd "$(dirname "$0")/../.." && pwd)
fixtures=$top/tests/fixtures/lessons
lesson_timeout=${NSLAB_LESSON_TIMEOUT:-300}

if ! is_root; then
	skip lessons "needs root: lessons launch containers, and each is checked in a network namespace of its own (unshare --net)"
	t_done
	exit 0
fi

tmp=
t_tmpdir tmp
chmod 755 "$tmp"
# Never the user's progress, history or rootfs store.
export HOME=$tmp/home XDG_STATE_HOME=$tmp/state NSLAB_STORE=$tmp/store NSLAB_ROOTFS=$ROOTFS
mkdir -p "$HOME" "$XDG_STATE_HOME" "$NSLAB_STORE"

# The lessons' working directories in /tmp, one per line.
lesson_tmp_dirs() { find /tmp -mindepth 1 -maxdepth 1 -type d -name 'nslab-lesson-*' 2>/dev/null | sort; }
# Is DIR some live process's working directory (another nslab's lesson running right now)?
in_use() {
	local p
	for p in /proc/[0-9]*/cwd; do
		[ "$(readlink "$p" 2>/dev/null)" = "$1" ] && return 0
	done
	return 1
}
# The new DIRs that are this script's leak: still there and in nobody's use for 3 s (another
# person's lesson may be starting or ending right now: it chdirs out just before removing its own).
leaked_dirs() {
	local dir i
	for dir in "$@"; do
		for ((i = 0; i < 30; i++)); do
			[ -d "$dir" ] || continue 2
			in_use "$dir" && continue 2
			sleep 0.1
		done
		echo "$dir"
	done
}
# Print nslab's words indented, so none of its lines reads as a PASS/FAIL/SKIP line.
# shellcheck disable=SC2001 # every line of it
show() { sed 's/^/    | /' <<<"$1"; }

# ---- every lesson in the source tree, as written

lessons=()
if [ -d "$top/lessons" ]; then
	for f in "$top"/lessons/*.md; do
		[[ $(basename "$f") =~ ^[0-9]{1,3}-.+\.md$ ]] && lessons+=("$f")
	done
fi
if [ ${#lessons[@]} -eq 0 ]; then
	skip lessons.tree "no lessons/NN-NAME.md files in $top/lessons yet"
fi
leaked=0
for f in "${lessons[@]}"; do
	base=$(basename "$f" .md)
	name=${base#*-}
	d=$tmp/lesson-$name
	mkdir -p "$d/home" "$d/state" "$d/store"
	before=$(lesson_tmp_dirs)
	started=$SECONDS
	out=$(cd "$d" && HOME=$d/home XDG_STATE_HOME=$d/state NSLAB_STORE=$d/store \
		timeout --kill-after=10 "$lesson_timeout" unshare --net -- "$NSLAB" lesson "$f" --check </dev/null 2>&1)
	rc=$?
	case $rc in
	0) pass "lesson.$name" ;;
	77) skip "lesson.$name" "$(grep -m1 '^SKIP ' <<<"$out" | sed 's/^SKIP //')" ;;
	124 | 137) fail "lesson.$name" "timed out after ${lesson_timeout}s; what it printed:"; show "$out" ;;
	*) fail "lesson.$name" "nslab lesson $f --check exited $rc after $((SECONDS - started))s:"; show "$out" ;;
	esac
	# Its working directory must be gone.
	mapfile -t new < <(comm -13 <(echo "$before") <(lesson_tmp_dirs))
	left=$([ ${#new[@]} -gt 0 ] && leaked_dirs "${new[@]}")
	if [ -n "$left" ]; then
		fail "lesson.$name.tmp-dir-removed" "left behind: ${left//$'\n'/ }"
		leaked=1
	fi
done
[ ${#lessons[@]} -gt 0 ] && [ "$leaked" = 0 ] && pass "lessons.tree.no-nslab-lesson-dir-left-in-tmp"

# ---- the fixtures: the lesson command itself

export NSLAB_LESSONS=$fixtures
basics=$fixtures/01-basics.md
fx=$tmp/fixture-out           # the fixtures write $NSLAB_FIXTURE_OUT.* when it is set
short=$(mktemp -d /tmp/nsl-lt.XXXXXX) # TMPDIR for nslab: a short path (it wants < 40 bytes)
on_exit "rm -rf '$short'"

# The listing: title, steps and commands, counted here from the file itself.
out=$("$NSLAB" lesson 2>&1)
check_rc lesson.list.status 0 $?
for f in "$fixtures"/[0-9]*-*.md; do
	base=$(basename "$f" .md)
	name=${base#*-}
	title=$(sed -n '1s/^# //p' "$f")
	steps=$(grep -c '^## ' "$f")
	cmds=$(awk '/^```nslab/ { t = 1; next } /^```/ { t = 0 } t && (/^nslab>/ || /^\$ /)' "$f" | wc -l)
	row=$(awk -v n="$name" '$2 == n' <<<"$out" | squeeze)
	check_eq "lesson.list.$name" "$((10#${base%%-*})) $name $title $steps $cmds" "$row"
done
check_contains lesson.list.header "$(squeeze <<<"$out")" "# name title steps cmds progress"
check_not_contains lesson.list.only-lesson-files "$out" "failing"

# Progress shows in the listing.
mkdir -p "$XDG_STATE_HOME/nslab"
printf 'basics 1 -\ncontainer 1 done\n' >"$XDG_STATE_HOME/nslab/lessons"
out=$("$NSLAB" lesson 2>&1)
check_contains lesson.list.progress-at-step "$(awk '$2 == "basics"' <<<"$out")" "at step 2"
check_contains lesson.list.progress-done "$(awk '$2 == "container"' <<<"$out")" "done"
rm -f "$XDG_STATE_HOME/nslab/lessons"

# A good fixture passes, step by step; without NSLAB_ROOTFS set, nslab finds the default
# rootfs itself and hands it to `$` commands with its own path.
rm -f "$fx".*
out=$(env -u NSLAB_ROOTFS NSLAB_FIXTURE_OUT="$fx" TMPDIR="$short" "$NSLAB" lesson basics --check </dev/null 2>&1)
rc=$?
check_rc lesson.check.good-status-0 0 "$rc"
[ "$rc" = 0 ] || show "$out"
check_contains lesson.check.ok-lines "$out" $'ok 1/3 Flags and host commands\nok 2/3 Files in the lesson\'s directory\nok 3/3 Paths for shell commands'
check_contains lesson.check.summary "$out" "lesson basics: all 3 steps as written"
check_not_contains lesson.check.quiet "$out" "in-lesson-dir"
lesson_dir=$(cat "$fx.pwd" 2>/dev/null)
if [[ $lesson_dir == "$short"/nslab-lesson-* ]]; then pass lesson.dir.under-TMPDIR; else fail lesson.dir.under-TMPDIR "the lesson ran in [$lesson_dir]"; fi
if [ -n "$lesson_dir" ] && [ ! -e "$lesson_dir" ]; then pass lesson.dir.removed; else fail lesson.dir.removed "[$lesson_dir] is still there"; fi
check_eq lesson.dir.nothing-else-left "" "$(ls -A "$short")"
mapfile -t paths <"$fx.paths" 2>/dev/null
check_eq lesson.shell-sees-NSLAB "$(readlink -f "$NSLAB")" "${paths[0]:-}"
if [ -n "${paths[1]:-}" ] && [ -x "${paths[1]}/bin/sh" ]; then
	pass lesson.shell-sees-NSLAB_ROOTFS
else
	fail lesson.shell-sees-NSLAB_ROOTFS "NSLAB_ROOTFS was [${paths[1]:-}]"
fi
# With NSLAB_ROOTFS set, `$` commands see that one.
rm -f "$fx".*
NSLAB_FIXTURE_OUT="$fx" "$NSLAB" lesson 1 --check </dev/null >/dev/null 2>&1
check_rc lesson.check.by-number 0 $?
mapfile -t paths <"$fx.paths" 2>/dev/null
check_eq lesson.shell-keeps-NSLAB_ROOTFS "$ROOTFS" "${paths[1]:-}"
# By path, from anywhere.
out=$(cd / && NSLAB_LESSONS=/nonexistent "$NSLAB" lesson "$basics" --check </dev/null 2>&1)
check_rc lesson.check.by-path 0 $?

# `$` commands get /dev/null as stdin when checked, whatever nslab's own stdin is: the
# fixture's `cat` would wait forever on a pipe that nobody closes.
fifo=$tmp/stdin.fifo
mkfifo "$fifo"
exec 5<>"$fifo"
out=$(timeout --kill-after=5 30 "$NSLAB" lesson basics --check <"$fifo" 2>&1)
rc=$?
exec 5>&-
check_rc lesson.check.shell-stdin-is-dev-null 0 "$rc"
[ "$rc" = 0 ] || show "$out"

# A root lesson: run, start, exec and probe checks all hold.
out=$("$NSLAB" lesson container --check </dev/null 2>&1)
rc=$?
check_rc lesson.check.container-status-0 0 "$rc"
[ "$rc" = 0 ] || show "$out"
check_contains lesson.check.container-ok "$out" "ok 2/2 Start one and look at it"

# Every fixture lesson: the summary line.
out=$("$NSLAB" lesson --check </dev/null 2>&1)
rc=$?
check_rc lesson.check-all.status-0 0 "$rc"
check_contains lesson.check-all.summary "$out" "2 lessons: 2 as written, 0 failed, 0 skipped"
check_contains lesson.check-all.each "$out" $'lesson basics: all 3 steps as written'

# ---- failing fixtures: the reports

export NSLAB_LESSONS=$fixtures/failing

f=$fixtures/failing/01-wrong-output.md
line=$(grep -n '^\$ echo first-line' "$f" | cut -d: -f1)
rm -f "$fx".*
out=$(NSLAB_FIXTURE_OUT="$fx" "$NSLAB" lesson wrong-output --check </dev/null 2>&1)
check_rc lesson.wrong-output.status-1 1 $?
check_contains lesson.wrong-output.first-step-ok "$out" "ok 1/2 Fine"
check_not_contains lesson.wrong-output.step-2-not-ok "$out" "ok 2/2"
check_contains lesson.wrong-output.file-line-lesson-step "$out" "$f:$line: lesson wrong-output, step 2/2 \"Mismatch\""
check_contains lesson.wrong-output.command "$out" '  command: $ echo first-line; echo actual-text'
check_contains lesson.wrong-output.expected "$out" $'  expected (status 0):\n    first-line\n    expected-text\n'
check_contains lesson.wrong-output.actual "$out" $'  actual (status 0):\n    first-line\n    actual-text\n'
check_contains lesson.wrong-output.first-difference "$out" "first difference at expected line 2: expected-text"
check_contains lesson.wrong-output.hint "$out" "  hint: the fixture expects what echo does not print."
check_contains lesson.wrong-output.verdict "$out" "lesson wrong-output: step 2/2 failed"
if [ -e "$fx.ran" ]; then fail lesson.wrong-output.stops-there "the command after the mismatch ran"; else pass lesson.wrong-output.stops-there; fi

f=$fixtures/failing/05-wrong-status.md
out=$("$NSLAB" lesson wrong-status --check </dev/null 2>&1)
check_rc lesson.wrong-status.status-1 1 $?
check_contains lesson.wrong-status.where "$out" "$f:$(grep -n '^\$ echo about' "$f" | cut -d: -f1): lesson wrong-status, step 1/1 \"Status\""
check_contains lesson.wrong-status.differs "$out" "the exit status differs: 1, not 0"
check_contains lesson.wrong-status.hint "$out" "  hint: false exits 1."

f=$fixtures/failing/02-bad-check.md
out=$("$NSLAB" lesson bad-check --check </dev/null 2>&1)
check_rc lesson.bad-check.status-1 1 $?
check_contains lesson.bad-check.where "$out" "$f:$(grep -n '^check:' "$f" | cut -d: -f1): lesson bad-check, step 1/1 \"Status\""
check_contains lesson.bad-check.check "$out" "  check: status == 0"
check_contains lesson.bad-check.values "$out" '  status is "2", 0 is "0"'
check_contains lesson.bad-check.hint "$out" "  hint: status is the last command's exit status."
check_not_contains lesson.bad-check.no-ok "$out" "ok 1/1"

f=$fixtures/failing/03-bad-probe.md
out=$("$NSLAB" lesson bad-probe --check </dev/null 2>&1)
check_rc lesson.bad-probe.status-1 1 $?
check_contains lesson.bad-probe.where "$out" "$f:$(grep -n '^check:' "$f" | cut -d: -f1): lesson bad-probe, step 1/1 \"Count\""
check_contains lesson.bad-probe.check "$out" "  check: ps.container.count == 5"
check_contains lesson.bad-probe.values "$out" '  ps.container.count is "1", 5 is "5"'
check_contains lesson.bad-probe.hint "$out" "  hint: only one process runs in that PID namespace."

# A malformed lesson is rejected before any of it runs, in every mode.
f=$fixtures/failing/04-malformed.md
bad_line=$(grep -n '^oops$' "$f" | cut -d: -f1)
for mode in --check --auto; do
	rm -f "$fx".*
	out=$(NSLAB_FIXTURE_OUT="$fx" "$NSLAB" lesson malformed $mode --pace 0 </dev/null 2>&1)
	check_rc "lesson.malformed$mode.status-1" 1 $?
	check_contains "lesson.malformed$mode.file-line" "$out" "$f:$bad_line: [N] must be the last expected line"
	if [ -e "$fx.ran" ]; then fail "lesson.malformed$mode.nothing-ran" "its first command ran"; else pass "lesson.malformed$mode.nothing-ran"; fi
done
out=$(NSLAB_LESSONS=$fixtures/failing "$NSLAB" lesson 2>&1)
check_contains lesson.malformed.listed-as-unreadable "$(awk '$2 == "malformed"' <<<"$out")" "cannot be read: $f:$bad_line:"

out=$("$NSLAB" lesson --check </dev/null 2>&1)
check_rc lesson.check-all-failing.status-1 1 $?
check_contains lesson.check-all-failing.summary "$out" "5 lessons: 0 as written, 5 failed, 0 skipped"

# ---- --auto: narration, the commands typed out, and their output

export NSLAB_LESSONS=$fixtures
started=$SECONDS
out=$("$NSLAB" lesson basics --auto --pace 0 </dev/null 2>&1)
rc=$?
check_rc lesson.auto.status-0 0 "$rc"
[ "$rc" = 0 ] || show "$out"
if [ $((SECONDS - started)) -lt 20 ]; then pass lesson.auto.pace-0-no-pauses; else fail lesson.auto.pace-0-no-pauses "took $((SECONDS - started))s"; fi
check_contains lesson.auto.title "$out" "Lesson 1: Basics: the lesson engine's own fixture"
check_contains lesson.auto.intro "$out" "A fixture for tests/integration/lessons.sh: every kind of transcript line,"
check_contains lesson.auto.step-heading "$out" "── Step 1 of 3: Flags and host commands ─"
check_contains lesson.auto.narration "$out" 'Flags are words; `$` lines run on the host.'
check_contains lesson.auto.diagram "$out" "  set pid ──► CLONE_NEWPID"
check_contains lesson.auto.slide "$out" '(slide 1 of `slides basics`)'
check_contains lesson.auto.nslab-command-and-output "$out" $'nslab> flags\n  pid     on  CLONE_NEWPID'
check_contains lesson.auto.shell-command-and-output "$out" $'$ echo one; echo two; echo three\none\ntwo\nthree\n'
check_contains lesson.auto.error-output "$out" $'nslab> set bogus\nnslab: unknown flag \'bogus\''
check_contains lesson.auto.step-3 "$out" $'$ ls\nnotes.txt'
check_contains lesson.auto.end "$out" "End of lesson basics."
check_not_contains lesson.auto.no-report "$out" "expected (status"

# --auto goes on past a mismatch (a projector does not stop), reports it and fails at the end.
rm -f "$fx".*
out=$(NSLAB_LESSONS=$fixtures/failing NSLAB_FIXTURE_OUT="$fx" "$NSLAB" lesson wrong-output --auto --pace 0 </dev/null 2>&1)
check_rc lesson.auto.mismatch-status-1 1 $?
check_contains lesson.auto.mismatch-reported "$out" "first difference at expected line 2: expected-text"
check_contains lesson.auto.mismatch-goes-on "$out" "End of lesson wrong-output."
if [ -e "$fx.ran" ]; then pass lesson.auto.mismatch-next-command-ran; else fail lesson.auto.mismatch-next-command-ran "the command after the mismatch did not run"; fi

# ---- as another user; without a terminal; bad names

# A copy anyone can read, wherever the source tree is.
cp -r "$fixtures" "$tmp/fixtures"
chmod -R a+rX "$tmp/fixtures"
mkdir -p "$tmp/nobody"
chown 65534:65534 "$tmp/nobody"
as_nobody() {
	(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$tmp/nobody" XDG_STATE_HOME="$tmp/nobody/state" \
		NSLAB_LESSONS="$tmp/fixtures" "$NSLAB" "$@" </dev/null 2>&1)
}
out=$(as_nobody lesson container --check)
check_rc lesson.nonroot.needs-root-exit-77 77 $?
check_contains lesson.nonroot.skip-line "$out" "SKIP lesson container: it needs root"
check_not_contains lesson.nonroot.nothing-ran "$out" "ok 1/"
out=$(as_nobody lesson basics --check)
check_rc lesson.nonroot.rootless-lesson-runs 0 $?
out=$(as_nobody lesson --check)
check_rc lesson.nonroot.check-all-status-0 0 $?
check_contains lesson.nonroot.check-all-summary "$out" "2 lessons: 1 as written, 0 failed, 1 skipped"

out=$("$NSLAB" lesson basics </dev/null 2>&1)
check_rc lesson.walk.no-terminal-status-1 1 $?
check_contains lesson.walk.no-terminal-message "$out" "walking a lesson needs a terminal; --auto plays it, --check checks it"
out=$("$NSLAB" lesson basics 2>&1 </dev/null | cat)
check_contains lesson.walk.no-terminal-piped "$out" "walking a lesson needs a terminal"

out=$("$NSLAB" lesson nope --check </dev/null 2>&1)
check_rc lesson.unknown.status-1 1 $?
check_contains lesson.unknown.message "$out" "no lesson 'nope'"
out=$("$NSLAB" lesson basics --bogus </dev/null 2>&1)
check_rc lesson.usage.status-1 1 $?
check_contains lesson.usage.message "$out" "usage: lesson [NAME]"

check_eq lesson.no-progress-from-check "" "$(cat "$XDG_STATE_HOME/nslab/lessons" 2>/dev/null)"
check_eq lesson.nothing-left-in-tmpdir "" "$(ls -A "$short")"

t_done
