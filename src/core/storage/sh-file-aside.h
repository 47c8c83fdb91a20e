/* sh-file-aside.h — keeping a damaged file instead of writing over it.
 *
 * The data file (sh-store.c) and the notifier's record
 * (sh-notifier-record.c) set a file they cannot read aside under one
 * naming: PATH.damaged-YYYYmmdd-HHMMSS, with -2, -3… when that name is
 * taken, so that an earlier damaged copy is never replaced.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The name @path would be set aside under now (free it). */
char     *sh_file_aside_path (const char  *path);
/* Renames @path to its aside name: nothing of it is lost, and nothing
 * writes over it. The error's message is the system's reason. */
gboolean  sh_file_move_aside (const char  *path,
                              char       **out_aside,
                              GError     **error);
/* Writes @contents (what @path held) to its aside name; @path stays. */
gboolean  sh_file_copy_aside (const char  *path,
                              const char  *contents,
                              gsize        length,
                              char       **out_aside,
                              GError     **error);

G_END_DECLS
