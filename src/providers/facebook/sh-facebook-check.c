/* sh-facebook-check.c — checking many Page tokens in Graph batches.
 *
 * Tokens go 50 to a batch (the Graph's limit), each item with its own token,
 * up to SH_FACEBOOK_PARALLEL_BATCHES in flight on one keep-alive session.
 * Only a batch that itself fails with an answer we cannot use (5xx, an error
 * code that is not a throttle, HTML, a cut or malformed body) is retried as
 * single requests; a transport failure is not retried here, since single
 * requests would fail the same way, and neither is a throttle. Every item is
 * judged by sh_facebook_classify_*; anything that is not an auth answer
 * leaves the token unknown with a reason and its last verdict. The usage
 * headers slow the run down before Facebook throttles it (one batch at a
 * time from USAGE_SLOW_DOWN, none from USAGE_STOP; one batch first when no
 * recent headers are known), and a throttle code stops it.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <glib/gi18n.h>

#include "sh-error.h"
#include "sh-facebook-classify.h"
#include "sh-facebook-private.h"
#include "sh-token-syntax.h"

/* Above this share of a budget: one batch at a time. Above the second: no
 * more requests in this run. */
#define USAGE_SLOW_DOWN 75
#define USAGE_STOP      90
#define THROTTLE_PAUSE  (5 * 60)

typedef struct {
  GPtrArray *tokens;    /* ShToken, this chunk's */
  GPtrArray *secrets;   /* const char * access tokens, borrowed from the run */
} Chunk;

typedef struct {
  GPtrArray      *chunks;          /* Chunk, not yet sent */
  guint           next_chunk;
  guint           in_flight;
  gboolean        stopped;         /* throttled: send nothing more */
  GHashTable     *secrets;         /* token id → ShSecret (ref) */
  ShCheckSummary  summary;
  GHashTable     *verdicts;        /* token id → ShVerdict */
  char           *client_token;
} CheckRun;

typedef struct {
  GTask *task;
  Chunk *chunk;
  guint  pending;                  /* single requests still out */
} ChunkRequest;

static void
chunk_free (Chunk *chunk)
{
  g_ptr_array_unref (chunk->tokens);
  g_ptr_array_unref (chunk->secrets);
  g_free (chunk);
}

static void
check_run_free (CheckRun *run)
{
  g_ptr_array_unref (run->chunks);
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

static void
chunk_done (ChunkRequest *request)
{
  g_autoptr(GTask) task = request->task;
  CheckRun *run = g_task_get_task_data (task);

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

  if (reply->status == 0)
    {
      if (!g_error_matches (reply->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        apply_unknown (run, request->chunk, SH_TOKEN_REASON_NETWORK_ERROR);
      chunk_done (request);
      return;
    }

  if (reply->status == 200)
    items = sh_facebook_parse_batch (reply->body, reply->length, NULL);

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

      if (item->is_null)
        verdict = (ShFacebookVerdict) { SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                                        -1, -1, FALSE };
      else
        sh_facebook_classify_response (item->status, item->body, -1, &verdict);
      apply (run, g_ptr_array_index (request->chunk->tokens, i), &verdict);
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
  run->in_flight++;
  run->summary.n_requests++;

  /* The tokens travel in the form body, never in the URL. */
  g_hash_table_insert (form, "access_token", run->client_token);
  g_hash_table_insert (form, "batch", batch);
  g_hash_table_insert (form, "include_headers", "false");
  sh_http_client_post_async (_sh_facebook_get_http (g_task_get_source_object (task)), "/", form,
                             g_task_get_cancellable (task), on_batch, request);
  memset (batch, 0, strlen (batch));
}

/* Sends what may be sent now and finishes the run when all is answered. */
static void
pump (GTask *task)
{
  CheckRun *run = g_task_get_task_data (task);
  ShFacebookProvider *self = g_task_get_source_object (task);
  gboolean fresh;
  guint usage = _sh_facebook_get_usage (self, &fresh);
  guint parallel = SH_FACEBOOK_PARALLEL_BATCHES;

  /* Without recent usage headers (a new process, a long pause) one batch
   * goes first, and its answer's headers decide how the rest go. */
  if (!fresh || usage >= USAGE_SLOW_DOWN)
    parallel = 1;
  if (fresh && usage >= USAGE_STOP)
    run->stopped = TRUE;
  /* An answer may have asked for a pause (estimated_time_to_regain_access). */
  if (_sh_facebook_get_throttled_until (self) > now_seconds ())
    run->stopped = TRUE;

  while (run->next_chunk < run->chunks->len && run->in_flight < parallel)
    {
      Chunk *chunk = g_ptr_array_index (run->chunks, run->next_chunk++);

      if (run->stopped || g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        {
          if (run->stopped)
            apply_unknown (run, chunk, SH_TOKEN_REASON_RATE_LIMITED);
          continue;
        }
      send_chunk (task, chunk);
    }

  if (run->in_flight == 0 && run->next_chunk >= run->chunks->len)
    {
      /* When the Graph takes requests again: the monitor's next try. */
      if (_sh_facebook_get_throttled_until (self) > now_seconds ())
        run->summary.retry_at = _sh_facebook_get_throttled_until (self);
      sh_provider_return_check (task, &run->summary, run->verdicts);
    }
}

void
_sh_facebook_check_async (ShProvider          *provider,
                          GPtrArray           *tokens,
                          GHashTable          *secrets,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  CheckRun *run = g_new0 (CheckRun, 1);
  Chunk *chunk = NULL;

  g_task_set_source_tag (task, _sh_facebook_check_async);
  run->chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) chunk_free);
  run->secrets = g_hash_table_ref (secrets);
  run->verdicts = sh_verdicts_new ();
  run->client_token = _sh_facebook_client_token ();
  g_task_set_task_data (task, run, (GDestroyNotify) check_run_free);

  for (guint i = 0; i < tokens->len; i++)
    {
      ShToken *token = g_ptr_array_index (tokens, i);
      ShSecret *secret = g_hash_table_lookup (secrets, sh_token_get_id (token));

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
      if (chunk == NULL || chunk->tokens->len == SH_FACEBOOK_BATCH_SIZE)
        {
          chunk = g_new0 (Chunk, 1);
          chunk->tokens = g_ptr_array_new_with_free_func (g_object_unref);
          chunk->secrets = g_ptr_array_new ();
          g_ptr_array_add (run->chunks, chunk);
        }
      g_ptr_array_add (chunk->tokens, g_object_ref (token));
      g_ptr_array_add (chunk->secrets, secret->access_token);
    }

  /* Without a client token the batch has no top-level token to ride on. */
  if (run->client_token == NULL)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_NOT_CONFIGURED,
                               _("No Facebook app is configured"));
      return;
    }

  /* Throttled recently: pump sends nothing until the pause is over. */
  pump (task);
}
