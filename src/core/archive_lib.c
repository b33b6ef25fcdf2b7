/* libarchive through dlopen, resolved once on first use. */
#define ARCHIVE_LIB_IMPL
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>

#include "archive_lib.h"

__typeof__(archive_entry_copy_hardlink) *al_archive_entry_copy_hardlink;
__typeof__(archive_entry_copy_pathname) *al_archive_entry_copy_pathname;
__typeof__(archive_entry_filetype) *al_archive_entry_filetype;
__typeof__(archive_entry_hardlink) *al_archive_entry_hardlink;
__typeof__(archive_entry_pathname) *al_archive_entry_pathname;
__typeof__(archive_entry_size) *al_archive_entry_size;
__typeof__(archive_errno) *al_archive_errno;
__typeof__(archive_error_string) *al_archive_error_string;
__typeof__(archive_read_data_block) *al_archive_read_data_block;
__typeof__(archive_read_free) *al_archive_read_free;
__typeof__(archive_read_new) *al_archive_read_new;
__typeof__(archive_read_next_header) *al_archive_read_next_header;
__typeof__(archive_read_open_fd) *al_archive_read_open_fd;
__typeof__(archive_read_support_filter_all) *al_archive_read_support_filter_all;
__typeof__(archive_read_support_format_all) *al_archive_read_support_format_all;
__typeof__(archive_write_close) *al_archive_write_close;
__typeof__(archive_write_data_block) *al_archive_write_data_block;
__typeof__(archive_write_disk_new) *al_archive_write_disk_new;
__typeof__(archive_write_disk_set_options) *al_archive_write_disk_set_options;
__typeof__(archive_write_finish_entry) *al_archive_write_finish_entry;
__typeof__(archive_write_free) *al_archive_write_free;
__typeof__(archive_write_header) *al_archive_write_header;

struct sym {
	const char *name;
	void **slot;
};

static const struct sym syms[] = {
	{"archive_entry_copy_hardlink", (void **)&al_archive_entry_copy_hardlink},
	{"archive_entry_copy_pathname", (void **)&al_archive_entry_copy_pathname},
	{"archive_entry_filetype", (void **)&al_archive_entry_filetype},
	{"archive_entry_hardlink", (void **)&al_archive_entry_hardlink},
	{"archive_entry_pathname", (void **)&al_archive_entry_pathname},
	{"archive_entry_size", (void **)&al_archive_entry_size},
	{"archive_errno", (void **)&al_archive_errno},
	{"archive_error_string", (void **)&al_archive_error_string},
	{"archive_read_data_block", (void **)&al_archive_read_data_block},
	{"archive_read_free", (void **)&al_archive_read_free},
	{"archive_read_new", (void **)&al_archive_read_new},
	{"archive_read_next_header", (void **)&al_archive_read_next_header},
	{"archive_read_open_fd", (void **)&al_archive_read_open_fd},
	{"archive_read_support_filter_all", (void **)&al_archive_read_support_filter_all},
	{"archive_read_support_format_all", (void **)&al_archive_read_support_format_all},
	{"archive_write_close", (void **)&al_archive_write_close},
	{"archive_write_data_block", (void **)&al_archive_write_data_block},
	{"archive_write_disk_new", (void **)&al_archive_write_disk_new},
	{"archive_write_disk_set_options", (void **)&al_archive_write_disk_set_options},
	{"archive_write_finish_entry", (void **)&al_archive_write_finish_entry},
	{"archive_write_free", (void **)&al_archive_write_free},
	{"archive_write_header", (void **)&al_archive_write_header},
};

int archive_lib_load(struct nslab_error *e)
{
	static void *handle;

	if (handle)
		return 0;
	void *h = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		h = dlopen("libarchive.so", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return nslab_error_set(e, ENOENT, "", "rootfs import needs libarchive (apt-get install libarchive13): %s",
				       dlerror());
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		*syms[i].slot = dlsym(h, syms[i].name);
		if (!*syms[i].slot) {
			dlclose(h);
			return nslab_error_set(e, ENOSYS, "", "libarchive lacks %s", syms[i].name);
		}
	}
	handle = h;
	return 0;
}
