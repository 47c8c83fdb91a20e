/* test-x-provider.c — the X provider against the emulator.
 *
 * Each test starts an in-process sandbox on a free loopback port, a
 * ShManager on a fresh data folder (the keyring is the real gnome-keyring of
 * build-aux/with-session.sh) and an X provider that never opens a browser.
 * The test plays the browser: it fetches the prompt's authorize address with
 * its own HTTP session (the world's approve delay is 0, so the emulator
 * answers with an immediate 302) and follows the redirect to the provider's
 * loopback server itself. The loopback port is a free one, registered with
 * the emulated X app for the test.
 *
 * What reached the network is read from the emulator's request log (URLs
 * only, never form bodies); what a revocation sends in its form is read by a
 * small recording server. After every test, no token of the emulated world
 * may appear in any URL. Token values never appear in an assertion message.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libsoup/soup.h>

#include "sh-checker.h"
#include "sh-error.h"
#include "sh-manager.h"
#include "sh-pkce.h"
#include "sh-providers.h"
#include "sh-sandbox-server.h"
#include "sh-x-private.h"
#include "sh-x-provider.h"
#include "provider-test.h"
#include "test-util.h"

#define ACME        "44196397"   /* @acmecoffee, signed in by person 10001 */
#define ACME_PERSON "10001"
#define BAKERY      "44196398"   /* @bakeryandsons, person 10003 */

#define TOKEN_POST  "POST /x/2/oauth2/token"
#define REVOKE_POST "POST /x/2/oauth2/revoke"
#define USERS_ME    "GET /x/2/users/me"

#define WAIT_MS 30000

typedef struct {
  ShSandboxServer *server;
  ShSandboxWorld  *world;
  char            *data_dir;
  ShManager       *manager;
  ShProvider      *provider;
  SoupSession     *browser;
  guint            port;
  char            *redirect_uri;
} Fixture;

/* ---- helpers: sockets --------------------------------------------------------- */

static gboolean
can_connect (const char *ip,
             guint       port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (ip);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (address, port);
  g_autoptr(GSocketConnection) connection = NULL;

  g_socket_client_set_timeout (client, 5);
  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (socket_address), NULL, NULL);
  return connection != NULL;
}

/* ---- fixture ------------------------------------------------------------------ */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *port = NULL;

  fixture->server = sh_test_sandbox_start ();
  fixture->world = sh_sandbox_server_get_world (fixture->server);
  /* The browser's trip through the consent page takes no time. */
  sh_sandbox_world_set_approve_delay (fixture->world, 0);

  fixture->port = sh_test_free_port ();
  port = g_strdup_printf ("%u", fixture->port);
  g_setenv ("SOCIALHUB_X_REDIRECT_PORT", port, TRUE);
  g_setenv ("SOCIALHUB_X_BROWSER", "none", TRUE);
  fixture->redirect_uri = g_strdup_printf ("http://127.0.0.1:%u/callback", fixture->port);
  sh_sandbox_world_allow_x_redirect (fixture->world, fixture->redirect_uri);

  fixture->data_dir = sh_test_make_dir ();
  fixture->manager = sh_test_manager_new_loaded (fixture->data_dir);

  fixture->provider = sh_x_provider_new ();
  g_assert_false (sh_x_provider_get_open_browser (SH_X_PROVIDER (fixture->provider)));
  sh_manager_add_provider (fixture->manager, fixture->provider);

  fixture->browser = soup_session_new_with_options ("max-conns-per-host", 4, "timeout", 10, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* Secrets travel in headers and form bodies, never in a URL. */
  sh_test_assert_no_token_in_urls (fixture->server, (const char * const []) {
    "access_token=", "refresh_token=", "code_verifier", NULL });
  g_clear_object (&fixture->browser);
  g_clear_object (&fixture->provider);
  g_clear_object (&fixture->manager);
  g_clear_object (&fixture->server);
  g_free (fixture->data_dir);
  g_free (fixture->redirect_uri);
}

/* ---- helpers: the request log, the world, the keyring ---------------------------- */

static guint
count_log (Fixture    *fixture,
           const char *prefix)
{
  return sh_test_count_requests (fixture->server, prefix, TRUE);
}

static const char *
log_line (Fixture *fixture,
          guint    i)
{
  g_assert_cmpuint (i, <, sh_sandbox_server_get_request_log (fixture->server)->len);
  return g_ptr_array_index (sh_sandbox_server_get_request_log (fixture->server), i);
}

/* A new provider, as a new process would have: no memory of throttles or
 * renewals. */
static void
replace_provider (Fixture *fixture)
{
  g_clear_object (&fixture->provider);
  fixture->provider = sh_x_provider_new ();
  sh_manager_add_provider (fixture->manager, fixture->provider);
}

static void
add_fault (Fixture    *fixture,
           const char *path_prefix,
           const char *x_form,
           int         count)
{
  ShSandboxFault *fault = g_new0 (ShSandboxFault, 1);

  fault->kind = SH_SANDBOX_FAULT_THROTTLE;
  fault->network = g_strdup ("x");
  fault->path_prefix = g_strdup (path_prefix);
  fault->x_form = g_strdup (x_form);
  fault->remaining = count;
  sh_sandbox_world_add_fault (fixture->world, fault);
}

static ShSandboxToken *
world_token (Fixture    *fixture,
             const char *value)
{
  ShSandboxToken *token = sh_sandbox_world_lookup_token (fixture->world, value);

  g_assert_nonnull (token);
  return token;
}

/* An access and refresh token for @account_id, as the token endpoint would
 * give them. */
static void
issue_pair (Fixture         *fixture,
            const char      *account_id,
            ShSandboxToken **out_access,
            ShSandboxToken **out_refresh)
{
  static const char * const scopes[] = { "tweet.read", "users.read", "offline.access", NULL };
  ShSandboxXAccount *account = sh_sandbox_world_get_x_account (fixture->world, account_id);
  ShSandboxToken *access, *refresh;

  g_assert_nonnull (account);
  access = sh_sandbox_world_issue_token (fixture->world, SH_SANDBOX_TOKEN_X_ACCESS,
                                         account->owner_id, account->id,
                                         SH_SANDBOX_X_ACCESS_LIFETIME, scopes);
  refresh = sh_sandbox_world_issue_token (fixture->world, SH_SANDBOX_TOKEN_X_REFRESH,
                                          account->owner_id, account->id, 0, scopes);
  access->partner = g_strdup (refresh->value);
  refresh->partner = g_strdup (access->value);
  *out_access = access;
  *out_refresh = refresh;
}

/* Files a pair of the world as a signed-in token of @account_id whose
 * access token ends at @expires_at by the keyring's record. */
static ShToken *
add_pair (Fixture         *fixture,
          const char      *account_id,
          gint64           expires_at,
          ShSandboxToken **out_access,
          ShSandboxToken **out_refresh)
{
  ShSandboxXAccount *account = sh_sandbox_world_get_x_account (fixture->world, account_id);
  g_autoptr(ShGrantedChannel) granted = sh_granted_channel_new ("x");
  ShSandboxToken *access, *refresh;

  issue_pair (fixture, account_id, &access, &refresh);
  granted->external_id = g_strdup (account->id);
  granted->name = g_strconcat ("@", account->username, NULL);
  granted->owner_id = g_strdup (account->id);
  granted->owner_name = g_strdup (account->name);
  granted->secret = sh_secret_new (access->value, refresh->value, expires_at);
  if (out_access != NULL)
    *out_access = access;
  if (out_refresh != NULL)
    *out_refresh = refresh;
  return sh_test_file_granted (fixture->manager, granted);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static GHashTable *
load_secrets (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShSecretStore *store = sh_manager_get_secret_store (fixture->manager);
  GHashTable *secrets;

  sh_secret_store_load_async (store, "x", NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, WAIT_MS);
  secrets = sh_secret_store_load_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (secrets);
  return secrets;
}

static ShSecret *
stored_secret (Fixture *fixture,
               ShToken *token)
{
  g_autoptr(GHashTable) secrets = load_secrets (fixture);
  ShSecret *secret = g_hash_table_lookup (secrets, sh_token_get_id (token));

  g_assert_nonnull (secret);
  return sh_secret_copy (secret);
}

/* ---- helpers: the browser ---------------------------------------------------------- */

typedef struct {
  guint   status;
  char   *body;
  char   *location;
  GError *error;
} Page;

static void
page_free (Page *page)
{
  g_free (page->body);
  g_free (page->location);
  g_clear_error (&page->error);
  g_free (page);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Page, page_free)

typedef struct {
  SoupMessage  *msg;
  GAsyncResult *result;
} Fetch;

static void
fetch_start (Fixture    *fixture,
             Fetch      *fetch,
             const char *uri)
{
  fetch->msg = soup_message_new ("GET", uri);
  fetch->result = NULL;
  g_assert_nonnull (fetch->msg);
  soup_message_add_flags (fetch->msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (fixture->browser, fetch->msg, G_PRIORITY_DEFAULT, NULL,
                                    sh_test_store_result, &fetch->result);
}

static Page *
fetch_finish (Fixture *fixture,
              Fetch   *fetch)
{
  Page *page = g_new0 (Page, 1);
  g_autoptr(GBytes) bytes = NULL;

  sh_test_wait_for_result (&fetch->result, 15000);
  bytes = soup_session_send_and_read_finish (fixture->browser, fetch->result, &page->error);
  if (bytes != NULL)
    {
      page->status = soup_message_get_status (fetch->msg);
      page->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      page->location = g_strdup (soup_message_headers_get_one (
        soup_message_get_response_headers (fetch->msg), "Location"));
    }
  g_clear_object (&fetch->msg);
  g_clear_object (&fetch->result);
  return page;
}

static Page *
fetch (Fixture    *fixture,
       const char *uri)
{
  Fetch one;

  fetch_start (fixture, &one, uri);
  return fetch_finish (fixture, &one);
}

/* What X's consent page sends the browser back with. */
static char *
approve (Fixture    *fixture,
         const char *authorize_uri)
{
  g_autoptr(Page) page = fetch (fixture, authorize_uri);

  g_assert_no_error (page->error);
  g_assert_cmpuint (page->status, ==, SOUP_STATUS_FOUND);
  g_assert_nonnull (page->location);
  g_assert_true (g_str_has_prefix (page->location, fixture->redirect_uri));
  return g_steal_pointer (&page->location);
}

static GHashTable *
query_of (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  GHashTable *params;

  g_assert_nonnull (parsed);
  g_assert_nonnull (g_uri_get_query (parsed));
  params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_nonnull (params);
  return params;
}

/* The same redirect with the state replaced. */
static char *
with_state (const char *location,
            const char *state)
{
  g_autoptr(GHashTable) params = query_of (location);
  g_autofree char *code = g_uri_escape_string (g_hash_table_lookup (params, "code"), NULL, FALSE);
  const char *question = strchr (location, '?');

  return g_strdup_printf ("%.*s?state=%s&code=%s", (int) (question - location), location, state,
                          code);
}

/* ---- helpers: sign-in ----------------------------------------------------------------- */

typedef struct {
  Fixture      *fixture;
  guint         n_prompts;
  char         *authorize_uri;
  gint64        expires_at;
  GAsyncResult *result;
} SignIn;

static void
on_prompt (const ShSignInPrompt *prompt,
           gpointer              user_data)
{
  SignIn *sign_in = user_data;

  sign_in->n_prompts++;
  g_assert_null (prompt->user_code);
  g_assert_nonnull (prompt->authorize_uri);
  g_free (sign_in->authorize_uri);
  sign_in->authorize_uri = g_strdup (prompt->authorize_uri);
  sign_in->expires_at = prompt->expires_at;
}

static void
sign_in_start (Fixture      *fixture,
               SignIn       *sign_in,
               GCancellable *cancellable)
{
  memset (sign_in, 0, sizeof *sign_in);
  sign_in->fixture = fixture;
  sh_provider_sign_in_async (fixture->provider, on_prompt, sign_in, cancellable,
                             sh_test_store_result, &sign_in->result);
}

static GPtrArray *
sign_in_finish (SignIn  *sign_in,
                guint    timeout_ms,
                GError **error)
{
  GPtrArray *channels;

  sh_test_wait_for_result (&sign_in->result, timeout_ms);
  channels = sh_provider_sign_in_finish (sign_in->fixture->provider, sign_in->result, error);
  g_clear_object (&sign_in->result);
  g_clear_pointer (&sign_in->authorize_uri, g_free);
  return channels;
}

/* Spins the main loop for @ms, for things that must NOT happen. */
static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static void
wait_until_closed (Fixture *fixture)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (can_connect ("127.0.0.1", fixture->port))
    {
      if (g_get_monotonic_time () > end)
        g_error ("the loopback server still listens");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

static void
assert_base64url (const char *value,
                  gsize       length)
{
  g_assert_nonnull (value);
  g_assert_cmpuint (strlen (value), ==, length);
  g_assert_cmpuint (strspn (value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789-_"), ==, length);
}

/* ---- sign-in ------------------------------------------------------------------------ */

/* The whole sign-in: the authorize address, the consent page's 302, the
 * loopback answer, the code exchanged with the verifier, the account. */
static void
test_sign_in (Fixture       *fixture,
              gconstpointer  data)
{
  SignIn sign_in;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(Page) page = NULL;
  g_autofree char *location = NULL;
  g_autofree char *authorize = sh_sandbox_server_dup_x_authorize_url (fixture->server);
  g_autoptr(ShToken) token = NULL;
  ShGrantedChannel *channel;
  ShSandboxToken *access, *refresh;
  gint64 now = now_seconds ();

  sign_in_start (fixture, &sign_in, NULL);
  g_assert_cmpuint (sign_in.n_prompts, ==, 1);
  g_assert_true (g_str_has_prefix (sign_in.authorize_uri, authorize));
  g_assert_cmpint (sign_in.expires_at, >=, now + SH_X_DEFAULT_SIGN_IN_TIMEOUT - 5);
  /* The server listens before the prompt is shown. */
  g_assert_true (can_connect ("127.0.0.1", fixture->port));

  params = query_of (sign_in.authorize_uri);
  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, SH_SANDBOX_X_CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==, fixture->redirect_uri);
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, "tweet.read users.read offline.access");
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
  assert_base64url (g_hash_table_lookup (params, "code_challenge"), 43);
  /* 256 random bits; at least 128 are required. */
  assert_base64url (g_hash_table_lookup (params, "state"), 43);
  g_assert_null (strstr (sign_in.authorize_uri, "sandbox_instant"));

  location = approve (fixture, sign_in.authorize_uri);
  page = fetch (fixture, location);
  g_assert_no_error (page->error);
  g_assert_cmpuint (page->status, ==, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (page->body, "return to SocialHub"));

  channels = sign_in_finish (&sign_in, WAIT_MS, &error);
  g_assert_no_error (error);
  g_assert_nonnull (channels);
  g_assert_cmpuint (channels->len, ==, 1);
  channel = g_ptr_array_index (channels, 0);
  g_assert_cmpstr (channel->network, ==, "x");
  g_assert_cmpstr (channel->external_id, ==, ACME);
  g_assert_cmpstr (channel->name, ==, "@acmecoffee");
  g_assert_cmpstr (channel->owner_id, ==, ACME);
  g_assert_cmpstr (channel->owner_name, ==, "Acme Coffee");
  g_assert_nonnull (channel->picture_url);
  g_assert_true (g_strv_contains ((const char * const *) channel->scopes, "offline.access"));
  /* The grant lives as long as refreshes succeed; the access token's end
   * is in the secret. */
  g_assert_cmpint (channel->expires_at, ==, 0);
  g_assert_nonnull (channel->secret);
  g_assert_cmpint (channel->secret->expires_at, >=, now + SH_SANDBOX_X_ACCESS_LIFETIME - 5);
  g_assert_cmpint (channel->secret->expires_at, <=, now_seconds () + SH_SANDBOX_X_ACCESS_LIFETIME);
  access = world_token (fixture, channel->secret->access_token);
  refresh = world_token (fixture, channel->secret->refresh_token);
  g_assert_cmpint (access->kind, ==, SH_SANDBOX_TOKEN_X_ACCESS);
  g_assert_cmpint (refresh->kind, ==, SH_SANDBOX_TOKEN_X_REFRESH);
  g_assert_cmpstr (access->target_id, ==, ACME);
  g_assert_cmpstr (access->person_id, ==, ACME_PERSON);

  /* One code, exchanged once; then the server is gone. */
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 1);
  wait_until_closed (fixture);

  /* Filed and checked: connected. */
  token = sh_test_file_granted (fixture->manager, channel);
  g_assert_cmpint (sh_token_get_expires_at (token), ==, 0);
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_VALID);
  {
    ShCheckSummary summary = sh_test_check_all (fixture->manager);

    g_assert_cmpuint (summary.n_checked, ==, 1);
    g_assert_cmpuint (summary.n_unknown, ==, 0);
  }
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "signed in");
  g_assert_cmpint (sh_test_channel_state (fixture->manager, "x", ACME), ==,
                   SH_CHANNEL_STATE_CONNECTED);
}

/* After a refused answer: the sign-in still waits and listens, nothing was
 * exchanged; the browser's own answer then ends it with one channel and one
 * code exchanged. */
static void
assert_refused_then_signed_in (Fixture    *fixture,
                               SignIn     *sign_in,
                               const char *location)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels = NULL;

  spin (200);
  g_assert_null (sign_in->result);
  g_assert_true (can_connect ("127.0.0.1", fixture->port));
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 0);

  {
    g_autoptr(Page) page = fetch (fixture, location);

    g_assert_cmpuint (page->status, ==, SOUP_STATUS_OK);
  }
  channels = sign_in_finish (sign_in, WAIT_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (channels->len, ==, 1);
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 1);
  wait_until_closed (fixture);
}

/* An answer with another state is refused with a page that says so; the
 * server keeps waiting for the real one. */
static void
test_sign_in_wrong_state (Fixture       *fixture,
                          gconstpointer  data)
{
  SignIn sign_in;
  g_autofree char *location = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *other_state = sh_pkce_new_state ();

  sign_in_start (fixture, &sign_in, NULL);
  location = approve (fixture, sign_in.authorize_uri);
  forged = with_state (location, other_state);

  {
    g_autoptr(Page) page = fetch (fixture, forged);

    g_assert_no_error (page->error);
    g_assert_cmpuint (page->status, ==, SOUP_STATUS_BAD_REQUEST);
    g_assert_nonnull (strstr (page->body, "does not belong to the sign-in"));
  }
  {
    g_autofree char *no_state = g_strconcat (fixture->redirect_uri, "?code=abc", NULL);
    g_autoptr(Page) page = fetch (fixture, no_state);

    g_assert_cmpuint (page->status, ==, SOUP_STATUS_BAD_REQUEST);
  }
  /* Still waiting, still listening, nothing exchanged. */
  assert_refused_then_signed_in (fixture, &sign_in, location);
}

/* A GET of @target sent to the loopback server with a Host header of the
 * test's choosing, as a page on another name that resolves to 127.0.0.1
 * would send it (DNS rebinding); libsoup always sends the real one. The
 * answer's status, once the server has closed the connection. */
static guint
raw_get (Fixture    *fixture,
         const char *target,
         const char *host)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, fixture->port);
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autofree char *head = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", target, host);
  g_autoptr(GString) answer = g_string_new (NULL);
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint status = 0;

  g_assert_no_error (error);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  /* A few hundred bytes: the kernel takes them at once. */
  g_assert_cmpint (g_socket_send (socket, head, strlen (head), NULL, &error), ==, strlen (head));
  g_socket_set_blocking (socket, FALSE);
  for (;;)
    {
      g_autoptr(GError) read_error = NULL;
      char buffer[1024];
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &read_error);

      if (n > 0)
        g_string_append_len (answer, buffer, n);
      else if (n == 0 || !g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      else if (g_get_monotonic_time () > end)
        g_error ("the loopback server did not answer");
      else
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (2000);
        }
    }
  sscanf (answer->str, "HTTP/1.1 %3u ", &status);
  return status;
}

/* The right answer from a page on another name (DNS rebinding) is refused
 * and does not end the sign-in; the browser's own still does. */
static void
test_sign_in_wrong_host (Fixture       *fixture,
                         gconstpointer  data)
{
  SignIn sign_in;
  g_autofree char *location = NULL;
  g_autofree char *rebinding = g_strdup_printf ("evil.example:%u", fixture->port);
  const char *target;

  sign_in_start (fixture, &sign_in, NULL);
  location = approve (fixture, sign_in.authorize_uri);
  target = strstr (location, "/callback?");
  g_assert_nonnull (target);

  g_assert_cmpuint (raw_get (fixture, target, rebinding), ==, 421);
  assert_refused_then_signed_in (fixture, &sign_in, location);
}

/* Two answers at once, both right: one is taken, one code is exchanged. */
static void
test_sign_in_one_code (Fixture       *fixture,
                       gconstpointer  data)
{
  SignIn sign_in;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels = NULL;
  g_autofree char *location = NULL;
  g_autofree char *second = NULL;
  Fetch fetches[2];
  guint n_ok = 0;

  sign_in_start (fixture, &sign_in, NULL);
  location = approve (fixture, sign_in.authorize_uri);
  /* A second code of the same sign-in, as a second tab would bring. */
  second = approve (fixture, sign_in.authorize_uri);
  g_assert_cmpstr (location, !=, second);

  fetch_start (fixture, &fetches[0], location);
  fetch_start (fixture, &fetches[1], second);
  for (guint i = 0; i < G_N_ELEMENTS (fetches); i++)
    {
      g_autoptr(Page) page = fetch_finish (fixture, &fetches[i]);

      if (page->error == NULL && page->status == SOUP_STATUS_OK)
        n_ok++;
      else if (page->error == NULL)
        g_assert_cmpuint (page->status, ==, SOUP_STATUS_CONFLICT);
    }
  g_assert_cmpuint (n_ok, ==, 1);

  channels = sign_in_finish (&sign_in, WAIT_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (channels->len, ==, 1);
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 1);
  wait_until_closed (fixture);

  /* Afterwards nothing listens for a third. */
  {
    g_autoptr(Page) page = fetch (fixture, location);

    g_assert_nonnull (page->error);
  }
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 1);
}

/* 127.0.0.1 only; closed when the sign-in is cancelled. */
static void
test_sign_in_loopback_only (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels = NULL;
  SignIn sign_in;

  sign_in_start (fixture, &sign_in, cancellable);
  g_assert_true (can_connect ("127.0.0.1", fixture->port));
  /* Another loopback address and IPv6: nothing listens there. */
  g_assert_false (can_connect ("127.0.0.2", fixture->port));
  g_assert_false (can_connect ("::1", fixture->port));

  /* Anything but the callback path is not found. */
  {
    g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/", fixture->port);
    g_autoptr(Page) page = fetch (fixture, uri);

    g_assert_cmpuint (page->status, ==, SOUP_STATUS_NOT_FOUND);
  }

  g_cancellable_cancel (cancellable);
  channels = sign_in_finish (&sign_in, 3000, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (channels);
  wait_until_closed (fixture);
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 0);
}

/* Nobody comes back: the sign-in ends, and the server with it. */
static void
test_sign_in_timeout (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels = NULL;
  SignIn sign_in;

  sh_x_provider_set_sign_in_timeout (SH_X_PROVIDER (fixture->provider), 1);
  sign_in_start (fixture, &sign_in, NULL);
  g_assert_cmpint (sign_in.expires_at, <=, now_seconds () + 1);
  g_assert_true (can_connect ("127.0.0.1", fixture->port));
  channels = sign_in_finish (&sign_in, 5000, &error);
  g_assert_error (error, SH_ERROR, SH_ERROR_SIGN_IN_EXPIRED);
  g_assert_null (channels);
  wait_until_closed (fixture);
}

/* The person says no on X. */
static void
test_sign_in_denied (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *denied = NULL;
  g_autofree char *state = NULL;
  SignIn sign_in;

  sign_in_start (fixture, &sign_in, NULL);
  params = query_of (sign_in.authorize_uri);
  state = g_uri_escape_string (g_hash_table_lookup (params, "state"), NULL, FALSE);
  denied = g_strdup_printf ("%s?error=access_denied&state=%s", fixture->redirect_uri, state);
  {
    g_autoptr(Page) page = fetch (fixture, denied);

    g_assert_cmpuint (page->status, ==, SOUP_STATUS_OK);
    g_assert_nonnull (strstr (page->body, "return to SocialHub"));
  }
  channels = sign_in_finish (&sign_in, WAIT_MS, &error);
  g_assert_error (error, SH_ERROR, SH_ERROR_SIGN_IN_DECLINED);
  g_assert_null (channels);
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 0);
  wait_until_closed (fixture);
}

/* Another program holds the port: said at once, before any prompt. */
static void
test_sign_in_port_in_use (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketListener) squatter = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, fixture->port);
  g_autoptr(GPtrArray) channels = NULL;
  SignIn sign_in;

  g_assert_true (g_socket_listener_add_address (squatter, address, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, NULL, &error));
  g_assert_no_error (error);
  sign_in_start (fixture, &sign_in, NULL);
  channels = sign_in_finish (&sign_in, 3000, &error);
  g_assert_error (error, SH_ERROR, SH_ERROR_NOT_AVAILABLE);
  g_assert_nonnull (strstr (error->message, "x-redirect-port"));
  g_assert_null (channels);
  g_assert_cmpuint (sign_in.n_prompts, ==, 0);
  g_socket_listener_close (squatter);
}

/* Every attempt brings its own verifier and state; nothing is reused, and
 * an answer to an earlier attempt is not taken by a later one. */
static void
test_sign_in_fresh_secrets (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) challenges = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *old_location = NULL;

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GHashTable) params = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) channels = NULL;
      SignIn sign_in;
      const char *challenge, *state;

      sign_in_start (fixture, &sign_in, cancellable);
      params = query_of (sign_in.authorize_uri);
      challenge = g_hash_table_lookup (params, "code_challenge");
      state = g_hash_table_lookup (params, "state");
      for (guint j = 0; j < challenges->len; j++)
        {
          g_assert_cmpstr (g_ptr_array_index (challenges, j), !=, challenge);
          g_assert_cmpstr (g_ptr_array_index (states, j), !=, state);
        }
      g_ptr_array_add (challenges, g_strdup (challenge));
      g_ptr_array_add (states, g_strdup (state));

      if (old_location != NULL)
        {
          /* The previous attempt's answer: refused by this one. */
          g_autoptr(Page) page = fetch (fixture, old_location);

          g_assert_cmpuint (page->status, ==, SOUP_STATUS_BAD_REQUEST);
        }
      g_free (old_location);
      old_location = approve (fixture, sign_in.authorize_uri);

      g_cancellable_cancel (cancellable);
      channels = sign_in_finish (&sign_in, 3000, &error);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      wait_until_closed (fixture);
    }
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 0);
}

/* ---- identify a pasted token -------------------------------------------------------- */

/* An access token of Bakery & Sons without its refresh token, as a person
 * would paste one. */
static ShSandboxToken *
issue_lone_access_token (Fixture *fixture)
{
  static const char * const scopes[] = { "tweet.read", "users.read", NULL };

  return sh_sandbox_world_issue_token (fixture->world, SH_SANDBOX_TOKEN_X_ACCESS, "10003", BAKERY,
                                       SH_SANDBOX_X_ACCESS_LIFETIME, scopes);
}

static void
test_identify (Fixture       *fixture,
               gconstpointer  data)
{
  ShSandboxToken *access = issue_lone_access_token (fixture);
  g_autofree char *padded = g_strdup_printf ("  %s\n", access->value);
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShToken) token = NULL;
  ShGrantedChannel *channel;
  gint64 now = now_seconds ();

  channels = sh_test_identify (fixture->provider, padded, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (channels->len, ==, 1);
  channel = g_ptr_array_index (channels, 0);
  g_assert_cmpstr (channel->external_id, ==, BAKERY);
  g_assert_cmpstr (channel->name, ==, "@bakeryandsons");
  g_assert_cmpstr (channel->owner_id, ==, BAKERY);
  g_assert_cmpstr (channel->owner_name, ==, "Bakery & Sons");
  g_assert_true (g_str_equal (channel->secret->access_token, access->value));
  g_assert_null (channel->secret->refresh_token);
  /* Without a refresh token it lives two hours at most, and X does not
   * say how much of them is left: it may end any moment from now, and two
   * hours from now at the latest (issue 20, item 7). */
  g_assert_cmpint (channel->secret->expires_at, >=, now);
  g_assert_cmpint (channel->secret->expires_at, <=, now_seconds ());
  g_assert_cmpint (channel->expires_at, ==, channel->secret->expires_at);
  g_assert_cmpint (channel->expires_by, ==, channel->expires_at + SH_X_ACCESS_LIFETIME);
  g_assert_cmpuint (count_log (fixture, USERS_ME), ==, 1);

  token = sh_test_file_granted (fixture->manager, channel);
  g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_EXPIRING);
  g_assert_cmpint (sh_token_get_expires_by (token), ==, channel->expires_by);
  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_EXPIRING, SH_TOKEN_REASON_NONE, "pasted");

  /* X's 401 does not say whether it ran out or was revoked; of a token
   * whose age is unknown, running out is assumed. */
  g_assert_true (sh_sandbox_world_revoke_token (fixture->world, access->value));
  sh_test_clear_requests (fixture->server);
  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_EXPIRED, SH_TOKEN_REASON_EXPIRED, "pasted, 401");
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 0);
}

/* A token made 90 minutes before it was pasted (issue 20, item 7): its end,
 * 30 minutes after the paste, is not assumed later than it is; the 401 at
 * its end reads expired, not "invalid: its owner logged out". */
static void
test_identify_age_unknown (Fixture       *fixture,
                           gconstpointer  data)
{
  ShSandboxToken *access = issue_lone_access_token (fixture);
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShToken) token = NULL;
  ShGrantedChannel *channel;
  gint64 real_end;

  sh_sandbox_world_advance (fixture->world, 90 * 60);
  real_end = now_seconds () + SH_SANDBOX_X_ACCESS_LIFETIME - 90 * 60;
  channels = sh_test_identify (fixture->provider, access->value, &error);
  g_assert_no_error (error);
  channel = g_ptr_array_index (channels, 0);
  g_assert_cmpint (channel->expires_at, <=, real_end);
  g_assert_cmpint (channel->secret->expires_at, <=, real_end);

  token = sh_test_file_granted (fixture->manager, channel);
  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_EXPIRING, SH_TOKEN_REASON_NONE, "pasted late");

  /* Its two hours are over at X. */
  sh_sandbox_world_advance (fixture->world, 31 * 60);
  sh_test_clear_requests (fixture->server);
  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_EXPIRED, SH_TOKEN_REASON_EXPIRED, "ran out at X");
}

static void
test_identify_refused (Fixture       *fixture,
                       gconstpointer  data)
{
  ShSandboxToken *access, *refresh;
  g_autofree char *made_up = sh_sandbox_random_string ("", 91);
  const char *not_tokens[] = { "", "  \n", "two words", "caf\xc3\xa9" };

  issue_pair (fixture, ACME, &access, &refresh);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) channels = sh_test_identify (fixture->provider, made_up, &error);

    g_assert_error (error, SH_ERROR, SH_ERROR_TOKEN_REFUSED);
    g_assert_null (channels);
    g_assert_null (strstr (error->message, made_up));
  }
  {
    /* A refresh token is not an access token. */
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) channels = sh_test_identify (fixture->provider, refresh->value, &error);

    g_assert_error (error, SH_ERROR, SH_ERROR_TOKEN_REFUSED);
    g_assert_null (channels);
  }
  sh_test_clear_requests (fixture->server);
  for (guint i = 0; i < G_N_ELEMENTS (not_tokens); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) channels = sh_test_identify (fixture->provider, not_tokens[i], &error);

      g_assert_error (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT);
      g_assert_null (channels);
    }
  {
    /* The reason says what is wrong (the one syntax check of
     * sh-token-syntax.h), and nothing was sent. */
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) channels = sh_test_identify (fixture->provider, "abc\x01" "def", &error);

    g_assert_error (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT);
    g_assert_cmpstr (error->message, ==, "This is not an X access token: it contains a control character.");
  }
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 0);
}

static void add_http_fault (Fixture *fixture, ShSandboxFaultKind kind, guint status, int code);

/* Pasting behind a captive portal or a TLS-intercepting proxy: its 401 page
 * is not X's refusal, so the token is not called dead. */
static void
test_identify_behind_portal (Fixture       *fixture,
                             gconstpointer  data)
{
  ShSandboxToken *access, *refresh;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels = NULL;

  issue_pair (fixture, ACME, &access, &refresh);
  add_http_fault (fixture, SH_SANDBOX_FAULT_HTML, 401, 0);
  channels = sh_test_identify (fixture->provider, access->value, &error);
  g_assert_null (channels);
  g_assert_error (error, SH_ERROR, SH_ERROR_SERVER);
  g_assert_cmpstr (error->message, ==, "X gave an answer SocialHub cannot use (HTTP 401).");
  g_assert_cmpuint (count_log (fixture, USERS_ME), ==, 1);

  /* Once through: the same token works. */
  sh_sandbox_world_clear_faults (fixture->world);
  g_clear_error (&error);
  g_clear_pointer (&channels, g_ptr_array_unref);
  channels = sh_test_identify (fixture->provider, access->value, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (channels->len, ==, 1);
}

/* ---- checks ---------------------------------------------------------------------------- */

static void
test_check_valid (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(ShToken) acme = add_pair (fixture, ACME, now_seconds () + 7000, NULL, NULL);
  g_autoptr(ShToken) bakery = add_pair (fixture, BAKERY, now_seconds () + 7000, NULL, NULL);
  ShCheckSummary summary;

  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (summary.n_checked, ==, 2);
  g_assert_cmpuint (summary.n_unknown, ==, 0);
  g_assert_cmpuint (summary.n_requests, ==, 2);
  g_assert_cmpuint (count_log (fixture, USERS_ME), ==, 2);
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 2);
  assert_verdict (acme, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "acme");
  assert_verdict (bakery, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "bakery");
  g_assert_cmpint (sh_checker_exit_status (G_LIST_MODEL (sh_manager_get_channels (fixture->manager))), ==, 0);
}

/* X says the access token is dead: one refresh, the new pair in the
 * keyring, the old refresh token spent, and the token valid. */
static void
test_check_refresh_on_401 (Fixture       *fixture,
                           gconstpointer  data)
{
  ShSandboxToken *access, *refresh;
  g_autoptr(ShToken) token = add_pair (fixture, ACME, now_seconds () + 7000, &access, &refresh);
  g_autoptr(ShSecret) stored = NULL;
  g_autofree char *old_refresh = g_strdup (refresh->value);
  g_autofree char *old_access = g_strdup (access->value);
  ShCheckSummary summary;

  g_assert_true (sh_sandbox_world_expire_token (fixture->world, access->value));
  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (summary.n_checked, ==, 1);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "refreshed");
  /* 401, refresh, then the new access token works. */
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 3);
  g_assert_cmpstr (log_line (fixture, 0), ==, USERS_ME);
  g_assert_cmpstr (log_line (fixture, 1), ==, TOKEN_POST);
  g_assert_cmpstr (log_line (fixture, 2), ==, USERS_ME);

  stored = stored_secret (fixture, token);
  g_assert_false (g_str_equal (stored->access_token, old_access));
  g_assert_nonnull (stored->refresh_token);
  g_assert_false (g_str_equal (stored->refresh_token, old_refresh));
  g_assert_cmpint (stored->expires_at, >, now_seconds () + SH_X_ACCESS_LIFETIME - 60);
  g_assert_true (world_token (fixture, old_refresh)->revoked);
  g_assert_cmpint (world_token (fixture, stored->refresh_token)->kind, ==, SH_SANDBOX_TOKEN_X_REFRESH);
  g_assert_false (world_token (fixture, stored->refresh_token)->revoked);
  /* The token object itself does not expire: the grant goes on. */
  g_assert_cmpint (sh_token_get_expires_at (token), ==, 0);

  /* The next check uses the new pair as it is. */
  sh_test_clear_requests (fixture->server);
  sh_test_check_all (fixture->manager);
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 0);
  g_assert_cmpuint (count_log (fixture, USERS_ME), ==, 1);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "after refresh");
}

/* The keyring's record says the access token is at its end: refreshed
 * before use, without a wasted 401. */
static void
test_check_refresh_before_use (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(ShToken) token = add_pair (fixture, ACME, now_seconds () + 60, NULL, NULL);
  g_autoptr(ShSecret) stored = NULL;

  sh_test_clear_requests (fixture->server);
  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "refreshed early");
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 2);
  g_assert_cmpstr (log_line (fixture, 0), ==, TOKEN_POST);
  g_assert_cmpstr (log_line (fixture, 1), ==, USERS_ME);
  stored = stored_secret (fixture, token);
  g_assert_cmpint (stored->expires_at, >, now_seconds () + SH_X_ACCESS_LIFETIME - 60);
}

typedef struct {
  GAsyncResult *result;
} Pending;

/* Two checks of one token at once: ONE refresh, and neither calls the
 * token revoked for the other's spent refresh token. */
static void
test_check_one_refresh_at_once (Fixture       *fixture,
                                gconstpointer  data)
{
  ShSandboxToken *access, *refresh;
  g_autoptr(ShToken) token = add_pair (fixture, ACME, now_seconds () + 7000, &access, &refresh);
  g_autoptr(ShSecret) stored = NULL;
  Pending pending[3] = { { NULL } };

  /* Through the manager, twice: each reads the keyring itself. */
  g_assert_true (sh_sandbox_world_expire_token (fixture->world, access->value));
  sh_test_clear_requests (fixture->server);
  sh_checker_check_async (sh_manager_get_checker (fixture->manager), NULL, sh_test_store_result, &pending[0].result);
  sh_checker_check_async (sh_manager_get_checker (fixture->manager), NULL, sh_test_store_result, &pending[1].result);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;

      sh_test_wait_for_result (&pending[i].result, WAIT_MS);
      g_assert_true (sh_checker_check_finish (sh_manager_get_checker (fixture->manager), pending[i].result, NULL, &error));
      g_assert_no_error (error);
      g_clear_object (&pending[i].result);
    }
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 1);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "two checks");

  /* Straight to the provider, three times at once, with one copy of the
   * secrets read before any of them. */
  stored = stored_secret (fixture, token);
  g_assert_true (sh_sandbox_world_expire_token (fixture->world, stored->access_token));
  {
    g_autoptr(GHashTable) secrets = load_secrets (fixture);
    g_autoptr(GPtrArray) tokens = g_ptr_array_new ();

    g_ptr_array_add (tokens, token);
    sh_test_clear_requests (fixture->server);
    for (guint i = 0; i < G_N_ELEMENTS (pending); i++)
      sh_provider_check_async (fixture->provider, tokens, secrets,
                               NULL, sh_test_store_result, &pending[i].result);
    for (guint i = 0; i < G_N_ELEMENTS (pending); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GHashTable) verdicts = NULL;
        ShCheckSummary summary = { 0 };

        sh_test_wait_for_result (&pending[i].result, WAIT_MS);
        verdicts = sh_provider_check_finish (fixture->provider, pending[i].result, &summary, &error);
        g_assert_nonnull (verdicts);
        g_assert_no_error (error);
        g_assert_cmpuint (summary.n_checked, ==, 1);
        g_clear_object (&pending[i].result);
      }
  }
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 1);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "three checks");

  /* The same stale copy once more, after the refresh: the new pair, not a
   * second refresh (which X would refuse). */
  {
    g_autoptr(GHashTable) stale = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) sh_secret_free);
    g_autoptr(GPtrArray) tokens = g_ptr_array_new ();
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GHashTable) verdicts = NULL;

    g_hash_table_insert (stale, g_strdup (sh_token_get_id (token)), sh_secret_copy (stored));
    g_ptr_array_add (tokens, token);
    sh_test_clear_requests (fixture->server);
    sh_provider_check_async (fixture->provider, tokens, stale,
                             NULL, sh_test_store_result, &result);
    sh_test_wait_for_result (&result, WAIT_MS);
    verdicts = sh_provider_check_finish (fixture->provider, result, NULL, &error);
    g_assert_nonnull (verdicts);
    g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 0);
    assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "stale copy");
  }
}

/* The owner revoked the app: the 401's refresh is refused — revoked. */
static void
test_check_revoked (Fixture       *fixture,
                    gconstpointer  data)
{
  ShSandboxToken *access, *refresh;
  g_autoptr(ShToken) token = add_pair (fixture, ACME, now_seconds () + 7000, &access, &refresh);
  ShCheckSummary summary;

  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "before");
  g_assert_true (sh_sandbox_world_revoke_token (fixture->world, refresh->value));
  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (summary.n_checked, ==, 1);
  assert_verdict (token, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_REVOKED, "revoked");
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 1);
  g_assert_cmpint (sh_test_channel_state (fixture->manager, "x", ACME), ==,
                   SH_CHANNEL_STATE_DISCONNECTED);
  g_assert_cmpint (sh_checker_exit_status (G_LIST_MODEL (sh_manager_get_channels (fixture->manager))), ==, 2);

  /* Asked again: refused again, not retried in a loop. */
  sh_test_clear_requests (fixture->server);
  sh_test_check_all (fixture->manager);
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 1);
  assert_verdict (token, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_REVOKED, "still revoked");
}

/* The account is locked: the emulator answers a plain 403, which nothing
 * documents for v2. No false alarm: no verdict, the last one stands. */
static void
test_check_locked (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(ShToken) token = add_pair (fixture, ACME, now_seconds () + 7000, NULL, NULL);

  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "before");
  sh_sandbox_world_get_person (fixture->world, ACME_PERSON)->x_locked = TRUE;
  sh_test_check_all (fixture->manager);
  assert_token (token, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "locked");
  g_assert_cmpint (sh_token_get_effective_state (token), ==, SH_TOKEN_STATE_VALID);
  g_assert_true (sh_sandbox_world_restore_person (fixture->world, ACME_PERSON));
  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "unlocked");
}

/* A 429 in either form: unknown (rate-limited), the verdict kept, and no
 * request for that account before x-rate-limit-reset. */
static void
test_check_rate_limited (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(ShToken) token = add_pair (fixture, ACME, now_seconds () + 7000, NULL, NULL);
  g_autoptr(ShToken) other = add_pair (fixture, BAKERY, now_seconds () + 7000, NULL, NULL);
  ShCheckSummary summary;

  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "before");

  /* The problem form, for Acme's request only (the first one). */
  add_fault (fixture, "/2/users/me", "problem", 1);
  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (count_log (fixture, USERS_ME), ==, 2);
  g_assert_cmpuint (summary.n_unknown + summary.n_checked, ==, 2);
  if (sh_token_get_state (token) != SH_TOKEN_STATE_UNKNOWN)
    {
      /* Bakery's request went first: swap the names. */
      ShToken *swap = token;

      token = other;
      other = swap;
    }
  assert_token (token, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED,
                SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "429 problem");
  assert_verdict (other, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "other account");
  /* The monitor's next try: not before X takes requests again. */
  g_assert_cmpint (summary.retry_at, >, now_seconds ());

  /* Until the reset: nothing is asked for that account, the other goes on. */
  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (count_log (fixture, USERS_ME), ==, 1);
  g_assert_cmpuint (summary.n_requests, ==, 1);
  assert_token (token, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED,
                SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "waiting for the reset");
  g_assert_cmpint (summary.retry_at, >, now_seconds ());
  assert_verdict (other, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "other account again");

  /* A new process; the v1.1 form, with a reset already past (the world's
   * clock runs 16 minutes behind). */
  replace_provider (fixture);
  sh_sandbox_world_advance (fixture->world, -16 * 60);
  add_fault (fixture, "/2/users/me", "v1", -1);
  sh_test_clear_requests (fixture->server);
  sh_test_check_all (fixture->manager);
  g_assert_cmpuint (count_log (fixture, USERS_ME), ==, 2);
  assert_token (token, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED,
                SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "429 v1.1");
  assert_token (other, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED,
                SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "429 v1.1, other");
  sh_sandbox_world_clear_faults (fixture->world);
  sh_test_clear_requests (fixture->server);
  sh_test_check_all (fixture->manager);
  g_assert_cmpuint (count_log (fixture, USERS_ME), ==, 2);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "after the reset");

  /* A throttled refresh is no verdict either (the clock back on time, so
   * that the reset lies ahead). */
  {
    g_autoptr(ShSecret) current = stored_secret (fixture, token);

    sh_sandbox_world_advance (fixture->world, 16 * 60);
    g_assert_true (sh_sandbox_world_expire_token (fixture->world, current->access_token));
  }
  add_fault (fixture, "/2/oauth2/token", "problem", 1);
  sh_test_check_all (fixture->manager);
  assert_token (token, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED,
                SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "throttled refresh");
}

/* ---- app configuration faults: a stand-in X that refuses the app ------------------------ */

#define CLIENT_FORBIDDEN_BODY \
  "{\"client_id\":\"123\",\"detail\":\"When authenticating requests to the Twitter API v2 " \
  "endpoints, you must use keys and tokens from a Twitter developer App that is attached to " \
  "a Project.\",\"title\":\"Client Forbidden\",\"reason\":\"client-not-enrolled\"," \
  "\"type\":\"https://api.twitter.com/2/problems/client-forbidden\"}"

typedef struct {
  SoupServer *server;
  char       *url;
  GPtrArray  *forms;   /* GHashTable: what each POST's form held */
  guint       n_users_me;
} StandIn;

static void
on_stand_in_request (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  StandIn *stand_in = user_data;

  if (g_str_equal (path, "/2/users/me"))
    {
      stand_in->n_users_me++;
      soup_server_message_set_status (msg, 403, NULL);
      soup_server_message_set_response (msg, "application/problem+json", SOUP_MEMORY_STATIC,
                                        CLIENT_FORBIDDEN_BODY, strlen (CLIENT_FORBIDDEN_BODY));
    }
  else if (g_str_equal (path, "/2/oauth2/revoke"))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

      g_ptr_array_add (stand_in->forms, soup_form_decode (text));
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"revoked\":true}", strlen ("{\"revoked\":true}"));
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static void
stand_in_start (StandIn *stand_in)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  stand_in->server = soup_server_new (NULL, NULL);
  stand_in->forms = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  soup_server_add_handler (stand_in->server, NULL, on_stand_in_request, stand_in, NULL);
  g_assert_true (soup_server_listen_local (stand_in->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY,
                                           &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (stand_in->server);
  stand_in->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_setenv ("SOCIALHUB_X_API_URL", stand_in->url, TRUE);
}

static void
stand_in_stop (StandIn *stand_in)
{
  soup_server_disconnect (stand_in->server);
  g_clear_object (&stand_in->server);
  g_clear_pointer (&stand_in->forms, g_ptr_array_unref);
  g_free (stand_in->url);
}

/* 403 client-forbidden is the app's fault: the token stays as it was,
 * unknown (server-error), and the problem is said once. */
static void
test_check_app_fault (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ShToken) token = add_pair (fixture, ACME, now_seconds () + 7000, NULL, NULL);
  StandIn stand_in = { NULL };
  ShCheckSummary summary;

  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "before");

  stand_in_start (&stand_in);
  g_test_expect_message ("SocialHub-Providers", G_LOG_LEVEL_WARNING,
                         "*client-forbidden*configuration*");
  summary = sh_test_check_all (fixture->manager);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (stand_in.n_users_me, ==, 1);
  g_assert_cmpuint (summary.n_unknown, ==, 1);
  assert_token (token, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "client-forbidden");

  /* Said once, not at every check. */
  sh_test_check_all (fixture->manager);
  g_assert_cmpuint (stand_in.n_users_me, ==, 2);
  assert_token (token, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "client-forbidden again");
  stand_in_stop (&stand_in);
}

/* No network: unknown (network-error), never a verdict. */
static void
test_check_network_down (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(ShToken) token = add_pair (fixture, ACME, now_seconds () + 7000, NULL, NULL);
  g_autoptr(ShToken) early = NULL;
  g_autofree char *nowhere = g_strdup_printf ("http://127.0.0.1:%u/x", sh_test_free_port ());
  ShCheckSummary summary;

  sh_test_check_all (fixture->manager);
  /* Its access token at its end: the refresh is what fails. */
  early = add_pair (fixture, BAKERY, now_seconds () + 10, NULL, NULL);
  g_setenv ("SOCIALHUB_X_API_URL", nowhere, TRUE);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (summary.n_unknown, ==, 2);
  assert_token (token, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_NETWORK_ERROR,
                SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "offline");
  /* Also when the failure is the refresh's. */
  assert_token (early, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_NETWORK_ERROR,
                SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "offline refresh");
}

/* ---- failures that are not the token's ------------------------------------------------- */

/* A fault of @kind on /2/users/me, until cleared. */
static void
add_http_fault (Fixture            *fixture,
                ShSandboxFaultKind  kind,
                guint               status,
                int                 code)
{
  ShSandboxFault *fault = g_new0 (ShSandboxFault, 1);

  fault->kind = kind;
  fault->network = g_strdup ("x");
  fault->path_prefix = g_strdup ("/2/users/me");
  fault->status = status;
  fault->code = code;
  fault->remaining = -1;
  sh_sandbox_world_add_fault (fixture->world, fault);
}

/* Answers that say nothing about the token: unknown (server-error), the
 * verdict kept, and back at the next good check. Over the real HTTP path:
 * the emulator on loopback answers them. */
static void
test_check_bad_answers (Fixture       *fixture,
                        gconstpointer  data)
{
  static const struct {
    const char         *name;
    ShSandboxFaultKind  kind;
    guint               status;
    int                 code;
  } cases[] = {
    { "status 500", SH_SANDBOX_FAULT_STATUS, 500, 0 },
    { "status 502", SH_SANDBOX_FAULT_STATUS, 502, 0 },
    { "status 503", SH_SANDBOX_FAULT_STATUS, 503, 0 },
    { "html", SH_SANDBOX_FAULT_HTML, 0, 0 },
    { "empty", SH_SANDBOX_FAULT_EMPTY, 0, 0 },
    { "truncated", SH_SANDBOX_FAULT_TRUNCATED, 0, 0 },
    /* 10 MB, refused at the Content-Length, and without one, while read. */
    { "huge", SH_SANDBOX_FAULT_HUGE, 0, 0 },
    { "huge chunked", SH_SANDBOX_FAULT_HUGE, 0, 1 },
    /* A 401 that is not X's (a captive portal, a TLS-intercepting proxy):
     * no verdict, and no refresh spent on it either. */
    { "html 401", SH_SANDBOX_FAULT_HTML, 401, 0 },
    { "status 401 with a proxy's page", SH_SANDBOX_FAULT_STATUS, 401, 0 },
    { "html 403", SH_SANDBOX_FAULT_HTML, 403, 0 },
  };
  g_autoptr(ShToken) token = add_pair (fixture, ACME, now_seconds () + 7000, NULL, NULL);

  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "before");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ShCheckSummary summary;

      g_test_message ("fault: %s", cases[i].name);
      add_http_fault (fixture, cases[i].kind, cases[i].status, cases[i].code);
      sh_test_clear_requests (fixture->server);
      summary = sh_test_check_all (fixture->manager);
      g_assert_cmpuint (summary.n_unknown, ==, 1);
      assert_token (token, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                    SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, cases[i].name);
      /* Not a 401: no refresh spent on it. */
      g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 0);

      sh_sandbox_world_clear_faults (fixture->world);
      sh_test_check_all (fixture->manager);
      assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, cases[i].name);
    }
}

/* No answer, and half an answer: each times out (1 s here instead of 30)
 * as unknown (network-error). */
static void
test_check_timeouts (Fixture       *fixture,
                     gconstpointer  data)
{
  static const struct { const char *name; ShSandboxFaultKind kind; } cases[] = {
    { "no answer", SH_SANDBOX_FAULT_HANG },
    { "hang mid-body", SH_SANDBOX_FAULT_HANG_BODY },
  };
  g_autoptr(ShToken) token = NULL;

  /* Before any connection: a connection keeps the timeout it was made with. */
  g_object_set (_sh_x_get_session (SH_X_PROVIDER (fixture->provider)), "timeout", 1, NULL);
  token = add_pair (fixture, ACME, now_seconds () + 7000, NULL, NULL);
  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "before");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 start = g_get_monotonic_time ();

      g_test_message ("fault: %s", cases[i].name);
      add_http_fault (fixture, cases[i].kind, 0, 0);
      sh_test_check_all (fixture->manager);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
      assert_token (token, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_NETWORK_ERROR,
                    SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, cases[i].name);

      sh_sandbox_world_clear_faults (fixture->world);
      sh_test_check_all (fixture->manager);
      assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, cases[i].name);
    }
}

static void
test_check_name_not_resolved (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(ShToken) token = add_pair (fixture, ACME, now_seconds () + 7000, NULL, NULL);
  g_autofree char *api_url = g_strdup (g_getenv ("SOCIALHUB_X_API_URL"));

  sh_test_check_all (fixture->manager);
  /* .invalid never resolves (RFC 6761). */
  g_setenv ("SOCIALHUB_X_API_URL", "http://nonexistent.invalid/x", TRUE);
  sh_test_clear_requests (fixture->server);
  sh_test_check_all (fixture->manager);
  assert_token (token, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_NETWORK_ERROR,
                SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "name not resolved");
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 0);

  g_setenv ("SOCIALHUB_X_API_URL", api_url, TRUE);
  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "resolved again");
}

/* A 10 MB answer to a pasted token: refused, saying why. */
static void
test_identify_too_large (Fixture       *fixture,
                         gconstpointer  data)
{
  ShSandboxToken *access, *refresh;

  issue_pair (fixture, ACME, &access, &refresh);
  for (int chunked = 0; chunked <= 1; chunked++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) channels = NULL;

      add_http_fault (fixture, SH_SANDBOX_FAULT_HUGE, 0, chunked);
      channels = sh_test_identify (fixture->provider, access->value, &error);
      g_assert_error (error, SH_ERROR, SH_ERROR_SERVER);
      /* g_format_size puts a no-break space before the unit. */
      g_assert_nonnull (strstr (error->message, "larger than 1.0\u00a0MiB"));
      g_assert_null (channels);
      sh_sandbox_world_clear_faults (fixture->world);
    }
}

/* HTTPS with a certificate nobody trusts: never a verdict, no refresh, and
 * a message that says what is wrong. */
static void
test_tls_untrusted (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShSandboxServer) https = sh_test_sandbox_start_tls (fixture->world, dir);
  g_autofree char *api_url = g_strdup (g_getenv ("SOCIALHUB_X_API_URL"));
  g_autofree char *https_api = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(ShToken) token = NULL;
  ShSandboxToken *access, *refresh;

  if (https == NULL)
    return;
  https_api = sh_sandbox_server_dup_x_api_url (https);

  token = add_pair (fixture, ACME, now_seconds () + 7000, NULL, NULL);
  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "before");

  g_setenv ("SOCIALHUB_X_API_URL", https_api, TRUE);
  sh_test_check_all (fixture->manager);
  assert_token (token, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_NETWORK_ERROR,
                SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "untrusted certificate");
  /* The handshake failed: not one request reached the server. */
  g_assert_cmpuint (sh_sandbox_server_get_request_log (https)->len, ==, 0);

  issue_pair (fixture, BAKERY, &access, &refresh);
  channels = sh_test_identify (fixture->provider, access->value, &error);
  g_assert_error (error, SH_ERROR, SH_ERROR_NETWORK);
  g_assert_cmpstr (error->message, ==,
                   "X could not be reached: The server’s certificate is not trusted.");
  g_assert_null (channels);

  g_setenv ("SOCIALHUB_X_API_URL", api_url, TRUE);
  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "trusted server again");
}

/* ---- the keyring does not take the new pair -------------------------------------------- */

static void
test_refresh_not_stored (Fixture       *fixture,
                         gconstpointer  data)
{
  ShSandboxToken *access, *refresh;
  g_autoptr(ShToken) token = add_pair (fixture, ACME, now_seconds () + 7000, &access, &refresh);
  g_autoptr(ShSecret) old = stored_secret (fixture, token);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ShSecretStore *store = sh_manager_get_secret_store (fixture->manager);
  gint64 end;

  /* No keyring for the checker: X renews, the keyring cannot take it. */
  g_assert_true (sh_sandbox_world_expire_token (fixture->world, access->value));
  sh_checker_set_secret_store (sh_manager_get_checker (fixture->manager), NULL);
  sh_test_clear_requests (fixture->server);
  g_test_expect_message ("SocialHub", G_LOG_LEVEL_WARNING,
                         "*new refresh token could not be stored*");
  sh_checker_check_async (sh_manager_get_checker (fixture->manager), NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, WAIT_MS);
  g_assert_false (sh_checker_check_finish (sh_manager_get_checker (fixture->manager), result, NULL, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, SH_ERROR, SH_ERROR_KEYRING_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "new refresh token could not be stored"));
  assert_token (token, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_KEYRING_LOCKED,
                SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "not stored");
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 1);
  g_assert_true (world_token (fixture, refresh->value)->revoked);

  /* The keyring is back: the next check uses the pair kept in memory (no
   * second refresh, which X would refuse) and stores it. */
  sh_checker_set_secret_store (sh_manager_get_checker (fixture->manager), store);
  sh_test_clear_requests (fixture->server);
  sh_test_check_all (fixture->manager);
  assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "kept in memory");
  g_assert_cmpuint (count_log (fixture, TOKEN_POST), ==, 0);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(ShSecret) now_stored = stored_secret (fixture, token);

      if (!g_str_equal (now_stored->refresh_token, old->refresh_token))
        {
          g_assert_false (world_token (fixture, now_stored->refresh_token)->revoked);
          break;
        }
      if (g_get_monotonic_time () > end)
        g_error ("the renewed pair never reached the keyring");
      spin (50);
    }

  /* Revoking with the stale copy revokes the pair that lives. */
  {
    g_autoptr(GAsyncResult) revoked = NULL;
    g_autoptr(GError) revoke_error = NULL;
    g_autoptr(ShSecret) current = stored_secret (fixture, token);

    sh_provider_revoke_async (fixture->provider, old, NULL, sh_test_store_result, &revoked);
    sh_test_wait_for_result (&revoked, WAIT_MS);
    g_assert_true (sh_provider_revoke_finish (fixture->provider, revoked, &revoke_error));
    g_assert_no_error (revoke_error);
    g_assert_true (world_token (fixture, current->refresh_token)->revoked);
    g_assert_true (world_token (fixture, current->access_token)->revoked);
  }
}

/* ---- revocation ------------------------------------------------------------------------ */

static gboolean
revoke_secret (Fixture         *fixture,
               const ShSecret  *secret,
               GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_provider_revoke_async (fixture->provider, secret, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, WAIT_MS);
  return sh_provider_revoke_finish (fixture->provider, result, error);
}

static void
test_revoke (Fixture       *fixture,
             gconstpointer  data)
{
  ShSandboxToken *access, *refresh;
  g_autoptr(ShSecret) secret = NULL;
  g_autoptr(GError) error = NULL;

  issue_pair (fixture, ACME, &access, &refresh);
  secret = sh_secret_new (access->value, refresh->value, now_seconds () + 7000);
  sh_test_clear_requests (fixture->server);
  g_assert_true (revoke_secret (fixture, secret, &error));
  g_assert_no_error (error);
  /* Both tokens, one request each (the emulator refuses one without its
   * token_type_hint). */
  g_assert_cmpuint (count_log (fixture, REVOKE_POST), ==, 2);
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 2);
  g_assert_true (access->revoked);
  g_assert_true (refresh->revoked);
}

/* What the revocation's forms hold, as a stand-in X receives them. */
static void
test_revoke_form (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(ShSecret) pair = sh_secret_new ("access-value", "refresh-value", 0);
  g_autoptr(ShSecret) alone = sh_secret_new ("pasted-access", NULL, 0);
  g_autoptr(GError) error = NULL;
  StandIn stand_in = { NULL };
  GHashTable *form;

  stand_in_start (&stand_in);
  g_assert_true (revoke_secret (fixture, pair, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stand_in.forms->len, ==, 2);
  /* The refresh token first: it is the one that lives on. */
  form = g_ptr_array_index (stand_in.forms, 0);
  g_assert_cmpstr (g_hash_table_lookup (form, "token"), ==, "refresh-value");
  g_assert_cmpstr (g_hash_table_lookup (form, "token_type_hint"), ==, "refresh_token");
  g_assert_cmpstr (g_hash_table_lookup (form, "client_id"), ==, SH_SANDBOX_X_CLIENT_ID);
  form = g_ptr_array_index (stand_in.forms, 1);
  g_assert_cmpstr (g_hash_table_lookup (form, "token"), ==, "access-value");
  g_assert_cmpstr (g_hash_table_lookup (form, "token_type_hint"), ==, "access_token");
  g_assert_cmpstr (g_hash_table_lookup (form, "client_id"), ==, SH_SANDBOX_X_CLIENT_ID);

  /* A pasted token has only its access token. */
  g_assert_true (revoke_secret (fixture, alone, &error));
  g_assert_cmpuint (stand_in.forms->len, ==, 3);
  form = g_ptr_array_index (stand_in.forms, 2);
  g_assert_cmpstr (g_hash_table_lookup (form, "token"), ==, "pasted-access");
  g_assert_cmpstr (g_hash_table_lookup (form, "token_type_hint"), ==, "access_token");
  stand_in_stop (&stand_in);
}

/* The network is down: the caller hears it (and tells the person the token
 * may still be valid on X). */
static void
test_revoke_network_down (Fixture       *fixture,
                          gconstpointer  data)
{
  ShSandboxToken *access, *refresh;
  g_autoptr(ShSecret) secret = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *nowhere = g_strdup_printf ("http://127.0.0.1:%u/x", sh_test_free_port ());

  issue_pair (fixture, ACME, &access, &refresh);
  secret = sh_secret_new (access->value, refresh->value, now_seconds () + 7000);
  g_setenv ("SOCIALHUB_X_API_URL", nowhere, TRUE);
  g_assert_false (revoke_secret (fixture, secret, &error));
  g_assert_error (error, SH_ERROR, SH_ERROR_NETWORK);
  g_assert_null (strstr (error->message, access->value));
  g_assert_null (strstr (error->message, refresh->value));
  g_assert_false (access->revoked);
  g_assert_false (refresh->revoked);
}

/* ---- configuration ---------------------------------------------------------------------- */

static void
test_redirect_port (void)
{
  g_autofree char *uri = NULL;

  g_setenv ("SOCIALHUB_X_REDIRECT_PORT", "9123", TRUE);
  g_assert_cmpuint (sh_x_redirect_port (), ==, 9123);
  uri = sh_x_redirect_uri ();
  g_assert_cmpstr (uri, ==, "http://127.0.0.1:9123/callback");
  g_setenv ("SOCIALHUB_X_REDIRECT_PORT", "not a port", TRUE);
  g_assert_cmpuint (sh_x_redirect_port (), ==, SH_X_DEFAULT_REDIRECT_PORT);
  g_unsetenv ("SOCIALHUB_X_REDIRECT_PORT");
  g_assert_cmpuint (sh_x_redirect_port (), ==, SH_X_DEFAULT_REDIRECT_PORT);
}

static void
test_not_configured (void)
{
  g_autoptr(ShProvider) provider = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels = NULL;

  g_setenv ("SOCIALHUB_X_CLIENT_ID", "", TRUE);
  g_setenv ("SOCIALHUB_X_BROWSER", "none", TRUE);
  provider = sh_x_provider_new ();
  sh_provider_sign_in_async (provider, NULL, NULL, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, WAIT_MS);
  channels = sh_provider_sign_in_finish (provider, result, &error);
  if (error != NULL && g_error_matches (error, SH_ERROR, SH_ERROR_NOT_CONFIGURED))
    return;
  /* A build with a client id: the setting wins over the empty variable. */
  g_test_skip ("this build has an X client id");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  sh_providers_register ();

#define ADD(path, func) \
  g_test_add ("/x-provider/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("sign-in", test_sign_in);
  ADD ("sign-in/wrong-state", test_sign_in_wrong_state);
  ADD ("sign-in/wrong-host", test_sign_in_wrong_host);
  ADD ("sign-in/one-code", test_sign_in_one_code);
  ADD ("sign-in/loopback-only", test_sign_in_loopback_only);
  ADD ("sign-in/timeout", test_sign_in_timeout);
  ADD ("sign-in/denied", test_sign_in_denied);
  ADD ("sign-in/port-in-use", test_sign_in_port_in_use);
  ADD ("sign-in/fresh-secrets", test_sign_in_fresh_secrets);
  ADD ("identify", test_identify);
  ADD ("identify/refused", test_identify_refused);
  ADD ("identify/age-unknown", test_identify_age_unknown);
  ADD ("identify/behind-portal", test_identify_behind_portal);
  ADD ("check/valid", test_check_valid);
  ADD ("check/refresh-on-401", test_check_refresh_on_401);
  ADD ("check/refresh-before-use", test_check_refresh_before_use);
  ADD ("check/one-refresh-at-once", test_check_one_refresh_at_once);
  ADD ("check/revoked", test_check_revoked);
  ADD ("check/locked", test_check_locked);
  ADD ("check/rate-limited", test_check_rate_limited);
  ADD ("check/app-fault", test_check_app_fault);
  ADD ("check/network-down", test_check_network_down);
  ADD ("check/bad-answers", test_check_bad_answers);
  ADD ("check/timeouts", test_check_timeouts);
  ADD ("check/name-not-resolved", test_check_name_not_resolved);
  ADD ("identify/too-large", test_identify_too_large);
  ADD ("tls-untrusted", test_tls_untrusted);
  ADD ("refresh/not-stored", test_refresh_not_stored);
  ADD ("revoke", test_revoke);
  ADD ("revoke/form", test_revoke_form);
  ADD ("revoke/network-down", test_revoke_network_down);
  g_test_add_func ("/x-provider/redirect-port", test_redirect_port);
  g_test_add_func ("/x-provider/not-configured", test_not_configured);

#undef ADD

  return g_test_run ();
}
