/* sh-store.h — the non-secret data file, $XDG_DATA_HOME/socialhub/channels.json.
 *
 * Loads and saves run in a worker thread; saves are serialised and coalesced,
 * each one atomic (temp file, fsync, rename) and keeping the previous version
 * as channels.json.prev. A file that cannot be parsed is set aside, never
 * overwritten; a file that cannot be read or is too new makes the store
 * read-only for the session.
 */
#pragma once

#include <gio/gio.h>
#include "sh-channel-list.h"

G_BEGIN_DECLS

#define SH_TYPE_STORE (sh_store_get_type ())
G_DECLARE_FINAL_TYPE (ShStore, sh_store, SH, STORE, GObject)

#define SH_STORE_FILE_NAME "channels.json"
/* Past this a data file is not read (the session is read-only): a channel
 * list of thousands of channels is a few MiB. */
#define SH_STORE_MAX_SIZE  (64 * 1024 * 1024)

ShStore     *sh_store_new              (const char          *directory);
const char  *sh_store_get_path         (ShStore             *self);
gboolean     sh_store_get_read_only    (ShStore             *self);

/* The store's stable id (a UUID kept in the file; keyring items carry it in
 * place of a path). Valid after a load; get_id_saved() says whether the file
 * on disk holds it yet. */
const char  *sh_store_get_id           (ShStore             *self);
gboolean     sh_store_get_id_saved     (ShStore             *self);

/* Removes the file that the first save of a new store created, when what
 * it was saved for did not happen (a first add whose secret could not be
 * stored): a failed add leaves nothing on disk. */
void         sh_store_undo_create      (ShStore             *self);

/* Tokens removed whose secret may still be in the keyring: written with
 * every save until unmarked, so that only those secrets are ever deleted. */
void         sh_store_mark_removed     (ShStore             *self,
                                        const char          *token_id);
void         sh_store_unmark_removed   (ShStore             *self,
                                        const char          *token_id);
GHashTable  *sh_store_get_removed      (ShStore             *self);

void         sh_store_load_async       (ShStore             *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GPtrArray   *sh_store_load_finish      (ShStore             *self,
                                        GAsyncResult        *result,
                                        char               **out_notice,
                                        GError             **error);

void         sh_store_save_async       (ShStore             *self,
                                        GListModel          *channels,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean     sh_store_save_finish      (ShStore             *self,
                                        GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
