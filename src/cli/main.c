/* nslab's entry point: the REPL, -c scripts, script files, one-shot commands, run. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nslab/cleanup.h"
#include "nslab/tokenize.h"
#include "nslab/util.h"
#include "cli.h"
#include "commands.h"
#include "repl.h"

#define SCRIPT_MAX (4 * 1024 * 1024)

static void usage(FILE *out)
{
	fputs("Usage: nslab                  the interactive shell\n"
	      "       nslab -c 'CMD; CMD'    run commands, stop at the first error\n"
	      "       nslab FILE             run the commands in FILE (- for standard input)\n"
	      "       nslab COMMAND [ARG...] one command, e.g. nslab doctor, nslab explain pid\n"
	      "       nslab run [OPTIONS] -- CMD   launch CMD in new namespaces (nslab run --help)\n"
	      "       nslab --help | --version\n"
	      "Inside, `help` lists the commands.\n",
	      out);
}

/* Read a script whole, bounded: a NUL byte is refused as soon as it arrives
 * (nslab /dev/zero stops at once), more than SCRIPT_MAX bytes is refused
 * (yes | nslab - stops after 4 MiB), a read error is reported rather than
 * taken for the end. A source that never ends nor writes (a FIFO held open)
 * waits, as a shell would; SIGINT, SIGTERM and SIGHUP end the wait and no
 * command of the partial script runs. */
static char *read_script(FILE *f, const char *name)
{
	size_t len = 0, cap = 4096;
	_cleanup_free_ char *buf = xmalloc(cap);
	int fd = fileno(f);

	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= SCRIPT_MAX) {
				fprintf(stderr, "nslab: %s: larger than %d bytes (%d MiB), the most a script may be\n",
				        name, SCRIPT_MAX, SCRIPT_MAX >> 20);
				return NULL;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR && !container_pending_signal())
			continue;
		if (n < 0) {
			if (!container_pending_signal())
				fprintf(stderr, "nslab: %s: %s\n", name, strerror(errno));
			return NULL;
		}
		if (n == 0)
			break;
		const char *nul = memchr(buf + len, '\0', (size_t)n);
		if (nul) {
			fprintf(stderr, "nslab: %s: a NUL byte at byte %zu; scripts are text\n", name,
			        (size_t)(nul - buf) + 1);
			return NULL;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	return steal_pointer(&buf);
}

/* What a killed nslab left behind goes first, and the person is told. */
static void cleanup_at_start(void)
{
	struct cleanup_report r;
	struct nslab_error e = {0};

	if (cleanup_run(&r, &e) < 0)
		nslab_error_print(&e, stderr);
	for (size_t i = 0; i < r.n_lines; i++)
		fprintf(stderr, "nslab: cleanup: %s\n", r.lines[i]);
}

static int run_text(const char *text, const char *origin)
{
	struct session s;

	session_init(&s, stdout);
	int r = command_run_text(&s, text, origin, true);
	/* A failed command is 1, unless it was a launch with its own code (127, ...). */
	int status = r < 0 ? (s.last_status > 1 ? s.last_status : 1) : s.last_status;
	session_free(&s);
	return status;
}

static int run_file(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;

	if (!f) {
		fprintf(stderr, "nslab: %s: %s\n", path, strerror(errno));
		return 1;
	}
	_cleanup_free_ char *text = read_script(f, path);
	if (f != stdin)
		fclose(f);
	return text ? run_text(text, path) : 1;
}

static int run_one(int argc, char **argv)
{
	struct session s;
	struct nslab_error e = {0};

	session_init(&s, stdout);
	int r = command_dispatch(&s, argc, argv, &e);
	if (r < 0)
		nslab_error_print(&e, stderr);
	int status = r < 0 ? (s.last_status > 1 ? s.last_status : 1) : s.last_status;
	session_free(&s);
	return status;
}

static int run_repl(void)
{
	struct session s;

	session_init(&s, stdout);
	s.interactive = true;
	int status = repl_run(&s);
	session_free(&s);
	return status;
}

static bool is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && !S_ISDIR(st.st_mode);
}

static int dispatch_mode(int argc, char **argv);

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	bool interactive = argc == 1 && isatty(STDIN_FILENO);
	container_install_signal_guard(interactive);
	int status = dispatch_mode(argc, argv);
	container_die_of_pending_signal();
	return status;
}

static bool quiet_mode(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h") || !strcmp(arg, "--version") ||
	       !strcmp(arg, "--list-commands") || !strcmp(arg, "cleanup");
}

static int dispatch_mode(int argc, char **argv)
{
	if (argc == 1 || !quiet_mode(argv[1]))
		cleanup_at_start();
	if (argc == 1)
		return isatty(STDIN_FILENO) ? run_repl() : run_file("-");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--list-commands")) {
		for (size_t i = 0; i < commands_count; i++)
			puts(commands[i].name);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		puts("nslab " NSLAB_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "-c")) {
		if (argc != 3) {
			usage(stderr);
			return 2;
		}
		return run_text(argv[2], "-c");
	}
	if (!strcmp(argv[1], "run"))
		return cli_run(argc - 1, argv + 1);
	if (argv[1][0] == '-' && strcmp(argv[1], "-") != 0) {
		fprintf(stderr, "nslab: unknown option %s\n", argv[1]);
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-") || is_file(argv[1]) || !command_find(argv[1]))
		return argc == 2 ? run_file(argv[1]) : (usage(stderr), 2);
	return run_one(argc - 1, argv + 1);
}
