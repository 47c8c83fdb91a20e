/* sh-instagram-check.c — Instagram accounts checked, and looked for, in
 * Graph batches of their own.
 *
 * One batch item per Instagram account, GET /{ig-user-id}?fields=id,username
 * with one of its Page's tokens, and one per Page due for a look (added, or
 * not looked at for a day), GET /{page-id}?fields=instagram_business_account
 * {id,username,name,profile_picture_url}: 50 to a batch, one batch at a
 * time. So a check adds at most one request per 50 Instagram accounts to
 * what the Pages' own check costs, plus, about once a day, one per 50 Pages.
 *
 * Only what is the account's own is judged here: its answer (it works), a
 * missing permission (10, 200-299: instagram_basic not granted), or that it
 * is gone from its Page ("does not exist" for the Page's token, and the
 * Page's field no longer names it: asked in a second batch when the Page was
 * not looked at in the first). A Page token's death is the Page's check's
 * verdict, which core folds onto the tokens sharing it (sh-derived.h).
 * Anything else — no answer, 5xx, a throttle, a null item — is no verdict.
 *
 * The budget is the Graph app's, shared with the Facebook provider (one
 * ShFacebookUsage per app, sh-facebook-usage.h): a batch goes only while the
 * usage planned from both providers' calls stays at 90 % or below, and an
 * item only while its Page's own budget does; what cannot go is left for
 * later (no verdict, summary.n_deferred), not "rate limited".
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <glib/gi18n.h>

#include "sh-derived.h"
#include "sh-error.h"
#include "sh-facebook-classify.h"
#include "sh-facebook-provider.h"
#include "sh-instagram-private.h"
#include "sh-json.h"

#define THROTTLE_PAUSE (5 * 60)
/* The Graph counts usage over a rolling hour (and a minute, for clocks). */
#define USAGE_WINDOW   (3600 + 60)
/* Graph code of "Object with ID … does not exist" for this token. */
#define GRAPH_NO_SUCH_OBJECT 100

typedef enum {
  ITEM_ACCOUNT,   /* an Instagram channel's own check */
  ITEM_PAGE,      /* which account a Page has linked */
} ItemKind;

typedef struct {
  ItemKind    kind;
  ShChannel  *channel;      /* the Instagram channel, or the Page */
  const char *secret;       /* borrowed from the run's secrets */
} Item;

typedef struct {
  GPtrArray      *items;          /* Item, not yet sent */
  guint           next;
  gboolean        stopped;
  gboolean        over_budget;    /* the app's budget (or a Page's) is spent */
  gint64          resume_at;      /* when what was left for later may go */
  gboolean        second_pass;    /* the Pages of accounts that seem gone */
  GPtrArray      *channels;       /* the Instagram channels (ShChannel) */
  GHashTable     *parents;        /* Page channel id → ShChannel */
  GHashTable     *linked;         /* Page channel id → linked account id ("" none) */
  GPtrArray      *gone;           /* Instagram channels answered "does not exist" */
  GPtrArray      *found;          /* ShDiscovery */
  GHashTable     *secrets;
  GHashTable     *verdicts;
  ShCheckSummary  summary;
  char           *client_token;
} CheckRun;

static void
item_free (Item *item)
{
  g_object_unref (item->channel);
  g_free (item);
}

static void
check_run_free (CheckRun *run)
{
  g_ptr_array_unref (run->items);
  g_ptr_array_unref (run->channels);
  g_hash_table_unref (run->parents);
  g_hash_table_unref (run->linked);
  g_ptr_array_unref (run->gone);
  g_clear_pointer (&run->found, g_ptr_array_unref);
  g_hash_table_unref (run->secrets);
  g_hash_table_unref (run->verdicts);
  g_free (run->client_token);
  g_free (run);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Whether @token of @channel works now: for an Instagram channel's token,
 * whether the Page token it shares does, as the Pages' check of this run
 * left it (the account's own state is from an earlier run). A Page not in
 * this run (a run of the Instagram channel alone) leaves the token's own. */
static gboolean
works_now (CheckRun  *run,
           ShChannel *channel,
           ShToken   *token)
{
  const char *via = sh_channel_get_via (channel);
  ShChannel *page = via != NULL ? g_hash_table_lookup (run->parents, via) : NULL;
  ShToken *shared = page != NULL && sh_token_get_shares (token) != NULL
                    ? sh_channel_lookup_token (page, sh_token_get_shares (token)) : NULL;

  if (page != NULL)
    return shared != NULL && sh_token_state_is_usable (sh_token_get_state (shared));
  return sh_token_state_is_usable (sh_token_get_state (token));
}

/* The same verdict for each token of an Instagram channel that this run
 * asks about (its secret read, its Page token working): what is judged is
 * the account, whichever of its Page's tokens asked. A token whose Page
 * token died gets that death from core instead, and is not counted. */
static void
judge (CheckRun      *run,
       ShChannel     *channel,
       ShTokenState   state,
       ShTokenReason  reason)
{
  GListModel *tokens = sh_channel_get_tokens (channel);
  gboolean page_in_run = g_hash_table_contains (run->parents, sh_channel_get_via (channel) ?: "");

  for (guint i = 0; i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);

      if (g_hash_table_lookup (run->secrets, sh_token_get_secret_id (token)) == NULL ||
          (page_in_run && !works_now (run, channel, token)))
        continue;
      if (sh_token_state_is_verdict (state))
        run->summary.n_checked++;
      else
        run->summary.n_unknown++;
      g_hash_table_replace (run->verdicts, g_strdup (sh_token_get_id (token)),
                            sh_verdict_new (state, reason));
    }
}

static void
judge_unknown (CheckRun      *run,
               Item          *item,
               ShTokenReason  reason)
{
  if (item->kind == ITEM_ACCOUNT)
    judge (run, item->channel, SH_TOKEN_STATE_UNKNOWN, reason);
}

/* A Page's answer: the account linked to it now, or none. */
static void
read_page (CheckRun   *run,
           ShChannel  *page,
           const char *body)
{
  g_autoptr(JsonNode) root = sh_json_parse (body, -1);
  JsonObject *object, *account;
  ShGrantedChannel *found = NULL;
  const char *id, *username;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  object = json_node_get_object (root);
  account = sh_json_get_object (object, "instagram_business_account");
  id = account != NULL ? sh_json_get_string (account, "id") : NULL;
  username = account != NULL ? sh_json_get_string (account, "username") : NULL;
  if (account != NULL && (id == NULL || *id == '\0'))
    return;   /* a field we cannot read says nothing */
  if (id != NULL)
    {
      found = sh_granted_channel_new (SH_INSTAGRAM_NETWORK);
      found->external_id = g_strdup (id);
      found->name = g_strconcat ("@", username != NULL ? username : id, NULL);
      found->picture_url = g_strdup (sh_json_get_string (account, "profile_picture_url"));
    }
  g_hash_table_replace (run->linked, g_strdup (sh_channel_get_id (page)), g_strdup (id ?: ""));
  g_ptr_array_add (run->found, sh_discovery_new (sh_channel_get_id (page), found));
}

static void
read_item (GTask  *task,
           Item   *item,
           guint   status,
           const char *body)
{
  CheckRun *run = g_task_get_task_data (task);
  ShFacebookVerdict verdict;

  sh_facebook_classify_response (status, body, -1, &verdict);
  if (verdict.throttled)
    {
      run->stopped = TRUE;
      _sh_instagram_set_throttled_until (g_task_get_source_object (task),
                                         now_seconds () + THROTTLE_PAUSE);
    }
  if (item->kind == ITEM_PAGE)
    {
      if (status == 200)
        read_page (run, item->channel, body);
      return;
    }
  if (status == 200 && verdict.state == SH_TOKEN_STATE_VALID)
    judge (run, item->channel, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE);
  else if (verdict.reason == SH_TOKEN_REASON_PERMISSION_MISSING)
    judge (run, item->channel, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PERMISSION_MISSING);
  else if (verdict.code == GRAPH_NO_SUCH_OBJECT)
    g_ptr_array_add (run->gone, g_object_ref (item->channel));
  else if (verdict.code == 190)
    ;   /* the Page token's own death: the Page's check says it, core folds it */
  else
    judge (run, item->channel, SH_TOKEN_STATE_UNKNOWN,
           sh_token_state_is_verdict (verdict.state) ? SH_TOKEN_REASON_SERVER_ERROR
                                                     : verdict.reason);
}

static void send_next (GTask *task);
static void defer (CheckRun *run, Item *item, gint64 resume_at);

typedef struct {
  GTask     *task;
  GPtrArray *items;   /* Item (borrowed from the run), this batch's */
  guint64    mark;    /* sh_facebook_usage_sent */
} Batch;

/* The Page whose budget @item spends: the Page itself, or the Page the
 * account hangs off (the key the Facebook check uses: its channel id). */
static const char *
page_of (Item *item)
{
  return item->kind == ITEM_PAGE ? sh_channel_get_id (item->channel)
                                 : sh_channel_get_via (item->channel);
}

static void
on_batch (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Batch *batch = user_data;
  g_autoptr(GTask) task = batch->task;
  CheckRun *run = g_task_get_task_data (task);
  g_autoptr(ShHttpReply) reply = sh_http_client_finish (SH_HTTP_CLIENT (source), result);
  g_autoptr(GPtrArray) answers = NULL;
  ShFacebookUsage *usage = _sh_instagram_get_usage (g_task_get_source_object (task));

  sh_facebook_usage_answered (usage, batch->items->len + 1, batch->mark);
  if (reply->status == 200)
    answers = sh_facebook_parse_batch (reply->body, reply->length, NULL);
  for (guint i = 0; i < batch->items->len; i++)
    {
      ShFacebookBatchItem *answer = answers != NULL && answers->len == batch->items->len
                                    ? g_ptr_array_index (answers, i) : NULL;

      sh_facebook_usage_page_answered (usage, page_of (g_ptr_array_index (batch->items, i)),
                                       answer != NULL ? answer->business_usage : NULL,
                                       answer != NULL && answer->page_throttled);
    }
  if (answers == NULL || answers->len != batch->items->len)
    {
      ShFacebookVerdict verdict = { SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_NETWORK_ERROR,
                                    -1, -1, FALSE };

      /* The batch itself failed: nothing is known of its items. */
      if (reply->status != 0)
        sh_facebook_classify_response (reply->status, reply->body, reply->length, &verdict);
      if (verdict.throttled)
        {
          run->stopped = TRUE;
          _sh_instagram_set_throttled_until (g_task_get_source_object (task),
                                             now_seconds () + THROTTLE_PAUSE);
        }
      for (guint i = 0; i < batch->items->len; i++)
        judge_unknown (run, g_ptr_array_index (batch->items, i),
                       reply->status == 0 ? SH_TOKEN_REASON_NETWORK_ERROR
                       : verdict.throttled ? SH_TOKEN_REASON_RATE_LIMITED
                                           : SH_TOKEN_REASON_SERVER_ERROR);
    }
  else
    for (guint i = 0; i < answers->len; i++)
      {
        ShFacebookBatchItem *answer = g_ptr_array_index (answers, i);
        Item *item = g_ptr_array_index (batch->items, i);

        if (answer->is_null)
          judge_unknown (run, item, SH_TOKEN_REASON_SERVER_ERROR);
        /* Its Page's own limit (80001, 32): that Page waits, the run goes on. */
        else if (answer->page_throttled)
          defer (run, item, sh_facebook_usage_page (usage, page_of (item))->paused_until);
        else
          read_item (task, item, answer->status, answer->body);
      }
  g_ptr_array_unref (batch->items);
  g_free (batch);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_task_return_error_if_cancelled (task);
      return;
    }
  send_next (g_steal_pointer (&task));
}

static char *
relative_url (Item *item)
{
  if (item->kind == ITEM_PAGE)
    return g_strconcat (sh_channel_get_external_id (item->channel),
                        "?fields=instagram_business_account%7Bid,username,name,"
                        "profile_picture_url%7D", NULL);
  return g_strconcat (sh_channel_get_external_id (item->channel), "?fields=id,username", NULL);
}

static void
send_batch (GTask     *task,
            GPtrArray *items)
{
  CheckRun *run = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *text = NULL;
  Batch *batch = g_new0 (Batch, 1);

  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      Item *item = g_ptr_array_index (items, i);
      g_autofree char *url = relative_url (item);

      json_builder_begin_object (builder);
      sh_json_builder_add_string (builder, "method", "GET");
      sh_json_builder_add_string (builder, "relative_url", url);
      sh_json_builder_add_string (builder, "access_token", item->secret);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  batch->task = task;
  batch->items = g_ptr_array_ref (items);
  batch->mark = sh_facebook_usage_sent (_sh_instagram_get_usage (g_task_get_source_object (task)),
                                        items->len + 1);
  run->summary.n_requests++;
  /* The tokens travel in the form body, never in the URL. */
  g_hash_table_insert (form, "access_token", run->client_token);
  g_hash_table_insert (form, "batch", text);
  /* The items' headers carry each Page's own usage. */
  g_hash_table_insert (form, "include_headers", "true");
  sh_http_client_post_async (_sh_instagram_get_http (g_task_get_source_object (task)), "/", form,
                             g_task_get_cancellable (task), on_batch, batch);
  memset (text, 0, strlen (text));
}

/* A token of @channel whose secret is known, one that worked if any did. */
static const char *
pick_secret (CheckRun  *run,
             ShChannel *channel)
{
  GListModel *tokens = sh_channel_get_tokens (channel);
  const char *fallback = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);
      ShSecret *secret = g_hash_table_lookup (run->secrets, sh_token_get_secret_id (token));

      if (secret == NULL || secret->access_token == NULL)
        continue;
      /* A Page token that just died would answer 190, and the account
       * would get no verdict although another Page token works. */
      if (works_now (run, channel, token))
        return secret->access_token;
      if (fallback == NULL)
        fallback = secret->access_token;
    }
  return fallback;
}

static void
add_item (CheckRun  *run,
          ItemKind   kind,
          ShChannel *channel)
{
  const char *secret = pick_secret (run, channel);
  Item *item;

  if (secret == NULL)
    return;
  item = g_new0 (Item, 1);
  item->kind = kind;
  item->channel = g_object_ref (channel);
  item->secret = secret;
  g_ptr_array_add (run->items, item);
}

/* The accounts that answered "does not exist": gone when their Page's field
 * no longer names them; otherwise the answer is not understood. Returns TRUE
 * when their Pages must be asked first. */
static gboolean
settle_gone (CheckRun *run)
{
  g_autoptr(GPtrArray) unsure = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < run->gone->len; i++)
    {
      ShChannel *channel = g_ptr_array_index (run->gone, i);
      const char *linked = g_hash_table_lookup (run->linked, sh_channel_get_via (channel));

      if (linked == NULL && !run->second_pass &&
          g_hash_table_contains (run->parents, sh_channel_get_via (channel)))
        g_ptr_array_add (unsure, g_object_ref (channel));
      else if (linked != NULL && g_strcmp0 (linked, sh_channel_get_external_id (channel)) != 0)
        judge (run, channel, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_UNLINKED);
      else
        judge (run, channel, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR);
    }
  g_ptr_array_set_size (run->gone, 0);
  if (unsure->len == 0)
    return FALSE;

  /* Second pass: the Pages of the accounts that seem gone. */
  run->second_pass = TRUE;
  g_ptr_array_set_size (run->items, 0);
  run->next = 0;
  for (guint i = 0; i < unsure->len; i++)
    {
      ShChannel *channel = g_ptr_array_index (unsure, i);
      ShChannel *page = g_hash_table_lookup (run->parents, sh_channel_get_via (channel));
      gboolean asked = FALSE;

      for (guint j = 0; j < run->items->len; j++)
        asked |= ((Item *) g_ptr_array_index (run->items, j))->channel == page;
      if (!asked)
        add_item (run, ITEM_PAGE, page);
      g_ptr_array_add (run->gone, g_object_ref (channel));
    }
  return TRUE;
}

/* @item waits for the budget: no verdict, nothing marked; the summary says
 * how many and by when. */
static void
defer (CheckRun *run,
       Item     *item,
       gint64    resume_at)
{
  GListModel *tokens = sh_channel_get_tokens (item->channel);

  /* A Page only waiting for its own calls out: the next check's try. */
  if (resume_at <= now_seconds ())
    resume_at = now_seconds () + THROTTLE_PAUSE;
  run->resume_at = MAX (run->resume_at, resume_at);
  if (item->kind != ITEM_ACCOUNT)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);

      if (g_hash_table_lookup (run->secrets, sh_token_get_secret_id (token)) != NULL)
        run->summary.n_deferred++;
    }
}

static void
send_next (GTask *task)
{
  CheckRun *run = g_task_get_task_data (task);
  ShInstagramProvider *self = g_task_get_source_object (task);
  ShFacebookUsage *usage = _sh_instagram_get_usage (self);

  if (_sh_instagram_must_stop (self))
    run->stopped = TRUE;
  /* The app's budget counts the Facebook provider's calls too: a batch
   * goes only while the usage stays at the threshold or below. */
  if (!run->stopped && run->next < run->items->len &&
      !sh_facebook_usage_allows (usage, MIN (run->items->len - run->next,
                                             SH_FACEBOOK_BATCH_SIZE) + 1))
    run->over_budget = TRUE;
  if (run->next < run->items->len && !run->stopped && !run->over_budget)
    {
      g_autoptr(GPtrArray) items = g_ptr_array_new ();

      while (run->next < run->items->len && items->len < SH_FACEBOOK_BATCH_SIZE)
        {
          Item *item = g_ptr_array_index (run->items, run->next++);
          gint64 resume_at = 0;

          /* A Page near its own budget, or paused by it: its items wait. */
          if (!sh_facebook_usage_page_allows (usage, page_of (item), &resume_at))
            defer (run, item, resume_at);
          else
            {
              g_ptr_array_add (items, item);
              sh_facebook_usage_page_sent (usage, page_of (item));
            }
        }
      if (items->len > 0)
        {
          send_batch (task, items);
          return;
        }
      send_next (task);
      return;
    }
  for (; run->next < run->items->len; run->next++)
    {
      if (run->over_budget && !run->stopped)
        defer (run, g_ptr_array_index (run->items, run->next), now_seconds () + USAGE_WINDOW);
      else
        judge_unknown (run, g_ptr_array_index (run->items, run->next),
                       SH_TOKEN_REASON_RATE_LIMITED);
    }

  if (!run->stopped && settle_gone (run))
    {
      send_next (task);
      return;
    }
  if (_sh_instagram_get_throttled_until (self) > now_seconds ())
    run->summary.retry_at = _sh_instagram_get_throttled_until (self);
  if (run->summary.n_deferred > 0)
    {
      run->summary.retry_at = MAX (run->summary.retry_at, run->resume_at);
      run->summary.deferred_until = run->summary.retry_at + 60;
    }
  sh_provider_return_check_found (task, &run->summary, run->verdicts,
                                  g_steal_pointer (&run->found));
  g_object_unref (task);
}

void
_sh_instagram_check_derived_async (ShProvider          *provider,
                                   GPtrArray           *channels,
                                   GPtrArray           *parents,
                                   GHashTable          *secrets,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task = g_task_new (provider, cancellable, callback, user_data);
  CheckRun *run = g_new0 (CheckRun, 1);

  g_task_set_source_tag (task, _sh_instagram_check_derived_async);
  run->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  run->channels = g_ptr_array_ref (channels);
  run->parents = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  run->linked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  run->gone = g_ptr_array_new_with_free_func (g_object_unref);
  run->found = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_discovery_free);
  run->secrets = g_hash_table_ref (secrets);
  run->verdicts = sh_verdicts_new ();
  run->client_token = _sh_instagram_client_token ();
  g_task_set_task_data (task, run, (GDestroyNotify) check_run_free);

  if (run->client_token == NULL)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_NOT_CONFIGURED,
                               _("No Facebook app is configured"));
      g_object_unref (task);
      return;
    }
  for (guint i = 0; i < parents->len; i++)
    {
      ShChannel *page = g_ptr_array_index (parents, i);

      g_hash_table_replace (run->parents, (gpointer) sh_channel_get_id (page), g_object_ref (page));
      if (sh_derived_is_due (page, now_seconds ()))
        add_item (run, ITEM_PAGE, page);
    }
  for (guint i = 0; i < channels->len; i++)
    add_item (run, ITEM_ACCOUNT, g_ptr_array_index (channels, i));
  send_next (task);
}
