#!/usr/bin/env bash
# slides, the full-screen deck viewer, as a person uses it through tmux at 80x24: the first page
# and its "page 1/3", every key that moves between pages, a typed page number, a page taller than
# the screen, resizing to 120x40 and back, NO_COLOR, q and Esc leaving the terminal as it was; and
# without a terminal: the deck as plain text, --list, and clear errors.
# shellcheck disable=SC2016 # $? and the like are typed into shells, not expanded here.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/tmux.sh"

tui_setup slides 80 24
decks=$work/slides
mkdir -p "$decks"
esc=$'\e'

# ---- two decks of our own, and a README that is not one

cat >"$decks/01-intro.md" <<'EOF'
# Intro deck

A paragraph long enough to wrap on an eighty-column terminal, because it goes on about `clone3`, flags and namespaces.

- a bullet with `code`
  - a nested one
- a **bold** one

---

## Second page

```
$ echo fenced
---
not a separator
┌──────┐
│ box  │ → host
└──────┘
```

---

## Third page

The end.
EOF
{
	echo '# Tall deck'
	echo
	for i in $(seq 1 40); do echo "- row $i"; done
	echo '---'
	echo '## After the tall page'
} >"$decks/02-tall.md"
echo '# Not a deck' >"$decks/README.md"

run() { NSLAB_SLIDES=$decks "$NSLAB" "$@"; }

# ---- without a terminal: text anyone can pipe

out=$(run slides intro </dev/null 2>&1)
check_rc slides.plain-status 0 $?
check_contains slides.plain-first-page "$out" $'--- page 1/3 ---\nIntro deck\n=========='
check_contains slides.plain-second-page "$out" $'--- page 2/3 ---\nSecond page\n-----------'
check_contains slides.plain-third-page "$out" $'--- page 3/3 ---\nThird page'
check_contains slides.plain-separator-in-code "$out" $'    ---\n    not a separator'
check_contains slides.plain-bullets "$out" $'- a bullet with `code`\n  - a nested one\n- a bold one'
out=$(run slides 1 2 </dev/null 2>&1)
check_contains slides.plain-one-page "$out" $'--- page 2/3 ---\nSecond page'
check_not_contains slides.plain-one-page-only "$out" 'page 1/3'
out=$(run slides --list </dev/null 2>&1)
check_rc slides.list-status 0 $?
check_eq slides.list-table "NAME      TITLE       PAGES
01-intro  Intro deck      3
02-tall   Tall deck       2" "$out"
check_eq slides.bare-is-list "$out" "$(run slides </dev/null 2>&1)"
check_not_contains slides.list-ignores-readme "$out" 'Not a deck'
out=$(run slides NOPE </dev/null 2>&1)
check_rc slides.nope-status 1 $?
check_eq slides.nope-message "nslab: no slide deck 'NOPE' in $decks (slides --list shows them)" "$out"
out=$(run slides intro 9 </dev/null 2>&1)
check_eq slides.no-such-page "nslab: slide deck '01-intro' has 3 pages: there is no page 9" "$out"
out=$(NSLAB_SLIDES=$work/none "$NSLAB" slides --list </dev/null 2>&1)
check_eq slides.no-dir "nslab: NSLAB_SLIDES=$work/none is not a directory" "$out"

# ---- full screen

# check_page NAME PAGE HEADING: the footer's page number and the page's heading, together.
check_page() {
	check_on "$1" s "page $2 *\$"
	check_on "$1-heading" s "^ +$3\$"
}
# SGR parameter lists on the screen, one per line ("1;7", "33", ...).
sgr_params() { tx capture-pane -e -p -t "$1" | grep -o "$esc\\[[0-9;]*m" | sed "s/^$esc\\[//; s/m\$//" | sort -u; }
has_colour() { tr ';' '\n' <<<"$1" | grep -Eqx '3[0-8]|4[0-8]|9[0-7]|10[0-7]'; }
has_param() { tr ';' '\n' <<<"$1" | grep -qx "$2"; }
fits() { [ "$(screen s | wc -l)" -le "$2" ] && ! screen s | awk -v w="$1" 'length > w { bad = 1 } END { exit !bad }'; }

tui_start_cmd s 'PS1="sh> " exec /bin/sh'
check_prompt slides.shell-up s '^sh>$'
tui_line s "stty -g >'$work/stty.before'; echo before-slides"
tui_wait_prompt s '^sh>$'
tui_line s "NSLAB_SLIDES='$decks' '$NSLAB' slides intro; echo intro-rc=\$?; stty -g >'$work/stty.after'"
check_page slides.first-page 1/3 'Intro deck'
check_on slides.footer-title s '^ Intro deck .*page 1/3 *$'
check_on slides.footer-keys s 'Right/Space next'
check_on slides.bullet-glyph s '^ +(•|\*) a bullet with code$'
check_on slides.nested-bullet s '^ +(◦|-) a nested one$'
check_on slides.wrapped-at-78 s '^ A paragraph long enough to wrap on an eighty-column terminal, because it goes$'
if fits 80 24; then pass slides.fits-80x24; else fail slides.fits-80x24 "$(screen s | awk 'length > 80')"; fi
params=$(sgr_params s)
if has_colour "$params"; then pass slides.colour-by-default; else fail slides.colour-by-default "no colour in [$(tr '\n' ' ' <<<"$params")]"; fi

tui_keys s Right
check_page slides.right-next 2/3 'Second page'
check_on slides.code-block s '^    \$ echo fenced$'
check_on slides.code-separator-kept s '^    ---$'
tui_keys s NPage
check_page slides.pgdn-next 3/3 'Third page'
tui_keys s Right
check_page slides.right-at-last-stays 3/3 'Third page'
tui_keys s Left
check_page slides.left-back 2/3 'Second page'
tui_keys s End
check_page slides.end-last 3/3 'Third page'
tui_keys s Home
check_page slides.home-first 1/3 'Intro deck'
tui_keys s Left
check_page slides.left-at-first-stays 1/3 'Intro deck'
tui_keys s Space
check_page slides.space-next 2/3 'Second page'
tui_keys s PPage
check_page slides.pgup-back 1/3 'Intro deck'
tui_keys s Down
check_page slides.down-next 2/3 'Second page'
tui_keys s Up
check_page slides.up-back 1/3 'Intro deck'
tui_keys s n
check_page slides.n-next 2/3 'Second page'
tui_keys s BSpace
check_page slides.backspace-back 1/3 'Intro deck'
tui_keys s j G
check_page slides.G-last 3/3 'Third page'
tui_keys s k
check_page slides.k-back 2/3 'Second page'
tui_keys s g
check_page slides.g-first 1/3 'Intro deck'
tui_keys s 3
check_on slides.typed-number s 'go to page: 3_ of 3 *$'
tui_keys s Enter
check_page slides.typed-number-enter 3/3 'Third page'
tui_keys s 1 Escape
check_page slides.typed-number-escape-stays 3/3 'Third page'
tui_keys s p
check_page slides.p-back 2/3 'Second page'

# Larger: the same page redrawn, centred, wrapped wider (up to 100 columns).
tui_keys s Home
check_page slides.before-resize 1/3 'Intro deck'
tx resize-window -t s -x 120 -y 40
check_on slides.resize-centred s '^ {10}Intro deck$'
check_on slides.resize-wider-wrap s '^ {10}A paragraph long enough to wrap on an eighty-column terminal, because it goes on about clone3, flags$'
check_on slides.resize-footer s '^ Intro deck .*page 1/3 *$'
check_off slides.resize-no-old-wrap s 'because it goes$'
if fits 120 40; then pass slides.fits-120x40; else fail slides.fits-120x40 "$(screen s | awk 'length > 120')"; fi
tx resize-window -t s -x 24 -y 6
check_on slides.too-small s '^make the terminal larger'
tx resize-window -t s -x 80 -y 24
check_on slides.resize-back s '^ Intro deck$'
check_on slides.resize-back-wrap s 'because it goes$'
if fits 80 24; then pass slides.resize-back-fits; else fail slides.resize-back-fits "$(screen s | awk 'length > 80')"; fi

tui_keys s q
check_on slides.quit-status s '^intro-rc=0$'
check_prompt slides.quit-prompt s '^sh>$'
check_on slides.quit-screen-restored s '^before-slides$'
if [ -s "$work/stty.before" ] && cmp -s "$work/stty.before" "$work/stty.after"; then
	pass slides.quit-terminal-restored
else
	fail slides.quit-terminal-restored "stty -g changed: $(cat "$work/stty.before" "$work/stty.after" 2>&1)"
fi

# ---- outside a UTF-8 locale: box drawing and arrows as ASCII, bullets as '*'

tui_line s "NSLAB_SLIDES='$decks' LC_ALL=C '$NSLAB' slides intro 2; echo c-rc=\$?"
check_page slides.c-locale 2/3 'Second page'
check_on slides.c-locale-box s '^    \+------\+$'
check_on slides.c-locale-arrow s '^    \| box  \| > host$' # one column for one character
tui_keys s Home
check_on slides.c-locale-bullet s '^ \* a bullet with code$'
tui_keys s q
check_on slides.c-locale-quit s '^c-rc=0$'
tui_wait_prompt s '^sh>$'

# ---- a page taller than the screen: "more below", the rest, then the next page

tui_line s "NSLAB_SLIDES='$decks' NO_COLOR=1 '$NSLAB' slides 2; echo tall-rc=\$?"
check_page slides.tall-first 1/2 'Tall deck'
check_on slides.tall-more s 'more below +page 1/2 *$'
check_off slides.tall-cut s 'row 40$' 1
params=$(sgr_params s)
if has_colour "$params"; then fail slides.no-color-no-colour "colour in [$(tr '\n' ' ' <<<"$params")]"; else pass slides.no-color-no-colour; fi
if has_param "$params" 7; then pass slides.no-color-reverse; else fail slides.no-color-reverse "no reverse in [$(tr '\n' ' ' <<<"$params")]"; fi
if has_param "$params" 4; then pass slides.no-color-underlined-title; else fail slides.no-color-underlined-title "no underline in [$(tr '\n' ' ' <<<"$params")]"; fi
tui_keys s Space
check_on slides.tall-rest s '^ +(•|\*) row 40$'
check_on slides.tall-still-page-1 s 'page 1/2 *$'
check_off slides.tall-no-more s 'more below'
tui_keys s Space
check_page slides.tall-then-next 2/2 'After the tall page'
tui_keys s Left
check_page slides.tall-back-to-top 1/2 'Tall deck'
tui_keys s Escape
check_on slides.escape-quits s '^tall-rc=0$'
check_prompt slides.escape-prompt s '^sh>$'
tui_line s "NSLAB_SLIDES='$decks' '$NSLAB' slides 2; echo ctrl-c-rc=\$?"
check_page slides.ctrl-c-open 1/2 'Tall deck'
tui_keys s C-c
check_on slides.ctrl-c-quits s '^ctrl-c-rc=0$'
check_prompt slides.ctrl-c-prompt s '^sh>$'

# ---- no terminal for the full-screen viewer through the lesson hook: plain text, untouched terminal
tui_line s "NSLAB_SLIDES='$decks' '$NSLAB' slides intro 3 | cat; echo piped-rc=\$?"
check_screen slides.piped-page s '^--- page 3/3 ---$'
check_screen slides.piped-status s '^piped-rc=0$'
check_prompt slides.piped-prompt s '^sh>$'

# ---- from the REPL: the deck, then readline as before (the lesson walker opens decks this way)
mkdir -p "$work/home"
tui_start_cmd r "$(printf 'set -m; cd %q && HOME=%q NSLAB_SLIDES=%q NSLAB_ROOTFS=%q %q; echo NSLAB-EXITED-$?; exec sleep 120' \
	"$work" "$work/home" "$decks" "$ROOTFS" "$NSLAB")"
check_prompt slides.repl-prompt r '^nslab \[\] #$'
tui_line r 'slides intro 2'
check_on slides.repl-opens-at-page r 'page 2/3 *$'
check_on slides.repl-page-heading r '^ +Second page$'
tui_keys r q
check_prompt slides.repl-back r '^nslab \[\] #$'
tui_line r 'slides --list'
check_screen slides.repl-list r '^01-intro  Intro deck      3$'
tui_wait_prompt r '^nslab \[\] #$'
tui_keys r Up
check_prompt slides.repl-history r '^nslab \[\] # slides --list$'
tui_keys r C-u
tui_mark r
tui_line r 'quit'
check_screen slides.repl-quits-0 r '^NSLAB-EXITED-0$'
