/* test-x-classify.c — what X's answers mean (sh-x-classify.c), without any
 * network: the bodies of docs/network-behaviour.md and the emulator byte for byte, the
 * app-configuration problems, a 401 that is not X's (a proxy's or a
 * captive portal's page), the token endpoint's refusals, the
 * rate-limit headers, the loopback redirect's query, and random and cut
 * inputs that must never crash or give a verdict. */
#include "config.h"

#include <string.h>

#include "sh-x-classify.h"
#include "test-x-bodies.h"

#define CLIENT_FORBIDDEN_BODY \
  "{\"client_id\":\"123\",\"detail\":\"When authenticating requests to the Twitter API v2 " \
  "endpoints, you must use keys and tokens from a Twitter developer App that is attached to " \
  "a Project.\",\"registration_url\":\"https://developer.twitter.com/en/docs/projects/overview\"," \
  "\"title\":\"Client Forbidden\",\"required_enrollment\":\"Appropriate Level of API Access\"," \
  "\"reason\":\"client-not-enrolled\",\"type\":\"https://api.twitter.com/2/problems/client-forbidden\"}"
#define UNSUPPORTED_AUTH_BODY \
  "{\"title\":\"Unsupported Authentication\",\"detail\":\"Authenticating with OAuth 2.0 " \
  "Application-Only is forbidden for this endpoint.\",\"type\":" \
  "\"https://api.x.com/2/problems/unsupported-authentication\",\"status\":403}"
#define ME_BODY \
  "{\"data\":{\"id\":\"44196397\",\"name\":\"Acme Coffee\",\"username\":\"acmecoffee\"}}"
#define TOKEN_BODY \
  "{\"token_type\":\"bearer\",\"expires_in\":7200,\"access_token\":\"AAAA-access\"," \
  "\"scope\":\"tweet.read users.read offline.access\",\"refresh_token\":\"RRRR-refresh\"}"
#define TOKEN_INVALID_BODY \
  "{\"error\":\"invalid_request\",\"error_description\":\"Value passed for the token was invalid.\"}"
#define NO_CLIENT_BODY \
  "{\"error\":\"unauthorized_client\",\"error_description\":\"Missing valid authorization header\"}"
#define HTML_BODY "<!DOCTYPE html><html><body><h1>Something went wrong</h1></body></html>"
/* What a hotel's captive portal or a corporate TLS proxy answers. */
#define PORTAL_BODY \
  "<html><head><title>401 Authorization Required</title></head><body>" \
  "<h1>Authorization Required</h1><p>Please log in to the network to continue.</p></body></html>"

#define STATE "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2Fs"

static void
assert_users_me (guint          status,
                 const char    *body,
                 ShTokenState   state,
                 ShTokenReason  reason,
                 gboolean       unauthorized,
                 gboolean       throttled,
                 gboolean       app_fault)
{
  ShXVerdict verdict;

  sh_x_classify_users_me (status, body, -1, &verdict);
  if (verdict.state != state || verdict.reason != reason || verdict.unauthorized != unauthorized ||
      verdict.throttled != throttled || verdict.app_fault != app_fault)
    g_error ("HTTP %u %.40s…: %s/%s (401 %d, 429 %d, app %d), wanted %s/%s (%d, %d, %d)",
             status, body ?: "(null)", sh_token_state_to_string (verdict.state),
             sh_token_reason_to_string (verdict.reason) ?: "none", verdict.unauthorized,
             verdict.throttled, verdict.app_fault, sh_token_state_to_string (state),
             sh_token_reason_to_string (reason) ?: "none", unauthorized, throttled, app_fault);
}

static void
test_users_me (void)
{
  assert_users_me (200, ME_BODY, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, FALSE, FALSE, FALSE);
  /* Expired or revoked: the body does not say which. */
  assert_users_me (401, UNAUTHORIZED_BODY, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_INVALID_TOKEN,
                   TRUE, FALSE, FALSE);
  /* v1.1's "invalid or expired token" is X's word too. */
  assert_users_me (401, "{\"errors\":[{\"code\":89,\"message\":\"Invalid or expired token.\"}]}",
                   SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_INVALID_TOKEN, TRUE, FALSE, FALSE);
  /* A 401 without X's problem body is no verdict and asks for no refresh:
   * a proxy, a captive portal or a TLS-intercepting box answers so. */
  assert_users_me (401, NULL, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                   FALSE, FALSE, FALSE);
  assert_users_me (401, "", SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                   FALSE, FALSE, FALSE);
  assert_users_me (401, HTML_BODY, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                   FALSE, FALSE, FALSE);
  assert_users_me (401, PORTAL_BODY, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                   FALSE, FALSE, FALSE);
  /* JSON, but not X's 401: another service's error, a problem about
   * something else, a cut problem. */
  assert_users_me (401, "{\"error\":\"unauthorized\",\"message\":\"Proxy authentication required\"}",
                   SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE, FALSE, FALSE);
  assert_users_me (401, "{\"message\":\"Unauthorized\"}", SH_TOKEN_STATE_UNKNOWN,
                   SH_TOKEN_REASON_SERVER_ERROR, FALSE, FALSE, FALSE);
  assert_users_me (401, "[]", SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                   FALSE, FALSE, FALSE);
  assert_users_me (401, FORBIDDEN_BODY, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                   FALSE, FALSE, FALSE);
  assert_users_me (401, "{\"title\":\"Unauthorized\",\"type\":\"https://proxy.example/denied\","
                        "\"status\":401}", SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                   FALSE, FALSE, FALSE);
  assert_users_me (401, "{\"title\":\"Unauthorized\",\"type\":\"about:blank\",\"status\":4",
                   SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE, FALSE, FALSE);
  /* Both throttle forms. */
  assert_users_me (429, TOO_MANY_BODY, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED,
                   FALSE, TRUE, FALSE);
  assert_users_me (429, RATE_V1_BODY, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED,
                   FALSE, TRUE, FALSE);
  assert_users_me (429, "", SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED,
                   FALSE, TRUE, FALSE);
  assert_users_me (420, RATE_V1_BODY, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED,
                   FALSE, TRUE, FALSE);
  /* The app's configuration, not the token. */
  assert_users_me (403, CLIENT_FORBIDDEN_BODY, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                   FALSE, FALSE, TRUE);
  assert_users_me (403, UNSUPPORTED_AUTH_BODY, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                   FALSE, FALSE, TRUE);
  /* A plain "Forbidden" (what the emulator answers for a locked account):
   * undocumented for v2, so no verdict. v1.1's documented codes are. */
  assert_users_me (403, FORBIDDEN_BODY, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                   FALSE, FALSE, FALSE);
  assert_users_me (403, "{\"errors\":[{\"code\":326,\"message\":\"locked\"}]}",
                   SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_ACCOUNT_LOCKED, FALSE, FALSE, FALSE);
  assert_users_me (403, "{\"errors\":[{\"code\":64,\"message\":\"suspended\"}]}",
                   SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_ACCOUNT_SUSPENDED, FALSE, FALSE, FALSE);
  /* A 403 we cannot read, or of a kind we do not know: no verdict. */
  assert_users_me (403, HTML_BODY, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                   FALSE, FALSE, FALSE);
  assert_users_me (403, "{\"title\":\"Forbidden\",\"type\":\"https://api.x.com/2/problems/other\"}",
                   SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE, FALSE, FALSE);
  assert_users_me (403, "", SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR,
                   FALSE, FALSE, FALSE);
  /* Servers, and 200s that are not what they claim. */
  assert_users_me (500, "oops", SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE, FALSE, FALSE);
  assert_users_me (503, HTML_BODY, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE, FALSE, FALSE);
  assert_users_me (200, "", SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE, FALSE, FALSE);
  assert_users_me (200, HTML_BODY, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE, FALSE, FALSE);
  assert_users_me (200, "{\"data\":{\"id\":\"4419", SH_TOKEN_STATE_UNKNOWN,
                   SH_TOKEN_REASON_SERVER_ERROR, FALSE, FALSE, FALSE);
  assert_users_me (200, "{\"data\":{\"id\":44196397}}", SH_TOKEN_STATE_UNKNOWN,
                   SH_TOKEN_REASON_SERVER_ERROR, FALSE, FALSE, FALSE);
  assert_users_me (200, "{\"data\":{\"id\":\"acme\"}}", SH_TOKEN_STATE_UNKNOWN,
                   SH_TOKEN_REASON_SERVER_ERROR, FALSE, FALSE, FALSE);
  assert_users_me (200, "[]", SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE, FALSE, FALSE);
  assert_users_me (404, "{\"errors\":[{\"message\":\"Sorry, that page does not exist\",\"code\":34}]}",
                   SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR, FALSE, FALSE, FALSE);
}

static void
test_user (void)
{
  ShXUser user;

  g_assert_true (sh_x_parse_user (ME_BODY, -1, &user));
  g_assert_cmpstr (user.id, ==, "44196397");
  g_assert_cmpstr (user.name, ==, "Acme Coffee");
  g_assert_cmpstr (user.username, ==, "acmecoffee");
  g_assert_null (user.profile_image_url);
  sh_x_user_clear (&user);

  g_assert_true (sh_x_parse_user ("{\"data\":{\"id\":\"1\",\"profile_image_url\":\"https://x/p.jpg\","
                                  "\"name\":\"\",\"username\":\"a\\nb\"}}", -1, &user));
  g_assert_cmpstr (user.profile_image_url, ==, "https://x/p.jpg");
  /* Empty or with control characters: left out. */
  g_assert_null (user.name);
  g_assert_null (user.username);
  sh_x_user_clear (&user);

  g_assert_false (sh_x_parse_user (UNAUTHORIZED_BODY, -1, &user));
  g_assert_null (user.id);
  g_assert_false (sh_x_parse_user (NULL, 0, &user));
}

static void
test_problem (void)
{
  g_autofree char *type = NULL;
  gint64 status;

  g_assert_true (sh_x_parse_problem (CLIENT_FORBIDDEN_BODY, -1, &type, &status));
  g_assert_cmpstr (type, ==, "https://api.twitter.com/2/problems/client-forbidden");
  g_assert_cmpint (status, ==, -1);
  g_assert_true (sh_x_problem_is_app_fault (type));
  g_clear_pointer (&type, g_free);

  g_assert_true (sh_x_parse_problem (UNAUTHORIZED_BODY, -1, &type, &status));
  g_assert_cmpstr (type, ==, "about:blank");
  g_assert_cmpint (status, ==, 401);
  g_assert_false (sh_x_problem_is_app_fault (type));
  g_clear_pointer (&type, g_free);

  g_assert_true (sh_x_problem_is_app_fault ("https://api.x.com/2/problems/unsupported-authentication"));
  g_assert_false (sh_x_problem_is_app_fault ("https://api.x.com/2/problems/client-forbidden/x"));
  g_assert_false (sh_x_problem_is_app_fault (NULL));
  g_assert_false (sh_x_parse_problem (RATE_V1_BODY, -1, &type, &status));
  g_assert_null (type);
  g_assert_false (sh_x_parse_problem (HTML_BODY, -1, &type, NULL));

  g_assert_cmpint (sh_x_parse_v1_error (RATE_V1_BODY, -1), ==, 88);
  g_assert_cmpint (sh_x_parse_v1_error ("{\"errors\":[]}", -1), ==, -1);
  g_assert_cmpint (sh_x_parse_v1_error ("{\"errors\":[{\"code\":\"88\"}]}", -1), ==, -1);
  g_assert_cmpint (sh_x_parse_v1_error ("{\"errors\":{}}", -1), ==, -1);
  g_assert_cmpint (sh_x_parse_v1_error (TOO_MANY_BODY, -1), ==, -1);
}

static void
assert_token_reply (guint            status,
                    const char      *body,
                    ShXGrantOutcome  outcome,
                    const char      *error)
{
  ShXTokenReply reply;
  ShXGrantOutcome got = sh_x_parse_token_reply (status, body, -1, &reply);

  if (got != outcome)
    g_error ("HTTP %u %.40s…: outcome %d, wanted %d", status, body, got, outcome);
  g_assert_cmpstr (reply.error, ==, error);
  if (outcome != SH_X_GRANT_OK)
    g_assert_null (reply.access_token);
  sh_x_token_reply_clear (&reply);
}

static void
test_token_reply (void)
{
  ShXTokenReply reply;

  g_assert_cmpint (sh_x_parse_token_reply (200, TOKEN_BODY, -1, &reply), ==, SH_X_GRANT_OK);
  g_assert_cmpstr (reply.access_token, ==, "AAAA-access");
  g_assert_cmpstr (reply.refresh_token, ==, "RRRR-refresh");
  g_assert_cmpint (reply.expires_in, ==, 7200);
  g_assert_cmpstr (reply.scope, ==, "tweet.read users.read offline.access");
  g_assert_null (reply.error);
  sh_x_token_reply_clear (&reply);
  g_assert_null (reply.access_token);
  g_assert_null (reply.refresh_token);

  /* Without offline.access: no refresh token. A lifetime that is not
   * believable is left out. */
  g_assert_cmpint (sh_x_parse_token_reply (200, "{\"token_type\":\"Bearer\",\"access_token\":\"a\","
                                                "\"expires_in\":-5}", -1, &reply),
                   ==, SH_X_GRANT_OK);
  g_assert_null (reply.refresh_token);
  g_assert_cmpint (reply.expires_in, ==, 0);
  sh_x_token_reply_clear (&reply);
  g_assert_cmpint (sh_x_parse_token_reply (200, "{\"access_token\":\"a\",\"expires_in\":99999999999}",
                                           -1, &reply), ==, SH_X_GRANT_OK);
  g_assert_cmpint (reply.expires_in, ==, 0);
  sh_x_token_reply_clear (&reply);

  assert_token_reply (200, "{\"token_type\":\"bearer\"}", SH_X_GRANT_FAILED, NULL);
  assert_token_reply (200, "{\"token_type\":\"mac\",\"access_token\":\"a\"}", SH_X_GRANT_FAILED, NULL);
  assert_token_reply (200, "{\"access_token\":\"a b\"}", SH_X_GRANT_FAILED, NULL);
  /* A token that cannot be one is handed out to no one, and the caller
   * learns what is wrong with it (sh-token-syntax.h). */
  g_assert_cmpint (sh_x_parse_token_reply (200, "{\"access_token\":\"abc\\r\\nSet-Cookie: x\"}",
                                           -1, &reply), ==, SH_X_GRANT_FAILED);
  g_assert_null (reply.access_token);
  g_assert_cmpint (reply.bad_token, ==, SH_TOKEN_SYNTAX_LINE_BREAK);
  sh_x_token_reply_clear (&reply);
  g_assert_cmpint (sh_x_parse_token_reply (200, "{\"access_token\":\"a\",\"refresh_token\":\"r\\u0001\"}",
                                           -1, &reply), ==, SH_X_GRANT_FAILED);
  g_assert_null (reply.access_token);
  g_assert_null (reply.refresh_token);
  g_assert_cmpint (reply.bad_token, ==, SH_TOKEN_SYNTAX_CONTROL);
  sh_x_token_reply_clear (&reply);
  /* json-glib would read "abc\u0000def" as "abc": not taken at all. */
  g_assert_cmpint (sh_x_parse_token_reply (200, "{\"access_token\":\"abc\\u0000def\"}", -1, &reply),
                   ==, SH_X_GRANT_FAILED);
  g_assert_null (reply.access_token);
  sh_x_token_reply_clear (&reply);
  assert_token_reply (200, "{\"access_token\":\"a\",\"refresh_token\":\"\"}", SH_X_GRANT_FAILED, NULL);
  assert_token_reply (200, "", SH_X_GRANT_FAILED, NULL);
  assert_token_reply (200, HTML_BODY, SH_X_GRANT_FAILED, NULL);
  /* A spent or revoked refresh token, a dead code. */
  assert_token_reply (400, TOKEN_INVALID_BODY, SH_X_GRANT_REFUSED, "invalid_request");
  assert_token_reply (400, "{\"error\":\"invalid_grant\"}", SH_X_GRANT_REFUSED, "invalid_grant");
  /* The app. */
  assert_token_reply (401, NO_CLIENT_BODY, SH_X_GRANT_CLIENT_FAULT, "unauthorized_client");
  assert_token_reply (401, "{\"error\":\"invalid_client\"}", SH_X_GRANT_CLIENT_FAULT, "invalid_client");
  assert_token_reply (403, CLIENT_FORBIDDEN_BODY, SH_X_GRANT_CLIENT_FAULT, NULL);
  /* Not about the token. */
  assert_token_reply (429, TOO_MANY_BODY, SH_X_GRANT_THROTTLED, NULL);
  assert_token_reply (429, RATE_V1_BODY, SH_X_GRANT_THROTTLED, NULL);
  assert_token_reply (500, TOKEN_INVALID_BODY, SH_X_GRANT_FAILED, NULL);
  assert_token_reply (503, HTML_BODY, SH_X_GRANT_FAILED, NULL);
  assert_token_reply (400, "{\"error\":\"temporarily_unavailable\"}", SH_X_GRANT_FAILED,
                      "temporarily_unavailable");
  assert_token_reply (400, "{\"error\":", SH_X_GRANT_FAILED, NULL);
}

static void
test_rate_limit (void)
{
  ShXRateLimit rate;

  sh_x_parse_rate_limit ("75", "74", "1764000900", &rate);
  g_assert_true (rate.has_limit && rate.has_remaining && rate.has_reset);
  g_assert_cmpint (rate.limit, ==, 75);
  g_assert_cmpint (rate.remaining, ==, 74);
  g_assert_cmpint (rate.reset, ==, 1764000900);

  sh_x_parse_rate_limit (NULL, " 0 ", "x", &rate);
  g_assert_false (rate.has_limit);
  g_assert_true (rate.has_remaining);
  g_assert_cmpint (rate.remaining, ==, 0);
  g_assert_false (rate.has_reset);

  sh_x_parse_rate_limit ("-1", "1e3", "99999999999999999999999", &rate);
  g_assert_false (rate.has_limit || rate.has_remaining || rate.has_reset);
  sh_x_parse_rate_limit ("", "", "", &rate);
  g_assert_false (rate.has_limit || rate.has_remaining || rate.has_reset);
}

static ShXCallback
callback (const char  *query,
          char       **out_code,
          char       **out_error)
{
  return sh_x_parse_callback (query, STATE, out_code, out_error);
}

static void
test_callback (void)
{
  g_autofree char *code = NULL;
  g_autofree char *error = NULL;

  g_assert_cmpint (callback ("state=" STATE "&code=abc-DEF_123", &code, &error), ==,
                   SH_X_CALLBACK_CODE);
  g_assert_cmpstr (code, ==, "abc-DEF_123");
  g_assert_null (error);
  g_clear_pointer (&code, g_free);

  /* Order and escapes do not matter; unknown parameters are ignored. */
  g_assert_cmpint (callback ("code=a%2Db&x=1&state=" STATE, &code, NULL), ==, SH_X_CALLBACK_CODE);
  g_assert_cmpstr (code, ==, "a-b");
  g_clear_pointer (&code, g_free);

  /* Not this sign-in's answer. */
  g_assert_cmpint (callback ("code=abc", &code, NULL), ==, SH_X_CALLBACK_WRONG_STATE);
  g_assert_null (code);
  g_assert_cmpint (callback ("state=other&code=abc", &code, NULL), ==, SH_X_CALLBACK_WRONG_STATE);
  g_assert_cmpint (callback ("state=" STATE "x&code=abc", &code, NULL), ==, SH_X_CALLBACK_WRONG_STATE);
  g_assert_cmpint (callback ("state=Zm9v&code=abc", &code, NULL), ==, SH_X_CALLBACK_WRONG_STATE);
  g_assert_cmpint (callback ("state=&code=abc", &code, NULL), ==, SH_X_CALLBACK_WRONG_STATE);
  g_assert_cmpint (callback ("state=" STATE "&state=other&code=abc", &code, NULL), ==,
                   SH_X_CALLBACK_WRONG_STATE);
  g_assert_cmpint (callback ("state=" STATE "%00&code=abc", &code, NULL), ==,
                   SH_X_CALLBACK_WRONG_STATE);
  g_assert_cmpint (callback ("", &code, NULL), ==, SH_X_CALLBACK_WRONG_STATE);
  g_assert_cmpint (callback (NULL, &code, NULL), ==, SH_X_CALLBACK_WRONG_STATE);
  g_assert_null (code);

  /* Ours, but without exactly one usable code. */
  g_assert_cmpint (callback ("state=" STATE, &code, NULL), ==, SH_X_CALLBACK_MALFORMED);
  g_assert_cmpint (callback ("state=" STATE "&code=", &code, NULL), ==, SH_X_CALLBACK_MALFORMED);
  g_assert_cmpint (callback ("state=" STATE "&code=a&code=b", &code, NULL), ==,
                   SH_X_CALLBACK_MALFORMED);
  g_assert_cmpint (callback ("state=" STATE "&code=a%20b", &code, NULL), ==, SH_X_CALLBACK_MALFORMED);
  g_assert_null (code);

  /* The person said no. */
  g_assert_cmpint (callback ("error=access_denied&state=" STATE, &code, &error), ==,
                   SH_X_CALLBACK_DENIED);
  g_assert_cmpstr (error, ==, "access_denied");
  g_assert_null (code);
  g_clear_pointer (&error, g_free);
  /* Someone else's "no" does not end this sign-in. */
  g_assert_cmpint (callback ("error=access_denied&state=other", &code, &error), ==,
                   SH_X_CALLBACK_WRONG_STATE);
  g_assert_null (error);
}

/* Whatever comes, nothing crashes, and nothing unreadable is a verdict. */
static void
test_garbage (void)
{
  static const char * const seeds[] = {
    ME_BODY, UNAUTHORIZED_BODY, FORBIDDEN_BODY, TOO_MANY_BODY, RATE_V1_BODY, CLIENT_FORBIDDEN_BODY,
    TOKEN_BODY, TOKEN_INVALID_BODY, HTML_BODY, "state=" STATE "&code=abc",
  };
  static const guint statuses[] = { 200, 400, 401, 403, 429, 500 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20251101);

  for (guint round = 0; round < 20000; round++)
    {
      const char *seed = seeds[g_rand_int_range (rand, 0, G_N_ELEMENTS (seeds))];
      gsize length = strlen (seed);
      g_autofree char *body = g_strdup (seed);
      guint status = statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))];
      ShXVerdict verdict;
      ShXTokenReply reply;
      ShXUser user;
      ShXRateLimit rate;
      g_autofree char *code = NULL;
      g_autofree char *error = NULL;
      g_autofree char *type = NULL;

      /* Cut, flip bytes, or both. */
      if (g_rand_boolean (rand))
        length = g_rand_int_range (rand, 0, length + 1);
      for (guint i = g_rand_int_range (rand, 0, 4); i > 0 && length > 0; i--)
        body[g_rand_int_range (rand, 0, length)] = (char) g_rand_int_range (rand, 1, 256);

      sh_x_classify_users_me (status, body, length, &verdict);
      if (verdict.state == SH_TOKEN_STATE_VALID)
        g_assert_true (status == 200);
      /* A 401 verdict only from a body that still parses as X's. */
      if (verdict.unauthorized)
        {
          g_autofree char *problem_type = NULL;
          gint64 problem_status = -1;

          g_assert_true (status == 401);
          g_assert_true (sh_x_parse_v1_error (body, length) == 89 ||
                         (sh_x_parse_problem (body, length, &problem_type, &problem_status) &&
                          problem_status == 401));
        }
      if (sh_x_parse_token_reply (status, body, length, &reply) == SH_X_GRANT_OK)
        g_assert_nonnull (reply.access_token);
      sh_x_token_reply_clear (&reply);
      if (sh_x_parse_user (body, length, &user))
        g_assert_nonnull (user.id);
      sh_x_user_clear (&user);
      sh_x_parse_problem (body, length, &type, NULL);
      sh_x_parse_v1_error (body, length);
      body[length] = '\0';
      sh_x_parse_rate_limit (body, body, body, &rate);
      if (sh_x_parse_callback (body, STATE, &code, &error) == SH_X_CALLBACK_CODE)
        g_assert_nonnull (code);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/x-classify/users-me", test_users_me);
  g_test_add_func ("/x-classify/user", test_user);
  g_test_add_func ("/x-classify/problem", test_problem);
  g_test_add_func ("/x-classify/token-reply", test_token_reply);
  g_test_add_func ("/x-classify/rate-limit", test_rate_limit);
  g_test_add_func ("/x-classify/callback", test_callback);
  g_test_add_func ("/x-classify/garbage", test_garbage);

  return g_test_run ();
}
