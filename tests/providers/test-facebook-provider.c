/* test-facebook-provider.c — the Facebook provider against the emulator.
 *
 * Each test starts an in-process sandbox on a free loopback port, a
 * ShManager on a fresh data folder (the keyring is the real gnome-keyring of
 * build-aux/with-session.sh) and a Facebook provider, and drives them the
 * way the command line and the window do: sign in with the device code,
 * identify pasted tokens, check every token with sh_checker_check_async().
 *
 * What reached the network is read from the emulator's request log; how
 * many requests the checker had open at once is counted on its own HTTP
 * session (request-queued / request-unqueued), which needs no timing.
 * After every test, no token of the emulated world may appear in any URL.
 * Token values never appear in an assertion message.
 */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "sh-checker.h"
#include "sh-error.h"
#include "sh-facebook-private.h"
#include "sh-manager.h"
#include "sh-providers.h"
#include "sh-sandbox-server.h"
#include "sh-time-format.h"
#include "provider-test.h"
#include "test-util.h"

#define ALICE      "10001"   /* Acme Coffee, Corner Bookshop */
#define BOB        "10002"   /* Acme Coffee, Bakery & Sons */
#define CAROL      "10003"   /* Bakery & Sons */
#define DAN        "10004"   /* Corner Bookshop */
#define ACME       "104857600123"
#define BAKERY     "104857600456"
#define BOOKSHOP   "104857600789"

#define BATCH_POST "POST /graph/" SH_SANDBOX_GRAPH_VERSION "/"
#define SINGLE_GET "GET /graph/" SH_SANDBOX_GRAPH_VERSION "/me?fields=id,name"
#define LOGIN_STATUS "POST /graph/" SH_SANDBOX_GRAPH_VERSION "/device/login_status"

#define WAIT_MS 30000

typedef ShProviderFixture Fixture;

/* ---- fixture -------------------------------------------------------------- */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  sh_provider_fixture_set_up (fixture, SH_TYPE_FACEBOOK_PROVIDER);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sh_provider_fixture_tear_down (fixture, sh_test_graph_url_secrets);
}

/* ---- helpers -------------------------------------------------------------- */

static guint
count_log (Fixture    *fixture,
           const char *line)
{
  return sh_test_count_requests (fixture->server, line, FALSE);
}

/* A fresh provider, as a new process would have: no memory of usage
 * headers or throttles. */
static void
replace_provider (Fixture *fixture)
{
  fixture->provider = sh_provider_fixture_add_provider (fixture, SH_TYPE_FACEBOOK_PROVIDER);
}

static ShSandboxToken *
issue_page_token (Fixture    *fixture,
                  const char *person,
                  const char *page)
{
  return sh_sandbox_world_issue_token (fixture->world, SH_SANDBOX_TOKEN_FB_PAGE, person, page,
                                       0, NULL);
}

/* Adds a token of the world to the manager, on the channel of its Page.
 * @owner_id must differ between tokens of one Page: a person's new token
 * replaces their old one. */
static ShToken *
add_token (Fixture        *fixture,
           ShSandboxToken *world_token,
           const char     *owner_id,
           const char     *owner_name)
{
  ShSandboxPage *page = sh_sandbox_world_get_page (fixture->world, world_token->target_id);

  g_assert_nonnull (page);
  return sh_test_file_page_token (fixture->manager, page->id, page->name, owner_id, owner_name,
                                  world_token->value);
}

/* A token value the world never issued. */
static ShToken *
add_foreign_token (Fixture    *fixture,
                   const char *page_id,
                   const char *owner_id)
{
  g_autofree char *value = sh_sandbox_random_string ("EAAforeign", 120);

  return sh_test_file_page_token (fixture->manager, page_id, "Somewhere", owner_id, "Someone",
                                  value);
}

static ShChannelState
channel_state (Fixture    *fixture,
               const char *external_id)
{
  return sh_test_channel_state (fixture->manager, "facebook", external_id);
}

static GHashTable *
secret_ids (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *ids;

  sh_secret_store_list_ids_async (sh_manager_get_secret_store (fixture->manager), NULL,
                                  sh_test_store_result, &result);
  sh_test_wait_for_result (&result, WAIT_MS);
  ids = sh_secret_store_list_ids_finish (sh_manager_get_secret_store (fixture->manager), result,
                                         &error);
  g_assert_no_error (error);
  return ids;
}

static void
add_fault (Fixture            *fixture,
           ShSandboxFaultKind  kind,
           guint               status,
           int                 code,
           int                 count)
{
  ShSandboxFault *fault = g_new0 (ShSandboxFault, 1);

  fault->kind = kind;
  fault->network = g_strdup ("graph");
  fault->status = status;
  fault->code = code;
  fault->remaining = count;
  sh_sandbox_world_add_fault (fixture->world, fault);
}

/* How many requests the checker had open at once, counted on its session. */
typedef struct {
  guint open;
  guint max_open;
} Concurrency;

static void
on_request_queued (SoupSession *session,
                   SoupMessage *msg,
                   Concurrency *concurrency)
{
  concurrency->open++;
  concurrency->max_open = MAX (concurrency->max_open, concurrency->open);
}

static void
on_request_unqueued (SoupSession *session,
                     SoupMessage *msg,
                     Concurrency *concurrency)
{
  g_assert_cmpuint (concurrency->open, >, 0);
  concurrency->open--;
}

static void
watch_concurrency (Fixture     *fixture,
                   Concurrency *concurrency)
{
  SoupSession *session = _sh_facebook_get_session (SH_FACEBOOK_PROVIDER (fixture->provider));

  memset (concurrency, 0, sizeof *concurrency);
  g_signal_connect (session, "request-queued", G_CALLBACK (on_request_queued), concurrency);
  g_signal_connect (session, "request-unqueued", G_CALLBACK (on_request_unqueued), concurrency);
}

static void
unwatch_concurrency (Fixture     *fixture,
                     Concurrency *concurrency)
{
  SoupSession *session = _sh_facebook_get_session (SH_FACEBOOK_PROVIDER (fixture->provider));

  g_signal_handlers_disconnect_by_data (session, concurrency);
}

/* ---- sign in: Login for Devices ---------------------------------------------- */

static gboolean
cancel_now (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

typedef struct {
  Fixture        *fixture;
  ShSignInPrompt  prompt;
  guint           n_prompts;
  gint64          advance_on_prompt;   /* world seconds */
  GCancellable   *cancel_on_prompt;    /* from inside the prompt */
  GCancellable   *cancel_after_prompt; /* once the prompt is shown */
} SignIn;

static void
on_prompt (const ShSignInPrompt *prompt,
           gpointer              user_data)
{
  SignIn *sign_in = user_data;

  sign_in->n_prompts++;
  g_free (sign_in->prompt.user_code);
  g_free (sign_in->prompt.verification_uri);
  g_free (sign_in->prompt.qr_uri);
  sign_in->prompt = *prompt;
  sign_in->prompt.user_code = g_strdup (prompt->user_code);
  sign_in->prompt.verification_uri = g_strdup (prompt->verification_uri);
  sign_in->prompt.qr_uri = g_strdup (prompt->qr_uri);
  sign_in->prompt.authorize_uri = NULL;
  if (sign_in->advance_on_prompt != 0)
    sh_sandbox_world_advance (sign_in->fixture->world, sign_in->advance_on_prompt);
  if (sign_in->cancel_on_prompt != NULL)
    g_cancellable_cancel (sign_in->cancel_on_prompt);
  if (sign_in->cancel_after_prompt != NULL)
    g_idle_add (cancel_now, sign_in->cancel_after_prompt);
}

static void
sign_in_clear (SignIn *sign_in)
{
  g_free (sign_in->prompt.user_code);
  g_free (sign_in->prompt.verification_uri);
  g_free (sign_in->prompt.qr_uri);
}

static GPtrArray *
sign_in_run (SignIn        *sign_in,
             GCancellable  *cancellable,
             guint          timeout_ms,
             GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_provider_sign_in_async (sign_in->fixture->provider, on_prompt, sign_in, cancellable,
                             sh_test_store_result, &result);
  sh_test_wait_for_result (&result, timeout_ms);
  return sh_provider_sign_in_finish (sign_in->fixture->provider, result, error);
}

/* Watches the login_status polls; after the first, turns the world's clock
 * back so that the second arrives "too fast" in the emulator's eyes. */
typedef struct {
  Fixture  *fixture;
  guint     n_polls;
  gint64    at[8];
  gboolean  rewound;
} PollWatch;

static gboolean
watch_polls (gpointer user_data)
{
  PollWatch *watch = user_data;
  guint n = count_log (watch->fixture, LOGIN_STATUS);

  while (watch->n_polls < n && watch->n_polls < G_N_ELEMENTS (watch->at))
    watch->at[watch->n_polls++] = g_get_monotonic_time ();
  if (watch->n_polls >= 1 && !watch->rewound)
    {
      sh_sandbox_world_advance (watch->fixture->world, -4);
      watch->rewound = TRUE;
    }
  return G_SOURCE_CONTINUE;
}

static void
assert_prompt (SignIn *sign_in)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *qr = NULL;

  g_assert_cmpuint (sign_in->n_prompts, ==, 1);
  g_assert_nonnull (sign_in->prompt.user_code);
  g_assert_cmpuint (strlen (sign_in->prompt.user_code), ==, 8);
  /* The emulator's own page, as the Graph names it: never facebook.com,
   * which knows nothing of the sandbox's codes. */
  g_assert_true (g_str_has_prefix (sign_in->prompt.verification_uri, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (sign_in->prompt.verification_uri, "/device"));
  qr = g_strdup_printf ("%s?user_code=%s&qr=1", sign_in->prompt.verification_uri,
                        sign_in->prompt.user_code);
  g_assert_cmpstr (sign_in->prompt.qr_uri, ==, qr);
  g_assert_cmpuint (sign_in->prompt.interval, ==, SH_SANDBOX_DEVICE_INTERVAL);
  g_assert_cmpint (sign_in->prompt.expires_at, >, now + SH_SANDBOX_DEVICE_CODE_LIFETIME - 60);
  g_assert_cmpint (sign_in->prompt.expires_at, <=, now + SH_SANDBOX_DEVICE_CODE_LIFETIME);
}

static ShGrantedChannel *
find_granted (GPtrArray  *channels,
              const char *external_id)
{
  for (guint i = 0; i < channels->len; i++)
    {
      ShGrantedChannel *channel = g_ptr_array_index (channels, i);

      if (g_strcmp0 (channel->external_id, external_id) == 0)
        return channel;
    }
  return NULL;
}

/* A granted Page: its token is a Page token of the world for that Page,
 * granted by @person, that never expires. */
static void
assert_page_grant (Fixture          *fixture,
                   ShGrantedChannel *channel,
                   const char       *page_id,
                   const char       *person)
{
  ShSandboxToken *token;

  g_assert_nonnull (channel);
  g_assert_cmpstr (channel->network, ==, "facebook");
  g_assert_cmpstr (channel->name, ==, sh_sandbox_world_get_page (fixture->world, page_id)->name);
  g_assert_nonnull (channel->secret);
  g_assert_nonnull (channel->secret->access_token);
  g_assert_null (channel->secret->refresh_token);
  g_assert_cmpint (channel->secret->expires_at, ==, 0);
  g_assert_cmpint (channel->expires_at, ==, 0);
  token = sh_sandbox_world_lookup_token (fixture->world, channel->secret->access_token);
  g_assert_nonnull (token);
  g_assert_cmpint (token->kind, ==, SH_SANDBOX_TOKEN_FB_PAGE);
  g_assert_cmpstr (token->target_id, ==, page_id);
  g_assert_cmpstr (token->person_id, ==, person);
  g_assert_cmpint (token->expires_at, ==, 0);
  if (person != NULL)
    {
      g_assert_cmpstr (channel->owner_id, ==, person);
      g_assert_cmpstr (channel->owner_name, ==,
                       sh_sandbox_world_get_person (fixture->world, person)->name);
    }
}

/* The four subcodes of login_status in one sign-in: pending (the code is
 * not approved yet), too fast (the checker slows down), then the approval;
 * the grant is the person's Pages with never-expiring Page tokens. */
static void
test_sign_in (Fixture       *fixture,
              gconstpointer  data)
{
  SignIn sign_in = { .fixture = fixture };
  PollWatch watch = { .fixture = fixture };
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint watch_id;

  /* Approved 9 world seconds after the code is made: the first poll
   * (interval + 0.5 s) finds it pending, with seconds to spare. */
  sh_sandbox_world_set_approve_delay (fixture->world, 9);
  watch_id = g_timeout_add (50, watch_polls, &watch);
  channels = sign_in_run (&sign_in, NULL, 40000, &error);
  g_source_remove (watch_id);
  watch_polls (&watch);
  g_assert_no_error (error);
  g_assert_nonnull (channels);
  assert_prompt (&sign_in);

  /* Pending, too fast, approved: three polls, the third one slowed down. */
  g_assert_cmpuint (watch.n_polls, ==, 3);
  g_assert_cmpint (watch.at[1] - watch.at[0], >=, (SH_SANDBOX_DEVICE_INTERVAL - 0.2) * G_USEC_PER_SEC);
  g_assert_cmpint (watch.at[2] - watch.at[1], >=, (2 * SH_SANDBOX_DEVICE_INTERVAL - 0.5) * G_USEC_PER_SEC);

  /* Alice manages Acme Coffee and Corner Bookshop. */
  g_assert_cmpuint (channels->len, ==, 2);
  assert_page_grant (fixture, find_granted (channels, ACME), ACME, ALICE);
  assert_page_grant (fixture, find_granted (channels, BOOKSHOP), BOOKSHOP, ALICE);
  for (guint i = 0; i < channels->len; i++)
    {
      ShGrantedChannel *channel = g_ptr_array_index (channels, i);

      g_assert_cmpint (channel->data_access_expires_at, >, now + 80 * 24 * 3600);
    }

  /* Filed and checked: two connected channels, one valid token each. */
  for (guint i = 0; i < channels->len; i++)
    {
      g_autoptr(ShToken) token = sh_test_file_granted (fixture->manager,
                                                       g_ptr_array_index (channels, i));

      g_assert_cmpstr (sh_token_get_owner_name (token), ==, "Alice Example");
      g_assert_cmpint (sh_token_get_expires_at (token), ==, 0);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sh_manager_get_channels (fixture->manager))), ==, 2);
  {
    ShCheckSummary summary = sh_test_check_all (fixture->manager);

    g_assert_cmpuint (summary.n_checked, ==, 2);
    g_assert_cmpuint (summary.n_unknown, ==, 0);
  }
  g_assert_cmpint (channel_state (fixture, ACME), ==, SH_CHANNEL_STATE_CONNECTED);
  g_assert_cmpint (channel_state (fixture, BOOKSHOP), ==, SH_CHANNEL_STATE_CONNECTED);
  g_assert_cmpint (sh_checker_exit_status (G_LIST_MODEL (sh_manager_get_channels (fixture->manager))), ==, 0);

  sign_in_clear (&sign_in);
}

static void
test_sign_in_declined (Fixture       *fixture,
                       gconstpointer  data)
{
  SignIn sign_in = { .fixture = fixture };
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GError) error = NULL;

  sh_sandbox_world_set_next_device_person (fixture->world, BOB, TRUE);
  channels = sign_in_run (&sign_in, NULL, 20000, &error);
  g_assert_error (error, SH_ERROR, SH_ERROR_SIGN_IN_DECLINED);
  g_assert_null (channels);
  assert_prompt (&sign_in);
  g_assert_cmpuint (count_log (fixture, LOGIN_STATUS), ==, 1);
  /* Nobody's token was handed out. */
  g_assert_cmpuint (sh_sandbox_world_list_tokens (fixture->world)->len, ==, 0);
  sign_in_clear (&sign_in);
}

/* The code runs out while the person has not entered it. */
static void
test_sign_in_expired (Fixture       *fixture,
                      gconstpointer  data)
{
  SignIn sign_in = { .fixture = fixture, .advance_on_prompt = SH_SANDBOX_DEVICE_CODE_LIFETIME + 1 };
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GError) error = NULL;

  channels = sign_in_run (&sign_in, NULL, 20000, &error);
  g_assert_error (error, SH_ERROR, SH_ERROR_SIGN_IN_EXPIRED);
  g_assert_null (channels);
  g_assert_cmpuint (count_log (fixture, LOGIN_STATUS), ==, 1);
  g_assert_cmpuint (sh_sandbox_world_list_tokens (fixture->world)->len, ==, 0);
  sign_in_clear (&sign_in);
}

/* Cancelling while waiting for the person ends the sign-in at once, not at
 * the next poll; so does cancelling from the prompt itself. */
static void
test_sign_in_cancelled (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) early = g_cancellable_new ();
  SignIn sign_in = { .fixture = fixture, .cancel_after_prompt = cancellable };
  SignIn sign_in_early = { .fixture = fixture, .cancel_on_prompt = early };
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GError) error = NULL;

  /* The next poll is 5.5 s away: an answer within 3 s means the
   * cancellation ended the wait. */
  channels = sign_in_run (&sign_in, cancellable, 3000, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (channels);
  g_assert_cmpuint (sign_in.n_prompts, ==, 1);
  g_clear_error (&error);

  channels = sign_in_run (&sign_in_early, early, 3000, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (channels);
  g_assert_cmpuint (sign_in_early.n_prompts, ==, 1);
  g_assert_cmpuint (count_log (fixture, LOGIN_STATUS), ==, 0);
  sign_in_clear (&sign_in);
  sign_in_clear (&sign_in_early);
}

/* ---- identify a pasted token ---------------------------------------------------- */

static void
test_identify_page_token (Fixture       *fixture,
                          gconstpointer  data)
{
  ShSandboxToken *token = issue_page_token (fixture, CAROL, BAKERY);
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShToken) filed = NULL;
  g_autoptr(GHashTable) ids = NULL;
  g_autofree char *padded = g_strdup_printf ("  %s\n", token->value);
  ShGrantedChannel *channel;

  /* Pasted with the spaces and newline a terminal adds. */
  channels = sh_test_identify (fixture->provider, padded, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (channels->len, ==, 1);
  channel = g_ptr_array_index (channels, 0);
  g_assert_cmpstr (channel->external_id, ==, BAKERY);
  g_assert_cmpstr (channel->name, ==, "Bakery & Sons");
  g_assert_true (g_str_equal (channel->secret->access_token, token->value));
  g_assert_cmpint (channel->expires_at, ==, 0);
  /* A Page token does not say who granted it. */
  g_assert_null (channel->owner_id);

  filed = sh_test_file_granted (fixture->manager, channel);
  g_assert_cmpint (sh_token_get_state (filed), ==, SH_TOKEN_STATE_VALID);
  g_assert_cmpint (channel_state (fixture, BAKERY), ==, SH_CHANNEL_STATE_CONNECTED);
  ids = secret_ids (fixture);
  g_assert_cmpuint (g_hash_table_size (ids), ==, 1);
  g_assert_true (g_hash_table_contains (ids, sh_token_get_id (filed)));
  /* The world handed out nothing new for it. */
  g_assert_cmpuint (sh_sandbox_world_list_tokens (fixture->world)->len, ==, 1);
}

static void
test_identify_user_token (Fixture       *fixture,
                          gconstpointer  data)
{
  ShSandboxToken *user = sh_sandbox_world_issue_token (fixture->world, SH_SANDBOX_TOKEN_FB_USER,
                                                       ALICE, NULL, SH_SANDBOX_FB_USER_LIFETIME,
                                                       NULL);
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GError) error = NULL;

  channels = sh_test_identify (fixture->provider, user->value, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (channels->len, ==, 2);
  assert_page_grant (fixture, find_granted (channels, ACME), ACME, ALICE);
  assert_page_grant (fixture, find_granted (channels, BOOKSHOP), BOOKSHOP, ALICE);
  /* What is stored is a Page token, not the user token pasted. */
  for (guint i = 0; i < channels->len; i++)
    {
      ShGrantedChannel *channel = g_ptr_array_index (channels, i);

      g_assert_false (g_str_equal (channel->secret->access_token, user->value));
    }
}

/* A dead or made-up token is refused, and nothing is stored. */
static void
test_identify_refused (Fixture       *fixture,
                       gconstpointer  data)
{
  ShSandboxToken *token = issue_page_token (fixture, DAN, BOOKSHOP);
  g_autofree char *made_up = sh_sandbox_random_string ("EAA", 180);
  g_autoptr(GHashTable) ids = NULL;
  const char *not_tokens[] = { "", "   \n", "EAA two words" };

  g_assert_true (sh_sandbox_world_change_password (fixture->world, DAN));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) channels = sh_test_identify (fixture->provider, token->value, &error);

    g_assert_error (error, SH_ERROR, SH_ERROR_TOKEN_REFUSED);
    g_assert_null (channels);
    /* The message says why, in words, without the token. */
    g_assert_nonnull (strstr (error->message,
                              sh_token_reason_get_explanation (SH_TOKEN_REASON_PASSWORD_CHANGED)));
    g_assert_null (strstr (error->message, token->value));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) channels = sh_test_identify (fixture->provider, made_up, &error);

    g_assert_error (error, SH_ERROR, SH_ERROR_TOKEN_REFUSED);
    g_assert_null (channels);
    /* Never a working token: not "no longer" accepted, just not valid. */
    g_assert_cmpstr (error->message, ==,
                     "Facebook refused the token: it is not a valid access token. "
                     "Copy the whole token again, or get a new one.");
  }
  sh_test_clear_requests (fixture->server);
  {
    /* What is wrong is said, and nothing goes into a header. */
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) channels = sh_test_identify (fixture->provider, "EAA\x1b[2Jabc", &error);

    g_assert_error (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT);
    g_assert_cmpstr (error->message, ==,
                     "This is not a Facebook access token: it contains a control character.");
    g_assert_null (channels);
  }
  for (guint i = 0; i < G_N_ELEMENTS (not_tokens); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) channels = sh_test_identify (fixture->provider, not_tokens[i], &error);

      g_assert_error (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT);
      g_assert_null (channels);
    }
  /* Not even asked. */
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 0);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sh_manager_get_channels (fixture->manager))), ==, 0);
  ids = secret_ids (fixture);
  g_assert_cmpuint (g_hash_table_size (ids), ==, 0);
}

/* ---- checks ---------------------------------------------------------------------- */

/* @n tokens on the three Pages, each from a person with a role there. */
static GPtrArray *
add_many (Fixture *fixture,
          guint    n)
{
  static const char * const pairs[][2] = {
    { ALICE, ACME }, { BOB, ACME }, { BOB, BAKERY }, { CAROL, BAKERY },
    { ALICE, BOOKSHOP }, { DAN, BOOKSHOP },
  };
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      ShSandboxToken *world_token = issue_page_token (fixture, pairs[i % 6][0], pairs[i % 6][1]);
      g_autofree char *owner_id = g_strdup_printf ("9%05u", i);
      g_autofree char *owner_name = g_strdup_printf ("Tester %u", i);

      g_ptr_array_add (tokens, add_token (fixture, world_token, owner_id, owner_name));
    }
  return tokens;
}

/* 120 tokens: three batch requests (50 items at most each), nothing else,
 * and every token judged. */
static void
test_batches_of_fifty (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) tokens = add_many (fixture, 120);
  ShCheckSummary summary;

  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (summary.n_checked, ==, 120);
  g_assert_cmpuint (summary.n_unknown, ==, 0);
  g_assert_cmpuint (summary.n_requests, ==, 3);
  g_assert_cmpuint (count_log (fixture, BATCH_POST), ==, 3);
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 3);
  for (guint i = 0; i < tokens->len; i++)
    {
      ShToken *token = g_ptr_array_index (tokens, i);

      assert_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "120 tokens");
      g_assert_cmpint (sh_token_get_checked_at (token), >, 0);
    }
}

/* Exactly fifty: one batch. Fifty-one: two. */

static void
test_batch_boundary (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) tokens = add_many (fixture, 50);
  ShCheckSummary summary;

  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (summary.n_checked, ==, 50);
  g_assert_cmpuint (count_log (fixture, BATCH_POST), ==, 1);

  g_ptr_array_add (tokens, add_token (fixture, issue_page_token (fixture, ALICE, ACME),
                                      "8000001", "One more"));
  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (summary.n_checked, ==, 51);
  g_assert_cmpuint (count_log (fixture, BATCH_POST), ==, 2);
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 2);
}

typedef struct {
  ShToken *valid;
  ShToken *password;
  ShToken *app_removed;
  ShToken *checkpoint;
  ShToken *role_lost;
  ShToken *expired;
  ShToken *revoked;
  ShToken *made_up;
} Mixed;

/* One batch with every death of docs/network-behaviour.md beside a working token. */
static void
test_mixed_batch (Fixture       *fixture,
                  gconstpointer  data)
{
  ShSandboxToken *expiring = issue_page_token (fixture, ALICE, ACME);
  ShSandboxToken *revoking = issue_page_token (fixture, ALICE, ACME);
  Mixed m;
  ShCheckSummary summary;

  m.valid = add_token (fixture, issue_page_token (fixture, ALICE, ACME), ALICE, "Alice Example");
  m.password = add_token (fixture, issue_page_token (fixture, BOB, ACME), BOB, "Bob Sample");
  m.app_removed = add_token (fixture, issue_page_token (fixture, CAROL, BAKERY), CAROL, "Carol Test");
  m.checkpoint = add_token (fixture, issue_page_token (fixture, DAN, BOOKSHOP), DAN, "Dan Demo");
  m.role_lost = add_token (fixture, issue_page_token (fixture, ALICE, BOOKSHOP), ALICE, "Alice Example");
  m.expired = add_token (fixture, expiring, "9000001", "Alice's second");
  m.revoked = add_token (fixture, revoking, "9000002", "Alice's third");
  m.made_up = add_foreign_token (fixture, ACME, "9000003");

  g_assert_true (sh_sandbox_world_change_password (fixture->world, BOB));
  g_assert_true (sh_sandbox_world_remove_app (fixture->world, CAROL));
  g_assert_true (sh_sandbox_world_checkpoint (fixture->world, DAN));
  g_assert_true (sh_sandbox_world_remove_role (fixture->world, BOOKSHOP, ALICE));
  g_assert_true (sh_sandbox_world_expire_token (fixture->world, expiring->value));
  g_assert_true (sh_sandbox_world_revoke_token (fixture->world, revoking->value));

  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (count_log (fixture, BATCH_POST), ==, 1);
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 1);
  g_assert_cmpuint (summary.n_checked, ==, 8);
  g_assert_cmpuint (summary.n_unknown, ==, 0);

  assert_verdict (m.valid, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "valid");
  assert_verdict (m.password, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PASSWORD_CHANGED, "password");
  assert_verdict (m.app_removed, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_APP_REMOVED, "app removed");
  assert_verdict (m.checkpoint, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_CHECKPOINT, "checkpoint");
  assert_verdict (m.role_lost, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_ROLE_LOST, "role lost");
  assert_verdict (m.expired, SH_TOKEN_STATE_EXPIRED, SH_TOKEN_REASON_EXPIRED, "expired");
  assert_verdict (m.revoked, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_INVALID_TOKEN, "revoked");
  assert_verdict (m.made_up, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_INVALID_TOKEN, "made up");

  /* Acme keeps Alice's working token; the others have none. */
  g_assert_cmpint (channel_state (fixture, ACME), ==, SH_CHANNEL_STATE_DEGRADED);
  g_assert_cmpint (channel_state (fixture, BAKERY), ==, SH_CHANNEL_STATE_DISCONNECTED);
  g_assert_cmpint (channel_state (fixture, BOOKSHOP), ==, SH_CHANNEL_STATE_DISCONNECTED);
  g_assert_cmpint (sh_checker_exit_status (G_LIST_MODEL (sh_manager_get_channels (fixture->manager))), ==, 2);

  /* Dan clears the checkpoint, but his account is not confirmed (190/464,
   * told after a checkpoint, so in a second round). */
  g_assert_true (sh_sandbox_world_restore_person (fixture->world, DAN));
  sh_sandbox_world_get_person (fixture->world, DAN)->unconfirmed = TRUE;
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (summary.n_checked, ==, 8);
  assert_verdict (m.checkpoint, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_UNCONFIRMED_USER,
                  "unconfirmed");
  assert_verdict (m.valid, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "still valid");

  /* Confirmed: Dan's token works again and the verdict follows. */
  g_assert_true (sh_sandbox_world_restore_person (fixture->world, DAN));
  sh_test_check_all (fixture->manager);
  assert_verdict (m.checkpoint, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "confirmed");
  g_assert_cmpint (channel_state (fixture, BOOKSHOP), ==, SH_CHANNEL_STATE_DEGRADED);
  g_assert_cmpint (sh_checker_exit_status (G_LIST_MODEL (sh_manager_get_channels (fixture->manager))), ==, 2);

  g_object_unref (m.valid);
  g_object_unref (m.password);
  g_object_unref (m.app_removed);
  g_object_unref (m.checkpoint);
  g_object_unref (m.role_lost);
  g_object_unref (m.expired);
  g_object_unref (m.revoked);
  g_object_unref (m.made_up);
}

/* ---- failures that are not the token's ------------------------------------------ */

typedef struct {
  ShToken *alice;     /* valid */
  ShToken *bob;       /* invalid, password changed */
  ShToken *carol;     /* valid */
} Three;

static void
three_set_up (Fixture *fixture,
              Three   *three)
{
  three->alice = add_token (fixture, issue_page_token (fixture, ALICE, ACME), ALICE, "Alice Example");
  three->bob = add_token (fixture, issue_page_token (fixture, BOB, ACME), BOB, "Bob Sample");
  three->carol = add_token (fixture, issue_page_token (fixture, CAROL, BAKERY), CAROL, "Carol Test");
  g_assert_true (sh_sandbox_world_change_password (fixture->world, BOB));
}

static void
three_clear (Three *three)
{
  g_clear_object (&three->alice);
  g_clear_object (&three->bob);
  g_clear_object (&three->carol);
}

static void
three_assert_verdicts (Fixture    *fixture,
                       Three      *three,
                       const char *what)
{
  assert_verdict (three->alice, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, what);
  assert_verdict (three->bob, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PASSWORD_CHANGED, what);
  assert_verdict (three->carol, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, what);
  g_assert_cmpint (channel_state (fixture, ACME), ==, SH_CHANNEL_STATE_DEGRADED);
  g_assert_cmpint (channel_state (fixture, BAKERY), ==, SH_CHANNEL_STATE_CONNECTED);
}

/* Unknown with @reason, the last verdict kept, the channels as they were. */
static void
three_assert_unknown (Fixture       *fixture,
                      Three         *three,
                      ShTokenReason  reason,
                      const char    *what)
{
  assert_token (three->alice, SH_TOKEN_STATE_UNKNOWN, reason,
                SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, what);
  assert_token (three->bob, SH_TOKEN_STATE_UNKNOWN, reason,
                SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_PASSWORD_CHANGED, what);
  assert_token (three->carol, SH_TOKEN_STATE_UNKNOWN, reason,
                SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, what);
  g_assert_cmpint (channel_state (fixture, ACME), ==, SH_CHANNEL_STATE_DEGRADED);
  g_assert_cmpint (channel_state (fixture, BAKERY), ==, SH_CHANNEL_STATE_CONNECTED);
  g_assert_cmpint (sh_checker_exit_status (G_LIST_MODEL (sh_manager_get_channels (fixture->manager))), ==, 3);
}

typedef struct {
  const char         *name;
  ShSandboxFaultKind  kind;
  guint               status;
  int                 code;
  ShTokenReason       reason;
  gboolean            singles;     /* the failed batch is asked again token by token */
  gboolean            throttle;    /* the provider pauses afterwards */
} FaultCase;

static const FaultCase fault_cases[] = {
  { "status 500", SH_SANDBOX_FAULT_STATUS, 500, 0, SH_TOKEN_REASON_SERVER_ERROR, TRUE, FALSE },
  { "status 502", SH_SANDBOX_FAULT_STATUS, 502, 0, SH_TOKEN_REASON_SERVER_ERROR, TRUE, FALSE },
  { "status 503", SH_SANDBOX_FAULT_STATUS, 503, 0, SH_TOKEN_REASON_SERVER_ERROR, TRUE, FALSE },
  { "html", SH_SANDBOX_FAULT_HTML, 0, 0, SH_TOKEN_REASON_SERVER_ERROR, TRUE, FALSE },
  { "empty", SH_SANDBOX_FAULT_EMPTY, 0, 0, SH_TOKEN_REASON_SERVER_ERROR, TRUE, FALSE },
  { "truncated", SH_SANDBOX_FAULT_TRUNCATED, 0, 0, SH_TOKEN_REASON_SERVER_ERROR, TRUE, FALSE },
  { "temporary 1", SH_SANDBOX_FAULT_THROTTLE, 0, 1, SH_TOKEN_REASON_SERVER_ERROR, TRUE, FALSE },
  { "temporary 2", SH_SANDBOX_FAULT_THROTTLE, 0, 2, SH_TOKEN_REASON_SERVER_ERROR, TRUE, FALSE },
  { "batch-null", SH_SANDBOX_FAULT_BATCH_NULL, 0, 0, SH_TOKEN_REASON_SERVER_ERROR, FALSE, FALSE },
  { "throttle 4", SH_SANDBOX_FAULT_THROTTLE, 0, 4, SH_TOKEN_REASON_RATE_LIMITED, FALSE, TRUE },
  { "throttle 17", SH_SANDBOX_FAULT_THROTTLE, 0, 17, SH_TOKEN_REASON_RATE_LIMITED, FALSE, TRUE },
  { "throttle 32", SH_SANDBOX_FAULT_THROTTLE, 0, 32, SH_TOKEN_REASON_RATE_LIMITED, FALSE, TRUE },
  { "throttle 613", SH_SANDBOX_FAULT_THROTTLE, 0, 613, SH_TOKEN_REASON_RATE_LIMITED, FALSE, TRUE },
  { "throttle 80001", SH_SANDBOX_FAULT_THROTTLE, 0, 80001, SH_TOKEN_REASON_RATE_LIMITED, FALSE, TRUE },
  { "unknown code 9999", SH_SANDBOX_FAULT_THROTTLE, 0, 9999, SH_TOKEN_REASON_SERVER_ERROR, TRUE, FALSE },
  /* 10 MB, refused at the Content-Length, and without one, while read. */
  { "huge", SH_SANDBOX_FAULT_HUGE, 0, 0, SH_TOKEN_REASON_SERVER_ERROR, TRUE, FALSE },
  { "huge chunked", SH_SANDBOX_FAULT_HUGE, 0, 1, SH_TOKEN_REASON_SERVER_ERROR, TRUE, FALSE },
};

/* Every failure that is not an answer about a token, lasting: the tokens
 * become unknown with the right reason and keep their last verdict; the
 * next good check brings the verdicts back. */
static void
test_non_auth_failures (Fixture       *fixture,
                        gconstpointer  data)
{
  Three three;

  three_set_up (fixture, &three);
  sh_test_check_all (fixture->manager);
  three_assert_verdicts (fixture, &three, "first check");

  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      const FaultCase *c = &fault_cases[i];
      ShCheckSummary summary;

      g_test_message ("fault: %s", c->name);
      add_fault (fixture, c->kind, c->status, c->code, -1);
      sh_test_clear_requests (fixture->server);
      summary = sh_test_check_all (fixture->manager);
      g_assert_cmpuint (summary.n_checked, ==, 0);
      g_assert_cmpuint (summary.n_unknown, ==, 3);
      three_assert_unknown (fixture, &three, c->reason, c->name);
      /* The monitor's next try: after the pause a throttle starts. */
      if (c->throttle)
        g_assert_cmpint (summary.retry_at, >, g_get_real_time () / G_USEC_PER_SEC);
      else
        g_assert_cmpint (summary.retry_at, ==, 0);
      g_assert_cmpuint (count_log (fixture, BATCH_POST), ==, 1);
      g_assert_cmpuint (count_log (fixture, SINGLE_GET), ==, c->singles ? 3 : 0);

      sh_sandbox_world_clear_faults (fixture->world);
      if (c->throttle)
        {
          /* Throttled: this provider asks nothing more for a while, and the
           * tokens stay as they were. */
          sh_test_clear_requests (fixture->server);
          sh_test_check_all (fixture->manager);
          g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 0);
          three_assert_unknown (fixture, &three, SH_TOKEN_REASON_RATE_LIMITED, c->name);
          replace_provider (fixture);
        }
      sh_test_check_all (fixture->manager);
      three_assert_verdicts (fixture, &three, c->name);
    }

  /* Null items from the second on: the first is judged, the rest are not. */
  add_fault (fixture, SH_SANDBOX_FAULT_BATCH_NULL, 0, 1, -1);
  {
    ShCheckSummary summary = sh_test_check_all (fixture->manager);

    g_assert_cmpuint (summary.n_checked, ==, 1);
    g_assert_cmpuint (summary.n_unknown, ==, 2);
  }
  sh_sandbox_world_clear_faults (fixture->world);
  three_clear (&three);
}

/* A batch that fails as a whole with 5xx is asked again token by token; a
 * throttled one is not (that would make the throttle worse). */
static void
test_fallback_to_singles (Fixture       *fixture,
                          gconstpointer  data)
{
  Three three;
  ShCheckSummary summary;

  three_set_up (fixture, &three);
  sh_test_check_all (fixture->manager);

  add_fault (fixture, SH_SANDBOX_FAULT_STATUS, 503, 0, 1);
  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  three_assert_verdicts (fixture, &three, "after a failed batch");
  g_assert_cmpuint (summary.n_checked, ==, 3);
  g_assert_cmpuint (summary.n_requests, ==, 4);
  g_assert_cmpuint (count_log (fixture, BATCH_POST), ==, 1);
  g_assert_cmpuint (count_log (fixture, SINGLE_GET), ==, 3);
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 4);

  add_fault (fixture, SH_SANDBOX_FAULT_THROTTLE, 0, 613, 1);
  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  three_assert_unknown (fixture, &three, SH_TOKEN_REASON_RATE_LIMITED, "throttled batch");
  g_assert_cmpuint (summary.n_requests, ==, 1);
  g_assert_cmpuint (count_log (fixture, SINGLE_GET), ==, 0);
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 1);
  three_clear (&three);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- usage headers ------------------------------------------------------------------ */

/* X-App-Usage at 80 %: one batch at a time; at 90 %: no further batch, the
 * rest left for an hour later, oldest-judged first (issue 18, item 4). */
static void
test_usage_slows_down (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) tokens = add_many (fixture, 120);
  Concurrency concurrency;
  ShCheckSummary summary;
  guint n_valid = 0, n_limited = 0;
  gint64 started;

  /* Low usage: batches overlap. */
  replace_provider (fixture);
  watch_concurrency (fixture, &concurrency);
  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  unwatch_concurrency (fixture, &concurrency);
  g_assert_cmpuint (summary.n_checked, ==, 120);
  g_assert_cmpuint (count_log (fixture, BATCH_POST), ==, 3);
  g_assert_cmpuint (concurrency.max_open, >=, 2);

  /* 80 %, told from the very first answer of a new process. */
  sh_sandbox_world_set_app_usage (fixture->world, 80);
  replace_provider (fixture);
  watch_concurrency (fixture, &concurrency);
  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  unwatch_concurrency (fixture, &concurrency);
  g_assert_cmpuint (summary.n_checked, ==, 120);
  g_assert_cmpuint (summary.n_unknown, ==, 0);
  g_assert_cmpuint (count_log (fixture, BATCH_POST), ==, 3);
  g_assert_cmpuint (concurrency.max_open, ==, 1);

  /* 90 %, in the same process (it knows the usage is high): the first
   * answer stops the run. The tokens judged longest ago went first (the
   * last 70 added were judged two hours ago, and the one batch is the 50
   * oldest of them); the rest wait for the budget: no verdict, nothing
   * marked, and the summary says how many and by when. */
  started = now_seconds ();
  for (guint i = 0; i < tokens->len; i++)
    sh_token_apply_verdict (g_ptr_array_index (tokens, i), SH_TOKEN_STATE_VALID,
                            SH_TOKEN_REASON_NONE, i < 50 ? started - 1 : started - 7200 + i, 0);
  sh_sandbox_world_set_app_usage (fixture->world, 90);
  watch_concurrency (fixture, &concurrency);
  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  unwatch_concurrency (fixture, &concurrency);
  g_assert_cmpuint (count_log (fixture, BATCH_POST), ==, 1);
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 1);
  g_assert_cmpuint (concurrency.max_open, ==, 1);
  g_assert_cmpuint (summary.n_checked, ==, 50);
  g_assert_cmpuint (summary.n_unknown, ==, 0);
  g_assert_cmpuint (summary.n_deferred, ==, 70);
  /* An hour (and a minute) after the first batch its calls have left the
   * Graph's hour. */
  g_assert_cmpint (summary.retry_at, >=, started + 3600);
  g_assert_cmpint (summary.retry_at, <=, now_seconds () + 3600 + 60);
  g_assert_cmpint (summary.deferred_until, >, summary.retry_at);
  for (guint i = 0; i < tokens->len; i++)
    {
      ShToken *token = g_ptr_array_index (tokens, i);
      gboolean judged_now = sh_token_get_checked_at (token) >= started;

      assert_token (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, SH_TOKEN_STATE_VALID,
                    SH_TOKEN_REASON_NONE, "left for later at 90 %");
      if (judged_now)
        n_valid++;
      else
        n_limited++;
      /* The 50 judged now are the oldest: the last 70 added, but not their
       * newest 20. */
      g_assert_true (judged_now == (i >= 50 && i < 100));
    }
  g_assert_cmpuint (n_valid, ==, 50);
  g_assert_cmpuint (n_limited, ==, 70);
  {
    g_autofree char *when = sh_time_format_moment ((summary.deferred_until + 59) / 60 * 60,
                                                   now_seconds ());
    g_autofree char *expected = g_strdup_printf ("50 checked, 70 more by %s", when);
    g_autofree char *said = sh_checker_describe_deferred (&summary);

    g_assert_cmpstr (said, ==, expected);
  }

  /* The same process right after: nothing is sent while usage is that high,
   * and the check is only for the 70 left. */
  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 0);
  g_assert_cmpuint (summary.n_unknown, ==, 0);
  g_assert_cmpuint (summary.n_checked, ==, 0);
  g_assert_cmpuint (summary.n_deferred, ==, 70);

  /* A check of one channel meanwhile (the broker's "check that channel
   * first") keeps the other channels' tokens in the round. */
  {
    ShChannel *acme = sh_channel_list_lookup_external (sh_manager_get_channels (fixture->manager),
                                                       "facebook", ACME);
    const char *only[] = { sh_channel_get_id (acme), NULL };
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;

    sh_checker_check_channels_async (sh_manager_get_checker (fixture->manager), only, NULL,
                                     sh_test_store_result, &result);
    sh_test_wait_for_result (&result, WAIT_MS);
    g_assert_true (sh_checker_check_finish (sh_manager_get_checker (fixture->manager), result,
                                            &summary, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (summary.n_checked, ==, 0);
  }

  /* An hour later the Graph's hour has rolled on: the continuation judges
   * the 70 and only them (one batch alone first, as the usage is old). */
  sh_sandbox_world_advance (fixture->world, 3600);
  sh_sandbox_world_set_app_usage (fixture->world, 0);
  _sh_facebook_age_usage (SH_FACEBOOK_PROVIDER (fixture->provider), 3600);
  started = now_seconds ();
  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (count_log (fixture, BATCH_POST), ==, 2);
  g_assert_cmpuint (summary.n_checked, ==, 70);
  g_assert_cmpuint (summary.n_deferred, ==, 0);
  g_assert_null (sh_checker_describe_deferred (&summary));
  for (guint i = 0; i < tokens->len; i++)
    g_assert_cmpint (sh_token_get_checked_at (g_ptr_array_index (tokens, i)), >=,
                     i >= 50 && i < 100 ? started - 3600 : started);
}

/* ---- no network ---------------------------------------------------------------------- */

static guint
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint port;

  g_assert_nonnull (socket);
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

/* The first check judges the three tokens; with the Graph at @url, which
 * cannot be reached, each is unknown (network-error, @fault) and no request
 * is sent; with the sandbox's Graph again, each is judged as before
 * (@again). */
static void
assert_unreachable_then_back (Fixture    *fixture,
                              const char *url,
                              const char *fault,
                              const char *again)
{
  Three three;
  g_autofree char *graph_url = g_strdup (g_getenv ("SOCIALHUB_GRAPH_URL"));
  ShCheckSummary summary;

  three_set_up (fixture, &three);
  sh_test_check_all (fixture->manager);
  three_assert_verdicts (fixture, &three, "first check");

  g_setenv ("SOCIALHUB_GRAPH_URL", url, TRUE);
  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (summary.n_unknown, ==, 3);
  three_assert_unknown (fixture, &three, SH_TOKEN_REASON_NETWORK_ERROR, fault);
  g_assert_cmpuint (sh_sandbox_server_get_request_log (fixture->server)->len, ==, 0);

  g_setenv ("SOCIALHUB_GRAPH_URL", graph_url, TRUE);
  sh_test_check_all (fixture->manager);
  three_assert_verdicts (fixture, &three, again);
  three_clear (&three);
}

static void
test_connection_refused (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *closed = g_strdup_printf ("http://127.0.0.1:%u/graph/" SH_SANDBOX_GRAPH_VERSION,
                                             closed_port ());

  assert_unreachable_then_back (fixture, closed, "connection refused", "reachable again");
}

/* No such host: unknown (network-error), at once, and back when it resolves. */
static void
test_name_not_resolved (Fixture       *fixture,
                        gconstpointer  data)
{
  /* .invalid never resolves (RFC 6761). */
  assert_unreachable_then_back (fixture,
                                "http://nonexistent.invalid/graph/" SH_SANDBOX_GRAPH_VERSION,
                                "name not resolved", "resolved again");
}

/* No answer at all, and half an answer: each times out (the session's
 * timeout, 1 s here instead of 30), as unknown (network-error), without
 * single requests on top; the run ends and the next one judges again. */
static void
test_timeouts (Fixture       *fixture,
               gconstpointer  data)
{
  static const struct { const char *name; ShSandboxFaultKind kind; } cases[] = {
    { "no answer", SH_SANDBOX_FAULT_HANG },
    { "hang mid-body", SH_SANDBOX_FAULT_HANG_BODY },
  };
  Three three;

  /* Before any connection: a connection keeps the timeout it was made with. */
  g_object_set (_sh_facebook_get_session (SH_FACEBOOK_PROVIDER (fixture->provider)),
                "timeout", 1, NULL);
  three_set_up (fixture, &three);
  sh_test_check_all (fixture->manager);
  three_assert_verdicts (fixture, &three, "first check");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ShCheckSummary summary;
      gint64 start;

      g_test_message ("fault: %s", cases[i].name);
      add_fault (fixture, cases[i].kind, 0, 0, -1);
      sh_test_clear_requests (fixture->server);
      start = g_get_monotonic_time ();
      summary = sh_test_check_all (fixture->manager);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
      g_assert_cmpuint (summary.n_unknown, ==, 3);
      three_assert_unknown (fixture, &three, SH_TOKEN_REASON_NETWORK_ERROR, cases[i].name);
      g_assert_cmpuint (count_log (fixture, BATCH_POST), ==, 1);
      g_assert_cmpuint (count_log (fixture, SINGLE_GET), ==, 0);

      sh_sandbox_world_clear_faults (fixture->world);
      sh_test_check_all (fixture->manager);
      three_assert_verdicts (fixture, &three, cases[i].name);
    }
  three_clear (&three);
}

/* A 10 MB answer to a pasted token: refused, saying why. */
static void
test_identify_too_large (Fixture       *fixture,
                         gconstpointer  data)
{
  ShSandboxToken *token = issue_page_token (fixture, ALICE, ACME);

  for (int chunked = 0; chunked <= 1; chunked++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) channels = NULL;

      add_fault (fixture, SH_SANDBOX_FAULT_HUGE, 0, chunked, 1);
      sh_provider_identify_async (fixture->provider, token->value, NULL, sh_test_store_result,
                                  &result);
      sh_test_wait_for_result (&result, WAIT_MS);
      channels = sh_provider_identify_finish (fixture->provider, result, &error);
      g_assert_error (error, SH_ERROR, SH_ERROR_SERVER);
      /* g_format_size puts a no-break space before the unit. */
      g_assert_nonnull (strstr (error->message, "larger than 1.0\u00a0MiB"));
      g_assert_null (channels);
    }
}

/* HTTPS with a certificate nobody trusts: never a verdict, and a message
 * that says what is wrong. */
static void
test_tls_untrusted (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *dir = sh_test_make_dir ();
  /* The same world, over HTTPS. */
  g_autoptr(ShSandboxServer) https = sh_test_sandbox_start_tls (fixture->world, dir);
  g_autofree char *graph_url = g_strdup (g_getenv ("SOCIALHUB_GRAPH_URL"));
  g_autofree char *https_graph = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels = NULL;
  ShCheckSummary summary;
  Three three;

  if (https == NULL)
    return;
  https_graph = sh_sandbox_server_dup_graph_url (https);

  three_set_up (fixture, &three);
  sh_test_check_all (fixture->manager);
  three_assert_verdicts (fixture, &three, "first check");

  g_setenv ("SOCIALHUB_GRAPH_URL", https_graph, TRUE);
  summary = sh_test_check_all (fixture->manager);
  g_assert_cmpuint (summary.n_unknown, ==, 3);
  three_assert_unknown (fixture, &three, SH_TOKEN_REASON_NETWORK_ERROR, "untrusted certificate");
  /* The handshake failed: not one request reached the server. */
  g_assert_cmpuint (sh_sandbox_server_get_request_log (https)->len, ==, 0);

  sh_provider_identify_async (fixture->provider, "EAAnot-sent-anywhere", NULL,
                              sh_test_store_result, &result);
  sh_test_wait_for_result (&result, WAIT_MS);
  channels = sh_provider_identify_finish (fixture->provider, result, &error);
  g_assert_error (error, SH_ERROR, SH_ERROR_NETWORK);
  g_assert_cmpstr (error->message, ==,
                   "Facebook could not be reached: The server’s certificate is not trusted.");
  g_assert_null (channels);

  g_setenv ("SOCIALHUB_GRAPH_URL", graph_url, TRUE);
  sh_test_check_all (fixture->manager);
  three_assert_verdicts (fixture, &three, "trusted server again");
  three_clear (&three);
}

/* ---- tokens handed back that cannot be tokens ------------------------------------ */

/* A Graph that answers what a test wrote, over loopback: the emulator hands
 * out only good tokens, so a broken one needs this. It also notes every
 * Authorization header it saw. */
typedef struct {
  SoupServer *server;
  char       *url;
  const char *pages;     /* the /me/accounts page list */
  const char *device;    /* the /device/login_status answer */
  GPtrArray  *auth;      /* Authorization headers seen */
} FakeGraph;

static void
fake_graph_handle (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  FakeGraph *fake = user_data;
  const char *fields = query != NULL ? g_hash_table_lookup (query, "fields") : NULL;
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  const char *body;

  if (auth != NULL)
    g_ptr_array_add (fake->auth, g_strdup (auth));
  if (g_str_equal (path, "/me"))
    body = "{\"id\":\"10001\",\"name\":\"Alice Example\"}";
  else if (g_str_equal (path, "/me/accounts") && g_strcmp0 (fields, "id") == 0)
    body = "{\"data\":[{\"id\":\"201\"}]}";
  else if (g_str_equal (path, "/me/accounts"))
    body = fake->pages;
  else if (g_str_equal (path, "/device/login"))
    body = "{\"code\":\"c0de\",\"user_code\":\"ABCD1234\",\"verification_uri\":"
           "\"https://www.facebook.com/device\",\"expires_in\":420,\"interval\":1}";
  else if (g_str_equal (path, "/device/login_status"))
    body = fake->device;
  else
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
fake_graph_start (FakeGraph *fake)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  fake->server = soup_server_new (NULL, NULL);
  fake->auth = g_ptr_array_new_with_free_func (g_free);
  soup_server_add_handler (fake->server, NULL, fake_graph_handle, fake, NULL);
  g_assert_true (soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake->server);
  fake->url = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  /* The sandbox's address comes back with the next fixture. */
  g_setenv ("SOCIALHUB_GRAPH_URL", fake->url, TRUE);
}

static void
fake_graph_stop (FakeGraph *fake)
{
  for (guint i = 0; i < fake->auth->len; i++)
    g_assert_null (strpbrk (g_ptr_array_index (fake->auth, i), "\r\n"));
  g_clear_object (&fake->server);
  g_clear_pointer (&fake->auth, g_ptr_array_unref);
  g_free (fake->url);
}

/* A Page token with a line break (or other junk) in /me/accounts: that Page
 * is left out with a clear reason, the others of the grant still come, and
 * the broken token is never stored nor sent. */
static void
test_identify_bad_page_token (Fixture       *fixture,
                              gconstpointer  data)
{
  FakeGraph fake = { 0 };

  fake_graph_start (&fake);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) channels = NULL;
    ShGrantedChannel *channel;

    fake.pages = "{\"data\":["
                 "{\"id\":\"201\",\"name\":\"Good Page\",\"access_token\":\"EAAGoodPage1\"},"
                 "{\"id\":\"202\",\"name\":\"Broken Page\",\"access_token\":\"EAABad\\nX-Injected: 1\"},"
                 "{\"id\":\"203\",\"name\":\"Junk Page\",\"access_token\":\"EAA\\u00e9t\\u0007\"}]}";
    channels = sh_test_identify (fixture->provider, "EAAUserToken1", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (channels->len, ==, 1);
    channel = g_ptr_array_index (channels, 0);
    g_assert_cmpstr (channel->external_id, ==, "201");
    g_assert_cmpstr (channel->secret->access_token, ==, "EAAGoodPage1");
  }
  {
    /* Nothing usable at all: the reason is the answer. */
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) channels = NULL;

    fake.pages = "{\"data\":[{\"id\":\"202\",\"name\":\"Broken Page\","
                 "\"access_token\":\"EAABad\\r\\nX-Injected: 1\"}]}";
    channels = sh_test_identify (fixture->provider, "EAAUserToken1", &error);
    g_assert_null (channels);
    g_assert_error (error, SH_ERROR, SH_ERROR_SERVER);
    g_assert_cmpstr (error->message, ==,
                     "Facebook handed out an access token SocialHub cannot use: "
                     "it spans more than one line.");
  }
  {
    /* json-glib would read "EAANul\u0000tail" as "EAANul": the answer is
     * not taken, rather than a token that is not the one handed out. */
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) channels = NULL;

    fake.pages = "{\"data\":[{\"id\":\"204\",\"name\":\"Nul Page\","
                 "\"access_token\":\"EAANul\\u0000tail\"}]}";
    channels = sh_test_identify (fixture->provider, "EAAUserToken1", &error);
    g_assert_null (channels);
    g_assert_error (error, SH_ERROR, SH_ERROR_SERVER);
  }
  fake_graph_stop (&fake);
}

/* The device login hands back a user token with a control character: the
 * sign-in ends with the reason, and the token is used for nothing. */
static void
test_sign_in_bad_token (Fixture       *fixture,
                        gconstpointer  data)
{
  FakeGraph fake = { .device = "{\"access_token\":\"EAAUser\\u0001Token\",\"expires_in\":5183944}" };
  SignIn sign_in = { .fixture = fixture };
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GError) error = NULL;

  fake_graph_start (&fake);
  channels = sign_in_run (&sign_in, NULL, 20000, &error);
  g_assert_null (channels);
  g_assert_error (error, SH_ERROR, SH_ERROR_SERVER);
  g_assert_cmpstr (error->message, ==,
                   "Facebook handed out an access token SocialHub cannot use: "
                   "it contains a control character.");
  /* The real Graph's page keeps Facebook's documented QR link. */
  g_assert_cmpstr (sign_in.prompt.verification_uri, ==, "https://www.facebook.com/device");
  g_assert_cmpstr (sign_in.prompt.qr_uri, ==,
                   "https://facebook.com/device?user_code=ABCD1234&qr=1");
  /* Not sent anywhere: no /me, no /me/accounts with it. */
  g_assert_cmpuint (fake.auth->len, ==, 0);
  sign_in_clear (&sign_in);
  fake_graph_stop (&fake);
}

/* A Page token with a line break stored by an older version: judged
 * without a request (a header would refuse it), even when the batch fails
 * and single requests carry the tokens in headers. */
static void
test_check_stored_bad_token (Fixture       *fixture,
                             gconstpointer  data)
{
  ShSandboxToken *good = issue_page_token (fixture, CAROL, BAKERY);
  g_autoptr(ShGrantedChannel) granted = sh_granted_channel_new ("facebook");
  g_autoptr(ShToken) alive = add_token (fixture, good, CAROL, "Carol");
  g_autoptr(ShToken) broken = NULL;
  ShCheckSummary summary;

  granted->external_id = g_strdup (BAKERY);
  granted->name = g_strdup ("Bakery & Sons");
  granted->owner_id = g_strdup (BOB);
  granted->owner_name = g_strdup ("Bob");
  granted->secret = sh_secret_new ("EAAOldPage\nX-Injected: 1", NULL, 0);
  broken = sh_test_file_granted (fixture->manager, granted);

  /* The batch fails: each token goes alone, in a header. */
  add_fault (fixture, SH_SANDBOX_FAULT_STATUS, 503, 0, 1);
  sh_test_clear_requests (fixture->server);
  summary = sh_test_check_all (fixture->manager);
  assert_verdict (alive, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, "good token");
  assert_verdict (broken, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_INVALID_TOKEN, "broken token");
  g_assert_cmpuint (summary.n_checked, ==, 2);
  /* One batch and one single request, both for the good token only. */
  g_assert_cmpuint (count_log (fixture, BATCH_POST), ==, 1);
  g_assert_cmpuint (count_log (fixture, SINGLE_GET), ==, 1);
}

/* ---- --check's exit status ---------------------------------------------------------- */

static ShToken *
nth_token (ShChannel *channel,
           guint      i)
{
  ShToken *token = g_list_model_get_item (sh_channel_get_tokens (channel), i);

  g_object_unref (token);   /* the channel keeps it */
  return token;
}

static int
exit_status_of (ShChannel *first,
                ...)
{
  g_autoptr(GListStore) store = g_list_store_new (SH_TYPE_CHANNEL);
  va_list args;

  va_start (args, first);
  for (ShChannel *channel = first; channel != NULL; channel = va_arg (args, ShChannel *))
    g_list_store_append (store, channel);
  va_end (args);
  return sh_checker_exit_status (G_LIST_MODEL (store));
}

/* ARCHITECTURE.md: 0 every channel connected; 1 some token expired, invalid or
 * expiring but every channel still has a valid token; 2 a channel
 * disconnected; 3 otherwise, when something could not be checked. */
static void
test_exit_status (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 window = SH_TOKEN_DEFAULT_WARNING_WINDOW;
  g_autoptr(ShChannel) good = sh_test_make_channel ("Good", "facebook", 1);
  g_autoptr(ShChannel) mixed = sh_test_make_channel ("Mixed", "facebook", 2);
  g_autoptr(ShChannel) dead = sh_test_make_channel ("Dead", "facebook", 1);
  g_autoptr(ShChannel) fresh = sh_test_make_channel ("Never checked", "facebook", 1);
  g_autoptr(ShChannel) offline = sh_test_make_channel ("Offline", "facebook", 1);
  g_autoptr(ShChannel) expiring = sh_test_make_channel ("Expiring", "facebook", 1);
  g_autoptr(GListStore) empty = g_list_store_new (SH_TYPE_CHANNEL);

  sh_token_apply_verdict (nth_token (good, 0), SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now, window);
  sh_token_apply_verdict (nth_token (mixed, 0), SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now, window);
  sh_token_apply_verdict (nth_token (mixed, 1), SH_TOKEN_STATE_INVALID,
                          SH_TOKEN_REASON_PASSWORD_CHANGED, now, window);
  sh_token_apply_verdict (nth_token (dead, 0), SH_TOKEN_STATE_INVALID,
                          SH_TOKEN_REASON_PASSWORD_CHANGED, now, window);
  sh_token_apply_verdict (nth_token (offline, 0), SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now, window);
  sh_token_mark_unknown (nth_token (offline, 0), SH_TOKEN_REASON_NETWORK_ERROR);
  sh_token_set_expires_at (nth_token (expiring, 0), now + 3600);
  sh_token_apply_verdict (nth_token (expiring, 0), SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now, window);
  g_assert_cmpint (sh_token_get_state (nth_token (expiring, 0)), ==, SH_TOKEN_STATE_EXPIRING);

  g_assert_cmpint (sh_checker_exit_status (G_LIST_MODEL (empty)), ==, 0);
  g_assert_cmpint (exit_status_of (good, NULL), ==, 0);
  g_assert_cmpint (exit_status_of (good, mixed, NULL), ==, 1);
  g_assert_cmpint (exit_status_of (good, expiring, NULL), ==, 1);
  g_assert_cmpint (exit_status_of (good, mixed, dead, NULL), ==, 2);
  g_assert_cmpint (exit_status_of (dead, offline, NULL), ==, 2);
  g_assert_cmpint (exit_status_of (good, offline, NULL), ==, 3);
  g_assert_cmpint (exit_status_of (good, fresh, NULL), ==, 3);
  /* A dead token elsewhere does not make a never-checked channel "still
   * linked". */
  g_assert_cmpint (exit_status_of (mixed, fresh, NULL), ==, 3);
  g_assert_cmpint (exit_status_of (mixed, offline, NULL), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  sh_providers_register ();

#define ADD(path, func) \
  g_test_add ("/facebook-provider/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("sign-in", test_sign_in);
  ADD ("sign-in-declined", test_sign_in_declined);
  ADD ("sign-in-expired", test_sign_in_expired);
  ADD ("sign-in-cancelled", test_sign_in_cancelled);
  ADD ("identify-page-token", test_identify_page_token);
  ADD ("identify-user-token", test_identify_user_token);
  ADD ("identify-refused", test_identify_refused);
  ADD ("batches-of-fifty", test_batches_of_fifty);
  ADD ("batch-boundary", test_batch_boundary);
  ADD ("mixed-batch", test_mixed_batch);
  ADD ("non-auth-failures", test_non_auth_failures);
  ADD ("fallback-to-singles", test_fallback_to_singles);
  ADD ("usage-slows-down", test_usage_slows_down);
  ADD ("connection-refused", test_connection_refused);
  ADD ("name-not-resolved", test_name_not_resolved);
  ADD ("timeouts", test_timeouts);
  ADD ("identify-too-large", test_identify_too_large);
  ADD ("tls-untrusted", test_tls_untrusted);
  ADD ("identify-bad-page-token", test_identify_bad_page_token);
  ADD ("sign-in-bad-token", test_sign_in_bad_token);
  ADD ("check-stored-bad-token", test_check_stored_bad_token);
  g_test_add_func ("/facebook-provider/exit-status", test_exit_status);

#undef ADD
  return g_test_run ();
}
