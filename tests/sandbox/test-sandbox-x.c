/* test-sandbox-x.c — the emulated X pinned to docs/network-behaviour.md ("X (Twitter) API
 * v2"): the PKCE helper against RFC 7636's vector, then the authorize page,
 * the token and revoke endpoints and /2/users/me over real loopback HTTP,
 * with redirects left for the test to look at. Error bodies are compared
 * byte for byte with the ones docs/network-behaviour.md quotes. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "sh-pkce.h"
#include "sh-sandbox-server.h"
#include "sandbox-test.h"
#include "test-x-bodies.h"
#include "test-util.h"

#define REDIRECT  "http://127.0.0.1:8923/callback"
#define SCOPE     "tweet.read users.read offline.access"
#define VERIFIER  "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
#define ACME_ID   "44196397"
#define BAKERY_ID "44196398"

/* Bodies quoted by docs/network-behaviour.md (more in test-x-bodies.h), and
 * those the sandbox documents beside them. */
#define TOKEN_INVALID_BODY \
  "{\"error\":\"invalid_request\",\"error_description\":\"Value passed for the token was invalid.\"}"
#define CODE_INVALID_BODY \
  "{\"error\":\"invalid_request\",\"error_description\":\"Value passed for the authorization code was invalid.\"}"
#define VERIFIER_BODY \
  "{\"error\":\"invalid_request\",\"error_description\":\"Value passed for the code verifier did not match the code challenge.\"}"
#define NO_CLIENT_BODY \
  "{\"error\":\"unauthorized_client\",\"error_description\":\"Missing valid authorization header\"}"
#define NO_HINT_BODY \
  "{\"error\":\"invalid_request\",\"error_description\":\"Missing required parameter [token_type_hint].\"}"
#define NO_VERIFIER_BODY \
  "{\"error\":\"invalid_request\",\"error_description\":\"Missing required parameter [code_verifier].\"}"
#define ACME_ME_BODY \
  "{\"data\":{\"id\":\"44196397\",\"name\":\"Acme Coffee\",\"username\":\"acmecoffee\"}}"

typedef struct {
  ShSandboxWorld  *world;
  ShSandboxServer *server;
  SoupSession     *session;
  char            *x_url;
} Fixture;

typedef struct {
  char *access;
  char *refresh;
} Pair;

static void
pair_clear (Pair *pair)
{
  g_clear_pointer (&pair->access, g_free);
  g_clear_pointer (&pair->refresh, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Pair, pair_clear)

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->world = sh_sandbox_world_new ();
  sh_test_start_sandbox (fixture->world, &fixture->server, &fixture->session);
  fixture->x_url = sh_sandbox_server_dup_x_api_url (fixture->server);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_free (fixture->x_url);
  sh_test_stop_sandbox (&fixture->server, &fixture->session);
  g_clear_object (&fixture->world);
}

/* ---- HTTP ------------------------------------------------------------------------ */

static Reply *
send_message (Fixture     *fixture,
              SoupMessage *msg)
{
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  return sh_test_send (fixture->session, msg);
}

static const char *
header (Reply      *reply,
        const char *name)
{
  return soup_message_headers_get_one (soup_message_get_response_headers (reply->msg), name);
}

static gint64
header_int (Reply      *reply,
            const char *name)
{
  const char *value = header (reply, name);

  g_assert_nonnull (value);
  return g_ascii_strtoll (value, NULL, 10);
}

/* key, value, …, NULL; a NULL value leaves the key out. */
static GHashTable *
collect_fields (const char *first_key,
                va_list     args)
{
  GHashTable *fields = g_hash_table_new (g_str_hash, g_str_equal);

  for (const char *key = first_key; key != NULL; key = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        g_hash_table_replace (fields, (gpointer) key, (gpointer) value);
      else
        g_hash_table_remove (fields, key);
    }
  return fields;
}

static SoupMessage *
new_form_message (Fixture    *fixture,
                  const char *path,
                  const char *first_key,
                  ...) G_GNUC_NULL_TERMINATED;

static SoupMessage *
new_form_message (Fixture    *fixture,
                  const char *path,
                  const char *first_key,
                  ...)
{
  g_autofree char *url = g_strconcat (fixture->x_url, path, NULL);
  g_autoptr(GHashTable) fields = NULL;
  va_list args;

  va_start (args, first_key);
  fields = collect_fields (first_key, args);
  va_end (args);
  return soup_message_new_from_encoded_form (SOUP_METHOD_POST, url, soup_form_encode_hash (fields));
}

#define post_form(fixture, path, ...) \
  send_message ((fixture), new_form_message ((fixture), (path), __VA_ARGS__))

static Reply *
get_me (Fixture    *fixture,
        const char *access_token,
        const char *query)
{
  g_autofree char *url = g_strconcat (fixture->x_url, "/2/users/me",
                                      query ? "?" : "", query, NULL);
  SoupMessage *msg = soup_message_new (SOUP_METHOD_GET, url);

  if (access_token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", access_token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  return send_message (fixture, msg);
}

/* GET /i/oauth2/authorize with a good request, changed by key, value pairs
 * (a NULL value removes the parameter). */
static Reply *
authorize (Fixture    *fixture,
           const char *first_key,
           ...)
{
  g_autofree char *url = sh_sandbox_server_dup_x_authorize_url (fixture->server);
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *query = NULL;
  g_autofree char *full = NULL;
  va_list args;

  g_hash_table_insert (params, "response_type", "code");
  g_hash_table_insert (params, "client_id", SH_SANDBOX_X_CLIENT_ID);
  g_hash_table_insert (params, "redirect_uri", REDIRECT);
  g_hash_table_insert (params, "scope", SCOPE);
  g_hash_table_insert (params, "state", "s7Ate");
  g_hash_table_insert (params, "code_challenge", CHALLENGE);
  g_hash_table_insert (params, "code_challenge_method", "S256");
  g_hash_table_insert (params, "sandbox_instant", "1");

  va_start (args, first_key);
  for (const char *k = first_key; k != NULL; k = va_arg (args, const char *))
    {
      const char *v = va_arg (args, const char *);

      if (v != NULL)
        g_hash_table_replace (params, (gpointer) k, (gpointer) v);
      else
        g_hash_table_remove (params, k);
    }
  va_end (args);

  query = soup_form_encode_hash (params);
  full = g_strconcat (url, "?", query, NULL);
  return send_message (fixture, soup_message_new (SOUP_METHOD_GET, full));
}

/* The code and state of a redirect to REDIRECT (or @redirect). */
static char *
code_from_location (const char *location,
                    const char *redirect,
                    char      **state)
{
  g_autofree char *prefix = g_strconcat (redirect, "?", NULL);
  g_autoptr(GHashTable) fields = NULL;

  g_assert_nonnull (location);
  g_assert_true (g_str_has_prefix (location, prefix));
  fields = soup_form_decode (location + strlen (prefix));
  g_assert_cmpuint (g_hash_table_size (fields), ==, 2);
  if (state != NULL)
    *state = g_strdup (g_hash_table_lookup (fields, "state"));
  g_assert_nonnull (g_hash_table_lookup (fields, "code"));
  return g_strdup (g_hash_table_lookup (fields, "code"));
}

/* A fresh code for @account_id (NULL: the default account), challenge CHALLENGE. */
static char *
new_code (Fixture    *fixture,
          const char *scope,
          const char *account_id)
{
  g_autoptr(Reply) reply = authorize (fixture, "scope", scope, "sandbox_account", account_id, NULL);

  g_assert_cmpuint (reply->status, ==, 302);
  return code_from_location (header (reply, "Location"), REDIRECT, NULL);
}

static Reply *
exchange (Fixture    *fixture,
          const char *code,
          const char *verifier)
{
  return post_form (fixture, "/2/oauth2/token",
                    "grant_type", "authorization_code",
                    "code", code,
                    "redirect_uri", REDIRECT,
                    "code_verifier", verifier,
                    "client_id", SH_SANDBOX_X_CLIENT_ID,
                    NULL);
}

static Reply *
refresh (Fixture    *fixture,
         const char *refresh_token)
{
  return post_form (fixture, "/2/oauth2/token",
                    "grant_type", "refresh_token",
                    "refresh_token", refresh_token,
                    "client_id", SH_SANDBOX_X_CLIENT_ID,
                    NULL);
}

static Reply *
revoke_token (Fixture    *fixture,
        const char *token,
        const char *hint)
{
  return post_form (fixture, "/2/oauth2/revoke",
                    "token", token,
                    "token_type_hint", hint,
                    "client_id", SH_SANDBOX_X_CLIENT_ID,
                    NULL);
}

/* Checks a 200 token answer and returns its tokens. */
static void
assert_token_reply (Reply      *reply,
                    const char *scope,
                    Pair       *pair)
{
  g_autoptr(JsonObject) object = NULL;
  gboolean offline = strstr (scope, "offline.access") != NULL;

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (reply->content_type, ==, "application/json");
  g_assert_cmpstr (header (reply, "Cache-Control"), ==, "no-store");
  object = sh_test_parse_object (reply->body);
  g_assert_cmpuint (json_object_get_size (object), ==, offline ? 5 : 4);
  g_assert_cmpstr (json_object_get_string_member (object, "token_type"), ==, "bearer");
  g_assert_cmpint (json_object_get_int_member (object, "expires_in"), ==, 7200);
  g_assert_cmpstr (json_object_get_string_member (object, "scope"), ==, scope);
  pair->access = g_strdup (json_object_get_string_member (object, "access_token"));
  g_assert_cmpuint (strlen (pair->access), >, 20);
  if (offline)
    {
      pair->refresh = g_strdup (json_object_get_string_member (object, "refresh_token"));
      g_assert_cmpuint (strlen (pair->refresh), >, 20);
      g_assert_cmpstr (pair->access, !=, pair->refresh);
    }
  else
    g_assert_false (json_object_has_member (object, "refresh_token"));
}

static void
sign_in (Fixture    *fixture,
         const char *account_id,
         Pair       *pair)
{
  g_autofree char *code = new_code (fixture, SCOPE, account_id);
  g_autoptr(Reply) reply = exchange (fixture, code, VERIFIER);

  assert_token_reply (reply, SCOPE, pair);
}

static void
assert_reply (Reply      *reply,
              guint       status,
              const char *content_type,
              const char *body)
{
  g_assert_cmpuint (reply->status, ==, status);
  g_assert_cmpstr (reply->content_type, ==, content_type);
  g_assert_cmpstr (reply->body, ==, body);
}

static void
assert_unauthorized (Fixture    *fixture,
                     const char *access_token)
{
  g_autoptr(Reply) reply = get_me (fixture, access_token, NULL);

  assert_reply (reply, 401, "application/problem+json", UNAUTHORIZED_BODY);
}

static void
assert_works (Fixture    *fixture,
              const char *access_token)
{
  g_autoptr(Reply) reply = get_me (fixture, access_token, NULL);

  assert_reply (reply, 200, "application/json", ACME_ME_BODY);
}

static void
add_throttle (Fixture    *fixture,
              const char *form,
              const char *path_prefix)
{
  ShSandboxFault *fault = g_new0 (ShSandboxFault, 1);

  fault->kind = SH_SANDBOX_FAULT_THROTTLE;
  fault->network = g_strdup ("x");
  fault->path_prefix = g_strdup (path_prefix);
  fault->remaining = 1;
  fault->x_form = g_strdup (form);
  sh_sandbox_world_add_fault (fixture->world, fault);
}

/* ---- PKCE ---------------------------------------------------------------------------- */

static gboolean
is_base64url (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static void
test_pkce (void)
{
  g_autofree char *challenge = sh_pkce_challenge_s256 (VERIFIER);
  g_autofree char *verifier1 = sh_pkce_new_verifier ();
  g_autofree char *verifier2 = sh_pkce_new_verifier ();
  g_autofree char *challenge1 = sh_pkce_challenge_s256 (verifier1);
  g_autofree char *state1 = sh_pkce_new_state ();
  g_autofree char *state2 = sh_pkce_new_state ();
  static const guint8 bytes[] = { 0xfb, 0xff, 0xbf };
  g_autofree char *encoded = sh_pkce_base64url_encode (bytes, sizeof bytes);
  g_autofree char *encoded_short = sh_pkce_base64url_encode (bytes, 1);

  /* RFC 7636, appendix B. */
  g_assert_cmpstr (challenge, ==, CHALLENGE);
  g_assert_true (sh_pkce_verify_s256 (VERIFIER, CHALLENGE));
  g_assert_false (sh_pkce_verify_s256 (VERIFIER, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"));
  g_assert_false (sh_pkce_verify_s256 (verifier1, CHALLENGE));
  g_assert_false (sh_pkce_verify_s256 (NULL, CHALLENGE));
  g_assert_false (sh_pkce_verify_s256 (VERIFIER, ""));

  /* base64url without padding: '-' and '_' for '+' and '/', no '='. */
  g_assert_cmpstr (encoded, ==, "-_-_");
  g_assert_cmpstr (encoded_short, ==, "-w");

  g_assert_cmpuint (strlen (verifier1), ==, 43);
  g_assert_true (is_base64url (verifier1));
  g_assert_cmpstr (verifier1, !=, verifier2);
  g_assert_cmpuint (strlen (challenge1), ==, 43);
  g_assert_true (is_base64url (challenge1));
  g_assert_true (sh_pkce_verify_s256 (verifier1, challenge1));

  g_assert_cmpuint (strlen (state1), >=, 22);   /* ≥ 128 bits */
  g_assert_true (is_base64url (state1));
  g_assert_cmpstr (state1, !=, state2);
}

/* ---- the whole sign-in ------------------------------------------------------------------ */

static void
test_flow (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *verifier = sh_pkce_new_verifier ();
  g_autofree char *challenge = sh_pkce_challenge_s256 (verifier);
  g_autofree char *state = sh_pkce_new_state ();
  g_autofree char *echoed_state = NULL;
  g_autofree char *code = NULL;
  g_autofree char *picture = NULL;
  g_autoptr(Reply) authorized = NULL;
  g_autoptr(Reply) token = NULL;
  g_autoptr(Reply) me = NULL;
  g_autoptr(Reply) again = NULL;
  g_autoptr(Reply) with_picture = NULL;
  g_autoptr(Reply) odd_state = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_auto(Pair) pair = { NULL, NULL };
  gint64 now = sh_sandbox_world_now (fixture->world);
  gint64 reset;

  authorized = authorize (fixture, "state", state, "code_challenge", challenge, NULL);
  g_assert_cmpuint (authorized->status, ==, 302);
  code = code_from_location (header (authorized, "Location"), REDIRECT, &echoed_state);
  g_assert_cmpstr (echoed_state, ==, state);
  g_assert_true (g_str_has_prefix (header (authorized, "Location"), REDIRECT "?state="));

  token = exchange (fixture, code, verifier);
  assert_token_reply (token, SCOPE, &pair);

  me = get_me (fixture, pair.access, NULL);
  assert_reply (me, 200, "application/json", ACME_ME_BODY);
  g_assert_cmpint (header_int (me, "x-rate-limit-limit"), ==, 75);
  g_assert_cmpint (header_int (me, "x-rate-limit-remaining"), ==, 74);
  reset = header_int (me, "x-rate-limit-reset");
  g_assert_cmpint (reset, >=, now + 900);
  g_assert_cmpint (reset, <=, sh_sandbox_world_now (fixture->world) + 900);

  again = get_me (fixture, pair.access, NULL);
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_cmpint (header_int (again, "x-rate-limit-remaining"), ==, 73);
  g_assert_cmpint (header_int (again, "x-rate-limit-reset"), ==, reset);

  /* user.fields=profile_image_url: an absolute URL on the sandbox. */
  with_picture = get_me (fixture, pair.access, "user.fields=profile_image_url");
  g_assert_cmpuint (with_picture->status, ==, 200);
  object = sh_test_parse_object (with_picture->body);
  picture = g_strconcat (sh_sandbox_server_get_base_url (fixture->server),
                         "/pictures/" ACME_ID ".svg", NULL);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "data"),
                                                  "profile_image_url"), ==, picture);

  /* The state comes back exactly, whatever it holds. */
  g_clear_pointer (&echoed_state, g_free);
  odd_state = authorize (fixture, "state", "a b&c=d/é", NULL);
  g_assert_cmpuint (odd_state->status, ==, 302);
  g_free (code_from_location (header (odd_state, "Location"), REDIRECT, &echoed_state));
  g_assert_cmpstr (echoed_state, ==, "a b&c=d/é");
}

/* Without sandbox_instant a person sees a page that moves on by itself. */
static void
test_authorize_page (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(Reply) page = authorize (fixture, "sandbox_instant", NULL, NULL);
  g_autoptr(Reply) instant = NULL;
  g_autoptr(Reply) bakery = NULL;
  g_autoptr(Reply) token = NULL;
  g_autoptr(Reply) me = NULL;
  g_autoptr(Reply) nobody = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("content=\"3;url=([^\"]+)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GString) location = NULL;
  g_autofree char *refresh_url = NULL;
  g_autofree char *code = NULL;
  g_autofree char *bakery_code = NULL;
  g_auto(Pair) pair = { NULL, NULL };

  g_assert_cmpuint (page->status, ==, 200);
  g_assert_cmpstr (page->content_type, ==, "text/html");
  g_assert_null (header (page, "Location"));
  g_assert_nonnull (strstr (page->body, "Authorizing SocialHub for @acmecoffee…"));
  g_assert_nonnull (strstr (page->body, "http-equiv=\"refresh\""));
  g_assert_true (g_regex_match (regex, page->body, 0, &match));
  refresh_url = g_match_info_fetch (match, 1);
  location = g_string_new (refresh_url);
  g_string_replace (location, "&amp;", "&", 0);
  code = code_from_location (location->str, REDIRECT, NULL);
  token = exchange (fixture, code, VERIFIER);
  g_assert_cmpuint (token->status, ==, 200);

  /* No delay: a plain redirect. */
  sh_sandbox_world_set_approve_delay (fixture->world, 0);
  instant = authorize (fixture, "sandbox_instant", NULL, NULL);
  g_assert_cmpuint (instant->status, ==, 302);

  /* sandbox_account picks who signs in. */
  bakery_code = new_code (fixture, SCOPE, BAKERY_ID);
  bakery = exchange (fixture, bakery_code, VERIFIER);
  assert_token_reply (bakery, SCOPE, &pair);
  me = get_me (fixture, pair.access, NULL);
  assert_reply (me, 200, "application/json",
                "{\"data\":{\"id\":\"44196398\",\"name\":\"Bakery & Sons\",\"username\":\"bakeryandsons\"}}");

  nobody = authorize (fixture, "sandbox_account", "999", NULL);
  g_assert_cmpuint (nobody->status, ==, 400);
  g_assert_null (header (nobody, "Location"));
}

/* Never a redirect to an unregistered URI, nor for any other bad request. */
static void
test_authorize_refused (Fixture       *fixture,
                        gconstpointer  data)
{
  static const char * const redirects[] = {
    "http://localhost:8923/callback",       /* localhost is not 127.0.0.1 */
    "http://127.0.0.1:8923/callback/",      /* trailing slash */
    "http://127.0.0.1:8924/callback",       /* another port */
    "https://127.0.0.1:8923/callback",
    "http://127.0.0.1:8923/Callback",
    "http://127.0.0.1:8923/callback?next=1",
    "http://127.0.0.1/callback",
    "",
  };
  static const char * const changes[][2] = {
    { "redirect_uri", NULL },
    { "client_id", "someone-else" },
    { "client_id", NULL },
    { "response_type", "token" },
    { "response_type", NULL },
    { "scope", NULL },
    { "state", NULL },
    { "state", "" },
    { "code_challenge", NULL },
    { "code_challenge", "too-short" },
    { "code_challenge_method", "plain" },
    { "code_challenge_method", NULL },
  };
  g_autoptr(Reply) allowed = NULL;
  g_autofree char *code = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (redirects); i++)
    {
      g_autoptr(Reply) reply = authorize (fixture, "redirect_uri", redirects[i], NULL);

      g_test_message ("redirect_uri %s", redirects[i]);
      g_assert_cmpuint (reply->status, ==, 400);
      g_assert_cmpstr (reply->content_type, ==, "text/html");
      g_assert_null (header (reply, "Location"));
      g_assert_null (strstr (reply->body, "code="));
    }

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autoptr(Reply) reply = authorize (fixture, changes[i][0], changes[i][1], NULL);

      g_test_message ("%s=%s", changes[i][0], changes[i][1] ? changes[i][1] : "(left out)");
      g_assert_cmpuint (reply->status, ==, 400);
      g_assert_cmpstr (reply->content_type, ==, "text/html");
      g_assert_null (header (reply, "Location"));
    }

  /* Registered, it works. */
  sh_sandbox_world_allow_x_redirect (fixture->world, "http://localhost:8923/callback");
  allowed = authorize (fixture, "redirect_uri", "http://localhost:8923/callback", NULL);
  g_assert_cmpuint (allowed->status, ==, 302);
  code = code_from_location (header (allowed, "Location"), "http://localhost:8923/callback", NULL);
}

/* ---- POST /2/oauth2/token ------------------------------------------------------------------ */

static void
test_wrong_verifier (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *other = sh_pkce_new_verifier ();
  g_autofree char *code = new_code (fixture, SCOPE, NULL);
  g_autofree char *code2 = new_code (fixture, SCOPE, NULL);
  g_autoptr(Reply) wrong = exchange (fixture, code, other);
  g_autoptr(Reply) missing = exchange (fixture, code2, NULL);

  assert_reply (wrong, 400, "application/json", VERIFIER_BODY);
  assert_reply (missing, 400, "application/json", NO_VERIFIER_BODY);
}

static void
test_code_reuse (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *code = new_code (fixture, SCOPE, NULL);
  g_autoptr(Reply) first = exchange (fixture, code, VERIFIER);
  g_autoptr(Reply) second = exchange (fixture, code, VERIFIER);
  g_autoptr(Reply) unknown = exchange (fixture, "not-a-code", VERIFIER);
  g_auto(Pair) pair = { NULL, NULL };

  assert_token_reply (first, SCOPE, &pair);
  assert_reply (second, 400, "application/json", CODE_INVALID_BODY);
  assert_reply (unknown, 400, "application/json", CODE_INVALID_BODY);
  /* The first exchange's tokens are not harmed by the second attempt. */
  assert_works (fixture, pair.access);
}

static void
test_code_expiry (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *old = new_code (fixture, SCOPE, NULL);
  g_autoptr(Reply) late = NULL;
  g_autoptr(Reply) in_time = NULL;
  g_autofree char *fresh = NULL;
  g_auto(Pair) pair = { NULL, NULL };

  sh_sandbox_world_advance (fixture->world, 30);
  late = exchange (fixture, old, VERIFIER);
  assert_reply (late, 400, "application/json", CODE_INVALID_BODY);

  fresh = new_code (fixture, SCOPE, NULL);
  sh_sandbox_world_advance (fixture->world, 25);
  in_time = exchange (fixture, fresh, VERIFIER);
  assert_token_reply (in_time, SCOPE, &pair);
}

static void
test_redirect_mismatch (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *code = new_code (fixture, SCOPE, NULL);
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonObject) object = NULL;

  sh_sandbox_world_allow_x_redirect (fixture->world, "http://localhost:8923/callback");
  reply = post_form (fixture, "/2/oauth2/token",
                     "grant_type", "authorization_code",
                     "code", code,
                     "redirect_uri", "http://localhost:8923/callback",
                     "code_verifier", VERIFIER,
                     "client_id", SH_SANDBOX_X_CLIENT_ID,
                     NULL);
  g_assert_cmpuint (reply->status, ==, 400);
  object = sh_test_parse_object (reply->body);
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, "invalid_request");
}

static void
test_token_client (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *code = new_code (fixture, SCOPE, NULL);
  g_autofree char *basic_code = new_code (fixture, SCOPE, NULL);
  g_autofree char *token_url = g_strconcat (fixture->x_url, "/2/oauth2/token", NULL);
  g_autofree char *credentials = g_base64_encode ((const guchar *) SH_SANDBOX_X_CLIENT_ID ":",
                                                  strlen (SH_SANDBOX_X_CLIENT_ID ":"));
  g_autofree char *basic = g_strconcat ("Basic ", credentials, NULL);
  g_autoptr(GBytes) json = g_bytes_new_static ("{\"grant_type\":\"refresh_token\"}", 30);
  g_autoptr(Reply) missing = NULL;
  g_autoptr(Reply) wrong = NULL;
  g_autoptr(Reply) by_basic = NULL;
  g_autoptr(Reply) grant = NULL;
  g_autoptr(Reply) no_grant = NULL;
  g_autoptr(Reply) not_form = NULL;
  g_autoptr(Reply) get = NULL;
  g_autoptr(JsonObject) object = NULL;
  SoupMessage *msg;
  g_auto(Pair) pair = { NULL, NULL };

  missing = post_form (fixture, "/2/oauth2/token",
                       "grant_type", "authorization_code", "code", code,
                       "redirect_uri", REDIRECT, "code_verifier", VERIFIER, NULL);
  assert_reply (missing, 401, "application/json", NO_CLIENT_BODY);

  wrong = post_form (fixture, "/2/oauth2/token",
                     "grant_type", "authorization_code", "code", code,
                     "redirect_uri", REDIRECT, "code_verifier", VERIFIER,
                     "client_id", "c29tZW9uZS1lbHNl", NULL);
  assert_reply (wrong, 401, "application/json", NO_CLIENT_BODY);

  /* A client that sends HTTP Basic, as a confidential one would. */
  msg = new_form_message (fixture, "/2/oauth2/token",
                          "grant_type", "authorization_code", "code", basic_code,
                          "redirect_uri", REDIRECT, "code_verifier", VERIFIER, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", basic);
  by_basic = send_message (fixture, msg);
  assert_token_reply (by_basic, SCOPE, &pair);

  grant = post_form (fixture, "/2/oauth2/token",
                     "grant_type", "password", "client_id", SH_SANDBOX_X_CLIENT_ID, NULL);
  g_assert_cmpuint (grant->status, ==, 400);
  object = sh_test_parse_object (grant->body);
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, "unsupported_grant_type");

  no_grant = post_form (fixture, "/2/oauth2/token", "client_id", SH_SANDBOX_X_CLIENT_ID, NULL);
  assert_reply (no_grant, 400, "application/json",
                "{\"error\":\"invalid_request\",\"error_description\":"
                "\"Missing required parameter [grant_type].\"}");

  msg = soup_message_new (SOUP_METHOD_POST, token_url);
  soup_message_set_request_body_from_bytes (msg, "application/json", json);
  not_form = send_message (fixture, msg);
  g_assert_cmpuint (not_form->status, ==, 400);

  get = send_message (fixture, soup_message_new (SOUP_METHOD_GET, token_url));
  g_assert_cmpuint (get->status, ==, 405);
}

static void
test_no_offline_access (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *code = new_code (fixture, "tweet.read users.read", NULL);
  g_autoptr(Reply) reply = exchange (fixture, code, VERIFIER);
  g_auto(Pair) pair = { NULL, NULL };

  assert_token_reply (reply, "tweet.read users.read", &pair);
  g_assert_null (pair.refresh);
  assert_works (fixture, pair.access);
}

/* Each refresh gives a new pair; the old pair stops working at once. */
static void
test_refresh_rotation (Fixture       *fixture,
                       gconstpointer  data)
{
  g_auto(Pair) first = { NULL, NULL };
  g_auto(Pair) second = { NULL, NULL };
  g_auto(Pair) third = { NULL, NULL };
  g_auto(Pair) fourth = { NULL, NULL };
  g_autoptr(Reply) rotated = NULL;
  g_autoptr(Reply) spent = NULL;
  g_autoptr(Reply) rotated_again = NULL;
  g_autoptr(Reply) spent_again = NULL;
  g_autoptr(Reply) access_as_refresh = NULL;
  g_autoptr(Reply) unknown = NULL;
  g_autoptr(Reply) after_expiry = NULL;

  sign_in (fixture, NULL, &first);

  rotated = refresh (fixture, first.refresh);
  assert_token_reply (rotated, SCOPE, &second);
  g_assert_cmpstr (second.access, !=, first.access);
  g_assert_cmpstr (second.refresh, !=, first.refresh);
  assert_works (fixture, second.access);

  spent = refresh (fixture, first.refresh);
  assert_reply (spent, 400, "application/json", TOKEN_INVALID_BODY);
  assert_unauthorized (fixture, first.access);
  /* The failed attempt did not harm the live pair. */
  assert_works (fixture, second.access);

  rotated_again = refresh (fixture, second.refresh);
  assert_token_reply (rotated_again, SCOPE, &third);
  assert_works (fixture, third.access);
  assert_unauthorized (fixture, second.access);
  spent_again = refresh (fixture, second.refresh);
  assert_reply (spent_again, 400, "application/json", TOKEN_INVALID_BODY);

  access_as_refresh = refresh (fixture, third.access);
  assert_reply (access_as_refresh, 400, "application/json", TOKEN_INVALID_BODY);
  unknown = refresh (fixture, "bm90LWEtdG9rZW4");
  assert_reply (unknown, 400, "application/json", TOKEN_INVALID_BODY);

  /* An expired access token is refreshed with its (never expiring) refresh token. */
  sh_sandbox_world_advance (fixture->world, 7200);
  assert_unauthorized (fixture, third.access);
  after_expiry = refresh (fixture, third.refresh);
  assert_token_reply (after_expiry, SCOPE, &fourth);
  assert_works (fixture, fourth.access);
}

/* ---- POST /2/oauth2/revoke --------------------------------------------------------------------- */

static void
test_revoke (Fixture       *fixture,
             gconstpointer  data)
{
  g_auto(Pair) pair = { NULL, NULL };
  g_auto(Pair) renewed = { NULL, NULL };
  g_autoptr(Reply) no_hint = NULL;
  g_autoptr(Reply) no_client = NULL;
  g_autoptr(Reply) bad_hint = NULL;
  g_autoptr(Reply) revoked_access = NULL;
  g_autoptr(Reply) still_refreshes = NULL;
  g_autoptr(Reply) revoked_refresh = NULL;
  g_autoptr(Reply) dead_refresh = NULL;
  g_autoptr(Reply) unknown = NULL;

  sign_in (fixture, NULL, &pair);

  no_hint = revoke_token (fixture, pair.access, NULL);
  assert_reply (no_hint, 400, "application/json", NO_HINT_BODY);
  assert_works (fixture, pair.access);

  no_client = post_form (fixture, "/2/oauth2/revoke",
                         "token", pair.access, "token_type_hint", "access_token", NULL);
  assert_reply (no_client, 401, "application/json", NO_CLIENT_BODY);
  bad_hint = revoke_token (fixture, pair.access, "id_token");
  g_assert_cmpuint (bad_hint->status, ==, 400);
  assert_works (fixture, pair.access);

  /* An access token goes alone: its refresh token still refreshes. */
  revoked_access = revoke_token (fixture, pair.access, "access_token");
  assert_reply (revoked_access, 200, "application/json", "{\"revoked\":true}");
  assert_unauthorized (fixture, pair.access);
  still_refreshes = refresh (fixture, pair.refresh);
  assert_token_reply (still_refreshes, SCOPE, &renewed);
  assert_works (fixture, renewed.access);

  /* A refresh token takes its access token with it. */
  revoked_refresh = revoke_token (fixture, renewed.refresh, "refresh_token");
  assert_reply (revoked_refresh, 200, "application/json", "{\"revoked\":true}");
  assert_unauthorized (fixture, renewed.access);
  dead_refresh = refresh (fixture, renewed.refresh);
  assert_reply (dead_refresh, 400, "application/json", TOKEN_INVALID_BODY);

  /* RFC 7009: an unknown token is no error. */
  unknown = revoke_token (fixture, "bm90LWEtdG9rZW4", "access_token");
  assert_reply (unknown, 200, "application/json", "{\"revoked\":true}");
}

/* ---- GET /2/users/me --------------------------------------------------------------------------- */

static void
test_me_unauthorized (Fixture       *fixture,
                      gconstpointer  data)
{
  g_auto(Pair) pair = { NULL, NULL };
  g_autoptr(Reply) no_header = get_me (fixture, NULL, NULL);
  g_autoptr(Reply) not_found = NULL;

  assert_reply (no_header, 401, "application/problem+json", UNAUTHORIZED_BODY);
  assert_unauthorized (fixture, "bm90LWEtdG9rZW4");

  sign_in (fixture, NULL, &pair);
  assert_unauthorized (fixture, pair.refresh);   /* not an access token */

  /* Revoked by the person (the control endpoint's revoke-token). */
  g_assert_true (sh_sandbox_world_revoke_token (fixture->world, pair.access));
  assert_unauthorized (fixture, pair.access);

  /* Expired: 7200 s after it was issued. */
  g_clear_pointer (&pair.access, g_free);
  g_clear_pointer (&pair.refresh, g_free);
  sign_in (fixture, NULL, &pair);
  sh_sandbox_world_advance (fixture->world, 7199);
  assert_works (fixture, pair.access);
  sh_sandbox_world_advance (fixture->world, 1);
  assert_unauthorized (fixture, pair.access);

  not_found = send_message (fixture, soup_message_new (SOUP_METHOD_GET,
                                                       sh_sandbox_server_get_base_url (fixture->server)));
  g_assert_cmpuint (not_found->status, ==, 404);
  g_clear_pointer (&not_found, reply_free);
  {
    g_autofree char *url = g_strconcat (fixture->x_url, "/2/nothing", NULL);

    not_found = send_message (fixture, soup_message_new (SOUP_METHOD_GET, url));
    assert_reply (not_found, 404, "application/json",
                  "{\"errors\":[{\"message\":\"Sorry, that page does not exist\",\"code\":34}]}");
  }
}

static void
test_me_locked (Fixture       *fixture,
                gconstpointer  data)
{
  g_auto(Pair) pair = { NULL, NULL };
  g_autoptr(Reply) locked = NULL;
  ShSandboxPerson *owner = sh_sandbox_world_get_person (fixture->world, "10001");

  sign_in (fixture, NULL, &pair);
  owner->x_locked = TRUE;
  locked = get_me (fixture, pair.access, NULL);
  assert_reply (locked, 403, "application/problem+json", FORBIDDEN_BODY);

  g_assert_true (sh_sandbox_world_restore_person (fixture->world, "10001"));
  assert_works (fixture, pair.access);
}

/* ---- rate limits ---------------------------------------------------------------------------------- */

/* 75 calls per 15 minutes per user, counted down in x-rate-limit-remaining. */
static void
test_rate_window (Fixture       *fixture,
                  gconstpointer  data)
{
  g_auto(Pair) pair = { NULL, NULL };
  g_auto(Pair) second = { NULL, NULL };
  g_auto(Pair) bakery = { NULL, NULL };
  g_autoptr(Reply) over = NULL;
  g_autoptr(Reply) same_user = NULL;
  g_autoptr(Reply) other_user = NULL;
  g_autoptr(Reply) next_window = NULL;
  gint64 reset = 0;

  sign_in (fixture, NULL, &pair);
  for (int i = 74; i >= 0; i--)
    {
      g_autoptr(Reply) reply = get_me (fixture, pair.access, NULL);

      g_assert_cmpuint (reply->status, ==, 200);
      g_assert_cmpint (header_int (reply, "x-rate-limit-limit"), ==, 75);
      g_assert_cmpint (header_int (reply, "x-rate-limit-remaining"), ==, i);
      if (reset == 0)
        reset = header_int (reply, "x-rate-limit-reset");
      g_assert_cmpint (header_int (reply, "x-rate-limit-reset"), ==, reset);
    }

  over = get_me (fixture, pair.access, NULL);
  assert_reply (over, 429, "application/problem+json", TOO_MANY_BODY);
  g_assert_cmpint (header_int (over, "x-rate-limit-limit"), ==, 75);
  g_assert_cmpint (header_int (over, "x-rate-limit-remaining"), ==, 0);
  g_assert_cmpint (header_int (over, "x-rate-limit-reset"), ==, reset);

  /* Per user: another token of the same account is limited too, another
   * account is not. */
  sign_in (fixture, NULL, &second);
  same_user = get_me (fixture, second.access, NULL);
  g_assert_cmpuint (same_user->status, ==, 429);
  sign_in (fixture, BAKERY_ID, &bakery);
  other_user = get_me (fixture, bakery.access, NULL);
  g_assert_cmpuint (other_user->status, ==, 200);
  g_assert_cmpint (header_int (other_user, "x-rate-limit-remaining"), ==, 74);

  /* The window ends at x-rate-limit-reset. */
  sh_sandbox_world_advance (fixture->world, reset - sh_sandbox_world_now (fixture->world));
  next_window = get_me (fixture, pair.access, NULL);
  g_assert_cmpuint (next_window->status, ==, 200);
  g_assert_cmpint (header_int (next_window, "x-rate-limit-remaining"), ==, 74);
  g_assert_cmpint (header_int (next_window, "x-rate-limit-reset"), >=, reset + 900);
}

/* THROTTLE faults: 429 in either body form, remaining 0, a reset. */
static void
test_throttle (Fixture       *fixture,
               gconstpointer  data)
{
  g_auto(Pair) pair = { NULL, NULL };
  g_autoptr(Reply) problem = NULL;
  g_autoptr(Reply) v1 = NULL;
  g_autoptr(Reply) after = NULL;
  g_autoptr(Reply) token = NULL;
  gint64 now;

  sign_in (fixture, NULL, &pair);
  now = sh_sandbox_world_now (fixture->world);

  add_throttle (fixture, NULL, NULL);
  problem = get_me (fixture, pair.access, NULL);
  assert_reply (problem, 429, "application/problem+json", TOO_MANY_BODY);
  g_assert_cmpint (header_int (problem, "x-rate-limit-limit"), ==, 75);
  g_assert_cmpint (header_int (problem, "x-rate-limit-remaining"), ==, 0);
  g_assert_cmpint (header_int (problem, "x-rate-limit-reset"), >, now);

  add_throttle (fixture, "v1", "/2/users/me");
  v1 = get_me (fixture, pair.access, NULL);
  assert_reply (v1, 429, "application/json", RATE_V1_BODY);
  g_assert_cmpint (header_int (v1, "x-rate-limit-remaining"), ==, 0);
  g_assert_cmpint (header_int (v1, "x-rate-limit-reset"), >, now);

  /* The faults are used up, and they did not count against the window. */
  after = get_me (fixture, pair.access, NULL);
  g_assert_cmpuint (after->status, ==, 200);
  g_assert_cmpint (header_int (after, "x-rate-limit-remaining"), ==, 74);

  add_throttle (fixture, "problem", "/2/oauth2/token");
  token = refresh (fixture, pair.refresh);
  assert_reply (token, 429, "application/problem+json", TOO_MANY_BODY);
  g_assert_cmpint (header_int (token, "x-rate-limit-remaining"), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sandbox-x/pkce/rfc7636", test_pkce);
#define ADD(path, func) \
  g_test_add ("/sandbox-x/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("flow", test_flow);
  ADD ("authorize/page", test_authorize_page);
  ADD ("authorize/refused", test_authorize_refused);
  ADD ("token/wrong-verifier", test_wrong_verifier);
  ADD ("token/code-reuse", test_code_reuse);
  ADD ("token/code-expiry", test_code_expiry);
  ADD ("token/redirect-mismatch", test_redirect_mismatch);
  ADD ("token/client", test_token_client);
  ADD ("token/no-offline-access", test_no_offline_access);
  ADD ("refresh/rotation", test_refresh_rotation);
  ADD ("revoke", test_revoke);
  ADD ("users-me/unauthorized", test_me_unauthorized);
  ADD ("users-me/locked", test_me_locked);
  ADD ("rate-limit/window", test_rate_window);
  ADD ("rate-limit/throttle", test_throttle);
#undef ADD

  return g_test_run ();
}
