/* Commands for overlay layers: overlay, layer, diff, which. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nslab/overlay.h"
#include "commands.h"

int cmd_overlay(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	(void)argc;
	if (!strcmp(argv[1], "on"))
		s->spec.overlay = true;
	else if (!strcmp(argv[1], "off"))
		s->spec.overlay = false;
	else
		return nslab_error_set(e, EINVAL, "", "overlay takes on or off, not '%s'", argv[1]);
	return 0;
}

static void layer_list(const struct session *s)
{
	const struct spec *sp = &s->spec;

	if (!sp->n_layers && !sp->rootfs) {
		fputs("no layers and no rootfs (layer add DIR; rootfs default)\n", s->out);
		return;
	}
	fprintf(s->out, "  upper   (the container's own, made fresh at each launch)%s\n", sp->overlay ? "" : "  [overlay off]");
	for (size_t i = 0; i < sp->n_layers; i++)
		fprintf(s->out, "  %-7zu %s\n", i, sp->layers[i]);
	if (sp->rootfs)
		fprintf(s->out, "  %-7zu %s (the rootfs, lowest)\n", sp->n_layers, sp->rootfs);
}

int cmd_layer(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	if (!strcmp(argv[1], "list") && argc == 2) {
		layer_list(s);
		return 0;
	}
	if (!strcmp(argv[1], "clear") && argc == 2) {
		spec_clear_layers(&s->spec);
		return 0;
	}
	if (!strcmp(argv[1], "add") && argc == 3)
		return spec_add_layer(&s->spec, argv[2], e);
	return nslab_error_set(e, EINVAL, "", "usage: layer add DIR | layer list | layer clear");
}

static int current_layers(struct session *s, const char **upper, const char **lower, size_t *n,
			  struct nslab_error *e)
{
	if (s->ct.state == CONTAINER_NONE)
		return nslab_error_set(e, ENOENT, "", "no container yet: overlay on, then run or start one");
	if (container_layers(&s->ct, upper, lower, n) < 0)
		return nslab_error_set(e, ENOENT, "", "container %s has no overlay (overlay on before launching)", s->ct.id);
	return 0;
}

int cmd_diff(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	const char *upper, *lower[SPEC_MAX_LAYERS + 1];
	size_t n_lower, n = 0;
	struct diff_entry *d = NULL;

	(void)argc, (void)argv;
	if (current_layers(s, &upper, lower, &n_lower, e) < 0)
		return -1;
	if (overlay_diff(upper, lower, n_lower, &d, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		fprintf(s->out, "%c %s\n", d[i].kind, d[i].path);
	if (!n)
		fputs("(no changes: the upper layer is empty)\n", s->out);
	free(d);
	return 0;
}

int cmd_which(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	const char *upper, *lower[SPEC_MAX_LAYERS + 1];
	size_t n_lower;
	int layer = -1;

	(void)argc;
	if (argv[1][0] != '/')
		return nslab_error_set(e, EINVAL, "", "which takes an absolute path inside the container, not '%s'", argv[1]);
	if (current_layers(s, &upper, lower, &n_lower, e) < 0)
		return -1;
	int r = overlay_which(argv[1], upper, lower, n_lower, &layer, e);
	if (r < 0)
		return -1;
	switch (r) {
	case OVERLAY_FROM_UPPER:
		fprintf(s->out, "%s: upper (%s): the container wrote it\n", argv[1], upper);
		break;
	case OVERLAY_FROM_LOWER:
		fprintf(s->out, "%s: layer %d (%s)%s\n", argv[1], layer, lower[layer],
			(size_t)layer == n_lower - 1 ? ", the rootfs" : "");
		break;
	case OVERLAY_DELETED:
		fprintf(s->out, "%s: deleted (a whiteout in an upper layer hides it)\n", argv[1]);
		break;
	default:
		fprintf(s->out, "%s: not in any layer\n", argv[1]);
	}
	return 0;
}
