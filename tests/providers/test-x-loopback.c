/* test-x-loopback.c — the X sign-in's loopback redirect server over real
 * loopback sockets, and its request head parser.
 *
 * Each test starts an ShXLoopback on a free port and waits for its answer
 * as the sign-in does; the test plays the browser — or a hostile local
 * program — with a raw non-blocking socket, so that it controls every byte
 * and sees exactly when the server answers and closes. The server lives on
 * this thread's main context: every wait spins it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sh-error.h"
#include "sh-pkce.h"
#include "sh-x-loopback-request.h"
#include "sh-x-loopback.h"
#include "test-util.h"

#define CODE    "VGNibzFWSWREZm01bjN1N3dicWlNUG1oa2xRRVNDdGdVZDl1SXctdzFUa1p5OjE3MzM"
#define WAIT_MS 10000

typedef struct {
  guint         port;
  char         *state;
  ShXLoopback  *loopback;
  GCancellable *cancellable;
  GAsyncResult *result;
} Fixture;

/* ---- helpers: sockets ---------------------------------------------------------- */

static void
spin_once (void)
{
  g_main_context_iteration (NULL, FALSE);
  g_usleep (1000);
}

/* A client that sends raw bytes and collects what comes back. */
typedef struct {
  GSocket *socket;
  GString *received;
  gboolean closed;    /* the server closed (or reset) the connection */
} Raw;

static Raw *
raw_connect (guint port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  Raw *raw = g_new0 (Raw, 1);

  raw->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                              G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  /* Without blocking: when the listen queue is full, the connection only
   * completes once the server (on this thread) accepts. */
  g_socket_set_blocking (raw->socket, FALSE);
  if (!g_socket_connect (raw->socket, address, NULL, &error))
    {
      gint64 end = g_get_monotonic_time () + sh_test_time_limit (WAIT_MS * 1000);

      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
      g_clear_error (&error);
      while (!(g_socket_condition_check (raw->socket, G_IO_OUT | G_IO_ERR | G_IO_HUP) != 0))
        {
          if (g_get_monotonic_time () > end)
            g_error ("could not connect within %d ms", WAIT_MS);
          spin_once ();
        }
      g_assert_true (g_socket_check_connect_result (raw->socket, &error));
      g_assert_no_error (error);
    }
  raw->received = g_string_new (NULL);
  return raw;
}

static void
raw_free (Raw *raw)
{
  g_socket_close (raw->socket, NULL);
  g_object_unref (raw->socket);
  g_string_free (raw->received, TRUE);
  g_free (raw);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Raw, raw_free)

/* Reads whatever has arrived, without blocking. */
static void
raw_pump (Raw *raw)
{
  char buffer[4096];

  while (!raw->closed)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (raw->socket, buffer, sizeof buffer, NULL, &error);

      if (n > 0)
        g_string_append_len (raw->received, buffer, n);
      else if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return;
      else
        raw->closed = TRUE;   /* end of stream, or reset */
    }
}

/* Sends @data, spinning the server's main loop whenever the socket is
 * full. FALSE when the server closed the connection before all was sent. */
static gboolean
raw_send (Raw        *raw,
          const char *data,
          gsize       length)
{
  gint64 end = g_get_monotonic_time () + sh_test_time_limit (WAIT_MS * 1000);
  gsize sent = 0;

  while (sent < length)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (raw->socket, data + sent, length - sent, NULL, &error);

      if (n > 0)
        sent += n;
      else if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          if (g_get_monotonic_time () > end)
            g_error ("the server read nothing for %d ms", WAIT_MS);
          spin_once ();
        }
      else
        return FALSE;
    }
  return TRUE;
}

static gboolean
raw_send_str (Raw        *raw,
              const char *text)
{
  return raw_send (raw, text, strlen (text));
}

/* Waits until the server has closed the connection, reading its answer. */
static void
raw_wait_closed (Raw   *raw,
                 guint  timeout_ms)
{
  gint64 end = g_get_monotonic_time () + sh_test_time_limit ((gint64) timeout_ms * 1000);

  for (raw_pump (raw); !raw->closed; raw_pump (raw))
    {
      if (g_get_monotonic_time () > end)
        g_error ("the server did not close the connection within %u ms", timeout_ms);
      spin_once ();
    }
}

/* The answer's status, or 0 without one. */
static guint
raw_status (Raw *raw)
{
  guint status = 0;

  if (sscanf (raw->received->str, "HTTP/1.1 %3u ", &status) != 1)
    return 0;
  return status;
}

/* One whole request; the server's answer and its closing. */
static guint
request (Fixture    *fixture,
         const char *head,
         Raw       **out_raw)
{
  Raw *raw = raw_connect (fixture->port);
  guint status;

  g_assert_true (raw_send_str (raw, head));
  raw_wait_closed (raw, WAIT_MS);
  status = raw_status (raw);
  if (out_raw != NULL)
    *out_raw = raw;
  else
    raw_free (raw);
  return status;
}

static char *
callback_head (Fixture    *fixture,
               const char *host)
{
  return g_strdup_printf ("GET /callback?state=%s&code=" CODE " HTTP/1.1\r\n"
                          "Host: %s\r\n"
                          "User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n"
                          "Accept: text/html\r\n"
                          "\r\n", fixture->state, host);
}

/* Spins until nothing is left to do, so that an answer the server took
 * would have reached the waiter. */
static void
spin_idle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
assert_still_waiting (Fixture *fixture)
{
  spin_idle ();
  g_assert_null (fixture->result);
  g_assert_true (sh_x_loopback_is_listening (fixture->loopback));
}

static char *
wait_for_code (Fixture  *fixture,
               GError  **error)
{
  sh_test_wait_for_result (&fixture->result, WAIT_MS);
  return sh_x_loopback_wait_finish (fixture->loopback, fixture->result, error);
}

static gint64
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;
  gint64 kib = -1;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "\nVmRSS:");
  g_assert_nonnull (line);
  g_assert_cmpint (sscanf (line, "\nVmRSS: %" G_GINT64_FORMAT, &kib), ==, 1);
  return kib;
}

/* ---- fixture ------------------------------------------------------------------- */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->port = sh_test_free_port ();
  fixture->state = sh_pkce_new_state ();
  fixture->loopback = sh_x_loopback_new (fixture->port, fixture->state, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->loopback);
  fixture->cancellable = g_cancellable_new ();
  sh_x_loopback_wait_async (fixture->loopback, 120, fixture->cancellable, sh_test_store_result,
                            &fixture->result);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_cancellable_cancel (fixture->cancellable);
  sh_test_wait_for_result (&fixture->result, WAIT_MS);
  g_clear_object (&fixture->result);
  g_clear_object (&fixture->loopback);
  g_clear_object (&fixture->cancellable);
  /* Dropped clients finish from the main loop. */
  spin_idle ();
  g_free (fixture->state);
}

/* ---- the browser's answer -------------------------------------------------------- */

/* X's redirect as a browser sends it: the page, the code, then the server
 * goes away. */
static void
test_callback (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", fixture->port);
  g_autofree char *head = callback_head (fixture, host);
  g_autoptr(Raw) raw = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  gint64 end;

  g_assert_cmpuint (request (fixture, head, &raw), ==, 200);
  g_assert_nonnull (strstr (raw->received->str, "return to SocialHub"));
  g_assert_nonnull (strstr (raw->received->str, "\r\nCache-Control: no-store\r\n"));
  g_assert_nonnull (strstr (raw->received->str, "\r\nConnection: close\r\n"));
  code = wait_for_code (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, CODE);

  end = g_get_monotonic_time () + sh_test_time_limit (WAIT_MS * 1000);
  while (sh_x_loopback_is_listening (fixture->loopback))
    {
      if (g_get_monotonic_time () > end)
        g_error ("the server still listens after the answer");
      spin_once ();
    }
}

static void
test_callback_localhost (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *host = g_strdup_printf ("LocalHost:%u", fixture->port);
  g_autofree char *head = callback_head (fixture, host);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  g_assert_cmpuint (request (fixture, head, NULL), ==, 200);
  code = wait_for_code (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, CODE);
}

/* A page on another name that resolves to 127.0.0.1 (DNS rebinding), or a
 * request without our address: refused, and no sign-in ends with it. */
static void
test_wrong_host (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *rebinding = g_strdup_printf ("evil.example:%u", fixture->port);
  g_autofree char *other_port = g_strdup_printf ("127.0.0.1:%u", fixture->port + 1);
  const char *hosts[] = { rebinding, other_port, "127.0.0.1", "localhost", "evil.example" };
  g_autofree char *ours = g_strdup_printf ("127.0.0.1:%u", fixture->port);
  g_autofree char *good = callback_head (fixture, ours);
  g_autofree char *code = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *head = callback_head (fixture, hosts[i]);
      g_autoptr(Raw) raw = NULL;

      g_assert_cmpuint (request (fixture, head, &raw), ==, 421);
      g_assert_nonnull (strstr (raw->received->str, "only answers at 127.0.0.1"));
      assert_still_waiting (fixture);
    }
  {
    /* No Host at all (HTTP/1.0). */
    g_autofree char *head = g_strdup_printf ("GET /callback?state=%s&code=" CODE " HTTP/1.0\r\n"
                                             "\r\n", fixture->state);

    g_assert_cmpuint (request (fixture, head, NULL), ==, 421);
    assert_still_waiting (fixture);
  }
  {
    /* Ours and another: which one counts is anyone's guess, so neither. */
    g_autofree char *head = g_strdup_printf ("GET /callback?state=%s&code=" CODE " HTTP/1.1\r\n"
                                             "Host: %s\r\nHost: %s\r\n\r\n",
                                             fixture->state, ours, rebinding);

    g_assert_cmpuint (request (fixture, head, NULL), ==, 400);
    assert_still_waiting (fixture);
  }

  /* The real answer still ends the sign-in. */
  g_assert_cmpuint (request (fixture, good, NULL), ==, 200);
  code = wait_for_code (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, CODE);
}

/* ---- what the server refuses to read ---------------------------------------------- */

/* A POST announcing 400 MB: answered as soon as its head is in, while the
 * body is still being sent, and the body is never read. */
static void
test_huge_body (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *head = g_strdup_printf ("POST /callback?state=%s&code=" CODE " HTTP/1.1\r\n"
                                           "Host: 127.0.0.1:%u\r\n"
                                           "Content-Type: application/x-www-form-urlencoded\r\n"
                                           "Content-Length: 400000000\r\n"
                                           "\r\n", fixture->state, fixture->port);
  g_autoptr(Raw) raw = raw_connect (fixture->port);
  g_autofree char *chunk = g_malloc (64 * 1024);
  const gsize cap = 64 * 1024 * 1024;
  gsize body_sent = 0;
  gint64 rss_before = rss_kib ();

  memset (chunk, 'A', 64 * 1024);
  g_assert_true (raw_send_str (raw, head));
  /* Keep sending body bytes until the server answers and closes; a server
   * that waits for the body gets 64 MiB of it and fails the test. */
  while (!raw->closed && body_sent < cap)
    {
      if (!raw_send (raw, chunk, 64 * 1024))
        break;
      body_sent += 64 * 1024;
      raw_pump (raw);
    }
  raw_wait_closed (raw, WAIT_MS);
  g_test_message ("body bytes sent before the server closed: %" G_GSIZE_FORMAT
                  ", resident memory grew by %" G_GINT64_FORMAT " KiB",
                  body_sent, rss_kib () - rss_before);
  g_assert_cmpuint (raw_status (raw), ==, 405);
  g_assert_nonnull (strstr (raw->received->str, "\r\nAllow: GET\r\n"));
  /* What the kernel's socket buffers took before the close, not 64 MiB. */
  g_assert_cmpuint (body_sent, <, 16 * 1024 * 1024);
  g_assert_cmpint (rss_kib () - rss_before, <, 16 * 1024);
  assert_still_waiting (fixture);

  {
    /* A GET with a body is no callback either. */
    g_autofree char *get = g_strdup_printf ("GET /callback?state=%s&code=" CODE " HTTP/1.1\r\n"
                                            "Host: 127.0.0.1:%u\r\n"
                                            "Content-Length: 10\r\n\r\n0123456789",
                                            fixture->state, fixture->port);
    g_autofree char *chunked = g_strdup_printf ("GET /callback?state=%s&code=" CODE " HTTP/1.1\r\n"
                                                "Host: 127.0.0.1:%u\r\n"
                                                "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                                                fixture->state, fixture->port);

    g_assert_cmpuint (request (fixture, get, NULL), ==, 413);
    g_assert_cmpuint (request (fixture, chunked, NULL), ==, 413);
    assert_still_waiting (fixture);
  }
}

/* Headers beyond 8 KiB: refused once 8 KiB are in, without waiting for
 * their end. */
static void
test_header_too_large (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *head = g_strdup_printf ("GET /callback?state=%s&code=" CODE " HTTP/1.1\r\n"
                                           "Host: 127.0.0.1:%u\r\n"
                                           "Cookie: ", fixture->state, fixture->port);
  g_autofree char *filler = g_strnfill (SH_X_LOOPBACK_MAX_HEAD, 'x');
  g_autoptr(Raw) raw = raw_connect (fixture->port);

  g_assert_true (raw_send_str (raw, head));
  g_assert_true (raw_send_str (raw, filler));
  /* No end of the head is ever sent. */
  raw_wait_closed (raw, WAIT_MS);
  g_assert_cmpuint (raw_status (raw), ==, 431);
  assert_still_waiting (fixture);

  {
    /* Just under the limit is fine. */
    gsize base = strlen (head) + strlen ("\r\n\r\n");
    g_autofree char *fits = g_strnfill (SH_X_LOOPBACK_MAX_HEAD - base, 'y');
    g_autofree char *whole = g_strconcat (head, fits, "\r\n\r\n", NULL);

    g_assert_cmpuint (strlen (whole), ==, SH_X_LOOPBACK_MAX_HEAD);
    g_assert_cmpuint (request (fixture, whole, NULL), ==, 200);
  }
}

/* A client that sends nothing, or trickles bytes, is dropped once its time
 * is up; the server goes on waiting for the browser. */
static void
test_slow_client (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(Raw) silent = NULL;
  g_autoptr(Raw) trickle = NULL;
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", fixture->port);
  g_autofree char *head = callback_head (fixture, host);
  gint64 start, end;

  sh_x_loopback_set_client_timeout (fixture->loopback, 300);
  start = g_get_monotonic_time ();
  silent = raw_connect (fixture->port);
  trickle = raw_connect (fixture->port);
  end = start + sh_test_time_limit (WAIT_MS * 1000);

  for (const char *p = head; !(silent->closed && trickle->closed); )
    {
      if (g_get_monotonic_time () > end)
        g_error ("a slow client was not dropped within %d ms", WAIT_MS);
      /* One byte every 20 ms: the whole head would take seconds. */
      if (!trickle->closed && *p != '\0' && raw_send (trickle, p, 1))
        p++;
      for (guint i = 0; i < 20; i++)
        spin_once ();
      raw_pump (silent);
      raw_pump (trickle);
    }
  /* Dropped, not answered: no page for a client that never finished. */
  g_assert_cmpuint (silent->received->len, ==, 0);
  g_assert_cmpuint (trickle->received->len, ==, 0);
  /* By the shortened limit, far before the default one. */
  g_assert_cmpint (g_get_monotonic_time () - start, <,
                   SH_X_LOOPBACK_CLIENT_TIMEOUT_MS * (gint64) 1000);
  assert_still_waiting (fixture);
}

/* A crowd of idle connections costs at most 32 buffers: one more is closed
 * at once, long before any client timeout; once the crowd has gone, the
 * browser's answer is taken. */
static void
test_too_many_clients (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) crowd = g_ptr_array_new_with_free_func ((GDestroyNotify) raw_free);
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", fixture->port);
  g_autofree char *head = callback_head (fixture, host);
  g_autoptr(Raw) extra = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  gint64 start;

  sh_x_loopback_set_client_timeout (fixture->loopback, 60000);
  for (guint i = 0; i < 32; i++)
    g_ptr_array_add (crowd, raw_connect (fixture->port));
  start = g_get_monotonic_time ();
  extra = raw_connect (fixture->port);
  raw_wait_closed (extra, WAIT_MS);
  g_assert_cmpuint (extra->received->len, ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 60000 * (gint64) 1000);
  for (guint i = 0; i < crowd->len; i++)
    {
      raw_pump (g_ptr_array_index (crowd, i));
      g_assert_false (((Raw *) g_ptr_array_index (crowd, i))->closed);
    }
  assert_still_waiting (fixture);

  g_ptr_array_set_size (crowd, 0);
  g_assert_cmpuint (request (fixture, head, NULL), ==, 200);
  code = wait_for_code (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, CODE);
}

/* Only GET of /callback; anything else is refused without ending the
 * sign-in. */
static void
test_other_requests (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *favicon = g_strdup_printf ("GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                              "\r\n", fixture->port);
  g_autofree char *head = g_strdup_printf ("HEAD /callback?state=%s&code=" CODE " HTTP/1.1\r\n"
                                           "Host: 127.0.0.1:%u\r\n\r\n", fixture->state,
                                           fixture->port);

  g_assert_cmpuint (request (fixture, favicon, NULL), ==, 404);
  g_assert_cmpuint (request (fixture, head, NULL), ==, 405);
  /* The start of a TLS hello. */
  g_assert_cmpuint (request (fixture, "\x16\x03\x01\x02\x01\xfc\x03\x03\r\n\r\n", NULL), ==, 400);
  assert_still_waiting (fixture);
}

/* ---- the parser, without sockets ----------------------------------------------- */

static void
test_parse (void)
{
  static const struct {
    const char     *head;
    ShXLoopbackHead result;
    const char     *method, *path, *query, *host;
    gboolean        has_body;
  } cases[] = {
    { "GET /callback?a=b HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n", SH_X_LOOPBACK_HEAD_COMPLETE,
      "GET", "/callback", "a=b", "127.0.0.1:1", FALSE },
    { "GET / HTTP/1.0\n\n", SH_X_LOOPBACK_HEAD_COMPLETE, "GET", "/", NULL, NULL, FALSE },
    { "POST /x HTTP/1.1\r\nhost:\t h \t\r\ncontent-length: 000\r\n\r\n",
      SH_X_LOOPBACK_HEAD_COMPLETE, "POST", "/x", NULL, "h", FALSE },
    { "POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", SH_X_LOOPBACK_HEAD_COMPLETE,
      "POST", "/x", NULL, NULL, TRUE },
    { "GET /callback HTTP/1.1\r\nHost: a\r\n", SH_X_LOOPBACK_HEAD_INCOMPLETE },
    { "", SH_X_LOOPBACK_HEAD_INCOMPLETE },
    { "GET /callback HTTP/1.1\r\nHost : a\r\n\r\n", SH_X_LOOPBACK_HEAD_MALFORMED },
    { "GET /callback HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", SH_X_LOOPBACK_HEAD_MALFORMED },
    { "GET /callback HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", SH_X_LOOPBACK_HEAD_MALFORMED },
    { "GET /callback HTTP/1.1\r\nContent-Length: -1\r\n\r\n", SH_X_LOOPBACK_HEAD_MALFORMED },
    { "GET http://127.0.0.1:1/callback HTTP/1.1\r\n\r\n", SH_X_LOOPBACK_HEAD_MALFORMED },
    { "GET /callback#x HTTP/1.1\r\n\r\n", SH_X_LOOPBACK_HEAD_MALFORMED },
    { "GET  /callback HTTP/1.1\r\n\r\n", SH_X_LOOPBACK_HEAD_MALFORMED },
    { "GET /callback HTTP/2.0\r\n\r\n", SH_X_LOOPBACK_HEAD_MALFORMED },
    { "\r\nGET /callback HTTP/1.1\r\n\r\n", SH_X_LOOPBACK_HEAD_MALFORMED },
    { "GET /callback HTTP/1.1\r\r\n\r\n", SH_X_LOOPBACK_HEAD_MALFORMED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ShXLoopbackRequest request;
      ShXLoopbackHead result = sh_x_loopback_request_parse (cases[i].head, strlen (cases[i].head),
                                                            &request);

      g_test_message ("case %u", i);
      g_assert_cmpint (result, ==, cases[i].result);
      g_assert_cmpstr (request.method, ==, cases[i].method);
      g_assert_cmpstr (request.path, ==, cases[i].path);
      g_assert_cmpstr (request.query, ==, cases[i].query);
      g_assert_cmpstr (request.host, ==, cases[i].host);
      g_assert_cmpint (request.has_body, ==, cases[i].has_body);
      sh_x_loopback_request_clear (&request);
    }

  {
    /* 8 KiB without an empty line: too large, whatever follows. */
    g_autofree char *long_head = g_strnfill (SH_X_LOOPBACK_MAX_HEAD, 'a');
    ShXLoopbackRequest request;

    g_assert_cmpint (sh_x_loopback_request_parse (long_head, SH_X_LOOPBACK_MAX_HEAD, &request),
                     ==, SH_X_LOOPBACK_HEAD_TOO_LARGE);
    g_assert_cmpint (sh_x_loopback_request_parse (long_head, SH_X_LOOPBACK_MAX_HEAD - 1,
                                                  &request),
                     ==, SH_X_LOOPBACK_HEAD_INCOMPLETE);
  }
}

static void
test_judge (void)
{
  static const struct {
    const char        *head;
    ShXLoopbackVerdict verdict;
  } cases[] = {
    { "GET /callback?x HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", SH_X_LOOPBACK_CALLBACK },
    { "GET /callback HTTP/1.1\r\nHost: localhost:8080\r\n\r\n", SH_X_LOOPBACK_CALLBACK },
    { "GET /callback HTTP/1.1\r\nHost: 127.0.0.1:8081\r\n\r\n", SH_X_LOOPBACK_WRONG_HOST },
    { "GET /callback HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", SH_X_LOOPBACK_WRONG_HOST },
    { "GET /callback HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", SH_X_LOOPBACK_WRONG_HOST },
    { "GET /callback HTTP/1.1\r\nHost: localhost.:8080\r\n\r\n", SH_X_LOOPBACK_WRONG_HOST },
    { "GET /callback HTTP/1.1\r\n\r\n", SH_X_LOOPBACK_WRONG_HOST },
    { "POST /callback HTTP/1.1\r\nHost: evil:8080\r\nContent-Length: 9\r\n\r\n",
      SH_X_LOOPBACK_WRONG_HOST },
    { "POST /callback HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 9\r\n\r\n",
      SH_X_LOOPBACK_WRONG_METHOD },
    { "get /callback HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", SH_X_LOOPBACK_WRONG_METHOD },
    { "GET /callback HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nTransfer-Encoding: chunked\r\n\r\n",
      SH_X_LOOPBACK_HAS_BODY },
    { "GET /callback/ HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", SH_X_LOOPBACK_NOT_FOUND },
    { "GET /%63allback HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", SH_X_LOOPBACK_NOT_FOUND },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ShXLoopbackRequest request;

      g_test_message ("case %u", i);
      g_assert_cmpint (sh_x_loopback_request_parse (cases[i].head, strlen (cases[i].head), &request),
                       ==, SH_X_LOOPBACK_HEAD_COMPLETE);
      g_assert_cmpint (sh_x_loopback_request_judge (&request, 8080), ==, cases[i].verdict);
      sh_x_loopback_request_clear (&request);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/x-loopback/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("callback", test_callback);
  ADD ("callback/localhost", test_callback_localhost);
  ADD ("wrong-host", test_wrong_host);
  ADD ("huge-body", test_huge_body);
  ADD ("header-too-large", test_header_too_large);
  ADD ("slow-client", test_slow_client);
  ADD ("too-many-clients", test_too_many_clients);
  ADD ("other-requests", test_other_requests);
  g_test_add_func ("/x-loopback/parse", test_parse);
  g_test_add_func ("/x-loopback/judge", test_judge);

#undef ADD

  return g_test_run ();
}
