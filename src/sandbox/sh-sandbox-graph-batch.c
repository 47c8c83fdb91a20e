/* sh-sandbox-graph-batch.c — batch requests (docs/network-behaviour.md; Graph docs,
 * "Batch Requests"): POST / with access_token=ANY_VALID_OR_CLIENT_TOKEN and
 *
 *   batch=[{"method":"GET","relative_url":"me?fields=id,name","access_token":"T1"},…]
 *
 * At most 50 items. Each runs through the plain request path with its own
 * access_token (or the batch's) and comes back, in order, as
 * {"code":STATUS,"headers":[{"name","value"},…],"body":"<JSON as a string>"};
 * one failing item does not fail the others. With include_headers=false the
 * items have no "headers" (Graph docs). Under a BATCH_NULL fault the items
 * from the fault's index on "did not finish in time": null.
 */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "sh-sandbox-graph-private.h"

typedef struct {
  char       *method;
  char       *path;
  GHashTable *params;
} BatchItem;

static void
batch_item_free (BatchItem *item)
{
  g_free (item->method);
  g_free (item->path);
  g_hash_table_unref (item->params);
  g_free (item);
}

static void
merge_form (GHashTable *params,
            const char *encoded)
{
  g_autoptr(GHashTable) form = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (encoded == NULL || *encoded == '\0')
    return;
  form = soup_form_decode (encoded);
  g_hash_table_iter_init (&iter, form);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_replace (params, g_strdup (key), g_strdup (value));
}

/* "v24.0/me?fields=id" or "/me?fields=id" → "/me" and {fields: id}. */
static void
split_relative_url (const char  *relative_url,
                    char       **path,
                    GHashTable  *params)
{
  const char *p = relative_url;
  const char *query;
  g_autofree char *bare = NULL;
  gsize len;

  while (*p == '/')
    p++;
  if (p[0] == 'v' && g_ascii_isdigit (p[1]))
    {
      const char *q = p + 1;

      while (g_ascii_isdigit (*q) || *q == '.')
        q++;
      if (*q == '/' || *q == '\0' || *q == '?')
        p = *q == '/' ? q + 1 : q;
    }

  query = strchr (p, '?');
  bare = query != NULL ? g_strndup (p, query - p) : g_strdup (p);
  len = strlen (bare);
  while (len > 0 && bare[len - 1] == '/')
    bare[--len] = '\0';
  *path = g_strconcat ("/", bare, NULL);
  if (query != NULL)
    merge_form (params, query + 1);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The item, or NULL when it is not an object with a relative_url. */
static BatchItem *
parse_item (JsonNode   *node,
            const char *batch_token)
{
  BatchItem *item;
  JsonObject *object;
  const char *method, *relative_url, *token;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  relative_url = member_string (object, "relative_url");
  if (relative_url == NULL)
    return NULL;
  method = member_string (object, "method");

  item = g_new0 (BatchItem, 1);
  item->method = g_ascii_strup (method != NULL ? method : "GET", -1);
  item->params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  split_relative_url (relative_url, &item->path, item->params);
  merge_form (item->params, member_string (object, "body"));

  /* The item's own token first, then one in its URL or body, then the
   * batch's. */
  token = member_string (object, "access_token");
  if (token != NULL)
    g_hash_table_replace (item->params, g_strdup ("access_token"), g_strdup (token));
  else if (g_hash_table_lookup (item->params, "access_token") == NULL && batch_token != NULL)
    g_hash_table_replace (item->params, g_strdup ("access_token"), g_strdup (batch_token));
  return item;
}

static void
add_headers (JsonBuilder  *builder,
             ShGraphReply *reply)
{
  json_builder_set_member_name (builder, "headers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < reply->headers->len; i++)
    {
      ShGraphHeader *header = g_ptr_array_index (reply->headers, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, header->name);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, header->value);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_item_answer (JsonBuilder    *builder,
                 ShGraphRequest *batch,
                 BatchItem      *item,
                 gboolean        include_headers)
{
  ShGraphRequest request = { 0 };
  g_autoptr(ShGraphReply) reply = NULL;

  request.world = batch->world;
  request.base_url = batch->base_url;
  request.method = item->method;
  request.path = item->path;
  request.params = item->params;
  request.token_value = _sh_graph_param (&request, "access_token");
  request.batch_null_from = -1;
  request.in_batch = TRUE;
  reply = _sh_graph_execute (&request);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, reply->status);
  if (include_headers)
    add_headers (builder, reply);
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, reply->body);
  json_builder_end_object (builder);
}

/* The batch's own token: the client token, or any working user or Page
 * token. NULL when it will do, the error to answer with otherwise. */
static ShGraphReply *
check_batch_token (ShGraphRequest *request)
{
  ShSandboxToken *token;
  ShSandboxTokenStatus status;

  if (request->token_value == NULL)
    return _sh_graph_no_token_error (request->path);
  if (_sh_graph_is_client_token (request->token_value))
    return NULL;
  token = sh_sandbox_world_lookup_token (request->world, request->token_value);
  if (token == NULL ||
      (token->kind != SH_SANDBOX_TOKEN_FB_USER && token->kind != SH_SANDBOX_TOKEN_FB_PAGE))
    return _sh_graph_token_error (request->world, NULL, SH_SANDBOX_TOKEN_UNKNOWN);
  status = sh_sandbox_world_check_token (request->world, token);
  if (status != SH_SANDBOX_TOKEN_OK)
    return _sh_graph_token_error (request->world, token, status);
  return NULL;
}

ShGraphReply *
_sh_graph_batch (ShGraphRequest *request)
{
  const char *batch = _sh_graph_param (request, "batch");
  gboolean include_headers = g_strcmp0 (_sh_graph_param (request, "include_headers"), "false") != 0;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  ShGraphReply *reply;
  JsonNode *root;
  JsonArray *array;
  guint n_items;

  reply = check_batch_token (request);
  if (reply != NULL)
    return reply;

  if (batch == NULL)
    return _sh_graph_param_error ("(#100) The parameter batch is required");
  if (!json_parser_load_from_data (parser, batch, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return _sh_graph_param_error ("(#100) The parameter batch must be a JSON array");
  array = json_node_get_array (root);
  n_items = json_array_get_length (array);
  if (n_items > SH_GRAPH_MAX_BATCH)
    return _sh_graph_param_error ("(#100) Too many requests in batch message. "
                                  "Maximum batch size is 50");

  /* Every item is checked before any runs: a malformed batch does nothing. */
  items = g_ptr_array_new_with_free_func ((GDestroyNotify) batch_item_free);
  for (guint i = 0; i < n_items; i++)
    {
      BatchItem *item = parse_item (json_array_get_element (array, i), request->token_value);

      if (item == NULL)
        return _sh_graph_param_error ("(#100) Each batch item must be a JSON object "
                                      "with a relative_url");
      g_ptr_array_add (items, item);
    }

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      if (request->batch_null_from >= 0 && i >= (guint) request->batch_null_from)
        json_builder_add_null_value (builder);
      else
        add_item_answer (builder, request, g_ptr_array_index (items, i), include_headers);
    }
  json_builder_end_array (builder);
  return _sh_graph_reply_new (SOUP_STATUS_OK, json_builder_get_root (builder));
}
