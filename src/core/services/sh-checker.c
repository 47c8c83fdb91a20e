/* sh-checker.c — the one check of every token.
 *
 * The monitor's timers, Check Now and a forwarded --check can ask at the
 * same moment. They share one run: a second caller joins the run under way
 * and gets its summary, instead of sending every request twice (and using up
 * the networks' rate limits twice). A caller that cancels leaves the run;
 * the run itself stops when the last caller has left.
 *
 * A run loads the data file if needed, reads every secret in one keyring
 * search, hands each network's tokens to its provider (a provider with
 * check_feed_async gets them at once and the secrets slice by slice as the
 * keyring answers, so that its requests overlap the read; the others once
 * all are in), emits "checked" once
 * the verdicts stand (the notifier records what it told), and then saves the
 * data file once, before any caller gets its answer.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-checker.h"
#include "sh-config.h"
#include "sh-derived.h"
#include "sh-error.h"
#include "sh-provider-registry.h"
#include "sh-time-format.h"

struct _ShChecker
{
  GObject    parent_instance;

  ShManager     *manager;       /* not a reference: the manager owns its checker */
  ShSecretStore *secret_store;  /* where renewed secrets go: the manager's */
  struct _Run   *run;           /* the run under way, or NULL */
};

G_DEFINE_FINAL_TYPE (ShChecker, sh_checker, G_TYPE_OBJECT)

enum {
  SIGNAL_CHECKED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

typedef struct _Run Run;

typedef struct {
  GHashTable     *secrets;
  ShSecretFeed   *feed;      /* the secrets as they arrive, for check_feed_async */
  GHashTable     *fed;       /* token ids pushed into the feed */
  GPtrArray      *streamed;  /* networks whose provider reads the feed */
  guint           pending;
  ShCheckSummary  summary;
  GError         *error;
  Run            *run;
  ShManager      *manager;   /* kept alive while the run goes */
  GHashTable     *own_faults; /* sharing tokens their own provider judged dead */
  gboolean        derived_started;
} CheckAll;

static void
check_all_free (CheckAll *data)
{
  g_clear_object (&data->manager);
  g_clear_pointer (&data->own_faults, g_hash_table_unref);
  g_clear_pointer (&data->secrets, g_hash_table_unref);
  g_clear_object (&data->feed);
  g_clear_pointer (&data->fed, g_hash_table_unref);
  g_clear_pointer (&data->streamed, g_ptr_array_unref);
  g_clear_error (&data->error);
  g_free (data);
}

/* Whether a run of @only (NULL: every channel) checks @channel. */
static gboolean
in_run (const char * const *only,
        ShChannel          *channel)
{
  return only == NULL || g_strv_contains (only, sh_channel_get_id (channel));
}

static GPtrArray *
tokens_of (ShManager          *manager,
           const char * const *only,
           gboolean            any_network,
           const char         *network)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (manager));
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      GListModel *list = sh_channel_get_tokens (channel);

      if (!in_run (only, channel) ||
          (!any_network && sh_channel_get_network (channel) != network))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (list); j++)
        g_ptr_array_add (tokens, g_list_model_get_item (list, j));
    }
  return tokens;
}

/* The networks the manager's channels are on, in the order first seen
 * (interned ids): the walk asks each network's provider once. */
static GPtrArray *
networks_of (ShManager          *manager,
             const char * const *only)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (manager));
  GPtrArray *networks = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);

      ShProviderClass *klass = sh_provider_registry_lookup (sh_channel_get_network (channel));

      /* A derived network is asked on its own (check_derived). */
      if (klass != NULL && klass->parent_network != NULL)
        continue;
      if (in_run (only, channel) &&
          !g_ptr_array_find (networks, sh_channel_get_network (channel), NULL))
        g_ptr_array_add (networks, (gpointer) sh_channel_get_network (channel));
    }
  return networks;
}

/* ---- one run, shared by whoever asks while it goes ----------------------- */

struct _Run {
  GCancellable *cancellable;   /* the run's own: cancelled when nobody waits */
  GPtrArray    *callers;       /* GTask, each with its cancellable handler */
  guint         n_waiting;
  GStrv         only;          /* the channel ids it checks; NULL: every channel */
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
  g_strfreev (run->only);
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
  ShChecker *self = g_task_get_source_object (task);
  CheckAll *data = g_task_get_task_data (task);
  Run *run = g_steal_pointer (&data->run);

  /* Unless a newer run took its place after this one was given up. */
  if (self->run == run)
    self->run = NULL;
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
                           _("The check was cancelled"));
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

/* ---- the end of a run: announce, then save once -------------------------- */

static void
on_announced_saved (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!sh_manager_save_finish (SH_MANAGER (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
sh_checker_announce_async (ShChecker           *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SH_IS_CHECKER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_checker_announce_async);
  /* The handlers (the notifier) note what they told in the tokens; the one
   * save below records it with the verdicts. */
  g_signal_emit (self, signals[SIGNAL_CHECKED], 0);
  sh_manager_save_async (self->manager, NULL, on_announced_saved, task);
}

gboolean
sh_checker_announce_finish (ShChecker     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
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
  if (!sh_checker_announce_finish (SH_CHECKER (source), result, &error) && data->error == NULL)
    data->error = g_steal_pointer (&error);
  finish_check (task);
}

static void check_derived (GTask *task);

static void
one_network_done (GTask *task)
{
  CheckAll *data = g_task_get_task_data (task);

  if (--data->pending > 0)
    return;
  /* The networks living on others' tokens go after those: their batches
   * find the Graph's usage as the Pages' check left it, and a fault
   * meant for one request meets the Pages' check first. */
  if (!data->derived_started && data->secrets != NULL)
    {
      data->derived_started = TRUE;
      data->pending = 1;
      check_derived (task);
      if (--data->pending > 0)
        return;
    }
  /* A parent token's verdict holds for the tokens sharing it. */
  sh_derived_fold (sh_manager_get_channels (data->manager), data->own_faults,
                   sh_config_get_warning_window ());
  sh_checker_announce_async (g_task_get_source_object (task), NULL, on_saved,
                             g_object_ref (task));
}

/* ---- one network's answer: renewed secrets stored, then verdicts applied -- */

typedef struct {
  GTask          *task;       /* the run */
  const char     *network;    /* interned */
  GPtrArray      *tokens;     /* ShToken sent to the provider */
  GHashTable     *verdicts;   /* token id → ShVerdict */
  ShCheckSummary  summary;
  guint           n_storing;
} Answer;

static void
answer_free (Answer *answer)
{
  g_object_unref (answer->task);
  g_ptr_array_unref (answer->tokens);
  g_hash_table_unref (answer->verdicts);
  g_free (answer);
}

/* A renewed secret the keyring did not take: said loudly; the provider
 * keeps the pair and offers it again at the next check. */
static GError *
renewal_not_stored (const char   *network,
                    const GError *error)
{
  gint code = SH_ERROR_KEYRING_FAILED;

  if (error != NULL && error->domain == SH_ERROR &&
      (error->code == SH_ERROR_KEYRING_UNAVAILABLE || error->code == SH_ERROR_KEYRING_LOCKED ||
       error->code == SH_ERROR_KEYRING_TIMEOUT || error->code == SH_ERROR_KEYRING_FAILED))
    code = error->code;
  return g_error_new (SH_ERROR, code,
                      /* Translators: the first %s is a network, e.g. "X" */
                      _("%s renewed an access token, but the new refresh token could not be "
                        "stored in the keyring (%s). SocialHub keeps it until it quits and will "
                        "try to store it again; if it cannot, the token must be added again."),
                      sh_network_get_name (network),
                      error != NULL ? error->message : _("no keyring"));
}

/* Every renewed secret is in the keyring (or said to be lost): now the
 * verdicts count. */
static void
apply_answer (Answer *answer)
{
  CheckAll *data = g_task_get_task_data (answer->task);
  GTask *task = g_object_ref (answer->task);
  gint64 window = sh_config_get_warning_window ();

  data->summary.n_checked += answer->summary.n_checked;
  data->summary.n_unknown += answer->summary.n_unknown;
  data->summary.n_requests += answer->summary.n_requests;
  data->summary.retry_at = MAX (data->summary.retry_at, answer->summary.retry_at);
  data->summary.n_deferred += answer->summary.n_deferred;
  data->summary.deferred_until = MAX (data->summary.deferred_until,
                                      answer->summary.deferred_until);
  for (guint i = 0; i < answer->tokens->len; i++)
    {
      ShToken *token = g_ptr_array_index (answer->tokens, i);
      ShVerdict *verdict = g_hash_table_lookup (answer->verdicts, sh_token_get_id (token));

      if (verdict == NULL)
        continue;
      if (sh_token_state_is_verdict (verdict->state))
        sh_token_apply_verdict (token, verdict->state, verdict->reason, verdict->checked_at, window);
      else
        sh_token_mark_unknown (token, verdict->reason);
    }
  answer_free (answer);
  one_network_done (task);
  g_object_unref (task);
}

typedef struct {
  Answer  *answer;
  ShToken *token;
} Storing;

static void
renewed_stored (Storing      *storing,
                const GError *error)
{
  Answer *answer = storing->answer;
  CheckAll *data = g_task_get_task_data (answer->task);

  if (error != NULL)
    {
      g_autoptr(GError) loud = renewal_not_stored (answer->network, error);
      ShVerdict *verdict = g_hash_table_lookup (answer->verdicts, sh_token_get_id (storing->token));

      g_warning ("%s", loud->message);
      /* The verdict was reached with a pair nobody can find again. */
      if (sh_token_state_is_verdict (verdict->state))
        {
          answer->summary.n_checked--;
          answer->summary.n_unknown++;
        }
      verdict->state = SH_TOKEN_STATE_UNKNOWN;
      verdict->reason = SH_TOKEN_REASON_KEYRING_LOCKED;
      if (data->error == NULL)
        data->error = g_steal_pointer (&loud);
    }
  g_object_unref (storing->token);
  g_free (storing);
  if (--answer->n_storing == 0)
    apply_answer (answer);
}

static void
on_renewed_stored (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  sh_secret_store_store_finish (SH_SECRET_STORE (source), result, &error);
  renewed_stored (user_data, error);
}

static void take_verdicts (ShChecker *self, Answer *answer, GHashTable *verdicts);

/* A provider that failed as a whole judged nothing: its error is the run's
 * (the first one wins). */
static GHashTable *
or_none (Answer       *answer,
         GHashTable   *verdicts,
         const GError *error)
{
  CheckAll *data = g_task_get_task_data (answer->task);

  if (verdicts != NULL)
    return verdicts;
  if (data->error == NULL && error != NULL)
    data->error = g_error_copy (error);
  answer->summary = (ShCheckSummary) { 0 };
  return sh_verdicts_new ();
}

static void
on_provider_checked (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Answer *answer = user_data;
  ShChecker *self = g_task_get_source_object (answer->task);
  g_autoptr(GError) error = NULL;
  GHashTable *verdicts;

  verdicts = sh_provider_check_finish (SH_PROVIDER (source), result, &answer->summary, &error);
  take_verdicts (self, answer, or_none (answer, verdicts, error));
}

static void ask_new_channels (GTask      *task,
                              ShProvider *provider,
                              const char *network,
                              GPtrArray  *made);

/* A derived network's answer: what it found linked to each parent first
 * (new channels, new names), then its own verdicts like any network's. */
static void
on_derived_checked (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Answer *answer = user_data;
  ShChecker *self = g_task_get_source_object (answer->task);
  CheckAll *data = g_task_get_task_data (answer->task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) made = NULL;
  GHashTable *verdicts;
  GHashTableIter iter;
  gpointer token_id, value;

  verdicts = sh_provider_check_derived_finish (SH_PROVIDER (source), result, &answer->summary,
                                               &found, &error);
  verdicts = or_none (answer, verdicts, error);
  made = sh_derived_apply_found (sh_manager_get_channels (data->manager), answer->network, found,
                                 g_get_real_time () / G_USEC_PER_SEC);
  /* An account found just now is asked about its own side in this run
   * (a permission not granted at sign-in, say), not an hour later: until
   * then it would show connected. Its run holds no parents, so it finds
   * nothing new and asks no further. */
  if (made->len > 0)
    ask_new_channels (answer->task, SH_PROVIDER (source), answer->network, made);
  g_hash_table_iter_init (&iter, verdicts);
  while (g_hash_table_iter_next (&iter, &token_id, &value))
    {
      ShVerdict *verdict = value;

      if (verdict->state == SH_TOKEN_STATE_EXPIRED || verdict->state == SH_TOKEN_STATE_INVALID)
        g_hash_table_add (data->own_faults, g_strdup (token_id));
    }
  take_verdicts (self, answer, verdicts);
}

static void
take_verdicts (ShChecker  *self,
               Answer     *answer,
               GHashTable *verdicts)
{
  answer->verdicts = verdicts;

  /* The rotation guarantee: a renewed secret is in the keyring before
   * anyone sees the verdict reached with it. Not cancellable: the keyring
   * must get it. */
  answer->n_storing = 1;
  for (guint i = 0; i < answer->tokens->len; i++)
    {
      ShToken *token = g_ptr_array_index (answer->tokens, i);
      ShVerdict *verdict = g_hash_table_lookup (verdicts, sh_token_get_id (token));
      Storing *storing;

      if (verdict == NULL || verdict->renewed == NULL)
        continue;
      storing = g_new0 (Storing, 1);
      storing->answer = answer;
      storing->token = g_object_ref (token);
      answer->n_storing++;
      if (self->secret_store == NULL)
        {
          g_autoptr(GError) none = g_error_new_literal (SH_ERROR, SH_ERROR_KEYRING_UNAVAILABLE,
                                                        _("no keyring was given to the checker"));

          renewed_stored (storing, none);
          continue;
        }
      sh_secret_store_store_async (self->secret_store, token, verdict->renewed, NULL,
                                   on_renewed_stored, storing);
    }
  if (--answer->n_storing == 0)
    apply_answer (answer);
}

/* Every secret that came in the search's last answer and was not fed yet
 * (all of them on a backend that does not slice), then the end. */
static void
close_feed (CheckAll   *data,
            GHashTable *secrets)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  if (secrets != NULL)
    {
      GHashTableIter iter;
      gpointer id;

      g_hash_table_iter_init (&iter, secrets);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        if (!g_hash_table_contains (data->fed, id))
          g_ptr_array_add (ids, g_strdup (id));
      if (ids->len > 0)
        sh_secret_feed_push (data->feed, secrets, ids);
    }
  sh_secret_feed_close (data->feed);
}

static void
on_secret_slice (GHashTable *secrets,
                 GPtrArray  *ids,
                 gpointer    user_data)
{
  CheckAll *data = user_data;

  if (sh_secret_feed_is_closed (data->feed))
    return;
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_add (data->fed, g_strdup (g_ptr_array_index (ids, i)));
  sh_secret_feed_push (data->feed, secrets, ids);
}

static gboolean
is_streamed (CheckAll   *data,
             const char *network)
{
  return g_ptr_array_find (data->streamed, network, NULL);
}

static gboolean
any_due (GPtrArray *parents,
         gint64     now)
{
  for (guint i = 0; i < parents->len; i++)
    if (sh_derived_is_due (g_ptr_array_index (parents, i), now))
      return TRUE;
  return FALSE;
}

/* The parent channels (of the run) with a token that works after this
 * run's check: the ones a provider can look at. */
static GPtrArray *
working_parents (ShChannelList      *list,
                 const char         *parent_network,
                 const char * const *only)
{
  g_autoptr(GPtrArray) parents = sh_derived_parents (list, parent_network);
  GPtrArray *working = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < parents->len; i++)
    {
      ShChannel *parent = g_ptr_array_index (parents, i);
      GListModel *tokens = sh_channel_get_tokens (parent);

      if (!in_run (only, parent))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (tokens); j++)
        {
          g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);

          if (sh_token_state_is_usable (sh_token_get_state (token)))
            {
              g_ptr_array_add (working, g_object_ref (parent));
              break;
            }
        }
    }
  return working;
}

/* One call to a derived network's provider, an answer the run waits for. */
static void
ask_derived (GTask      *task,
             ShProvider *provider,
             const char *network,
             GPtrArray  *channels,
             GPtrArray  *parents,
             GPtrArray  *tokens)
{
  CheckAll *data = g_task_get_task_data (task);
  Answer *answer = g_new0 (Answer, 1);

  answer->task = g_object_ref (task);
  answer->network = network;
  answer->tokens = g_ptr_array_ref (tokens);
  data->pending++;
  sh_provider_check_derived_async (provider, channels, parents, data->secrets,
                                   g_task_get_cancellable (task), on_derived_checked, answer);
}

/* The tokens of @channel (of a derived network) its provider is to be
 * asked about, added to @tokens. */
static void
ask_tokens_of (CheckAll  *data,
               ShChannel *channel,
               GPtrArray *tokens)
{
  ShChannelList *list = sh_manager_get_channels (data->manager);
  GListModel *list_tokens = sh_channel_get_tokens (channel);

  for (guint i = 0; i < g_list_model_get_n_items (list_tokens); i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (list_tokens, i);
      ShSecret *secret = g_hash_table_lookup (data->secrets, sh_token_get_secret_id (token));
      ShToken *shared = sh_channel_list_lookup_token (list, sh_token_get_shares (token), NULL);

      if (secret == NULL || secret->access_token == NULL)
        {
          sh_token_mark_unknown (token, SH_TOKEN_REASON_SECRET_MISSING);
          data->summary.n_unknown++;
          continue;
        }
      /* Only with a Page token that works now: a dead one's verdict is
       * folded on at no cost, and one the Pages' check reached no verdict
       * on (a pause, an outage) gives none here either. */
      if (shared == NULL || !sh_token_state_is_usable (sh_token_get_state (shared)))
        {
          if (shared != NULL && sh_token_get_state (shared) == SH_TOKEN_STATE_UNKNOWN)
            data->summary.n_unknown++;
          continue;
        }
      g_ptr_array_add (tokens, g_object_ref (token));
    }
}

/* Each network whose channels live on another's tokens: its channels and
 * the parent channels, in one call to its provider. */
static void
check_derived (GTask *task)
{
  CheckAll *data = g_task_get_task_data (task);
  ShChannelList *list = sh_manager_get_channels (data->manager);
  const char * const *only = (const char * const *) data->run->only;
  GPtrArray *classes = sh_provider_registry_list ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint n = 0; n < classes->len; n++)
    {
      ShProviderClass *klass = g_ptr_array_index (classes, n);
      const char *network = sh_provider_registry_intern (klass->network);
      ShProvider *provider = sh_manager_get_provider (data->manager, network);
      g_autoptr(GPtrArray) channels = NULL;
      g_autoptr(GPtrArray) parents = NULL;
      g_autoptr(GPtrArray) tokens = NULL;
      g_autoptr(GPtrArray) all = NULL;
      const char *parent_network;

      /* A derived network without its check cannot be asked (and must not
       * hold the run open). */
      if (klass->parent_network == NULL || provider == NULL ||
          klass->check_derived_async == NULL ||
          (parent_network = sh_provider_registry_intern (klass->parent_network)) == NULL)
        continue;
      channels = g_ptr_array_new_with_free_func (g_object_unref);
      parents = working_parents (list, parent_network, only);
      tokens = g_ptr_array_new_with_free_func (g_object_unref);
      all = sh_derived_channels_of (list, network);
      for (guint c = 0; c < all->len; c++)
        {
          ShChannel *channel = g_ptr_array_index (all, c);
          guint n_asked = tokens->len;

          /* A run of some channels judges those only (their secrets may
           * be all it read). */
          if (!in_run (only, channel))
            continue;

          ask_tokens_of (data, channel, tokens);
          if (tokens->len > n_asked)
            g_ptr_array_add (channels, g_object_ref (channel));
        }
      if (tokens->len == 0 && !any_due (parents, now))
        continue;
      ask_derived (task, provider, network, channels, parents, tokens);
    }
}

/* Channels @network's provider found in this run (sh_derived_apply_found):
 * their own tokens asked about at once, alongside the run's last answers. */
static void
ask_new_channels (GTask      *task,
                  ShProvider *provider,
                  const char *network,
                  GPtrArray  *made)
{
  CheckAll *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) channels = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) parents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_object_unref);

  if (data->secrets == NULL)
    return;
  for (guint c = 0; c < made->len; c++)
    {
      ShChannel *channel = g_ptr_array_index (made, c);
      guint n_asked = tokens->len;

      ask_tokens_of (data, channel, tokens);
      if (tokens->len > n_asked)
        g_ptr_array_add (channels, g_object_ref (channel));
    }
  if (tokens->len == 0)
    return;
  ask_derived (task, provider, network, channels, parents, tokens);
}

static void
on_secrets (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShChecker *self = g_task_get_source_object (task);
  ShManager *manager = self->manager;
  CheckAll *data = g_task_get_task_data (task);
  const char * const *only = (const char * const *) data->run->only;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) networks = NULL;
  GError *error = NULL;

  /* Channels living on another's tokens follow its tokens added and
   * removed since the last run. */
  sh_derived_sync (sh_manager_get_channels (manager));
  all = tokens_of (manager, only, TRUE, NULL);
  data->secrets = sh_secret_store_load_finish (SH_SECRET_STORE (source), result, &error);
  close_feed (data, data->secrets);
  if (data->secrets == NULL)
    {
      gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      /* The first error says what went wrong (a provider's may be in). */
      if (data->error == NULL)
        data->error = error;
      else
        g_error_free (error);
      if (cancelled && data->streamed->len == 0)
        {
          /* Every caller left: nobody to answer but the run to end. */
          finish_check (task);
          return;
        }
      /* No secrets, no check: every token reads "not checked: keyring",
       * keeping its last verdict (a token whose secret came before the
       * failure may still get one). The error says what to do. A run
       * cancelled while the keyring was read (offline, too slow) says
       * nothing about the keyring: those tokens keep what they had. */
      for (guint i = 0; i < all->len && !cancelled; i++)
        if (!g_hash_table_contains (data->fed, sh_token_get_id (g_ptr_array_index (all, i))))
          {
            sh_token_mark_unknown (g_ptr_array_index (all, i), SH_TOKEN_REASON_KEYRING_LOCKED);
            data->summary.n_unknown++;
          }
      one_network_done (task);
      return;
    }

  networks = networks_of (manager, only);
  for (guint n = 0; n < networks->len; n++)
    {
      const char *network = g_ptr_array_index (networks, n);
      g_autoptr(GPtrArray) all_tokens = tokens_of (manager, only, FALSE, network);
      g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_object_unref);
      ShProvider *provider = sh_manager_get_provider (manager, network);
      Answer *answer;

      for (guint i = 0; i < all_tokens->len; i++)
        {
          ShToken *token = g_ptr_array_index (all_tokens, i);

          /* A token whose secret is gone cannot be judged: it reads
           * "secret missing" (unknown, its last verdict kept), and the
           * network is not asked about it. */
          ShSecret *secret = g_hash_table_lookup (data->secrets, sh_token_get_id (token));

          if (secret == NULL || secret->access_token == NULL)
            {
              sh_token_mark_unknown (token, SH_TOKEN_REASON_SECRET_MISSING);
              data->summary.n_unknown++;
              continue;
            }
          g_ptr_array_add (tokens, g_object_ref (token));
        }
      /* Its provider has the others from the feed already. */
      if (tokens->len == 0 || is_streamed (data, network))
        continue;
      if (provider == NULL)
        {
          data->summary.n_unknown += tokens->len;
          continue;
        }
      answer = g_new0 (Answer, 1);
      answer->task = g_object_ref (task);
      answer->network = network;
      answer->tokens = g_ptr_array_ref (tokens);
      data->pending++;
      sh_provider_check_async (provider, tokens, data->secrets, g_task_get_cancellable (task),
                               on_provider_checked, answer);
    }
  one_network_done (task);
}

/* Networks whose provider can start on the first secrets start now, before
 * the keyring has answered: their check overlaps the read. */
static void
start_streamed (GTask *task)
{
  ShChecker *self = g_task_get_source_object (task);
  CheckAll *data = g_task_get_task_data (task);
  const char * const *only = (const char * const *) data->run->only;
  g_autoptr(GPtrArray) networks = networks_of (self->manager, only);

  for (guint n = 0; n < networks->len; n++)
    {
      const char *network = g_ptr_array_index (networks, n);
      ShProvider *provider = sh_manager_get_provider (self->manager, network);
      Answer *answer;

      if (provider == NULL || SH_PROVIDER_GET_CLASS (provider)->check_feed_async == NULL)
        continue;
      answer = g_new0 (Answer, 1);
      answer->task = g_object_ref (task);
      answer->network = network;
      answer->tokens = tokens_of (self->manager, only, FALSE, network);
      g_ptr_array_add (data->streamed, (gpointer) network);
      data->pending++;
      SH_PROVIDER_GET_CLASS (provider)->check_feed_async (provider, answer->tokens, data->feed,
                                                          g_task_get_cancellable (task),
                                                          on_provider_checked, answer);
    }
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  CheckAll *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) networks = NULL;
  GError *error = NULL;

  if (!sh_manager_ensure_loaded_finish (SH_MANAGER (source), result, &error))
    {
      /* Nothing loaded, nothing judged: nothing to announce or save. */
      data->error = error;
      finish_check (task);
      g_object_unref (task);
      return;
    }
  /* One pending unit for the walk itself, so that the save waits for all. */
  data->pending = 1;
  data->feed = sh_secret_feed_new ();
  data->fed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  data->streamed = g_ptr_array_new ();
  start_streamed (task);
  /* Every secret a check needs, in one Secret Service search (of one
   * network only when the run's channels are all on it), read in slices
   * for the providers that start on the first ones. */
  networks = networks_of (SH_MANAGER (source), (const char * const *) data->run->only);
  sh_secret_store_load_sliced_async (sh_manager_get_secret_store (SH_MANAGER (source)),
                                     data->run->only != NULL && networks->len == 1
                                     ? g_ptr_array_index (networks, 0) : NULL,
                                     data->streamed->len > 0 ? on_secret_slice : NULL, data,
                                     g_task_get_cancellable (task), on_secrets, task);
}

static void
start_run (ShChecker *self,
           Run       *run)
{
  GTask *task = g_task_new (self, run->cancellable, NULL, NULL);
  CheckAll *data = g_new0 (CheckAll, 1);

  data->run = run;
  data->manager = g_object_ref (self->manager);
  data->own_faults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_source_tag (task, start_run);
  g_task_set_task_data (task, data, (GDestroyNotify) check_all_free);
  /* Load if needed, then check: written here only. */
  sh_manager_ensure_loaded_async (self->manager, run->cancellable, on_loaded, task);
}

/* Whether @run checks every channel of @only (NULL: every channel). */
static gboolean
run_covers (Run                *run,
            const char * const *only)
{
  if (run->only == NULL)
    return TRUE;
  if (only == NULL)
    return FALSE;
  for (guint i = 0; only[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *) run->only, only[i]))
      return FALSE;
  return TRUE;
}

static void
check_async (ShChecker           *self,
             const char * const  *only,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data,
             gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Caller *caller;
  Run *run;
  gboolean new_run;

  g_task_set_source_tag (task, source_tag);
  run = self->run;
  /* A run everybody left is ending: start afresh rather than join it. */
  if (run != NULL && g_cancellable_is_cancelled (run->cancellable))
    {
      self->run = NULL;
      run = NULL;
    }
  /* A run of other channels cannot answer: a run of its own, alongside. */
  if (run != NULL && !run_covers (run, only))
    run = NULL;
  new_run = run == NULL;
  if (new_run)
    {
      run = g_new0 (Run, 1);
      run->cancellable = g_cancellable_new ();
      run->callers = g_ptr_array_new_with_free_func (g_object_unref);
      run->only = g_strdupv ((GStrv) only);
      /* The run later callers join: a check of every channel, once one goes. */
      if (self->run == NULL || only == NULL)
        self->run = run;
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
    start_run (self, run);
}

void
sh_checker_check_async (ShChecker           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (SH_IS_CHECKER (self));
  check_async (self, NULL, cancellable, callback, user_data, sh_checker_check_async);
}

void
sh_checker_check_channels_async (ShChecker           *self,
                                 const char * const  *channel_ids,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (SH_IS_CHECKER (self));
  g_return_if_fail (channel_ids != NULL);

  /* The same answer as a full check's: sh_checker_check_finish(). */
  check_async (self, channel_ids, cancellable, callback, user_data,
               sh_checker_check_channels_async);
}

gboolean
sh_checker_check_finish (ShChecker       *self,
                         GAsyncResult    *result,
                         ShCheckSummary  *out_summary,
                         GError         **error)
{
  ShCheckSummary *summary;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  summary = g_task_propagate_pointer (G_TASK (result), error);
  if (summary == NULL)
    return FALSE;
  if (out_summary != NULL)
    *out_summary = *summary;
  g_free (summary);
  return TRUE;
}

gboolean
sh_checker_get_running (ShChecker *self)
{
  g_return_val_if_fail (SH_IS_CHECKER (self), FALSE);
  return self->run != NULL;
}

gboolean
sh_checker_get_running_all (ShChecker *self)
{
  g_return_val_if_fail (SH_IS_CHECKER (self), FALSE);
  return self->run != NULL && self->run->only == NULL;
}

/* ---- the object ---------------------------------------------------------- */

static void
sh_checker_dispose (GObject *object)
{
  g_clear_object (&SH_CHECKER (object)->secret_store);
  G_OBJECT_CLASS (sh_checker_parent_class)->dispose (object);
}

static void
sh_checker_class_init (ShCheckerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sh_checker_dispose;

  /* After every check of all tokens (whoever asked for it), once its
   * verdicts are applied and before they are saved: the notifier compares
   * them with what it told, and its record is saved with them. */
  signals[SIGNAL_CHECKED] =
    g_signal_new ("checked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sh_checker_init (ShChecker *self)
{
}

ShChecker *
_sh_checker_new (ShManager *manager)
{
  ShChecker *self;

  g_return_val_if_fail (SH_IS_MANAGER (manager), NULL);

  self = g_object_new (SH_TYPE_CHECKER, NULL);
  self->manager = manager;
  self->secret_store = g_object_ref (sh_manager_get_secret_store (manager));
  return self;
}

void
sh_checker_set_secret_store (ShChecker     *self,
                             ShSecretStore *store)
{
  g_return_if_fail (SH_IS_CHECKER (self));
  g_set_object (&self->secret_store, store);
}

int
sh_checker_exit_status (GListModel *channels)
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

char *
sh_checker_describe_deferred (const ShCheckSummary *summary)
{
  g_autofree char *checked = NULL;
  g_autofree char *more = NULL;
  g_autofree char *when = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (summary != NULL, NULL);

  if (summary->n_deferred == 0)
    return NULL;
  /* "by 11:40" means by the end of that minute. */
  when = sh_time_format_moment ((summary->deferred_until + 59) / 60 * 60, now);
  checked = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u checked", "%'u checked",
                                          summary->n_checked),
                             summary->n_checked);
  /* Translators: %'u is a count of access tokens, %s a time ("11:40") or
   * a moment on another day ("4 December 2026, 11:40") */
  more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u more by %s", "%'u more by %s",
                                       summary->n_deferred),
                          summary->n_deferred, when);
  /* Translators: "8,850 checked, 1,150 more by 11:40": the tokens a check
   * judged and those it left for later, to stay within the network's
   * hourly budget */
  return g_strdup_printf (_("%s, %s"), checked, more);
}
