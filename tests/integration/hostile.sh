#!/usr/bin/env bash
# Hostile input to scripts, -c, lessons and the REPL: huge and endless
# scripts, NUL bytes, control bytes, invalid UTF-8, very long lines, deep
# quoting, FIFOs that never close. Each must end in a clear error (or run
# bounded), never a crash, a hang or unbounded memory. No root needed; every
# nslab runs under `timeout`, so a hang is a FAIL, not a stuck suite.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib.sh"

tmp=
t_tmpdir tmp
# Never the user's history, progress or cleanup state.
export HOME=$tmp/home XDG_STATE_HOME=$tmp/state XDG_RUNTIME_DIR=$tmp/run
mkdir -p "$HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# Peak resident memory a run may reach: nslab reads at most 4 MiB of script.
# The sanitizer build keeps shadow memory and quarantines frees, so it gets more.
if nm -an "$NSLAB" 2>/dev/null | grep -q __asan_init || ldd "$NSLAB" 2>/dev/null | grep -q libasan; then
	rss_max_kb=400000
else
	rss_max_kb=60000
fi
have_time=false
[ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1 && have_time=true

# run NAME TIMEOUT [ENV...] -- ARGS... (stdin from the caller): nslab's stdout,
# stderr, exit status and peak RSS (KiB) in $tmp/NAME.{out,err,rc,rss}.
run() {
	local name=$1 secs=$2 rc
	shift 2
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	if $have_time; then
		env "${envs[@]}" timeout -k 5 "$secs" /usr/bin/time -o "$tmp/$name.rss" -f %M \
			"$NSLAB" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	else
		env "${envs[@]}" timeout -k 5 "$secs" "$NSLAB" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	fi
	rc=$?
	echo "$rc" >"$tmp/$name.rc"
	return 0
}
rc_of() { cat "$tmp/$1.rc"; }
err_of() { cat "$tmp/$1.err"; }
# GNU time writes "Command exited with non-zero status N" before the figure.
rss_of() { tail -n 1 "$tmp/$1.rss" 2>/dev/null; }

# expect NAME RC NEEDLE: exit status RC (124 means timeout killed it: a hang),
# NEEDLE in stderr, no raw control byte but newline and tab in stderr (a
# message that echoes input must not pass an escape sequence on), bounded RSS.
expect() {
	local name=$1 want=$2 needle=$3 rc err rss
	rc=$(rc_of "$name")
	err=$(err_of "$name")
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail "hostile.$name" "timed out (exit $rc): a hang"
		return
	fi
	check_rc "hostile.$name.status" "$want" "$rc"
	check_contains "hostile.$name.message" "$err" "$needle"
	# Under make SANITIZE=1 a report exits 1 too: the status alone would not tell.
	if grep -qE 'Sanitizer|runtime error:' "$tmp/$name.err"; then
		fail "hostile.$name.sanitizer" "$(grep -m 3 -E 'ERROR|SUMMARY|runtime error' "$tmp/$name.err")"
	fi
	if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$tmp/$name.err"; then
		fail "hostile.$name.no-control-bytes" "stderr holds a raw control byte: $(od -c "$tmp/$name.err" | head -n 3)"
	else
		pass "hostile.$name.no-control-bytes"
	fi
	if $have_time; then
		rss=$(rss_of "$name")
		if [ -n "$rss" ] && [ "$rss" -le "$rss_max_kb" ]; then
			pass "hostile.$name.memory"
		else
			fail "hostile.$name.memory" "peak RSS ${rss:-?} KiB, at most $rss_max_kb expected"
		fi
	fi
}
# nothing_ran NAME: stdout is empty (no command of a refused script ran).
nothing_ran() {
	if [ -s "$tmp/$1.out" ]; then
		fail "hostile.$1.nothing-ran" "stdout: $(head -c 200 "$tmp/$1.out")"
	else
		pass "hostile.$1.nothing-ran"
	fi
}

$have_time || skip hostile.memory "/usr/bin/time is missing (Debian package time): peak memory is not checked"

# ---- scripts that are not text or never end

run devzero 10 -- /dev/zero </dev/null
expect devzero 1 "nslab: /dev/zero: a NUL byte at byte 1; scripts are text"
nothing_ran devzero

run stdin-zero 10 -- - </dev/zero
expect stdin-zero 1 "nslab: -: a NUL byte at byte 1; scripts are text"

printf 'show\nflags\n\0show\n' >"$tmp/nul-script"
run nul-middle 10 -- "$tmp/nul-script" </dev/null
expect nul-middle 1 "a NUL byte at byte 12; scripts are text"
nothing_ran nul-middle

# A directory is no script: a read error is an error, not an empty script.
mkdir -p "$tmp/a-dir"
run directory 10 -- "$tmp/a-dir" </dev/null
expect directory 1 "nslab: $tmp/a-dir: Is a directory"

# yes never ends: nslab stops reading at 4 MiB and runs none of it.
yes flags | run yes-flags 20 -- -
expect yes-flags 1 "nslab: -: larger than 4194304 bytes (4 MiB), the most a script may be"
nothing_ran yes-flags

# The same through a FIFO whose writer never stops.
mkfifo "$tmp/fifo-endless"
yes show >"$tmp/fifo-endless" 2>/dev/null &
writer=$!
on_exit "kill $writer"
run fifo-endless 20 -- "$tmp/fifo-endless" </dev/null
expect fifo-endless 1 "larger than 4194304 bytes"
kill "$writer" 2>/dev/null
wait "$writer" 2>/dev/null

# A FIFO held open that never writes nor closes: nslab waits for the script as a
# shell would; SIGTERM ends the wait at once, it dies of it, and nothing of what
# was written so far runs.
mkfifo "$tmp/fifo-open"
(
	exec 3>"$tmp/fifo-open"
	printf 'show\n' >&3
	sleep 60
) &
holder=$!
on_exit "kill $holder"
start=$(date +%s%N)
run fifo-open 3 -- "$tmp/fifo-open" </dev/null
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
check_rc hostile.fifo-open.ended-by-timeout 124 "$(rc_of fifo-open)"
if [ "$elapsed_ms" -lt 8000 ]; then
	pass hostile.fifo-open.sigterm-ends-wait
else
	fail hostile.fifo-open.sigterm-ends-wait "it took ${elapsed_ms} ms: SIGTERM did not end the read (timeout's SIGKILL did)"
fi
nothing_ran fifo-open
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
# SIGINT too, as for a script on a terminal: the status says the signal.
mkfifo "$tmp/fifo-int"
(
	exec 3>"$tmp/fifo-int"
	sleep 60
) &
holder=$!
on_exit "kill $holder"
timeout -k 5 10 "$NSLAB" "$tmp/fifo-int" </dev/null >/dev/null 2>&1 &
reader=$!
sleep 0.5
kill -INT "$reader"
wait "$reader"
check_rc hostile.fifo-int.dies-of-sigint 130 "$?"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# A long script of short commands runs whole, bounded in time and memory.
yes flags | head -n 20000 >"$tmp/many"
run many 60 -- "$tmp/many" </dev/null
check_rc hostile.many.status 0 "$(rc_of many)"
check_eq hostile.many.all-ran 20000 "$(grep -c '^  pid ' "$tmp/many.out")"

# ---- lines and words

long=$(head -c 70000 /dev/zero | tr '\0' a)
printf 'show\n%s\nshow\n' "$long" >"$tmp/long-line"
run long-line 10 -- "$tmp/long-line" </dev/null
expect long-line 1 "$tmp/long-line:2: nslab: command longer than 65536 bytes"

run long-c 10 -- -c "$long"
expect long-c 1 "-c:1: nslab: command longer than 65536 bytes"

# One line of 200 KiB holding many short commands: each is short, all run.
yes 'flags;' | head -n 30000 | tr -d '\n' >"$tmp/wide-line"
run wide-line 60 -- "$tmp/wide-line" </dev/null
check_rc hostile.wide-line.status 0 "$(rc_of wide-line)"
check_eq hostile.wide-line.all-ran 30000 "$(grep -c '^  pid ' "$tmp/wide-line.out")"

# 300 words where 256 are allowed.
run many-words 10 -- -c "layer add $(printf 'w%.0s ' {1..300})"
expect many-words 1 "too many words in one command (at most 256)"

# A quote opened and never closed, at the end of a 3 MiB script.
{
	yes show | head -c 3000000
	printf "hostname 'never closed\n"
} >"$tmp/unterminated"
run unterminated 30 -- "$tmp/unterminated" </dev/null
expect unterminated 1 "unterminated single quote"

# "'"'"'... 60000 deep: quotes do not nest; one long word, read in one pass.
deep=$(for ((i = 0; i < 15000; i++)); do printf '%s' "\"'\"'"; done)
run deep-quotes 10 -- -c "hostname $deep"
expect deep-quotes 1 "hostname must be 1 to 64 characters"
check_not_contains hostile.deep-quotes.no-crash "$(err_of deep-quotes)" "AddressSanitizer"

# Backslashes and continuation lines, 60000 of them.
bs=$(head -c 60000 /dev/zero | tr '\0' '\134')
run backslashes 10 -- -c "hostname $bs"
expect backslashes 1 "hostname"

# ---- bytes that are not text

run escape 10 -- -c $'hostname \e]0;owned\a'
expect escape 1 "a control character (byte 0x1b) in a command; commands are text"
run escape-quoted 10 -- -c $'run \'/bin/echo \e[2J\''
expect escape-quoted 1 "a control character (byte 0x1b)"
run del 10 -- -c $'show\x7f'
expect del 1 "a control character (byte 0x7f)"

printf 'hostname caf\xe9\n' >"$tmp/latin1"
run latin1 10 -- "$tmp/latin1" </dev/null
expect latin1 1 "$tmp/latin1:1: nslab: invalid UTF-8 (byte 0xe9) in a command; commands are UTF-8 text"
run overlong 10 -- -c $'hostname \xc0\xaf'
expect overlong 1 "invalid UTF-8 (byte 0xc0)"
run surrogate 10 -- -c $'hostname \xed\xa0\x80'
expect surrogate 1 "invalid UTF-8 (byte 0xed)"
# Valid UTF-8 is text: the word reaches the command, which says what it wants.
run utf8 10 -- -c $'hostname caf\xc3\xa9\xf0\x9f\x90\xa7'
expect utf8 1 $'hostname \'caf\xc3\xa9\xf0\x9f\x90\xa7\': use letters'

# ---- lessons

lesson() { printf '# Hostile\n\n## One step\n\n%s\n' "$1" >"$tmp/$2"; }
lesson $'Say \e[2Jhello.' 01-escape.md
run lesson-escape 10 -- lesson "$tmp/01-escape.md" --check </dev/null
expect lesson-escape 1 "$tmp/01-escape.md:5: a control character (byte 0x1b) at column 5; lessons are text"
lesson $'Caf\xe9.' 02-latin1.md
run lesson-latin1 10 -- lesson "$tmp/02-latin1.md" --check </dev/null
expect lesson-latin1 1 "02-latin1.md:5: invalid UTF-8 (byte 0xe9) at column 4; lessons are UTF-8 text"
printf '# T\n\n## S\n\ntext\0\n' >"$tmp/03-nul.md"
run lesson-nul 10 -- lesson "$tmp/03-nul.md" --check </dev/null
expect lesson-nul 1 "contains a NUL byte; lessons are text"
# shellcheck disable=SC2016 # $ is the lesson's prompt
lesson "$(printf '```nslab\n$ true\n(a*)*\\1b (re)\n```')" 04-backref.md
run lesson-backref 10 -- lesson "$tmp/04-backref.md" --check </dev/null
expect lesson-backref 1 "04-backref.md:7: (re) line: \"(a*)*\\1b\": back-references"
lesson "$(head -c 5000 /dev/zero | tr '\0' x)" 05-long.md
run lesson-long-line 10 -- lesson "$tmp/05-long.md" --check </dev/null
expect lesson-long-line 1 "05-long.md:5: a line longer than 4096 bytes"
{
	printf '# T\n\n## S\n\n'
	head -c 1100000 /dev/zero | tr '\0' '\n'
} >"$tmp/06-huge.md"
run lesson-huge 10 -- lesson "$tmp/06-huge.md" --check </dev/null
expect lesson-huge 1 "larger than 1048576 bytes"

# A FIFO among the lessons: listing them must not wait for a writer.
mkdir -p "$tmp/lessons"
cp "$tmp/01-escape.md" "$tmp/lessons/01-escape.md"
mkfifo "$tmp/lessons/02-fifo.md"
run lesson-fifo 10 NSLAB_LESSONS="$tmp/lessons" -- lesson 2 --check </dev/null
if [ "$(rc_of lesson-fifo)" = 124 ]; then
	fail hostile.lesson-fifo "timed out: opening a FIFO lesson waited for a writer"
else
	check_contains hostile.lesson-fifo "$(err_of lesson-fifo)$(cat "$tmp/lesson-fifo.out")" "not a regular file"
fi

# ---- the REPL without a terminal reads its input as a script

printf 'show\n%s\n' "$long" | run repl-pipe 10 --
expect repl-pipe 1 "-:2: nslab: command longer than 65536 bytes"

# ---- the REPL on a terminal: a runaway paste (tmux, bracketed paste as a terminal sends it)

if command -v tmux >/dev/null; then
	# shellcheck source-path=SCRIPTDIR
	source "$(dirname "$0")/../tui/tmux.sh"
	tui_init
	mkdir -p "$tmp/repl-home"
	tui_start r "$tmp/repl-home"
	if tui_wait_prompt r '^nslab \[\] [#$]$' 10; then
		head -c 70000 /dev/zero | tr '\0' a >"$tmp/paste"
		tui_mark r
		tx load-buffer "$tmp/paste"
		tx paste-buffer -p -t r
		tui_keys r Enter
		check_screen hostile.repl-paste.refused r '^nslab: a line longer than 65536 bytes; nothing of it was run$' 20
		check_prompt hostile.repl-paste.prompt-again r '^nslab \[\] [#$]$' 10
		tui_line r 'show'
		check_screen hostile.repl-paste.still-works r '^  namespaces ' 10
		tui_keys r C-d
		check_screen hostile.repl-paste.exits-0 r '^NSLAB-EXITED-0$' 10
		# The history file never holds the paste: every later start reads it.
		hist=$(wc -c <"$tmp/repl-home/.nslab_history" 2>/dev/null || echo 0)
		if [ "$hist" -lt 1000 ]; then
			pass hostile.repl-paste.not-in-history
		else
			fail hostile.repl-paste.not-in-history "the history file is $hist bytes"
		fi
	else
		tui_fail hostile.repl-paste.prompt "no prompt" r
	fi
else
	skip hostile.repl-paste "tmux is not installed"
fi

exit 0
