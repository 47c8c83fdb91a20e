/* sh-channel-group.c — the channels that are in one state, as a boxed list.
 *
 * A filter over the shared channel list keeps the channels of one state,
 * sorted by name. Filter and sorter models do not watch item properties, so
 * whoever sees a channel change state or name calls
 * sh_channel_group_refilter() or _resort(); the row then moves to its new group. The
 * group hides itself while it is empty.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-channel-group.h"
#include "sh-channel-row.h"
#include "sh-enum-types.h"

struct _ShChannelGroup
{
  AdwPreferencesGroup  parent_instance;

  GListModel          *channels;
  ShChannelState       state;

  GtkCustomFilter     *filter;
  GtkSorter           *sorter;
  GtkSortListModel    *model;

  GtkListBox          *list_box;
};

G_DEFINE_FINAL_TYPE (ShChannelGroup, sh_channel_group, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_CHANNELS,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
state_get_description (ShChannelState state)
{
  switch (state)
    {
    case SH_CHANNEL_STATE_DISCONNECTED:
      return _("No token of these channels works. Someone with a role on the Page or account needs to add a new access token.");
    case SH_CHANNEL_STATE_DEGRADED:
      return _("Still linked, but some of their tokens stopped working.");
    case SH_CHANNEL_STATE_UNKNOWN:
      return _("SocialHub has no answer from the networks about these channels yet.");
    case SH_CHANNEL_STATE_CONNECTED:
    default:
      return NULL;
    }
}

static gboolean
match_state (gpointer item,
             gpointer user_data)
{
  ShChannelGroup *self = user_data;

  return sh_channel_get_state (SH_CHANNEL (item)) == self->state;
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  return sh_channel_row_new (SH_CHANNEL (item));
}

static void
on_model_changed (GListModel     *model,
                  guint           position,
                  guint           removed,
                  guint           added,
                  ShChannelGroup *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self), g_list_model_get_n_items (model) > 0);
}

static void
sh_channel_group_constructed (GObject *object)
{
  ShChannelGroup *self = SH_CHANNEL_GROUP (object);
  GtkFilterListModel *filtered;
  const char *title = sh_channel_state_get_label (self->state);

  G_OBJECT_CLASS (sh_channel_group_parent_class)->constructed (object);

  g_assert (G_IS_LIST_MODEL (self->channels));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         state_get_description (self->state));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);

  self->filter = gtk_custom_filter_new (match_state, self, NULL);
  self->sorter = GTK_SORTER (gtk_string_sorter_new (
    gtk_property_expression_new (SH_TYPE_CHANNEL, NULL, "name")));

  /* The models take ownership of what they are given: keep references to
   * the filter and the sorter, which invalidate() needs. */
  filtered = gtk_filter_list_model_new (g_object_ref (self->channels),
                                        g_object_ref (GTK_FILTER (self->filter)));
  self->model = gtk_sort_list_model_new (G_LIST_MODEL (filtered),
                                         g_object_ref (self->sorter));

  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->model),
                           create_row, NULL, NULL);
  g_signal_connect_object (self->model, "items-changed",
                           G_CALLBACK (on_model_changed), self, 0);
  on_model_changed (G_LIST_MODEL (self->model), 0, 0, 0, self);
}

static void
sh_channel_group_dispose (GObject *object)
{
  ShChannelGroup *self = SH_CHANNEL_GROUP (object);

  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_CHANNEL_GROUP);
  g_clear_object (&self->model);
  g_clear_object (&self->sorter);
  g_clear_object (&self->filter);
  g_clear_object (&self->channels);

  G_OBJECT_CLASS (sh_channel_group_parent_class)->dispose (object);
}

static void
sh_channel_group_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ShChannelGroup *self = SH_CHANNEL_GROUP (object);

  switch (prop_id)
    {
    case PROP_CHANNELS:
      g_value_set_object (value, self->channels);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_channel_group_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ShChannelGroup *self = SH_CHANNEL_GROUP (object);

  switch (prop_id)
    {
    case PROP_CHANNELS:
      self->channels = g_value_dup_object (value);
      break;
    case PROP_STATE:
      self->state = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_channel_group_class_init (ShChannelGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sh_channel_group_constructed;
  object_class->dispose = sh_channel_group_dispose;
  object_class->get_property = sh_channel_group_get_property;
  object_class->set_property = sh_channel_group_set_property;

  properties[PROP_CHANNELS] =
    g_param_spec_object ("channels", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       SH_TYPE_CHANNEL_STATE, SH_CHANNEL_STATE_UNKNOWN,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/socialhub/SocialHub/sh-channel-group.ui");
  gtk_widget_class_bind_template_child (widget_class, ShChannelGroup, list_box);
}

static void
sh_channel_group_init (ShChannelGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sh_channel_group_new (GListModel     *channels,
                      ShChannelState  state)
{
  g_return_val_if_fail (G_IS_LIST_MODEL (channels), NULL);

  return g_object_new (SH_TYPE_CHANNEL_GROUP,
                       "channels", channels,
                       "state", state,
                       NULL);
}

ShChannelState
sh_channel_group_get_state (ShChannelGroup *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL_GROUP (self), SH_CHANNEL_STATE_UNKNOWN);

  return self->state;
}

/* The channels of this state, in the order shown. */
GListModel *
sh_channel_group_get_model (ShChannelGroup *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL_GROUP (self), NULL);

  return G_LIST_MODEL (self->model);
}

/* Some channel changed state: filter again. The rows of the channels that
 * stay in this group are kept (and stay expanded or not). */
void
sh_channel_group_refilter (ShChannelGroup *self)
{
  g_return_if_fail (SH_IS_CHANNEL_GROUP (self));

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* Some channel was renamed: sort again. */
void
sh_channel_group_resort (ShChannelGroup *self)
{
  g_return_if_fail (SH_IS_CHANNEL_GROUP (self));

  gtk_sorter_changed (self->sorter, GTK_SORTER_CHANGE_DIFFERENT);
}
