#!/usr/bin/env bash
# watch, the live panels, as a person uses them through tmux at 80x24: header, the four panels
# with HOST | CONTAINER columns, focus, zoom, differences, pause, rate, help, resizing, a process
# vanishing, the target exiting, NO_COLOR, `nslab watch --pid` on a util-linux unshare(1) target,
# no terminal at all, and the REPL's readline working afterwards.
# shellcheck disable=SC2016 # $? and the like are typed into shells, not expanded here.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/tmux.sh"

tui_setup watch 80 24
home=$work/home
mkdir -p "$home"
host=$(uname -n)
esc=$'\e'
sep='(│|x)'                                 # ACS_VLINE: UTF-8, or 'x' as tmux stores line drawing in the C locale
titles='^(\[| )(PIDs|Mounts|Links|Memory)(\]| ) +HOST '

# titles_are SESSION COUNT: exactly COUNT panel titles on the screen (the count found in got).
titles_are() {
	TUI_OUT=$(screen "$1")
	got=$(grep -Ec -- "$titles" <<<"$TUI_OUT")
	[ "$got" = "$2" ]
}
# check_titles NAME SESSION COUNT [SECONDS]: polled until there are COUNT.
check_titles() {
	local got
	if tui_poll "${4:-10}" titles_are "$2" "$3"; then pass "$1"; else fail_screen "$1" "$got panel titles, expected $3"; fi
}
# SGR parameter lists on the screen, one per line ("1;7", "33", ...).
sgr_params() { tx capture-pane -e -p -t "$1" | grep -o "$esc\\[[0-9;]*m" | sed "s/^$esc\\[//; s/m\$//" | sort -u; }
# Colour: 30-37, 40-47, 90-97, 100-107, 38;... and 48;... (39 and 49 are the defaults).
has_colour() { tr ';' '\n' <<<"$1" | grep -Eqx '3[0-8]|4[0-8]|9[0-7]|10[0-7]'; }
has_param() { tr ';' '\n' <<<"$1" | grep -qx "$2"; }

# ---- no terminal: a clear error, non-zero, the terminal left alone

tui_start_cmd u 'PS1="sh> " exec /bin/sh'
check_prompt watch.shell-up u '^sh>$'
tui_line u "stty -g >'$work/stty.before'; '$NSLAB' watch --pid 1 </dev/null >/dev/null; echo rc=\$?; stty -g >'$work/stty.after'"
check_screen watch.no-tty-error u 'nslab: watch needs a terminal'
check_screen watch.no-tty-status u '^rc=1$'
tui_wait_prompt u '^sh>$'
tui_line u "'$NSLAB' watch --pid 1 >/dev/null; echo rc=\$?"
check_screen watch.stdout-not-tty-status u '^rc=1$'
tui_wait_prompt u '^sh>$'
if [ -s "$work/stty.before" ] && cmp -s "$work/stty.before" "$work/stty.after"; then
	pass watch.no-tty-terminal-untouched
else
	fail watch.no-tty-terminal-untouched "stty -g changed: $(cat "$work/stty.before" "$work/stty.after" 2>&1)"
fi

# ---- nslab watch --pid on a process started by util-linux, under NO_COLOR

if is_root && command -v unshare >/dev/null; then
	tui_line u "unshare --pid --fork --uts sh -c 'hostname ux; sleep 100' & echo bg=\$!"
	check_screen watch.unshare-started u '^bg=[0-9]+$'
	us=$(sed -nE 's/^bg=([0-9]+)$/\1/p' <<<"$TUI_OUT" | tail -n1)
	target=
	tui_wait_true 5 eval 'target=$(pgrep -P "$us" | head -n1); [ -n "$target" ]'
	tui_remember "$us" "$target"
	label=ux
else
	skip watch.unshare "not root: watching a plain process instead of an unshare(1) target"
	tui_line u 'sleep 100 & echo bg=$!'
	check_screen watch.sleep-started u '^bg=[0-9]+$'
	target=$(sed -nE 's/^bg=([0-9]+)$/\1/p' <<<"$TUI_OUT" | tail -n1)
	tui_remember "$target"
	label=$host
fi
tui_wait_prompt u '^sh>$'
tui_line u "NO_COLOR=1 '$NSLAB' watch --pid $target; echo rc=\$?"
check_on watch.pid-header u "^pid $target +flags: "
check_on watch.pid-hostname u "^hostname +host $host +container $label\$"
check_titles watch.pid-four-titles u 4
params=$(sgr_params u)
if has_colour "$params"; then fail watch.no-color-no-colour "colour in [$(tr '\n' ' ' <<<"$params")]"; else pass watch.no-color-no-colour; fi
if has_param "$params" 7; then pass watch.no-color-reverse; else fail watch.no-color-reverse "no reverse in [$(tr '\n' ' ' <<<"$params")]"; fi
if has_param "$params" 1; then pass watch.no-color-bold; else fail watch.no-color-bold "no bold in [$(tr '\n' ' ' <<<"$params")]"; fi
# (No tui_mark here: the mark would be taken on the alternate screen.)
tui_keys u q
check_on watch.pid-quit-status-0 u '^rc=0$'
check_prompt watch.pid-shell-back u '^sh>$'

if ! is_root; then
	skip watch.containers "not root: starting containers needs privilege here"
	exit 0
fi

# ---- the REPL: a container of our own

tui_start w "$home"
check_prompt watch.repl-prompt w '^nslab \[\] #$'
tui_line w 'set pid mount uts net; hostname box; rootfs default'
tui_wait_prompt w '^nslab \[pid uts mount net\] #$'
tui_line w 'start sleep 1000'
check_started watch.started w
tui_wait_prompt w '^nslab \[pid uts mount net\] [0-9a-f]+ #$'
tui_line w 'watch'
check_on watch.header-target w "^container [0-9a-f]+ \\(pid $init\\) +flags: pid uts mount net +every 1\\.0s\$"
check_on watch.header-hostnames w "^hostname +host $host +container box\$"
check_on watch.header-namespaces w '^namespaces pid\* user= uts\* mount\* net\* ipc= cgroup= time='
check_titles watch.four-titles w 4
check_on watch.host-and-container-labels w "HOST [0-9]+ processes +$sep ?CONTAINER 1 processes"
check_on watch.sleep-is-pid-1-inside w "^ +$init +0 S sleep 1000 +$sep +1 +0 S sleep 1000\$"
check_on watch.links-lo w "^[ !<>+-]lo +1 (up|down).*$sep ?lo +1 (up|down)"
check_on watch.memory-bar w '^ \[\|* *\] .* of '
check_on watch.focus-starts-on-pids w '^\[PIDs\] HOST'
params=$(sgr_params w)
if has_colour "$params"; then pass watch.colour-by-default; else fail watch.colour-by-default "no colour in [$(tr '\n' ' ' <<<"$params")]"; fi

tui_keys w Tab
check_on watch.tab-moves-focus w '^\[Mounts\] HOST'
check_on watch.tab-unfocuses-pids w '^ PIDs  HOST'
tui_keys w BTab
check_on watch.shift-tab-moves-back w '^\[PIDs\] HOST'
tui_keys w Right
check_on watch.right-moves-focus w '^\[Mounts\] HOST'

tui_keys w Left
check_on watch.left-moves-back w '^\[PIDs\] HOST'
# Scrolling the focused panel: the title shows which rows are in view.
tui_keys w Down
check_on watch.scroll-down w '^\[PIDs\] HOST .* 2-4/[0-9]+$'
tui_keys w NPage
check_on watch.scroll-page-down w '^\[PIDs\] HOST .* 4-6/[0-9]+$'
tui_keys w Up
check_on watch.scroll-up w '^\[PIDs\] HOST .* 3-5/[0-9]+$'
tui_keys w Home
check_on watch.scroll-home w '^\[PIDs\] HOST .* 1-3/[0-9]+$'
tui_keys w Tab
tui_keys w z
check_titles watch.zoom-one-title w 1
check_on watch.zoom-is-mounts w '^\[Mounts\] HOST'
# The container's /proc is a proc of its own (another superblock): marked '!'.
check_on watch.zoom-shows-more-rows w '^! ?/proc +proc'
tui_keys w z
check_titles watch.unzoom-four-titles w 4

tui_keys w d
check_on watch.diff-indicator w 'every 1\.0s DIFF$'
check_off watch.diff-hides-same-rows w "^ +$init +0 S sleep 1000 +$sep"
tui_keys w d
check_off watch.diff-off w 'DIFF$'
check_on watch.diff-off-rows-back w "^ +$init +0 S sleep 1000 +$sep"

tui_keys w p
check_on watch.pause-indicator w 'every 1\.0s PAUSED$'
tui_keys w p
check_off watch.resume w 'PAUSED'

tui_keys w +
check_on watch.rate-faster w 'every 0\.5s$'
tui_keys w - -
check_on watch.rate-slower w 'every 2\.0s$'
tui_keys w +
check_on watch.rate-back w 'every 1\.0s$'

tui_keys w '?'
check_on watch.help-shown w 'any key closes this help'
tui_keys w x
check_off watch.help-closed w 'any key closes this help'
check_titles watch.help-closed-panels-back w 4

tx resize-window -t w -x 120 -y 40
check_on watch.resize-wide-namespace-table w '^namespace +pid +user +uts +mount +net +ipc +cgroup +time$'
check_on watch.resize-wide-footer w 'Up/Down/PgUp/PgDn scroll'
check_titles watch.resize-wide-titles w 4
tx resize-window -t w -x 80 -y 24
check_on watch.resize-back-narrow-namespaces w '^namespaces pid\*'
check_off watch.resize-back-no-wide-table w '^(namespace|host|container) +([0-9]{10}|pid )'
check_titles watch.resize-back-titles w 4
check_on watch.resize-back-footer-last w '^q quit  \? help  Tab panel'
if [ "$(screen w | wc -l)" -le 24 ] && ! screen w | sed "s/│/|/g" | awk 'length > 80 { bad = 1 } END { exit !bad }'; then
	pass watch.resize-back-fits-80x24
else
	fail watch.resize-back-fits-80x24 "$(screen w | awk 'length > 80')"
fi

# q: back to the prompt; readline works (a command, its output, history with the arrow keys).
tui_keys w q
check_prompt watch.quit-prompt w '^nslab \[pid uts mount net\] [0-9a-f]+ #$'
tui_line w 'status'
check_screen watch.after-quit-status w '^  state +running$'
tui_wait_prompt w '^nslab \[pid uts mount net\] [0-9a-f]+ #$'
tui_keys w Up
check_prompt watch.after-quit-history-up w '^nslab \[pid uts mount net\] [0-9a-f]+ # status$'
tui_keys w C-u
modes=$(stty -a -F "$(tui_pane_tty w)" 2>&1)
if grep -qE '(^|[ ;])-icanon( |;|$)' <<<"$modes" && grep -qE '(^|[ ;])-echo( |;|$)' <<<"$modes"; then
	pass watch.after-quit-readline-owns-tty # readline's own raw mode while it reads a line
else
	fail watch.after-quit-readline-owns-tty "stty -a: $modes"
fi

# ---- a process vanishing: marked for a moment, then gone

tui_line w 'kill KILL'
tui_wait_prompt w '^nslab \[pid uts mount net\] #$'
tui_line w "start /bin/sh -c 'sleep 1000 & sleep 1000 & wait'"
check_started watch.sh-started w
sleeps=
tui_wait_true 5 eval '[ "$(pgrep -P "$init" -x sleep | wc -l)" = 2 ]' && sleeps=$(pgrep -P "$init" -x sleep | tr '\n' ' ')
# shellcheck disable=SC2086 # one pid a word
tui_remember $sleeps
victim=${sleeps%% *}
tui_wait_prompt w '^nslab \[pid uts mount net\] [0-9a-f]+ #$'
tui_line w 'watch'
check_on watch.two-sleeps-inside w "^ +$victim +0 S sleep 1000 +$sep +[23] +0 S sleep 1000\$"
if [ -n "$victim" ]; then
	kill "$victim"
	check_on watch.vanished-marked w "^- +$victim +0 +[A-Z] sleep 1000 +$sep +[23] " 5
	check_off watch.vanished-row-dropped w "^. +$victim " 8
	check_on watch.other-sleep-stays w "^ +[0-9]+ +0 S sleep 1000 +$sep +[23] +0 S sleep 1000\$"
else
	fail watch.vanished-marked "no sleeps under the container's sh"
fi
# Mounts and links are matched by key against the last refresh: new ones marked '+', vanished '-'.
tui_keys w Tab z
check_on watch.zoom-mounts-for-marks w '^\[Mounts\] HOST'
if nsenter -t "$init" -m mount -t tmpfs watchtest /tmp; then
	check_on watch.mount-new-marked w "^\+.*$sep ?/tmp +tmpfs "
	nsenter -t "$init" -m umount /tmp
	check_on watch.mount-vanished-marked w "^-.*$sep ?/tmp +tmpfs " 5
	check_off watch.mount-vanished-dropped w "$sep ?/tmp +tmpfs " 8
else
	fail watch.mount-new-marked "nsenter could not mount a tmpfs in the container"
fi
tui_keys w Tab
check_on watch.zoom-links-for-marks w '^\[Links\] HOST'
if nsenter -t "$init" -n ip link add wt0 type veth peer name wt1 2>/dev/null; then
	check_on watch.link-new-marked w "^\+ +$sep ?wt0 +[0-9]+ down +veth"
	nsenter -t "$init" -n ip link del wt0
	check_on watch.link-vanished-marked w "^- +$sep ?wt0 +[0-9]+ down +veth" 5
	check_off watch.link-vanished-dropped w "$sep ?wt0 " 8
else
	skip watch.link-marks "no veth here (ip link add type veth failed)"
fi
tui_keys w q
check_prompt watch.vanish-quit-prompt w '^nslab \[pid uts mount net\] [0-9a-f]+ #$'

# ---- the target exiting while watched

tui_line w 'kill KILL'
tui_wait_prompt w '^nslab \[pid uts mount net\] #$'
tui_line w 'start sleep 3'
check_started watch.short-started w
tui_wait_prompt w '^nslab \[pid uts mount net\] [0-9a-f]+ #$'
tui_line w 'watch'
check_on watch.short-watched w "^ +$init +0 S sleep 3 +$sep +1 +0 S sleep 3\$"
check_on watch.target-exited w "target $init exited$" 8
check_on watch.exited-keeps-last-content w "^ +$init +0 [ZX] sleep 3 +$sep +1 +0 [ZX] sleep 3\$"
check_titles watch.exited-panels-stay w 4
# A second and third watch in the same nslab still follow the terminal's size.
tx resize-window -t w -x 120 -y 40
check_on watch.third-watch-resizes w '^namespace +pid +user +uts +mount +net +ipc +cgroup +time$'
check_on watch.third-watch-exited-after-resize w "target $init exited$"
tx resize-window -t w -x 80 -y 24
check_on watch.third-watch-resized-back w '^namespaces pid\*'
tui_keys w q
check_on watch.exit-reported-at-prompt w '^\[container [0-9a-f]+ exited with status 0\]$'
check_prompt watch.exit-quit-prompt w '^nslab \[pid uts mount net\] #$'
tui_line w 'status'
check_screen watch.exit-status w '^  state +exited \(exited with status 0\)$'

tui_mark w
tui_line w 'quit'
check_screen watch.repl-quits-0 w '^NSLAB-EXITED-0$'
