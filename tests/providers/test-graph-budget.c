/* test-graph-budget.c — the Graph app's budget shared by the Facebook and
 * Instagram providers, and each Page's own budget (issue 18, item 4),
 * against the in-process emulator, with a real keyring. */
#include "config.h"

#include "provider-test.h"
#include "sh-facebook-private.h"
#include "sh-instagram-provider.h"
#include "sh-provider-registry.h"
#include "sh-providers.h"
#include "test-util.h"
#include "sh-time-format.h"

#define ADMIN "30001"

typedef ShProviderFixture Fixture;

/* The Facebook provider (@fixture->provider) and a person who runs every
 * Page; the Instagram provider where a test adds it. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  sh_provider_fixture_set_up (fixture, SH_TYPE_FACEBOOK_PROVIDER);
  sh_sandbox_world_add_person (fixture->world, ADMIN, "Agency Admin");
}

/* As before the fixture was shared, the budget tests look at no URL. */
static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sh_provider_fixture_tear_down (fixture, NULL);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* A Page of the world with @n tokens of its own (each of another person:
 * a person's new token replaces their old one), judged long ago in the
 * order @judged_at, @judged_at + @step, …; the tokens, in that order. */
static GPtrArray *
add_page (Fixture    *fixture,
          const char *page_id,
          guint       n,
          gint64      judged_at,
          gint64      step)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_object_unref);

  sh_sandbox_world_add_page (fixture->world, page_id, page_id, ADMIN);
  for (guint i = 0; i < n; i++)
    {
      ShSandboxToken *issued = sh_sandbox_world_issue_token (fixture->world,
                                                             SH_SANDBOX_TOKEN_FB_PAGE, ADMIN,
                                                             page_id, 0, NULL);
      g_autofree char *owner_id = g_strdup_printf ("4%s%03u", page_id, i);
      g_autofree char *owner_name = g_strdup_printf ("Admin %u", i);
      ShToken *token = sh_test_file_page_token (fixture->manager, page_id, page_id, owner_id,
                                                owner_name, issued->value);

      sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE,
                              judged_at + (gint64) i * step, 0);
      g_ptr_array_add (tokens, token);
    }
  return tokens;
}

static guint
count_judged_since (GPtrArray *tokens,
                    gint64     since)
{
  guint n = 0;

  for (guint i = 0; i < tokens->len; i++)
    {
      ShToken *token = g_ptr_array_index (tokens, i);

      /* Left for later: no verdict, nothing marked. */
      g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_VALID);
      if (sh_token_get_checked_at (token) >= since)
        n++;
    }
  return n;
}

/* ---- one usage memory per Graph app ---------------------------------------------- */

/* The Pages' check, then the Instagram accounts' (the same Graph app): the
 * Instagram batches are planned with what the Pages' check learnt, and
 * counted with it, so that the app's usage never passes 90 %. With a
 * memory of its own the Instagram provider knew nothing of the Pages'
 * check: its first batch went (78 % + 51 calls of 400 = 91 %). */
static void
test_one_memory_per_app (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  ShCheckSummary summary;
  gint64 started = now_seconds ();

  sh_provider_fixture_add_provider (fixture, SH_TYPE_INSTAGRAM_PROVIDER);
  for (guint p = 0; p < 150; p++)
    {
      g_autofree char *page_id = g_strdup_printf ("7%05u", p);
      g_autofree char *ig_id = g_strdup_printf ("178%05u", p);
      g_autofree char *username = g_strdup_printf ("shop%u", p);

      g_ptr_array_add (all, add_page (fixture, page_id, 1, started - 86400, 0));
      g_assert_true (sh_sandbox_world_link_instagram (fixture->world, page_id, ig_id, username));
    }
  /* 400 calls an hour, 160 of them spent elsewhere; then 150 Page tokens
   * (153 calls: 78 %) and a look at each of the 150 Pages for its
   * Instagram account (153 more). */
  sh_sandbox_world_advance (fixture->world, 3600);
  sh_sandbox_world_set_hourly_budget (fixture->world, 400);
  for (guint i = 0; i < 160; i++)
    sh_sandbox_world_count_graph_call (fixture->world);

  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (summary.n_unknown, ==, 0);
  g_assert_cmpuint (summary.n_checked, ==, 150);
  g_assert_cmpuint (sh_sandbox_world_get_usage_peak (fixture->world), <=, 90);
}

/* ---- per-Page budgets ---------------------------------------------------------- */

/* Two Pages, one near its own limit (60 calls an hour): the items carry
 * each Page's X-Business-Use-Case-Usage, the hot Page's further tokens are
 * left for later (no verdict, nothing marked) and the other Page's tokens
 * are all judged. Before, the hot Page's limit (80001) stopped the whole
 * run and the other Page's tokens read "rate limited". */
static void
test_page_near_its_limit (Fixture       *fixture,
                          gconstpointer  data)
{
  gint64 started = now_seconds ();
  /* Judged long ago, the two Pages' tokens in turn (the oldest-judged go
   * first, among the secrets in). */
  g_autoptr(GPtrArray) hot = add_page (fixture, "810001", 100, started - 86400, 2);
  g_autoptr(GPtrArray) calm = add_page (fixture, "810002", 100, started - 86400 + 1, 2);
  ShCheckSummary summary;
  guint n_hot, peak;
  g_autofree char *said = NULL;
  g_autofree char *when = NULL;
  g_autofree char *expected = NULL;

  sh_sandbox_world_set_page_budget (fixture->world, "810001", 60);
  summary = sh_test_check_all (fixture->manager);

  g_assert_cmpuint (count_judged_since (calm, started), ==, 100);
  n_hot = count_judged_since (hot, started);
  sh_sandbox_world_get_page_usage (fixture->world, "810001", &peak);
  g_assert_cmpuint (peak, <=, 90);
  g_assert_cmpuint (n_hot, >=, 25);
  g_assert_cmpuint (n_hot, <, 60);
  g_assert_cmpuint (summary.n_unknown, ==, 0);
  g_assert_cmpuint (summary.n_checked, ==, 100 + n_hot);
  g_assert_cmpuint (summary.n_deferred, ==, 100 - n_hot);
  /* The hot Page's calls leave its hour an hour (and a minute) on. */
  g_assert_cmpint (summary.retry_at, >=, started + 3600);
  g_assert_cmpint (summary.retry_at, <=, now_seconds () + 3600 + 60);
  when = sh_time_format_moment ((summary.deferred_until + 59) / 60 * 60, now_seconds ());
  expected = g_strdup_printf ("%u checked, %u more by %s", 100 + n_hot, 100 - n_hot, when);
  said = sh_checker_describe_deferred (&summary);
  g_assert_cmpstr (said, ==, expected);

  /* Right after, the check is for the hot Page's rest only, and they wait. */
  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (summary.n_checked, ==, 0);
  g_assert_cmpuint (summary.n_unknown, ==, 0);
  g_assert_cmpuint (summary.n_deferred, ==, 100 - n_hot);
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 0);

  /* An hour later the Page's hour has rolled on: the rest is judged. */
  sh_sandbox_world_advance (fixture->world, 3660);
  _sh_facebook_age_usage (SH_FACEBOOK_PROVIDER (fixture->provider), 3660);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (summary.n_checked, ==, 100 - n_hot);
  g_assert_cmpuint (summary.n_deferred, ==, 0);
  g_assert_cmpuint (count_judged_since (hot, started), ==, 100);
}

/* A Page past its own limit answers 80001 with
 * estimated_time_to_regain_access: that Page's tokens wait until then, the
 * other Page's are all judged. */
static void
test_page_limit_pauses_that_page (Fixture       *fixture,
                                  gconstpointer  data)
{
  gint64 started = now_seconds ();
  g_autoptr(GPtrArray) limited = add_page (fixture, "820001", 30, started - 86400, 2);
  g_autoptr(GPtrArray) other = add_page (fixture, "820002", 30, started - 86400 + 1, 2);
  ShCheckSummary summary;
  guint n_limited;

  /* Ten calls an hour: the first batch (one alone, as in a new process)
   * already passes it. */
  sh_sandbox_world_set_page_budget (fixture->world, "820001", 10);
  summary = sh_test_check_all (fixture->manager);

  g_assert_cmpuint (count_judged_since (other, started), ==, 30);
  n_limited = count_judged_since (limited, started);
  g_assert_cmpuint (n_limited, ==, 10);
  g_assert_cmpuint (summary.n_unknown, ==, 0);
  g_assert_cmpuint (summary.n_deferred, ==, 20);
  /* Until the Page regains access: its hour began with this check. */
  g_assert_cmpint (summary.retry_at, >=, started + 3600 - 60);
  g_assert_cmpint (summary.retry_at, <=, now_seconds () + 3600 + 60);
}

/* ---- a Page's header at the top of an answer is not the app's ----------- */

static ShHttpReply *
reply_with (const char *name,
            const char *value)
{
  ShHttpReply *reply = g_new0 (ShHttpReply, 1);

  reply->status = 200;
  reply->body = g_strdup ("{}");
  reply->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  soup_message_headers_append (reply->headers, name, value);
  return reply;
}

/* A single request made with a Page token (adding a Page, a batch's
 * fallback to single requests) carries that Page's
 * X-Business-Use-Case-Usage at the top: one busy or throttled Page must not
 * hold back every other Page's and Instagram account's check. The app's
 * own X-App-Usage still does. */
static void
test_page_header_is_not_the_apps (void)
{
  g_autoptr(ShFacebookUsage) usage = sh_facebook_usage_share ("graph-budget-test", TRUE);
  g_autoptr(ShHttpReply) page = reply_with ("X-Business-Use-Case-Usage",
                                            "{\"820001\":[{\"type\":\"pages\",\"call_count\":97,"
                                            "\"total_cputime\":10,\"total_time\":10,"
                                            "\"estimated_time_to_regain_access\":30}]}");
  g_autoptr(ShHttpReply) app = reply_with ("X-App-Usage",
                                           "{\"call_count\":95,\"total_time\":5,\"total_cputime\":5}");

  sh_facebook_usage_note (usage, page);
  g_assert_true (sh_facebook_usage_allows (usage, 50));
  g_assert_cmpint (usage->throttled_until, ==, 0);

  sh_facebook_usage_note (usage, app);
  g_assert_false (sh_facebook_usage_allows (usage, 50));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  sh_providers_register ();

#define ADD(name, fn) \
  g_test_add ("/graph-budget/" name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("one-memory-per-app", test_one_memory_per_app);
  ADD ("page-near-its-limit", test_page_near_its_limit);
  ADD ("page-limit-pauses-that-page", test_page_limit_pauses_that_page);
#undef ADD
  g_test_add_func ("/graph-budget/page-header-is-not-the-apps", test_page_header_is_not_the_apps);

  return g_test_run ();
}
