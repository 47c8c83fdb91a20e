/* sh-sandbox-graph.c — the emulated Facebook Graph API: one request in, one
 * answer out (docs/network-behaviour.md, "Facebook Graph API").
 *
 * A request is resolved to an ShGraphReply (status, headers, JSON body)
 * without touching the SoupServerMessage, so that a batch item runs exactly
 * the code a plain request runs; only sh_sandbox_graph_handle() writes to
 * the message. The answers themselves are built in the
 * sh-sandbox-graph-*.c files (see sh-sandbox-graph-private.h).
 */
#include "config.h"

#include <string.h>

#include "sh-sandbox-graph-private.h"

/* ---- replies ------------------------------------------------------------ */

static void
header_free (ShGraphHeader *header)
{
  g_free (header->name);
  g_free (header->value);
  g_free (header);
}

ShGraphReply *
_sh_graph_reply_new (guint     status,
                     JsonNode *body)
{
  ShGraphReply *reply = g_new0 (ShGraphReply, 1);

  reply->status = status;
  reply->headers = g_ptr_array_new_with_free_func ((GDestroyNotify) header_free);
  reply->body = json_to_string (body, FALSE);
  json_node_unref (body);
  return reply;
}

ShGraphReply *
_sh_graph_reply_new_object (guint        status,
                            JsonBuilder *builder)
{
  return _sh_graph_reply_new (status, json_builder_get_root (builder));
}

void
_sh_graph_reply_add_header (ShGraphReply *reply,
                            const char   *name,
                            const char   *value)
{
  ShGraphHeader *header = g_new0 (ShGraphHeader, 1);

  header->name = g_strdup (name);
  header->value = g_strdup (value);
  g_ptr_array_add (reply->headers, header);
}

void
_sh_graph_reply_free (ShGraphReply *reply)
{
  if (reply == NULL)
    return;
  g_ptr_array_unref (reply->headers);
  g_free (reply->body);
  g_free (reply->usage_page_id);
  g_free (reply);
}

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static char *
app_usage_header (guint percent)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "call_count");
  json_builder_add_int_value (builder, percent);
  json_builder_set_member_name (builder, "total_time");
  json_builder_add_int_value (builder, percent);
  json_builder_set_member_name (builder, "total_cputime");
  json_builder_add_int_value (builder, percent);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

static char *
business_usage_header (const char *page_id,
                       guint       percent,
                       guint       regain_minutes)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, page_id);
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "pages");
  json_builder_set_member_name (builder, "call_count");
  json_builder_add_int_value (builder, percent);
  json_builder_set_member_name (builder, "total_cputime");
  json_builder_add_int_value (builder, percent);
  json_builder_set_member_name (builder, "total_time");
  json_builder_add_int_value (builder, percent);
  json_builder_set_member_name (builder, "estimated_time_to_regain_access");
  json_builder_add_int_value (builder, regain_minutes);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

void
_sh_graph_reply_finish (ShGraphReply   *reply,
                        ShSandboxWorld *world)
{
  guint percent = sh_sandbox_world_count_graph_call (world);
  g_autofree char *app_usage = app_usage_header (percent);

  _sh_graph_reply_add_header (reply, "Content-Type", SH_GRAPH_CONTENT_TYPE);
  _sh_graph_reply_add_header (reply, "facebook-api-version", SH_SANDBOX_GRAPH_VERSION);
  _sh_graph_reply_add_header (reply, "X-App-Usage", app_usage);
  if (reply->usage_page_id != NULL)
    {
      /* The Page's own budget (every call with its token counts); a
       * throttled Page has used its whole budget. */
      guint page_percent = MAX (sh_sandbox_world_get_page_usage (world, reply->usage_page_id,
                                                                 NULL),
                                reply->regain_minutes > 0 ? 100 : 0);
      g_autofree char *usage = business_usage_header (reply->usage_page_id, page_percent,
                                                      reply->regain_minutes);

      _sh_graph_reply_add_header (reply, "X-Business-Use-Case-Usage", usage);
    }
}

/* ---- requests ------------------------------------------------------------ */

const char *
_sh_graph_param (ShGraphRequest *request,
                 const char     *name)
{
  const char *value = g_hash_table_lookup (request->params, name);

  return value != NULL && *value != '\0' ? value : NULL;
}

gboolean
_sh_graph_is_client_token (const char *value)
{
  return g_strcmp0 (value, SH_SANDBOX_APP_ID "|" SH_SANDBOX_CLIENT_TOKEN) == 0;
}

static gboolean
is_facebook_token (ShSandboxToken *token)
{
  return token->kind == SH_SANDBOX_TOKEN_FB_USER || token->kind == SH_SANDBOX_TOKEN_FB_PAGE;
}

/* Sets request->token to a working user or Page token, or returns the error
 * to answer with. The client token is an app's token: it names no user. */
static ShGraphReply *
check_token (ShGraphRequest *request)
{
  ShSandboxToken *token;
  ShSandboxTokenStatus status;

  if (request->token_value == NULL || _sh_graph_is_client_token (request->token_value))
    return _sh_graph_no_token_error (request->path);

  token = sh_sandbox_world_lookup_token (request->world, request->token_value);
  if (token == NULL || !is_facebook_token (token))
    return _sh_graph_token_error (request->world, NULL, SH_SANDBOX_TOKEN_UNKNOWN);

  status = sh_sandbox_world_check_token (request->world, token);
  if (status != SH_SANDBOX_TOKEN_OK)
    return _sh_graph_token_error (request->world, token, status);

  request->token = token;
  return NULL;
}

/* "/104857600123" → "104857600123"; NULL for anything with more segments. */
static const char *
single_segment (const char *path)
{
  if (path[0] != '/' || path[1] == '\0' || strchr (path + 1, '/') != NULL)
    return NULL;
  return path + 1;
}

static ShGraphReply *
route (ShGraphRequest *request)
{
  const char *method = request->method;
  const char *path = request->path;
  gboolean get = g_str_equal (method, "GET");
  gboolean post = g_str_equal (method, "POST");
  gboolean delete = g_str_equal (method, "DELETE");
  ShGraphReply *reply;
  const char *id;

  if (g_str_equal (path, "/device/login"))
    return post ? _sh_graph_device_login (request) : _sh_graph_unsupported (method, NULL);
  if (g_str_equal (path, "/device/login_status"))
    return post ? _sh_graph_device_login_status (request) : _sh_graph_unsupported (method, NULL);
  if (g_str_equal (path, "/") && post && !request->in_batch)
    return _sh_graph_batch (request);

  reply = check_token (request);
  if (reply != NULL)
    return reply;

  if (g_str_equal (path, "/me") && get)
    return _sh_graph_me (request);
  if (g_str_equal (path, "/me/accounts") && get)
    return _sh_graph_me_accounts (request);
  if (g_str_equal (path, "/me/permissions") && get)
    return _sh_graph_me_permissions (request);
  if (g_str_equal (path, "/me/permissions") && delete)
    return _sh_graph_delete_permissions (request);
  id = single_segment (path);
  if (id != NULL && get)
    return _sh_graph_object (request, id);
  return _sh_graph_unsupported (method, NULL);
}

/* A call with a Page token counts against the Page's own budget
 * (API-FACTS.md); past it the Page's limit answers instead (80001), with
 * estimated_time_to_regain_access. NULL: the call goes on. */
static ShGraphReply *
count_page_call (ShGraphRequest *request)
{
  ShSandboxToken *token = request->token_value != NULL
    ? sh_sandbox_world_lookup_token (request->world, request->token_value) : NULL;
  ShGraphReply *reply;
  guint percent, regain;

  if (token == NULL || token->kind != SH_SANDBOX_TOKEN_FB_PAGE || token->target_id == NULL ||
      sh_sandbox_world_count_page_call (request->world, token->target_id, &percent, &regain))
    return NULL;
  reply = _sh_graph_throttle_error (80001);
  reply->regain_minutes = regain;
  reply->usage_page_id = g_strdup (token->target_id);
  return reply;
}

ShGraphReply *
_sh_graph_execute (ShGraphRequest *request)
{
  ShGraphReply *reply = count_page_call (request);

  if (reply != NULL)
    {
      _sh_graph_reply_finish (reply, request->world);
      return reply;
    }
  reply = route (request);

  /* Calls made with a Page token count against the Page's budget too. */
  if (reply->usage_page_id == NULL && request->token != NULL &&
      request->token->kind == SH_SANDBOX_TOKEN_FB_PAGE)
    reply->usage_page_id = g_strdup (request->token->target_id);
  _sh_graph_reply_finish (reply, request->world);
  return reply;
}

/* ---- the HTTP side ---------------------------------------------------------- */

/* "Authorization: Bearer T" or "Authorization: OAuth T". */
static char *
header_token (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value = soup_message_headers_get_one (headers, "Authorization");
  const char *schemes[] = { "Bearer ", "OAuth " };

  for (guint i = 0; value != NULL && i < G_N_ELEMENTS (schemes); i++)
    if (g_ascii_strncasecmp (value, schemes[i], strlen (schemes[i])) == 0)
      return g_strstrip (g_strdup (value + strlen (schemes[i])));
  return NULL;
}

static char *
base_url_of (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  int port = g_uri_get_port (uri);

  if (port <= 0)
    return g_strdup_printf ("%s://%s", g_uri_get_scheme (uri), g_uri_get_host (uri));
  return g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (uri), g_uri_get_host (uri), port);
}

/* The Page a throttled request's X-Business-Use-Case-Usage speaks of: the
 * Page token's or, for a Page's own limit (80001), the Page the path names. */
static char *
throttled_page (ShGraphRequest *request,
                gboolean        page_limit)
{
  ShSandboxToken *token = sh_sandbox_world_lookup_token (request->world, request->token_value);
  const char *id = single_segment (request->path);

  if (token != NULL && token->kind == SH_SANDBOX_TOKEN_FB_PAGE)
    return g_strdup (token->target_id);
  if (page_limit && id != NULL && sh_sandbox_world_get_page (request->world, id) != NULL)
    return g_strdup (id);
  return NULL;
}

static char *
normalize_path (const char *path)
{
  char *copy = g_strdup (path != NULL && *path != '\0' ? path : "/");
  gsize len = strlen (copy);

  while (len > 1 && copy[len - 1] == '/')
    copy[--len] = '\0';
  return copy;
}

void
sh_sandbox_graph_handle (ShSandboxWorld       *world,
                         SoupServerMessage    *msg,
                         const char           *path,
                         GHashTable           *query,
                         const ShSandboxFault *fault)
{
  g_autoptr(GHashTable) empty = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *base_url = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *clean_path = NULL;
  g_autoptr(ShGraphReply) reply = NULL;
  ShGraphRequest request = { 0 };
  SoupMessageHeaders *headers;

  g_return_if_fail (SH_IS_SANDBOX_WORLD (world));
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  base_url = base_url_of (msg);
  auth = header_token (msg);
  clean_path = normalize_path (path);
  request.world = world;
  request.base_url = base_url;
  request.method = soup_server_message_get_method (msg);
  request.path = clean_path;
  request.params = query != NULL ? query : empty;
  request.token_value = _sh_graph_param (&request, "access_token");
  if (request.token_value == NULL)
    request.token_value = auth;
  request.batch_null_from = -1;

  if (fault != NULL && fault->kind == SH_SANDBOX_FAULT_THROTTLE)
    {
      reply = _sh_graph_throttle_error (fault->code);
      reply->usage_page_id = throttled_page (&request, reply->regain_minutes > 0);
      _sh_graph_reply_finish (reply, world);
    }
  else
    {
      if (fault != NULL && fault->kind == SH_SANDBOX_FAULT_BATCH_NULL)
        request.batch_null_from = MAX (fault->code, 0);
      reply = _sh_graph_execute (&request);
    }

  soup_server_message_set_status (msg, reply->status, NULL);
  headers = soup_server_message_get_response_headers (msg);
  for (guint i = 0; i < reply->headers->len; i++)
    {
      ShGraphHeader *header = g_ptr_array_index (reply->headers, i);

      soup_message_headers_replace (headers, header->name, header->value);
    }
  soup_server_message_set_response (msg, SH_GRAPH_CONTENT_TYPE, SOUP_MEMORY_COPY,
                                    reply->body, strlen (reply->body));
}
