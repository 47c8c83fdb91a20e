/* sh-notifier-record.c — what is shown, kept for the next process.
 *
 * notifications.json, beside the data file:
 *   {"notifications":[{"id","facts":[notice ids],"fingerprint",
 *                      "backend":"freedesktop"|"gtk"|"portal","server_id",
 *                      "server":"BUS-GUID UNIQUE-NAME"}]}
 * A later process (--check, the window, the background service) reads it
 * to withdraw or replace what an earlier one showed (issue 20). A file of
 * its own rather than a member of channels.json: the notifier writes it
 * when a server's id arrives, which is after the data file's save; and
 * losing it costs no more than a notification left on the screen.
 */
#include "config.h"

#include "sh-json.h"
#include "sh-notifier-private.h"

void
_sh_shown_free (ShShown *shown)
{
  if (shown == NULL)
    return;
  g_strfreev (shown->facts);
  g_free (shown->fingerprint);
  g_free (shown->server);
  g_free (shown);
}

static ShShown *
parse_one (JsonObject *object,
           const char **out_id)
{
  JsonArray *facts = sh_json_get_array (object, "facts");
  const char *id = sh_json_get_string (object, "id");
  GStrvBuilder *builder;
  ShShown *shown;
  gint64 server_id = 0;

  if (id == NULL || *id == '\0' || facts == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (facts); i++)
    {
      JsonNode *node = json_array_get_element (facts, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (node));
    }
  shown = g_new0 (ShShown, 1);
  shown->facts = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  shown->fingerprint = g_strdup (sh_json_get_string (object, "fingerprint"));
  shown->backend = _sh_notification_backend_from_string (sh_json_get_string (object, "backend"));
  shown->server = g_strdup (sh_json_get_string (object, "server"));
  if (sh_json_get_int (object, "server_id", &server_id) && server_id > 0 && server_id <= G_MAXUINT32)
    shown->server_id = (guint32) server_id;
  *out_id = id;
  return shown;
}

GHashTable *
_sh_notifier_record_load (const char *path)
{
  GHashTable *shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) _sh_shown_free);
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *list;

  if (path == NULL || !g_file_get_contents (path, &data, &length, NULL))
    return shown;
  root = sh_json_parse (data, length);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return shown;
  list = sh_json_get_array (json_node_get_object (root), "notifications");
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      const char *id = NULL;
      ShShown *one;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      one = parse_one (json_node_get_object (node), &id);
      if (one != NULL)
        g_hash_table_replace (shown, g_strdup (id), one);
    }
  return shown;
}

void
_sh_notifier_record_save (const char *path,
                          GHashTable *shown)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GList) ids = NULL;
  g_autofree char *text = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  ids = g_list_sort (g_hash_table_get_keys (shown), (GCompareFunc) g_strcmp0);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "notifications");
  json_builder_begin_array (builder);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      ShShown *one = g_hash_table_lookup (shown, l->data);

      json_builder_begin_object (builder);
      sh_json_builder_add_string (builder, "id", l->data);
      json_builder_set_member_name (builder, "facts");
      json_builder_begin_array (builder);
      for (guint i = 0; one->facts[i] != NULL; i++)
        json_builder_add_string_value (builder, one->facts[i]);
      json_builder_end_array (builder);
      sh_json_builder_add_string (builder, "fingerprint", one->fingerprint);
      sh_json_builder_add_string (builder, "backend",
                                  _sh_notification_backend_to_string (one->backend));
      sh_json_builder_add_int (builder, "server_id", one->server_id);
      sh_json_builder_add_string (builder, "server", one->server);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  text = sh_json_builder_to_string (builder);

  /* The data file's folder exists once a token was added; nothing is
   * shown before that, but a removed last token may leave it empty. */
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_message ("What is shown is not saved: %s", error != NULL ? error->message : dir);
}
