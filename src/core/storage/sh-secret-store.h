/* sh-secret-store.h — token secrets in the keyring (libsecret).
 *
 * Schema io.socialhub.SocialHub.Token, one item per token. Every call is
 * bounded in time and never prompts unless asked to: a missing, locked or
 * silent keyring is an SH_ERROR_KEYRING_* error, never a hang.
 *
 * Two backends behind the one API, chosen when the store is made: the
 * Secret Service (on the host: one search and one GetSecrets for all) and
 * libsecret's password API, which inside Flatpak keeps the items in a file
 * of the app's own, unlocked through the Secret portal (no access to the
 * user's whole keyring is needed).
 */
#pragma once

#include <gio/gio.h>
#include "sh-secret.h"
#include "sh-token.h"

G_BEGIN_DECLS

#define SH_TYPE_SECRET_STORE (sh_secret_store_get_type ())
G_DECLARE_FINAL_TYPE (ShSecretStore, sh_secret_store, SH, SECRET_STORE, GObject)

#define SH_SECRET_SCHEMA_NAME "io.socialhub.SocialHub.Token"

typedef enum {
  SH_SECRET_STORE_BACKEND_SERVICE,   /* the Secret Service over D-Bus */
  SH_SECRET_STORE_BACKEND_FILE,      /* secret_password_*: libsecret's file keyring */
} ShSecretStoreBackend;

/* The file backend inside Flatpak (/.flatpak-info exists) and wherever
 * libsecret is told to use its file (SECRET_BACKEND=file, which tests set);
 * the Secret Service otherwise. */
ShSecretStoreBackend sh_secret_store_backend_for_environment (void);

/* @scope: the data folder the items belong to. Items of another scope (the
 * sandbox, a test, another data folder) are never read, listed or deleted.
 * The backend is sh_secret_store_backend_for_environment()'s. */
ShSecretStore *sh_secret_store_new            (const char          *scope,
                                               gboolean             session_collection);
ShSecretStoreBackend sh_secret_store_get_backend (ShSecretStore    *self);
void           sh_secret_store_set_timeout    (ShSecretStore       *self,
                                               guint                timeout_ms);

/* The scope of the items read and written from now on: ShManager sets the
 * data file's store id once the file is loaded. */
void           sh_secret_store_set_scope      (ShSecretStore       *self,
                                               const char          *scope);
const char    *sh_secret_store_get_scope      (ShSecretStore       *self);

/* Items name their channel in their text (not in their attributes, which
 * must stay the same for a write to replace the item): what a token's
 * channel is called, for the items written from now on. */
void           sh_secret_store_describe_channel (ShSecretStore     *self,
                                               const char          *channel_id,
                                               const char          *external_id,
                                               const char          *name);

/* Before the next operation, items written with a path for their store
 * are moved to the current scope if that path is @legacy_scope or if their
 * token is in @token_ids (the data file's tokens, a set of strings: kept,
 * not copied, so not to be changed afterwards). Once per call. */
void           sh_secret_store_adopt          (ShSecretStore       *self,
                                               const char          *legacy_scope,
                                               GHashTable          *token_ids);
guint          sh_secret_store_get_n_adopted  (ShSecretStore       *self);

void           sh_secret_store_store_async    (ShSecretStore       *self,
                                               ShToken             *token,
                                               const ShSecret      *secret,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       sh_secret_store_store_finish   (ShSecretStore       *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* One search for every token of @network (NULL: all networks).
 * Returns token id → ShSecret. */
void           sh_secret_store_load_async     (ShSecretStore       *self,
                                               const char          *network,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GHashTable    *sh_secret_store_load_finish    (ShSecretStore       *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* The same one search, with the secrets read in slices (the first ones
 * small) so that a caller can start on them while the rest arrive: @on_slice
 * is called for each slice with the table load_finish() will return (token
 * id → ShSecret, borrowed: it only grows until then, a secret once in it
 * stays as long as the table, the first of two items for one token id
 * wins) and the ids just added (each once). A
 * backend that cannot slice calls it never; load_finish() has them all. */
typedef void (*ShSecretSliceFunc) (GHashTable *secrets,
                                   GPtrArray  *ids,
                                   gpointer    user_data);
void           sh_secret_store_load_sliced_async (ShSecretStore    *self,
                                               const char          *network,
                                               ShSecretSliceFunc    on_slice,
                                               gpointer             slice_data,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);

/* The token ids that have an item, without reading any secret. */
void           sh_secret_store_list_ids_async (ShSecretStore       *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GHashTable    *sh_secret_store_list_ids_finish (ShSecretStore      *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* What every item says about its token (ShSecretInfo: token, channel,
 * owner), without the secrets. Returns token id → ShSecretInfo. Needs an
 * unlocked keyring, like a load. */
void           sh_secret_store_load_info_async (ShSecretStore      *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GHashTable    *sh_secret_store_load_info_finish (ShSecretStore     *self,
                                               GAsyncResult        *result,
                                               GError             **error);

void           sh_secret_store_delete_async   (ShSecretStore       *self,
                                               const char          *token_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       sh_secret_store_delete_finish  (ShSecretStore       *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
