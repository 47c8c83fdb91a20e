/* sh-x-classify.c — X's answers, judged (docs/network-behaviour.md, "X (Twitter) API v2").
 *
 * Only a 401 that carries X's own problem body (an access token X no longer
 * takes), a refusal of a refresh token, and a 403 that names the account
 * (locked, suspended) are about the token; a 429, a 5xx, any answer with an
 * HTML page, an empty, cut or malformed body or JSON that is not X's, and a
 * 403 that names the app's configuration (client-forbidden,
 * unsupported-authentication) say nothing about it. Decisions go by status, problem type, OAuth error
 * code and v1.1 error code, never by message text.
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "sh-json.h"
#include "sh-x-classify.h"

#define V1_RATE_LIMITED      88
#define V1_ACCOUNT_SUSPENDED 64
#define V1_ACCOUNT_LOCKED    326
#define V1_INVALID_TOKEN     89

/* ---- JSON -------------------------------------------------------------------- */

/* Through sh_json_parse(), which lets json-glib see only one plain JSON
 * object or array: json-glib alone took "04{…}" for a document and leaked
 * (tests/fuzz/regressions/x-classify). */
static JsonNode *
parse_json (const char *body,
            gssize      length)
{
  return sh_json_parse (body, length);
}

static JsonObject *
node_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
member_int (JsonObject *object,
            const char *name,
            gint64     *out)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

/* A non-empty string without control characters: what an id, a name or a
 * token may be. */
static const char *
member_text (JsonObject *object,
             const char *name)
{
  const char *value = member_string (object, name);

  if (value == NULL || *value == '\0')
    return NULL;
  for (const char *p = value; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return NULL;
  return value;
}

/* ---- problems and v1.1 errors ---------------------------------------------------- */

gboolean
sh_x_parse_problem (const char  *body,
                    gssize       length,
                    char       **out_type,
                    gint64      *out_status)
{
  g_autoptr(JsonNode) root = parse_json (body, length);
  JsonObject *object = node_object (root);
  const char *type = member_string (object, "type");
  const char *title = member_string (object, "title");
  gint64 status = -1;

  if (out_type != NULL)
    *out_type = NULL;
  if (out_status != NULL)
    *out_status = -1;
  if (object == NULL)
    return FALSE;
  member_int (object, "status", &status);
  /* A problem has at least a type or a title (RFC 7807 §3.1). */
  if (type == NULL && title == NULL)
    return FALSE;
  if (out_type != NULL)
    *out_type = g_strdup (type);
  if (out_status != NULL)
    *out_status = status;
  return TRUE;
}

gboolean
sh_x_problem_is_app_fault (const char *type)
{
  return type != NULL &&
         (g_str_has_suffix (type, "/problems/client-forbidden") ||
          g_str_has_suffix (type, "/problems/unsupported-authentication"));
}

gint64
sh_x_parse_v1_error (const char *body,
                     gssize      length)
{
  g_autoptr(JsonNode) root = parse_json (body, length);
  JsonObject *object = node_object (root);
  JsonNode *errors = object != NULL ? json_object_get_member (object, "errors") : NULL;
  JsonArray *array;
  gint64 code;

  if (errors == NULL || !JSON_NODE_HOLDS_ARRAY (errors))
    return -1;
  array = json_node_get_array (errors);
  if (json_array_get_length (array) == 0 ||
      !member_int (node_object (json_array_get_element (array, 0)), "code", &code) || code < 0)
    return -1;
  return code;
}

/* ---- /2/users/me ------------------------------------------------------------------ */

static void
verdict (ShXVerdict    *out,
         ShTokenState   state,
         ShTokenReason  reason)
{
  out->state = state;
  out->reason = reason;
}

static void
classify_forbidden (const char *body,
                    gssize      length,
                    ShXVerdict *out)
{
  g_autofree char *type = NULL;
  gint64 v1 = sh_x_parse_v1_error (body, length);

  if (v1 == V1_ACCOUNT_LOCKED)
    verdict (out, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_ACCOUNT_LOCKED);
  else if (v1 == V1_ACCOUNT_SUSPENDED)
    verdict (out, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_ACCOUNT_SUSPENDED);
  else if (v1 == V1_RATE_LIMITED)
    {
      out->throttled = TRUE;
      verdict (out, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED);
    }
  else if (!sh_x_parse_problem (body, length, &type, NULL))
    /* An HTML page, an empty or cut body: nothing to go by. */
    verdict (out, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR);
  else if (sh_x_problem_is_app_fault (type))
    {
      out->app_fault = TRUE;
      verdict (out, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR);
    }
  else if (type == NULL || g_str_equal (type, "about:blank"))
    /* A plain "Forbidden": the token was taken (no 401) but the request was
     * not allowed. X may answer so for a locked account, but nothing
     * documents it for v2 (docs/network-behaviour.md names only v1.1's codes 326 and
     * 64): calling the token dead on a guess would be a false alarm. No
     * verdict; the last one stands. */
    verdict (out, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR);
  else
    /* A problem type we do not know: not ours to call a dead token. */
    verdict (out, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR);
}

/* X's 401 body: the problem {"title":"Unauthorized","type":"about:blank",
 * "status":401,"detail":"Unauthorized"}, or v1.1's error 89 ("invalid or
 * expired token"). A problem that names another status is not about this
 * answer; any other JSON is not X's. */
static gboolean
is_x_unauthorized (const char *body,
                   gssize      length)
{
  g_autofree char *type = NULL;
  gint64 status;

  if (sh_x_parse_v1_error (body, length) == V1_INVALID_TOKEN)
    return TRUE;
  if (!sh_x_parse_problem (body, length, &type, &status))
    return FALSE;
  return status == 401 && (type == NULL || g_str_equal (type, "about:blank"));
}

void
sh_x_classify_users_me (guint       status,
                        const char *body,
                        gssize      length,
                        ShXVerdict *out)
{
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);
  switch (status)
    {
    case 200:
      {
        ShXUser user = { 0 };

        if (sh_x_parse_user (body, length, &user))
          verdict (out, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE);
        else
          verdict (out, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR);
        sh_x_user_clear (&user);
        return;
      }
    case 401:
      /* Only X's own answer is X's verdict (docs/network-behaviour.md): a proxy, a
       * captive portal or a TLS-intercepting box answers 401 with HTML or
       * nothing, and that says nothing about the token. */
      if (!is_x_unauthorized (body, length))
        {
          verdict (out, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR);
          return;
        }
      /* Expired or revoked: the verdict when no refresh can tell more. */
      out->unauthorized = TRUE;
      verdict (out, SH_TOKEN_STATE_INVALID, SH_TOKEN_REASON_INVALID_TOKEN);
      return;
    case 403:
      classify_forbidden (body, length, out);
      return;
    case 429:
      out->throttled = TRUE;
      verdict (out, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED);
      return;
    default:
      if (sh_x_parse_v1_error (body, length) == V1_RATE_LIMITED)
        {
          out->throttled = TRUE;
          verdict (out, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_RATE_LIMITED);
        }
      else
        verdict (out, SH_TOKEN_STATE_UNKNOWN, SH_TOKEN_REASON_SERVER_ERROR);
      return;
    }
}

gboolean
sh_x_parse_user (const char *body,
                 gssize      length,
                 ShXUser    *out)
{
  g_autoptr(JsonNode) root = parse_json (body, length);
  JsonObject *data = NULL;
  const char *id;

  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (node_object (root) != NULL)
    data = node_object (json_object_get_member (node_object (root), "data"));
  id = member_text (data, "id");
  /* X user ids are decimal numbers (snowflakes). */
  if (id == NULL || strspn (id, "0123456789") != strlen (id) || strlen (id) > 20)
    return FALSE;
  out->id = g_strdup (id);
  out->name = g_strdup (member_text (data, "name"));
  out->username = g_strdup (member_text (data, "username"));
  out->profile_image_url = g_strdup (member_text (data, "profile_image_url"));
  return TRUE;
}

void
sh_x_user_clear (ShXUser *user)
{
  g_clear_pointer (&user->id, g_free);
  g_clear_pointer (&user->name, g_free);
  g_clear_pointer (&user->username, g_free);
  g_clear_pointer (&user->profile_image_url, g_free);
}

/* ---- the token endpoint ----------------------------------------------------------- */

static void
wipe_free (char **str)
{
  if (*str != NULL)
    {
      volatile char *p = *str;

      while (*p != '\0')
        *p++ = '\0';
      g_clear_pointer (str, g_free);
    }
}

void
sh_x_token_reply_clear (ShXTokenReply *reply)
{
  wipe_free (&reply->access_token);
  wipe_free (&reply->refresh_token);
  g_clear_pointer (&reply->scope, g_free);
  g_clear_pointer (&reply->error, g_free);
  reply->expires_in = 0;
  reply->bad_token = SH_TOKEN_SYNTAX_OK;
}

/* Tokens go into HTTP headers and form bodies: the one syntax rule of
 * sh-token-syntax.h (printable ASCII, no space, a length cap). */
static ShTokenSyntax
judge_token (const char *value)
{
  return sh_token_syntax_judge (value, value != NULL ? strlen (value) : 0);
}

static gboolean
is_token (const char *value)
{
  return judge_token (value) == SH_TOKEN_SYNTAX_OK;
}

ShXGrantOutcome
sh_x_parse_token_reply (guint          status,
                        const char    *body,
                        gssize         length,
                        ShXTokenReply *out)
{
  g_autoptr(JsonNode) root = parse_json (body, length);
  JsonObject *object = node_object (root);
  g_autofree char *type = NULL;
  const char *error, *token_type;
  gint64 expires_in = 0;

  g_return_val_if_fail (out != NULL, SH_X_GRANT_FAILED);

  memset (out, 0, sizeof *out);
  if (status == 200)
    {
      const char *access = member_string (object, "access_token");
      const char *refresh = member_string (object, "refresh_token");

      token_type = member_string (object, "token_type");
      if (access == NULL ||
          (token_type != NULL && g_ascii_strcasecmp (token_type, "bearer") != 0))
        return SH_X_GRANT_FAILED;
      /* X's answer, but with a token that cannot be one: nothing is handed
       * out, and the caller can say what was wrong. */
      out->bad_token = judge_token (access);
      if (out->bad_token == SH_TOKEN_SYNTAX_OK && refresh != NULL)
        out->bad_token = judge_token (refresh);
      if (out->bad_token != SH_TOKEN_SYNTAX_OK)
        return SH_X_GRANT_FAILED;
      out->access_token = g_strdup (access);
      out->refresh_token = g_strdup (refresh);
      /* A lifetime beyond a year is not X's two hours: ignore it. */
      if (member_int (object, "expires_in", &expires_in) && expires_in > 0 &&
          expires_in <= 366 * 24 * 3600)
        out->expires_in = expires_in;
      out->scope = g_strdup (member_text (object, "scope"));
      return SH_X_GRANT_OK;
    }

  if (status == 429 || sh_x_parse_v1_error (body, length) == V1_RATE_LIMITED)
    return SH_X_GRANT_THROTTLED;

  error = member_text (object, "error");
  if (error != NULL && status >= 400 && status < 500)
    {
      out->error = g_strdup (error);
      /* RFC 6749 §5.2. X answers invalid_request for a spent or revoked
       * refresh token and a dead code (docs/network-behaviour.md). */
      if (g_str_equal (error, "invalid_request") || g_str_equal (error, "invalid_grant"))
        return SH_X_GRANT_REFUSED;
      if (g_str_equal (error, "invalid_client") || g_str_equal (error, "unauthorized_client") ||
          g_str_equal (error, "unsupported_grant_type") || g_str_equal (error, "invalid_scope"))
        return SH_X_GRANT_CLIENT_FAULT;
      return SH_X_GRANT_FAILED;
    }

  if (status == 403 && sh_x_parse_problem (body, length, &type, NULL) &&
      sh_x_problem_is_app_fault (type))
    return SH_X_GRANT_CLIENT_FAULT;
  return SH_X_GRANT_FAILED;
}

/* ---- rate-limit headers ------------------------------------------------------------- */

static gboolean
parse_header_number (const char *value,
                     gint64     *out)
{
  g_autofree char *copy = NULL;
  guint64 number;

  if (value == NULL)
    return FALSE;
  copy = g_strstrip (g_strdup (value));
  if (!g_ascii_string_to_unsigned (copy, 10, 0, G_MAXINT64, &number, NULL))
    return FALSE;
  *out = (gint64) number;
  return TRUE;
}

void
sh_x_parse_rate_limit (const char   *limit,
                       const char   *remaining,
                       const char   *reset,
                       ShXRateLimit *out)
{
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);
  out->has_limit = parse_header_number (limit, &out->limit);
  out->has_remaining = parse_header_number (remaining, &out->remaining);
  out->has_reset = parse_header_number (reset, &out->reset);
}

/* ---- the redirect to the loopback server -------------------------------------------- */

/* Constant time in the length of @expected, so that a local process probing
 * the loopback port learns nothing from timing. */
static gboolean
state_equal (const char *given,
             const char *expected)
{
  gsize given_len = strlen (given), expected_len = strlen (expected);
  guchar diff = given_len != expected_len;

  for (gsize i = 0; i < expected_len; i++)
    diff |= (guchar) expected[i] ^ (guchar) (i < given_len ? given[i] : 0);
  return diff == 0;
}

ShXCallback
sh_x_parse_callback (const char  *query,
                     const char  *expected_state,
                     char       **out_code,
                     char       **out_error)
{
  g_auto(GStrv) pairs = NULL;
  g_autofree char *state = NULL;
  g_autofree char *code = NULL;
  g_autofree char *error = NULL;
  guint n_state = 0, n_code = 0, n_error = 0;

  g_return_val_if_fail (expected_state != NULL && *expected_state != '\0',
                        SH_X_CALLBACK_WRONG_STATE);

  if (out_code != NULL)
    *out_code = NULL;
  if (out_error != NULL)
    *out_error = NULL;
  if (query == NULL)
    return SH_X_CALLBACK_WRONG_STATE;

  pairs = g_strsplit (query, "&", 64);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      char *equals = strchr (pairs[i], '=');
      g_autofree char *value = NULL;
      char **slot;
      guint *count;

      if (equals == NULL)
        continue;
      *equals = '\0';
      if (g_str_equal (pairs[i], "state"))
        {
          slot = &state;
          count = &n_state;
        }
      else if (g_str_equal (pairs[i], "code"))
        {
          slot = &code;
          count = &n_code;
        }
      else if (g_str_equal (pairs[i], "error"))
        {
          slot = &error;
          count = &n_error;
        }
      else
        continue;
      (*count)++;
      /* NULL for a bad escape or an encoded NUL. */
      value = g_uri_unescape_string (equals + 1, NULL);
      if (value != NULL && *slot == NULL)
        *slot = g_steal_pointer (&value);
    }

  if (n_state != 1 || state == NULL || !state_equal (state, expected_state))
    return SH_X_CALLBACK_WRONG_STATE;
  if (n_error >= 1 && error != NULL && *error != '\0')
    {
      if (out_error != NULL)
        *out_error = g_steal_pointer (&error);
      return SH_X_CALLBACK_DENIED;
    }
  if (n_code != 1 || code == NULL || !is_token (code))
    return SH_X_CALLBACK_MALFORMED;
  if (out_code != NULL)
    *out_code = g_steal_pointer (&code);
  return SH_X_CALLBACK_CODE;
}
