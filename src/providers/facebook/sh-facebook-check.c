/* sh-facebook-check.c — checking many Page tokens in Graph batches.
 *
 * Tokens go 50 to a batch (the Graph's limit), each item with its own token,
 * up to SH_FACEBOOK_PARALLEL_BATCHES in flight on one keep-alive session.
 * The secrets come from a feed (sh-secret-feed.h): a batch goes as soon as
 * 50 secrets are in, while the keyring still reads the rest. Among the
 * secrets in, the tokens judged longest ago go first.
 *
 * Only a batch that itself fails with an answer we cannot use (5xx, an error
 * code that is not a throttle, HTML, a cut or malformed body) is retried as
 * single requests; a transport failure is not retried here, since single
 * requests would fail the same way, and neither is a throttle. Every item is
 * judged by sh_facebook_classify_*; anything that is not an auth answer
 * leaves the token unknown with a reason and its last verdict.
 *
 * The budget: the usage headers slow the run down before Facebook throttles
 * it (one batch at a time from USAGE_SLOW_DOWN; one batch first when no
 * recent headers are known). A batch goes only if the usage, planned from how
 * it grew over the answers and counting the requests still out — the
 * Instagram provider's too: one usage memory per Graph app — stays at
 * USAGE_STOP or below (sh_facebook_usage_allows). Per Page likewise: the
 * items ask for their headers, whose X-Business-Use-Case-Usage tells each
 * Page's own budget; a Page near it, or paused by its own limit (80001, 32,
 * until estimated_time_to_regain_access), has its further tokens left for
 * later while the other Pages go on. When no more may go,
 * the tokens not yet asked about are left for later — no verdict, nothing
 * marked — and the summary says how many and by when they will be judged
 * (an hour and a minute after the run's first batch, when its calls have
 * left the Graph's rolling hour).
 * Until they are, a check asks only about them (and tokens never judged),
 * so that the rest of the hour's budget goes to them. A throttle code stops
 * the run: the tokens not asked read "rate limited".
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <glib/gi18n.h>

#include "sh-error.h"
#include "sh-facebook-classify.h"
#include "sh-facebook-private.h"
#include "sh-token-syntax.h"

#define USAGE_SLOW_DOWN SH_FACEBOOK_USAGE_SLOW_DOWN
#define USAGE_STOP      SH_FACEBOOK_USAGE_STOP
#define THROTTLE_PAUSE  (5 * 60)

typedef struct {
  GPtrArray *tokens;    /* ShToken, this chunk's */
  GPtrArray *secrets;   /* const char * access tokens, borrowed from table */
  GHashTable *table;    /* the feed's secrets (a reference): it only grows */
} Chunk;

/* The Graph counts usage over a rolling hour: a call weighs for an hour
 * (and a minute, for clocks and whole seconds). */
#define USAGE_WINDOW       (3600 + 60)
/* Nothing sent because usage was already high: one batch after the usage
 * memory has gone stale tells how it stands then. */
#define DEFER_PROBE        SH_FACEBOOK_USAGE_MAX_AGE
/* Time the continuation itself is given in "… more by 11:40". */
#define CONTINUATION_TIME  60

typedef struct {
  ShSecretFeed   *feed;            /* where the secrets come from */
  gulong          arrived_id;
  gulong          closed_id;
  GTask          *alive;           /* the task, kept until it returns */
  GPtrArray      *tokens;          /* ShToken, every one handed in */
  GHashTable     *wanted;          /* token id → ShToken (borrowed): this run's */
  GPtrArray      *ready;           /* ShToken whose secret is in, not yet sent */
  gboolean        ready_sorted;    /* longest-unjudged first */
  guint           in_flight;
  gboolean        stopped;         /* throttled: send nothing more */
  gboolean        over_budget;     /* at USAGE_STOP: the rest waits */
  gint64          first_sent_at;   /* unix seconds, 0: nothing sent yet */
  gint64          page_resume;     /* when the Pages whose tokens wait take calls */
  ShCheckSummary  summary;
  GHashTable     *verdicts;        /* token id → ShVerdict */
  char           *client_token;
} CheckRun;

typedef struct {
  GTask *task;
  Chunk *chunk;
  guint  pending;                  /* single requests still out */
  guint  calls;                    /* what it costs of the budget */
  guint64 mark;                    /* sh_facebook_usage_sent */
} ChunkRequest;

static void
chunk_free (Chunk *chunk)
{
  g_ptr_array_unref (chunk->tokens);
  g_ptr_array_unref (chunk->secrets);
  g_hash_table_unref (chunk->table);
  g_free (chunk);
}

static void
check_run_free (CheckRun *run)
{
  g_clear_signal_handler (&run->arrived_id, run->feed);
  g_clear_signal_handler (&run->closed_id, run->feed);
  g_clear_object (&run->feed);
  g_ptr_array_unref (run->tokens);
  g_hash_table_unref (run->wanted);
  g_ptr_array_unref (run->ready);
  g_hash_table_unref (run->verdicts);
  g_free (run->client_token);
  g_free (run);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Notes what the Graph said of @token, for ShChecker to apply. */
static void
apply (CheckRun                *run,
       ShToken                 *token,
       const ShFacebookVerdict *verdict)
{
  if (sh_token_state_is_verdict (verdict->state))
    run->summary.n_checked++;
  else
    run->summary.n_unknown++;
  g_hash_table_replace (run->verdicts, g_strdup (sh_token_get_id (token)),
                        sh_verdict_new (verdict->state, verdict->reason));
}

static void
apply_unknown (CheckRun      *run,
               Chunk         *chunk,
               ShTokenReason  reason)
{
  ShFacebookVerdict verdict = { SH_TOKEN_STATE_UNKNOWN, reason, -1, -1, FALSE };

  for (guint i = 0; i < chunk->tokens->len; i++)
    apply (run, g_ptr_array_index (chunk->tokens, i), &verdict);
}

static void pump (GTask *task);

/* The Graph app's usage memory: the planner counts every call of every
 * provider on the app (sh-facebook-usage.h). */
static ShFacebookUsage *
usage_of (GTask *task)
{
  return _sh_facebook_get_usage_memory (g_task_get_source_object (task));
}

static void
chunk_done (ChunkRequest *request)
{
  g_autoptr(GTask) task = request->task;
  CheckRun *run = g_task_get_task_data (task);

  sh_facebook_usage_answered (usage_of (task), request->calls, request->mark);
  chunk_free (request->chunk);
  g_free (request);
  run->in_flight--;
  pump (task);
}

static void
note_throttle (GTask                   *task,
               const ShFacebookVerdict *verdict)
{
  CheckRun *run = g_task_get_task_data (task);
  ShFacebookProvider *self = g_task_get_source_object (task);

  if (!verdict->throttled)
    return;
  run->stopped = TRUE;
  _sh_facebook_set_throttled_until (self, now_seconds () + THROTTLE_PAUSE);
}

typedef struct {
  ChunkRequest *request;
  ShToken      *token;
} Single;

static void
on_single (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Single *single = user_data;
  ChunkRequest *request = single->request;
  CheckRun *run = g_task_get_task_data (request->task);
  g_autoptr(ShHttpReply) reply = sh_http_client_finish (SH_HTTP_CLIENT (source), result);
  ShFacebookVerdict verdict;

  if (reply->status != 0)
    {
      sh_facebook_classify_response (reply->status, reply->body, reply->length, &verdict);
      apply (run, single->token, &verdict);
      note_throttle (request->task, &verdict);
    }
  else if (!g_error_matches (reply->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      verdict = (ShFacebookVerdict) { SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_NETWORK_ERROR,
                                       -1, -1, FALSE };
      apply (run, single->token, &verdict);
    }
  g_free (single);

  if (--request->pending == 0)
    chunk_done (request);
}

/* The batch failed as a whole: ask for each token alone. */
static void
send_singles (ChunkRequest *request)
{
  CheckRun *run = g_task_get_task_data (request->task);
  ShFacebookProvider *self = g_task_get_source_object (request->task);

  request->pending = request->chunk->tokens->len;
  request->calls += request->pending;
  sh_facebook_usage_sent (usage_of (request->task), request->pending);
  request->mark += request->pending;
  for (guint i = 0; i < request->chunk->tokens->len; i++)
    {
      Single *single = g_new0 (Single, 1);

      single->request = request;
      single->token = g_ptr_array_index (request->chunk->tokens, i);
      run->summary.n_requests++;
      sh_http_client_get_async (_sh_facebook_get_http (self), "/me?fields=id,name",
                                g_ptr_array_index (request->chunk->secrets, i),
                                g_task_get_cancellable (request->task), on_single, single);
    }
}

static void
on_batch (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  ChunkRequest *request = user_data;
  CheckRun *run = g_task_get_task_data (request->task);
  g_autoptr(ShHttpReply) reply = sh_http_client_finish (SH_HTTP_CLIENT (source), result);
  g_autoptr(GPtrArray) items = NULL;
  ShFacebookVerdict verdict;

  if (reply->status == 200)
    items = sh_facebook_parse_batch (reply->body, reply->length, NULL);
  /* Each Page's calls out: answered now, with its usage when the item
   * says it. */
  for (guint i = 0; i < request->chunk->tokens->len; i++)
    {
      ShFacebookBatchItem *item = items != NULL && items->len == request->chunk->tokens->len
                                  ? g_ptr_array_index (items, i) : NULL;

      sh_facebook_usage_page_answered (usage_of (request->task),
                                       sh_token_get_channel_id (g_ptr_array_index (request->chunk->tokens, i)),
                                       item != NULL ? item->business_usage : NULL,
                                       item != NULL && item->page_throttled);
    }

  if (reply->status == 0)
    {
      if (!g_error_matches (reply->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        apply_unknown (run, request->chunk, SH_TOKEN_REASON_NETWORK_ERROR);
      chunk_done (request);
      return;
    }

  if (items == NULL || items->len != request->chunk->tokens->len)
    {
      /* A throttle for the whole batch: stop, and no single requests on
       * top of it (they would only deepen the throttle). Any other failure
       * of the batch itself — 5xx, a temporary or unknown error code, a
       * refused batch token, HTML, an empty or cut body, the wrong number
       * of items — says nothing about the tokens in it: ask for each
       * alone, unless the run has been stopped meanwhile. */
      sh_facebook_classify_response (reply->status, reply->body, reply->length, &verdict);
      if (verdict.throttled || run->stopped)
        {
          note_throttle (request->task, &verdict);
          apply_unknown (run, request->chunk, verdict.throttled ? SH_TOKEN_REASON_RATE_LIMITED
                                                                : SH_TOKEN_REASON_SERVER_ERROR);
          chunk_done (request);
          return;
        }
      send_singles (request);
      return;
    }

  for (guint i = 0; i < items->len; i++)
    {
      ShFacebookBatchItem *item = g_ptr_array_index (items, i);
      ShToken *token = g_ptr_array_index (request->chunk->tokens, i);

      /* One Page's own limit (80001, 32) pauses that Page only: the token
       * waits with the Page's others, and the other Pages go on. */
      if (!item->is_null && item->page_throttled)
        {
          g_ptr_array_add (run->ready, g_object_ref (token));
          run->ready_sorted = FALSE;
          continue;
        }
      if (item->is_null)
        verdict = (ShFacebookVerdict) { SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                                        -1, -1, FALSE };
      else
        sh_facebook_classify_response (item->status, item->body, -1, &verdict);
      apply (run, token, &verdict);
      note_throttle (request->task, &verdict);
    }
  chunk_done (request);
}

static char *
build_batch (Chunk *chunk)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < chunk->tokens->len; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "method");
      json_builder_add_string_value (builder, "GET");
      json_builder_set_member_name (builder, "relative_url");
      json_builder_add_string_value (builder, "me?fields=id,name");
      json_builder_set_member_name (builder, "access_token");
      json_builder_add_string_value (builder, g_ptr_array_index (chunk->secrets, i));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
send_chunk (GTask *task,
            Chunk *chunk)
{
  CheckRun *run = g_task_get_task_data (task);
  ChunkRequest *request = g_new0 (ChunkRequest, 1);
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *batch = build_batch (chunk);

  request->task = g_object_ref (task);
  request->chunk = chunk;
  if (run->first_sent_at == 0)
    run->first_sent_at = now_seconds ();
  request->calls = chunk->tokens->len + 1;
  request->mark = sh_facebook_usage_sent (usage_of (task), request->calls);
  run->in_flight++;
  run->summary.n_requests++;

  /* The tokens travel in the form body, never in the URL. */
  g_hash_table_insert (form, "access_token", run->client_token);
  g_hash_table_insert (form, "batch", batch);
  /* The items' headers carry each Page's own usage
   * (X-Business-Use-Case-Usage): its budget is planned from them. */
  g_hash_table_insert (form, "include_headers", "true");
  sh_http_client_post_async (_sh_facebook_get_http (g_task_get_source_object (task)), "/", form,
                             g_task_get_cancellable (task), on_batch, request);
  memset (batch, 0, strlen (batch));
}

static gint
by_last_judged (gconstpointer a,
                gconstpointer b)
{
  gint64 x = sh_token_get_checked_at (*(ShToken **) a);
  gint64 y = sh_token_get_checked_at (*(ShToken **) b);

  return (x > y) - (x < y);
}

/* The next batch: the tokens judged longest ago among those whose secret
 * is in, but for Pages near their own budget (or paused by it), whose
 * tokens wait. NULL when every token waits for its Page. */
static Chunk *
take_chunk (GTask *task)
{
  CheckRun *run = g_task_get_task_data (task);
  ShFacebookUsage *usage = usage_of (task);
  GHashTable *secrets = sh_secret_feed_get_secrets (run->feed);
  Chunk *chunk;
  GPtrArray *held = g_ptr_array_new_with_free_func (g_object_unref);
  guint i;

  if (!run->ready_sorted)
    g_ptr_array_sort (run->ready, by_last_judged);
  run->ready_sorted = TRUE;
  chunk = g_new0 (Chunk, 1);
  chunk->tokens = g_ptr_array_new_with_free_func (g_object_unref);
  chunk->secrets = g_ptr_array_new ();
  chunk->table = g_hash_table_ref (secrets);
  for (i = 0; i < run->ready->len && chunk->tokens->len < SH_FACEBOOK_BATCH_SIZE; i++)
    {
      ShToken *token = g_ptr_array_index (run->ready, i);
      const char *page = sh_token_get_channel_id (token);
      ShSecret *secret = g_hash_table_lookup (secrets, sh_token_get_id (token));
      gint64 resume = 0;

      if (!sh_facebook_usage_page_allows (usage, page, &resume))
        {
          run->page_resume = MAX (run->page_resume, resume);
          g_ptr_array_add (held, g_object_ref (token));
          continue;
        }
      sh_facebook_usage_page_sent (usage, page);
      g_ptr_array_add (chunk->tokens, g_object_ref (token));
      g_ptr_array_add (chunk->secrets, secret->access_token);
    }
  /* What waits for its Page stays first in line, in the same order. */
  g_ptr_array_remove_range (run->ready, 0, i);
  g_ptr_array_extend_and_steal (held, g_steal_pointer (&run->ready));
  run->ready = held;
  if (chunk->tokens->len == 0)
    {
      chunk_free (chunk);
      return NULL;
    }
  return chunk;
}

/* The run is over: what was left for later, and when it will be judged. */
static void
finish (GTask *task)
{
  CheckRun *run = g_task_get_task_data (task);
  ShFacebookProvider *self = g_task_get_source_object (task);
  GHashTable *deferred = _sh_facebook_get_deferred (self);
  gint64 throttled_until = _sh_facebook_get_throttled_until (self);
  GTask *alive = g_steal_pointer (&run->alive);

  g_clear_signal_handler (&run->arrived_id, run->feed);
  g_clear_signal_handler (&run->closed_id, run->feed);
  /* This run's tokens leave the round (judged, or left again below); a
   * run of some channels, or one cancelled, leaves the others' places. */
  if (!g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    for (guint i = 0; i < run->tokens->len; i++)
      g_hash_table_remove (deferred, sh_token_get_id (g_ptr_array_index (run->tokens, i)));
  /* Left: for the app's budget, or for their Pages' own (page_resume). */
  if (run->ready->len > 0 && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      gint64 resume = !run->over_budget ? run->page_resume
                      : run->first_sent_at > 0 ? run->first_sent_at + USAGE_WINDOW
                      : now_seconds () + DEFER_PROBE;

      resume = MAX (resume, run->page_resume);
      if (resume <= now_seconds ())
        resume = now_seconds () + DEFER_PROBE;

      for (guint i = 0; i < run->ready->len; i++)
        g_hash_table_add (deferred, g_strdup (sh_token_get_id (g_ptr_array_index (run->ready, i))));
      run->summary.n_deferred = run->ready->len;
      run->summary.retry_at = MAX (resume, throttled_until);
      run->summary.deferred_until = run->summary.retry_at + CONTINUATION_TIME;
    }
  /* When the Graph takes requests again: the monitor's next try. */
  else if (throttled_until > now_seconds ())
    run->summary.retry_at = throttled_until;
  sh_provider_return_check (task, &run->summary, run->verdicts);
  g_object_unref (alive);
}

/* Sends what may be sent now and finishes the run when all is answered. */
static void
pump (GTask *task)
{
  CheckRun *run = g_task_get_task_data (task);
  ShFacebookProvider *self = g_task_get_source_object (task);
  gboolean fresh, closed;
  guint usage = _sh_facebook_get_usage (self, &fresh);
  guint parallel = SH_FACEBOOK_PARALLEL_BATCHES;

  if (run->alive == NULL)
    return;
  closed = sh_secret_feed_is_closed (run->feed);
  /* Without recent usage headers (a new process, a long pause) one batch
   * goes first, and its answer's headers decide how the rest go. */
  if (!fresh || usage >= USAGE_SLOW_DOWN)
    parallel = 1;
  if (fresh && usage >= USAGE_STOP)
    run->over_budget = TRUE;
  /* An answer may have asked for a pause (estimated_time_to_regain_access). */
  if (_sh_facebook_get_throttled_until (self) > now_seconds ())
    run->stopped = TRUE;

  if (run->stopped || g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      if (run->stopped && run->ready->len > 0)
        {
          Chunk rest = { run->ready, NULL };

          apply_unknown (run, &rest, SH_TOKEN_REASON_RATE_LIMITED);
        }
      g_ptr_array_set_size (run->ready, 0);
    }
  else if (!run->over_budget)
    /* A batch of 50 while the keyring still reads, the last one as it is.
     * Once the budget is known to be tight, the oldest-judged of all go
     * first: then a batch waits for every secret. */
    while (run->in_flight < parallel && run->ready->len > 0 &&
           (closed || (run->ready->len >= SH_FACEBOOK_BATCH_SIZE &&
                       (!fresh || usage < USAGE_SLOW_DOWN))))
      {
        /* The batch that would pass USAGE_STOP waits for the answers out;
         * with none out, the rest is for later. */
        Chunk *chunk;

        if (fresh && !sh_facebook_usage_allows (usage_of (task),
                                                MIN (run->ready->len, SH_FACEBOOK_BATCH_SIZE) + 1))
          {
            if (run->in_flight == 0)
              run->over_budget = TRUE;
            break;
          }
        /* None whose Page may take another call: those wait. */
        if ((chunk = take_chunk (task)) == NULL)
          break;
        send_chunk (task, chunk);
      }

  /* Everything answered: what is still in line waits for a budget. */
  if (closed && run->in_flight == 0)
    finish (task);
}

static void
on_arrived (ShSecretFeed *feed,
            GPtrArray    *ids,
            gpointer      user_data)
{
  GTask *task = user_data;
  CheckRun *run = g_task_get_task_data (task);
  GHashTable *secrets = sh_secret_feed_get_secrets (feed);

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      ShToken *token = g_hash_table_lookup (run->wanted, id);
      ShSecret *secret = g_hash_table_lookup (secrets, id);

      if (token == NULL || secret == NULL || secret->access_token == NULL)
        continue;
      g_hash_table_remove (run->wanted, id);
      /* A token stored before it was checked (a Page token with a line
       * break from an older version): no request can carry it — a header
       * would refuse it — and no network would take it. */
      if (sh_token_syntax_judge (secret->access_token, strlen (secret->access_token)) !=
          SH_TOKEN_SYNTAX_OK)
        {
          ShFacebookVerdict broken = { SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_INVALID_TOKEN,
                                       -1, -1, FALSE };

          apply (run, token, &broken);
          continue;
        }
      g_ptr_array_add (run->ready, g_object_ref (token));
      run->ready_sorted = FALSE;
    }
  pump (task);
}

static void
on_closed (ShSecretFeed *feed,
           gpointer      user_data)
{
  pump (user_data);
}

void
_sh_facebook_check_feed_async (ShProvider          *provider,
                               GPtrArray           *tokens,
                               ShSecretFeed        *feed,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (provider, cancellable, callback, user_data);
  GHashTable *deferred = _sh_facebook_get_deferred (SH_FACEBOOK_PROVIDER (provider));
  gboolean round_open = g_hash_table_size (deferred) > 0;
  CheckRun *run = g_new0 (CheckRun, 1);

  g_task_set_source_tag (task, _sh_facebook_check_feed_async);
  run->feed = g_object_ref (feed);
  run->alive = task;
  run->tokens = g_ptr_array_ref (tokens);
  run->wanted = g_hash_table_new (g_str_hash, g_str_equal);
  run->ready = g_ptr_array_new_with_free_func (g_object_unref);
  run->verdicts = sh_verdicts_new ();
  run->client_token = _sh_facebook_client_token ();
  g_task_set_task_data (task, run, (GDestroyNotify) check_run_free);

  /* Without a client token the batch has no top-level token to ride on. */
  if (run->client_token == NULL)
    {
      run->alive = NULL;
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_NOT_CONFIGURED,
                               _("No Facebook app is configured"));
      g_object_unref (task);
      return;
    }

  for (guint i = 0; i < tokens->len; i++)
    {
      ShToken *token = g_ptr_array_index (tokens, i);

      /* A round left tokens for later: this check is for them (and for
       * tokens without a verdict from the last hour); the others were
       * judged within it. */
      if (round_open && !g_hash_table_contains (deferred, sh_token_get_id (token)) &&
          sh_token_get_checked_at (token) > now_seconds () - USAGE_WINDOW &&
          sh_token_get_state (token) != SH_TOKEN_STATE_UNKNOWN)
        continue;
      g_hash_table_insert (run->wanted, (gpointer) sh_token_get_id (token), token);
    }

  run->arrived_id = g_signal_connect (feed, "arrived", G_CALLBACK (on_arrived), task);
  run->closed_id = g_signal_connect (feed, "closed", G_CALLBACK (on_closed), task);
  /* Secrets in already, or the feed closed: throttled recently, pump sends
   * nothing until the pause is over. */
  if (sh_secret_feed_get_secrets (feed) != NULL)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();
      GHashTableIter iter;
      gpointer id;

      g_hash_table_iter_init (&iter, run->wanted);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        g_ptr_array_add (ids, id);
      on_arrived (feed, ids, task);
    }
  else
    pump (task);
}

void
_sh_facebook_check_async (ShProvider          *provider,
                          GPtrArray           *tokens,
                          GHashTable          *secrets,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(ShSecretFeed) feed = sh_secret_feed_new ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  /* All secrets at hand: a feed that has them all and is closed. */
  for (guint i = 0; i < tokens->len; i++)
    g_ptr_array_add (ids, (gpointer) sh_token_get_id (g_ptr_array_index (tokens, i)));
  sh_secret_feed_push (feed, secrets, ids);
  sh_secret_feed_close (feed);
  _sh_facebook_check_feed_async (provider, tokens, feed, cancellable, callback, user_data);
}
