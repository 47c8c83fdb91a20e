/* sh-secret.c — the small JSON a keyring item holds, and its safe disposal. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <glib/gi18n.h>
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
  ShSecretInfo info = { .token_id = (char *) token_id };

  return sh_secret_to_json_full (secret, &info);
}

static void
add_member (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* The channel and owner ride along so that a token the data file lost can be
 * filed again (they are no secret; the item's attributes stay the same set
 * for every write, so that a write replaces the item, never doubles it). */
char *
sh_secret_to_json_full (const ShSecret     *secret,
                        const ShSecretInfo *info)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (info != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, SH_SECRET_FORMAT_VERSION);
  add_member (builder, "token_id", info->token_id);
  add_member (builder, "network", info->network);
  if (info->channel_id != NULL || info->channel_external_id != NULL || info->channel_name != NULL)
    {
      json_builder_set_member_name (builder, "channel");
      json_builder_begin_object (builder);
      add_member (builder, "id", info->channel_id);
      add_member (builder, "external_id", info->channel_external_id);
      add_member (builder, "name", info->channel_name);
      json_builder_end_object (builder);
    }
  if (info->owner_id != NULL || info->owner_name != NULL)
    {
      json_builder_set_member_name (builder, "owner");
      json_builder_begin_object (builder);
      add_member (builder, "id", info->owner_id);
      add_member (builder, "name", info->owner_name);
      json_builder_end_object (builder);
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

ShSecretInfo *
sh_secret_info_copy (const ShSecretInfo *info)
{
  ShSecretInfo *copy = g_new0 (ShSecretInfo, 1);

  copy->token_id = g_strdup (info->token_id);
  copy->network = g_strdup (info->network);
  copy->channel_id = g_strdup (info->channel_id);
  copy->channel_external_id = g_strdup (info->channel_external_id);
  copy->channel_name = g_strdup (info->channel_name);
  copy->owner_id = g_strdup (info->owner_id);
  copy->owner_name = g_strdup (info->owner_name);
  return copy;
}

void
sh_secret_info_free (ShSecretInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->token_id);
  g_free (info->network);
  g_free (info->channel_id);
  g_free (info->channel_external_id);
  g_free (info->channel_name);
  g_free (info->owner_id);
  g_free (info->owner_name);
  g_free (info);
}

static char *
dup_member (JsonObject *object,
            const char *name)
{
  const char *value = object != NULL ? sh_json_get_string (object, name) : NULL;

  return (value != NULL && *value != '\0') ? g_strdup (value) : NULL;
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return (node != NULL && JSON_NODE_HOLDS_OBJECT (node)) ? json_node_get_object (node) : NULL;
}

ShSecretInfo *
sh_secret_info_from_json (const char *json)
{
  g_autoptr(ShSecret) secret = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *channel, *owner;
  ShSecretInfo *info;

  /* The same acceptance as the secret itself: an item we could not use is
   * nothing to restore. */
  secret = sh_secret_from_json (json, NULL, NULL);
  if (secret == NULL || (root = sh_json_parse (json, -1)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  channel = get_object (object, "channel");
  owner = get_object (object, "owner");

  info = g_new0 (ShSecretInfo, 1);
  info->token_id = dup_member (object, "token_id");
  info->network = dup_member (object, "network");
  info->channel_id = dup_member (channel, "id");
  info->channel_external_id = dup_member (channel, "external_id");
  info->channel_name = dup_member (channel, "name");
  info->owner_id = dup_member (owner, "id");
  info->owner_name = dup_member (owner, "name");
  return info;
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
                           _("The keyring item is not in SocialHub's format"));
      return NULL;
    }
  object = json_node_get_object (root);

  node = json_object_get_member (object, "version");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_INT64 &&
      json_node_get_int (node) > SH_SECRET_FORMAT_VERSION)
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_SECRET_MISSING,
                           _("The keyring item was written by a newer SocialHub"));
      return NULL;
    }

  node = json_object_get_member (object, "access_token");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error_literal (error, SH_ERROR, SH_ERROR_SECRET_MISSING,
                           _("The keyring item holds no access token"));
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
