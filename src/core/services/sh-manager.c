/* sh-manager.c — the channel list, the data file and the keyring kept in step:
 * the object, loading and saving.
 *
 * Ordering is what keeps tokens and secrets in agreement without a
 * transaction across two stores (sh-manager-tokens.c); an interruption
 * between the steps can leave a secret without a token, which the
 * reconciliation (sh-manager-reconcile.c) deletes only when the file records
 * its token as removed, and otherwise offers back: nothing is deleted on a
 * guess. Checking is the checker's (sh-checker.c), one per manager.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-checker.h"
#include "sh-config.h"
#include "sh-error.h"
#include "sh-derived.h"
#include "sh-manager-private.h"
#include "sh-provider.h"

G_DEFINE_FINAL_TYPE (ShManager, sh_manager, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATA_DIR,
  PROP_SANDBOX,
  PROP_CHANNELS,
  PROP_LOADED,
  PROP_NOTICE,
  PROP_N_ORPHANS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
on_warning_window_changed (GSettings  *settings,
                           const char *key,
                           ShManager  *self)
{
  sh_token_clock_set_warning_window (sh_config_get_warning_window ());
  if (self->clock_watch != NULL)
    sh_token_clock_watch_update (self->clock_watch);
}

/* Tokens read expiring by the window set now, also when it changes while
 * running (sh-token-clock.h). */
static void
follow_warning_window (ShManager *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE)
                                             : NULL;

  sh_token_clock_set_warning_window (sh_config_get_warning_window ());
  if (schema == NULL || !g_settings_schema_has_key (schema, "warning-window-days"))
    return;
  self->settings = g_settings_new_full (schema, NULL, NULL);
  /* GSettings says "changed" only of a key read once. */
  (void) g_settings_get_uint (self->settings, "warning-window-days");
  g_signal_connect_object (self->settings, "changed::warning-window-days",
                           G_CALLBACK (on_warning_window_changed), self, 0);
}

static void
sh_manager_constructed (GObject *object)
{
  ShManager *self = SH_MANAGER (object);

  G_OBJECT_CLASS (sh_manager_parent_class)->constructed (object);

  self->store = sh_store_new (self->data_dir);
  /* The sandbox's secrets go to the session collection: they are made-up
   * tokens and should vanish with the session. */
  self->secrets = sh_secret_store_new (self->data_dir, self->sandbox);
  self->checker = _sh_checker_new (self);
  follow_warning_window (self);
  self->clock_watch = sh_token_clock_watch_new (G_LIST_MODEL (self->channels));
}

static void
sh_manager_finalize (GObject *object)
{
  ShManager *self = SH_MANAGER (object);

  g_clear_object (&self->clock_watch);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->load_waiters, g_ptr_array_unref);
  g_clear_pointer (&self->orphans, g_ptr_array_unref);
  g_clear_pointer (&self->providers, g_hash_table_unref);
  g_clear_object (&self->channels);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  g_clear_object (&self->checker);
  g_free (self->data_dir);
  g_free (self->notice);

  G_OBJECT_CLASS (sh_manager_parent_class)->finalize (object);
}

static void
sh_manager_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ShManager *self = SH_MANAGER (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR: g_value_set_string (value, self->data_dir); break;
    case PROP_SANDBOX: g_value_set_boolean (value, self->sandbox); break;
    case PROP_CHANNELS: g_value_set_object (value, self->channels); break;
    case PROP_LOADED: g_value_set_boolean (value, self->loaded); break;
    case PROP_NOTICE: g_value_set_string (value, self->notice); break;
    case PROP_N_ORPHANS: g_value_set_uint (value, self->orphans->len); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_manager_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  ShManager *self = SH_MANAGER (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR: self->data_dir = g_value_dup_string (value); break;
    case PROP_SANDBOX: self->sandbox = g_value_get_boolean (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_manager_class_init (ShManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = sh_manager_constructed;
  object_class->finalize = sh_manager_finalize;
  object_class->get_property = sh_manager_get_property;
  object_class->set_property = sh_manager_set_property;

  properties[PROP_DATA_DIR] = g_param_spec_string ("data-dir", NULL, NULL, NULL, co);
  properties[PROP_SANDBOX] = g_param_spec_boolean ("sandbox", NULL, NULL, FALSE, co);
  properties[PROP_CHANNELS] =
    g_param_spec_object ("channels", NULL, NULL, SH_TYPE_CHANNEL_LIST, ro);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  properties[PROP_NOTICE] = g_param_spec_string ("notice", NULL, NULL, NULL, ro);
  /* Secrets in the keyring that no channel lists, found by the
   * reconciliation: what sh_manager_restore_async() would bring back. */
  properties[PROP_N_ORPHANS] = g_param_spec_uint ("n-orphans", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sh_manager_init (ShManager *self)
{
  self->channels = sh_channel_list_new ();
  self->orphans = g_ptr_array_new_with_free_func (g_free);
  self->providers = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
}

ShManager *
sh_manager_new (const char *data_dir,
                gboolean    sandbox)
{
  g_return_val_if_fail (data_dir != NULL, NULL);

  return g_object_new (SH_TYPE_MANAGER, "data-dir", data_dir, "sandbox", sandbox, NULL);
}

/* The sandbox keeps its made-up channels apart from the real ones. */
char *
sh_manager_default_data_dir (gboolean sandbox)
{
  return g_build_filename (g_get_user_data_dir (),
                           sandbox ? "socialhub-sandbox" : "socialhub", NULL);
}

ShChannelList *
sh_manager_get_channels (ShManager *self)
{
  g_return_val_if_fail (SH_IS_MANAGER (self), NULL);
  return self->channels;
}

ShStore *
sh_manager_get_store (ShManager *self)
{
  g_return_val_if_fail (SH_IS_MANAGER (self), NULL);
  return self->store;
}

ShSecretStore *
sh_manager_get_secret_store (ShManager *self)
{
  g_return_val_if_fail (SH_IS_MANAGER (self), NULL);
  return self->secrets;
}

gboolean
sh_manager_get_loaded (ShManager *self)
{
  g_return_val_if_fail (SH_IS_MANAGER (self), FALSE);
  return self->loaded;
}

gboolean
sh_manager_get_sandbox (ShManager *self)
{
  g_return_val_if_fail (SH_IS_MANAGER (self), FALSE);
  return self->sandbox;
}

ShChecker *
sh_manager_get_checker (ShManager *self)
{
  g_return_val_if_fail (SH_IS_MANAGER (self), NULL);
  return self->checker;
}

const char *
sh_manager_get_notice (ShManager *self)
{
  g_return_val_if_fail (SH_IS_MANAGER (self), NULL);
  return self->notice;
}

void
sh_manager_add_provider (ShManager  *self,
                         ShProvider *provider)
{
  const char *network;

  g_return_if_fail (SH_IS_MANAGER (self));
  g_return_if_fail (SH_IS_PROVIDER (provider));

  network = g_intern_string (sh_provider_get_network (provider));
  g_hash_table_replace (self->providers, (gpointer) network, g_object_ref (provider));
}

ShProvider *
sh_manager_get_provider (ShManager  *self,
                         const char *network)
{
  g_return_val_if_fail (SH_IS_MANAGER (self), NULL);
  if (network == NULL)
    return NULL;
  return g_hash_table_lookup (self->providers, g_intern_string (network));
}

void
_sh_manager_append_notice (ShManager  *self,
                           const char *text)
{
  char *joined;

  if (text == NULL || *text == '\0')
    return;
  joined = self->notice ? g_strconcat (self->notice, "\n", text, NULL) : g_strdup (text);
  g_free (self->notice);
  self->notice = joined;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTICE]);
}

/* ---- load ------------------------------------------------------------ */

void
_sh_manager_describe_channel (ShManager *self,
                              ShChannel *channel)
{
  sh_secret_store_describe_channel (self->secrets, sh_channel_get_id (channel),
                                    sh_channel_get_external_id (channel),
                                    sh_channel_get_name (channel));
}

/* Keyring items are found by the store id from now on; items written with
 * the folder's path (before 0.3, or before the folder moved) are adopted
 * before the first keyring operation, once the id is safely in the file. */
static void
attach_keyring (ShManager *self)
{
  sh_secret_store_set_scope (self->secrets, sh_store_get_id (self->store));
  if (sh_store_get_id_saved (self->store))
    {
      g_autoptr(GHashTable) ids = sh_channel_list_dup_token_ids (self->channels);

      sh_secret_store_adopt (self->secrets, self->data_dir, ids);
    }
}

static void
finish_load (GTask *owned_task)
{
  g_autoptr(GTask) task = owned_task;
  ShManager *self = g_task_get_source_object (task);

  /* Channels living on another's tokens: matched with its tokens again
   * (and its name, which their rows show). */
  sh_derived_sync (self->channels);
  attach_keyring (self);
  self->loaded = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
  g_task_return_boolean (task, TRUE);
}

static void
on_id_saved (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* Not fatal: the items keep their old names and are adopted at a start
   * whose save works; until then nothing is reconciled (no clean load). */
  if (!sh_store_save_finish (SH_STORE (source), result, &error))
    {
      ShManager *self = g_task_get_source_object (task);

      g_message ("The data file's store id could not be saved: %s", error->message);
      self->clean_load = FALSE;
    }
  finish_load (g_steal_pointer (&task));
}

static void
on_store_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShManager *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) channels = NULL;
  g_autofree char *notice = NULL;
  GError *error = NULL;

  channels = sh_store_load_finish (SH_STORE (source), result, &notice, &error);
  if (channels == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  self->clean_load = (notice == NULL);
  sh_channel_list_replace_all (self->channels, channels);
  for (guint i = 0; i < channels->len; i++)
    _sh_manager_describe_channel (self, g_ptr_array_index (channels, i));
  _sh_manager_append_notice (self, notice);

  /* A file without a store id (version 1, or restored from one) gets one
   * now, before any keyring item is named by it. A first start (no file)
   * waits for its first add. */
  if (!sh_store_get_id_saved (self->store) && !sh_store_get_read_only (self->store) &&
      (channels->len > 0 || g_file_test (sh_store_get_path (self->store), G_FILE_TEST_EXISTS)))
    {
      sh_store_save_async (self->store, G_LIST_MODEL (self->channels), NULL, on_id_saved,
                           g_steal_pointer (&task));
      return;
    }
  finish_load (g_steal_pointer (&task));
}

void
sh_manager_load_async (ShManager           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SH_IS_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_manager_load_async);
  sh_store_load_async (self->store, cancellable, on_store_loaded, task);
}

gboolean
sh_manager_load_finish (ShManager     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_ensure_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ShManager *self = SH_MANAGER (source);
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->load_waiters);
  g_autoptr(GError) error = NULL;

  sh_manager_load_finish (self, result, &error);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

void
sh_manager_ensure_loaded_async (ShManager           *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_manager_ensure_loaded_async);

  if (self->loaded)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->load_waiters != NULL)
    {
      g_ptr_array_add (self->load_waiters, g_steal_pointer (&task));
      return;
    }
  self->load_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->load_waiters, g_steal_pointer (&task));
  /* Not cancellable: other waiters may still want the result. */
  sh_manager_load_async (self, NULL, on_ensure_loaded, NULL);
}

gboolean
sh_manager_ensure_loaded_finish (ShManager     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
_sh_manager_notify_n_orphans (ShManager *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ORPHANS]);
}

/* ---- save ---------------------------------------------------------------- */

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!sh_store_save_finish (SH_STORE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
sh_manager_save_async (ShManager           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SH_IS_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_manager_save_async);
  /* Before the load, the list is empty: saving it would replace the file. */
  if (!self->loaded)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_NOT_AVAILABLE,
                               _("Your channels are still being loaded."));
      g_object_unref (task);
      return;
    }
  sh_store_save_async (self->store, G_LIST_MODEL (self->channels), cancellable, on_saved, task);
}

gboolean
sh_manager_save_finish (ShManager     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
