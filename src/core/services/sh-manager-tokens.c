/* sh-manager-tokens.c — the add and remove transactions.
 *
 * add:    secret first, then the data file (undo the secret if that fails);
 * remove: the data file first (recording the removal), then the secret,
 *         then the data file again (forgetting the record).
 * Above those: filing what a network granted (idempotent, replacing a
 * person's earlier token), and removing the way a person means it (revoked
 * at the network where that exists, then forgotten).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-config.h"
#include "sh-error.h"
#include "sh-manager-private.h"
#include "sh-provider-registry.h"
#include "sh-untrusted-text.h"

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
                               _("Token %s is already stored"), sh_token_get_id (token));
      return;
    }

  data = g_new0 (AddData, 1);
  data->channel = g_object_ref (channel);
  data->token = g_object_ref (token);
  data->channel_is_new = sh_channel_list_lookup (self->channels, sh_channel_get_id (channel)) == NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) add_data_free);

  /* The keyring item records the channel: set it before storing. */
  sh_token_set_channel_id (token, sh_channel_get_id (channel));
  _sh_manager_describe_channel (self, channel);
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

/* ---- filing granted tokens -------------------------------------------------- */

typedef struct {
  ShGrantedChannel *granted;   /* a copy: it holds the secret until it is filed */
  ShToken          *token;
  ShToken          *replaced;
  ShToken          *existing;  /* SH_ERROR_ALREADY_ADDED: the token that has the secret */
} AddGranted;

static void
add_granted_free (AddGranted *data)
{
  g_clear_pointer (&data->granted, sh_granted_channel_free);
  g_clear_object (&data->token);
  g_clear_object (&data->replaced);
  g_clear_object (&data->existing);
  g_free (data);
}

static void
on_replaced_removed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AddGranted *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The new token is in; an old one that stays is untidy, not wrong. */
  if (!sh_manager_remove_token_finish (SH_MANAGER (source), result, &error))
    g_debug ("The replaced token stays: %s", error->message);
  g_task_return_pointer (task, g_object_ref (data->token), g_object_unref);
}

static void
on_granted_added (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AddGranted *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!sh_manager_add_token_finish (SH_MANAGER (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (data->replaced != NULL)
    {
      sh_manager_remove_token_async (SH_MANAGER (source), data->replaced, NULL,
                                     on_replaced_removed, g_steal_pointer (&task));
      return;
    }
  g_task_return_pointer (task, g_object_ref (data->token), g_object_unref);
}

/* Whether two secrets are the same grant. X hands out a new access token
 * with each refresh, so the refresh token counts too; an empty value never
 * matches anything. */
static gboolean
same_secret (const ShSecret *stored,
             const ShSecret *granted)
{
  if (stored->access_token != NULL && *stored->access_token != '\0' &&
      g_strcmp0 (stored->access_token, granted->access_token) == 0)
    return TRUE;
  return stored->refresh_token != NULL && *stored->refresh_token != '\0' &&
         g_strcmp0 (stored->refresh_token, granted->refresh_token) == 0;
}

/* The token of the data file that holds @granted's secret already, or NULL.
 * A keyring item no token mentions does not count: it is an orphan that
 * reconciliation deals with, and the new token must not hang on it. */
static ShToken *
find_same_secret (ShManager              *manager,
                  GHashTable             *secrets,
                  const ShGrantedChannel *granted,
                  ShChannel             **out_channel)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, secrets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      ShToken *token;

      if (!same_secret (value, granted->secret))
        continue;
      token = sh_channel_list_lookup_token (sh_manager_get_channels (manager), key, out_channel);
      if (token != NULL && sh_token_get_network (token) == granted->network)
        return token;
    }
  return NULL;
}

static void
file_granted (GTask *task)
{
  ShManager *manager = g_task_get_source_object (task);
  AddGranted *data = g_task_get_task_data (task);
  const ShGrantedChannel *granted = data->granted;
  g_autoptr(ShChannel) channel = NULL;
  g_autofree char *token_id = sh_token_generate_id ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GListModel *tokens;

  channel = sh_channel_list_lookup_external (sh_manager_get_channels (manager),
                                             granted->network, granted->external_id);
  if (channel != NULL)
    {
      g_object_ref (channel);
      if (granted->name != NULL)
        sh_channel_set_name (channel, granted->name);
    }
  else
    {
      g_autofree char *channel_id = sh_channel_generate_id ();

      channel = sh_channel_new (channel_id, granted->network, granted->external_id);
      sh_channel_set_name (channel, granted->name);
      sh_channel_set_picture_url (channel, granted->picture_url);
    }

  /* A person granting again replaces their own earlier token. */
  tokens = sh_channel_get_tokens (channel);
  for (guint i = 0; granted->owner_id != NULL && i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(ShToken) existing = g_list_model_get_item (tokens, i);

      if (g_strcmp0 (sh_token_get_owner_id (existing), granted->owner_id) == 0)
        data->replaced = g_steal_pointer (&existing);
    }

  data->token = sh_token_new (token_id, granted->network, sh_channel_get_id (channel));
  sh_token_set_owner_id (data->token, granted->owner_id);
  sh_token_set_owner_name (data->token, granted->owner_name);
  sh_token_set_scopes (data->token, (const char * const *) granted->scopes);
  sh_token_set_granted_at (data->token, now);
  sh_token_set_expires_at (data->token, granted->expires_at);
  sh_token_set_expires_by (data->token, granted->expires_by);
  sh_token_set_data_access_expires_at (data->token, granted->data_access_expires_at);
  /* The network has just handed this token out or answered with it. */
  sh_token_apply_verdict (data->token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now,
                          sh_config_get_warning_window ());

  sh_manager_add_token_async (manager, channel, data->token, granted->secret,
                              g_task_get_cancellable (task), on_granted_added, task);
}

static void
on_secrets_for_add (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  ShManager *manager = g_task_get_source_object (task);
  AddGranted *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) secrets = NULL;
  GError *error = NULL;
  ShChannel *channel = NULL;
  ShToken *existing;

  secrets = sh_secret_store_load_finish (SH_SECRET_STORE (source), result, &error);
  if (secrets == NULL)
    {
      /* A keyring that cannot be read cannot take the new secret either. */
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  existing = find_same_secret (manager, secrets, data->granted, &channel);
  if (existing != NULL)
    {
      /* Names from a network or the data file: shown to a person, in a
       * terminal or a toast, so sanitized (sh-untrusted-text.h). */
      g_autofree char *channel_name = channel != NULL
        ? sh_untrusted_text_sanitize (sh_channel_get_name (channel)) : NULL;
      g_autofree char *owner_name = sh_untrusted_text_sanitize (sh_token_get_owner_name (existing));
      /* A hand-edited file may hold any id: printed to a terminal too. */
      g_autofree char *token_id = sh_untrusted_text_sanitize (sh_token_get_id (existing));

      data->existing = g_object_ref (existing);

      /* Adding is idempotent: the same token twice would look like two
       * links to the channel, and one password change would end both. */
      g_task_return_new_error (task, SH_ERROR, SH_ERROR_ALREADY_ADDED,
                               /* Translators: a person, a channel, its kind, a token id, e.g.
                                * "This access token is in SocialHub already: the token of
                                * Alice Example for Acme Coffee (Facebook Page), id …" */
                               _("This access token is in SocialHub already: the token of %s for "
                                 "%s (%s), id %s. Nothing was added."),
                               owner_name ?: _("an unknown owner"),
                               channel_name ?: _("this channel"),
                               sh_network_get_display_name (sh_token_get_network (existing)),
                               token_id);
      g_object_unref (task);
      return;
    }
  file_granted (task);
}

void
sh_manager_add_granted_async (ShManager              *manager,
                            const ShGrantedChannel *granted,
                            GCancellable           *cancellable,
                            GAsyncReadyCallback     callback,
                            gpointer                user_data)
{
  GTask *task;
  AddGranted *data;

  g_return_if_fail (SH_IS_MANAGER (manager));
  g_return_if_fail (granted != NULL && granted->secret != NULL && granted->external_id != NULL);

  task = g_task_new (manager, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_manager_add_granted_async);
  data = g_new0 (AddGranted, 1);
  data->granted = sh_granted_channel_copy (granted);
  g_task_set_task_data (task, data, (GDestroyNotify) add_granted_free);

  /* One keyring search for this network's secrets: is this one among them? */
  sh_secret_store_load_async (sh_manager_get_secret_store (manager),
                              granted->network, cancellable,
                              on_secrets_for_add, task);
}

ShToken *
sh_manager_add_granted_finish (ShManager     *manager,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, manager), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

ShToken *
sh_manager_add_granted_get_existing (ShManager    *manager,
                                   GAsyncResult *result)
{
  AddGranted *data;

  g_return_val_if_fail (g_task_is_valid (result, manager), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sh_manager_add_granted_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  return data->existing;
}

guint
sh_manager_name_owner (GPtrArray  *granted,
                     const char *name)
{
  g_autofree char *clean = NULL;
  guint n = 0;

  g_return_val_if_fail (granted != NULL, 0);

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return 0;
  clean = g_strstrip (g_strdup (name));
  if (*clean == '\0')
    return 0;
  if (g_utf8_strlen (clean, -1) > SH_OWNER_NAME_MAX)
    *g_utf8_offset_to_pointer (clean, SH_OWNER_NAME_MAX) = '\0';

  for (guint i = 0; i < granted->len; i++)
    {
      ShGrantedChannel *channel = g_ptr_array_index (granted, i);

      if (channel->owner_name != NULL && *channel->owner_name != '\0')
        continue;
      g_free (channel->owner_name);
      channel->owner_name = g_strdup (clean);
      n++;
    }
  return n;
}

/* ---- removing: revoke, then forget ------------------------------------------- */

typedef struct {
  ShToken *token;
  char    *warning;
} RemoveToken;

static void
remove_token_free (RemoveToken *data)
{
  g_clear_object (&data->token);
  g_free (data->warning);
  g_free (data);
}

static void
on_forgotten (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!sh_manager_remove_token_finish (SH_MANAGER (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
forget (GTask *task)
{
  RemoveToken *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  sh_manager_remove_token_async (g_task_get_source_object (task), data->token, cancellable,
                                 on_forgotten, task);
}

static void
on_token_revoked (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  RemoveToken *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* A network without single-token revocation (Facebook Page tokens:
   * DELETE /me/permissions would end every token of the person) is
   * simply forgotten; a revocation that failed is said out loud. */
  if (!sh_provider_revoke_finish (SH_PROVIDER (source), result, &error) &&
      !g_error_matches (error, SH_ERROR, SH_ERROR_NOT_AVAILABLE))
    data->warning = g_strdup_printf (_("%s\nThe token is forgotten here, but it may still be "
                                       "valid on %s."),
                                     error->message,
                                     sh_network_get_display_name (sh_token_get_network (data->token)));
  forget (task);
}

static void
on_secret_for_removal (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  ShManager *manager = g_task_get_source_object (task);
  RemoveToken *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GHashTable) secrets = sh_secret_store_load_finish (SH_SECRET_STORE (source), result, &error);
  ShSecret *secret;
  ShProvider *provider = sh_manager_get_provider (manager, sh_token_get_network (data->token));

  /* A keyring that cannot be read is not "no secret": forgetting now would
   * leave the grant valid on the network, and the secret would later be
   * deleted unrevoked. Nothing is done; the caller says why. */
  if (secrets == NULL)
    {
      g_prefix_error (&error, _("The token was not removed. "));
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* Read fine, but none there: nothing to revoke, only to forget. */
  secret = g_hash_table_lookup (secrets, sh_token_get_id (data->token));
  if (secret == NULL || provider == NULL)
    {
      forget (task);
      return;
    }
  sh_provider_revoke_async (provider, secret, g_task_get_cancellable (task), on_token_revoked, task);
}

void
sh_manager_revoke_token_async (ShManager           *manager,
                             ShToken             *token,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  RemoveToken *data;

  g_return_if_fail (SH_IS_MANAGER (manager));
  g_return_if_fail (SH_IS_TOKEN (token));

  task = g_task_new (manager, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_manager_revoke_token_async);
  data = g_new0 (RemoveToken, 1);
  data->token = g_object_ref (token);
  g_task_set_task_data (task, data, (GDestroyNotify) remove_token_free);
  sh_secret_store_load_async (sh_manager_get_secret_store (manager),
                              sh_token_get_network (token),
                              cancellable, on_secret_for_removal, task);
}

gboolean
sh_manager_revoke_token_finish (ShManager     *manager,
                              GAsyncResult  *result,
                              char         **out_warning,
                              GError       **error)
{
  RemoveToken *data;

  g_return_val_if_fail (g_task_is_valid (result, manager), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (out_warning != NULL)
    *out_warning = g_steal_pointer (&data->warning);
  return g_task_propagate_boolean (G_TASK (result), error);
}
