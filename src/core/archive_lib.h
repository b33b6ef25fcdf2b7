/* libarchive, loaded on first use: nslab starts without it (and without the
 * libxml2, ICU and C++ runtime it drags in), so `watch` and every other
 * command stay small; only `rootfs import` pays for it. Include this instead
 * of <archive.h> where libarchive is called. */
#ifndef NSLAB_ARCHIVE_LIB_H
#define NSLAB_ARCHIVE_LIB_H

#include <archive.h>
#include <archive_entry.h>
#include "nslab/error.h"

/* Load libarchive and resolve every function below; 0 or -1 with e filled. */
int archive_lib_load(struct nslab_error *e);

extern __typeof__(archive_entry_copy_hardlink) *al_archive_entry_copy_hardlink;
extern __typeof__(archive_entry_copy_pathname) *al_archive_entry_copy_pathname;
extern __typeof__(archive_entry_filetype) *al_archive_entry_filetype;
extern __typeof__(archive_entry_hardlink) *al_archive_entry_hardlink;
extern __typeof__(archive_entry_pathname) *al_archive_entry_pathname;
extern __typeof__(archive_entry_size) *al_archive_entry_size;
extern __typeof__(archive_errno) *al_archive_errno;
extern __typeof__(archive_error_string) *al_archive_error_string;
extern __typeof__(archive_read_data_block) *al_archive_read_data_block;
extern __typeof__(archive_read_free) *al_archive_read_free;
extern __typeof__(archive_read_new) *al_archive_read_new;
extern __typeof__(archive_read_next_header) *al_archive_read_next_header;
extern __typeof__(archive_read_open_fd) *al_archive_read_open_fd;
extern __typeof__(archive_read_support_filter_all) *al_archive_read_support_filter_all;
extern __typeof__(archive_read_support_format_all) *al_archive_read_support_format_all;
extern __typeof__(archive_write_close) *al_archive_write_close;
extern __typeof__(archive_write_data_block) *al_archive_write_data_block;
extern __typeof__(archive_write_disk_new) *al_archive_write_disk_new;
extern __typeof__(archive_write_disk_set_options) *al_archive_write_disk_set_options;
extern __typeof__(archive_write_finish_entry) *al_archive_write_finish_entry;
extern __typeof__(archive_write_free) *al_archive_write_free;
extern __typeof__(archive_write_header) *al_archive_write_header;

#ifndef ARCHIVE_LIB_IMPL
#define archive_entry_copy_hardlink (*al_archive_entry_copy_hardlink)
#define archive_entry_copy_pathname (*al_archive_entry_copy_pathname)
#define archive_entry_filetype (*al_archive_entry_filetype)
#define archive_entry_hardlink (*al_archive_entry_hardlink)
#define archive_entry_pathname (*al_archive_entry_pathname)
#define archive_entry_size (*al_archive_entry_size)
#define archive_errno (*al_archive_errno)
#define archive_error_string (*al_archive_error_string)
#define archive_read_data_block (*al_archive_read_data_block)
#define archive_read_free (*al_archive_read_free)
#define archive_read_new (*al_archive_read_new)
#define archive_read_next_header (*al_archive_read_next_header)
#define archive_read_open_fd (*al_archive_read_open_fd)
#define archive_read_support_filter_all (*al_archive_read_support_filter_all)
#define archive_read_support_format_all (*al_archive_read_support_format_all)
#define archive_write_close (*al_archive_write_close)
#define archive_write_data_block (*al_archive_write_data_block)
#define archive_write_disk_new (*al_archive_write_disk_new)
#define archive_write_disk_set_options (*al_archive_write_disk_set_options)
#define archive_write_finish_entry (*al_archive_write_finish_entry)
#define archive_write_free (*al_archive_write_free)
#define archive_write_header (*al_archive_write_header)
#endif

#endif
