/* sh-sandbox-world-state.c — the world's lasting state as JSON (clock,
 * people, roles, Instagram links and withheld instagram_basic, issued
 * tokens as hashes), so that the sandbox's tokens outlive a restart; see
 * sh_sandbox_world_save_state() in the header. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "sh-json.h"
#include "sh-sandbox-world-private.h"

/* ---- lasting state ----------------------------------------------------------------- */

#define STATE_VERSION 1

char *
sh_sandbox_world_save_state (ShSandboxWorld *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  sh_json_builder_add_int (builder, "version", STATE_VERSION);
  sh_json_builder_add_int (builder, "clock_offset", self->clock_offset);
  sh_json_builder_add_int (builder, "next_serial", (gint64) self->next_serial);
  sh_json_builder_add_int (builder, "approve_delay", self->approve_delay);
  sh_json_builder_add_int (builder, "next_device_person", self->next_device_person);

  json_builder_set_member_name (builder, "people");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->people->len; i++)
    {
      ShSandboxPerson *person = g_ptr_array_index (self->people, i);

      json_builder_begin_object (builder);
      sh_json_builder_add_string (builder, "id", person->id);
      sh_json_builder_add_int (builder, "password_generation", person->password_generation);
      sh_json_builder_add_int (builder, "app_removed", person->app_removed);
      sh_json_builder_add_int (builder, "app_removed_serial", (gint64) person->app_removed_serial);
      sh_json_builder_add_int (builder, "checkpointed", person->checkpointed);
      sh_json_builder_add_int (builder, "unconfirmed", person->unconfirmed);
      sh_json_builder_add_int (builder, "x_locked", person->x_locked);
      sh_json_builder_add_int (builder, "instagram_withheld", person->instagram_withheld);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "pages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->pages->len; i++)
    {
      ShSandboxPage *page = g_ptr_array_index (self->pages, i);

      json_builder_begin_object (builder);
      sh_json_builder_add_string (builder, "id", page->id);
      sh_json_builder_add_string_array (builder, "admins", page->admin_ids);
      /* Its Instagram account, or null: unlinked. */
      json_builder_set_member_name (builder, "instagram");
      if (page->instagram_id == NULL)
        json_builder_add_null_value (builder);
      else
        {
          json_builder_begin_object (builder);
          sh_json_builder_add_string (builder, "id", page->instagram_id);
          sh_json_builder_add_string (builder, "username", page->instagram_username);
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  sh_json_builder_add_string_array (builder, "x_redirects", self->x_redirects);

  json_builder_set_member_name (builder, "tokens");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->tokens->len; i++)
    {
      ShSandboxToken *token = g_ptr_array_index (self->tokens, i);

      json_builder_begin_object (builder);
      sh_json_builder_add_string (builder, "hash", token->hash);
      sh_json_builder_add_int (builder, "serial", (gint64) token->serial);
      sh_json_builder_add_int (builder, "kind", token->kind);
      sh_json_builder_add_string (builder, "person", token->person_id);
      sh_json_builder_add_string (builder, "target", token->target_id);
      sh_json_builder_add_int (builder, "issued_at", token->issued_at);
      sh_json_builder_add_int (builder, "expires_at", token->expires_at);
      sh_json_builder_add_int (builder, "data_access_expires_at", token->data_access_expires_at);
      sh_json_builder_add_int (builder, "password_generation", token->password_generation);
      sh_json_builder_add_int (builder, "revoked", token->revoked);
      {
        ShSandboxToken *partner = sh_sandbox_world_lookup_token (self, token->partner);
        sh_json_builder_add_string (builder, "partner", partner ? partner->hash : NULL);
      }
      json_builder_set_member_name (builder, "scopes");
      json_builder_begin_array (builder);
      for (guint j = 0; token->scopes != NULL && token->scopes[j] != NULL; j++)
        json_builder_add_string_value (builder, token->scopes[j]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return sh_json_builder_to_string (builder);
}

/* Missing or mistyped members read as 0 / NULL (sh-json.h). */
static gint64
get_int (JsonObject *object,
         const char *name)
{
  gint64 value = 0;

  sh_json_get_int (object, name, &value);
  return value;
}

static JsonObject *
element_object (JsonArray *array,
                guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The saved Page's Instagram link: TRUE with *@out_id NULL for none
 * (null), FALSE when the entry cannot be read. */
static gboolean
read_instagram_link (JsonObject  *page,
                     const char **out_id,
                     const char **out_username)
{
  JsonNode *node = json_object_get_member (page, "instagram");
  JsonObject *link;

  *out_id = *out_username = NULL;
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  link = json_node_get_object (node);
  *out_id = sh_json_get_string (link, "id");
  *out_username = sh_json_get_string (link, "username");
  return *out_id != NULL && **out_id != '\0' && *out_username != NULL && **out_username != '\0';
}

/* The Pages' Instagram links as saved: all unlinked first, then linked, so
 * that an account moved from one Page to another finds its new Page free.
 * An entry that cannot be read leaves that Page as seeded, and says so. */
static void
load_instagram_links (ShSandboxWorld *self,
                      JsonArray      *pages)
{
  g_autoptr(GPtrArray) readable = g_ptr_array_new ();

  for (guint i = 0; pages != NULL && i < json_array_get_length (pages); i++)
    {
      JsonObject *object = element_object (pages, i);
      const char *page_id = object ? sh_json_get_string (object, "id") : NULL;
      const char *id, *username;

      /* A state from before the links were kept says nothing of them. */
      if (page_id == NULL || sh_sandbox_world_get_page (self, page_id) == NULL ||
          !json_object_has_member (object, "instagram"))
        continue;
      if (!read_instagram_link (object, &id, &username))
        {
          g_message ("The sandbox's state has an Instagram link of Page %s it cannot read: "
                     "the Page keeps its seeded link", page_id);
          continue;
        }
      sh_sandbox_world_unlink_instagram (self, page_id);
      g_ptr_array_add (readable, object);
    }
  for (guint i = 0; i < readable->len; i++)
    {
      JsonObject *object = g_ptr_array_index (readable, i);
      const char *page_id = sh_json_get_string (object, "id");
      const char *id, *username;

      read_instagram_link (object, &id, &username);
      if (id != NULL && !sh_sandbox_world_link_instagram (self, page_id, id, username))
        g_message ("The sandbox's state links Instagram account %s to Page %s, but it is "
                   "linked to another Page already: Page %s stays unlinked", id, page_id, page_id);
    }
}

/* Replaces the seeded state with a saved one. A state that cannot be read
 * leaves the world as it was and says why. */
gboolean
sh_sandbox_world_load_state (ShSandboxWorld  *self,
                             const char      *json,
                             GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      get_int (json_node_get_object (json_parser_get_root (parser)), "version") != STATE_VERSION)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "not a sandbox state of this version");
      return FALSE;
    }
  root = json_node_get_object (json_parser_get_root (parser));

  self->clock_offset = get_int (root, "clock_offset");
  self->next_serial = (guint64) get_int (root, "next_serial");
  self->approve_delay = (guint) get_int (root, "approve_delay");
  self->next_device_person = (guint) get_int (root, "next_device_person");

  array = sh_json_get_array (root, "people");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *object = element_object (array, i);
      ShSandboxPerson *person = object ? sh_sandbox_world_get_person (self, sh_json_get_string (object, "id")) : NULL;

      if (person == NULL)
        continue;
      person->password_generation = (guint) get_int (object, "password_generation");
      person->app_removed = get_int (object, "app_removed") != 0;
      person->app_removed_serial = (guint64) get_int (object, "app_removed_serial");
      person->checkpointed = get_int (object, "checkpointed") != 0;
      person->unconfirmed = get_int (object, "unconfirmed") != 0;
      person->x_locked = get_int (object, "x_locked") != 0;
      person->instagram_withheld = get_int (object, "instagram_withheld") != 0;
    }

  array = sh_json_get_array (root, "pages");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *object = element_object (array, i);
      ShSandboxPage *page = object ? sh_sandbox_world_get_page (self, sh_json_get_string (object, "id")) : NULL;
      JsonArray *admins = object ? sh_json_get_array (object, "admins") : NULL;

      if (page == NULL || admins == NULL)
        continue;
      g_ptr_array_set_size (page->admin_ids, 0);
      for (guint j = 0; j < json_array_get_length (admins); j++)
        g_ptr_array_add (page->admin_ids, g_strdup (json_array_get_string_element (admins, j)));
    }

  load_instagram_links (self, sh_json_get_array (root, "pages"));

  array = sh_json_get_array (root, "x_redirects");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    sh_sandbox_world_allow_x_redirect (self, json_array_get_string_element (array, i));

  array = sh_json_get_array (root, "tokens");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *object = element_object (array, i);
      JsonArray *scopes = object ? sh_json_get_array (object, "scopes") : NULL;
      g_autoptr(GStrvBuilder) scope_builder = g_strv_builder_new ();
      ShSandboxToken *token;

      if (object == NULL || sh_json_get_string (object, "hash") == NULL ||
          sh_json_get_string (object, "person") == NULL ||
          g_hash_table_contains (self->token_index, sh_json_get_string (object, "hash")))
        continue;
      token = g_new0 (ShSandboxToken, 1);
      token->hash = g_strdup (sh_json_get_string (object, "hash"));
      token->serial = (guint64) get_int (object, "serial");
      token->kind = (ShSandboxTokenKind) CLAMP (get_int (object, "kind"), 0, SH_SANDBOX_TOKEN_X_REFRESH);
      token->person_id = g_strdup (sh_json_get_string (object, "person"));
      token->target_id = g_strdup (sh_json_get_string (object, "target"));
      token->issued_at = get_int (object, "issued_at");
      token->expires_at = get_int (object, "expires_at");
      token->data_access_expires_at = get_int (object, "data_access_expires_at");
      token->password_generation = (guint) get_int (object, "password_generation");
      token->revoked = get_int (object, "revoked") != 0;
      token->partner = g_strdup (sh_json_get_string (object, "partner"));
      for (guint j = 0; scopes != NULL && j < json_array_get_length (scopes); j++)
        g_strv_builder_add (scope_builder, json_array_get_string_element (scopes, j));
      token->scopes = g_strv_builder_end (scope_builder);
      g_ptr_array_add (self->tokens, token);
      g_hash_table_insert (self->token_index, token->hash, token);
    }
  return TRUE;
}
