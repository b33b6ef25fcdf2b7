/* export and import: the spec as an unshare(1) or bwrap command line, or as an OCI bundle, and back. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "nslab/export.h"
#include "nslab/oci.h"
#include "nslab/util.h"
#include "commands.h"

static void print_notes(FILE *out, const struct oci_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		fprintf(out, "note: %s\n", r->lines[i]);
}

/* export oci [--no-copy] DIR [CMD...] */
static int export_oci(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	struct oci_export_opts o = {0};
	struct oci_report notes = {0};
	int i = 2;

	if (i < argc && !strcmp(argv[i], "--no-copy")) {
		o.no_copy = true;
		i++;
	}
	if (i >= argc)
		return nslab_error_set(e, EINVAL, "", "usage: export oci [--no-copy] DIR [CMD...]");
	const char *dir = argv[i++];
	int r = oci_export(&s->spec, i < argc ? argv + i : NULL, dir, &o, &notes, e);
	if (r == 0) {
		print_notes(s->out, &notes);
		fprintf(s->out, "wrote %s/config.json%s\n", dir, o.no_copy ? "" : " and the rootfs");
		fprintf(s->out, "run it: runc run --bundle %s ID   (or crun run --bundle %s ID)\n", dir, dir);
	}
	oci_report_free(&notes);
	return r;
}

int cmd_export(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	char *const *cmd = argc > 2 ? argv + 2 : NULL;

	if (!strcmp(argv[1], "unshare"))
		return export_unshare(&s->spec, cmd, geteuid(), getegid(), s->out, e);
	if (!strcmp(argv[1], "bwrap"))
		return export_bwrap(&s->spec, cmd, geteuid(), getegid(), s->out, e);
	if (!strcmp(argv[1], "oci"))
		return export_oci(s, argc, argv, e);
	return nslab_error_set(e, EINVAL, "", "export takes unshare, bwrap or oci, not '%s'", argv[1]);
}

int cmd_import(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	struct oci_report r = {0};
	struct oci_process proc = {0};
	struct spec spec;

	(void)argc;
	if (strcmp(argv[1], "oci") != 0)
		return nslab_error_set(e, EINVAL, "", "import takes oci DIR, not '%s'", argv[1]);
	if (oci_import(argv[2], &spec, &proc, &r, e) < 0) {
		oci_report_free(&r);
		return -1;
	}
	/* The whole config was read: only now does it replace the spec. */
	spec_free(&s->spec);
	s->spec = spec;
	print_notes(s->out, &r);
	fprintf(s->out, "imported %s/config.json (show lists the spec)\n", argv[2]);
	if (proc.argc) {
		char q[4096];
		fputs("its command: run", s->out);
		for (size_t i = 0; i < proc.argc; i++) {
			export_shell_quote(proc.argv[i], q, sizeof(q));
			fprintf(s->out, " %s", q);
		}
		fputc('\n', s->out);
	}
	oci_process_free(&proc);
	oci_report_free(&r);
	return 0;
}
