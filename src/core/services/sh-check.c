/* sh-check.c — one check of every token, and filing granted tokens.
 *
 * The window's Check Now, the monitor and a forwarded --check can ask at the
 * same moment. They share one run: a second caller joins the run under way
 * and gets its summary, instead of sending every request twice (and using up
 * the networks' rate limits twice). A caller that cancels leaves the run;
 * the run itself stops when the last caller has left.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-check.h"
#include "sh-config.h"
#include "sh-error.h"
#include "sh-provider-registry.h"
#include "sh-untrusted-text.h"

typedef struct _Run Run;

typedef struct {
  GHashTable     *secrets;
  guint           pending;
  ShCheckSummary  summary;
  GError         *error;
  Run            *run;
} CheckAll;

static void
check_all_free (CheckAll *data)
{
  g_clear_pointer (&data->secrets, g_hash_table_unref);
  g_clear_error (&data->error);
  g_free (data);
}

static GPtrArray *
tokens_of (ShManager  *manager,
           gboolean    any_network,
           const char *network)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (manager));
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      GListModel *list = sh_channel_get_tokens (channel);

      if (!any_network && sh_channel_get_network (channel) != network)
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (list); j++)
        g_ptr_array_add (tokens, g_list_model_get_item (list, j));
    }
  return tokens;
}

/* The networks the manager's channels are on, in the order first seen
 * (interned ids): the walk asks each network's provider once. */
static GPtrArray *
networks_of (ShManager *manager)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (manager));
  GPtrArray *networks = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);

      if (!g_ptr_array_find (networks, sh_channel_get_network (channel), NULL))
        g_ptr_array_add (networks, (gpointer) sh_channel_get_network (channel));
    }
  return networks;
}

/* ---- one run, shared by whoever asks while it goes ----------------------- */

#define RUN_KEY "sh-check-run"

struct _Run {
  GCancellable *cancellable;   /* the run's own: cancelled when nobody waits */
  GPtrArray    *callers;       /* GTask, each with its cancellable handler */
  guint         n_waiting;
};

typedef struct {
  Run    *run;
  gulong  handler;
  gboolean left;
} Caller;

static void
run_free (Run *run)
{
  g_clear_object (&run->cancellable);
  g_ptr_array_unref (run->callers);
  g_free (run);
}

static void
caller_free (Caller *caller)
{
  g_free (caller);
}

/* Answers every caller still waiting, and ends the run. */
static void
finish_check (GTask *task)
{
  ShManager *manager = g_task_get_source_object (task);
  CheckAll *data = g_task_get_task_data (task);
  Run *run = g_steal_pointer (&data->run);

  /* Unless a newer run took its place after this one was given up. */
  if (g_object_get_data (G_OBJECT (manager), RUN_KEY) == run)
    g_object_steal_data (G_OBJECT (manager), RUN_KEY);
  for (guint i = 0; i < run->callers->len; i++)
    {
      GTask *caller_task = g_ptr_array_index (run->callers, i);
      Caller *caller = g_task_get_task_data (caller_task);

      g_cancellable_disconnect (g_task_get_cancellable (caller_task), caller->handler);
      if (caller->left)
        continue;
      if (data->error != NULL)
        g_task_return_error (caller_task, g_error_copy (data->error));
      else
        g_task_return_pointer (caller_task, g_memdup2 (&data->summary, sizeof data->summary),
                               g_free);
    }
  run_free (run);
  g_task_return_boolean (task, TRUE);
}

static gboolean
return_cancelled (gpointer user_data)
{
  GTask *caller_task = user_data;

  g_task_return_new_error (caller_task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "The check was cancelled");
  return G_SOURCE_REMOVE;
}

/* A caller cancelled: it gets its answer now (from an idle: this handler
 * may run inside g_cancellable_connect()), and the run stops if it was the
 * last one waiting. */
static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *caller_task = user_data;
  Caller *caller = g_task_get_task_data (caller_task);

  if (caller->left)
    return;
  caller->left = TRUE;
  g_idle_add_full (G_PRIORITY_DEFAULT, return_cancelled, g_object_ref (caller_task),
                   g_object_unref);
  if (--caller->run->n_waiting == 0)
    g_cancellable_cancel (caller->run->cancellable);
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CheckAll *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The verdicts stand in memory even if the file could not take them. */
  if (!sh_manager_save_finish (SH_MANAGER (source), result, &error) && data->error == NULL)
    data->error = g_steal_pointer (&error);
  sh_manager_emit_checked (SH_MANAGER (source));
  finish_check (task);
}

static void
one_network_done (GTask *task)
{
  CheckAll *data = g_task_get_task_data (task);

  if (--data->pending > 0)
    return;
  sh_manager_save_async (g_task_get_source_object (task), NULL, on_saved, g_object_ref (task));
}

static void
on_provider_checked (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CheckAll *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  ShCheckSummary summary = { 0 };

  if (sh_provider_check_finish (SH_PROVIDER (source), result, &summary, &error))
    {
      data->summary.n_checked += summary.n_checked;
      data->summary.n_unknown += summary.n_unknown;
      data->summary.n_requests += summary.n_requests;
    }
  else if (data->error == NULL)
    data->error = g_steal_pointer (&error);
  one_network_done (task);
}

static void
on_secrets (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShManager *manager = g_task_get_source_object (task);
  CheckAll *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) all = tokens_of (manager, TRUE, NULL);
  g_autoptr(GPtrArray) networks = NULL;
  GError *error = NULL;

  data->secrets = sh_secret_store_load_finish (SH_SECRET_STORE (source), result, &error);
  if (data->secrets == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Every caller left: nobody to answer but the run to end. */
          data->error = error;
          finish_check (task);
          return;
        }
      /* No secrets, no check: every token reads "not checked: keyring",
       * keeping its last verdict. The error says what to do. */
      for (guint i = 0; i < all->len; i++)
        sh_token_mark_unknown (g_ptr_array_index (all, i), SH_TOKEN_REASON_KEYRING_LOCKED);
      data->summary.n_unknown = all->len;
      data->error = error;
      data->pending = 1;
      one_network_done (task);
      return;
    }

  /* One pending unit for the walk itself, so that the save waits for all. */
  data->pending = 1;
  networks = networks_of (manager);
  for (guint n = 0; n < networks->len; n++)
    {
      const char *network = g_ptr_array_index (networks, n);
      g_autoptr(GPtrArray) all_tokens = tokens_of (manager, FALSE, network);
      g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_object_unref);
      ShProvider *provider = sh_manager_get_provider (manager, network);

      for (guint i = 0; i < all_tokens->len; i++)
        {
          ShToken *token = g_ptr_array_index (all_tokens, i);

          /* A token whose secret is gone cannot be judged: it reads
           * "secret missing" (unknown, its last verdict kept), and the
           * network is not asked about it. */
          if (!g_hash_table_contains (data->secrets, sh_token_get_id (token)))
            {
              sh_token_mark_unknown (token, SH_TOKEN_REASON_SECRET_MISSING);
              data->summary.n_unknown++;
              continue;
            }
          g_ptr_array_add (tokens, g_object_ref (token));
        }
      if (tokens->len == 0)
        continue;
      if (provider == NULL)
        {
          data->summary.n_unknown += tokens->len;
          continue;
        }
      data->pending++;
      sh_provider_check_async (provider, tokens, data->secrets, sh_config_get_warning_window (),
                               g_task_get_cancellable (task), on_provider_checked,
                               g_object_ref (task));
    }
  one_network_done (task);
}

static void
start_run (ShManager *manager,
           Run       *run)
{
  GTask *task = g_task_new (manager, run->cancellable, NULL, NULL);
  CheckAll *data = g_new0 (CheckAll, 1);

  data->run = run;
  g_task_set_source_tag (task, start_run);
  g_task_set_task_data (task, data, (GDestroyNotify) check_all_free);
  /* Every secret a check needs, in one Secret Service search. */
  sh_secret_store_load_async (sh_manager_get_secret_store (manager), NULL, run->cancellable,
                              on_secrets, task);
}

void
sh_check_all_async (ShManager           *manager,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task;
  Caller *caller;
  Run *run;
  gboolean new_run;

  g_return_if_fail (SH_IS_MANAGER (manager));

  task = g_task_new (manager, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_check_all_async);
  run = g_object_get_data (G_OBJECT (manager), RUN_KEY);
  /* A run everybody left is ending: start afresh rather than join it. */
  if (run != NULL && g_cancellable_is_cancelled (run->cancellable))
    {
      g_object_steal_data (G_OBJECT (manager), RUN_KEY);
      run = NULL;
    }
  new_run = run == NULL;
  if (new_run)
    {
      run = g_new0 (Run, 1);
      run->cancellable = g_cancellable_new ();
      run->callers = g_ptr_array_new_with_free_func (g_object_unref);
      g_object_set_data (G_OBJECT (manager), RUN_KEY, run);
    }
  caller = g_new0 (Caller, 1);
  caller->run = run;
  g_task_set_task_data (task, caller, (GDestroyNotify) caller_free);
  g_ptr_array_add (run->callers, task);
  run->n_waiting++;
  if (cancellable != NULL)
    caller->handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                             task, NULL);
  if (new_run)
    start_run (manager, run);
}

gboolean
sh_check_all_finish (ShManager       *manager,
                     GAsyncResult    *result,
                     ShCheckSummary  *out_summary,
                     GError         **error)
{
  ShCheckSummary *summary;

  g_return_val_if_fail (g_task_is_valid (result, manager), FALSE);

  summary = g_task_propagate_pointer (G_TASK (result), error);
  if (summary == NULL)
    return FALSE;
  if (out_summary != NULL)
    *out_summary = *summary;
  g_free (summary);
  return TRUE;
}

int
sh_check_exit_status (GListModel *channels)
{
  gboolean disconnected = FALSE, some_bad = FALSE, some_unknown = FALSE;
  gboolean channel_unknown = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      GListModel *tokens = sh_channel_get_tokens (channel);

      switch (sh_channel_get_state (channel))
        {
        case SH_CHANNEL_STATE_DISCONNECTED: disconnected = TRUE; break;
        case SH_CHANNEL_STATE_UNKNOWN: channel_unknown = TRUE; break;
        case SH_CHANNEL_STATE_CONNECTED:
        case SH_CHANNEL_STATE_DEGRADED:
        default: break;
        }
      for (guint j = 0; j < g_list_model_get_n_items (tokens); j++)
        {
          g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);
          ShTokenState state = sh_token_get_state (token);

          if (state == SH_TOKEN_STATE_UNKNOWN)
            some_unknown = TRUE;
          else if (state != SH_TOKEN_STATE_VALID)
            some_bad = TRUE;
        }
    }

  if (disconnected)
    return 2;
  /* 1 only when every channel is known to still have a valid token: a
   * channel without any verdict yet beside a dead token elsewhere is "could
   * not be checked" (3), not "still linked". */
  if (some_bad && !channel_unknown)
    return 1;
  if (some_bad || some_unknown || channel_unknown)
    return 3;
  return 0;
}

/* ---- filing granted tokens -------------------------------------------------- */

typedef struct {
  ShGrantedChannel *granted;   /* a copy: it holds the secret until it is filed */
  ShToken          *token;
  ShToken          *replaced;
  ShToken          *existing;  /* SH_ERROR_ALREADY_ADDED: the token that has the secret */
} AddGranted;

static void
add_granted_free (AddGranted *data)
{
  g_clear_pointer (&data->granted, sh_granted_channel_free);
  g_clear_object (&data->token);
  g_clear_object (&data->replaced);
  g_clear_object (&data->existing);
  g_free (data);
}

static void
on_replaced_removed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AddGranted *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The new token is in; an old one that stays is untidy, not wrong. */
  if (!sh_manager_remove_token_finish (SH_MANAGER (source), result, &error))
    g_debug ("The replaced token stays: %s", error->message);
  g_task_return_pointer (task, g_object_ref (data->token), g_object_unref);
}

static void
on_granted_added (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AddGranted *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!sh_manager_add_token_finish (SH_MANAGER (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (data->replaced != NULL)
    {
      sh_manager_remove_token_async (SH_MANAGER (source), data->replaced, NULL,
                                     on_replaced_removed, g_steal_pointer (&task));
      return;
    }
  g_task_return_pointer (task, g_object_ref (data->token), g_object_unref);
}

/* Whether two secrets are the same grant. X hands out a new access token
 * with each refresh, so the refresh token counts too; an empty value never
 * matches anything. */
static gboolean
same_secret (const ShSecret *stored,
             const ShSecret *granted)
{
  if (stored->access_token != NULL && *stored->access_token != '\0' &&
      g_strcmp0 (stored->access_token, granted->access_token) == 0)
    return TRUE;
  return stored->refresh_token != NULL && *stored->refresh_token != '\0' &&
         g_strcmp0 (stored->refresh_token, granted->refresh_token) == 0;
}

/* The token of the data file that holds @granted's secret already, or NULL.
 * A keyring item no token mentions does not count: it is an orphan that
 * reconciliation deals with, and the new token must not hang on it. */
static ShToken *
find_same_secret (ShManager              *manager,
                  GHashTable             *secrets,
                  const ShGrantedChannel *granted,
                  ShChannel             **out_channel)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, secrets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      ShToken *token;

      if (!same_secret (value, granted->secret))
        continue;
      token = sh_channel_list_lookup_token (sh_manager_get_channels (manager), key, out_channel);
      if (token != NULL && sh_token_get_network (token) == granted->network)
        return token;
    }
  return NULL;
}

static void
file_granted (GTask *task)
{
  ShManager *manager = g_task_get_source_object (task);
  AddGranted *data = g_task_get_task_data (task);
  const ShGrantedChannel *granted = data->granted;
  g_autoptr(ShChannel) channel = NULL;
  g_autofree char *token_id = sh_token_generate_id ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GListModel *tokens;

  channel = sh_channel_list_lookup_external (sh_manager_get_channels (manager),
                                             granted->network, granted->external_id);
  if (channel != NULL)
    {
      g_object_ref (channel);
      if (granted->name != NULL)
        sh_channel_set_name (channel, granted->name);
    }
  else
    {
      g_autofree char *channel_id = sh_channel_generate_id ();

      channel = sh_channel_new (channel_id, granted->network, granted->external_id);
      sh_channel_set_name (channel, granted->name);
      sh_channel_set_picture_url (channel, granted->picture_url);
    }

  /* A person granting again replaces their own earlier token. */
  tokens = sh_channel_get_tokens (channel);
  for (guint i = 0; granted->owner_id != NULL && i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(ShToken) existing = g_list_model_get_item (tokens, i);

      if (g_strcmp0 (sh_token_get_owner_id (existing), granted->owner_id) == 0)
        data->replaced = g_steal_pointer (&existing);
    }

  data->token = sh_token_new (token_id, granted->network, sh_channel_get_id (channel));
  sh_token_set_owner_id (data->token, granted->owner_id);
  sh_token_set_owner_name (data->token, granted->owner_name);
  sh_token_set_scopes (data->token, (const char * const *) granted->scopes);
  sh_token_set_granted_at (data->token, now);
  sh_token_set_expires_at (data->token, granted->expires_at);
  sh_token_set_data_access_expires_at (data->token, granted->data_access_expires_at);
  /* The network has just handed this token out or answered with it. */
  sh_token_apply_verdict (data->token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now,
                          sh_config_get_warning_window ());

  sh_manager_add_token_async (manager, channel, data->token, granted->secret,
                              g_task_get_cancellable (task), on_granted_added, task);
}

static void
on_secrets_for_add (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  ShManager *manager = g_task_get_source_object (task);
  AddGranted *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) secrets = NULL;
  GError *error = NULL;
  ShChannel *channel = NULL;
  ShToken *existing;

  secrets = sh_secret_store_load_finish (SH_SECRET_STORE (source), result, &error);
  if (secrets == NULL)
    {
      /* A keyring that cannot be read cannot take the new secret either. */
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  existing = find_same_secret (manager, secrets, data->granted, &channel);
  if (existing != NULL)
    {
      /* Names from a network or the data file: shown to a person, in a
       * terminal or a toast, so sanitized (sh-untrusted-text.h). */
      g_autofree char *channel_name = channel != NULL
        ? sh_untrusted_text_sanitize (sh_channel_get_name (channel)) : NULL;
      g_autofree char *owner_name = sh_untrusted_text_sanitize (sh_token_get_owner_name (existing));
      /* A hand-edited file may hold any id: printed to a terminal too. */
      g_autofree char *token_id = sh_untrusted_text_sanitize (sh_token_get_id (existing));

      data->existing = g_object_ref (existing);

      /* Adding is idempotent: the same token twice would look like two
       * links to the channel, and one password change would end both. */
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_ALREADY_ADDED,
                               /* Translators: a person, a channel, its kind, a token id, e.g.
                                * "This access token is in SocialHub already: the token of
                                * Alice Example for Acme Coffee (Facebook Page), id …" */
                               _("This access token is in SocialHub already: the token of %s for "
                                 "%s (%s), id %s. Nothing was added."),
                               owner_name ?: _("an unknown owner"),
                               channel_name ?: _("this channel"),
                               sh_network_get_display_name (sh_token_get_network (existing)),
                               token_id);
      g_object_unref (task);
      return;
    }
  file_granted (task);
}

void
sh_check_add_granted_async (ShManager              *manager,
                            const ShGrantedChannel *granted,
                            GCancellable           *cancellable,
                            GAsyncReadyCallback     callback,
                            gpointer                user_data)
{
  GTask *task;
  AddGranted *data;

  g_return_if_fail (SH_IS_MANAGER (manager));
  g_return_if_fail (granted != NULL && granted->secret != NULL && granted->external_id != NULL);

  task = g_task_new (manager, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_check_add_granted_async);
  data = g_new0 (AddGranted, 1);
  data->granted = sh_granted_channel_copy (granted);
  g_task_set_task_data (task, data, (GDestroyNotify) add_granted_free);

  /* One keyring search for this network's secrets: is this one among them? */
  sh_secret_store_load_async (sh_manager_get_secret_store (manager),
                              granted->network, cancellable,
                              on_secrets_for_add, task);
}

ShToken *
sh_check_add_granted_finish (ShManager     *manager,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, manager), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

ShToken *
sh_check_add_granted_get_existing (ShManager    *manager,
                                   GAsyncResult *result)
{
  AddGranted *data;

  g_return_val_if_fail (g_task_is_valid (result, manager), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sh_check_add_granted_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  return data->existing;
}

guint
sh_check_name_owner (GPtrArray  *granted,
                     const char *name)
{
  g_autofree char *clean = NULL;
  guint n = 0;

  g_return_val_if_fail (granted != NULL, 0);

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return 0;
  clean = g_strstrip (g_strdup (name));
  if (*clean == '\0')
    return 0;
  if (g_utf8_strlen (clean, -1) > SH_OWNER_NAME_MAX)
    *g_utf8_offset_to_pointer (clean, SH_OWNER_NAME_MAX) = '\0';

  for (guint i = 0; i < granted->len; i++)
    {
      ShGrantedChannel *channel = g_ptr_array_index (granted, i);

      if (channel->owner_name != NULL && *channel->owner_name != '\0')
        continue;
      g_free (channel->owner_name);
      channel->owner_name = g_strdup (clean);
      n++;
    }
  return n;
}

/* ---- removing: revoke, then forget ------------------------------------------- */

typedef struct {
  ShToken *token;
  char    *warning;
} RemoveToken;

static void
remove_token_free (RemoveToken *data)
{
  g_clear_object (&data->token);
  g_free (data->warning);
  g_free (data);
}

static void
on_forgotten (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!sh_manager_remove_token_finish (SH_MANAGER (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
forget (GTask *task)
{
  RemoveToken *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  sh_manager_remove_token_async (g_task_get_source_object (task), data->token, cancellable,
                                 on_forgotten, task);
}

static void
on_token_revoked (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  RemoveToken *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* A network without single-token revocation (Facebook Page tokens:
   * DELETE /me/permissions would end every token of the person) is
   * simply forgotten; a revocation that failed is said out loud. */
  if (!sh_provider_revoke_finish (SH_PROVIDER (source), result, &error) &&
      !g_error_matches (error, SH_ERROR, SH_ERROR_NOT_AVAILABLE))
    data->warning = g_strdup_printf (_("%s\nThe token is forgotten here, but it may still be "
                                       "valid on %s."),
                                     error->message,
                                     sh_network_get_display_name (sh_token_get_network (data->token)));
  forget (task);
}

static void
on_secret_for_removal (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  ShManager *manager = g_task_get_source_object (task);
  RemoveToken *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GHashTable) secrets = sh_secret_store_load_finish (SH_SECRET_STORE (source), result, &error);
  ShSecret *secret;
  ShProvider *provider = sh_manager_get_provider (manager, sh_token_get_network (data->token));

  /* A keyring that cannot be read is not "no secret": forgetting now would
   * leave the grant valid on the network, and the secret would later be
   * deleted unrevoked. Nothing is done; the caller says why. */
  if (secrets == NULL)
    {
      g_prefix_error (&error, _("The token was not removed. "));
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* Read fine, but none there: nothing to revoke, only to forget. */
  secret = g_hash_table_lookup (secrets, sh_token_get_id (data->token));
  if (secret == NULL || provider == NULL)
    {
      forget (task);
      return;
    }
  sh_provider_revoke_async (provider, secret, g_task_get_cancellable (task), on_token_revoked, task);
}

void
sh_check_remove_token_async (ShManager           *manager,
                             ShToken             *token,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  RemoveToken *data;

  g_return_if_fail (SH_IS_MANAGER (manager));
  g_return_if_fail (SH_IS_TOKEN (token));

  task = g_task_new (manager, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_check_remove_token_async);
  data = g_new0 (RemoveToken, 1);
  data->token = g_object_ref (token);
  g_task_set_task_data (task, data, (GDestroyNotify) remove_token_free);
  sh_secret_store_load_async (sh_manager_get_secret_store (manager),
                              sh_token_get_network (token),
                              cancellable, on_secret_for_removal, task);
}

gboolean
sh_check_remove_token_finish (ShManager     *manager,
                              GAsyncResult  *result,
                              char         **out_warning,
                              GError       **error)
{
  RemoveToken *data;

  g_return_val_if_fail (g_task_is_valid (result, manager), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (out_warning != NULL)
    *out_warning = g_steal_pointer (&data->warning);
  return g_task_propagate_boolean (G_TASK (result), error);
}
