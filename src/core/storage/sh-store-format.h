/* sh-store-format.h — the data file's JSON, to and from the model.
 *
 * Pure functions with no I/O, so that the loader can be fuzzed and tested on
 * its own. The format is versioned; a reader refuses a newer version rather
 * than guess at it.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include "sh-token.h"

G_BEGIN_DECLS

#define SH_STORE_FORMAT_NAME    "io.socialhub.SocialHub/channels"
/* 2: the file names its store ("store_id", which the keyring items carry)
 * and keeps the tokens removed until their secrets are gone
 * ("removed_tokens"). Version 1 files are read as they are. */
#define SH_STORE_FORMAT_VERSION 2

char      *sh_store_format_serialize (GListModel  *channels,
                                      gsize       *out_length);
/* @store_id may be NULL; @removed (token id set, may be NULL) is written
 * sorted, so that the same state gives the same bytes. */
char      *sh_store_format_serialize_full (GListModel  *channels,
                                           const char  *store_id,
                                           GHashTable  *removed,
                                           gsize       *out_length);

/* Returns the channels it could read (ShChannel). Entries it could not read
 * are left out and counted in @out_n_skipped; a file it cannot read at all is
 * an SH_ERROR_STORE_DAMAGED (or _TOO_NEW) error. */
GPtrArray *sh_store_format_parse     (const char  *data,
                                      gssize       length,
                                      guint       *out_n_skipped,
                                      GError     **error);
/* The same, with the file's store id (NULL if it has none, as version 1
 * files) and its removed token ids (a set, never NULL). */
GPtrArray *sh_store_format_parse_full (const char  *data,
                                       gssize       length,
                                       guint       *out_n_skipped,
                                       char       **out_store_id,
                                       GHashTable **out_removed,
                                       GError     **error);

/* A token's hand-outs as the data file keeps them, [{"at","via","by"}]:
 * also what --list --json prints. */
void       sh_store_format_build_handouts (JsonBuilder *builder,
                                           ShToken     *token);

G_END_DECLS
