/* sh-derived.c — channels that live on another channel's tokens (see the
 * header). */
#include "config.h"

#include "sh-derived.h"
#include "sh-provider.h"
#include "sh-provider-registry.h"

static ShToken *
find_sharing (ShChannel  *channel,
              const char *parent_token_id)
{
  GListModel *tokens = sh_channel_get_tokens (channel);

  for (guint i = 0; i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);

      if (g_strcmp0 (sh_token_get_shares (token), parent_token_id) == 0)
        return token;
    }
  return NULL;
}

/* What a sharing token shows of its parent token: who granted it, what it
 * may do and when it ends are the parent's. */
static void
copy_grant (ShToken *token,
            ShToken *parent)
{
  sh_token_set_owner_id (token, sh_token_get_owner_id (parent));
  sh_token_set_owner_name (token, sh_token_get_owner_name (parent));
  sh_token_set_scopes (token, sh_token_get_scopes (parent));
  sh_token_set_granted_at (token, sh_token_get_granted_at (parent));
  sh_token_set_expires_at (token, sh_token_get_expires_at (parent));
  sh_token_set_expires_by (token, sh_token_get_expires_by (parent));
  sh_token_set_data_access_expires_at (token, sh_token_get_data_access_expires_at (parent));
}

/* One sharing token in @channel for each token of @parent, none for a
 * token @parent no longer has. */
static gboolean
mirror (ShChannel *channel,
        ShChannel *parent)
{
  GListModel *parent_tokens = sh_channel_get_tokens (parent);
  GListModel *tokens = sh_channel_get_tokens (channel);
  gboolean changed = FALSE;

  sh_channel_set_via_name (channel, sh_channel_get_name (parent));
  for (guint i = 0; i < g_list_model_get_n_items (parent_tokens); i++)
    {
      g_autoptr(ShToken) parent_token = g_list_model_get_item (parent_tokens, i);
      ShToken *token = find_sharing (channel, sh_token_get_id (parent_token));

      if (token == NULL)
        {
          g_autofree char *id = sh_token_generate_id ();
          g_autoptr(ShToken) made = sh_token_new (id, sh_channel_get_network (channel),
                                                  sh_channel_get_id (channel));

          sh_token_set_shares (made, sh_token_get_id (parent_token));
          copy_grant (made, parent_token);
          sh_channel_add_token (channel, made);
          changed = TRUE;
        }
      else
        copy_grant (token, parent_token);
    }
  for (guint i = g_list_model_get_n_items (tokens); i > 0; i--)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i - 1);

      if (sh_token_get_shares (token) == NULL ||
          sh_channel_lookup_token (parent, sh_token_get_shares (token)) == NULL)
        {
          sh_channel_remove_token (channel, token);
          changed = TRUE;
        }
    }
  return changed;
}

gboolean
sh_derived_sync (ShChannelList *channels)
{
  GListModel *model = G_LIST_MODEL (channels);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean changed = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (model, i);
      ShChannel *parent;

      if (sh_channel_get_via (channel) == NULL)
        continue;
      parent = sh_channel_list_lookup (channels, sh_channel_get_via (channel));
      if (parent != NULL)
        changed |= mirror (channel, parent);
      if (parent == NULL || sh_channel_get_n_tokens (channel) == 0)
        g_ptr_array_add (gone, g_object_ref (channel));
    }
  for (guint i = 0; i < gone->len; i++)
    sh_channel_list_remove (channels, g_ptr_array_index (gone, i));
  return changed || gone->len > 0;
}

GPtrArray *
sh_derived_parents (ShChannelList *channels,
                    const char    *parent_network)
{
  GListModel *model = G_LIST_MODEL (channels);
  GPtrArray *parents = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (model, i);

      if (sh_channel_get_network (channel) == parent_network &&
          sh_channel_get_n_tokens (channel) > 0)
        g_ptr_array_add (parents, g_object_ref (channel));
    }
  return parents;
}

gboolean
sh_derived_is_due (ShChannel *parent,
                   gint64     now)
{
  gint64 last = sh_channel_get_discovered_at (parent);

  return last == 0 || last > now || now - last >= SH_DERIVED_DISCOVERY_INTERVAL;
}

/* Whether some registered network lives on @network's channels. */
static gboolean
is_parent_network (const char *network)
{
  GPtrArray *classes = sh_provider_registry_list ();

  for (guint i = 0; i < classes->len; i++)
    {
      ShProviderClass *klass = g_ptr_array_index (classes, i);

      if (klass->parent_network != NULL && g_strcmp0 (klass->parent_network, network) == 0)
        return TRUE;
    }
  return FALSE;
}

GStrv
sh_derived_undiscovered (ShChannelList *channels,
                         GPtrArray     *channel_ids)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; channel_ids != NULL && i < channel_ids->len; i++)
    {
      const char *id = g_ptr_array_index (channel_ids, i);
      ShChannel *channel = sh_channel_list_lookup (channels, id);

      if (channel != NULL && sh_channel_get_discovered_at (channel) == 0 &&
          is_parent_network (sh_channel_get_network (channel)) &&
          !g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
        g_ptr_array_add (ids, g_strdup (id));
    }
  if (ids->len == 0)
    return NULL;
  g_ptr_array_add (ids, NULL);
  return (GStrv) g_ptr_array_steal (ids, NULL);
}

GPtrArray *
sh_derived_channels_of (ShChannelList *channels,
                        const char    *network)
{
  GListModel *model = G_LIST_MODEL (channels);
  GPtrArray *derived = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (model, i);

      if (sh_channel_get_network (channel) == network && sh_channel_get_via (channel) != NULL)
        g_ptr_array_add (derived, g_object_ref (channel));
    }
  return derived;
}

/* Whether @channel was told it is no longer linked to its parent (the
 * derived provider's verdict, SH_TOKEN_REASON_UNLINKED). */
static gboolean
is_unlinked (ShChannel *channel)
{
  GListModel *tokens = sh_channel_get_tokens (channel);

  for (guint i = 0; i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);

      if (sh_token_get_last_verdict_reason (token) == SH_TOKEN_REASON_UNLINKED &&
          !sh_token_state_is_usable (sh_token_get_last_verdict (token)))
        return TRUE;
    }
  return FALSE;
}

gboolean
sh_derived_is_removable (ShChannel *channel)
{
  g_return_val_if_fail (SH_IS_CHANNEL (channel), FALSE);
  return sh_channel_get_via (channel) != NULL &&
         sh_channel_get_state (channel) == SH_CHANNEL_STATE_DISCONNECTED &&
         is_unlinked (channel);
}

/* An account found linked to two parents stays with the first (its via,
 * its tokens' ids) while that parent is there and still has it linked:
 * moving at each look would give it new token ids every time. */
static gboolean
stays_with_other_parent (ShChannelList *channels,
                         ShChannel     *channel,
                         ShChannel     *parent)
{
  const char *via = sh_channel_get_via (channel);

  return via != NULL && g_strcmp0 (via, sh_channel_get_id (parent)) != 0 &&
         sh_channel_list_lookup (channels, via) != NULL && !is_unlinked (channel);
}

GPtrArray *
sh_derived_apply_found (ShChannelList *channels,
                        const char    *network,
                        GPtrArray     *found,
                        gint64         now)
{
  GPtrArray *made_now = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; found != NULL && i < found->len; i++)
    {
      ShDiscovery *discovery = g_ptr_array_index (found, i);
      ShChannel *parent = sh_channel_list_lookup (channels, discovery->parent_id);
      ShGrantedChannel *account = discovery->found;
      ShChannel *channel;

      if (parent == NULL)
        continue;
      sh_channel_set_discovered_at (parent, now);
      if (account == NULL)
        continue;
      channel = sh_channel_list_lookup_external (channels, network, account->external_id);
      if (channel != NULL)
        {
          sh_channel_set_name (channel, account->name);
          sh_channel_set_picture_url (channel, account->picture_url);
          if (stays_with_other_parent (channels, channel, parent))
            continue;
          sh_channel_set_via (channel, sh_channel_get_id (parent));
          mirror (channel, parent);
        }
      else
        {
          g_autofree char *id = sh_channel_generate_id ();
          g_autoptr(ShChannel) made = sh_channel_new (id, network, account->external_id);

          sh_channel_set_name (made, account->name);
          sh_channel_set_picture_url (made, account->picture_url);
          sh_channel_set_via (made, sh_channel_get_id (parent));
          mirror (made, parent);
          sh_channel_list_add (channels, made);
          g_ptr_array_add (made_now, g_object_ref (made));
        }
    }
  return made_now;
}

static gboolean
is_dead (ShTokenState state)
{
  return state == SH_TOKEN_STATE_EXPIRED || state == SH_TOKEN_STATE_INVALID;
}

void
sh_derived_fold (ShChannelList *channels,
                 GHashTable    *own_faults,
                 gint64         warning_window)
{
  GListModel *model = G_LIST_MODEL (channels);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (model, i);
      GListModel *tokens = sh_channel_get_tokens (channel);
      ShChannel *parent;

      if (sh_channel_get_via (channel) == NULL ||
          (parent = sh_channel_list_lookup (channels, sh_channel_get_via (channel))) == NULL)
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (tokens); j++)
        {
          g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);
          ShToken *shared = sh_channel_lookup_token (parent, sh_token_get_shares (token) ?: "");
          ShTokenState parent_state;

          if (shared == NULL)
            continue;
          parent_state = sh_token_get_state (shared);
          /* No verdict on the parent token this time: none here either,
           * each keeping its last one. */
          if (parent_state == SH_TOKEN_STATE_UNKNOWN)
            {
              if (own_faults == NULL || !g_hash_table_contains (own_faults, sh_token_get_id (token)))
                sh_token_mark_unknown (token, sh_token_get_reason (shared));
            }
          /* The parent token died: so did the account's access. */
          else if (is_dead (parent_state) && is_dead (sh_token_get_last_verdict (shared)))
            sh_token_apply_verdict (token, sh_token_get_last_verdict (shared),
                                    sh_token_get_last_verdict_reason (shared),
                                    sh_token_get_checked_at (shared), warning_window);
          else if (own_faults != NULL && g_hash_table_contains (own_faults, sh_token_get_id (token)))
            continue;
          else if (sh_token_get_last_verdict (token) == SH_TOKEN_STATE_UNKNOWN &&
                   sh_token_get_state (token) == SH_TOKEN_STATE_UNKNOWN &&
                   sh_token_get_reason (token) == SH_TOKEN_REASON_NONE)
            /* Found in this run: nothing of its own judged yet, and the
             * parent token works. */
            sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE,
                                    sh_token_get_checked_at (shared), warning_window);
        }
    }
}
