/* sh-channel-row.c — one line of the channel list: a channel and its health.
 *
 * The list view recycles rows as a person scrolls, so a row is given its
 * channel after it is made and may be given another later: a signal group
 * follows the notifications of whichever channel it shows.
 * Pressing the row opens the channel's page (win.show-channel); a
 * disconnected channel also offers "Reconnect" right there.
 *
 * Built in code, not from a template: GTK 4.8's list view keeps up to 200
 * rows alive, all made while the first frame waits, and a template is
 * parsed again for every instance.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "sh-channel-avatar.h"
#include "sh-channel-badge.h"
#include "sh-channel-display.h"
#include "sh-channel-row.h"

struct _ShChannelRow
{
  GtkBox      parent_instance;

  ShChannel  *channel;
  /* The channel's "notify", following whichever channel the row shows. */
  GSignalGroup *channel_signals;

  GtkWidget  *open_button;
  ShChannelAvatar *avatar;
  GtkImage   *network_icon;
  GtkLabel   *title_label;
  GtkLabel   *summary_label;
  GtkLabel   *state_badge;
  /* "1 person": only one person's tokens link the channel (sh-people.h). */
  GtkWidget  *person_badge;
  GtkWidget  *reconnect_button;
};

G_DEFINE_FINAL_TYPE (ShChannelRow, sh_channel_row, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_CHANNEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Rows ask for their channel's picture when they show it, so only the
 * pictures on screen are ever fetched. */
void
sh_channel_row_set_picture_cache (ShChannelRow   *self,
                                  ShPictureCache *cache)
{
  g_return_if_fail (SH_IS_CHANNEL_ROW (self));

  sh_channel_avatar_set_picture_cache (self->avatar, cache);
}

static void
sh_channel_row_refresh (ShChannelRow *self)
{
  ShChannel *channel = self->channel;
  ShChannelState state;
  g_autofree char *summary = NULL;
  g_autofree char *label = NULL;
  g_autofree char *reconnect = NULL;
  g_autofree char *name = NULL;
  g_autofree char *one_person = NULL;
  g_autofree char *via = NULL;

  if (channel == NULL)
    return;

  state = sh_channel_get_state (channel);
  summary = sh_channel_dup_summary (channel);

  sh_channel_badge_update (self->network_icon, self->state_badge, channel);
  name = sh_channel_dup_display_name (channel);
  gtk_label_set_text (self->title_label, name);
  via = sh_channel_dup_via_text (channel);
  if (via != NULL)
    {
      /* Translators: a channel's "via …", then its summary, e.g. "via Bakery
       * & Sons (Facebook Page) · 1 of 1 token valid" */
      g_autofree char *both = g_strdup_printf (_("%s · %s"), via, summary);

      g_free (summary);
      summary = g_steal_pointer (&both);
    }
  gtk_label_set_text (self->summary_label, summary);

  label = sh_channel_dup_accessible_label (channel);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->open_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  /* The badge is drawn; a screen reader hears the row's description. */
  one_person = sh_channel_dup_one_person_text (channel);
  gtk_widget_set_visible (self->person_badge, one_person != NULL);
  gtk_widget_set_tooltip_text (self->person_badge, one_person);
  if (one_person != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->open_button),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, one_person,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->open_button),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  /* A disconnected channel shows what to do instead of its state, which
   * its section's heading says already: narrow windows have room for one. */
  gtk_widget_set_visible (self->reconnect_button, state == SH_CHANNEL_STATE_DISCONNECTED);
  gtk_widget_set_visible (GTK_WIDGET (self->state_badge), state != SH_CHANNEL_STATE_DISCONNECTED);
  /* Translators: accessible name of a disconnected channel's button */
  reconnect = g_strdup_printf (_("Reconnect %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reconnect_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, reconnect,
                                  -1);
}

void
sh_channel_row_set_channel (ShChannelRow *self,
                            ShChannel    *channel)
{
  GVariant *target;

  g_return_if_fail (SH_IS_CHANNEL_ROW (self));
  g_return_if_fail (channel == NULL || SH_IS_CHANNEL (channel));

  if (self->channel == channel)
    return;
  g_set_object (&self->channel, channel);
  g_signal_group_set_target (self->channel_signals, channel);
  sh_channel_avatar_set_channel (self->avatar, channel);
  if (channel != NULL)
    {
      target = g_variant_new_string (sh_channel_get_id (channel));
      g_variant_ref_sink (target);
      /* The target before the name: a named action without its target
       * would be looked up with none, and refused. */
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->open_button), target);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->open_button), "win.show-channel");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->reconnect_button), target);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->reconnect_button), "win.add-token");
      g_variant_unref (target);
      sh_channel_row_refresh (self);
    }
  else
    {
      /* A row waiting to be reused must not still speak for its last channel. */
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->open_button),
                                     GTK_ACCESSIBLE_PROPERTY_LABEL);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->open_button),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->reconnect_button),
                                     GTK_ACCESSIBLE_PROPERTY_LABEL);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANNEL]);
}

/* The keyboard onto the row: its button, or with @last its last control
 * ("Reconnect" when it has one), as Shift+Tab coming in from below. */
gboolean
sh_channel_row_grab_focus (ShChannelRow *self,
                           gboolean      last)
{
  g_return_val_if_fail (SH_IS_CHANNEL_ROW (self), FALSE);

  if (last && gtk_widget_get_visible (self->reconnect_button))
    return gtk_widget_grab_focus (self->reconnect_button);
  return gtk_widget_grab_focus (self->open_button);
}

ShChannel *
sh_channel_row_get_channel (ShChannelRow *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL_ROW (self), NULL);

  return self->channel;
}

static void
sh_channel_row_dispose (GObject *object)
{
  ShChannelRow *self = SH_CHANNEL_ROW (object);
  GtkWidget *child;

  g_clear_object (&self->channel_signals);
  g_clear_object (&self->channel);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_box_remove (GTK_BOX (self), child);

  G_OBJECT_CLASS (sh_channel_row_parent_class)->dispose (object);
}

static void
sh_channel_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ShChannelRow *self = SH_CHANNEL_ROW (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_value_set_object (value, self->channel);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_channel_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ShChannelRow *self = SH_CHANNEL_ROW (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      sh_channel_row_set_channel (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_channel_row_class_init (ShChannelRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_channel_row_dispose;
  object_class->get_property = sh_channel_row_get_property;
  object_class->set_property = sh_channel_row_set_property;

  properties[PROP_CHANNEL] =
    g_param_spec_object ("channel", NULL, NULL, SH_TYPE_CHANNEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

}

static GtkWidget *
label_new (const char *css_class)
{
  GtkWidget *label = g_object_new (GTK_TYPE_LABEL,
                                   "xalign", 0.0f,
                                   "ellipsize", PANGO_ELLIPSIZE_END,
                                   "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                   NULL);

  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
image_new (const char *icon_name)
{
  return g_object_new (GTK_TYPE_IMAGE,
                       "icon-name", icon_name,
                       "valign", GTK_ALIGN_CENTER,
                       /* What it shows is in the row's accessible label. */
                       "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                       NULL);
}

static void
sh_channel_row_init (ShChannelRow *self)
{
  GtkWidget *content, *text, *title_line, *summary_line;

  self->channel_signals = g_signal_group_new (SH_TYPE_CHANNEL);
  g_signal_group_connect_swapped (self->channel_signals, "notify",
                                  G_CALLBACK (sh_channel_row_refresh), self);

  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self), "card");
  gtk_widget_add_css_class (GTK_WIDGET (self), "sh-channel-row");

  /* The whole row opens the channel's page: one big target, and a push
   * button a screen reader (or an AT-SPI test) can press. */
  self->open_button = gtk_button_new ();
  gtk_widget_set_hexpand (self->open_button, TRUE);
  gtk_widget_add_css_class (self->open_button, "flat");
  gtk_widget_add_css_class (self->open_button, "sh-channel-button");
  content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_button_set_child (GTK_BUTTON (self->open_button), content);

  /* The Page's or account's picture once fetched; its initials until then. */
  self->avatar = SH_CHANNEL_AVATAR (sh_channel_avatar_new (40));
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->avatar));

  text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (text, TRUE);
  title_line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->network_icon = GTK_IMAGE (image_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->network_icon), "dim-label");
  /* A name can be anything the network sends, 300 KB included: it takes
   * the room left and is ellipsized there, asking for no more than a
   * long real name's width, so the badge beside it keeps its word. */
  self->title_label = GTK_LABEL (label_new (NULL));
  gtk_label_set_max_width_chars (self->title_label, 40);
  gtk_label_set_single_line_mode (self->title_label, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->title_label), TRUE);
  gtk_box_append (GTK_BOX (title_line), GTK_WIDGET (self->network_icon));
  gtk_box_append (GTK_BOX (title_line), GTK_WIDGET (self->title_label));
  self->summary_label = GTK_LABEL (label_new ("dim-label"));
  gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "caption");
  /* Under the name, beside the summary: the state's badge keeps its room
   * on the first line at 360 px. */
  summary_line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_hexpand (GTK_WIDGET (self->summary_label), FALSE);
  gtk_box_append (GTK_BOX (summary_line), GTK_WIDGET (self->summary_label));
  self->person_badge = label_new ("sh-badge");
  gtk_label_set_text (GTK_LABEL (self->person_badge), _("1 person"));
  gtk_label_set_ellipsize (GTK_LABEL (self->person_badge), PANGO_ELLIPSIZE_NONE);
  gtk_widget_add_css_class (self->person_badge, "sh-person-badge");
  gtk_widget_set_visible (self->person_badge, FALSE);
  gtk_box_append (GTK_BOX (summary_line), self->person_badge);
  gtk_box_append (GTK_BOX (text), title_line);
  gtk_box_append (GTK_BOX (text), summary_line);
  gtk_box_append (GTK_BOX (content), text);

  /* The state is one word: never cut, the name gives way instead. */
  self->state_badge = GTK_LABEL (label_new ("sh-badge"));
  gtk_label_set_ellipsize (self->state_badge, PANGO_ELLIPSIZE_NONE);
  gtk_widget_set_valign (GTK_WIDGET (self->state_badge), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->state_badge));
  gtk_box_append (GTK_BOX (content), image_new ("go-next-symbolic"));
  gtk_box_append (GTK_BOX (self), self->open_button);

  /* A channel that no token links any more: the one thing to do. */
  self->reconnect_button = gtk_button_new_with_mnemonic (_("_Reconnect"));
  gtk_widget_set_valign (self->reconnect_button, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->reconnect_button, FALSE);
  gtk_widget_set_margin_end (self->reconnect_button, 12);
  gtk_widget_set_tooltip_text (self->reconnect_button, _("Add a new access token"));
  gtk_widget_add_css_class (self->reconnect_button, "suggested-action");
  gtk_box_append (GTK_BOX (self), self->reconnect_button);

  /* Named in refresh(); GTK 4.8 would otherwise add the labels' own text
   * (the button's child, the mnemonic label) to those names. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->reconnect_button),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->open_button),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

GtkWidget *
sh_channel_row_new (void)
{
  return g_object_new (SH_TYPE_CHANNEL_ROW, NULL);
}
