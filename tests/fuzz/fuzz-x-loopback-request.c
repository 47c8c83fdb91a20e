/* fuzz-x-loopback-request.c — the head parser and judge of the X sign-in
 * loopback server (sh-x-loopback-request.c), and the query it hands to
 * sh_x_parse_callback(), as sh-x-loopback.c uses them.
 *
 * The input is the bytes a connection sent. What it holds: no crash, no
 * memory error, no warning or critical; nothing past SH_X_LOOPBACK_MAX_HEAD
 * bytes is ever looked at (a copy of only those bytes gives the same
 * answer); a complete head ends within the input and the limit, and every
 * shorter prefix of it is incomplete (the server reads a head in pieces);
 * its method is a token, its path starts with '/' and its path, query and
 * host are visible text without CR, LF or NUL; only a GET of /callback
 * without a body, whose Host is 127.0.0.1:PORT or localhost:PORT, is a
 * callback; a code taken from its query is printable ASCII.
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "sh-x-classify.h"
#include "sh-x-loopback-request.h"

/* The port and state this target's sign-in listens with; the seed corpus
 * carries them. */
#define PORT           53682
#define EXPECTED_STATE "sh-fuzz-state-0123456789"

static void
assert_visible (const char *value,
                gboolean    allow_space)
{
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      g_assert_true (c >= 0x20 || c == '\t');
      g_assert_true (c != 0x7f);
      g_assert_true (allow_space || (c > 0x20 && c < 0x7f));
    }
}

static void
assert_same (const ShXLoopbackRequest *a,
             const ShXLoopbackRequest *b)
{
  g_assert_cmpstr (a->method, ==, b->method);
  g_assert_cmpstr (a->path, ==, b->path);
  g_assert_cmpstr (a->query, ==, b->query);
  g_assert_cmpstr (a->host, ==, b->host);
  g_assert_cmpint (a->has_body, ==, b->has_body);
  g_assert_cmpuint (a->head_length, ==, b->head_length);
}

static void
judge_callback (const char *query)
{
  g_autofree char *code = NULL;
  g_autofree char *error = NULL;

  switch (sh_x_parse_callback (query, EXPECTED_STATE, &code, &error))
    {
    case SH_X_CALLBACK_CODE:
      g_assert_nonnull (code);
      g_assert_cmpuint (strlen (code), >, 0);
      g_assert_cmpuint (strlen (code), <=, 4096);
      for (const char *p = code; *p != '\0'; p++)
        g_assert_true ((guchar) *p > 0x20 && (guchar) *p < 0x7f);
      break;
    case SH_X_CALLBACK_DENIED:
      g_assert_nonnull (error);
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
  const char *text = (const char *) data;
  gsize seen = MIN (size, SH_X_LOOPBACK_MAX_HEAD);
  ShXLoopbackRequest request, again;
  ShXLoopbackHead head, head_again;

  head = sh_x_loopback_request_parse (text, size, &request);

  /* The bytes past the limit change nothing. */
  {
    g_autofree char *copy = g_memdup2 (data, seen);

    head_again = sh_x_loopback_request_parse (copy, seen, &again);
    g_assert_cmpint (head, ==, head_again);
    assert_same (&request, &again);
    sh_x_loopback_request_clear (&again);
  }

  switch (head)
    {
    case SH_X_LOOPBACK_HEAD_INCOMPLETE:
      g_assert_cmpuint (size, <, SH_X_LOOPBACK_MAX_HEAD);
      G_GNUC_FALLTHROUGH;
    case SH_X_LOOPBACK_HEAD_TOO_LARGE:
      if (head == SH_X_LOOPBACK_HEAD_TOO_LARGE)
        g_assert_cmpuint (size, >=, SH_X_LOOPBACK_MAX_HEAD);
      G_GNUC_FALLTHROUGH;
    case SH_X_LOOPBACK_HEAD_MALFORMED:
      g_assert_null (request.method);
      g_assert_null (request.path);
      g_assert_null (request.query);
      g_assert_null (request.host);
      g_assert_false (request.has_body);
      return 0;

    case SH_X_LOOPBACK_HEAD_COMPLETE:
      break;

    default:
      g_assert_not_reached ();
    }

  g_assert_cmpuint (request.head_length, >, 0);
  g_assert_cmpuint (request.head_length, <=, seen);
  g_assert_true (text[request.head_length - 1] == '\n');

  /* Read in pieces, the head is judged only once it is whole; and the head
   * alone is the same request. */
  g_assert_cmpint (sh_x_loopback_request_parse (text, request.head_length - 1, &again), ==,
                   SH_X_LOOPBACK_HEAD_INCOMPLETE);
  g_assert_cmpint (sh_x_loopback_request_parse (text, request.head_length / 2, &again), ==,
                   SH_X_LOOPBACK_HEAD_INCOMPLETE);
  g_assert_cmpint (sh_x_loopback_request_parse (text, request.head_length, &again), ==,
                   SH_X_LOOPBACK_HEAD_COMPLETE);
  assert_same (&request, &again);
  sh_x_loopback_request_clear (&again);

  g_assert_nonnull (request.method);
  g_assert_cmpuint (strlen (request.method), >, 0);
  assert_visible (request.method, FALSE);
  g_assert_nonnull (request.path);
  g_assert_true (request.path[0] == '/');
  assert_visible (request.path, FALSE);
  g_assert_null (strchr (request.path, '?'));
  if (request.query != NULL)
    {
      assert_visible (request.query, FALSE);
      g_assert_null (strchr (request.query, '#'));
    }
  if (request.host != NULL)
    assert_visible (request.host, TRUE);

  for (guint port = PORT; port <= PORT + 1; port++)
    {
      ShXLoopbackVerdict verdict = sh_x_loopback_request_judge (&request, port);
      g_autofree char *numeric = g_strdup_printf ("127.0.0.1:%u", port);
      g_autofree char *named = g_strdup_printf ("localhost:%u", port);

      switch (verdict)
        {
        case SH_X_LOOPBACK_CALLBACK:
          g_assert_cmpstr (request.method, ==, "GET");
          g_assert_cmpstr (request.path, ==, "/callback");
          g_assert_false (request.has_body);
          g_assert_nonnull (request.host);
          g_assert_true (g_ascii_strcasecmp (request.host, numeric) == 0 ||
                         g_ascii_strcasecmp (request.host, named) == 0);
          judge_callback (request.query);
          break;
        case SH_X_LOOPBACK_WRONG_HOST:
        case SH_X_LOOPBACK_HAS_BODY:
        case SH_X_LOOPBACK_WRONG_METHOD:
        case SH_X_LOOPBACK_NOT_FOUND:
          break;
        default:
          g_assert_not_reached ();
        }
    }

  sh_x_loopback_request_clear (&request);
  g_assert_null (request.method);
  return 0;
}
