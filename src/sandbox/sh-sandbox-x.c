/* sh-sandbox-x.c — the emulated X API v2 (docs/network-behaviour.md, "X (Twitter) API v2").
 *
 * Routes (below the sandbox's "/x" prefix):
 *   GET  /i/oauth2/authorize   the consent page        (sh-sandbox-x-oauth.c)
 *   POST /2/oauth2/token       codes and refreshes     (sh-sandbox-x-oauth.c)
 *   POST /2/oauth2/revoke                              (sh-sandbox-x-oauth.c)
 *   GET  /2/users/me           who the token speaks for (here)
 *
 * /2/users/me, as the real one:
 *   200 {"data":{"id","name","username"}} (+ "profile_image_url" when asked
 *       for with user.fields=profile_image_url), with x-rate-limit-limit,
 *       -remaining and -reset (epoch seconds of the window's end);
 *   401 application/problem+json
 *       {"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}
 *       for a missing, unknown, expired or revoked token, or a refresh token
 *       used as a bearer token (the body never says which);
 *   429 {"title":"Too Many Requests","type":"about:blank","status":429,"detail":"Too Many Requests"}
 *       after 75 calls in a 15-minute window. The window is per X account
 *       ("per user", docs/network-behaviour.md), not per token: two tokens of one account
 *       share it. A window starts with the first call after the last one
 *       ended; x-rate-limit-reset is its end.
 *   403 {"title":"Forbidden","type":"about:blank","status":403,"detail":"Forbidden"}
 *       when the account is locked (UNCONFIRMED for v2: v1.1 answers error
 *       326; the sandbox picks the plain v2 problem, whose type is
 *       about:blank, unlike the app-configuration problems of docs/network-behaviour.md,
 *       whose types are …/problems/client-forbidden and the like). A locked
 *       account's calls count against its window.
 *
 * A THROTTLE fault answers 429 on any route, before anything else, with
 * x-rate-limit-remaining: 0 and x-rate-limit-reset 15 minutes on, in the
 * problem form (fault x_form "problem" or unset) or the v1.1 form ("v1":
 * {"errors":[{"code":88,"message":"Rate limit exceeded"}]}). It does not
 * touch the real window's count. Unknown routes answer 404 with v1.1's
 * {"errors":[{"message":"Sorry, that page does not exist","code":34}]}.
 *
 * Every moment comes from the world's clock. No token value is ever logged.
 */
#include "config.h"

#include <string.h>

#include "sh-sandbox-x-private.h"

#define USERS_ME_LIMIT  75
#define USERS_ME_WINDOW (15 * 60)

/* libsoup 3.2 has no name for it, nor a reason phrase. */
#define STATUS_TOO_MANY_REQUESTS 429

#define JSON_TYPE    "application/json; charset=utf-8"
#define PROBLEM_TYPE "application/problem+json"

/* ---- replies ------------------------------------------------------------------ */

const char *
_sh_sandbox_x_param (GHashTable *query,
                     const char *name)
{
  return query != NULL ? g_hash_table_lookup (query, name) : NULL;
}

void
_sh_sandbox_x_reply_json (SoupServerMessage *msg,
                          guint              status,
                          const char        *content_type,
                          JsonBuilder       *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  gsize length = 0;
  char *body;

  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, &length);
  soup_server_message_set_status (msg, status,
                                  status == STATUS_TOO_MANY_REQUESTS ? "Too Many Requests" : NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, body, length);
}

void
_sh_sandbox_x_reply_oauth_error (SoupServerMessage *msg,
                                 guint              status,
                                 const char        *error,
                                 const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error);
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Pragma", "no-cache");
  _sh_sandbox_x_reply_json (msg, status, JSON_TYPE, builder);
}

void
_sh_sandbox_x_reply_problem (SoupServerMessage *msg,
                             guint              status,
                             const char        *title)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, title);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "about:blank");
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, status);
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, title);
  json_builder_end_object (builder);

  _sh_sandbox_x_reply_json (msg, status, PROBLEM_TYPE, builder);
}

void
_sh_sandbox_x_reply_html (SoupServerMessage *msg,
                          guint              status,
                          const char        *title,
                          const char        *head_extra,
                          const char        *body_html)
{
  g_autofree char *title_escaped = g_markup_escape_text (title, -1);
  GString *page = g_string_new (NULL);
  gsize length;

  g_string_append (page, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                         "<meta name=\"viewport\" content=\"width=device-width\">");
  g_string_append_printf (page, "<title>%s</title>", title_escaped);
  if (head_extra != NULL)
    g_string_append (page, head_extra);
  g_string_append (page, "<style>body{font-family:sans-serif;max-width:34em;margin:4em auto;"
                         "padding:0 1em;color:#0f1419}"
                         ".sandbox{color:#536471;font-size:90%}</style></head><body>");
  g_string_append (page, body_html);
  g_string_append (page, "<p class=\"sandbox\">SocialHub sandbox: an emulation of X, "
                         "not the real service.</p></body></html>\n");

  length = page->len;
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_string_free (page, FALSE), length);
}

void
_sh_sandbox_x_reply_bad_method (SoupServerMessage *msg,
                                const char        *allow)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow);
  _sh_sandbox_x_reply_problem (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method Not Allowed");
}

static void
reply_not_found (SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "errors");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, "Sorry, that page does not exist");
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, 34);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  _sh_sandbox_x_reply_json (msg, SOUP_STATUS_NOT_FOUND, JSON_TYPE, builder);
}

/* ---- rate limits ---------------------------------------------------------------- */

typedef struct {
  gint64 reset;   /* the window's end, epoch seconds */
  guint  used;
} RateWindow;

/* The windows live on the world (keyed by X account id), so that they last
 * exactly as long as the tokens they count. */
static RateWindow *
rate_window (ShSandboxWorld *world,
             const char     *account_id)
{
  GQuark quark = g_quark_from_static_string ("sh-sandbox-x-rate-windows");
  GHashTable *windows = g_object_get_qdata (G_OBJECT (world), quark);
  gint64 now = sh_sandbox_world_now (world);
  RateWindow *window;

  if (windows == NULL)
    {
      windows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_object_set_qdata_full (G_OBJECT (world), quark, windows,
                               (GDestroyNotify) g_hash_table_unref);
    }

  window = g_hash_table_lookup (windows, account_id);
  if (window == NULL)
    {
      window = g_new0 (RateWindow, 1);
      g_hash_table_insert (windows, g_strdup (account_id), window);
    }
  if (now >= window->reset)
    {
      window->reset = now + USERS_ME_WINDOW;
      window->used = 0;
    }
  return window;
}

static void
set_rate_headers (SoupServerMessage *msg,
                  guint              limit,
                  guint              remaining,
                  gint64             reset)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  char number[32];

  if (limit > 0)
    {
      g_snprintf (number, sizeof number, "%u", limit);
      soup_message_headers_replace (headers, "x-rate-limit-limit", number);
    }
  g_snprintf (number, sizeof number, "%u", remaining);
  soup_message_headers_replace (headers, "x-rate-limit-remaining", number);
  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, reset);
  soup_message_headers_replace (headers, "x-rate-limit-reset", number);
}

static void
reply_throttled (ShSandboxWorld       *world,
                 SoupServerMessage    *msg,
                 const char           *path,
                 const ShSandboxFault *fault)
{
  set_rate_headers (msg, g_str_equal (path, "/2/users/me") ? USERS_ME_LIMIT : 0, 0,
                    sh_sandbox_world_now (world) + USERS_ME_WINDOW);

  if (g_strcmp0 (fault->x_form, "v1") == 0)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "errors");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, 88);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, "Rate limit exceeded");
      json_builder_end_object (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      _sh_sandbox_x_reply_json (msg, STATUS_TOO_MANY_REQUESTS, JSON_TYPE, builder);
    }
  else
    _sh_sandbox_x_reply_problem (msg, STATUS_TOO_MANY_REQUESTS, "Too Many Requests");
}

/* ---- GET /2/users/me ------------------------------------------------------------- */

static ShSandboxToken *
bearer_token (ShSandboxWorld    *world,
              SoupServerMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", strlen ("Bearer ")) != 0)
    return NULL;
  value += strlen ("Bearer ");
  while (*value == ' ')
    value++;
  return sh_sandbox_world_lookup_token (world, value);
}

static gboolean
wants_field (GHashTable *query,
             const char *field)
{
  const char *fields = _sh_sandbox_x_param (query, "user.fields");
  g_auto(GStrv) names = NULL;

  if (fields == NULL)
    return FALSE;
  names = g_strsplit (fields, ",", -1);
  return g_strv_contains ((const char * const *) names, field);
}

/* picture_url is a path on the sandbox: make it absolute with the host and
 * port the request came to. */
static char *
absolute_url (SoupServerMessage *msg,
              const char        *path)
{
  GUri *uri = soup_server_message_get_uri (msg);

  return g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                     g_uri_get_port (uri), path, NULL, NULL);
}

static void
handle_users_me (ShSandboxWorld    *world,
                 SoupServerMessage *msg,
                 GHashTable        *query)
{
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(JsonBuilder) builder = NULL;
  ShSandboxToken *token;
  ShSandboxTokenStatus status = SH_SANDBOX_TOKEN_UNKNOWN;
  ShSandboxXAccount *account = NULL;
  RateWindow *window;

  if (!g_str_equal (method, SOUP_METHOD_GET) && !g_str_equal (method, SOUP_METHOD_HEAD))
    {
      _sh_sandbox_x_reply_bad_method (msg, "GET");
      return;
    }

  token = bearer_token (world, msg);
  if (token != NULL && token->kind == SH_SANDBOX_TOKEN_X_ACCESS)
    {
      status = sh_sandbox_world_check_token (world, token);
      account = sh_sandbox_world_get_x_account (world, token->target_id);
    }
  if (account == NULL || (status != SH_SANDBOX_TOKEN_OK && status != SH_SANDBOX_TOKEN_LOCKED))
    {
      _sh_sandbox_x_reply_problem (msg, SOUP_STATUS_UNAUTHORIZED, "Unauthorized");
      return;
    }

  window = rate_window (world, account->id);
  if (window->used >= USERS_ME_LIMIT)
    {
      set_rate_headers (msg, USERS_ME_LIMIT, 0, window->reset);
      _sh_sandbox_x_reply_problem (msg, STATUS_TOO_MANY_REQUESTS, "Too Many Requests");
      return;
    }
  window->used++;
  set_rate_headers (msg, USERS_ME_LIMIT, USERS_ME_LIMIT - window->used, window->reset);

  if (status == SH_SANDBOX_TOKEN_LOCKED)
    {
      _sh_sandbox_x_reply_problem (msg, SOUP_STATUS_FORBIDDEN, "Forbidden");
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, account->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, account->name);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, account->username);
  if (wants_field (query, "profile_image_url") && account->picture_url != NULL)
    {
      g_autofree char *picture = absolute_url (msg, account->picture_url);

      json_builder_set_member_name (builder, "profile_image_url");
      json_builder_add_string_value (builder, picture);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  _sh_sandbox_x_reply_json (msg, SOUP_STATUS_OK, JSON_TYPE, builder);
}

/* ---- routing ---------------------------------------------------------------------- */

void
sh_sandbox_x_handle (ShSandboxWorld       *world,
                     SoupServerMessage    *msg,
                     const char           *path,
                     GHashTable           *query,
                     const ShSandboxFault *fault)
{
  g_return_if_fail (SH_IS_SANDBOX_WORLD (world));
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (path != NULL);

  if (fault != NULL && fault->kind == SH_SANDBOX_FAULT_THROTTLE)
    reply_throttled (world, msg, path, fault);
  else if (g_str_equal (path, "/i/oauth2/authorize"))
    _sh_sandbox_x_handle_authorize (world, msg, query);
  else if (g_str_equal (path, "/2/oauth2/token"))
    _sh_sandbox_x_handle_token (world, msg, query);
  else if (g_str_equal (path, "/2/oauth2/revoke"))
    _sh_sandbox_x_handle_revoke (world, msg, query);
  else if (g_str_equal (path, "/2/users/me"))
    handle_users_me (world, msg, query);
  else
    reply_not_found (msg);
}
