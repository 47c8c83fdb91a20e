/* sh-manager-reconcile.c — the keyring and the data file brought back into agreement.
 *
 * After a clean load: secrets of tokens the file records as removed are
 * deleted, tokens without a secret read "secret missing", and secrets no
 * token lists are counted as orphans, to be offered back (restore).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-error.h"
#include "sh-manager-private.h"
#include "sh-provider-registry.h"
#include "sh-untrusted-text.h"

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
  _sh_manager_notify_n_orphans (self);
}

/* How many of the tokens that lost their secret the notice names. A
 * keyring reset under a store of 3,000 tokens named them all: a label of
 * 100 KB, which GTK laid out again on every frame while the tokens were
 * marked, kept the window busy for 48 s. */
#define LOST_NAMES_SHOWN 5

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

          /* A token shared from another channel has no secret of its own:
           * its fate is the shared token's. */
          if (sh_token_get_shares (token) != NULL)
            continue;
          if (g_hash_table_remove (ids, sh_token_get_id (token)))
            continue;
          if (sh_token_get_state (token) == SH_TOKEN_STATE_UNKNOWN &&
              sh_token_get_reason (token) == SH_TOKEN_REASON_SECRET_MISSING)
            continue;
          sh_token_mark_unknown (token, SH_TOKEN_REASON_SECRET_MISSING);
          g_ptr_array_add (lost, g_object_ref (token));
          if (lost->len > LOST_NAMES_SHOWN)
            continue;
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

  if (lost->len > LOST_NAMES_SHOWN)
    {
      guint n_more = lost->len - LOST_NAMES_SHOWN;

      g_string_append_c (lost_names, ' ');
      /* Translators: after a list of five "Alice Example on Acme Coffee" */
      g_string_append_printf (lost_names, g_dngettext (GETTEXT_PACKAGE, "and %u more", "and %u more",
                                                       n_more),
                              n_more);
    }
  if (lost->len > 0)
    {
      g_autofree char *message =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%u access token has no secret in the keyring: %s. It is kept and shown as “secret missing”: remove it or add it again.",
                                      "%u access tokens have no secret in the keyring: %s. They are kept and shown as “secret missing”: remove them or add them again.",
                                      lost->len),
                         lost->len, lost_names->str);
      _sh_manager_append_notice (self, message);
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
  _sh_manager_notify_n_orphans (self);

  if (restore->n_restored == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  for (guint i = 0; i < restore->added_channels->len; i++)
    _sh_manager_describe_channel (self, g_ptr_array_index (restore->added_channels, i));
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
