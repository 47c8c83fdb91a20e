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
 *
 * A file that is not such a record (empty, not JSON, another shape, too
 * large, not a file) is set aside as the data file would be
 * (sh-file-aside.h) before a save could write over it, and a record with
 * some unreadable entries is copied aside before they are dropped: the
 * message names the copy. A file that cannot be read at all (no
 * permission, an I/O error) is not damaged: it stays where it is. That one,
 * and a damaged one that could not be set aside, is never written over:
 * this process records nothing, and says so.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sh-file-aside.h"
#include "sh-json.h"
#include "sh-notifier-private.h"

/* A record holds one entry a notification on the screen: a few hundred
 * bytes each, and a grouped one a line a token. Anything larger is not
 * ours and is not read into memory. */
#define RECORD_MAX_SIZE (16 * 1024 * 1024)

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

/* The record's text, or NULL with @out_why saying why it is not one (NULL
 * too when there is no file: nothing to set aside). @out_unreadable: the
 * file could not be read, which says nothing about what it holds. */
static char *
read_record (const char  *path,
             gsize       *out_length,
             char       **out_why,
             gboolean    *out_unreadable)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return NULL;
  if (!S_ISREG (st.st_mode))
    *out_why = g_strdup (_("it is not a regular file"));
  else if (st.st_size > RECORD_MAX_SIZE)
    *out_why = g_strdup_printf (_("it is larger than %u MiB"),
                                (guint) (RECORD_MAX_SIZE / (1024 * 1024)));
  else if (!g_file_get_contents (path, &data, out_length, &error))
    {
      *out_why = g_strdup (error->message);
      *out_unreadable = TRUE;
    }
  else if (*out_length == 0)
    *out_why = g_strdup (C_("file", "it is empty"));
  else
    return data;
  g_free (data);
  return NULL;
}

/* Returns FALSE when the file stays where it is: nothing may write over it. */
static gboolean
set_aside (const char *path,
           const char *why)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;

  if (!sh_file_move_aside (path, &aside, &error))
    {
      /* Translators: the first %s is a file, the second why it cannot be
       * read, the third why it could not be renamed */
      g_warning (_("The record of shown notifications %s cannot be read (%s) and could not be "
                   "set aside (%s). It is kept as it is and nothing is recorded in it: "
                   "notifications shown now may stay on the screen after a restart until "
                   "you close them."), path, why, error->message);
      return FALSE;
    }
  /* Translators: the first %s is a file, the second why it cannot be read
   * (e.g. "it is empty"), the third the name it was kept under */
  g_message (_("The record of shown notifications %s cannot be read (%s). It was set aside as "
               "%s; notifications shown before may stay on the screen until you close them."),
             path, why, aside);
  return TRUE;
}

GHashTable *
_sh_notifier_record_load (const char *path,
                          gboolean   *out_keep)
{
  GHashTable *shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) _sh_shown_free);
  g_autofree char *data = NULL;
  g_autofree char *why = NULL;
  g_autofree char *aside = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *list = NULL;
  guint n_skipped = 0;
  gboolean unreadable = FALSE;

  *out_keep = FALSE;
  if (path == NULL)
    return shown;
  data = read_record (path, &length, &why, &unreadable);
  if (data != NULL)
    {
      root = sh_json_parse (data, length);
      if (root == NULL)
        why = g_strdup (_("it is not JSON"));
      else if (JSON_NODE_HOLDS_OBJECT (root))
        list = sh_json_get_array (json_node_get_object (root), "notifications");
      if (root != NULL && list == NULL)
        why = g_strdup (_("it is not a list of notifications"));
    }
  if (unreadable)
    {
      /* Translators: the first %s is a file, the second why it cannot be
       * read (the system's words) */
      g_warning (_("The record of shown notifications %s cannot be read (%s). It is kept as it "
                   "is and nothing is recorded in it: notifications shown now may stay on the "
                   "screen after a restart until you close them."), path, why);
      *out_keep = TRUE;
    }
  else if (why != NULL)
    *out_keep = !set_aside (path, why);
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      const char *id = NULL;
      ShShown *one = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node))
        one = parse_one (json_node_get_object (node), &id);
      if (one != NULL)
        g_hash_table_replace (shown, g_strdup (id), one);
      else
        n_skipped++;
    }
  if (n_skipped == 0)
    return shown;
  /* The next save drops what could not be read: keep the original. */
  if (!sh_file_copy_aside (path, data, length, &aside, &error))
    {
      g_warning (_("The record of shown notifications %s has unreadable entries and could not "
                   "be copied aside (%s). It is kept as it is and nothing is recorded in it."),
                 path, error->message);
      *out_keep = TRUE;
    }
  else
    g_message (g_dngettext (GETTEXT_PACKAGE,
                            "%u entry of the record of shown notifications could not be read "
                            "and was left out. The original file was kept as %s.",
                            "%u entries of the record of shown notifications could not be read "
                            "and were left out. The original file was kept as %s.",
                            n_skipped),
               n_skipped, aside);
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
