/* sh-manager.c — keeps the channel list, the data file and the keyring in step.
 *
 * Ordering is what keeps tokens and secrets in agreement without a
 * transaction across two stores:
 *   add:    secret first, then the data file (undo the secret if that fails);
 *   remove: the data file first (recording the removal), then the secret,
 *           then the data file again (forgetting the record).
 * An interruption between the steps can leave a secret without a token. The
 * reconciliation deletes such a secret only when the file records its token
 * as removed; any other is offered back (sh_manager_restore_async()), and a
 * token whose secret is gone is kept and reads "secret missing": nothing is
 * deleted on a guess.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-error.h"
#include "sh-manager.h"
#include "sh-provider.h"
#include "sh-provider-registry.h"
#include "sh-untrusted-text.h"

struct _ShManager
{
  GObject         parent_instance;

  char           *data_dir;
  gboolean        sandbox;
  ShChannelList  *channels;
  ShStore        *store;
  ShSecretStore  *secrets;
  gboolean        loaded;
  gboolean        clean_load;
  GPtrArray      *load_waiters;   /* GTask, while a load runs */
  GPtrArray      *orphans;        /* token ids of secrets no token lists */
  char           *notice;
  GHashTable     *providers;      /* interned network id → ShProvider */
};

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
sh_manager_constructed (GObject *object)
{
  ShManager *self = SH_MANAGER (object);

  G_OBJECT_CLASS (sh_manager_parent_class)->constructed (object);

  self->store = sh_store_new (self->data_dir);
  /* The sandbox's secrets go to the session collection: they are made-up
   * tokens and should vanish with the session. */
  self->secrets = sh_secret_store_new (self->data_dir, self->sandbox);
}

static void
sh_manager_finalize (GObject *object)
{
  ShManager *self = SH_MANAGER (object);

  g_clear_pointer (&self->load_waiters, g_ptr_array_unref);
  g_clear_pointer (&self->orphans, g_ptr_array_unref);
  g_clear_pointer (&self->providers, g_hash_table_unref);
  g_clear_object (&self->channels);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
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

enum {
  SIGNAL_CHECKED,
  N_SIGNALS
};
static guint manager_signals[N_SIGNALS];

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

  /* After every check of all tokens (whoever started it), once its verdicts
   * are applied and saved: the notifier compares them with what it told. */
  manager_signals[SIGNAL_CHECKED] =
    g_signal_new ("checked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

void
sh_manager_emit_checked (ShManager *self)
{
  g_return_if_fail (SH_IS_MANAGER (self));
  g_signal_emit (self, manager_signals[SIGNAL_CHECKED], 0);
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
  sh_provider_set_secret_store (provider, self->secrets);
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

static void
append_notice (ShManager  *self,
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

/* Every token id of the data file. */
static GHashTable *
token_ids (ShManager *self)
{
  GListModel *channels = G_LIST_MODEL (self->channels);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      GListModel *tokens = sh_channel_get_tokens (channel);

      for (guint j = 0; j < g_list_model_get_n_items (tokens); j++)
        {
          g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);

          g_hash_table_add (ids, g_strdup (sh_token_get_id (token)));
        }
    }
  return ids;
}

static void
describe_channel (ShManager *self,
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
  g_autoptr(GHashTable) ids = token_ids (self);

  sh_secret_store_set_scope (self->secrets, sh_store_get_id (self->store));
  if (sh_store_get_id_saved (self->store))
    sh_secret_store_adopt (self->secrets, self->data_dir, ids);
}

static void
finish_load (GTask *owned_task)
{
  g_autoptr(GTask) task = owned_task;
  ShManager *self = g_task_get_source_object (task);

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
    describe_channel (self, g_ptr_array_index (channels, i));
  append_notice (self, notice);

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

/* ---- reconcile --------------------------------------------------------- */

typedef struct {
  guint n_pending;
  guint n_repaired;
} Reconcile;


static void
on_reconcile_saved (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_store_save_finish (SH_STORE (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Everything has answered: save what changed (records forgotten, tokens
 * marked "secret missing") once. */
static void
reconcile_one_done (GTask *task)
{
  ShManager *self = g_task_get_source_object (task);
  Reconcile *state = g_task_get_task_data (task);

  if (--state->n_pending > 0)
    return;
  if (state->n_repaired == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  sh_store_save_async (self->store, G_LIST_MODEL (self->channels), g_task_get_cancellable (task),
                       on_reconcile_saved, g_object_ref (task));
}

typedef struct {
  GTask *task;
  char  *token_id;
} Deletion;

static void
on_removed_secret_deleted (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  Deletion *deletion = user_data;
  g_autoptr(GTask) task = deletion->task;
  g_autofree char *token_id = deletion->token_id;
  ShManager *self = g_task_get_source_object (task);
  Reconcile *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_free (deletion);
  /* The record stays until the secret is really gone. */
  if (sh_secret_store_delete_finish (SH_SECRET_STORE (source), result, &error))
    {
      state->n_repaired++;
      sh_store_unmark_removed (self->store, token_id);
    }
  else
    g_debug ("Could not delete the secret of a removed token: %s", error->message);
  reconcile_one_done (task);
}

static void
set_orphans (ShManager  *self,
             GHashTable *ids)
{
  GHashTableIter iter;
  gpointer id;

  g_ptr_array_set_size (self->orphans, 0);
  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_ptr_array_add (self->orphans, g_strdup (id));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ORPHANS]);
}

static void
on_ids_listed (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShManager *self = g_task_get_source_object (task);
  Reconcile *state = g_task_get_task_data (task);
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GHashTable) to_delete = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) lost = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) lost_names = g_string_new (NULL);
  g_autoptr(GPtrArray) removed_ids = NULL;
  GHashTable *removed = sh_store_get_removed (self->store);
  GHashTableIter iter;
  gpointer token_id;
  GError *error = NULL;
  guint n_channels;

  ids = sh_secret_store_list_ids_finish (SH_SECRET_STORE (source), result, &error);
  if (ids == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Tokens whose secret is gone stay, shown as such: the secret may come
   * back (a keyring restored from a backup), and the person decides. */
  n_channels = g_list_model_get_n_items (G_LIST_MODEL (self->channels));
  for (guint i = 0; i < n_channels; i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (G_LIST_MODEL (self->channels), i);
      GListModel *tokens = sh_channel_get_tokens (channel);

      for (guint j = 0; j < g_list_model_get_n_items (tokens); j++)
        {
          g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);

          if (g_hash_table_remove (ids, sh_token_get_id (token)))
            continue;
          if (sh_token_get_state (token) == SH_TOKEN_STATE_UNKNOWN &&
              sh_token_get_reason (token) == SH_TOKEN_REASON_SECRET_MISSING)
            continue;
          sh_token_mark_unknown (token, SH_TOKEN_REASON_SECRET_MISSING);
          g_ptr_array_add (lost, g_object_ref (token));
          if (lost_names->len > 0)
            g_string_append (lost_names, ", ");
          {
            /* Names from a network or the file, printed by --list: sanitized. */
            g_autofree char *owner = sh_untrusted_text_sanitize (sh_token_get_owner_name (token));
            g_autofree char *name = sh_untrusted_text_sanitize (sh_channel_get_name (channel));

            /* Translators: "Alice Example on Acme Coffee" (a person, a channel) */
            g_string_append_printf (lost_names, _("%s on %s"),
                                    owner ?: _("unknown owner"), name ?: "?");
          }
        }
    }

  /* What is left in @ids belongs to no token: deleted if the file records
   * its token as removed, otherwise offered back. A record whose secret is
   * already gone is forgotten. */
  removed_ids = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, removed);
  while (g_hash_table_iter_next (&iter, &token_id, NULL))
    g_ptr_array_add (removed_ids, g_strdup (token_id));
  for (guint i = 0; i < removed_ids->len; i++)
    {
      const char *id = g_ptr_array_index (removed_ids, i);

      if (g_hash_table_remove (ids, id))
        g_hash_table_add (to_delete, g_strdup (id));
      else
        {
          sh_store_unmark_removed (self->store, id);
          state->n_repaired++;
        }
    }
  set_orphans (self, ids);
  state->n_repaired += lost->len;

  if (lost->len > 0)
    {
      g_autofree char *message =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%u access token has no secret in the keyring: %s. It is kept and shown as “secret missing”: remove it or add it again.",
                                      "%u access tokens have no secret in the keyring: %s. They are kept and shown as “secret missing”: remove them or add them again.",
                                      lost->len),
                         lost->len, lost_names->str);
      append_notice (self, message);
    }

  /* One pending unit for the walk itself, so that the save waits for all. */
  state->n_pending = 1;
  g_hash_table_iter_init (&iter, to_delete);
  while (g_hash_table_iter_next (&iter, &token_id, NULL))
    {
      Deletion *deletion = g_new0 (Deletion, 1);

      deletion->task = g_object_ref (task);
      deletion->token_id = g_strdup (token_id);
      state->n_pending++;
      sh_secret_store_delete_async (self->secrets, token_id, g_task_get_cancellable (task),
                                    on_removed_secret_deleted, deletion);
    }
  reconcile_one_done (task);
}
void
sh_manager_reconcile_async (ShManager           *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SH_IS_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_manager_reconcile_async);
  g_task_set_task_data (task, g_new0 (Reconcile, 1), g_free);

  /* After a recovery (a damaged or missing file, entries left out) the file
   * may lack tokens whose secrets are in the keyring: nothing is judged. */
  if (!self->loaded || !self->clean_load || sh_store_get_read_only (self->store))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  sh_secret_store_list_ids_async (self->secrets, cancellable, on_ids_listed,
                                  g_steal_pointer (&task));
}

gboolean
sh_manager_reconcile_finish (ShManager     *self,
                             GAsyncResult  *result,
                             guint         *out_n_repaired,
                             GError       **error)
{
  Reconcile *state;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  state = g_task_get_task_data (G_TASK (result));
  if (out_n_repaired != NULL)
    *out_n_repaired = state->n_repaired;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- restore ----------------------------------------------------------- */

typedef struct {
  GPtrArray *added_tokens;     /* ShToken, to undo */
  GPtrArray *added_channels;   /* ShChannel, new ones, to undo */
  guint      n_restored;
  guint      n_left;
} Restore;

static void
restore_free (Restore *restore)
{
  g_clear_pointer (&restore->added_tokens, g_ptr_array_unref);
  g_clear_pointer (&restore->added_channels, g_ptr_array_unref);
  g_free (restore);
}

static void
on_restore_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShManager *self = g_task_get_source_object (task);
  Restore *restore = g_task_get_task_data (task);
  GError *error = NULL;

  if (!sh_store_save_finish (SH_STORE (source), result, &error))
    {
      /* The file does not have them: neither does the window. */
      for (guint i = 0; i < restore->added_tokens->len; i++)
        {
          ShToken *token = g_ptr_array_index (restore->added_tokens, i);
          ShChannel *channel = sh_channel_list_lookup (self->channels,
                                                       sh_token_get_channel_id (token));

          if (channel != NULL)
            sh_channel_remove_token (channel, token);
        }
      for (guint i = 0; i < restore->added_channels->len; i++)
        sh_channel_list_remove (self->channels, g_ptr_array_index (restore->added_channels, i));
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* Files one item's token again: in the channel the item names if the list
 * still has it (by id, or by network and external id), else in a channel
 * made from what the item says. An item that names no channel we can find
 * or make (written before items kept their channel) stays in the keyring. */
static gboolean
restore_one (ShManager          *self,
             Restore            *restore,
             const ShSecretInfo *info)
{
  g_autoptr(ShChannel) made = NULL;
  g_autoptr(ShToken) token = NULL;
  ShChannel *channel = NULL;
  /* Only a network some provider of this build knows, as the data file. */
  const char *network = sh_provider_registry_intern (info->network);

  if (info->token_id == NULL || network == NULL ||
      sh_channel_list_lookup_token (self->channels, info->token_id, NULL) != NULL)
    return FALSE;

  if (info->channel_id != NULL)
    channel = sh_channel_list_lookup (self->channels, info->channel_id);
  if (channel == NULL && info->channel_external_id != NULL)
    channel = sh_channel_list_lookup_external (self->channels, network, info->channel_external_id);
  if (channel != NULL && sh_channel_get_network (channel) != network)
    return FALSE;
  if (channel == NULL)
    {
      g_autofree char *channel_id = NULL;

      if (info->channel_external_id == NULL)
        return FALSE;
      channel_id = info->channel_id ? g_strdup (info->channel_id) : sh_channel_generate_id ();
      made = sh_channel_new (channel_id, network, info->channel_external_id);
      sh_channel_set_name (made, info->channel_name ?: info->channel_external_id);
      sh_channel_list_add (self->channels, made);
      g_ptr_array_add (restore->added_channels, g_object_ref (made));
      channel = made;
    }

  token = sh_token_new (info->token_id, network, sh_channel_get_id (channel));
  sh_token_set_owner_id (token, info->owner_id);
  sh_token_set_owner_name (token, info->owner_name);
  sh_channel_add_token (channel, token);
  g_ptr_array_add (restore->added_tokens, g_object_ref (token));
  return TRUE;
}

static void
on_restore_info (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShManager *self = g_task_get_source_object (task);
  Restore *restore = g_task_get_task_data (task);
  g_autoptr(GHashTable) infos = NULL;
  guint n_left = 0;
  GError *error = NULL;

  infos = sh_secret_store_load_info_finish (SH_SECRET_STORE (source), result, &error);
  if (infos == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < self->orphans->len; i++)
    {
      const char *token_id = g_ptr_array_index (self->orphans, i);
      ShSecretInfo *info = g_hash_table_lookup (infos, token_id);

      if (info != NULL && restore_one (self, restore, info))
        restore->n_restored++;
      else if (sh_channel_list_lookup_token (self->channels, token_id, NULL) == NULL)
        n_left++;
    }
  /* Those left stay in the keyring, untouched; they are not offered again
   * in this session (the answer says how many), only at the next start. */
  restore->n_left = n_left;
  g_ptr_array_set_size (self->orphans, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ORPHANS]);

  if (restore->n_restored == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  for (guint i = 0; i < restore->added_channels->len; i++)
    describe_channel (self, g_ptr_array_index (restore->added_channels, i));
  sh_store_save_async (self->store, G_LIST_MODEL (self->channels), NULL, on_restore_saved,
                       g_steal_pointer (&task));
}

guint
sh_manager_get_n_orphans (ShManager *self)
{
  g_return_val_if_fail (SH_IS_MANAGER (self), 0);
  return self->orphans->len;
}

void
sh_manager_restore_async (ShManager           *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Restore *restore;

  g_return_if_fail (SH_IS_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_manager_restore_async);
  restore = g_new0 (Restore, 1);
  restore->added_tokens = g_ptr_array_new_with_free_func (g_object_unref);
  restore->added_channels = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, restore, (GDestroyNotify) restore_free);

  if (!self->loaded || sh_store_get_read_only (self->store))
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_STORE_IO,
                               _("Nothing was restored: the data file could not be loaded "
                                 "safely, so SocialHub does not change it."));
      return;
    }
  if (self->orphans->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  sh_secret_store_load_info_async (self->secrets, cancellable, on_restore_info,
                                   g_steal_pointer (&task));
}

gboolean
sh_manager_restore_finish (ShManager     *self,
                           GAsyncResult  *result,
                           guint         *out_n_restored,
                           guint         *out_n_left,
                           GError       **error)
{
  Restore *restore;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  restore = g_task_get_task_data (G_TASK (result));
  if (out_n_restored != NULL)
    *out_n_restored = restore->n_restored;
  if (out_n_left != NULL)
    *out_n_left = restore->n_left;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- add ------------------------------------------------------------- */

typedef struct {
  ShChannel *channel;
  ShToken   *token;
  gboolean   channel_is_new;
  gboolean   created_file;    /* the store's first save, made for this add */
  GError    *save_error;
} AddData;

static void
add_data_free (AddData *data)
{
  g_clear_object (&data->channel);
  g_clear_object (&data->token);
  g_clear_error (&data->save_error);
  g_free (data);
}

static void
on_add_rollback_deleted (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AddData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* If even this fails, the next start offers the secret back. */
  if (!sh_secret_store_delete_finish (SH_SECRET_STORE (source), result, &error))
    g_debug ("Could not undo a stored secret: %s", error->message);
  g_task_return_error (task, g_steal_pointer (&data->save_error));
}

static void
on_add_saved (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShManager *self = g_task_get_source_object (task);
  AddData *data = g_task_get_task_data (task);

  if (sh_store_save_finish (SH_STORE (source), result, &data->save_error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  sh_channel_remove_token (data->channel, data->token);
  if (data->channel_is_new)
    sh_channel_list_remove (self->channels, data->channel);
  sh_secret_store_delete_async (self->secrets, sh_token_get_id (data->token), NULL,
                                on_add_rollback_deleted, g_steal_pointer (&task));
}

static void
on_add_secret_stored (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShManager *self = g_task_get_source_object (task);
  AddData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!sh_secret_store_store_finish (SH_SECRET_STORE (source), result, &error))
    {
      if (data->created_file)
        sh_store_undo_create (self->store);
      g_task_return_error (task, error);
      return;
    }

  /* The channel may have been added meanwhile by another add. */
  if (data->channel_is_new &&
      sh_channel_list_lookup (self->channels, sh_channel_get_id (data->channel)) != NULL)
    data->channel_is_new = FALSE;
  if (data->channel_is_new)
    sh_channel_list_add (self->channels, data->channel);
  sh_channel_add_token (data->channel, data->token);

  sh_store_save_async (self->store, G_LIST_MODEL (self->channels), NULL,
                       on_add_saved, g_steal_pointer (&task));
}

static void
add_store_secret (GTask *owned_task)
{
  g_autoptr(GTask) task = owned_task;
  ShManager *self = g_task_get_source_object (task);
  AddData *data = g_task_get_task_data (task);

  const ShSecret *secret = g_object_get_data (G_OBJECT (task), "sh-secret");
  GCancellable *cancellable = g_task_get_cancellable (task);

  sh_secret_store_store_async (self->secrets, data->token, secret, cancellable,
                               on_add_secret_stored, g_steal_pointer (&task));
}

static void
on_add_id_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!sh_store_save_finish (SH_STORE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  add_store_secret (g_steal_pointer (&task));
}

void
sh_manager_add_token_async (ShManager           *self,
                            ShChannel           *channel,
                            ShToken             *token,
                            const ShSecret      *secret,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AddData *data;

  g_return_if_fail (SH_IS_MANAGER (self));
  g_return_if_fail (SH_IS_CHANNEL (channel));
  g_return_if_fail (SH_IS_TOKEN (token));
  g_return_if_fail (secret != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_manager_add_token_async);

  if (!self->loaded)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_NOT_AVAILABLE,
                               _("Your channels are still being loaded."));
      return;
    }
  if (sh_store_get_read_only (self->store))
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_STORE_IO,
                               _("The token was not added: the data file could not be loaded "
                                 "safely, so SocialHub does not change it."));
      return;
    }
  if (sh_channel_list_lookup_token (self->channels, sh_token_get_id (token), NULL) != NULL)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                               "Token %s is already stored", sh_token_get_id (token));
      return;
    }

  data = g_new0 (AddData, 1);
  data->channel = g_object_ref (channel);
  data->token = g_object_ref (token);
  data->channel_is_new = sh_channel_list_lookup (self->channels, sh_channel_get_id (channel)) == NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) add_data_free);

  /* The keyring item records the channel: set it before storing. */
  sh_token_set_channel_id (token, sh_channel_get_id (channel));
  describe_channel (self, channel);
  g_object_set_data_full (G_OBJECT (task), "sh-secret", sh_secret_copy (secret),
                          (GDestroyNotify) sh_secret_free);

  /* The first token of a new store: the file must name the store before a
   * keyring item does, or a crash in between would leave an item of a
   * store nobody knows. */
  if (!sh_store_get_id_saved (self->store))
    {
      data->created_file = !g_file_test (sh_store_get_path (self->store), G_FILE_TEST_EXISTS);
      sh_store_save_async (self->store, G_LIST_MODEL (self->channels), NULL, on_add_id_saved,
                           g_steal_pointer (&task));
      return;
    }
  add_store_secret (g_steal_pointer (&task));
}

gboolean
sh_manager_add_token_finish (ShManager     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- remove ------------------------------------------------------------ */

static void
on_removal_forgotten (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!sh_store_save_finish (SH_STORE (source), result, &error))
    g_debug ("The record of a removed token stays until the next start: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
on_remove_secret_deleted (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  ShManager *self = g_task_get_source_object (task);
  AddData *data = g_task_get_task_data (task);

  /* The token is already forgotten; a secret left behind stays recorded as
   * removed, and the next start deletes it. */
  if (!sh_secret_store_delete_finish (SH_SECRET_STORE (source), result, &error))
    {
      g_debug ("Keyring item of a removed token stays until the next start: %s", error->message);
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* Gone: the record goes too. If this save fails, the next start finds
   * the record without a secret and forgets it then. */
  sh_store_unmark_removed (self->store, sh_token_get_id (data->token));
  sh_store_save_async (self->store, G_LIST_MODEL (self->channels), NULL, on_removal_forgotten,
                       g_steal_pointer (&task));
}

static void
on_remove_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShManager *self = g_task_get_source_object (task);
  AddData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!sh_store_save_finish (SH_STORE (source), result, &error))
    {
      /* Put it back: the data file still has it. */
      sh_store_unmark_removed (self->store, sh_token_get_id (data->token));
      if (data->channel_is_new)
        sh_channel_list_add (self->channels, data->channel);
      sh_channel_add_token (data->channel, data->token);
      g_task_return_error (task, error);
      return;
    }

  sh_secret_store_delete_async (self->secrets, sh_token_get_id (data->token), NULL,
                                on_remove_secret_deleted, g_steal_pointer (&task));
}

void
sh_manager_remove_token_async (ShManager           *self,
                               ShToken             *token,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ShChannel *channel = NULL;
  AddData *data;

  g_return_if_fail (SH_IS_MANAGER (self));
  g_return_if_fail (SH_IS_TOKEN (token));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_manager_remove_token_async);

  if (sh_channel_list_lookup_token (self->channels, sh_token_get_id (token), &channel) == NULL)
    {
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_NOT_FOUND,
                               _("There is no access token with the id %s."),
                               sh_token_get_id (token));
      return;
    }

  data = g_new0 (AddData, 1);
  data->channel = g_object_ref (channel);
  data->token = g_object_ref (token);
  g_task_set_task_data (task, data, (GDestroyNotify) add_data_free);

  /* Recorded in the same save that forgets the token: from then on, and
   * only then, its secret may be deleted, whenever that succeeds. */
  sh_store_mark_removed (self->store, sh_token_get_id (token));
  sh_channel_remove_token (channel, token);
  /* channel_is_new here means "the channel went away with its last token". */
  if (sh_channel_get_n_tokens (channel) == 0)
    {
      data->channel_is_new = TRUE;
      sh_channel_list_remove (self->channels, channel);
    }

  sh_store_save_async (self->store, G_LIST_MODEL (self->channels), NULL,
                       on_remove_saved, g_steal_pointer (&task));
}

gboolean
sh_manager_remove_token_finish (ShManager     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
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
