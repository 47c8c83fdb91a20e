/* sh-window.c — the main window: every channel and its tokens, by health.
 *
 * The window may open before the manager has loaded the data file, so it
 * follows the manager's "loaded" and the channel list rather than reading
 * them once: a spinner while loading, an explanation when there is nothing,
 * otherwise one group per channel state, the channels needing action first.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sh-channel-group.h"
#include "sh-window.h"

/* Worst first: what needs a person's action is what they see first. */
static const ShChannelState group_order[] = {
  SH_CHANNEL_STATE_DISCONNECTED,
  SH_CHANNEL_STATE_DEGRADED,
  SH_CHANNEL_STATE_UNKNOWN,
  SH_CHANNEL_STATE_CONNECTED,
};

struct _ShWindow
{
  AdwApplicationWindow  parent_instance;

  ShManager            *manager;
  /* Channels whose "state" and "name" we listen to (a set, keys reffed). */
  GHashTable           *watched;
  ShChannelGroup       *groups[G_N_ELEMENTS (group_order)];

  AdwWindowTitle       *window_title;
  GtkWidget            *sandbox_badge;
  GtkRevealer          *notice_revealer;
  GtkLabel             *notice_label;
  GtkStack             *stack;
  GtkBox               *groups_box;
};

G_DEFINE_FINAL_TYPE (ShWindow, sh_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_view (ShWindow *self)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (self->manager));
  const char *page;

  if (g_list_model_get_n_items (channels) > 0)
    page = "list";
  else if (sh_manager_get_loaded (self->manager))
    page = "empty";
  else
    page = "loading";

  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
on_channel_state (ShChannel  *channel,
                  GParamSpec *pspec,
                  ShWindow   *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->groups); i++)
    sh_channel_group_refilter (self->groups[i]);
}

static void
on_channel_name (ShChannel  *channel,
                 GParamSpec *pspec,
                 ShWindow   *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->groups); i++)
    sh_channel_group_resort (self->groups[i]);
}

static void
watch_channel (ShWindow  *self,
               ShChannel *channel)
{
  if (g_hash_table_contains (self->watched, channel))
    return;

  g_hash_table_add (self->watched, g_object_ref (channel));
  g_signal_connect (channel, "notify::state", G_CALLBACK (on_channel_state), self);
  g_signal_connect (channel, "notify::name", G_CALLBACK (on_channel_name), self);
}

static gboolean
unwatch_channel (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  g_signal_handlers_disconnect_by_data (key, user_data);
  return TRUE;
}

static void
on_channels_changed (GListModel *channels,
                     guint       position,
                     guint       removed,
                     guint       added,
                     ShWindow   *self)
{
  if (removed > 0)
    {
      /* The removed items are gone from the model already: start the set
       * again from what the list holds now. */
      g_hash_table_foreach_remove (self->watched, unwatch_channel, self);
      position = 0;
      added = g_list_model_get_n_items (channels);
    }

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);

      watch_channel (self, channel);
    }

  update_view (self);
}

static void
on_loaded_changed (ShManager  *manager,
                   GParamSpec *pspec,
                   ShWindow   *self)
{
  update_view (self);
}

static gboolean
notice_to_label (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  const char *notice = g_value_get_string (from);

  g_value_set_string (to, notice != NULL ? notice : "");
  return TRUE;
}

static gboolean
notice_to_revealed (GBinding     *binding,
                    const GValue *from,
                    GValue       *to,
                    gpointer      user_data)
{
  const char *notice = g_value_get_string (from);

  g_value_set_boolean (to, notice != NULL && *notice != '\0');
  return TRUE;
}

static void
on_notice_dismissed (ShWindow *self)
{
  /* The binding stays: a new notice shows the bar again. */
  gtk_revealer_set_reveal_child (self->notice_revealer, FALSE);
}

/* Signing in arrives with a later version. Say so plainly rather than offer
 * a button that does nothing; the action stays so that it can be wired up. */
static void
add_channel_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (widget), _("Add Channel"), NULL);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("Signing in to Facebook and X to add a channel arrives in a coming "
                                 "version of SocialHub. Adding an access token from the command line "
                                 "(socialhub --add-token) is not available yet either."));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sh_window_constructed (GObject *object)
{
  ShWindow *self = SH_WINDOW (object);
  GListModel *channels;

  G_OBJECT_CLASS (sh_window_parent_class)->constructed (object);

  g_assert (SH_IS_MANAGER (self->manager));
  channels = G_LIST_MODEL (sh_manager_get_channels (self->manager));

  if (sh_manager_get_sandbox (self->manager))
    {
      GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
      GMenuModel *menu = app ? g_object_get_data (G_OBJECT (app), "sh-sandbox-menu") : NULL;

      adw_window_title_set_subtitle (self->window_title, _("Sandbox"));
      gtk_widget_set_visible (self->sandbox_badge, TRUE);
      /* Without the emulator's world (a test window) the badge stays, with
       * nothing to break. */
      if (menu != NULL)
        gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->sandbox_badge), menu);
      else
        gtk_widget_set_sensitive (self->sandbox_badge, FALSE);
    }

  for (guint i = 0; i < G_N_ELEMENTS (group_order); i++)
    {
      self->groups[i] = SH_CHANNEL_GROUP (sh_channel_group_new (channels, group_order[i]));
      gtk_box_append (self->groups_box, GTK_WIDGET (self->groups[i]));
    }

  g_object_bind_property_full (self->manager, "notice", self->notice_label, "label",
                               G_BINDING_SYNC_CREATE,
                               notice_to_label, NULL, NULL, NULL);
  g_object_bind_property_full (self->manager, "notice", self->notice_revealer, "reveal-child",
                               G_BINDING_SYNC_CREATE,
                               notice_to_revealed, NULL, NULL, NULL);

  g_signal_connect (self->manager, "notify::loaded", G_CALLBACK (on_loaded_changed), self);
  g_signal_connect (channels, "items-changed", G_CALLBACK (on_channels_changed), self);
  on_channels_changed (channels, 0, 0, g_list_model_get_n_items (channels), self);
}

static void
sh_window_dispose (GObject *object)
{
  ShWindow *self = SH_WINDOW (object);

  /* The manager outlives the window: nothing of it may call back into us. */
  if (self->manager != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->manager, self);
      g_signal_handlers_disconnect_by_data (sh_manager_get_channels (self->manager), self);
    }
  if (self->watched != NULL)
    g_hash_table_foreach_remove (self->watched, unwatch_channel, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_WINDOW);
  memset (self->groups, 0, sizeof self->groups);
  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (sh_window_parent_class)->dispose (object);
}

static void
sh_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  ShWindow *self = SH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  ShWindow *self = SH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_window_class_init (ShWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sh_window_constructed;
  object_class->dispose = sh_window_dispose;
  object_class->get_property = sh_window_get_property;
  object_class->set_property = sh_window_set_property;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, SH_TYPE_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/socialhub/SocialHub/sh-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ShWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, sandbox_badge);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, notice_label);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, groups_box);
  gtk_widget_class_bind_template_callback (widget_class, on_notice_dismissed);

  gtk_widget_class_install_action (widget_class, "win.add-channel", NULL, add_channel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.add-channel", NULL);
}

static void
sh_window_init (ShWindow *self)
{
  self->watched = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}

ShWindow *
sh_window_new (GtkApplication *app,
               ShManager      *manager)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (SH_IS_MANAGER (manager), NULL);

  return g_object_new (SH_TYPE_WINDOW,
                       "application", app,
                       "manager", manager,
                       NULL);
}

ShManager *
sh_window_get_manager (ShWindow *self)
{
  g_return_val_if_fail (SH_IS_WINDOW (self), NULL);

  return self->manager;
}
