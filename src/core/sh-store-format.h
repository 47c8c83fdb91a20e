/* sh-store-format.h — the data file's JSON, to and from the model.
 *
 * Pure functions with no I/O, so that the loader can be fuzzed and tested on
 * its own. The format is versioned; a reader refuses a newer version rather
 * than guess at it.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SH_STORE_FORMAT_NAME    "io.socialhub.SocialHub/channels"
#define SH_STORE_FORMAT_VERSION 1

char      *sh_store_format_serialize (GListModel  *channels,
                                      gsize       *out_length);

/* Returns the channels it could read (ShChannel). Entries it could not read
 * are left out and counted in @out_n_skipped; a file it cannot read at all is
 * an SH_ERROR_STORE_DAMAGED (or _TOO_NEW) error. */
GPtrArray *sh_store_format_parse     (const char  *data,
                                      gssize       length,
                                      guint       *out_n_skipped,
                                      GError     **error);

G_END_DECLS
