/* fuzz-x-classify.c — the X answer parsers of sh-x-classify.c: /2/users/me
 * answers and problems, v1.1 errors, token endpoint answers, rate-limit
 * headers and the query of the browser's redirect to the loopback server.
 *
 * Every input is tried as each of them, the way sh-x-check.c,
 * sh-x-refresh.c, sh-x-sign-in.c and sh-x-provider.c use them: as a body
 * with each status X gives, as three header lines, and as a query. What it
 * holds: no crash, no memory error, no warning or critical; every verdict
 * is one a token accepts (sh_fuzz_apply_verdict); a 401 is a verdict only
 * with X's own problem body (or v1.1 error 89); a granted token and a
 * sign-in code are printable ASCII, fit an HTTP header and are never empty;
 * a refusal or a throttle hands out no token; numbers from headers are never
 * negative.
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "sh-x-classify.h"

/* The state this target's sign-in "sent"; the seed corpus carries it, since
 * the comparison is constant-time and gives libFuzzer nothing to follow. */
#define EXPECTED_STATE "sh-fuzz-state-0123456789"

static const guint statuses[] = { 0, 200, 400, 401, 403, 404, 420, 429, 500, 503 };

static void
assert_printable (const char *value)
{
  g_assert_nonnull (value);
  g_assert_cmpuint (strlen (value), >, 0);
  g_assert_cmpuint (strlen (value), <=, 4096);
  for (const char *p = value; *p != '\0'; p++)
    g_assert_true ((guchar) *p > 0x20 && (guchar) *p < 0x7f);
}

static void
judge_users_me (guint       status,
                const char *body,
                gssize      length)
{
  ShXVerdict verdict;

  sh_x_classify_users_me (status, body, length, &verdict);
  g_assert_cmpuint ((guint) verdict.state, <=, SH_TOKEN_STATE_INVALID);
  /* Neither a throttle nor the app's own fault is a verdict on the token. */
  if (verdict.throttled || verdict.app_fault)
    g_assert_cmpint (verdict.state, ==, SH_TOKEN_STATE_UNKNOWN);
  if (verdict.state == SH_TOKEN_STATE_VALID)
    g_assert_cmpuint (status, ==, 200);
  /* A 401 is X's verdict only with X's body: a proxy's or a captive
   * portal's page is none. */
  if (verdict.unauthorized)
    {
      g_autofree char *type = NULL;
      gint64 problem_status = -1;

      g_assert_cmpuint (status, ==, 401);
      g_assert_true (sh_x_parse_v1_error (body, length) == 89 ||
                     (sh_x_parse_problem (body, length, &type, &problem_status) &&
                      problem_status == 401));
    }
  if (verdict.state != SH_TOKEN_STATE_UNKNOWN && status == 401)
    g_assert_true (verdict.unauthorized);
  sh_fuzz_apply_verdict (verdict.state, verdict.reason);
}

static void
judge_token_reply (guint       status,
                   const char *body,
                   gssize      length)
{
  ShXTokenReply reply;
  ShXGrantOutcome outcome = sh_x_parse_token_reply (status, body, length, &reply);

  switch (outcome)
    {
    case SH_X_GRANT_OK:
      g_assert_cmpuint (status, ==, 200);
      assert_printable (reply.access_token);
      if (reply.refresh_token != NULL)
        assert_printable (reply.refresh_token);
      g_assert_cmpint (reply.expires_in, >=, 0);
      g_assert_cmpint (reply.expires_in, <=, 366 * 24 * 3600);
      g_assert_null (reply.error);
      break;
    case SH_X_GRANT_REFUSED:
      g_assert_nonnull (reply.error);
      G_GNUC_FALLTHROUGH;
    case SH_X_GRANT_CLIENT_FAULT:
    case SH_X_GRANT_THROTTLED:
    case SH_X_GRANT_FAILED:
      g_assert_null (reply.access_token);
      g_assert_null (reply.refresh_token);
      break;
    default:
      g_assert_not_reached ();
    }
  sh_x_token_reply_clear (&reply);
  g_assert_null (reply.access_token);
  g_assert_null (reply.refresh_token);
}

static void
judge_text (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", 3);
  const char *header[3] = { NULL, NULL, NULL };
  ShXRateLimit rate;
  g_autofree char *code = NULL;
  g_autofree char *error = NULL;
  ShXCallback callback;

  /* Up to three lines: x-rate-limit-limit, -remaining and -reset. */
  for (guint i = 0; i < 3 && lines[i] != NULL; i++)
    header[i] = lines[i];
  sh_x_parse_rate_limit (header[0], header[1], header[2], &rate);
  g_assert_true (!rate.has_limit || rate.limit >= 0);
  g_assert_true (!rate.has_remaining || rate.remaining >= 0);
  g_assert_true (!rate.has_reset || rate.reset >= 0);

  callback = sh_x_parse_callback (text, EXPECTED_STATE, &code, &error);
  switch (callback)
    {
    case SH_X_CALLBACK_CODE:
      assert_printable (code);
      g_assert_null (error);
      break;
    case SH_X_CALLBACK_DENIED:
      g_assert_null (code);
      g_assert_nonnull (error);
      g_assert_cmpuint (strlen (error), >, 0);
      break;
    case SH_X_CALLBACK_WRONG_STATE:
    case SH_X_CALLBACK_MALFORMED:
      g_assert_null (code);
      g_assert_null (error);
      break;
    default:
      g_assert_not_reached ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *body = (const char *) data;
  gssize length = (gssize) size;
  g_autofree char *text = sh_fuzz_strndup (data, size);
  g_autofree char *type = NULL;
  ShXUser user;
  gint64 problem_status, v1;

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      judge_users_me (statuses[i], body, length);
      judge_token_reply (statuses[i], body, length);
    }

  if (sh_x_parse_user (body, length, &user))
    {
      /* X user ids are decimal snowflakes. */
      g_assert_nonnull (user.id);
      g_assert_cmpuint (strlen (user.id), >, 0);
      g_assert_cmpuint (strspn (user.id, "0123456789"), ==, strlen (user.id));
    }
  else
    g_assert_null (user.id);
  sh_x_user_clear (&user);

  if (sh_x_parse_problem (body, length, &type, &problem_status))
    sh_x_problem_is_app_fault (type);
  else
    g_assert_null (type);

  v1 = sh_x_parse_v1_error (body, length);
  g_assert_cmpint (v1, >=, -1);

  judge_text (text);
  return 0;
}
