/* sh-x-check.c — checking X tokens, one GET /2/users/me each.
 *
 * API v2 has no batch: up to SH_X_PARALLEL_CHECKS tokens are asked at once
 * on the provider's keep-alive session. For each token:
 *
 *  - an account that X has throttled (a 429, or x-rate-limit-remaining 0)
 *    is not asked again before x-rate-limit-reset: its tokens stay unknown
 *    (rate-limited) with their last verdict;
 *  - an access token at or near its end (SH_X_REFRESH_MARGIN) is refreshed
 *    before use; X's 401 (its problem body: sh_x_classify_users_me) is
 *    answered with one refresh and one more try; only a refresh X refuses
 *    makes the token invalid (revoked), since a 401 alone does not say
 *    whether the access token merely expired; a 401 without X's body (a
 *    captive portal, a TLS-intercepting proxy) is no verdict at all;
 *  - a 403 that names the app's configuration (client-forbidden,
 *    unsupported-authentication) leaves the token unknown (server-error) and
 *    says what is wrong with the app, once;
 *  - a network failure, a 5xx, a throttle or a body we cannot read leaves
 *    the token unknown with a reason, never expired or invalid.
 *
 * Each token's verdict carries the pair it was checked with when that is
 * not the one it came with (a refresh here, or one remembered from an
 * earlier refresh): ShChecker stores it in the keyring before the verdict
 * counts.
 */
#include "config.h"

#include "sh-error.h"
#include "sh-x-private.h"
#include "sh-x-refresh.h"

typedef struct {
  GPtrArray      *items;         /* Item */
  guint           next;
  guint           in_flight;
  gboolean        pumping;       /* items may end inside start_item() */
  ShCheckSummary  summary;
  GHashTable     *verdicts;      /* token id → ShVerdict */
} CheckRun;

typedef struct {
  GTask    *task;                /* the run, while this item is out */
  ShToken  *token;
  ShSecret *given;               /* the secret the check came with */
  ShSecret *secret;              /* the newest one: given, or renewed */
  char     *rate_key;
  gboolean  refreshed;
} Item;

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
item_free (Item *item)
{
  g_clear_object (&item->token);
  sh_secret_free (item->given);
  sh_secret_free (item->secret);
  g_free (item->rate_key);
  g_assert (item->task == NULL);
  g_free (item);
}

static void
check_run_free (CheckRun *run)
{
  g_ptr_array_unref (run->items);
  g_hash_table_unref (run->verdicts);
  g_free (run);
}

static void pump (GTask *task);

static void
item_done (Item *item)
{
  g_autoptr(GTask) task = g_steal_pointer (&item->task);
  CheckRun *run = g_task_get_task_data (task);

  run->in_flight--;
  pump (task);
}

static void
verdict (Item          *item,
         ShTokenState   state,
         ShTokenReason  reason)
{
  CheckRun *run = g_task_get_task_data (item->task);
  ShVerdict *judged = sh_verdict_new (state, reason);

  if (sh_token_state_is_verdict (state))
    run->summary.n_checked++;
  else
    run->summary.n_unknown++;
  if (g_strcmp0 (item->secret->access_token, item->given->access_token) != 0 ||
      g_strcmp0 (item->secret->refresh_token, item->given->refresh_token) != 0)
    judged->renewed = sh_secret_copy (item->secret);
  g_hash_table_replace (run->verdicts, g_strdup (sh_token_get_id (item->token)), judged);
  item_done (item);
}

static ShXProvider *
provider_of (Item *item)
{
  return g_task_get_source_object (item->task);
}

static void on_refreshed (GObject *source, GAsyncResult *result, gpointer user_data);
static void on_me (GObject *source, GAsyncResult *result, gpointer user_data);

static void
ask_users_me (Item *item)
{
  CheckRun *run = g_task_get_task_data (item->task);

  run->summary.n_requests++;
  sh_http_client_get_async (_sh_x_get_http (provider_of (item)), "/2/users/me",
                            item->secret->access_token,
                            g_task_get_cancellable (item->task), on_me, item);
}

static void
refresh (Item *item)
{
  CheckRun *run = g_task_get_task_data (item->task);

  item->refreshed = TRUE;
  run->summary.n_requests++;
  _sh_x_refresh_async (provider_of (item), item->token, item->secret,
                       g_task_get_cancellable (item->task), on_refreshed, item);
}

static void
on_refreshed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Item *item = user_data;
  g_autoptr(GError) error = NULL;
  ShSecret *fresh = _sh_x_refresh_finish (SH_X_PROVIDER (source), result, &error);

  if (fresh != NULL)
    {
      sh_secret_free (item->secret);
      item->secret = fresh;
      ask_users_me (item);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      item_done (item);
      return;
    }
  if (error->domain != SH_ERROR)
    {
      verdict (item, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR);
      return;
    }
  switch (error->code)
    {
    case SH_ERROR_TOKEN_REFUSED:
      /* X refused the refresh token: the grant is over. */
      verdict (item, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_REVOKED);
      return;
    case SH_ERROR_NETWORK:
      verdict (item, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_NETWORK_ERROR);
      return;
    case SH_ERROR_SERVER:
      verdict (item, SH_TOKEN_STATE_UNKNOWN,
               _sh_x_get_throttled_until (provider_of (item), item->rate_key) > 0
                 ? SH_TOKEN_REASON_RATE_LIMITED : SH_TOKEN_REASON_SERVER_ERROR);
      return;
    case SH_ERROR_NOT_CONFIGURED:
    default:
      verdict (item, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR);
      return;
    }
}

static void
on_me (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  Item *item = user_data;
  ShXProvider *self = provider_of (item);
  g_autoptr(ShHttpReply) reply = sh_http_client_finish (SH_HTTP_CLIENT (source), result);
  ShXVerdict judged;

  if (reply->status == 0)
    {
      if (g_error_matches (reply->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        item_done (item);
      else
        verdict (item, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_NETWORK_ERROR);
      return;
    }

  sh_x_classify_users_me (reply->status, reply->body, reply->length, &judged);
  _sh_x_note_rate_limit (self, item->rate_key, reply, judged.throttled);

  if (judged.unauthorized)
    {
      gint64 expires_at = item->secret->expires_at;

      /* Expired or revoked: a refresh tells which. */
      if (item->secret->refresh_token != NULL && !item->refreshed)
        refresh (item);
      else if (item->secret->refresh_token == NULL && expires_at != 0 && now_seconds () >= expires_at)
        /* A lone access token past its two hours. */
        verdict (item, SH_TOKEN_STATE_EXPIRED, SH_TOKEN_REASON_EXPIRED);
      else
        verdict (item, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_INVALID_TOKEN);
      return;
    }

  if (judged.app_fault)
    {
      g_autofree char *type = NULL;

      sh_x_parse_problem (reply->body, reply->length, &type, NULL);
      _sh_x_note_app_fault (self, type);
    }
  verdict (item, judged.state, judged.reason);
}

static void
start_item (GTask *task,
            Item  *item)
{
  CheckRun *run = g_task_get_task_data (task);
  ShXProvider *self = g_task_get_source_object (task);
  ShSecret *current;
  gint64 now = now_seconds ();

  item->task = g_object_ref (task);
  run->in_flight++;

  if (_sh_x_get_throttled_until (self, item->rate_key) > now)
    {
      verdict (item, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED);
      return;
    }

  /* The keyring's copy may be older than a refresh made here. */
  current = _sh_x_current_secret (self, item->token, item->secret);
  sh_secret_free (item->secret);
  item->secret = current;

  if (item->secret->refresh_token != NULL && item->secret->expires_at != 0 &&
      item->secret->expires_at - now <= SH_X_REFRESH_MARGIN)
    refresh (item);
  else
    ask_users_me (item);
}

static void
pump (GTask *task)
{
  CheckRun *run = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (run->pumping)
    return;
  run->pumping = TRUE;
  while (run->next < run->items->len && run->in_flight < SH_X_PARALLEL_CHECKS &&
         !g_cancellable_is_cancelled (cancellable))
    start_item (task, g_ptr_array_index (run->items, run->next++));
  run->pumping = FALSE;

  if (run->in_flight > 0)
    return;

  /* When X takes requests again for the accounts it throttled: the
   * monitor's next try. */
  for (guint i = 0; i < run->items->len; i++)
    {
      Item *item = g_ptr_array_index (run->items, i);
      ShVerdict *judged = g_hash_table_lookup (run->verdicts, sh_token_get_id (item->token));

      if (judged != NULL && judged->reason == SH_TOKEN_REASON_RATE_LIMITED)
        run->summary.retry_at = MAX (run->summary.retry_at,
                                     _sh_x_get_throttled_until (g_task_get_source_object (task),
                                                                item->rate_key));
    }
  sh_provider_return_check (task, &run->summary, run->verdicts);
}

void
_sh_x_check_async (ShProvider          *provider,
                   GPtrArray           *tokens,
                   GHashTable          *secrets,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  CheckRun *run = g_new0 (CheckRun, 1);

  g_task_set_source_tag (task, _sh_x_check_async);
  run->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  run->verdicts = sh_verdicts_new ();
  g_task_set_task_data (task, run, (GDestroyNotify) check_run_free);

  for (guint i = 0; i < tokens->len; i++)
    {
      ShToken *token = g_ptr_array_index (tokens, i);
      ShSecret *secret = g_hash_table_lookup (secrets, sh_token_get_id (token));
      Item *item = g_new0 (Item, 1);

      item->token = g_object_ref (token);
      item->given = sh_secret_copy (secret);
      item->secret = sh_secret_copy (secret);
      item->rate_key = _sh_x_rate_key (token);
      g_ptr_array_add (run->items, item);
    }

  pump (task);
}
