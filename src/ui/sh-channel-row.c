/* sh-channel-row.c — a channel, its health, and its tokens when expanded.
 *
 * Title, subtitle and badge text are bound to the channel's properties; the
 * badge colour and the accessible label follow its notifications. The token
 * rows are rebuilt when the channel's token list changes; each token row
 * watches its own token.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-channel-row.h"
#include "sh-token-row.h"

struct _ShChannelRow
{
  AdwExpanderRow  parent_instance;

  ShChannel      *channel;
  GPtrArray      *token_rows;
  /* AdwExpanderRow's own header row: what takes the keyboard focus. */
  GtkWidget      *header_row;

  GtkImage       *network_icon;
  GtkLabel       *state_badge;
  GtkWidget      *reconnect_button;
  /* Not a child of the template: held here, appended after the tokens. */
  AdwActionRow   *add_row;
  GtkWidget      *add_button;
};

G_DEFINE_FINAL_TYPE (ShChannelRow, sh_channel_row, ADW_TYPE_EXPANDER_ROW)

enum {
  PROP_0,
  PROP_CHANNEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const state_classes[] = { "success", "warning", "error", "dim-label" };

static const char *
state_get_css_class (ShChannelState state)
{
  switch (state)
    {
    case SH_CHANNEL_STATE_CONNECTED:
      return "success";
    case SH_CHANNEL_STATE_DEGRADED:
      return "warning";
    case SH_CHANNEL_STATE_DISCONNECTED:
      return "error";
    case SH_CHANNEL_STATE_UNKNOWN:
    default:
      return "dim-label";
    }
}

/* Neutral glyphs, not the networks' logos: those are trademarks with usage
 * rules, and a symbolic icon follows the light and dark styles. */
static const char *
network_get_icon_name (ShNetwork network)
{
  return network == SH_NETWORK_X ? "avatar-default-symbolic" : "system-users-symbolic";
}

static const char *
channel_get_display_name (ShChannel *channel)
{
  const char *name = sh_channel_get_name (channel);

  return name != NULL && *name != '\0' ? name : _("Unnamed channel");
}

/* The header is an internal AdwActionRow of AdwExpanderRow, the first one
 * in the widget tree (the token rows come after it, in the revealer). */
static GtkWidget *
find_header_row (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (ADW_IS_ACTION_ROW (child))
        return child;
      if ((found = find_header_row (child)) != NULL)
        return found;
    }
  return NULL;
}

static void
sh_channel_row_refresh (ShChannelRow *self)
{
  ShChannelState state = sh_channel_get_state (self->channel);
  g_autofree char *summary = sh_channel_dup_summary (self->channel);
  g_autofree char *label = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_badge), state_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_badge), state_get_css_class (state));

  /* Translators: accessible name of a channel row: name, network, state,
   * summary, e.g. "Acme Coffee, Facebook Page, Degraded, 1 of 2 tokens valid" */
  label = g_strdup_printf (_("%s, %s, %s, %s"),
                           channel_get_display_name (self->channel),
                           sh_network_get_display_name (sh_channel_get_network (self->channel)),
                           sh_channel_state_get_label (state),
                           summary);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  /* A disconnected channel shows what to do instead of its state, which
   * its group's title says already: narrow windows have room for one. */
  gtk_widget_set_visible (self->reconnect_button, state == SH_CHANNEL_STATE_DISCONNECTED);
  gtk_widget_set_visible (GTK_WIDGET (self->state_badge), state != SH_CHANNEL_STATE_DISCONNECTED);
  g_free (label);
  /* Translators: accessible name of a disconnected channel's button */
  label = g_strdup_printf (_("Reconnect %s"), channel_get_display_name (self->channel));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reconnect_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  /* The header row is what a screen reader lands on; its own name would be
   * the title alone, without the state the badge shows. */
  if (self->header_row != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->header_row),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                    -1);
}

/* One person's token is a single point of failure: say so, gently. */
static void
update_add_row (ShChannelRow *self,
                guint         n_tokens)
{
  if (n_tokens == 1)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->add_row),
                                     _("Only one person’s token"));
      adw_action_row_set_subtitle (self->add_row,
                                   _("A second person’s token keeps this channel linked when "
                                     "one expires."));
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->add_row),
                                     _("Renew or add a token"));
      adw_action_row_set_subtitle (self->add_row,
                                   _("Someone who grants again renews their own token; anyone else "
                                     "adds one."));
    }
}

static void
on_channel_notify (ShChannel    *channel,
                   GParamSpec   *pspec,
                   ShChannelRow *self)
{
  sh_channel_row_refresh (self);
}

static void
on_tokens_changed (GListModel   *tokens,
                   guint         position,
                   guint         removed,
                   guint         added,
                   ShChannelRow *self)
{
  guint n = g_list_model_get_n_items (tokens);

  /* A channel has a handful of tokens: rebuilding them all is simpler than
   * splicing and costs nothing a person could notice. */
  for (guint i = 0; i < self->token_rows->len; i++)
    adw_expander_row_remove (ADW_EXPANDER_ROW (self), g_ptr_array_index (self->token_rows, i));
  g_ptr_array_set_size (self->token_rows, 0);
  if (gtk_widget_get_parent (GTK_WIDGET (self->add_row)) != NULL)
    adw_expander_row_remove (ADW_EXPANDER_ROW (self), GTK_WIDGET (self->add_row));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);
      GtkWidget *row = sh_token_row_new (token);

      g_ptr_array_add (self->token_rows, row);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (self), row);
    }

  update_add_row (self, n);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self), GTK_WIDGET (self->add_row));
}

/* Rows parse their title and subtitle as markup, and names come from the
 * networks: "Bakery & Sons" must be escaped. (Setting use-markup to FALSE
 * instead is not enough in libadwaita 1.2: during construction the title can
 * reach the inner label before use-markup does.) */
static gboolean
name_to_title (GBinding     *binding,
               const GValue *from,
               GValue       *to,
               gpointer      user_data)
{
  const char *name = g_value_get_string (from);

  g_value_take_string (to, g_markup_escape_text (name != NULL && *name != '\0'
                                                 ? name : _("Unnamed channel"), -1));
  return TRUE;
}

static gboolean
text_to_markup (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  const char *text = g_value_get_string (from);

  g_value_take_string (to, g_markup_escape_text (text != NULL ? text : "", -1));
  return TRUE;
}

static gboolean
state_to_label (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  g_value_set_string (to, sh_channel_state_get_label (g_value_get_enum (from)));
  return TRUE;
}

static void
sh_channel_row_constructed (GObject *object)
{
  ShChannelRow *self = SH_CHANNEL_ROW (object);
  ShNetwork network;
  ShChannelState state;

  G_OBJECT_CLASS (sh_channel_row_parent_class)->constructed (object);

  g_assert (SH_IS_CHANNEL (self->channel));

  network = sh_channel_get_network (self->channel);
  gtk_image_set_from_icon_name (self->network_icon, network_get_icon_name (network));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->network_icon),
                               sh_network_get_display_name (network));

  g_object_bind_property_full (self->channel, "name", self, "title",
                               G_BINDING_SYNC_CREATE,
                               name_to_title, NULL, NULL, NULL);
  g_object_bind_property_full (self->channel, "summary", self, "subtitle",
                               G_BINDING_SYNC_CREATE,
                               text_to_markup, NULL, NULL, NULL);
  g_object_bind_property_full (self->channel, "state", self->state_badge, "label",
                               G_BINDING_SYNC_CREATE,
                               state_to_label, NULL, NULL, NULL);

  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->reconnect_button),
                                          g_variant_new_string (sh_channel_get_id (self->channel)));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->add_button),
                                          g_variant_new_string (sh_channel_get_id (self->channel)));
  g_signal_connect_object (self->channel, "notify",
                           G_CALLBACK (on_channel_notify), self, 0);
  g_signal_connect_object (sh_channel_get_tokens (self->channel), "items-changed",
                           G_CALLBACK (on_tokens_changed), self, 0);
  on_tokens_changed (sh_channel_get_tokens (self->channel), 0, 0, 0, self);
  sh_channel_row_refresh (self);

  /* A channel that needs attention opens on its tokens, so that who has to
   * act, and why, is visible at a glance. */
  state = sh_channel_get_state (self->channel);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self),
                                 state == SH_CHANNEL_STATE_DEGRADED ||
                                 state == SH_CHANNEL_STATE_DISCONNECTED);
}

static void
sh_channel_row_dispose (GObject *object)
{
  ShChannelRow *self = SH_CHANNEL_ROW (object);

  if (self->channel != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->channel, self);
      g_signal_handlers_disconnect_by_data (sh_channel_get_tokens (self->channel), self);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_CHANNEL_ROW);
  g_clear_pointer (&self->token_rows, g_ptr_array_unref);
  g_clear_object (&self->add_row);
  g_clear_object (&self->channel);

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
      self->channel = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_channel_row_class_init (ShChannelRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sh_channel_row_constructed;
  object_class->dispose = sh_channel_row_dispose;
  object_class->get_property = sh_channel_row_get_property;
  object_class->set_property = sh_channel_row_set_property;

  properties[PROP_CHANNEL] =
    g_param_spec_object ("channel", NULL, NULL, SH_TYPE_CHANNEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/socialhub/SocialHub/sh-channel-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ShChannelRow, network_icon);
  gtk_widget_class_bind_template_child (widget_class, ShChannelRow, state_badge);
  gtk_widget_class_bind_template_child (widget_class, ShChannelRow, reconnect_button);

}

static void
sh_channel_row_init (ShChannelRow *self)
{
  GtkWidget *icon;

  /* The expander row owns the token rows; this array only remembers them. */
  self->token_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The last row under the tokens: add one, with a hint when only one
   * person's token links the channel. Moved to the end whenever the token
   * rows are rebuilt, so this object holds it. */
  self->add_row = ADW_ACTION_ROW (g_object_ref_sink (adw_action_row_new ()));
  icon = g_object_new (GTK_TYPE_IMAGE,
                       "icon-name", "list-add-symbolic",
                       "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                       NULL);
  gtk_widget_add_css_class (icon, "dim-label");
  adw_action_row_add_prefix (self->add_row, icon);
  self->add_button = gtk_button_new_with_label (_("Add Access Token"));
  gtk_widget_set_valign (self->add_button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->add_button), "win.add-token");
  adw_action_row_add_suffix (self->add_row, self->add_button);
  adw_action_row_set_activatable_widget (self->add_row, self->add_button);

  /* Without its labelled-by and described-by relations, GTK 4.8 does not
   * append the title and subtitle to the label set in refresh(). */
  /* Named in refresh() after the channel; GTK 4.8 would add the label's
   * own text to that name. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->reconnect_button),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);

  self->header_row = find_header_row (GTK_WIDGET (self));
  if (self->header_row != NULL)
    {
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->header_row),
                                     GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->header_row),
                                     GTK_ACCESSIBLE_RELATION_DESCRIBED_BY);
    }
}

GtkWidget *
sh_channel_row_new (ShChannel *channel)
{
  g_return_val_if_fail (SH_IS_CHANNEL (channel), NULL);

  return g_object_new (SH_TYPE_CHANNEL_ROW, "channel", channel, NULL);
}

ShChannel *
sh_channel_row_get_channel (ShChannelRow *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL_ROW (self), NULL);

  return self->channel;
}
