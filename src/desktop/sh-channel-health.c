/* sh-channel-health.c — counts the channels by state, following the model.
 *
 * A check can change thousands of channels one after another: each change
 * only asks for a recount, which runs once when the main loop is next idle,
 * so following the list stays O(channels) per check rather than per channel.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-channel.h"
#include "sh-channel-health.h"
#include "sh-enum-types.h"

struct _ShChannelHealth
{
  GObject         parent_instance;

  GListModel     *channels;
  GPtrArray      *followed;        /* the channels whose "state" we listen to */
  guint           recount_id;

  guint           n_channels;
  guint           n_attention;
  guint           n_disconnected;
  ShChannelState  worst;
  char           *description;
};

G_DEFINE_FINAL_TYPE (ShChannelHealth, sh_channel_health, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CHANNELS,
  PROP_N_CHANNELS,
  PROP_N_ATTENTION,
  PROP_N_DISCONNECTED,
  PROP_WORST_STATE,
  PROP_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Higher is worse: what the panel shows first. */
static int
badness (ShChannelState state)
{
  switch (state)
    {
    case SH_CHANNEL_STATE_DISCONNECTED: return 3;
    case SH_CHANNEL_STATE_DEGRADED: return 2;
    case SH_CHANNEL_STATE_UNKNOWN: return 1;
    case SH_CHANNEL_STATE_CONNECTED:
    default: return 0;
    }
}

static char *
describe (guint n_channels,
          guint n_attention,
          guint n_unknown)
{
  if (n_attention > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u channel needs attention",
                                         "%u channels need attention", n_attention),
                            n_attention);
  if (n_unknown > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u channel not checked yet",
                                         "%u channels not checked yet", n_unknown),
                            n_unknown);
  if (n_channels == 0)
    return g_strdup (_("No channels yet"));
  return g_strdup (_("All channels connected"));
}

static void
set_uint (ShChannelHealth *self,
          guint           *field,
          guint            value,
          guint            prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
recount (ShChannelHealth *self)
{
  guint n_attention = 0, n_disconnected = 0, n_unknown = 0;
  ShChannelState worst = SH_CHANNEL_STATE_UNKNOWN;
  g_autofree char *description = NULL;

  for (guint i = 0; i < self->followed->len; i++)
    {
      ShChannelState state = sh_channel_get_state (g_ptr_array_index (self->followed, i));

      if (i == 0 || badness (state) > badness (worst))
        worst = state;
      if (state == SH_CHANNEL_STATE_DISCONNECTED)
        n_disconnected++;
      if (state == SH_CHANNEL_STATE_DISCONNECTED || state == SH_CHANNEL_STATE_DEGRADED)
        n_attention++;
      else if (state == SH_CHANNEL_STATE_UNKNOWN)
        n_unknown++;
    }
  description = describe (self->followed->len, n_attention, n_unknown);

  g_object_freeze_notify (G_OBJECT (self));
  set_uint (self, &self->n_channels, self->followed->len, PROP_N_CHANNELS);
  set_uint (self, &self->n_attention, n_attention, PROP_N_ATTENTION);
  set_uint (self, &self->n_disconnected, n_disconnected, PROP_N_DISCONNECTED);
  if (self->worst != worst)
    {
      self->worst = worst;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORST_STATE]);
    }
  if (g_strcmp0 (self->description, description) != 0)
    {
      g_free (self->description);
      self->description = g_steal_pointer (&description);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
recount_now (gpointer user_data)
{
  ShChannelHealth *self = user_data;

  self->recount_id = 0;
  recount (self);
  return G_SOURCE_REMOVE;
}

static void
queue_recount (ShChannelHealth *self)
{
  if (self->recount_id == 0)
    self->recount_id = g_idle_add (recount_now, self);
}

static void
on_channel_state (ShChannel       *channel,
                  GParamSpec      *pspec,
                  ShChannelHealth *self)
{
  queue_recount (self);
}

static void
unfollow (gpointer data,
          gpointer user_data)
{
  g_signal_handlers_disconnect_by_func (data, on_channel_state, user_data);
}

static void
on_items_changed (GListModel      *channels,
                  guint            position,
                  guint            removed,
                  guint            added,
                  ShChannelHealth *self)
{
  for (guint i = position; i < position + removed; i++)
    unfollow (g_ptr_array_index (self->followed, i), self);
  g_ptr_array_remove_range (self->followed, position, removed);
  for (guint i = position; i < position + added; i++)
    {
      ShChannel *channel = g_list_model_get_item (channels, i);

      g_signal_connect (channel, "notify::state", G_CALLBACK (on_channel_state), self);
      g_ptr_array_insert (self->followed, i, channel);
    }
  queue_recount (self);
}

static void
sh_channel_health_constructed (GObject *object)
{
  ShChannelHealth *self = SH_CHANNEL_HEALTH (object);

  G_OBJECT_CLASS (sh_channel_health_parent_class)->constructed (object);
  g_signal_connect (self->channels, "items-changed", G_CALLBACK (on_items_changed), self);
  on_items_changed (self->channels, 0, 0, g_list_model_get_n_items (self->channels), self);
  g_clear_handle_id (&self->recount_id, g_source_remove);
  recount (self);
}

static void
sh_channel_health_dispose (GObject *object)
{
  ShChannelHealth *self = SH_CHANNEL_HEALTH (object);

  g_clear_handle_id (&self->recount_id, g_source_remove);
  if (self->followed != NULL)
    g_ptr_array_foreach (self->followed, unfollow, self);
  g_clear_pointer (&self->followed, g_ptr_array_unref);
  if (self->channels != NULL)
    g_signal_handlers_disconnect_by_func (self->channels, on_items_changed, self);
  g_clear_object (&self->channels);
  G_OBJECT_CLASS (sh_channel_health_parent_class)->dispose (object);
}

static void
sh_channel_health_finalize (GObject *object)
{
  g_free (SH_CHANNEL_HEALTH (object)->description);
  G_OBJECT_CLASS (sh_channel_health_parent_class)->finalize (object);
}

static void
sh_channel_health_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ShChannelHealth *self = SH_CHANNEL_HEALTH (object);

  switch (prop_id)
    {
    case PROP_CHANNELS: g_value_set_object (value, self->channels); break;
    case PROP_N_CHANNELS: g_value_set_uint (value, self->n_channels); break;
    case PROP_N_ATTENTION: g_value_set_uint (value, self->n_attention); break;
    case PROP_N_DISCONNECTED: g_value_set_uint (value, self->n_disconnected); break;
    case PROP_WORST_STATE: g_value_set_enum (value, self->worst); break;
    case PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_channel_health_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ShChannelHealth *self = SH_CHANNEL_HEALTH (object);

  switch (prop_id)
    {
    case PROP_CHANNELS: self->channels = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_channel_health_class_init (ShChannelHealthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = sh_channel_health_constructed;
  object_class->dispose = sh_channel_health_dispose;
  object_class->finalize = sh_channel_health_finalize;
  object_class->get_property = sh_channel_health_get_property;
  object_class->set_property = sh_channel_health_set_property;

  properties[PROP_CHANNELS] =
    g_param_spec_object ("channels", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_CHANNELS] = g_param_spec_uint ("n-channels", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_ATTENTION] = g_param_spec_uint ("n-attention", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_DISCONNECTED] =
    g_param_spec_uint ("n-disconnected", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_WORST_STATE] =
    g_param_spec_enum ("worst-state", NULL, NULL, SH_TYPE_CHANNEL_STATE, SH_CHANNEL_STATE_UNKNOWN, ro);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sh_channel_health_init (ShChannelHealth *self)
{
  self->followed = g_ptr_array_new_with_free_func (g_object_unref);
  self->worst = SH_CHANNEL_STATE_UNKNOWN;
}

ShChannelHealth *
sh_channel_health_new (GListModel *channels)
{
  g_return_val_if_fail (G_IS_LIST_MODEL (channels), NULL);
  return g_object_new (SH_TYPE_CHANNEL_HEALTH, "channels", channels, NULL);
}

guint
sh_channel_health_get_n_channels (ShChannelHealth *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL_HEALTH (self), 0);
  return self->n_channels;
}

guint
sh_channel_health_get_n_attention (ShChannelHealth *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL_HEALTH (self), 0);
  return self->n_attention;
}

guint
sh_channel_health_get_n_disconnected (ShChannelHealth *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL_HEALTH (self), 0);
  return self->n_disconnected;
}

ShChannelState
sh_channel_health_get_worst_state (ShChannelHealth *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL_HEALTH (self), SH_CHANNEL_STATE_UNKNOWN);
  return self->worst;
}

char *
sh_channel_health_dup_description (ShChannelHealth *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL_HEALTH (self), NULL);
  return g_strdup (self->description);
}
