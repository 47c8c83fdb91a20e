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

/* --check's exit status (DESIGN.md): 0 every channel connected; 1 a token
 * expired, invalid or expiring but every channel still has a valid one; 2 a
 * channel disconnected; 3 otherwise, when something could not be checked. */
int        sh_check_exit_status     (GListModel          *channels);

/* Files a granted channel's token: into the channel with the same network
 * and external id, or a new channel. A person's new token replaces their
 * old one for that channel. Returns the new ShToken. */
void       sh_check_add_granted_async  (ShManager              *manager,
                                        const ShGrantedChannel *granted,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data);
ShToken   *sh_check_add_granted_finish (ShManager              *manager,
                                        GAsyncResult           *result,
                                        GError                **error);

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
