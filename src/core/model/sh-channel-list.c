/* sh-channel-list.c — the user's channels as a GListModel, indexed by id. */
#include "config.h"

#include "sh-channel-list.h"

struct _ShChannelList
{
  GObject     parent_instance;

  GPtrArray  *items;        /* ShChannel, in display order */
  GHashTable *by_id;        /* channel id → ShChannel (borrowed) */
  GHashTable *by_external;  /* "network:external-id" → ShChannel (borrowed) */
};

static void sh_channel_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ShChannelList, sh_channel_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      sh_channel_list_model_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
external_key (const char  *network,
              const char *external_id)
{
  return g_strconcat (network, ":", external_id, NULL);
}

static GType
sh_channel_list_get_item_type (GListModel *model)
{
  return SH_TYPE_CHANNEL;
}

static guint
sh_channel_list_get_n_items (GListModel *model)
{
  return SH_CHANNEL_LIST (model)->items->len;
}

static gpointer
sh_channel_list_get_item (GListModel *model,
                          guint       position)
{
  ShChannelList *self = SH_CHANNEL_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
sh_channel_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sh_channel_list_get_item_type;
  iface->get_n_items = sh_channel_list_get_n_items;
  iface->get_item = sh_channel_list_get_item;
}

static void
sh_channel_list_finalize (GObject *object)
{
  ShChannelList *self = SH_CHANNEL_LIST (object);

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->by_external, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (sh_channel_list_parent_class)->finalize (object);
}

static void
sh_channel_list_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ShChannelList *self = SH_CHANNEL_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_channel_list_class_init (ShChannelListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sh_channel_list_finalize;
  object_class->get_property = sh_channel_list_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sh_channel_list_init (ShChannelList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_external = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

ShChannelList *
sh_channel_list_new (void)
{
  return g_object_new (SH_TYPE_CHANNEL_LIST, NULL);
}

static void
index_channel (ShChannelList *self,
               ShChannel     *channel)
{
  g_hash_table_insert (self->by_id, (gpointer) sh_channel_get_id (channel), channel);
  g_hash_table_insert (self->by_external,
                       external_key (sh_channel_get_network (channel),
                                     sh_channel_get_external_id (channel)),
                       channel);
}

static void
emit_changed (ShChannelList *self,
              guint          position,
              guint          removed,
              guint          added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

void
sh_channel_list_add (ShChannelList *self,
                     ShChannel     *channel)
{
  g_return_if_fail (SH_IS_CHANNEL_LIST (self));
  g_return_if_fail (SH_IS_CHANNEL (channel));
  g_return_if_fail (sh_channel_list_lookup (self, sh_channel_get_id (channel)) == NULL);

  g_ptr_array_add (self->items, g_object_ref (channel));
  index_channel (self, channel);
  emit_changed (self, self->items->len - 1, 0, 1);
}

gboolean
sh_channel_list_remove (ShChannelList *self,
                        ShChannel     *channel)
{
  g_autofree char *key = NULL;
  guint position;

  g_return_val_if_fail (SH_IS_CHANNEL_LIST (self), FALSE);
  g_return_val_if_fail (SH_IS_CHANNEL (channel), FALSE);

  if (!g_ptr_array_find (self->items, channel, &position))
    return FALSE;

  key = external_key (sh_channel_get_network (channel), sh_channel_get_external_id (channel));
  g_hash_table_remove (self->by_id, sh_channel_get_id (channel));
  g_hash_table_remove (self->by_external, key);
  g_ptr_array_remove_index (self->items, position);
  emit_changed (self, position, 1, 0);
  return TRUE;
}

/* Replaces the whole content with @channels (ShChannel) in one items-changed. */
void
sh_channel_list_replace_all (ShChannelList *self,
                             GPtrArray     *channels)
{
  guint removed;

  g_return_if_fail (SH_IS_CHANNEL_LIST (self));
  g_return_if_fail (channels != NULL);

  removed = self->items->len;
  g_hash_table_remove_all (self->by_id);
  g_hash_table_remove_all (self->by_external);
  g_ptr_array_set_size (self->items, 0);

  for (guint i = 0; i < channels->len; i++)
    {
      ShChannel *channel = g_ptr_array_index (channels, i);

      g_ptr_array_add (self->items, g_object_ref (channel));
      index_channel (self, channel);
    }
  emit_changed (self, 0, removed, self->items->len);
}

ShChannel *
sh_channel_list_lookup (ShChannelList *self,
                        const char    *channel_id)
{
  g_return_val_if_fail (SH_IS_CHANNEL_LIST (self), NULL);

  if (channel_id == NULL)
    return NULL;
  return g_hash_table_lookup (self->by_id, channel_id);
}

ShChannel *
sh_channel_list_lookup_external (ShChannelList *self,
                                 const char    *network,
                                 const char    *external_id)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (SH_IS_CHANNEL_LIST (self), NULL);

  if (external_id == NULL)
    return NULL;
  key = external_key (network, external_id);
  return g_hash_table_lookup (self->by_external, key);
}

ShToken *
sh_channel_list_lookup_token (ShChannelList  *self,
                              const char     *token_id,
                              ShChannel     **out_channel)
{
  g_return_val_if_fail (SH_IS_CHANNEL_LIST (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      ShChannel *channel = g_ptr_array_index (self->items, i);
      ShToken *token = sh_channel_lookup_token (channel, token_id);

      if (token != NULL)
        {
          if (out_channel != NULL)
            *out_channel = channel;
          return token;
        }
    }
  return NULL;
}

guint
sh_channel_list_get_n_tokens (ShChannelList *self)
{
  guint n = 0;

  g_return_val_if_fail (SH_IS_CHANNEL_LIST (self), 0);

  for (guint i = 0; i < self->items->len; i++)
    n += sh_channel_get_n_tokens (g_ptr_array_index (self->items, i));
  return n;
}

GHashTable *
sh_channel_list_dup_token_ids (ShChannelList *self)
{
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (SH_IS_CHANNEL_LIST (self), ids);

  for (guint i = 0; i < self->items->len; i++)
    {
      GListModel *tokens = sh_channel_get_tokens (g_ptr_array_index (self->items, i));

      for (guint j = 0; j < g_list_model_get_n_items (tokens); j++)
        {
          g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);

          g_hash_table_add (ids, g_strdup (sh_token_get_id (token)));
        }
    }
  return ids;
}
