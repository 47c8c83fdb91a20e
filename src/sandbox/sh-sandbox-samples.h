/* sh-sandbox-samples.h — "Add Sample Channels": a newcomer's empty sandbox
 * filled with something to look at, through SocialHub's own add path.
 *
 * Two people of the seeded world grant tokens on both networks: Alice's
 * token for her Facebook Pages (Acme Coffee, Corner Bookshop) and her X
 * account (@acmecoffee), Bob's for the Page he shares with her (Acme
 * Coffee). Each token is identified by the manager's provider against the
 * emulator, as a pasted token is, and filed with sh_manager_add_granted_async
 * (its secret goes to the keyring like any other). Then Bob changes his
 * password and Alice revokes SocialHub on X, so that the next check shows
 * one channel connected (Corner Bookshop), one degraded (Acme Coffee on
 * Facebook, one of two tokens dead) and one disconnected (Acme Coffee on
 * X). That check also finds Acme Coffee's Instagram account (@acmecoffee,
 * linked to the Page in the seeded world), degraded with its Page: one
 * Instagram account among the samples. The check itself is the caller's:
 * the samples only set the stage.
 */
#pragma once

#include <gio/gio.h>

#include "sh-manager.h"
#include "sh-sandbox-server.h"

G_BEGIN_DECLS

void     sh_sandbox_samples_add_async  (ShSandboxServer     *server,
                                        ShManager           *manager,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/* @out_n_tokens: how many tokens were filed (also after an error, for
 * those filed before it). */
gboolean sh_sandbox_samples_add_finish (ShSandboxServer     *server,
                                        GAsyncResult        *result,
                                        guint               *out_n_tokens,
                                        GError             **error);

G_END_DECLS
