#!/usr/bin/env bash
# The REPL as a person uses it, through tmux: prompt, completion, history, Ctrl-C, Ctrl-D,
# and an interactive shell inside a container that owns the terminal until it exits.
# shellcheck disable=SC2016 # $((6*7)) and the like are typed into shells, not expanded here.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/tmux.sh"

# nslab's own HOME (below): a fresh history, and never the user's, even when run outside tests/run.sh.
tui_setup repl
home=$work/home
mkdir -p "$home" "$work/completion-target-dir"

p0='^nslab \[\] [#$]$'  # the empty-spec prompt, trailing space trimmed; $ when not root

# ps field for one pid, without padding.
psf() { ps -o "$1=" -p "$2" 2>/dev/null | tr -d ' '; }
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(psf stat "$1")" = Z ]; }
# TEXT as an extended regex that matches only itself.
re_quote() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }
# The first child of PID named NAME.
child_named() { pgrep -P "$1" -x "$2" | head -n1; }

# ---- session a: prompt, flags, completion, Ctrl-C, signals to containers, Ctrl-D

tui_start a "$home"
check_screen repl.banner a '^nslab [0-9][^ ]*: build a container one flag at a time'
check_prompt repl.prompt-empty-spec a "$p0"
nslab_a=$(tui_nslab_pid a)
if [ -z "$nslab_a" ]; then
	tui_fail repl.started "no nslab process under the pane" a
	exit 1
fi

tui_line a 'set pid uts'
check_prompt repl.prompt-shows-flags a '^nslab \[pid uts\] [#$]$'
tui_line a 'flags'
check_screen repl.flags-pid-on a '^  pid +on +CLONE_NEWPID'
check_prompt repl.flags-done a '^nslab \[pid uts\] [#$]$'
pa='^nslab \[pid uts\] [#$]'

# Completion: what the line reads after Tab, then Ctrl-U empties it for the next try.
tui_mark a
tui_type a he
tui_keys a Tab
check_prompt complete.command-name a "$pa help\$"
tui_keys a C-u
tui_mark a
tui_type a 'set u'
tui_keys a Tab Tab
check_screen complete.ns-flags-listed a '^user +uts$'
check_prompt complete.ns-flags-line-kept a "$pa set u\$"
tui_keys a C-u
tui_type a 'enter p'
tui_keys a Tab
check_prompt complete.enter-word a "$pa enter pivot_root\$"
tui_keys a C-u
tui_type a 'help ru'
tui_keys a Tab
check_prompt complete.help-takes-commands a "$pa help run\$"
tui_keys a C-u
tui_type a "rootfs $work/completion-ta"
tui_keys a Tab
check_prompt complete.rootfs-path a "$pa rootfs $work/completion-target-dir/\$"
tui_keys a C-u
check_prompt complete.ctrl-u-empties a "$pa\$"

# Ctrl-C at the prompt drops the half-typed line; the next command runs alone.
tui_mark a
tui_type a 'set pi'
tui_wait_prompt a "$pa set pi\$"
tui_keys a C-c
check_prompt ctrl-c.fresh-prompt a "$pa\$"
# readline already echoes ^C where the cursor is; a second ^C must not be written over the
# start of the cancelled line (repl.c on_sigint writes "^C\n" after readline's "\r").
if grep -Eq "^nslab \[pid uts\] [#\$] set pi(\^C)?\$" <<<"$(tui_since a)"; then
	pass ctrl-c.cancelled-line-intact
else
	tui_fail "ctrl-c.cancelled-line-intact (repl.c on_sigint prints a second ^C over the prompt)" \
		"the cancelled line reads [$(tui_since a | grep -m1 'set pi')]" a
fi
tui_line a 'flags'
check_screen ctrl-c.next-line-runs-alone a '^  uts +on '
if grep -q 'unknown command' <<<"$TUI_OUT"; then fail ctrl-c.line-discarded "the cancelled text was kept: $TUI_OUT"; else pass ctrl-c.line-discarded; fi
check_eq ctrl-c.nslab-survives "$nslab_a" "$(tui_nslab_pid a)"

if ! is_root; then
	skip containers "not root: run, start and stop need privilege here"
else
	# PID 1 of a PID namespace ignores SIGTERM (no handler): stop must fall back to SIGKILL.
	tui_line a 'reset; set pid; start sleep 100'
	check_started stop.pid1-started a
	tui_wait_prompt a '^nslab \[pid\] [0-9a-f]+ #$'
	tui_line a 'stop'
	# Ctrl-C while stop waits its 3 s: the command goes on; no prompt may be drawn before it ends.
	tui_wait_for a '^nslab \[pid\] [0-9a-f]+ # stop$'
	# Wait until nslab sleeps in stop's wait loop (wchan), where the kernel shows it.
	w=$(cat "/proc/$nslab_a/wchan" 2>/dev/null)
	if [ -n "$w" ] && [ "$w" != 0 ]; then
		tui_wait_true 2 eval '[ "$(cat "/proc/$nslab_a/wchan")" = hrtimer_nanosleep ]'
	else
		sleep 0.5
	fi
	tui_keys a C-c
	check_screen stop.pid1-needs-sigkill a 'killed by SIGKILL \(it ignored SIGTERM for 3s' 12
	check_prompt stop.prompt-back a '^nslab \[pid\] #$'
	stray=$(awk '/# stop$/ { on = 1; next } on && /killed by SIGKILL/ { if ($0 ~ /^nslab \[/) print; exit } on && /^nslab \[/' <<<"$(tui_since a)")
	if [ -z "$stray" ]; then
		pass ctrl-c.during-command-no-prompt
	else
		tui_fail "ctrl-c.during-command-no-prompt (repl.c on_sigint redraws the prompt while a command runs)" \
			"a prompt appeared before stop finished: [$stray]" a
	fi
	check_eq ctrl-c.during-command-nslab-survives "$nslab_a" "$(tui_nslab_pid a)"
	[ -n "$init" ] && { if tui_wait_true 5 gone "$init"; then pass stop.init-gone; else fail stop.init-gone "pid $init still there"; fi; }

	# Without a PID namespace, Ctrl-C reaches the foreground command, not nslab.
	tui_line a 'reset; run sleep 100'
	sl=
	tui_wait_true 10 eval 'sl=$(child_named "$nslab_a" sleep); [ -n "$sl" ]'
	if [ -n "$sl" ]; then
		tui_remember "$sl"
		check_eq run.sleep-owns-terminal "$(psf pgid "$sl")" "$(psf tpgid "$sl")"
		tui_mark a
		tui_keys a C-c
		check_screen run.ctrl-c-kills-foreground a 'container [0-9a-f]+ killed by SIGINT'
		check_prompt run.ctrl-c-prompt-back a "$p0"
		check_eq run.ctrl-c-nslab-survives "$nslab_a" "$(tui_nslab_pid a)"
		check_eq run.terminal-back-to-nslab "$(psf pgid "$nslab_a")" "$(psf tpgid "$nslab_a")"
	else
		tui_fail run.sleep-started "no sleep under nslab after run sleep 100" a
	fi

	# A command that leaves the terminal raw: nslab must put its own settings back.
	tui_wait_prompt a "$p0"
	tui_line a "run /bin/sh -c 'stty raw -echo; exit 0'"
	check_prompt raw.prompt-back a "$p0"
	tty_a=$(tui_pane_tty a)
	modes=$(stty -a -F "$tty_a" 2>&1)
	for m in isig opost onlcr; do
		if grep -qE "(^|[ ;])$m( |;|$)" <<<"$modes"; then pass "raw.restored-$m"; else fail "raw.restored-$m" "stty -a: $modes"; fi
	done
	tui_line a 'help'
	check_screen raw.typed-command-echoed a "^nslab \[\] # help\$"
	# With opost or onlcr left off, the lines would staircase instead of starting at column 0.
	check_screen raw.help-output-at-column-0 a '^  run CMD \[ARG\.\.\.\] +launch the container'
	tui_wait_prompt a "$p0"
	tui_mark a
	tui_type a 'flag'
	tui_wait_prompt a '# flag$'
	tui_keys a C-c
	check_prompt raw.ctrl-c-still-cancels a "$p0"

	# Ctrl-D with a background container: nslab stops it and exits 0.
	tui_line a 'start sleep 100'
	check_started ctrl-d.started a
	bg_id=$started_id bg_pid=$init
	tui_wait_prompt a '^nslab \[\] [0-9a-f]+ #$'
fi

tui_mark a
tui_keys a C-d
check_screen ctrl-d.quits-status-0 a '^NSLAB-EXITED-0$'
if tui_wait_true 5 gone "$nslab_a"; then pass ctrl-d.nslab-gone; else fail ctrl-d.nslab-gone "pid $nslab_a still there"; fi
if is_root && [ -n "${bg_pid:-}" ]; then
	if tui_wait_true 5 gone "$bg_pid"; then pass ctrl-d.stops-container; else fail ctrl-d.stops-container "pid $bg_pid survived"; fi
	if [ ! -e "/run/nslab/$bg_id" ]; then pass ctrl-d.state-dir-removed; else fail ctrl-d.state-dir-removed "/run/nslab/$bg_id left"; fi
fi
modes=$(stty -a -F "$(tui_pane_tty a)" 2>&1)
if grep -qE '(^|[ ;])icanon( |;|$)' <<<"$modes" && grep -qE '(^|[ ;])echo( |;|$)' <<<"$modes"; then
	pass ctrl-d.terminal-cooked-after-exit
else
	fail ctrl-d.terminal-cooked-after-exit "stty -a: $modes"
fi

hist=$(cat "$home/.nslab_history" 2>/dev/null)
check_contains history.saved-set "$hist" 'set pid uts'
check_contains history.saved-flags "$hist" 'flags'
last=$(sed '/^#/d' <<<"$hist" | tail -n1)
if grep -qx 'set pi' <<<"$hist"; then fail history.cancelled-line-not-saved "a line cancelled with Ctrl-C is in the history"; else pass history.cancelled-line-not-saved; fi

# ---- session b: history recall, then a shell in a container

tui_start b "$home"
check_prompt history.new-session-prompt b "$p0"
nslab_b=$(tui_nslab_pid b)
tui_keys b Up
if [ -n "$last" ]; then
	check_prompt history.up-recalls-last b "^nslab \[\] [#\$] $(re_quote "$last")\$"
else
	fail history.up-recalls-last "the history file is empty"
fi
tui_keys b C-u
check_prompt history.line-cleared b "$p0"

if ! is_root; then
	skip container-shell "not root"
else
	pc='^\[container box\] / #$'  # from the rootfs's /etc/profile: PS1='[container \h] \w \$ '
	tui_line b 'set pid mount uts; hostname box; rootfs default; run /bin/sh -l'
	check_prompt shell.profile-prompt b "$pc"
	sh_pid=$(child_named "$nslab_b" sh)
	if [ -n "$sh_pid" ]; then
		tui_remember "$sh_pid"
		check_eq shell.owns-terminal "$(psf pgid "$sh_pid")" "$(psf tpgid "$sh_pid")"
		if [ "$(psf pgid "$nslab_b")" != "$(psf tpgid "$nslab_b")" ]; then pass shell.nslab-in-background; else fail shell.nslab-in-background "nslab still owns the terminal"; fi
	else
		tui_fail shell.owns-terminal "no sh under nslab" b
	fi

	tui_line b 'hostname'
	check_screen shell.hostname b '^box$'
	check_prompt shell.hostname-prompt b "$pc"

	tui_line b 'sleep 100'
	sl=
	[ -n "$sh_pid" ] && tui_wait_true 10 eval 'sl=$(child_named "$sh_pid" sleep); [ -n "$sl" ]'
	if [ -n "$sl" ]; then
		tui_remember "$sl"
		check_eq shell.sleep-is-foreground-job "$(psf pgid "$sl")" "$(psf tpgid "$sl")"
	else
		tui_fail shell.sleep-is-foreground-job "no sleep under the container shell" b
	fi
	tui_keys b C-c
	check_prompt shell.ctrl-c-back-to-container-prompt b "$pc"
	[ -n "$sl" ] && { if tui_wait_true 5 gone "$sl"; then pass shell.ctrl-c-killed-sleep; else fail shell.ctrl-c-killed-sleep "sleep $sl survived"; fi; }
	tui_line b 'echo alive-$((6*7))'
	check_screen shell.still-alive b '^alive-42$'

	# Job control inside: the shell got a terminal it may hand to its own jobs.
	tui_wait_prompt b "$pc"
	tui_line b 'sleep 50 &'
	tui_wait_prompt b "$pc"
	tui_line b 'jobs'
	check_screen jobs.listed b '^\[1\]\+ +Running +sleep 50$'
	bj=
	[ -n "$sh_pid" ] && tui_wait_true 5 eval 'bj=$(child_named "$sh_pid" sleep); [ -n "$bj" ]'
	[ -n "$bj" ] && tui_remember "$bj"
	tui_wait_prompt b "$pc"
	tui_line b 'kill %1 && echo killed-ok'
	check_screen jobs.kill-percent-1 b '^killed-ok$'
	if [ -z "$bj" ]; then
		fail jobs.sleep-gone "no background sleep was seen"
	elif tui_wait_true 5 gone "$bj"; then
		pass jobs.sleep-gone
	else
		fail jobs.sleep-gone "sleep $bj survived kill %1"
	fi

	tui_wait_prompt b "$pc"
	tui_line b 'exit'
	pb='^nslab \[pid uts mount\] #'
	check_prompt shell.exit-back-to-nslab b "$pb\$"
	check_eq shell.terminal-back-to-nslab "$(psf pgid "$nslab_b")" "$(psf tpgid "$nslab_b")"
	tui_line b 'status'
	check_screen shell.status-exited b '^  state +exited \(exited with status 0\)'
	tui_wait_prompt b "$pb\$"
	tui_mark b
	tui_type b 'stat'
	tui_wait_prompt b "$pb stat\$"
	tui_keys b C-c
	check_prompt shell.ctrl-c-at-nslab-after b "$pb\$"
	check_eq shell.nslab-survives "$nslab_b" "$(tui_nslab_pid b)"
fi

tui_line b 'quit'
check_screen repl.quit-status-0 b '^NSLAB-EXITED-0$'
