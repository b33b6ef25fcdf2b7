#!/usr/bin/env bash
# Drive nslab's REPL as a person would: a private tmux server, typed keys, the screen read back.
# Source after tests/lib.sh. Never touches a user's tmux: the server lives on a socket in a temp dir.
# tests/run.sh also runs this file as a script: then it checks the helpers themselves on a plain sh.

TUI_COLS=100
TUI_ROWS=30
TUI_DIR=
TUI_SOCK=
TUI_OUT=                 # what the last tui_wait_* saw
declare -A TUI_MARK=()   # session -> absolute line where the current step's output starts

tx() { tmux -S "$TUI_SOCK" "$@"; }

# tui_init: a temp dir with the socket and a config that does not depend on the user's ~/.tmux.conf.
tui_init() {
	t_tmpdir TUI_DIR || return 1
	TUI_SOCK=$TUI_DIR/tmux.sock
	cat >"$TUI_DIR/tmux.conf" <<-'EOF'
		set -g default-shell /bin/sh
		set -g default-terminal screen
		set -g history-limit 20000
		set -g remain-on-exit on
		set -g status off
	EOF
	unset TMUX
	# Registered after t_tmpdir, so it runs before the directory is removed.
	on_exit tui_cleanup
}

# tui_setup NAME [COLS ROWS]: the start of every full-screen test: SKIP NAME
# and exit without tmux, the window size (default 100x30), tui_init, and a
# scratch dir in $work that is removed at exit.
tui_setup() {
	if ! command -v tmux >/dev/null; then
		skip "$1" "tmux is not installed"
		exit 0
	fi
	TUI_COLS=${2:-$TUI_COLS}
	TUI_ROWS=${3:-$TUI_ROWS}
	tui_init
	work=
	t_tmpdir work
}

# tui_start SESSION NSLAB_HOME: nslab in a new 100x30 session, as a foreground job in its own
# process group (set -m), the way an interactive shell starts it: Ctrl-C at the prompt must not
# reach the shell around it. After nslab ends the pane shows
# NSLAB-EXITED-<status> and keeps the terminal open (so its settings can still be read).
tui_start() {
	local cmd
	cmd=$(printf 'set -m; cd %q && HOME=%q NSLAB_ROOTFS=%q %q; echo NSLAB-EXITED-$?; exec sleep 120' \
		"$TUI_DIR" "$2" "$ROOTFS" "$NSLAB")
	tui_start_cmd "$1" "$cmd"
}
# tui_start_cmd SESSION SHELL-COMMAND
tui_start_cmd() {
	local cmd=$2
	if [ -S "$TUI_SOCK" ] && tx has-session 2>/dev/null; then
		tx new-session -d -s "$1" -x "$TUI_COLS" -y "$TUI_ROWS" "$cmd"
	else
		tmux -f "$TUI_DIR/tmux.conf" -S "$TUI_SOCK" new-session -d -s "$1" -x "$TUI_COLS" -y "$TUI_ROWS" "$cmd"
	fi
	TUI_MARK[$1]=0
}

tui_pane_pid() { tx display-message -p -t "$1" '#{pane_pid}'; }
tui_pane_tty() { tx display-message -p -t "$1" '#{pane_tty}'; }
# The nslab process under the pane's shell (empty once it has ended).
tui_nslab_pid() { pgrep -P "$(tui_pane_pid "$1")" -x nslab | head -n1; }

# tui_keys SESSION KEY...: tmux key names (Enter, Tab, C-c, Up).
tui_keys() {
	local s=$1
	shift
	tx send-keys -t "$s" "$@"
}
# tui_type SESSION TEXT: literal text, no Enter.
tui_type() { tx send-keys -t "$1" -l -- "$2"; }

# tui_mark SESSION: output from here on is what tui_wait_for looks at.
tui_mark() {
	local hs cy
	read -r hs cy < <(tx display-message -p -t "$1" '#{history_size} #{cursor_y}')
	TUI_MARK[$1]=$((hs + cy))
}
# tui_line SESSION TEXT: mark, then type TEXT and Enter, as at a prompt.
tui_line() {
	tui_mark "$1"
	tui_type "$1" "$2"
	tui_keys "$1" Enter
}

# The visible screen, wrapped lines joined, trailing blanks dropped.
tui_screen() { tx capture-pane -p -J -t "$1" | sed 's/[[:space:]]*$//'; }
# Everything written since the mark, including lines that scrolled away.
tui_since() {
	local hs start
	hs=$(tx display-message -p -t "$1" '#{history_size}')
	start=$((${TUI_MARK[$1]:-0} - hs))
	tx capture-pane -p -J -t "$1" -S "$start" | sed 's/[[:space:]]*$//'
}
# The last non-empty line on the screen: where the prompt and the cursor are.
tui_last_line() { tui_screen "$1" | sed '/^$/d' | tail -n1; }

# tui_poll SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds; 1 if it never did.
# The tests below set TUI_OUT to what they saw, for the failure message.
tui_poll() {
	local n=$(($1 * 10))
	shift
	until "$@"; do
		((n-- > 0)) || return 1
		sleep 0.1
	done
}
seen_since() { TUI_OUT=$(tui_since "$1") && grep -Eq -- "$2" <<<"$TUI_OUT"; }
last_line_is() { TUI_OUT=$(tui_last_line "$1") && grep -Eq -- "$2" <<<"$TUI_OUT"; }

# tui_wait_for SESSION REGEX [SECONDS]: until a line written since the mark matches the
# extended REGEX.
tui_wait_for() { tui_poll "${3:-10}" seen_since "$1" "$2"; }
# tui_wait_prompt SESSION REGEX [SECONDS]: until the last non-empty screen line matches.
tui_wait_prompt() { tui_poll "${3:-10}" last_line_is "$1" "$2"; }
# ---- full-screen programs (watch, slides): the visible screen, no history

# The visible screen as it is now (a full-screen program: no history, no joined lines).
screen() { tx capture-pane -p -t "$1" | sed 's/[[:space:]]*$//'; }
on_screen() { TUI_OUT=$(screen "$1") && grep -Eq -- "$2" <<<"$TUI_OUT"; }
not_on_screen() { TUI_OUT=$(screen "$1") && ! grep -Eq -- "$2" <<<"$TUI_OUT"; }
# wait_screen SESSION REGEX [SECONDS]: until a line of the visible screen matches.
wait_screen() { tui_poll "${3:-10}" on_screen "$1" "$2"; }
# wait_no_screen SESSION REGEX [SECONDS]: until no line matches.
wait_no_screen() { tui_poll "${3:-10}" not_on_screen "$1" "$2"; }
fail_screen() {
	fail "$1" "$2"
	sed '/^$/d' <<<"$TUI_OUT" | sed 's/^/    | /'
}
# check_on NAME SESSION REGEX [SECONDS], check_off: a line of the screen matches, or none does.
check_on() { if wait_screen "$2" "$3" "${4:-10}"; then pass "$1"; else fail_screen "$1" "no line matching /$3/"; fi; }
check_off() { if wait_no_screen "$2" "$3" "${4:-10}"; then pass "$1"; else fail_screen "$1" "a line still matches /$3/"; fi; }

# tui_wait_true SECONDS COMMAND...: poll a condition (a process appearing or going away).
tui_wait_true() {
	local n=$(($1 * 10))
	shift
	until "$@"; do
		((n-- > 0)) || return 1
		sleep 0.1
	done
}

# A FAIL line plus the screen, so a failure can be read without rerunning.
tui_fail() {
	fail "$1" "$2"
	tui_screen "$3" | sed '/^$/d' | tail -n 15 | sed 's/^/    | /'
}
# check_screen NAME SESSION REGEX [SECONDS]: PASS when a line since the mark matches.
check_screen() {
	if tui_wait_for "$2" "$3" "${4:-10}"; then pass "$1"; else tui_fail "$1" "no line matching /$3/ appeared" "$2"; fi
}
# check_prompt NAME SESSION REGEX [SECONDS]: PASS when the cursor's line matches.
check_prompt() {
	if tui_wait_prompt "$2" "$3" "${4:-10}"; then pass "$1"; else tui_fail "$1" "last line is not /$3/" "$2"; fi
}

# check_started NAME SESSION: the REPL said "started ID: init is pid N";
# sets started_id and init, and remembers init for the cleanup.
check_started() {
	check_screen "$1" "$2" '^started [0-9a-f]+: init is pid [0-9]+'
	started_id=$(sed -nE 's/^started ([0-9a-f]+): init is pid [0-9]+.*/\1/p' <<<"$TUI_OUT")
	init=$(sed -nE 's/^started [0-9a-f]+: init is pid ([0-9]+).*/\1/p' <<<"$TUI_OUT")
	[ -z "$init" ] || tui_remember "$init"
}

# All processes below PID (children first is not needed: they are killed with SIGKILL together).
tui_descendants() {
	local p
	for p in $(pgrep -P "$1"); do
		echo "$p"
		tui_descendants "$p"
	done
}

# Extra pids a test saw (container processes) to kill at the end whatever happened.
TUI_PIDS=()
tui_remember() { TUI_PIDS+=("$@"); }

# Kill the containers first, so nslab reaps them and removes their state dirs; then the server,
# then anything left; then state dirs whose owner was one of our nslab processes.
tui_cleanup() {
	local server nslabs=() all=() p d
	if [ -S "$TUI_SOCK" ]; then
		server=$(tx display-message -p '#{pid}' 2>/dev/null)
		if [ -n "$server" ]; then
			mapfile -t all < <(tui_descendants "$server")
			for p in "${all[@]}"; do
				[ "$(cat "/proc/$p/comm" 2>/dev/null)" = nslab ] && nslabs+=("$p")
			done
			for p in "${nslabs[@]}"; do
				# shellcheck disable=SC2046
				kill -KILL $(tui_descendants "$p") 2>/dev/null
			done
			[ ${#nslabs[@]} -gt 0 ] && sleep 0.3
		fi
		tx kill-server 2>/dev/null
	fi
	[ ${#all[@]} -gt 0 ] && kill -KILL "${all[@]}" 2>/dev/null
	[ ${#TUI_PIDS[@]} -gt 0 ] && kill -KILL "${TUI_PIDS[@]}" 2>/dev/null
	# Give init a moment to reap what was killed, so the suite's leftover check sees it gone.
	for p in "${all[@]}" "${TUI_PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			[ -e "/proc/$p" ] || break
			sleep 0.1
		done
	done
	for p in "${nslabs[@]}"; do
		for d in /run/nslab/*/; do
			[ -f "$d/state" ] && grep -qx "owner=$p" "$d/state" && rm -rf "$d"
		done
	done
	return 0
}

# Run as a script: check the helpers on /bin/sh, so a broken harness is not mistaken for a broken nslab.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	# shellcheck source-path=SCRIPTDIR
	source "$(dirname "$0")/../lib.sh"
	if ! command -v tmux >/dev/null; then
		skip tui.harness "tmux is not installed"
		exit 0
	fi
	tui_init
	tui_start_cmd h 'PS1="harness> " exec /bin/sh'
	check_prompt tui.harness.start h '^harness>$'
	# shellcheck disable=SC2016 # typed into the shell in the pane
	tui_line h 'echo one-$((40+2))'
	check_screen tui.harness.type-and-wait h '^one-42$'
	tui_line h 'seq 1 60; echo after-scroll'
	if tui_wait_for h '^after-scroll$' && grep -qx 1 <<<"$TUI_OUT" && ! grep -q one-42 <<<"$TUI_OUT"; then
		pass tui.harness.since-mark-survives-scrolling
	else
		tui_fail tui.harness.since-mark-survives-scrolling "output since the mark is wrong" h
	fi
	check_eq tui.harness.size "$TUI_COLS $TUI_ROWS" "$(tx display-message -p -t h '#{pane_width} #{pane_height}')"
	tui_mark h
	if tui_wait_for h '^never-printed$' 1; then fail tui.harness.timeout "matched what was never printed"; else pass tui.harness.timeout; fi
fi
