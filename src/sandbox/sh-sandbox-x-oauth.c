/* sh-sandbox-x-oauth.c — the emulated X OAuth 2.0: Authorization Code with
 * PKCE for a public client (docs/network-behaviour.md, "OAuth 2.0 Authorization Code with
 * PKCE").
 *
 * GET /i/oauth2/authorize
 *   Checks response_type=code, client_id (the sandbox app's), redirect_uri
 *   (registered, exact string match: "localhost" is not "127.0.0.1", a
 *   trailing slash or another port is another URI), a non-empty scope and
 *   state, a code_challenge of 43–128 unreserved characters and
 *   code_challenge_method=S256 ("plain" is refused). Any fault gives a 400
 *   HTML page and never a redirect: the sandbox does not send errors back to
 *   the redirect_uri even where RFC 6749 §4.1.2.1 would allow it, which is
 *   also what X appears to do ("Something went wrong").
 *   Then it approves itself for the one named by the sandbox-only
 *   parameter sandbox_account=ID, else the chosen approver's account
 *   (sh_sandbox_world_set_approver), else the first X account, and sends the browser
 *   to redirect_uri?state=STATE&code=CODE:
 *     - with a 302 when sandbox_instant=1 or the world's approve delay is 0
 *       (tests, and scripts that do not run a browser);
 *     - otherwise with a 200 page "Authorizing SocialHub for @username…"
 *       whose <meta http-equiv="refresh"> moves on after the approve delay
 *       (default 3 s), so that a person sees what happens.
 *   The code is made when the page is served and lives 30 s of world time.
 *
 * POST /2/oauth2/token (form)
 *   The client is identified by client_id in the form, or by HTTP Basic
 *   (client_id as user name, as a confidential client would send it). A
 *   missing or unknown client gives
 *     401 {"error":"unauthorized_client","error_description":"Missing valid authorization header"}
 *   (what X answers when the client type and credentials do not agree).
 *   grant_type=authorization_code needs code, redirect_uri, code_verifier:
 *     400 invalid_request "Missing required parameter [NAME]."  (tweepy#2021)
 *     400 invalid_request "Value passed for the authorization code was invalid."
 *         unknown, spent, expired (30 s) or another client's code
 *         (node-twitter-api-v2#496)
 *     400 invalid_request "Value passed for the code verifier did not match the code challenge."
 *         (twitter-api-typescript-sdk#26)
 *     400 invalid_request "Value passed for the redirect uri did not match the uri of the authorization code."
 *         (UNCONFIRMED wording)
 *   A code is spent by the first attempt to redeem it, whether or not that
 *   attempt succeeds.
 *   grant_type=refresh_token needs refresh_token: a new access token and a
 *   new refresh token; the old refresh token and its access token stop
 *   working at once. A spent, revoked or unknown refresh token gives
 *     400 {"error":"invalid_request","error_description":"Value passed for the token was invalid."}
 *   A locked account's refresh token still refreshes (the lock is not a
 *   revocation; /2/users/me reports it).
 *   Another grant_type: 400 unsupported_grant_type. A body that is not a
 *   form: 400 invalid_request.
 *   Success: 200 {"token_type":"bearer","expires_in":7200,"access_token":…,
 *   "scope":"…","refresh_token":…}, refresh_token only with offline.access,
 *   Cache-Control: no-store.
 *
 * POST /2/oauth2/revoke (form)
 *   token, token_type_hint (required, as X does: arctic#314 —
 *   "Missing required parameter [token_type_hint]."), client_id.
 *   200 {"revoked":true}, also for a token that is unknown or already dead
 *   (RFC 7009 §2.2). A refresh token takes its access token with it; an
 *   access token goes alone. The hint must be access_token or refresh_token
 *   but a wrong one does not stop the revocation (RFC 7009 §2.1).
 */
#include "config.h"

#include <string.h>

#include "sh-pkce.h"
#include "sh-sandbox-x-private.h"

#define TOKEN_INVALID     "Value passed for the token was invalid."
#define CODE_INVALID      "Value passed for the authorization code was invalid."
#define VERIFIER_MISMATCH "Value passed for the code verifier did not match the code challenge."
#define REDIRECT_MISMATCH "Value passed for the redirect uri did not match the uri of the authorization code."
#define NO_CLIENT         "Missing valid authorization header"

static gboolean
is_method (SoupServerMessage *msg,
           const char        *method)
{
  return g_str_equal (soup_server_message_get_method (msg), method);
}

static gboolean
is_empty (const char *value)
{
  return value == NULL || *value == '\0';
}

/* ---- GET /i/oauth2/authorize ---------------------------------------------------- */

/* RFC 7636 §4.2: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
static gboolean
is_valid_challenge (const char *challenge)
{
  gsize len;

  if (challenge == NULL)
    return FALSE;
  len = strlen (challenge);
  if (len < 43 || len > 128)
    return FALSE;
  for (const char *p = challenge; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._~", *p) == NULL)
      return FALSE;
  return TRUE;
}

static void
reply_authorize_error (SoupServerMessage *msg,
                       const char        *why)
{
  g_autofree char *why_escaped = g_markup_escape_text (why, -1);
  g_autofree char *body =
    g_strdup_printf ("<h1>Something went wrong</h1>"
                     "<p>You weren’t able to give access to the App. "
                     "Go back and try logging in again.</p>"
                     "<p class=\"sandbox\">Sandbox: %s</p>", why_escaped);

  _sh_sandbox_x_reply_html (msg, SOUP_STATUS_BAD_REQUEST, "Something went wrong", NULL, body);
}

/* Why the request cannot be approved, or NULL. Checked in this order so that
 * nothing is said about the redirect before the client is known. */
static const char *
authorize_problem (ShSandboxWorld *world,
                   GHashTable     *query)
{
  if (g_strcmp0 (_sh_sandbox_x_param (query, "client_id"), SH_SANDBOX_X_CLIENT_ID) != 0)
    return "client_id is not the sandbox app’s.";
  if (!sh_sandbox_world_x_redirect_allowed (world, _sh_sandbox_x_param (query, "redirect_uri")))
    return "redirect_uri is not registered for this app (the match is exact).";
  if (g_strcmp0 (_sh_sandbox_x_param (query, "response_type"), "code") != 0)
    return "response_type must be code.";
  if (is_empty (_sh_sandbox_x_param (query, "scope")))
    return "scope is missing.";
  if (is_empty (_sh_sandbox_x_param (query, "state")))
    return "state is missing.";
  if (!is_valid_challenge (_sh_sandbox_x_param (query, "code_challenge")))
    return "code_challenge is missing or not 43–128 unreserved characters.";
  if (g_strcmp0 (_sh_sandbox_x_param (query, "code_challenge_method"), "S256") != 0)
    return "code_challenge_method must be S256.";
  return NULL;
}

void
_sh_sandbox_x_handle_authorize (ShSandboxWorld    *world,
                                SoupServerMessage *msg,
                                GHashTable        *query)
{
  const char *redirect_uri = _sh_sandbox_x_param (query, "redirect_uri");
  const char *account_id = _sh_sandbox_x_param (query, "sandbox_account");
  const char *problem;
  guint delay = sh_sandbox_world_get_approve_delay (world);
  ShSandboxXAccount *account = NULL;
  ShSandboxXCode *code;
  g_autofree char *state = NULL;
  g_autofree char *location = NULL;

  if (!is_method (msg, SOUP_METHOD_GET) && !is_method (msg, SOUP_METHOD_HEAD))
    {
      _sh_sandbox_x_reply_bad_method (msg, "GET");
      return;
    }

  problem = authorize_problem (world, query);
  if (problem != NULL)
    {
      reply_authorize_error (msg, problem);
      return;
    }

  if (account_id != NULL)
    account = sh_sandbox_world_get_x_account (world, account_id);
  else if (sh_sandbox_world_x_account_of (world, sh_sandbox_world_get_approver (world)) != NULL)
    account = sh_sandbox_world_x_account_of (world, sh_sandbox_world_get_approver (world));
  else if (sh_sandbox_world_list_x_accounts (world)->len > 0)
    account = g_ptr_array_index (sh_sandbox_world_list_x_accounts (world), 0);
  if (account == NULL)
    {
      reply_authorize_error (msg, "sandbox_account names no X account of the sandbox.");
      return;
    }

  code = sh_sandbox_world_new_x_code (world, SH_SANDBOX_X_CLIENT_ID, redirect_uri,
                                      _sh_sandbox_x_param (query, "code_challenge"),
                                      _sh_sandbox_x_param (query, "scope"), account->id);
  state = g_uri_escape_string (_sh_sandbox_x_param (query, "state"), NULL, FALSE);
  location = g_strdup_printf ("%s%cstate=%s&code=%s", redirect_uri,
                              strchr (redirect_uri, '?') != NULL ? '&' : '?', state, code->code);

  if (delay == 0 || g_strcmp0 (_sh_sandbox_x_param (query, "sandbox_instant"), "1") == 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_FOUND, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Location", location);
    }
  else
    {
      g_autofree char *location_escaped = g_markup_escape_text (location, -1);
      g_autofree char *name = g_markup_escape_text (account->name, -1);
      g_autofree char *username = g_markup_escape_text (account->username, -1);
      g_autofree char *scope = g_markup_escape_text (_sh_sandbox_x_param (query, "scope"), -1);
      g_autofree char *head =
        g_strdup_printf ("<meta http-equiv=\"refresh\" content=\"%u;url=%s\">",
                         delay, location_escaped);
      g_autofree char *body =
        g_strdup_printf ("<h1>Authorizing SocialHub for @%s…</h1>"
                         "<p>Signed in as <b>%s</b> (@%s). SocialHub asks for: %s.</p>"
                         "<p>You will be sent back to the app in %u seconds. "
                         "<a href=\"%s\">Continue now</a></p>",
                         username, name, username, scope, delay, location_escaped);

      _sh_sandbox_x_reply_html (msg, SOUP_STATUS_OK, "Authorize app", head, body);
    }
}

/* ---- POST /2/oauth2/token ---------------------------------------------------------- */

static gboolean
is_form (SoupServerMessage *msg)
{
  const char *content_type =
    soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);

  return content_type != NULL &&
         g_ascii_strcasecmp (content_type, "application/x-www-form-urlencoded") == 0;
}

/* The client_id of an "Authorization: Basic" header, or NULL. */
static char *
basic_client_id (SoupServerMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "Authorization");
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;
  char *colon;

  if (value == NULL || g_ascii_strncasecmp (value, "Basic ", strlen ("Basic ")) != 0)
    return NULL;
  decoded = g_base64_decode (value + strlen ("Basic "), &length);
  text = g_strndup ((const char *) decoded, length);
  colon = strchr (text, ':');
  if (colon != NULL)
    *colon = '\0';
  return g_uri_unescape_string (text, NULL);
}

static gboolean
client_is_known (SoupServerMessage *msg,
                 GHashTable        *query)
{
  const char *form_id = _sh_sandbox_x_param (query, "client_id");
  g_autofree char *basic_id = basic_client_id (msg);

  if (form_id != NULL && basic_id != NULL && !g_str_equal (form_id, basic_id))
    return FALSE;
  return g_strcmp0 (form_id ? form_id : basic_id, SH_SANDBOX_X_CLIENT_ID) == 0;
}

/* Checks what every token and revoke request needs; answers and returns
 * FALSE when something is wrong. */
static gboolean
check_client_request (SoupServerMessage *msg,
                      GHashTable        *query)
{
  if (!is_method (msg, SOUP_METHOD_POST))
    {
      _sh_sandbox_x_reply_bad_method (msg, "POST");
      return FALSE;
    }
  if (!is_form (msg))
    {
      _sh_sandbox_x_reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                                       "Content-Type must be application/x-www-form-urlencoded.");
      return FALSE;
    }
  if (!client_is_known (msg, query))
    {
      _sh_sandbox_x_reply_oauth_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized_client",
                                       NO_CLIENT);
      return FALSE;
    }
  return TRUE;
}

/* Answers 400 and returns FALSE when a required parameter is missing. */
static gboolean
require_params (SoupServerMessage  *msg,
                GHashTable         *query,
                const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (is_empty (_sh_sandbox_x_param (query, names[i])))
      {
        g_autofree char *description =
          g_strdup_printf ("Missing required parameter [%s].", names[i]);

        _sh_sandbox_x_reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                                         description);
        return FALSE;
      }
  return TRUE;
}

static void
issue_and_reply (ShSandboxWorld     *world,
                 SoupServerMessage  *msg,
                 const char         *person_id,
                 const char         *account_id,
                 const char * const *scopes)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *scope = g_strjoinv (" ", (char **) scopes);
  ShSandboxToken *access;
  ShSandboxToken *refresh = NULL;

  access = sh_sandbox_world_issue_token (world, SH_SANDBOX_TOKEN_X_ACCESS, person_id, account_id,
                                         SH_SANDBOX_X_ACCESS_LIFETIME, scopes);
  if (g_strv_contains (scopes, "offline.access"))
    {
      refresh = sh_sandbox_world_issue_token (world, SH_SANDBOX_TOKEN_X_REFRESH, person_id,
                                              account_id, 0, scopes);
      access->partner = g_strdup (refresh->value);
      refresh->partner = g_strdup (access->value);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token_type");
  json_builder_add_string_value (builder, "bearer");
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, SH_SANDBOX_X_ACCESS_LIFETIME);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, access->value);
  json_builder_set_member_name (builder, "scope");
  json_builder_add_string_value (builder, scope);
  if (refresh != NULL)
    {
      json_builder_set_member_name (builder, "refresh_token");
      json_builder_add_string_value (builder, refresh->value);
    }
  json_builder_end_object (builder);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Pragma", "no-cache");
  _sh_sandbox_x_reply_json (msg, SOUP_STATUS_OK, "application/json; charset=utf-8", builder);
}

/* The scope parameter's words, without empty ones and repeats. */
static char **
split_scope (const char *scope)
{
  g_auto(GStrv) words = g_strsplit (scope, " ", -1);
  GPtrArray *kept = g_ptr_array_new ();

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0' &&
        !g_ptr_array_find_with_equal_func (kept, words[i], g_str_equal, NULL))
      g_ptr_array_add (kept, g_strdup (words[i]));
  g_ptr_array_add (kept, NULL);
  return (char **) g_ptr_array_free (kept, FALSE);
}

static void
grant_authorization_code (ShSandboxWorld    *world,
                          SoupServerMessage *msg,
                          GHashTable        *query)
{
  static const char * const required[] = { "code", "redirect_uri", "code_verifier", NULL };
  ShSandboxXCode *code;
  ShSandboxXAccount *account;
  g_auto(GStrv) scopes = NULL;

  if (!require_params (msg, query, required))
    return;

  code = sh_sandbox_world_lookup_x_code (world, _sh_sandbox_x_param (query, "code"));
  if (code == NULL || code->used ||
      sh_sandbox_world_now (world) - code->created_at >= SH_SANDBOX_X_CODE_LIFETIME ||
      g_strcmp0 (code->client_id, SH_SANDBOX_X_CLIENT_ID) != 0)
    {
      _sh_sandbox_x_reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                                       CODE_INVALID);
      return;
    }
  code->used = TRUE;

  if (!g_str_equal (code->redirect_uri, _sh_sandbox_x_param (query, "redirect_uri")))
    {
      _sh_sandbox_x_reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                                       REDIRECT_MISMATCH);
      return;
    }
  if (!sh_pkce_verify_s256 (_sh_sandbox_x_param (query, "code_verifier"), code->code_challenge))
    {
      _sh_sandbox_x_reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                                       VERIFIER_MISMATCH);
      return;
    }

  account = sh_sandbox_world_get_x_account (world, code->x_account_id);
  g_assert (account != NULL);

  scopes = split_scope (code->scope);
  issue_and_reply (world, msg, account->owner_id, account->id, (const char * const *) scopes);
}

static void
grant_refresh_token (ShSandboxWorld    *world,
                     SoupServerMessage *msg,
                     GHashTable        *query)
{
  static const char * const required[] = { "refresh_token", NULL };
  ShSandboxToken *old;
  ShSandboxTokenStatus status;
  g_autofree char *person_id = NULL;
  g_autofree char *account_id = NULL;
  g_auto(GStrv) scopes = NULL;

  if (!require_params (msg, query, required))
    return;

  old = sh_sandbox_world_lookup_token (world, _sh_sandbox_x_param (query, "refresh_token"));
  status = sh_sandbox_world_check_token (world, old);
  if (old == NULL || old->kind != SH_SANDBOX_TOKEN_X_REFRESH ||
      (status != SH_SANDBOX_TOKEN_OK && status != SH_SANDBOX_TOKEN_LOCKED))
    {
      _sh_sandbox_x_reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                                       TOKEN_INVALID);
      return;
    }

  /* Rotation: the old pair dies before the new one is born. */
  person_id = g_strdup (old->person_id);
  account_id = g_strdup (old->target_id);
  scopes = g_strdupv (old->scopes);
  sh_sandbox_world_revoke_token (world, old->value);

  issue_and_reply (world, msg, person_id, account_id, (const char * const *) scopes);
}

void
_sh_sandbox_x_handle_token (ShSandboxWorld    *world,
                            SoupServerMessage *msg,
                            GHashTable        *query)
{
  static const char * const required[] = { "grant_type", NULL };
  const char *grant_type = _sh_sandbox_x_param (query, "grant_type");

  if (!check_client_request (msg, query) || !require_params (msg, query, required))
    return;

  if (g_str_equal (grant_type, "authorization_code"))
    grant_authorization_code (world, msg, query);
  else if (g_str_equal (grant_type, "refresh_token"))
    grant_refresh_token (world, msg, query);
  else
    _sh_sandbox_x_reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type",
                                     "The authorization grant type is not supported.");
}

/* ---- POST /2/oauth2/revoke ---------------------------------------------------------- */

void
_sh_sandbox_x_handle_revoke (ShSandboxWorld    *world,
                             SoupServerMessage *msg,
                             GHashTable        *query)
{
  static const char * const required[] = { "token", "token_type_hint", NULL };
  const char *hint = _sh_sandbox_x_param (query, "token_type_hint");
  g_autoptr(JsonBuilder) builder = NULL;
  ShSandboxToken *token;

  if (!check_client_request (msg, query) || !require_params (msg, query, required))
    return;

  if (!g_str_equal (hint, "access_token") && !g_str_equal (hint, "refresh_token"))
    {
      _sh_sandbox_x_reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                                       "Value passed for the token type hint was invalid.");
      return;
    }

  token = sh_sandbox_world_lookup_token (world, _sh_sandbox_x_param (query, "token"));
  if (token != NULL &&
      (token->kind == SH_SANDBOX_TOKEN_X_ACCESS || token->kind == SH_SANDBOX_TOKEN_X_REFRESH))
    sh_sandbox_world_revoke_token (world, token->value);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "revoked");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  _sh_sandbox_x_reply_json (msg, SOUP_STATUS_OK, "application/json; charset=utf-8", builder);
}
