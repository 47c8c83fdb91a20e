/* fuzz-facebook-classify.c — the Graph answer parsers of
 * sh-facebook-classify.c: error objects, batch answers, usage headers.
 *
 * Every input is tried as each of them, the way sh-facebook-check.c and
 * sh-facebook-provider.c use them:
 * - as the body of a single answer, with each HTTP status the Graph gives;
 * - as a batch answer, whose items are then judged one by one (their bodies
 *   are NUL-ended strings there, hence -1);
 * - as the X-App-Usage and X-Business-Use-Case-Usage headers.
 * What it holds: no crash, no memory error, no warning or critical; every
 * verdict is one a token accepts (sh_fuzz_apply_verdict); an answer that
 * names no error code with status 200 and no id is never a verdict; and
 * the usage figures stay within the bounds the check code relies on.
 */
#include "config.h"

#include "fuzz-common.h"
#include "sh-error.h"
#include "sh-facebook-classify.h"

/* What the Graph answers with: success, token and throttle errors (400,
 * 403), a plain 429, server errors, and 0 for "no status". */
static const guint statuses[] = { 0, 200, 400, 401, 403, 429, 500, 503 };

static void
check_verdict (const ShFacebookVerdict *verdict)
{
  g_assert_cmpuint ((guint) verdict->state, <=, SH_TOKEN_STATE_INVALID);
  /* A throttle is never a verdict on the token. */
  if (verdict->throttled)
    g_assert_cmpint (verdict->state, ==, SH_TOKEN_STATE_UNKNOWN);
  sh_fuzz_apply_verdict (verdict->state, verdict->reason);
}

static void
judge (guint       status,
       const char *body,
       gssize      length)
{
  ShFacebookVerdict verdict;
  int code, subcode;
  gboolean is_error = sh_facebook_parse_error (body, length, &code, &subcode);

  sh_facebook_classify_response (status, body, length, &verdict);
  check_verdict (&verdict);

  /* Decided by code and subcode, never by status, whenever there is one. */
  if (is_error)
    {
      ShFacebookVerdict by_code;

      sh_facebook_classify_error (code, subcode, &by_code);
      g_assert_cmpint (verdict.state, ==, by_code.state);
      g_assert_cmpint (verdict.reason, ==, by_code.reason);
      g_assert_cmpint (verdict.code, ==, code);
    }
  else
    {
      g_assert_cmpint (code, ==, -1);
      g_assert_cmpint (subcode, ==, -1);
      /* Without an error object only a 200 can be a verdict, and only
       * "valid". */
      if (status != 200)
        g_assert_cmpint (verdict.state, ==, SH_TOKEN_STATE_UNKNOWN);
      else
        g_assert_true (verdict.state == SH_TOKEN_STATE_UNKNOWN ||
                       verdict.state == SH_TOKEN_STATE_VALID);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *body = (const char *) data;
  g_autofree char *text = sh_fuzz_strndup (data, size);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  guint percent, regain = 0;

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    judge (statuses[i], body, (gssize) size);

  items = sh_facebook_parse_batch (body, (gssize) size, &error);
  if (items == NULL)
    g_assert_error (error, SH_ERROR, SH_ERROR_FAILED);
  else
    {
      g_assert_null (error);
      for (guint i = 0; i < items->len; i++)
        {
          ShFacebookBatchItem *item = g_ptr_array_index (items, i);

          if (item->is_null)
            g_assert_null (item->body);
          else
            judge (item->status, item->body, -1);
        }
    }

  percent = sh_facebook_parse_usage (text, text, &regain);
  g_assert_cmpuint (percent, <=, 1000);
  g_assert_cmpuint (regain, <=, 24 * 60);
  return 0;
}
