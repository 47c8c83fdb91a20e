/* test-facebook-classify.c — the pure judgement of Graph answers
 * (sh-facebook-classify.c) pinned to the error table of docs/network-behaviour.md and the
 * states and reasons of ARCHITECTURE.md.
 *
 * Only code 190 and the permission codes may give a token a verdict other
 * than valid; throttle codes, temporary and unknown codes, bodies that are not
 * JSON, empty or cut, and HTTP statuses alone never do. Batch answers and the
 * usage headers are parsed defensively.
 */
#include "config.h"

#include <string.h>

#include "sh-error.h"
#include "sh-facebook-classify.h"

typedef struct {
  int           code;
  int           subcode;
  ShTokenState  state;
  ShTokenReason reason;
  gboolean      throttled;
} ErrorCase;

/* docs/network-behaviour.md, "Errors": every row of the table. */
static const ErrorCase error_table[] = {
  { 190, 463, SH_TOKEN_STATE_EXPIRED, SH_TOKEN_REASON_EXPIRED, FALSE },
  { 190, 460, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PASSWORD_CHANGED, FALSE },
  { 190, 458, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_APP_REMOVED, FALSE },
  { 190, 459, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_CHECKPOINT, FALSE },
  { 190, 464, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_UNCONFIRMED_USER, FALSE },
  { 190, 467, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_INVALID_TOKEN, FALSE },
  { 190, 492, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_ROLE_LOST, FALSE },
  { 190,  -1, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_INVALID_TOKEN, FALSE },
  { 190, 493, SH_TOKEN_STATE_EXPIRED, SH_TOKEN_REASON_EXPIRED, FALSE },
  /* A 190 with a subcode the table does not know is still a dead session. */
  { 190, 12345, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_INVALID_TOKEN, FALSE },
  { 102,  -1, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_INVALID_TOKEN, FALSE },
  {  10,  -1, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PERMISSION_MISSING, FALSE },
  { 200,  -1, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PERMISSION_MISSING, FALSE },
  { 230,  -1, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PERMISSION_MISSING, FALSE },
  { 299,  -1, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PERMISSION_MISSING, FALSE },
  /* Throttles: not the token's fault. */
  {   4,  -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED, TRUE },
  {  17,  -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED, TRUE },
  {  32,  -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED, TRUE },
  { 613,  -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED, TRUE },
  { 80001, -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED, TRUE },
  /* Temporary or service errors. */
  {   1,  -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE },
  {   2,  -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE },
  { 341,  -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE },
  { 368,  -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE },
  /* Codes the table does not name: no verdict. */
  {   0,  -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE },
  {   3,  -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE },
  {   9,  -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE },
  {  31, 1349174, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE },
  { 100,  33, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE },
  { 199,  -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE },
  { 300,  -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE },
  { 2500, -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE },
  {  -5,  -1, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE },
  /* The subcode alone decides nothing outside 190. */
  { 100, 460, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE },
};

static void
assert_verdict (const ShFacebookVerdict *got,
                ShTokenState             state,
                ShTokenReason            reason,
                gboolean                 throttled,
                const char              *what)
{
  if (got->state != state || got->reason != reason || got->throttled != throttled)
    g_error ("%s: got %s/%s%s, wanted %s/%s%s", what,
             sh_token_state_to_string (got->state),
             sh_token_reason_to_string (got->reason) ?: "none",
             got->throttled ? " (throttled)" : "",
             sh_token_state_to_string (state),
             sh_token_reason_to_string (reason) ?: "none",
             throttled ? " (throttled)" : "");
}

static char *
error_body (int code,
            int subcode)
{
  if (subcode < 0)
    return g_strdup_printf ("{\"error\":{\"message\":\"Some message\",\"type\":\"OAuthException\","
                            "\"code\":%d,\"fbtrace_id\":\"Atrace\"}}", code);
  return g_strdup_printf ("{\"error\":{\"message\":\"Some message\",\"type\":\"OAuthException\","
                          "\"code\":%d,\"error_subcode\":%d,\"error_user_title\":\"T\","
                          "\"error_user_msg\":\"M\",\"fbtrace_id\":\"Atrace\"}}", code, subcode);
}

/* Every row of the table, by code and subcode and as a whole answer: the
 * same verdict whatever the HTTP status beside it. */
static void
test_error_table (void)
{
  const guint statuses[] = { 400, 403, 200, 500, 401 };

  for (guint i = 0; i < G_N_ELEMENTS (error_table); i++)
    {
      const ErrorCase *c = &error_table[i];
      g_autofree char *what = g_strdup_printf ("code %d subcode %d", c->code, c->subcode);
      g_autofree char *body = error_body (c->code, c->subcode);
      ShFacebookVerdict verdict = { 0 };
      int code, subcode;

      sh_facebook_classify_error (c->code, c->subcode, &verdict);
      assert_verdict (&verdict, c->state, c->reason, c->throttled, what);
      g_assert_cmpint (verdict.code, ==, c->code);
      g_assert_cmpint (verdict.subcode, ==, c->subcode);

      g_assert_true (sh_facebook_parse_error (body, -1, &code, &subcode));
      g_assert_cmpint (code, ==, c->code);
      g_assert_cmpint (subcode, ==, c->subcode);

      for (guint j = 0; j < G_N_ELEMENTS (statuses); j++)
        {
          g_autofree char *with_status = g_strdup_printf ("%s, HTTP %u", what, statuses[j]);

          memset (&verdict, 0x55, sizeof verdict);
          sh_facebook_classify_response (statuses[j], body, -1, &verdict);
          assert_verdict (&verdict, c->state, c->reason, c->throttled, with_status);
          g_assert_cmpint (verdict.code, ==, c->code);
        }
    }
}

/* The real shape of a token error: HTTP 400, WWW-Authenticate, is_transient
 * absent, message text that must not matter. */
static void
test_error_message_does_not_matter (void)
{
  ShFacebookVerdict verdict;
  /* A message that talks of expiry with a subcode that says password. */
  const char *body =
    "{\"error\":{\"message\":\"Error validating access token: Session has expired on "
    "Tuesday, 11-Feb-25 10:00:00 PST.\",\"type\":\"OAuthException\",\"code\":190,"
    "\"error_subcode\":460,\"fbtrace_id\":\"AbCd\"}}";
  /* A throttle marked transient, with a message about tokens. */
  const char *throttle =
    "{\"error\":{\"message\":\"Invalid OAuth access token\",\"type\":\"OAuthException\","
    "\"code\":17,\"is_transient\":true}}";
  /* The type names OAuthException but the code is a temporary one. */
  const char *temporary =
    "{\"error\":{\"message\":\"Error validating access token\",\"type\":\"OAuthException\","
    "\"code\":2,\"is_transient\":true}}";

  sh_facebook_classify_response (400, body, -1, &verdict);
  assert_verdict (&verdict, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PASSWORD_CHANGED, FALSE,
                  "message text vs subcode");
  sh_facebook_classify_response (400, throttle, -1, &verdict);
  assert_verdict (&verdict, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED, TRUE,
                  "throttle with a token message");
  sh_facebook_classify_response (500, temporary, -1, &verdict);
  assert_verdict (&verdict, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE,
                  "temporary with a token message");
}

static void
test_success_bodies (void)
{
  ShFacebookVerdict verdict;
  const char *page = "{\"id\":\"104857600123\",\"name\":\"Acme Coffee\"}";
  const char *cases[] = {
    "{\"name\":\"Acme Coffee\"}",        /* no id */
    "{\"id\":104857600123}",             /* id not a string */
    "{\"id\":null}",
    "{}",
    "[]",
    "[{\"id\":\"1\"}]",
    "\"104857600123\"",
    "true",
    "null",
    "{\"data\":[]}",
  };

  sh_facebook_classify_response (200, page, -1, &verdict);
  assert_verdict (&verdict, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, FALSE, "200 with id");
  g_assert_cmpint (verdict.code, ==, -1);
  g_assert_cmpint (verdict.subcode, ==, -1);

  /* With an explicit length that ends before a trailing NUL-less buffer. */
  sh_facebook_classify_response (200, page, strlen (page), &verdict);
  assert_verdict (&verdict, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, FALSE, "200, length");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      sh_facebook_classify_response (200, cases[i], -1, &verdict);
      assert_verdict (&verdict, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE,
                      cases[i]);
    }

  /* A 200 body is only trusted from a 200. */
  sh_facebook_classify_response (500, page, -1, &verdict);
  assert_verdict (&verdict, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE,
                  "500 with an id");
  sh_facebook_classify_response (401, page, -1, &verdict);
  assert_verdict (&verdict, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE,
                  "401 with an id");
}

/* Not JSON, empty, cut, not the Graph's: no verdict, whatever the status
 * (a 401 or 403 alone is none either). */
static void
test_broken_bodies (void)
{
  const char *bodies[] = {
    "<!DOCTYPE html><html><head><title>Error</title></head><body>Sorry</body></html>",
    "<html><head><title>503 Service Unavailable</title></head></html>",
    "",
    "   ",
    "{\"id\":\"1048576",
    "{\"error\":{\"message\":\"Error validating access token\",\"code\":190,\"error_subc",
    "{\"error\":{\"code\":190,\"error_subcode\":460}",
    "{\"error\":\"Invalid OAuth access token\"}",
    "{\"error\":{\"message\":\"no code\",\"type\":\"OAuthException\"}}",
    "{\"error\":{\"code\":\"190\",\"error_subcode\":\"460\"}}",
    "{\"error\":{\"code\":190.5}}",
    "{\"error\":null}",
    "\xff\xfe\x00garbage",
    /* What a captive portal or a TLS-intercepting proxy answers instead of
     * the Graph, often with 401 or 403: no verdict either. */
    "<html><head><title>401 Authorization Required</title></head><body>"
    "<h1>Authorization Required</h1><p>Please log in to the network to continue.</p></body></html>",
    "{\"error\":\"unauthorized\",\"message\":\"Proxy authentication required\"}",
    "{\"title\":\"Unauthorized\",\"type\":\"about:blank\",\"status\":401}",
  };
  const guint statuses[] = { 200, 400, 401, 403, 407, 500, 502, 503 };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    for (guint j = 0; j < G_N_ELEMENTS (statuses); j++)
      {
        ShFacebookVerdict verdict;
        int code, subcode;

        sh_facebook_classify_response (statuses[j], bodies[i], -1, &verdict);
        assert_verdict (&verdict, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE,
                        "broken body");
        g_assert_false (sh_facebook_parse_error (bodies[i], -1, &code, &subcode));
        g_assert_cmpint (code, ==, -1);
        g_assert_cmpint (subcode, ==, -1);
      }

  /* No body at all. */
  {
    ShFacebookVerdict verdict;

    sh_facebook_classify_response (502, NULL, -1, &verdict);
    assert_verdict (&verdict, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE, "NULL");
    sh_facebook_classify_response (200, NULL, 0, &verdict);
    assert_verdict (&verdict, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE, "NULL 200");
    /* A length shorter than the text: the cut counts, not the NUL. */
    sh_facebook_classify_response (400, "{\"error\":{\"code\":190,\"error_subcode\":460}}", 20,
                                   &verdict);
    assert_verdict (&verdict, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE,
                    "length cuts the body");
  }
}

/* HTTP 429 (which the Graph does not use, but a proxy may): slow down, no
 * verdict; an error object beside it still decides. */
static void
test_http_429 (void)
{
  ShFacebookVerdict verdict;
  g_autofree char *dead = error_body (190, 460);

  sh_facebook_classify_response (429, "Too Many Requests", -1, &verdict);
  assert_verdict (&verdict, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED, TRUE, "429 text");
  sh_facebook_classify_response (429, "", -1, &verdict);
  assert_verdict (&verdict, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED, TRUE, "429 empty");
  sh_facebook_classify_response (429, "{\"error\":{\"code\":4}}", -1, &verdict);
  assert_verdict (&verdict, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED, TRUE, "429 code 4");
  sh_facebook_classify_response (429, dead, -1, &verdict);
  assert_verdict (&verdict, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PASSWORD_CHANGED, FALSE,
                  "429 with a 190 body");
}

/* ---- batch answers ------------------------------------------------------ */

static ShFacebookBatchItem *
item (GPtrArray *items,
      guint      i)
{
  return g_ptr_array_index (items, i);
}

static void
test_batch_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  /* Bodies are JSON in strings, as the Graph sends them. */
  const char *answer =
    "[{\"code\":200,\"headers\":[{\"name\":\"Content-Type\",\"value\":\"text/javascript; charset=UTF-8\"}],"
    "\"body\":\"{\\\"id\\\":\\\"104857600123\\\",\\\"name\\\":\\\"Acme Coffee\\\"}\"},"
    "{\"code\":400,\"body\":\"{\\\"error\\\":{\\\"message\\\":\\\"Error validating access token\\\","
    "\\\"type\\\":\\\"OAuthException\\\",\\\"code\\\":190,\\\"error_subcode\\\":460}}\"},"
    "null,"
    "{\"code\":200},"
    "{\"code\":200,\"body\":{\"id\":\"1\"}},"
    "{\"body\":\"{}\"},"
    "\"a string\","
    "{\"code\":\"200\",\"body\":\"{}\"},"
    "{\"code\":-3,\"body\":\"{}\"},"
    "42,"
    "[]]";
  ShFacebookVerdict verdict;

  items = sh_facebook_parse_batch (answer, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (items);
  g_assert_cmpuint (items->len, ==, 11);

  g_assert_false (item (items, 0)->is_null);
  g_assert_cmpuint (item (items, 0)->status, ==, 200);
  sh_facebook_classify_response (item (items, 0)->status, item (items, 0)->body, -1, &verdict);
  assert_verdict (&verdict, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, FALSE, "item 0");

  g_assert_false (item (items, 1)->is_null);
  g_assert_cmpuint (item (items, 1)->status, ==, 400);
  sh_facebook_classify_response (item (items, 1)->status, item (items, 1)->body, -1, &verdict);
  assert_verdict (&verdict, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PASSWORD_CHANGED, FALSE,
                  "item 1");

  /* Timed out. */
  g_assert_true (item (items, 2)->is_null);

  /* An answer without a body, or with a body that is not a string: no
   * verdict (the item is there, its body is not usable). */
  g_assert_false (item (items, 3)->is_null);
  g_assert_null (item (items, 3)->body);
  sh_facebook_classify_response (item (items, 3)->status, item (items, 3)->body, -1, &verdict);
  assert_verdict (&verdict, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE, "item 3");
  g_assert_null (item (items, 4)->body);
  sh_facebook_classify_response (item (items, 4)->status, item (items, 4)->body, -1, &verdict);
  assert_verdict (&verdict, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE, "item 4");

  /* Malformed items count as not answered. */
  for (guint i = 5; i < items->len; i++)
    g_assert_true (item (items, i)->is_null);
}

static void
test_batch_not_an_array (void)
{
  const char *answers[] = {
    "{\"error\":{\"code\":4,\"message\":\"(#4) Application request limit reached\"}}",
    "{\"id\":\"1\"}",
    "<html><body>Bad gateway</body></html>",
    "",
    "[{\"code\":200,\"body\":\"{}\"},",
    "null",
    "\"[]\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) items = sh_facebook_parse_batch (answers[i], -1, &error);

      g_assert_null (items);
      g_assert_error (error, SH_ERROR, SH_ERROR_FAILED);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) items = sh_facebook_parse_batch (NULL, 0, &error);

    g_assert_null (items);
    g_assert_nonnull (error);
  }
  {
    g_autoptr(GPtrArray) items = sh_facebook_parse_batch ("[]", -1, NULL);

    g_assert_nonnull (items);
    g_assert_cmpuint (items->len, ==, 0);
  }
}

/* Fifty items, as the emulator and the Graph send them. */
static void
test_batch_fifty (void)
{
  g_autoptr(GString) answer = g_string_new ("[");
  g_autoptr(GPtrArray) items = NULL;

  for (guint i = 0; i < 50; i++)
    g_string_append_printf (answer, "%s{\"code\":200,\"body\":\"{\\\"id\\\":\\\"%u\\\"}\"}",
                            i ? "," : "", i);
  g_string_append (answer, "]");
  items = sh_facebook_parse_batch (answer->str, answer->len, NULL);
  g_assert_nonnull (items);
  g_assert_cmpuint (items->len, ==, 50);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *expected = g_strdup_printf ("{\"id\":\"%u\"}", i);

      g_assert_cmpstr (item (items, i)->body, ==, expected);
    }
}

/* ---- usage headers -------------------------------------------------------- */

static void
test_usage_app (void)
{
  guint regain = 99;

  g_assert_cmpuint (sh_facebook_parse_usage ("{\"call_count\":28,\"total_time\":25,\"total_cputime\":25}",
                                             NULL, &regain), ==, 28);
  g_assert_cmpuint (regain, ==, 0);
  g_assert_cmpuint (sh_facebook_parse_usage ("{\"call_count\":5,\"total_time\":81,\"total_cputime\":3}",
                                             NULL, NULL), ==, 81);
  g_assert_cmpuint (sh_facebook_parse_usage ("{\"call_count\":0,\"total_time\":0,\"total_cputime\":95}",
                                             NULL, NULL), ==, 95);
  /* Over 100 is possible (a throttled app); it is capped only far above. */
  g_assert_cmpuint (sh_facebook_parse_usage ("{\"call_count\":120}", NULL, NULL), ==, 120);
  g_assert_cmpuint (sh_facebook_parse_usage ("{\"call_count\":999999}", NULL, NULL), ==, 1000);
  g_assert_cmpuint (sh_facebook_parse_usage (NULL, NULL, &regain), ==, 0);
}

static void
test_usage_business (void)
{
  guint regain = 99;
  const char *one =
    "{\"104857600123\":[{\"type\":\"pages\",\"call_count\":12,\"total_cputime\":40,"
    "\"total_time\":9,\"estimated_time_to_regain_access\":0}]}";
  const char *two =
    "{\"104857600123\":[{\"type\":\"pages\",\"call_count\":100,\"total_cputime\":40,"
    "\"total_time\":9,\"estimated_time_to_regain_access\":7}],"
    "\"104857600456\":[{\"type\":\"pages\",\"call_count\":3,\"total_cputime\":1,"
    "\"total_time\":1,\"estimated_time_to_regain_access\":12},"
    "{\"type\":\"instagram\",\"call_count\":1,\"estimated_time_to_regain_access\":2}]}";

  g_assert_cmpuint (sh_facebook_parse_usage (NULL, one, &regain), ==, 40);
  g_assert_cmpuint (regain, ==, 0);
  g_assert_cmpuint (sh_facebook_parse_usage (NULL, two, &regain), ==, 100);
  g_assert_cmpuint (regain, ==, 12);
  /* Both headers: the higher share counts. */
  g_assert_cmpuint (sh_facebook_parse_usage ("{\"call_count\":77}", one, &regain), ==, 77);
  g_assert_cmpuint (sh_facebook_parse_usage ("{\"call_count\":7}", one, &regain), ==, 40);
  g_assert_cmpuint (regain, ==, 0);
  /* A day at most, however long Facebook says. */
  g_assert_cmpuint (sh_facebook_parse_usage (NULL,
                    "{\"1\":[{\"call_count\":1,\"estimated_time_to_regain_access\":100000}]}",
                    &regain), ==, 1);
  g_assert_cmpuint (regain, ==, 24 * 60);
}

/* Unparseable headers are advice that did not arrive: 0, never a crash. */
static void
test_usage_garbage (void)
{
  const char *garbage[] = {
    "", "garbage", "{", "[]", "null", "42", "{\"call_count\":\"90\"}", "{\"call_count\":-50}",
    "{\"call_count\":90.5}", "{\"call_count\":null}", "{\"1\":\"pages\"}", "{\"1\":[1,2,\"x\"]}",
    "{\"1\":[{\"estimated_time_to_regain_access\":-4}]}", "\xff\xfe",
  };

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      guint regain = 99;

      g_assert_cmpuint (sh_facebook_parse_usage (garbage[i], NULL, &regain), ==, 0);
      g_assert_cmpuint (regain, ==, 0);
      regain = 99;
      g_assert_cmpuint (sh_facebook_parse_usage (NULL, garbage[i], &regain), ==, 0);
      g_assert_cmpuint (regain, ==, 0);
    }
  /* One good header beside a bad one still counts. */
  g_assert_cmpuint (sh_facebook_parse_usage ("{\"call_count\":60}", "garbage", NULL), ==, 60);
  g_assert_cmpuint (sh_facebook_parse_usage ("garbage",
                    "{\"1\":[{\"call_count\":61}]}", NULL), ==, 61);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/facebook-classify/error-table", test_error_table);
  g_test_add_func ("/facebook-classify/message-does-not-matter", test_error_message_does_not_matter);
  g_test_add_func ("/facebook-classify/success-bodies", test_success_bodies);
  g_test_add_func ("/facebook-classify/broken-bodies", test_broken_bodies);
  g_test_add_func ("/facebook-classify/http-429", test_http_429);
  g_test_add_func ("/facebook-classify/batch-parse", test_batch_parse);
  g_test_add_func ("/facebook-classify/batch-not-an-array", test_batch_not_an_array);
  g_test_add_func ("/facebook-classify/batch-fifty", test_batch_fifty);
  g_test_add_func ("/facebook-classify/usage-app", test_usage_app);
  g_test_add_func ("/facebook-classify/usage-business", test_usage_business);
  g_test_add_func ("/facebook-classify/usage-garbage", test_usage_garbage);

  return g_test_run ();
}
