/* sh-check.h — checking every token, and adding what a network granted.
 *
 * The secrets of all tokens are read in one keyring search; each network's
 * tokens go to its provider at once; the verdicts are saved. A keyring that
 * is locked or missing makes every token unknown (keyring-locked), never
 * expired or invalid.
 */
#pragma once

#include "sh-manager.h"
#include "sh-provider.h"

G_BEGIN_DECLS

void       sh_check_all_async       (ShManager           *manager,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean   sh_check_all_finish      (ShManager           *manager,
                                     GAsyncResult        *result,
                                     ShCheckSummary      *out_summary,
                                     GError             **error);

/* --check's exit status (ARCHITECTURE.md): 0 every channel connected; 1 a token
 * expired, invalid or expiring but every channel still has a valid one; 2 a
 * channel disconnected; 3 otherwise, when something could not be checked. */
int        sh_check_exit_status     (GListModel          *channels);

/* Files a granted channel's token: into the channel with the same network
 * and external id, or a new channel. A person's new token replaces their
 * old one for that channel. Returns the new ShToken.
 *
 * Adding is idempotent: when a token of the data file holds the same secret
 * already (the access token, or for X also the refresh token; found in one
 * keyring search of the network's secrets), nothing is added and the error
 * is SH_ERROR_ALREADY_ADDED, its message naming that token and channel. */
void       sh_check_add_granted_async  (ShManager              *manager,
                                        const ShGrantedChannel *granted,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data);
ShToken   *sh_check_add_granted_finish (ShManager              *manager,
                                        GAsyncResult           *result,
                                        GError                **error);
/* After SH_ERROR_ALREADY_ADDED: the token that holds that secret (owned
 * by its channel), so that a caller can word its own message. */
ShToken   *sh_check_add_granted_get_existing (ShManager          *manager,
                                              GAsyncResult       *result);

/* The longest owner name a person may type, in characters. */
#define SH_OWNER_NAME_MAX 200

/* Gives @name (typed by a person: --owner, the window's "Whose token is
 * this?") as the owner of each ShGrantedChannel in @granted whose network
 * did not name the person (a pasted Facebook Page token). What the network
 * says wins: it is verified, a typed name is not. Spaces around @name go;
 * an empty or NULL @name changes nothing; a longer one than
 * SH_OWNER_NAME_MAX is cut. Returns how many channels took the name. */
guint      sh_check_name_owner      (GPtrArray              *granted,
                                     const char             *name);

/* Removes a token the way a person means it: revoked at the network where
 * that exists (X), then forgotten. A revocation that fails (the network is
 * down) does not stop the removal; @out_warning then says that the token
 * may still be valid there. */
void       sh_check_remove_token_async  (ShManager           *manager,
                                         ShToken             *token,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean   sh_check_remove_token_finish (ShManager           *manager,
                                         GAsyncResult        *result,
                                         char               **out_warning,
                                         GError             **error);

G_END_DECLS
