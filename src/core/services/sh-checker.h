/* sh-checker.h — the one check of every token.
 *
 * Each ShManager owns one ShChecker (sh_manager_get_checker()); it owns the
 * single run of a check. The data file is loaded first if it is not yet;
 * the secrets of all tokens are read in one keyring search; each network's
 * tokens go to its provider at once. A token without a secret reads
 * "secret missing" (decided here, once); a keyring that is locked or
 * missing makes every token unknown (keyring-locked), never expired or
 * invalid. When the verdicts stand, "checked" is emitted — the only such
 * signal — and the data file is saved once, what the handlers noted (the
 * notifier's notified state) included, before any caller gets its answer.
 *
 * Only the monitor starts checks of every channel
 * (sh_monitor_check_now_async()); the broker checks one channel
 * (sh_checker_check_channels_async()); tests call the checker directly.
 */
#pragma once

#include "sh-manager.h"
#include "sh-provider.h"

G_BEGIN_DECLS

#define SH_TYPE_CHECKER (sh_checker_get_type ())
G_DECLARE_FINAL_TYPE (ShChecker, sh_checker, SH, CHECKER, GObject)

/* Joins the run under way, or starts one. */
void       sh_checker_check_async   (ShChecker           *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
/* Only the tokens of @channel_ids (the broker's "check that channel
 * first"): the network is asked about nothing else. Joins a run under way
 * that checks them too (one of every channel), else runs alongside; a
 * later check of every channel does not join it. The same "checked" and
 * save at its end; its answer is sh_checker_check_finish()'s, the summary
 * counting those tokens only. */
void       sh_checker_check_channels_async (ShChecker           *self,
                                            const char * const  *channel_ids,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean   sh_checker_check_finish  (ShChecker           *self,
                                     GAsyncResult        *result,
                                     ShCheckSummary      *out_summary,
                                     GError             **error);
gboolean   sh_checker_get_running   (ShChecker           *self);
/* Whether a run of every channel is under way (not only a run of some,
 * e.g. the broker's "check that channel first"). */
gboolean   sh_checker_get_running_all (ShChecker         *self);

/* What the end of a run does, for verdicts set by other means (tests):
 * emits "checked", then saves the data file once. */
void       sh_checker_announce_async  (ShChecker           *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean   sh_checker_announce_finish (ShChecker           *self,
                                       GAsyncResult        *result,
                                       GError             **error);

/* --check's exit status (ARCHITECTURE.md): 0 every channel connected; 1 a token
 * expired, invalid or expiring but every channel still has a valid one; 2 a
 * channel disconnected; 3 otherwise, when something could not be checked. */
int        sh_checker_exit_status   (GListModel          *channels);

/* "8,850 checked, 1,150 more by 11:40" when a check left tokens for later
 * to stay within a network's budget (@summary's n_deferred), else NULL. */
char      *sh_checker_describe_deferred (const ShCheckSummary *summary);

/* Where renewed secrets (X's refresh rotation) are stored before anyone
 * sees a verdict: the manager's keyring by default. NULL makes every such
 * store fail, as a keyring that takes nothing would (tests). */
void       sh_checker_set_secret_store (ShChecker         *self,
                                        ShSecretStore     *store);

/* For ShManager, which owns its checker. */
ShChecker *_sh_checker_new          (ShManager           *manager);

G_END_DECLS
