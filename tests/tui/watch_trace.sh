#!/usr/bin/env bash
# watch's Trace panel through tmux at 80x24: a traced container calling hostname in a loop, the
# panel reached with Tab and t, zoomed, following new events, scrolled up (the "new below" mark),
# End following again, process events only, launcher steps hidden, help, q restoring the
# terminal; an untraced container's hint; and a saved trace loaded by an ordinary user (nobody)
# with no container at all, under NO_COLOR (roles as bold, underline, dim).
# shellcheck disable=SC2016 # $? and the like are typed into shells, not expanded here.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/tmux.sh"

tui_setup watch_trace 80 24
home=$work/home
mkdir -p "$home"
esc=$'\e'
titles='^(\[| )(PIDs|Mounts|Links|Memory)(\]| ) +HOST '
trace_title='^\[Trace\] '

# The panel's body: the lines below the Trace title and its column names, without the key line.
trace_body() { screen "$1" | sed -n '/^\[Trace\] /,$p' | sed '1,2d;$d'; }
# body_matches SESSION COMMAND...: COMMAND accepts the Trace panel's body on stdin.
body_matches() {
	TUI_OUT=$(trace_body "$1")
	shift
	[ -n "$TUI_OUT" ] && "$@" <<<"$TUI_OUT"
}
# check_body NAME SESSION COMMAND...: body_matches, polled 5 s.
check_body() {
	local name=$1 s=$2
	shift 2
	if tui_poll 5 body_matches "$s" "$@"; then pass "$name"; else fail_screen "$name" "the Trace panel's lines are not as expected"; fi
}
count_titles() { screen "$1" | grep -Ec -- "$titles"; }
# The SGR parameters on the first screen line matching REGEX, one list ("1 4 7 ").
line_sgr() { tx capture-pane -e -p -t "$1" | grep -E -- "$2" | head -n1 | grep -o "$esc\\[[0-9;]*m" | sed "s/^$esc\\[//; s/m\$//" | tr ';' '\n' | sort -u | tr '\n' ' '; }

# Not event lines: anything but "TIME PID/IN COMM -- EVENT".
only_events() { ! grep -Ev '^ +[0-9]+\.[0-9]{3} [0-9]+/[0-9]+ +[^ ]+ +-- ' | grep -q .; }
has_sethostname() { grep -Eq 'sethostname\("tr", 2\) = 0$'; }
first_is_step() { head -n1 | grep -Eq '^ +[0-9]+\.[0-9]{3} [0-9]+ +(parent|child) '; }
last_is_event() { sed '/^$/d' | tail -n1 | grep -Eq '^ +[0-9]+\.[0-9]{3} [0-9]+/[0-9]+ +[^ ]+ +[^ ]'; }
first_is_inside() { head -n1 | grep -Eq '^ +[0-9]+\.[0-9]{3} [0-9]+/1 +[^ ]+ '; }

# ---- a saved trace: made by root with a container; else a small one by hand

saved=$work/saved.jsonl
if is_root; then
	"$NSLAB" -c "set pid mount uts; rootfs $ROOTFS; trace child on; run /bin/sh -c 'hostname saved-box; (exit 2); exit 3'; trace save $saved" >/dev/null 2>&1
fi
if [ ! -s "$saved" ]; then
	is_root && fail watch_trace.saved "trace save wrote nothing: made one by hand instead"
	cat >"$saved" <<-'EOF'
		{"seq":1,"side":"parent","kind":"step","pid":100,"call":"clone3","args":"{flags=CLONE_NEWPID}","result":101,"errno":null,"t_ns":1000,"dur_ns":10,"note":""}
		{"seq":2,"side":"container","kind":"proc","pid":101,"pid_inside":1,"comm":"sh","call":"exec","args":"/bin/sh -c hostname saved-box","result":0,"errno":null,"t_ns":2000000,"dur_ns":0,"note":""}
		{"seq":3,"side":"container","kind":"syscall","pid":102,"pid_inside":2,"comm":"sh","call":"sethostname","args":"\"saved-box\", 9","result":0,"errno":null,"t_ns":3000000,"dur_ns":10,"note":""}
		{"seq":4,"side":"container","kind":"syscall","pid":101,"pid_inside":1,"comm":"sh","call":"wait4","args":"-1, 0x1, 0x1, NULL","result":-1,"errno":"ECHILD","t_ns":4000000,"dur_ns":10,"note":""}
		{"seq":5,"side":"container","kind":"proc","pid":101,"pid_inside":1,"comm":"sh","call":"exit","args":"status 3","result":0,"errno":null,"t_ns":5000000,"dur_ns":0,"note":""}
	EOF
fi

# ---- no container and no trace: a clear error that names trace load

out=$(cd "$work" && HOME=$home "$NSLAB" -c watch 2>&1)
check_contains watch_trace.nothing-to-watch "$out" "or trace load FILE"

# ---- the saved trace, loaded by an ordinary user with no container running (NO_COLOR)

if is_root; then
	chmod 755 "$work"
	chmod 644 "$saved"
	mkdir -p "$work/nobody" && chown 65534:65534 "$work/nobody"
	as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$work/nobody")
	who=nobody
else
	as_user=(env HOME="$home")
	who=$(id -un)
fi
cmd=$(printf 'set -m; cd %q && NO_COLOR=1 %s %q -c %q; echo NSLAB-EXITED-$?; exec sleep 120' "$work" \
	"$(printf '%q ' "${as_user[@]}")" "$NSLAB" "trace load $saved; watch")
tui_start_cmd n "$cmd"
check_on "watch_trace.loaded-by-$who-opens" n '^no container running +\(the other panels show nslab itself, pid [0-9]+\)'
check_on watch_trace.loaded-trace-panel n "$trace_title"'recorded +[0-9]+ events'
check_on watch_trace.loaded-zoomed n '^ +TIME s PID/INSIDE +COMM +CALL'
if [ "$(count_titles n)" = 0 ]; then pass watch_trace.loaded-only-trace; else fail watch_trace.loaded-only-trace "other panels shown: $(screen n)"; fi
check_on watch_trace.loaded-exit-event n '^ +[0-9]+\.[0-9]{3} [0-9]+/1 +sh +-- exit status 3$'
check_on watch_trace.loaded-failed-call n 'wait4\(.*\) = -1 ECHILD'
# Without colour the roles are attributes: process events bold, failed calls underlined.
sgr=$(line_sgr n '-- exit status 3')
if [[ " $sgr " == *" 1 "* ]]; then pass watch_trace.mono-process-event-bold; else fail watch_trace.mono-process-event-bold "SGR [$sgr]"; fi
sgr=$(line_sgr n '= -1 ECHILD')
if [[ " $sgr " == *" 4 "* ]]; then pass watch_trace.mono-failed-underlined; else fail watch_trace.mono-failed-underlined "SGR [$sgr]"; fi
sgr=$(tx capture-pane -e -p -t n | grep -o "$esc\\[[0-9;]*m" | sed "s/^$esc\\[//; s/m\$//" | tr ';' '\n' | sort -u | tr '\n' ' ')
if grep -Eq '(^| )(3[0-8]|4[0-8]|9[0-7]|10[0-7])( |$)' <<<"$sgr"; then
	fail watch_trace.mono-no-colour "colour in [$sgr]"
else
	pass watch_trace.mono-no-colour
fi
tui_keys n g
check_on watch_trace.loaded-top-is-first-event n '^ +[0-9]+\.[0-9]{3} [0-9]+ +parent '
check_on watch_trace.loaded-sethostname n 'sethostname\("saved-box", 9\) = 0$'
tui_keys n q
check_on watch_trace.loaded-quit n '^NSLAB-EXITED-0$'

if ! is_root; then
	skip watch_trace.containers "not root: starting and tracing containers needs privilege here"
	exit 0
fi

# ---- a traced container calling hostname in a loop

tui_start w "$home"
check_prompt watch_trace.repl-prompt w '^nslab \[\] #$'
tui_line w 'set pid mount uts; rootfs default; trace child on'
tui_wait_prompt w '^nslab \[pid uts mount\] #$'
tui_line w "start /bin/sh -c 'while true; do hostname tr; sleep 0.3; done'"
check_started watch_trace.started w
tui_wait_prompt w '^nslab \[pid uts mount\] [0-9a-f]+ #$'
tui_line w 'watch'
check_on watch_trace.watch-opens w '^\[PIDs\] HOST'
if [ "$(count_titles w)" = 4 ]; then pass watch_trace.80x24-four-panels; else fail watch_trace.80x24-four-panels "$(screen w)"; fi
check_off watch_trace.80x24-trace-not-stacked w '^ Trace '

# Tab past Memory: Trace, which at 80x24 has the screen to itself.
tui_keys w Tab Tab Tab Tab
check_on watch_trace.tab-reaches-trace w "$trace_title"'container [0-9a-f]+ +[0-9]+ events'
if [ "$(count_titles w)" = 0 ]; then pass watch_trace.trace-shown-zoomed; else fail watch_trace.trace-shown-zoomed "$(screen w)"; fi
check_on watch_trace.trace-footer-keys w '^q quit  \? help  Tab panel  End follow  e events only  l launcher steps'
tui_keys w Tab
check_on watch_trace.tab-wraps-to-pids w '^\[PIDs\] HOST'
tui_keys w t
check_on watch_trace.t-jumps-to-trace w "$trace_title"
tui_keys w z
check_on watch_trace.zoomed w "$trace_title"
check_body watch_trace.sethostname-lines w has_sethostname
check_on watch_trace.process-events w '^ +[0-9]+\.[0-9]{3} [0-9]+/1 +sh +-- fork [0-9]+/[0-9]+'
check_on watch_trace.host-and-inside-pids w "^ +[0-9]+\\.[0-9]{3} $init/1 +sh "
# Following: the newest lines at the bottom change as events arrive.
a=$(trace_body w)
sleep 1.5
b=$(trace_body w)
if [ -n "$a" ] && [ "$a" != "$b" ]; then pass watch_trace.new-events-arrive; else fail watch_trace.new-events-arrive "the panel did not change: $b"; fi

# Scrolled up: it stays put, and a mark counts what arrives below.
tui_keys w PPage
check_on watch_trace.scrolled-title w "$trace_title"'.* scrolled'
check_on watch_trace.new-below-mark w ' [0-9]+ new below: End follows$' 5
a=$(trace_body w | sed '$d')
sleep 1
b=$(trace_body w | sed '$d')
if [ -n "$a" ] && [ "$a" = "$b" ]; then pass watch_trace.scrolled-stays; else fail watch_trace.scrolled-stays "the lines moved: [$a] [$b]"; fi
tui_keys w End
check_off watch_trace.end-clears-mark w 'new below'
check_off watch_trace.end-follows w "$trace_title"'.* scrolled'
a=$(trace_body w)
sleep 1.5
b=$(trace_body w)
if [ "$a" != "$b" ]; then pass watch_trace.end-follows-again; else fail watch_trace.end-follows-again "the panel did not change"; fi

# e: process events only, and back.
tui_keys w e
check_on watch_trace.events-only-title w "$trace_title"'.* events only'
check_body watch_trace.events-only-lines w only_events
tui_keys w e
check_body watch_trace.events-only-off w has_sethostname

# Launcher steps: first in the trace, dim; l hides them.
tui_keys w g
check_body watch_trace.top-is-launcher-step w first_is_step
sgr=$(line_sgr w '[0-9]+\.[0-9]{3} [0-9]+ +(parent|child) ')
if [[ " $sgr " == *" 2 "* ]]; then pass watch_trace.launcher-steps-dim; else fail watch_trace.launcher-steps-dim "SGR [$sgr]"; fi
tui_keys w l
check_on watch_trace.steps-hidden-title w "$trace_title"'.* no steps'
check_body watch_trace.steps-hidden w first_is_inside
tui_keys w l End

tui_keys w '?'
check_on watch_trace.help-lists-t w ' t +the Trace panel: what runs inside'
check_on watch_trace.help-lists-trace-keys w 'Trace +End G +follow new events'
check_on watch_trace.help-lists-e w ' e +process events only'
tui_keys w x
check_off watch_trace.help-closed w 'any key closes this help'

# Unzoomed at 80x24 the focused Trace still has the screen (the others leave it no room);
# on a larger terminal it has a place below the other four.
tui_keys w z
check_on watch_trace.unzoomed-80x24-still-trace w "$trace_title"
if [ "$(count_titles w)" = 0 ]; then pass watch_trace.unzoomed-80x24-alone; else fail watch_trace.unzoomed-80x24-alone "$(screen w)"; fi
tx resize-window -t w -x 120 -y 40
check_on watch_trace.large-trace-stacked w "$trace_title"'container'
n=0
until [ "$(count_titles w)" = 4 ] || ((n++ > 30)); do sleep 0.1; done
if [ "$(count_titles w)" = 4 ]; then pass watch_trace.large-five-panels; else fail watch_trace.large-five-panels "$(screen w)"; fi
check_body watch_trace.large-trace-lines w last_is_event
tx resize-window -t w -x 80 -y 24
check_on watch_trace.back-to-80x24 w "$trace_title"

# q: back to the prompt, the terminal as readline wants it.
tui_keys w q
check_prompt watch_trace.quit-prompt w '^nslab \[pid uts mount\] [0-9a-f]+ #$'
modes=$(stty -a -F "$(tui_pane_tty w)" 2>&1)
if grep -qE '(^|[ ;])-icanon( |;|$)' <<<"$modes" && grep -qE '(^|[ ;])-echo( |;|$)' <<<"$modes"; then
	pass watch_trace.quit-readline-owns-tty
else
	fail watch_trace.quit-readline-owns-tty "stty -a: $modes"
fi
tui_line w 'status'
check_screen watch_trace.after-quit-status w '^  state +running$'
tui_wait_prompt w '^nslab \[pid uts mount\] [0-9a-f]+ #$'
tui_line w 'stop'
# (sh is pid 1 inside: it ignores SIGTERM, and stop ends it with SIGKILL.)
check_screen watch_trace.stopped w '^container [0-9a-f]+ (killed by|exited with)' 8
tui_wait_prompt w '^nslab \[pid uts mount\] #$'

# ---- untraced: the panel says how to turn tracing on

tui_line w 'trace child off; start sleep 100'
check_started watch_trace.untraced-started w
tui_wait_prompt w '^nslab \[pid uts mount\] [0-9a-f]+ #$'
tui_line w 'watch'
check_on watch_trace.untraced-watch w '^\[PIDs\] HOST'
tui_keys w t
check_on watch_trace.untraced-hint w '^not traced inside: trace child on, then run or start$'
check_on watch_trace.untraced-shows-steps w '^ +[0-9]+\.[0-9]{3} [0-9]+ +(parent|child) '
tui_keys w q
check_prompt watch_trace.untraced-quit w '^nslab \[pid uts mount\] [0-9a-f]+ #$'
tui_line w 'stop'
tui_wait_prompt w '^nslab \[pid uts mount\] #$'
tui_mark w
tui_line w 'quit'
check_screen watch_trace.repl-quits-0 w '^NSLAB-EXITED-0$'
