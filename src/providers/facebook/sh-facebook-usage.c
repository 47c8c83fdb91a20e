/* sh-facebook-usage.c — the Graph's usage headers, remembered once per
 * Graph app, and the budget planned from them. */
#include "config.h"

#include "sh-facebook-classify.h"
#include "sh-facebook-usage.h"

/* The Graph counts usage over a rolling hour: a call weighs for an hour
 * (and a minute, for clocks and whole seconds). */
#define USAGE_WINDOW   (3600 + 60)
/* A Page throttle without estimated_time_to_regain_access. */
#define THROTTLE_PAUSE (5 * 60)
/* Calls out at once for a Page whose usage is not known (lately): a
 * batch's worth (the Graph's 50), whose answers tell how it stands. */
#define PAGE_PROBE     50

/* app id → ShFacebookUsage, not owned: a memory leaves when its last
 * client does, so that a new client alone starts as a new process would. */
static GHashTable *shared;

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
noted_recently (gint64 noted_at)
{
  return noted_at != 0 &&
         g_get_monotonic_time () - noted_at < (gint64) SH_FACEBOOK_USAGE_MAX_AGE * G_USEC_PER_SEC;
}

ShFacebookUsage *
sh_facebook_usage_share (const char *app_id,
                         gboolean    fresh)
{
  ShFacebookUsage *usage;

  if (app_id == NULL)
    app_id = "";
  if (shared == NULL)
    shared = g_hash_table_new (g_str_hash, g_str_equal);
  usage = g_hash_table_lookup (shared, app_id);
  if (usage != NULL && !fresh)
    return sh_facebook_usage_ref (usage);
  usage = g_new0 (ShFacebookUsage, 1);
  usage->ref_count = 1;
  usage->app_id = g_strdup (app_id);
  usage->pages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_replace (shared, usage->app_id, usage);
  return usage;
}

ShFacebookUsage *
sh_facebook_usage_ref (ShFacebookUsage *usage)
{
  usage->ref_count++;
  return usage;
}

void
sh_facebook_usage_unref (ShFacebookUsage *usage)
{
  if (usage == NULL || --usage->ref_count > 0)
    return;
  /* A fresher memory of the app may have taken its place. */
  if (g_hash_table_lookup (shared, usage->app_id) == usage)
    g_hash_table_remove (shared, usage->app_id);
  g_hash_table_unref (usage->pages);
  g_free (usage->app_id);
  g_free (usage);
}

void
sh_facebook_usage_note (ShFacebookUsage   *usage,
                        const ShHttpReply *reply)
{
  const char *app_usage = sh_http_reply_get_header (reply, "X-App-Usage");

  /* Only the app's own header speaks for the app. A reply's
   * X-Business-Use-Case-Usage is one Page's budget (a single request made
   * with a Page token): taken as the app's, one busy Page would hold back
   * every Page's and Instagram account's check. Pages are planned from the
   * batch items' headers (sh_facebook_usage_page_answered). */
  if (app_usage == NULL)
    return;
  /* Headers gone stale say nothing of how the usage grows now. */
  if (!sh_facebook_usage_is_fresh (usage))
    {
      usage->have_base = FALSE;
      usage->last_usage = 0;
    }
  usage->percent = sh_facebook_parse_usage (app_usage, NULL, NULL);
  usage->noted_at = g_get_monotonic_time ();
}

gboolean
sh_facebook_usage_is_fresh (const ShFacebookUsage *usage)
{
  return noted_recently (usage->noted_at);
}

void
sh_facebook_usage_pause_until (ShFacebookUsage *usage,
                               gint64           until)
{
  usage->throttled_until = MAX (usage->throttled_until, until);
}

void
sh_facebook_usage_age (ShFacebookUsage *usage,
                       guint            seconds)
{
  GHashTableIter iter;
  gpointer value;

  if (usage->noted_at != 0)
    usage->noted_at -= (gint64) seconds * G_USEC_PER_SEC;
  g_hash_table_iter_init (&iter, usage->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ShFacebookPageUsage *page = value;

      if (page->noted_at != 0)
        page->noted_at -= (gint64) seconds * G_USEC_PER_SEC;
      page->first_sent_at -= page->first_sent_at != 0 ? seconds : 0;
      page->paused_until -= page->paused_until != 0 ? seconds : 0;
    }
}

/* ---- the app's budget ------------------------------------------------------ */

guint64
sh_facebook_usage_sent (ShFacebookUsage *usage,
                        guint            calls)
{
  usage->calls_sent += calls;
  return usage->calls_answered + calls;
}

/* How many calls a percent of the budget is, from how the usage grew over
 * the answers. An answer's usage counts the calls the Graph had when it
 * took the request, and parallel requests are taken and answered in any
 * order: what it surely had is @mark (sh_facebook_usage_sent). Counting no
 * more than that, and a percent more than the header's whole number, errs
 * on the side of the budget. Two percents apart at least before it counts. */
void
sh_facebook_usage_answered (ShFacebookUsage *usage,
                            guint            calls,
                            guint64          mark)
{
  usage->calls_answered += calls;
  if (!sh_facebook_usage_is_fresh (usage) || mark <= usage->last_mark)
    return;
  usage->last_mark = mark;
  usage->last_usage = usage->percent;
  if (!usage->have_base)
    {
      usage->have_base = TRUE;
      usage->base_usage = usage->percent;
      usage->base_mark = mark;
    }
  else if (usage->percent >= usage->base_usage + 2)
    /* The headers round down: the growth may be almost a percent more. */
    usage->calls_per_percent = (double) (mark - usage->base_mark) /
                               (usage->percent - usage->base_usage + 1);
}

gboolean
sh_facebook_usage_allows (ShFacebookUsage *usage,
                          guint            calls)
{
  double after;

  if (!sh_facebook_usage_is_fresh (usage))
    return TRUE;
  if (usage->calls_per_percent <= 0)
    return usage->percent < SH_FACEBOOK_USAGE_STOP;
  after = MAX (usage->percent, usage->last_usage) +
          (usage->calls_sent - usage->last_mark + calls) / usage->calls_per_percent;
  return after <= SH_FACEBOOK_USAGE_STOP;
}

/* ---- a Page's budget ------------------------------------------------------- */

ShFacebookPageUsage *
sh_facebook_usage_page (ShFacebookUsage *usage,
                        const char      *page)
{
  ShFacebookPageUsage *state = g_hash_table_lookup (usage->pages, page);

  if (state == NULL)
    {
      state = g_new0 (ShFacebookPageUsage, 1);
      g_hash_table_insert (usage->pages, g_strdup (page), state);
    }
  return state;
}

void
sh_facebook_usage_page_sent (ShFacebookUsage *usage,
                             const char      *page)
{
  ShFacebookPageUsage *state = sh_facebook_usage_page (usage, page);

  if (state->first_sent_at == 0 || state->first_sent_at + USAGE_WINDOW < now_seconds ())
    state->first_sent_at = now_seconds ();
  state->sent++;
}

/* As for the app (sh_facebook_usage_answered), counting the Page's calls
 * answered: fewer than the Graph may have had, which errs low. */
void
sh_facebook_usage_page_answered (ShFacebookUsage *usage,
                                 const char      *page,
                                 const char      *business_usage,
                                 gboolean         throttled)
{
  ShFacebookPageUsage *state = sh_facebook_usage_page (usage, page);
  guint regain = 0;
  guint percent;

  state->answered = MIN (state->answered + 1, state->sent);
  if (business_usage != NULL)
    {
      percent = sh_facebook_parse_usage (NULL, business_usage, &regain);
      if (!noted_recently (state->noted_at))
        state->have_base = FALSE;
      /* Parallel batches come back in any order: the highest usage is the
       * one that counted every call answered so far. */
      state->percent = state->have_base ? MAX (state->percent, percent) : percent;
      percent = state->percent;
      state->noted_at = g_get_monotonic_time ();
      if (!state->have_base)
        {
          state->have_base = TRUE;
          state->base_percent = percent;
          state->base_answered = state->answered;
        }
      else if (percent >= state->base_percent + 2)
        state->calls_per_percent = (double) (state->answered - state->base_answered) /
                                   (percent - state->base_percent + 1);
      /* Our calls since the headers were fresh are all in the Page's hour
       * and in its usage: a percent is at most this many calls. */
      state->calls_per_percent_at_most = (double) (state->answered - state->base_answered + 1) /
                                         (percent + 1);
    }
  if (throttled || regain > 0)
    state->paused_until = MAX (state->paused_until,
                               now_seconds () + (regain > 0 ? (gint64) regain * 60
                                                            : THROTTLE_PAUSE));
}

gboolean
sh_facebook_usage_page_allows (ShFacebookUsage *usage,
                               const char      *page,
                               gint64          *out_resume)
{
  ShFacebookPageUsage *state = g_hash_table_lookup (usage->pages, page);
  guint out;
  double per_percent;
  gboolean allowed;

  if (state == NULL)
    return TRUE;
  if (state->paused_until > now_seconds ())
    {
      if (out_resume != NULL)
        *out_resume = state->paused_until;
      return FALSE;
    }
  out = state->sent - state->answered;
  /* Not heard of lately: a few calls, whose answers tell how it stands. */
  if (!noted_recently (state->noted_at))
    return out < PAGE_PROBE;
  /* Before the growth is learnt, what the usage surely allows: erring on
   * the side of the budget either way. */
  per_percent = state->calls_per_percent_at_most;
  if (state->calls_per_percent > 0)
    per_percent = MIN (per_percent, state->calls_per_percent);
  allowed = state->percent + (out + 1) / per_percent <= SH_FACEBOOK_USAGE_STOP;
  if (!allowed && out_resume != NULL)
    *out_resume = state->first_sent_at + USAGE_WINDOW;
  return allowed;
}
