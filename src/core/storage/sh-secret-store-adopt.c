/* sh-secret-store-adopt.c — adopting keyring items named by a path.
 *
 * Items written before the data file had a store id named their store by
 * the data folder's path, which changes when a home folder moves. ShManager
 * hands over the token ids its file lists (sh_secret_store_adopt()), and
 * before the first operation of the session such items get their "store"
 * attribute rewritten to the id. Operations wait for that, so that none of
 * them misses an item still named by a path.
 */
#include "config.h"

#include "sh-secret-store-private.h"

void
sh_secret_store_adopt (ShSecretStore *self,
                       const char    *legacy_scope,
                       GHashTable    *token_ids)
{
  g_return_if_fail (SH_IS_SECRET_STORE (self));

  g_free (self->legacy_scope);
  self->legacy_scope = g_strdup (legacy_scope);
  g_clear_pointer (&self->adopt_ids, g_hash_table_unref);
  /* A reference, not a copy: 10,000 ids are read as the window opens. */
  self->adopt_ids = token_ids != NULL ? g_hash_table_ref (token_ids)
                                      : g_hash_table_new (g_str_hash, g_str_equal);
}

guint
sh_secret_store_get_n_adopted (ShSecretStore *self)
{
  g_return_val_if_fail (SH_IS_SECRET_STORE (self), 0);
  return self->n_adopted;
}

/* ---- adoption of items named by a path ---------------------------------- *
 *
 * Once per session, before the first operation: one search for every item of
 * our schema and one for ours; of the others (usually none) the attributes
 * are read, and an item is adopted (its "store" rewritten to our id) when its
 * store is our own folder's path, or a path and its token is one the data
 * file lists. An item of another live store has another token id: token ids
 * are random UUIDs, so that test cannot take another store's item.
 */

typedef struct {
  ShSecretStore *self;
  GCancellable  *cancellable;
  guint          timeout_id;
  SecretService *service;
  GHashTable    *ours;      /* object paths already ours */
  guint          pending;
} Adopt;

typedef struct {
  Adopt *adopt;
  char  *path;
} AdoptItem;

static void
adopt_finish (Adopt *adopt)
{
  ShSecretStore *self = adopt->self;
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->adopt_waiters);

  self->adopt_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->adopting = FALSE;
  /* Whatever happened, once per session: an item we could not adopt is
   * tried again at the next start. */
  g_clear_pointer (&self->adopt_ids, g_hash_table_unref);

  g_clear_handle_id (&adopt->timeout_id, g_source_remove);
  g_clear_object (&adopt->cancellable);
  g_clear_object (&adopt->service);
  g_clear_pointer (&adopt->ours, g_hash_table_unref);
  g_free (adopt);

  /* The tasks' references go to op_proceed(), which hands them on. */
  g_ptr_array_set_free_func (waiters, NULL);
  for (guint i = 0; i < waiters->len; i++)
    _sh_secret_store_op_proceed (g_ptr_array_index (waiters, i));
  g_object_unref (self);
}

static gboolean
on_adopt_timeout (gpointer user_data)
{
  Adopt *adopt = user_data;

  adopt->timeout_id = 0;
  g_cancellable_cancel (adopt->cancellable);
  return G_SOURCE_REMOVE;
}

static void
adopt_one_done (Adopt *adopt)
{
  if (--adopt->pending == 0)
    adopt_finish (adopt);
}

static void
on_adopt_set (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Adopt *adopt = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);

  if (reply != NULL)
    adopt->self->n_adopted++;
  else
    g_message ("A keyring item of SocialHub could not be moved to its store id: %s",
               error->message);
  adopt_one_done (adopt);
}

static void
on_adopt_attributes (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  AdoptItem *item = user_data;
  Adopt *adopt = item->adopt;
  g_autofree char *path = item->path;
  ShSecretStore *self = adopt->self;
  GDBusConnection *bus = G_DBUS_CONNECTION (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (bus, result, &error);
  g_autoptr(GVariant) boxed = NULL;
  const char *store = NULL, *token_id = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key, *value;

  g_free (item);
  if (reply == NULL)
    {
      adopt_one_done (adopt);
      return;
    }
  g_variant_get (reply, "(v)", &boxed);
  if (!g_variant_is_of_type (boxed, G_VARIANT_TYPE ("a{ss}")))
    {
      adopt_one_done (adopt);
      return;
    }
  g_variant_lookup (boxed, ATTR_SCOPE, "&s", &store);
  g_variant_lookup (boxed, ATTR_TOKEN_ID, "&s", &token_id);
  if (store == NULL || token_id == NULL || g_str_equal (store, self->scope) ||
      !(g_strcmp0 (store, self->legacy_scope) == 0 ||
        (store[0] == '/' && g_hash_table_contains (self->adopt_ids, token_id))))
    {
      adopt_one_done (adopt);
      return;
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_variant_iter_init (&iter, boxed);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    if (!g_str_equal (key, ATTR_SCOPE))
      g_variant_builder_add (&builder, "{ss}", key, value);
  g_variant_builder_add (&builder, "{ss}", ATTR_SCOPE, self->scope);
  adopt->pending++;
  g_dbus_connection_call (bus, g_dbus_proxy_get_name (G_DBUS_PROXY (adopt->service)), path,
                          "org.freedesktop.DBus.Properties", "Set",
                          g_variant_new ("(ssv)", ITEM_INTERFACE, "Attributes",
                                         g_variant_builder_end (&builder)),
                          NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, adopt->cancellable,
                          on_adopt_set, adopt);
  adopt_one_done (adopt);
}

static void
adopt_read_foreign (Adopt  *adopt,
                    char  **paths)
{
  GDBusConnection *bus = g_dbus_proxy_get_connection (G_DBUS_PROXY (adopt->service));
  const char *name = g_dbus_proxy_get_name (G_DBUS_PROXY (adopt->service));

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      AdoptItem *item;

      if (g_hash_table_contains (adopt->ours, paths[i]))
        continue;
      item = g_new0 (AdoptItem, 1);
      item->adopt = adopt;
      item->path = g_strdup (paths[i]);
      adopt->pending++;
      g_dbus_connection_call (bus, name, paths[i], "org.freedesktop.DBus.Properties", "Get",
                              g_variant_new ("(ss)", ITEM_INTERFACE, "Attributes"),
                              G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                              adopt->cancellable, on_adopt_attributes, item);
    }
}

/* What a search found, unlocked and locked items alike; NULL (and a word in
 * the debug log) when it failed. */
static GStrv
adopt_search_finish (GObject      *source,
                     GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) unlocked = NULL;
  g_auto(GStrv) locked = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;

  if (!secret_service_search_for_dbus_paths_finish (SECRET_SERVICE (source), result,
                                                    &unlocked, &locked, &error))
    {
      g_debug ("No adoption of keyring items: %s", error->message);
      return NULL;
    }
  builder = g_strv_builder_new ();
  if (unlocked != NULL)
    g_strv_builder_addv (builder, (const char **) unlocked);
  if (locked != NULL)
    g_strv_builder_addv (builder, (const char **) locked);
  return g_strv_builder_end (builder);
}

static void
on_adopt_all (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Adopt *adopt = user_data;
  g_auto(GStrv) paths = adopt_search_finish (source, result);

  adopt_read_foreign (adopt, paths);
  adopt_one_done (adopt);
}

static void
on_adopt_ours (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Adopt *adopt = user_data;
  g_auto(GStrv) paths = adopt_search_finish (source, result);
  g_autoptr(GHashTable) any = NULL;

  if (paths == NULL)
    {
      adopt_one_done (adopt);
      return;
    }
  for (guint i = 0; paths[i] != NULL; i++)
    g_hash_table_add (adopt->ours, g_strdup (paths[i]));

  any = g_hash_table_new (g_str_hash, g_str_equal);
  secret_service_search_for_dbus_paths (adopt->service, &_sh_secret_store_token_schema, any,
                                        adopt->cancellable, on_adopt_all, adopt);
}

static void
on_adopt_service (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Adopt *adopt = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) ours = NULL;

  adopt->service = secret_service_get_finish (result, &error);
  if (adopt->service == NULL)
    {
      adopt_one_done (adopt);
      return;
    }
  ours = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (ours, (gpointer) ATTR_SCOPE, adopt->self->scope);
  secret_service_search_for_dbus_paths (adopt->service, &_sh_secret_store_token_schema, ours, adopt->cancellable,
                                        on_adopt_ours, adopt);
}

static void
adopt_start (ShSecretStore *self)
{
  Adopt *adopt = g_new0 (Adopt, 1);

  self->adopting = TRUE;
  adopt->self = g_object_ref (self);
  adopt->cancellable = g_cancellable_new ();
  adopt->timeout_id = g_timeout_add (self->timeout_ms, on_adopt_timeout, adopt);
  adopt->ours = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  adopt->pending = 1;
  secret_service_get (SECRET_SERVICE_OPEN_SESSION, adopt->cancellable, on_adopt_service, adopt);
}

void
_sh_secret_store_adopt_then_proceed (ShSecretStore *self,
                                     GTask         *task)
{
  g_ptr_array_add (self->adopt_waiters, task);
  if (!self->adopting)
    adopt_start (self);
}
