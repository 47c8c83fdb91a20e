/* sh-broker.c — which token the broker hands out (sh-broker.h).
 *
 * One request: load the data file if needed, find the channel, check first
 * when nothing of it was judged valid within the check interval, read the
 * channel's secrets (one keyring search), choose; when the only tokens left
 * need renewing, check (the provider renews) and choose again with the
 * secrets read afresh. At most one check a request. The choice is recorded
 * in the token's history and saved before the caller gets the secret.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-broker.h"
#include "sh-checker.h"
#include "sh-error.h"
#include "sh-provider-registry.h"
#include "sh-time-format.h"
#include "sh-untrusted-text.h"

#define DEFAULT_CHECK_INTERVAL 3600

static GSettings *
broker_settings (const char *key)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE)
                                             : NULL;

  /* g_settings_new() would abort without the schema (an uninstalled build). */
  if (schema == NULL || !g_settings_schema_has_key (schema, key))
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

gboolean
sh_broker_get_enabled (void)
{
  g_autoptr(GSettings) settings = broker_settings ("token-broker");

  return settings != NULL && g_settings_get_boolean (settings, "token-broker");
}

/* The monitor's interval: a verdict older than that is not "the last check".
 * Read once a request (a GSettings object is not free: thousands of tokens
 * would make as many). */
static gint64
check_interval (void)
{
  g_autoptr(GSettings) settings = broker_settings ("check-interval");

  return settings != NULL ? MAX (g_settings_get_uint (settings, "check-interval"), 60)
                          : DEFAULT_CHECK_INTERVAL;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

void
sh_broker_free_token (char *token)
{
  if (token == NULL)
    return;
  memset (token, 0, strlen (token));
  g_free (token);
}

typedef struct {
  char       *query;        /* the channel as the caller named it */
  char       *channel_id;
  char       *via;
  char       *by;
  gboolean    checked;      /* this request's one check has run */
  char       *secret;       /* the answer */
  gint64      expires_at;
  char       *token_id;
  gint64      interval;     /* check_interval(), read once */
} Request;

static void
request_free (Request *request)
{
  g_free (request->query);
  g_free (request->channel_id);
  g_free (request->via);
  g_free (request->by);
  sh_broker_free_token (request->secret);
  g_free (request->token_id);
  g_free (request);
}

/* Where the keyring keeps @channel's secrets: under its own network, or
 * the network of the channel whose tokens it shares. */
static const char *
secrets_network (ShManager *manager,
                 ShChannel *channel)
{
  ShChannel *parent = sh_channel_get_via (channel) != NULL
    ? sh_channel_list_lookup (sh_manager_get_channels (manager), sh_channel_get_via (channel))
    : NULL;

  return parent != NULL ? sh_channel_get_network (parent) : sh_channel_get_network (channel);
}

static ShChannel *
request_channel (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  return sh_channel_list_lookup (sh_manager_get_channels (g_task_get_source_object (task)),
                                 request->channel_id);
}

/* By id, else by name (exact); a name two channels share is refused. */
static ShChannel *
find_channel (ShManager   *manager,
              const char  *query,
              GError     **error)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (manager));
  ShChannel *found = sh_channel_list_lookup (SH_CHANNEL_LIST (channels), query);
  guint n_named = 0;

  if (found != NULL)
    return found;
  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);

      if (g_strcmp0 (sh_channel_get_name (channel), query) == 0)
        {
          found = channel;
          n_named++;
        }
    }
  if (n_named == 1)
    return found;
  {
    g_autofree char *clean = sh_untrusted_text_sanitize (query);

    if (n_named > 1)
      g_set_error (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                   _("Several channels are called “%s”: name one by its id "
                     "(“socialhub --list --json” shows the ids)."), clean);
    else
      g_set_error (error, SH_ERROR, SH_ERROR_NOT_FOUND,
                   _("There is no channel “%s”. “socialhub --list” shows the channels."), clean);
  }
  return NULL;
}

/* A pasted token whose age is unknown (X: no refresh token, and X does not
 * say when it was made): its expires_at is the earliest it can end (the
 * paste) and expires_by the latest. The last check found it working, so it
 * is judged by expires_by, as the window says ("at the latest, maybe
 * sooner"), and chosen only after tokens whose end is known. */
static gboolean
end_is_estimate (ShToken *token)
{
  return sh_token_get_expires_by (token) > 0;
}

/* When a token's secret stops working: the earlier of the secret's own
 * end and the token's (for an estimate, the latest it can be);
 * G_MAXINT64 for never. */
static gint64
end_of (ShToken        *token,
        const ShSecret *secret)
{
  gint64 end = G_MAXINT64;

  if (end_is_estimate (token))
    return sh_token_get_expires_by (token);
  if (secret->expires_at > 0)
    end = secret->expires_at;
  if (sh_token_get_expires_at (token) > 0)
    end = MIN (end, sh_token_get_expires_at (token));
  return end;
}

static gboolean
judged_valid_lately (ShToken *token,
                     gint64   now,
                     gint64   interval)
{
  return sh_token_state_is_usable (sh_token_get_state (token)) &&
         sh_token_get_checked_at (token) >= now - interval;
}

static gboolean
any_judged_valid_lately (ShChannel *channel,
                         gint64     interval)
{
  GListModel *tokens = sh_channel_get_tokens (channel);
  gint64 now = now_seconds ();

  for (guint i = 0; i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);

      if (judged_valid_lately (token, now, interval))
        return TRUE;
    }
  return FALSE;
}

/* Why @token is not handed out, in a few words ("password changed",
 * "not checked, offline"). */
static char *
why_not (ShToken        *token,
         const ShSecret *secret,
         const char     *network,
         gint64          now,
         gint64          interval)
{
  ShTokenState state = sh_token_get_state (token);
  ShTokenReason reason = sh_token_get_reason (token);
  ShTokenState last = sh_token_get_last_verdict (token);

  /* Known dead, whatever the last attempt could not find out. */
  if (state == SH_TOKEN_STATE_UNKNOWN && sh_token_state_is_verdict (last) &&
      !sh_token_state_is_usable (last))
    {
      state = last;
      reason = sh_token_get_last_verdict_reason (token);
    }
  if (state == SH_TOKEN_STATE_UNKNOWN)
    return reason == SH_TOKEN_REASON_NONE
           ? g_strdup (_("not checked yet"))
           /* Translators: %s is a reason in a few words, e.g. "offline" */
           : g_strdup_printf (_("not checked, %s"), sh_token_reason_get_short_label (reason));
  if (!sh_token_state_is_usable (state))
    return g_strdup (reason != SH_TOKEN_REASON_NONE ? sh_token_reason_get_short_label (reason)
                                                    : sh_token_state_get_short_label (state));
  if (secret == NULL || secret->access_token == NULL)
    return g_strdup (sh_token_reason_get_short_label (SH_TOKEN_REASON_SECRET_MISSING));
  if (!judged_valid_lately (token, now, interval))
    return g_strdup (_("not checked lately"));
  if (end_is_estimate (token))
    {
      g_autofree char *until = sh_time_format_until (end_of (token, secret), now);

      /* Translators: a pasted token the broker will not hand out; the
       * first %s is when it ends at the latest, e.g. "in 4 minutes", the
       * second a network, e.g. "X" */
      return g_strdup_printf (_("pasted without a way to renew it, ends %s at the latest; "
                                "sign in with %s (Add Access Token) for a token SocialHub can "
                                "renew"), until, sh_network_get_name (network));
    }
  return g_strdup (_("ends within 5 minutes"));
}

static GError *
nothing_usable (ShChannel  *channel,
                GHashTable *secrets,
                gint64      interval)
{
  GListModel *tokens = sh_channel_get_tokens (channel);
  g_autoptr(GString) reasons = g_string_new (NULL);
  g_autofree char *name = sh_untrusted_text_sanitize (sh_channel_get_name (channel));
  gint64 now = now_seconds ();

  for (guint i = 0; i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);
      g_autofree char *owner = sh_untrusted_text_sanitize (sh_token_get_owner_name (token));
      g_autofree char *why = why_not (token, secrets ? g_hash_table_lookup (secrets,
                                                                            sh_token_get_secret_id (token))
                                                     : NULL,
                                      sh_channel_get_network (channel), now, interval);

      if (reasons->len > 0)
        g_string_append (reasons, "; ");
      /* Translators: one token in the broker's refusal, e.g. "Bob Sample: password changed" */
      g_string_append_printf (reasons, _("%s: %s"),
                              owner != NULL && *owner != '\0' ? owner : _("Unknown person"), why);
    }
  return g_error_new (SH_ERROR, SH_ERROR_NO_USABLE_TOKEN,
                      /* Translators: the first %s is a channel, the second lists each
                       * token and why, e.g. "Bob Sample: password changed; Carol
                       * Test: not checked, offline" */
                      _("No access token of %s can be handed out: %s."),
                      name != NULL ? name : "?", reasons->str);
}

static void check_first (GTask *task);
static void read_secrets (GTask *task);

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* The hand-out happened: the caller gets its token even if the file
   * could not take the record (the next save writes it). */
  if (!sh_manager_save_finish (SH_MANAGER (source), result, &error))
    g_message ("A token hand-out was not saved in the data file: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
hand_out (GTask          *task,
          ShToken        *token,
          const ShSecret *secret)
{
  Request *request = g_task_get_task_data (task);

  request->secret = g_strdup (secret->access_token);
  /* A pasted token's: the latest moment (the caller knows no better). */
  request->expires_at = end_of (token, secret) == G_MAXINT64 ? 0 : end_of (token, secret);
  request->token_id = g_strdup (sh_token_get_id (token));
  sh_token_add_handout (token, now_seconds (), request->via, request->by);
  g_debug ("Token broker: handed out token %s to %s", request->token_id, request->by);
  sh_manager_save_async (g_task_get_source_object (task), NULL, on_saved, g_object_ref (task));
}

/* Whether @token (ending at @end) is a better choice than @best: a known
 * end before an estimated one, then the longest-lived. */
static gboolean
better (ShToken *token,
        gint64   end,
        ShToken *best,
        gint64   best_end)
{
  if (best == NULL)
    return TRUE;
  if (end_is_estimate (token) != end_is_estimate (best))
    return !end_is_estimate (token);
  return end > best_end;
}

/* The longest-lived token the last check judged valid that works for at
 * least SH_BROKER_MIN_LIFETIME more seconds (known ends first); else a
 * check (once) when one may help; else the refusal. */
static void
choose (GTask      *task,
        GHashTable *secrets)
{
  Request *request = g_task_get_task_data (task);
  ShChannel *channel = request_channel (task);
  GListModel *tokens;
  ShToken *best = NULL;
  const ShSecret *best_secret = NULL;
  gboolean renewable = FALSE;
  gint64 now = now_seconds ();

  if (channel == NULL)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_NOT_FOUND,
                               _("The channel was removed while its token was looked for."));
      return;
    }
  tokens = sh_channel_get_tokens (channel);
  for (guint i = 0; i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);
      const ShSecret *secret = g_hash_table_lookup (secrets, sh_token_get_secret_id (token));

      if (!judged_valid_lately (token, now, request->interval) || secret == NULL ||
          secret->access_token == NULL)
        continue;
      if (end_of (token, secret) - now <= SH_BROKER_MIN_LIFETIME)
        {
          /* Only the network can renew it, in a check. */
          renewable |= secret->refresh_token != NULL;
          continue;
        }
      if (better (token, end_of (token, secret), best,
                  best != NULL ? end_of (best, best_secret) : 0))
        {
          best = token;
          best_secret = secret;
        }
    }

  if (best != NULL)
    hand_out (task, best, best_secret);
  else if (renewable && !request->checked)
    check_first (task);
  else
    g_task_return_error (task, nothing_usable (channel, secrets, request->interval));
}

static void
on_secrets (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(GHashTable) secrets = sh_secret_store_load_finish (SH_SECRET_STORE (source), result,
                                                               &error);

  if (secrets == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  choose (task, secrets);
}

static void
read_secrets (GTask *task)
{
  ShManager *manager = g_task_get_source_object (task);
  ShChannel *channel = request_channel (task);

  if (channel == NULL)
    {
      g_autoptr(GHashTable) none = g_hash_table_new (g_str_hash, g_str_equal);

      choose (task, none);
      return;
    }
  /* Only the channel's network (a channel living on another's tokens: that
   * one's): one search, the fewest secrets in memory. */
  sh_secret_store_load_async (sh_manager_get_secret_store (manager),
                              secrets_network (manager, channel),
                              g_task_get_cancellable (task), on_secrets, g_object_ref (task));
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* A check that failed (offline, a locked keyring) left its reasons on
   * the tokens: the choice or the refusal says them. */
  if (!sh_checker_check_finish (SH_CHECKER (source), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_debug ("Token broker: the check first failed: %s", error->message);
    }
  read_secrets (task);
}

/* A check of that channel only (joining a check of every channel under
 * way), which renews what is near its end (the provider's
 * one-refresh-at-a-time path). */
static void
check_first (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  const char *only[] = { request->channel_id, NULL };

  request->checked = TRUE;
  sh_checker_check_channels_async (sh_manager_get_checker (g_task_get_source_object (task)),
                                   only, g_task_get_cancellable (task), on_checked,
                                   g_object_ref (task));
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  GError *error = NULL;
  ShChannel *channel;

  if (!sh_manager_ensure_loaded_finish (SH_MANAGER (source), result, &error) ||
      (channel = find_channel (SH_MANAGER (source), request->query, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  request->channel_id = g_strdup (sh_channel_get_id (channel));
  if (any_judged_valid_lately (channel, request->interval))
    read_secrets (task);
  else
    check_first (task);
}

void
sh_broker_get_token_async (ShManager           *manager,
                           const char          *channel,
                           const char          *via,
                           const char          *by,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  g_return_if_fail (SH_IS_MANAGER (manager));
  g_return_if_fail (channel != NULL && via != NULL);

  task = g_task_new (manager, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_broker_get_token_async);
  request = g_new0 (Request, 1);
  request->query = g_strdup (channel);
  request->via = g_strdup (via);
  request->by = g_strdup (by);
  request->interval = check_interval ();
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  if (!sh_broker_get_enabled ())
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_BROKER_OFF,
                               _("The token broker is off. Turn on “Let scripts and other apps "
                                 "ask for access tokens” in SocialHub’s Preferences, or run "
                                 "“gsettings set io.socialhub.SocialHub token-broker true”."));
      return;
    }
  sh_manager_ensure_loaded_async (manager, cancellable, on_loaded, g_steal_pointer (&task));
}

char *
sh_broker_get_token_finish (ShManager     *manager,
                            GAsyncResult  *result,
                            gint64        *out_expires_at,
                            char         **out_token_id,
                            GError       **error)
{
  Request *request;

  g_return_val_if_fail (g_task_is_valid (result, manager), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  request = g_task_get_task_data (G_TASK (result));
  if (out_expires_at != NULL)
    *out_expires_at = request->expires_at;
  if (out_token_id != NULL)
    *out_token_id = g_strdup (request->token_id);
  return g_steal_pointer (&request->secret);
}

char *
sh_broker_describe_handouts (ShToken *token,
                             gint64   now)
{
  guint n = sh_token_get_n_handouts (token);
  const ShTokenHandout *last;
  g_autofree char *who = NULL;
  g_autofree char *when = NULL;

  if (n == 0)
    return NULL;
  last = sh_token_get_handout (token, n - 1);
  who = g_str_equal (last->via, SH_BROKER_VIA_COMMAND_LINE)
        ? g_strdup (_("the command line"))
        : sh_untrusted_text_sanitize (last->by);
  when = sh_time_format_moment (last->at, now);
  if (n == 1)
    /* Translators: the token broker's hand-out; the first %s is who asked
     * ("the command line" or a program's name, e.g. "python3"), the second
     * when, e.g. "11:05" */
    return g_strdup_printf (_("Handed out to %s at %s"), who, when);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       /* Translators: the token broker's hand-outs; %u is
                                        * how many are remembered, then who asked last and when */
                                       "Handed out %u time, last to %s at %s",
                                       "Handed out %u times, last to %s at %s", n),
                          n, who, when);
}
