#!/usr/bin/env bash
# Walking a lesson as a person would, through tmux: the narration, the command pre-typed at the
# prompt, an edited command, a command of one's own, next/back/steps/hint, a command whose output
# is not what the lesson says, quit, progress kept, resuming, --from 1, and the end.
# The fixture (tests/fixtures/lessons/walk) runs only `$ echo` and spec commands: no root needed.
# shellcheck disable=SC2016 # backquotes and $ in regexes and typed text are literal
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/tmux.sh"

tui_setup lesson-walk
top=$(cd "$(dirname "$0")/../.." && pwd)
walkdir=$top/tests/fixtures/lessons/walk
fixture=$walkdir/01-walk.md
slidesdir=$top/tests/fixtures/slides
home=$work/home state=$work/state
mkdir -p "$home" "$state"
progress=$state/nslab/lessons

# TEXT as an extended regex that matches only itself.
re_quote() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }
# walk SESSION ARGS...: `nslab lesson ARGS` in a new session, with a private HOME and state.
walk() {
	local s=$1 cmd
	shift
	cmd=$(printf 'set -m; cd %q && HOME=%q XDG_STATE_HOME=%q NSLAB_LESSONS=%q NSLAB_SLIDES=%q NSLAB_ROOTFS=%q %q lesson %s; echo NSLAB-EXITED-$?; exec sleep 120' \
		"$work" "$home" "$state" "$walkdir" "$slidesdir" "$ROOTFS" "$NSLAB" "$*")
	tui_start_cmd "$s" "$cmd"
}
# say SESSION TEXT: empty the line (it may hold the pre-typed command), then type TEXT and Enter.
say() {
	tui_mark "$1"
	tui_keys "$1" C-u
	tui_type "$1" "$2"
	tui_keys "$1" Enter
}
# no_cross NAME SESSION: nothing since the mark was marked as not what the lesson expected.
no_cross() {
	if grep -q '✗' <<<"$(tui_since "$2")"; then tui_fail "$1" "a ✗ appeared" "$2"; else pass "$1"; fi
}
prompt() { printf '^walk %s nslab \\[%s\\] [#$]' "$1" "$2"; } # prompt STEP/N FLAGS: its regex
wrong_line=$(grep -n '^\$ echo wrong-on-purpose$' "$fixture" | cut -d: -f1)

# ---- session a: a first walk

walk a walk
check_screen walk.title a '^Lesson 1: Walk: a fixture for the interactive walk \(3 steps\)$'
check_screen walk.intro a '^Intro of the walk fixture\.$'
check_screen walk.keys-explained a '^Enter runs the command typed at the prompt'
check_screen walk.step-1-heading a '^── Step 1 of 3: First step ─+ slide 1 ──$'
check_screen walk.step-1-narration a '^Narration of step one\.$'
check_screen walk.step-1-slide-note a '^\(this step has slide 1: type slide to see it\)$'
check_prompt walk.first-command-pretyped a "$(prompt 1/3 '') set uts\$"

# slide: the step's page of the lesson's deck, full screen; q comes back to the walk.
say a slide
check_on walk.slide-opens a 'The first slide of the walk fixture\.'
check_on walk.slide-page a 'page 1/2 *$'
tui_keys a q
check_prompt walk.slide-back-to-walk a "$(prompt 1/3 '') set uts\$"

tui_mark a
tui_keys a Enter
check_prompt walk.enter-runs-it a "$(prompt 1/3 uts) \\\$ echo first-output\$"
tui_mark a
tui_keys a Enter
check_screen walk.output-shows a '^first-output$'
check_prompt walk.next-command-pretyped a "$(prompt 1/3 uts) \\\$ echo second-output\$"
no_cross walk.as-expected-no-cross a

# A command of one's own between the lesson's: it runs, and the lesson's stays pending.
say a flags
check_screen walk.own-command-runs a '^  uts +on +CLONE_NEWUTS'
check_prompt walk.own-command-keeps-pending a "$(prompt 1/3 uts) \\\$ echo second-output\$"
if grep -q '^(Enter or next' <<<"$(tui_since a)"; then
	tui_fail walk.own-command-not-counted "the step ended after an own command" a
else
	pass walk.own-command-not-counted
fi

# A host command of one's own is not taken for the pending `$` line edited.
say a "\$ printf '%s\\n' own-host-command"
check_screen walk.own-host-command-runs a '^own-host-command$'
check_prompt walk.own-host-command-keeps-pending a "$(prompt 1/3 uts) \\\$ echo second-output\$"
say a '$ true'
check_prompt walk.own-host-command-keeps-pending-2 a "$(prompt 1/3 uts) \\\$ echo second-output\$"

# The pre-typed command, edited: it runs in its place.
say a '$ echo edited-output'
check_screen walk.edited-command-runs a '^edited-output$'
check_screen walk.step-1-done a '^\(Enter or next: step 2, Second step\)$'
check_prompt walk.nothing-pretyped-after-last a "$(prompt 1/3 uts)\$"
no_cross walk.edited-not-compared a

# Enter on an empty line: the next step.
tui_mark a
tui_keys a Enter
check_screen walk.empty-enter-next-step a '^── Step 2 of 3: Second step ─+$'
check_screen walk.step-2-narration a '^Narration of step two\.$'
check_prompt walk.step-2-pretyped a "$(prompt 2/3 uts) \\\$ echo wrong-on-purpose\$"
check_eq walk.progress-at-step-2 "walk 1 -" "$(cat "$progress" 2>/dev/null)"

# Output that is not what the lesson says: marked, with where, both sides and the hint.
tui_mark a
tui_keys a Enter
check_screen walk.mismatch-marked a '^  ✗ not what the lesson expected:$'
check_screen walk.mismatch-where a "^$(re_quote "$fixture:$wrong_line: lesson walk, step 2/3 \"Second step\"")\$"
check_screen walk.mismatch-expected a '^    this is not what echo prints$'
check_screen walk.mismatch-actual a '^    wrong-on-purpose$'
check_screen walk.mismatch-hint a '^  hint: hint of step two, wrong on purpose$'
check_screen walk.mismatch-step-done a '^\(Enter or next: step 3, Third step\)$'

say a steps
check_screen walk.steps-lists a '^   1\. First step$'
check_screen walk.steps-marks-current a '^>  2\. Second step$'
check_screen walk.steps-all a '^   3\. Third step$'
say a hint
check_screen walk.hint a '^hint: hint of step two, wrong on purpose$'

say a next
# open: slide: the third step opens its page by itself.
check_on walk.open-slide a 'Walk slide two'
check_on walk.open-slide-page a 'page 2/2 *$'
tui_keys a q
check_screen walk.next-word a '^── Step 3 of 3: Third step ─+ slide 2 ──$'
check_prompt walk.step-3-pretyped a "$(prompt 3/3 uts) \\\$ echo third-output\$"

# back replays the steps before quietly: the spec is what step 1 built, its output not shown again.
say a back
check_screen walk.back-replays a '^\(replaying steps 1-1 quietly, so the spec is what they built\)$'
check_screen walk.back-step-2 a '^── Step 2 of 3: Second step ─+$'
check_prompt walk.back-spec-rebuilt a "$(prompt 2/3 uts) \\\$ echo wrong-on-purpose\$"
if grep -q '^first-output$' <<<"$(tui_since a)"; then tui_fail walk.back-quiet "the replay printed its output" a; else pass walk.back-quiet; fi
say a back
check_screen walk.back-to-step-1 a '^── Step 1 of 3: First step ─+ slide 1 ──$'
check_prompt walk.back-step-1-fresh-spec a "$(prompt 1/3 '') set uts\$"
say a back
check_screen walk.back-at-first-step a '^\(this is the first step\)$'

say a next
check_screen walk.next-again a '^── Step 2 of 3: Second step ─+$'
say a quit
check_screen walk.quit-leaves a '^NSLAB-EXITED-0$'
check_eq walk.quit-progress "walk 1 -" "$(cat "$progress" 2>/dev/null)"

# ---- session b: started again, it resumes where the person stopped

walk b walk
check_screen walk.resume-message b '^\(you stopped at step 2 last time; lesson walk --from 1 starts over\)$'
check_screen walk.resume-replays b '^\(replaying steps 1-1 quietly, so the spec is what they built\)$'
check_screen walk.resume-step-2 b '^── Step 2 of 3: Second step ─+$'
check_prompt walk.resume-spec-rebuilt b "$(prompt 2/3 uts) \\\$ echo wrong-on-purpose\$"
if grep -q '^Intro of the walk fixture' <<<"$(tui_since b)"; then tui_fail walk.resume-no-intro "the intro was shown again" b; else pass walk.resume-no-intro; fi
# Ctrl-D on an empty line leaves too, and keeps the step.
tui_mark b
tui_keys b C-u C-d
check_screen walk.ctrl-d-leaves b '^NSLAB-EXITED-0$'
check_eq walk.ctrl-d-progress "walk 1 -" "$(cat "$progress" 2>/dev/null)"

# ---- session c: --from 1 starts over, and this time the walk goes to the end

walk c walk --from 1
check_screen walk.from-1-step-1 c '^── Step 1 of 3: First step ─+ slide 1 ──$'
check_screen walk.from-1-intro c '^Intro of the walk fixture\.$'
check_prompt walk.from-1-pretyped c "$(prompt 1/3 '') set uts\$"
if grep -q 'you stopped at step' <<<"$(tui_since c)"; then tui_fail walk.from-1-no-resume "it resumed" c; else pass walk.from-1-no-resume; fi
check_eq walk.from-1-progress "walk 0 -" "$(cat "$progress" 2>/dev/null)"
tui_keys c Enter
tui_wait_prompt c "$(prompt 1/3 uts) \\\$ echo first-output\$"
tui_keys c Enter
tui_wait_prompt c "$(prompt 1/3 uts) \\\$ echo second-output\$"
tui_mark c
tui_keys c Enter
check_screen walk.to-end-step-1 c '^\(Enter or next: step 2, Second step\)$'
tui_mark c
tui_keys c Enter
check_prompt walk.to-end-step-2 c "$(prompt 2/3 uts) \\\$ echo wrong-on-purpose\$"
tui_mark c
tui_keys c Enter
check_screen walk.to-end-step-2-done c '^\(Enter or next: step 3, Third step\)$'
tui_mark c
tui_keys c Enter
check_on walk.to-end-opens-slide c 'page 2/2 *$'
tui_keys c q
check_prompt walk.to-end-step-3 c "$(prompt 3/3 uts) \\\$ echo third-output\$"
tui_mark c
tui_keys c Enter
check_screen walk.to-end-output c '^third-output$'
check_screen walk.to-end-last-step c '^\(Enter or next: finish the lesson\)$'
tui_mark c
tui_keys c Enter
check_screen walk.finished c '^That was the last step of lesson walk\. `lesson` lists the others\.$'
check_screen walk.finished-exits c '^NSLAB-EXITED-0$'
check_eq walk.finished-progress "walk 2 done" "$(cat "$progress" 2>/dev/null)"

# ---- session d: a finished lesson starts at the beginning again

walk d walk
check_screen walk.after-done-step-1 d '^── Step 1 of 3: First step ─+ slide 1 ──$'
check_prompt walk.after-done-pretyped d "$(prompt 1/3 '') set uts\$"
if grep -q 'you stopped at step' <<<"$(tui_since d)"; then tui_fail walk.after-done-no-resume "it resumed" d; else pass walk.after-done-no-resume; fi
say d quit
check_screen walk.after-done-quit d '^NSLAB-EXITED-0$'

# --from past the end is an error, before anything is shown.
walk e walk --from 9
check_screen walk.from-past-end e 'lesson walk has 3 steps'
check_screen walk.from-past-end-status e '^NSLAB-EXITED-1$'
