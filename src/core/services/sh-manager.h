/* sh-manager.h — the channels, the data file and the keyring kept in step.
 *
 * The one object the window, the command line and the monitor share. Adding a
 * token stores its secret first and the data second (undoing the secret if the
 * data cannot be saved); removing does the reverse order, recording the
 * removal in the data file until the secret is gone. A crash between the two
 * leaves at most a secret no token lists, which the next start offers back
 * (or deletes, if the file records its token as removed).
 */
#pragma once

#include <gio/gio.h>
#include "sh-channel-list.h"
#include "sh-provider.h"
#include "sh-secret-store.h"
#include "sh-store.h"

G_BEGIN_DECLS

#define SH_TYPE_MANAGER (sh_manager_get_type ())
G_DECLARE_FINAL_TYPE (ShManager, sh_manager, SH, MANAGER, GObject)

typedef struct _ShChecker ShChecker;

ShManager      *sh_manager_new                 (const char          *data_dir,
                                                gboolean             sandbox);
char           *sh_manager_default_data_dir    (gboolean             sandbox);
ShChannelList  *sh_manager_get_channels        (ShManager           *self);
ShStore        *sh_manager_get_store           (ShManager           *self);
ShSecretStore  *sh_manager_get_secret_store    (ShManager           *self);
gboolean        sh_manager_get_loaded          (ShManager           *self);
gboolean        sh_manager_get_sandbox         (ShManager           *self);
/* The one checker of this manager's tokens (sh-checker.h). */
ShChecker      *sh_manager_get_checker         (ShManager           *self);
const char     *sh_manager_get_notice          (ShManager           *self);

/* The networks this manager can reach (one provider per network). */
void            sh_manager_add_provider        (ShManager           *self,
                                                ShProvider          *provider);
ShProvider     *sh_manager_get_provider        (ShManager           *self,
                                                const char          *network);

/* Loads the data file. No keyring access: listing works without one. */
void            sh_manager_load_async          (ShManager           *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        sh_manager_load_finish         (ShManager           *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Loads the data file unless it is loaded already or being loaded, in which
 * case it waits for that load. */
void            sh_manager_ensure_loaded_async (ShManager           *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        sh_manager_ensure_loaded_finish (ShManager          *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Brings the keyring and the data file into agreement after a clean load
 * (never after one that needed recovery: the secrets of entries set aside
 * must survive until the user has looked at them). It deletes only the
 * secrets of tokens the file records as removed; a token without its secret
 * is kept and marked "secret missing"; a secret no token lists is counted
 * in "n-orphans", to be offered back with sh_manager_restore_async().
 * Returns the number of repairs made. */
void            sh_manager_reconcile_async     (ShManager           *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        sh_manager_reconcile_finish    (ShManager           *self,
                                                GAsyncResult        *result,
                                                guint               *out_n_repaired,
                                                GError             **error);

/* The secrets the last reconciliation found that no channel lists. */
guint           sh_manager_get_n_orphans       (ShManager           *self);

/* Files those secrets' tokens again, from what their keyring items say
 * (channel, owner). @out_n_left: items that do not say enough (written
 * before 0.3 for a channel no longer listed); they stay in the keyring. */
void            sh_manager_restore_async       (ShManager           *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        sh_manager_restore_finish      (ShManager           *self,
                                                GAsyncResult        *result,
                                                guint               *out_n_restored,
                                                guint               *out_n_left,
                                                GError             **error);

/* @channel may be new (not yet in the list) or existing. */
void            sh_manager_add_token_async     (ShManager           *self,
                                                ShChannel           *channel,
                                                ShToken             *token,
                                                const ShSecret      *secret,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        sh_manager_add_token_finish    (ShManager           *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Forgets the token locally (network revocation is the provider's job). A
 * channel left without tokens is removed too. */
void            sh_manager_remove_token_async  (ShManager           *self,
                                                ShToken             *token,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        sh_manager_remove_token_finish (ShManager           *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Files a granted channel's token: into the channel with the same network
 * and external id, or a new channel. A person's new token replaces their
 * old one for that channel. Returns the new ShToken.
 *
 * Adding is idempotent: when a token of the data file holds the same secret
 * already (the access token, or for X also the refresh token; found in one
 * keyring search of the network's secrets), nothing is added and the error
 * is SH_ERROR_ALREADY_ADDED, its message naming that token and channel. */
void       sh_manager_add_granted_async  (ShManager              *manager,
                                        const ShGrantedChannel *granted,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data);
ShToken   *sh_manager_add_granted_finish (ShManager              *manager,
                                        GAsyncResult           *result,
                                        GError                **error);
/* After SH_ERROR_ALREADY_ADDED: the token that holds that secret (owned
 * by its channel), so that a caller can word its own message. */
ShToken   *sh_manager_add_granted_get_existing (ShManager          *manager,
                                              GAsyncResult       *result);

/* The longest owner name a person may type, in characters. */
#define SH_OWNER_NAME_MAX 200

/* Gives @name (typed by a person: --owner, the window's "Whose token is
 * this?") as the owner of each ShGrantedChannel in @granted whose network
 * did not name the person (a pasted Facebook Page token). What the network
 * says wins: it is verified, a typed name is not. Spaces around @name go;
 * an empty or NULL @name changes nothing; a longer one than
 * SH_OWNER_NAME_MAX is cut. Returns how many channels took the name. */
guint      sh_manager_name_owner      (GPtrArray              *granted,
                                     const char             *name);

/* Removes a token the way a person means it: revoked at the network where
 * that exists (X), then forgotten. A revocation that fails (the network is
 * down) does not stop the removal; @out_warning then says that the token
 * may still be valid there. */
void       sh_manager_revoke_token_async  (ShManager           *manager,
                                         ShToken             *token,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean   sh_manager_revoke_token_finish (ShManager           *manager,
                                         GAsyncResult        *result,
                                         char               **out_warning,
                                         GError             **error);

void            sh_manager_save_async          (ShManager           *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        sh_manager_save_finish         (ShManager           *self,
                                                GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
