/* sh-store-fields.h — one channel or token of the data file as it was read,
 * before it becomes a model object.
 *
 * Two readers fill these: json-glib's tree (any JSON the file may hold) and
 * sh-store-scan.c (the plain JSON SocialHub writes, read without a tree).
 * One set of rules in sh-store-format.c then makes the channels and tokens,
 * so both read a file the same way. Strings are borrowed from the reader.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  gint64      at;
  const char *via;
  const char *by;
} ShStoreHandoutFields;

typedef struct {
  const char                 *id;
  const char                 *shares;
  gboolean                    has_owner;
  const char                 *owner_id;
  const char                 *owner_name;
  const char * const         *scopes;   /* NULL-terminated, or NULL */
  gint64                      granted_at;
  gint64                      expires_at;
  gint64                      expires_by;
  gint64                      data_access_expires_at;
  gint64                      checked_at;
  gint64                      notified_expiry_days;
  gint64                      notified_data_access_days;
  const char                 *state;    /* NULL where absent */
  const char                 *reason;
  gboolean                    has_last_verdict;
  const char                 *last_verdict;
  const char                 *last_verdict_reason;
  const char                 *notified_state;
  const ShStoreHandoutFields *handouts;
  guint                       n_handouts;
} ShStoreTokenFields;

typedef struct {
  const char *id;
  const char *network;
  const char *external_id;
  const char *name;
  const char *picture_url;
  const char *via;
  gint64      discovered_at;
} ShStoreChannelFields;

/* Called by the scanner once per channel, with its tokens, in file order. */
typedef void (*ShStoreScanChannel) (const ShStoreChannelFields *channel,
                                    const ShStoreTokenFields   *tokens,
                                    guint                       n_tokens,
                                    gpointer                    user_data);

/* Reads @data if it is JSON of the shape SocialHub writes (sh-store-scan.c
 * says what it takes) and of a format version this one reads, calling
 * @channel for each channel. FALSE for anything else, and then the channels
 * it already handed over must be dropped: json-glib decides about that text.
 * On TRUE, *out_store_id (or NULL) and *out_removed (the "removed_tokens"
 * strings, never NULL) are the caller's. */
gboolean   sh_store_scan (const char          *data,
                          gsize                length,
                          ShStoreScanChannel   channel,
                          gpointer             user_data,
                          char               **out_store_id,
                          GPtrArray          **out_removed);

/* sh_store_format_parse_full() without the scanner, json-glib only: for the
 * tests and the fuzz target, which compare the two. */
GPtrArray *sh_store_format_parse_with_tree (const char  *data,
                                            gssize       length,
                                            guint       *out_n_skipped,
                                            char       **out_store_id,
                                            GHashTable **out_removed,
                                            GError     **error);

/* sh_store_format_serialize_full() with the whole document's json-glib
 * tree, as it was written before: for the test that compares the bytes. */
char      *sh_store_format_serialize_with_tree (GListModel  *channels,
                                                const char  *store_id,
                                                GHashTable  *removed,
                                                gsize       *out_length);

G_END_DECLS
