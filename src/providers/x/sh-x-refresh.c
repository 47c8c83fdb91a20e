/* sh-x-refresh.c — X's refresh-token rotation (docs/network-behaviour.md, "Refresh").
 *
 * Each refresh spends the refresh token it sends and answers a new pair;
 * lose that answer and the grant is gone. So:
 *
 *  - one refresh per token at a time: a table of refreshes in flight, keyed
 *    by token id; whoever asks while one runs waits for its answer (the GUI
 *    and --check share one primary instance, hence one provider);
 *  - the new pair is remembered here at once and goes back to the check as
 *    a renewed secret, which ShChecker stores in the keyring before anyone
 *    sees the verdict; the provider never writes the keyring. Until the
 *    keyring holds it (a check reads it back), each check that starts from
 *    the spent pair uses the remembered one and reports it renewed again,
 *    so a keyring that refused it is offered it again at the next check;
 *  - the refresh request is never cancelled half-way: a cancelled caller just
 *    stops waiting for it;
 *  - the newest pair of each token renewed in this process is remembered, with
 *    a digest (never the value) of every refresh token spent, so that a caller
 *    that read the keyring before a refresh stored its answer uses the new
 *    pair instead of spending a dead refresh token and calling the grant
 *    revoked.
 *
 * Nothing here logs a token.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sh-error.h"
#include "sh-x-private.h"
#include "sh-x-refresh.h"

struct _ShXRenewals
{
  GHashTable *in_flight;   /* token id → Renewal (owned by its own flow) */
  GHashTable *latest;      /* token id → Latest */
  GHashTable *spent;       /* SHA-256 of a spent refresh token → token id */
};

typedef struct {
  ShSecret *secret;
} Latest;

typedef struct {
  GTask    *task;
  gboolean  settle;        /* revocation: the newest pair whatever happens */
} Waiter;

typedef struct {
  ShXProvider *self;
  ShToken     *token;
  char        *rate_key;
  char        *spent_digest; /* of the refresh token this renewal spends */
  ShSecret    *old;
  ShSecret    *fresh;
  GPtrArray   *waiters;      /* Waiter */
  GError      *error;
} Renewal;

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
digest (const char *token)
{
  return token != NULL ? g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1) : NULL;
}

static void
latest_free (Latest *latest)
{
  sh_secret_free (latest->secret);
  g_free (latest);
}

ShXRenewals *
_sh_x_renewals_new (void)
{
  ShXRenewals *renewals = g_new0 (ShXRenewals, 1);

  renewals->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  renewals->latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) latest_free);
  renewals->spent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return renewals;
}

void
_sh_x_renewals_free (ShXRenewals *renewals)
{
  /* A renewal in flight holds the provider: none can be left here. */
  g_assert (g_hash_table_size (renewals->in_flight) == 0);
  g_hash_table_unref (renewals->in_flight);
  g_hash_table_unref (renewals->latest);
  g_hash_table_unref (renewals->spent);
  g_free (renewals);
}

/* ---- the newest pair ---------------------------------------------------------------- */

/* The token id whose refresh renewed away @secret's refresh token, or NULL. */
static const char *
spent_by (ShXRenewals    *renewals,
          const ShSecret *secret)
{
  g_autofree char *hash = digest (secret->refresh_token);

  return hash != NULL ? g_hash_table_lookup (renewals->spent, hash) : NULL;
}

ShSecret *
_sh_x_current_secret (ShXProvider    *self,
                      ShToken        *token,
                      const ShSecret *secret)
{
  ShXRenewals *renewals = _sh_x_get_renewals (self);
  const char *id = sh_token_get_id (token);
  Latest *latest;

  latest = g_hash_table_lookup (renewals->latest, id);
  if (latest == NULL)
    return sh_secret_copy (secret);

  if (g_strcmp0 (secret->refresh_token, latest->secret->refresh_token) == 0 &&
      g_strcmp0 (secret->access_token, latest->secret->access_token) == 0)
    {
      /* The keyring has caught up: nothing to remember any more. */
      g_hash_table_remove (renewals->latest, id);
      return sh_secret_copy (secret);
    }

  if (g_strcmp0 (spent_by (renewals, secret), id) == 0)
    return sh_secret_copy (latest->secret);

  /* Another pair we know nothing of (added again meanwhile): trust it. */
  return sh_secret_copy (secret);
}

/* ---- a refresh ------------------------------------------------------------------------ */

static void
renewal_free (Renewal *renewal)
{
  g_object_unref (renewal->self);
  g_clear_object (&renewal->token);
  g_free (renewal->rate_key);
  g_free (renewal->spent_digest);
  sh_secret_free (renewal->old);
  sh_secret_free (renewal->fresh);
  g_ptr_array_unref (renewal->waiters);
  g_clear_error (&renewal->error);
  g_free (renewal);
}

static void
answer_waiter (Renewal *renewal,
               Waiter  *waiter)
{
  g_autoptr(GTask) task = waiter->task;
  gboolean settle = waiter->settle;

  g_free (waiter);
  if (settle)
    g_task_return_pointer (task, sh_secret_copy (renewal->fresh ?: renewal->old),
                           (GDestroyNotify) sh_secret_free);
  else if (g_task_return_error_if_cancelled (task))
    return;
  else if (renewal->fresh != NULL)
    g_task_return_pointer (task, sh_secret_copy (renewal->fresh), (GDestroyNotify) sh_secret_free);
  else
    g_task_return_error (task, g_error_copy (renewal->error));
}

static void
renewal_done (Renewal *renewal)
{
  ShXRenewals *renewals = _sh_x_get_renewals (renewal->self);

  g_hash_table_remove (renewals->in_flight, sh_token_get_id (renewal->token));
  for (guint i = 0; i < renewal->waiters->len; i++)
    answer_waiter (renewal, g_ptr_array_index (renewal->waiters, i));
  g_ptr_array_set_size (renewal->waiters, 0);
  renewal_free (renewal);
}

static void
on_token_reply (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Renewal *renewal = user_data;
  ShXProvider *self = renewal->self;
  ShXRenewals *renewals = _sh_x_get_renewals (self);
  g_autoptr(ShHttpReply) reply = sh_http_client_finish (SH_HTTP_CLIENT (source), result);
  ShXTokenReply answer;
  ShXGrantOutcome outcome = sh_x_parse_token_reply (reply->status, reply->body, reply->length,
                                                    &answer);
  Latest *latest;

  _sh_x_note_rate_limit (self, renewal->rate_key, reply, outcome == SH_X_GRANT_THROTTLED);

  switch (outcome)
    {
    case SH_X_GRANT_OK:
      break;
    case SH_X_GRANT_REFUSED:
      renewal->error = g_error_new_literal (SH_ERROR, SH_ERROR_TOKEN_REFUSED,
                                            _("X refused to renew the token: access was revoked, "
                                              "or its refresh token was already used."));
      break;
    case SH_X_GRANT_THROTTLED:
      renewal->error = g_error_new_literal (SH_ERROR, SH_ERROR_SERVER,
                                            _("X asked SocialHub to slow down. Try again in a few "
                                              "minutes."));
      break;
    case SH_X_GRANT_CLIENT_FAULT:
      _sh_x_note_app_fault (self, answer.error ?: "client-forbidden");
      renewal->error = g_error_new (SH_ERROR, SH_ERROR_NOT_CONFIGURED,
                                    _("X refused SocialHub’s app (%s): its settings in the X "
                                      "developer portal need fixing."),
                                    answer.error ?: "client-forbidden");
      break;
    case SH_X_GRANT_FAILED:
    default:
      /* The request may have reached X and spent the refresh token while
       * its answer was lost: nothing can bring that answer back. A pair
       * that cannot be tokens is not stored either: the keyring would
       * only keep something no request can carry. */
      renewal->error = answer.bad_token != SH_TOKEN_SYNTAX_OK
                         ? sh_token_syntax_issued_error (SH_X_NETWORK, answer.bad_token)
                         : _sh_x_transport_error (reply);
      break;
    }
  if (renewal->error != NULL)
    {
      sh_x_token_reply_clear (&answer);
      renewal_done (renewal);
      return;
    }

  renewal->fresh = sh_secret_new (answer.access_token, answer.refresh_token,
                                  now_seconds () + (answer.expires_in > 0 ? answer.expires_in
                                                                          : SH_X_ACCESS_LIFETIME));
  sh_x_token_reply_clear (&answer);

  /* Remember the pair before anything else can happen to it. */
  g_hash_table_replace (renewals->spent, g_strdup (renewal->spent_digest),
                        g_strdup (sh_token_get_id (renewal->token)));
  latest = g_new0 (Latest, 1);
  latest->secret = sh_secret_copy (renewal->fresh);
  g_hash_table_replace (renewals->latest, g_strdup (sh_token_get_id (renewal->token)), latest);
  renewal_done (renewal);
}

static void
add_waiter (Renewal  *renewal,
            GTask    *task,
            gboolean  settle)
{
  Waiter *waiter = g_new0 (Waiter, 1);

  waiter->task = task;
  waiter->settle = settle;
  g_ptr_array_add (renewal->waiters, waiter);
}

void
_sh_x_refresh_async (ShXProvider         *self,
                     ShToken             *token,
                     const ShSecret      *secret,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  ShXRenewals *renewals = _sh_x_get_renewals (self);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(ShSecret) current = NULL;
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *client_id = NULL;
  Renewal *renewal;

  g_task_set_source_tag (task, _sh_x_refresh_async);

  /* One refresh of a token at a time: join the one under way. */
  renewal = g_hash_table_lookup (renewals->in_flight, sh_token_get_id (token));
  if (renewal != NULL)
    {
      add_waiter (renewal, task, FALSE);
      return;
    }

  /* The caller's refresh token was spent by an earlier refresh here: the
   * newer pair is the answer, without spending anything. */
  current = _sh_x_current_secret (self, token, secret);
  if (g_strcmp0 (current->refresh_token, secret->refresh_token) != 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&current), (GDestroyNotify) sh_secret_free);
      g_object_unref (task);
      return;
    }

  if (current->refresh_token == NULL)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_TOKEN_REFUSED,
                               _("This X token has no refresh token, so it cannot be renewed."));
      g_object_unref (task);
      return;
    }
  client_id = _sh_x_client_id ();
  if (client_id == NULL)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_NOT_CONFIGURED,
                               _("No X app is configured, so the token cannot be renewed."));
      g_object_unref (task);
      return;
    }

  renewal = g_new0 (Renewal, 1);
  renewal->self = g_object_ref (self);
  renewal->token = g_object_ref (token);
  renewal->rate_key = _sh_x_rate_key (token);
  renewal->spent_digest = digest (current->refresh_token);
  renewal->old = sh_secret_copy (current);
  renewal->waiters = g_ptr_array_new ();
  add_waiter (renewal, task, FALSE);
  g_hash_table_insert (renewals->in_flight, g_strdup (sh_token_get_id (token)), renewal);

  form = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (form, "grant_type", "refresh_token");
  g_hash_table_insert (form, "refresh_token", current->refresh_token);
  g_hash_table_insert (form, "client_id", client_id);
  g_debug ("X: renewing one access token");
  sh_http_client_post_async (_sh_x_get_http (self), "/2/oauth2/token", form, NULL,
                             on_token_reply, renewal);
}

ShSecret *
_sh_x_refresh_finish (ShXProvider   *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- for revocation ---------------------------------------------------------------------- */

void
_sh_x_settled_secret_async (ShXProvider         *self,
                            const ShSecret      *secret,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  ShXRenewals *renewals = _sh_x_get_renewals (self);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *hash = digest (secret->refresh_token);
  GHashTableIter iter;
  gpointer value;
  const char *id;
  Latest *latest;

  g_task_set_source_tag (task, _sh_x_settled_secret_async);

  g_hash_table_iter_init (&iter, renewals->in_flight);
  while (hash != NULL && g_hash_table_iter_next (&iter, NULL, &value))
    {
      Renewal *renewal = value;

      if (g_str_equal (renewal->spent_digest, hash))
        {
          add_waiter (renewal, task, TRUE);
          return;
        }
    }

  id = hash != NULL ? g_hash_table_lookup (renewals->spent, hash) : NULL;
  latest = id != NULL ? g_hash_table_lookup (renewals->latest, id) : NULL;
  g_task_return_pointer (task, sh_secret_copy (latest != NULL ? latest->secret : secret),
                         (GDestroyNotify) sh_secret_free);
  g_object_unref (task);
}

ShSecret *
_sh_x_settled_secret_finish (ShXProvider  *self,
                             GAsyncResult *result)
{
  return g_task_propagate_pointer (G_TASK (result), NULL);
}
