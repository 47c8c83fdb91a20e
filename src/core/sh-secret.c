/* sh-secret.c — the small JSON a keyring item holds, and its safe disposal. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "sh-error.h"
#include "sh-json.h"
#include "sh-secret.h"

G_DEFINE_BOXED_TYPE (ShSecret, sh_secret, sh_secret_copy, sh_secret_free)

ShSecret *
sh_secret_new (const char *access_token,
               const char *refresh_token,
               gint64      expires_at)
{
  ShSecret *secret;

  g_return_val_if_fail (access_token != NULL, NULL);

  secret = g_new0 (ShSecret, 1);
  secret->access_token = g_strdup (access_token);
  secret->refresh_token = g_strdup (refresh_token);
  secret->expires_at = expires_at;
  return secret;
}

ShSecret *
sh_secret_copy (const ShSecret *secret)
{
  g_return_val_if_fail (secret != NULL, NULL);
  return sh_secret_new (secret->access_token, secret->refresh_token, secret->expires_at);
}

static void
wipe_string (char *str)
{
  if (str != NULL)
    {
      /* volatile so that the compiler cannot drop a store to memory that is
       * about to be freed */
      volatile char *p = str;

      while (*p != '\0')
        *p++ = '\0';
      g_free (str);
    }
}

void
sh_secret_free (ShSecret *secret)
{
  if (secret == NULL)
    return;
  wipe_string (secret->access_token);
  wipe_string (secret->refresh_token);
  g_free (secret);
}

/* TOKEN_ID goes into the item's text too (it is no secret): then one
 * GetSecrets call tells which token each secret belongs to, without one
 * D-Bus round trip per item to read its attributes. */
char *
sh_secret_to_json (const ShSecret *secret,
                   const char     *token_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (secret != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, SH_SECRET_FORMAT_VERSION);
  if (token_id != NULL)
    {
      json_builder_set_member_name (builder, "token_id");
      json_builder_add_string_value (builder, token_id);
    }
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, secret->access_token);
  if (secret->refresh_token != NULL)
    {
      json_builder_set_member_name (builder, "refresh_token");
      json_builder_add_string_value (builder, secret->refresh_token);
    }
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_int_value (builder, secret->expires_at);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* TOKEN_ID (may be NULL) receives the token id the text names, or NULL
 * for items written before it was kept there. */
ShSecret *
sh_secret_from_json (const char  *json,
                     char       **token_id,
                     GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonNode *node;
  const char *access_token, *refresh_token = NULL;
  gint64 expires_at = 0;

  /* The parser's own message could quote the text, which is a secret; and
   * sh_json_parse() keeps json-glib from texts it mishandles (tests/fuzz). */
  if (json == NULL || (root = sh_json_parse (json, -1)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_SECRET_MISSING,
                           "The keyring item is not in SocialHub's format");
      return NULL;
    }
  object = json_node_get_object (root);

  node = json_object_get_member (object, "version");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_INT64 &&
      json_node_get_int (node) > SH_SECRET_FORMAT_VERSION)
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_SECRET_MISSING,
                           "The keyring item was written by a newer SocialHub");
      return NULL;
    }

  node = json_object_get_member (object, "access_token");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_SECRET_MISSING,
                           "The keyring item holds no access token");
      return NULL;
    }
  access_token = json_node_get_string (node);

  node = json_object_get_member (object, "refresh_token");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    refresh_token = json_node_get_string (node);

  node = json_object_get_member (object, "expires_at");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_INT64)
    expires_at = json_node_get_int (node);

  if (token_id != NULL)
    {
      node = json_object_get_member (object, "token_id");
      *token_id = (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
                   json_node_get_value_type (node) == G_TYPE_STRING)
                    ? g_strdup (json_node_get_string (node)) : NULL;
    }

  return sh_secret_new (access_token, refresh_token, expires_at);
}

/* For debug output: says whether there is a token and how long it is, and
 * nothing of its characters. */
char *
sh_secret_redact (const char *token)
{
  if (token == NULL)
    return g_strdup ("(none)");
  return g_strdup_printf ("[redacted, %zu chars]", strlen (token));
}
