/* sh-channel-page.c — one channel: its health and every token that links it.
 *
 * Shown when a person opens a channel from the list. Each token row says
 * whose token it is, when it expires, when it was last checked, its state
 * and why; "Add Access Token" sits right above them (the page's one add
 * button), "Reconnect" on top when nothing links the channel any more, and a
 * channel that hangs on one person's token says gently that a second one
 * would keep it linked, where its network lets a second person grant. A
 * channel living on another's tokens (an Instagram account on its Page's)
 * says it goes with that channel, and offers its own Remove once it is no
 * longer linked there.
 * Token rows are made here, for one channel at a time, never for the list.
 * Tab goes from control to control (Reconnect, adding a token, each token's
 * Remove), never onto the rows around them, which do nothing.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "sh-channel-avatar.h"
#include "sh-channel-badge.h"
#include "sh-channel-display.h"
#include "sh-channel-page.h"
#include "sh-derived.h"
#include "sh-provider-registry.h"
#include "sh-token-row.h"

struct _ShChannelPage
{
  GtkBox                parent_instance;

  ShChannel            *channel;
  GPtrArray            *token_rows;
  /* Follow whichever channel the page shows, and its list of tokens. */
  GSignalGroup         *channel_signals;
  GSignalGroup         *token_signals;

  AdwPreferencesPage   *preferences_page;
  AdwActionRow         *summary_row;
  ShChannelAvatar      *avatar;
  GtkImage             *network_icon;
  GtkLabel             *state_badge;
  GtkWidget            *reconnect_group;
  GtkWidget            *reconnect_button;
  AdwPreferencesGroup  *tokens_group;
  GtkWidget            *add_button;
  GtkWidget            *hint_group;
  AdwActionRow         *hint_row;
  GtkWidget            *remove_button;   /* a channel living on another's, unlinked */
};

G_DEFINE_FINAL_TYPE (ShChannelPage, sh_channel_page, GTK_TYPE_BOX)

static void update_hint (ShChannelPage *self);

static void
refresh (ShChannelPage *self)
{
  ShChannel *channel = self->channel;
  g_autofree char *summary = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *label = NULL;
  g_autofree char *name = NULL;

  if (channel == NULL)
    return;

  name = sh_channel_dup_display_name (channel);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->summary_row), name);
  summary = sh_channel_dup_summary (channel);
  /* Translators: under a channel's name: its network, then e.g. "1 of 2 tokens valid" */
  subtitle = g_strdup_printf (_("%s · %s"),
                              sh_network_get_display_name (sh_channel_get_network (channel)),
                              summary);
  adw_action_row_set_subtitle (self->summary_row, subtitle);
  sh_channel_badge_update (self->network_icon, self->state_badge, channel);
  update_hint (self);

  label = sh_channel_dup_accessible_label (channel);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->summary_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_set_visible (self->reconnect_group,
                          sh_channel_get_state (channel) == SH_CHANNEL_STATE_DISCONNECTED);
  g_free (label);
  label = g_strdup_printf (_("Reconnect %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reconnect_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

/* A channel that hangs on one person (sh-people.h: only their tokens
 * work) is a single point of failure: say so, gently, as the list's
 * "1 person" badge does. Only where another person can grant the channel
 * at all (the provider says: a Page has admins, an X account one owner).
 * Follows the tokens' states too: refresh() calls it on every change. */
/* A channel living on another's tokens (an Instagram account on its Page's)
 * goes with that channel; once no longer linked there, on its own. */
static void
update_derived_hint (ShChannelPage *self)
{
  g_autofree char *title = NULL;
  g_autofree char *name = sh_channel_dup_display_name (self->channel);
  g_autofree char *label = NULL;
  gboolean removable = sh_derived_is_removable (self->channel);
  const char *via_name = sh_channel_get_via_name (self->channel);

  gtk_widget_set_visible (self->hint_group, TRUE);
  gtk_widget_set_visible (self->remove_button, removable);
  if (removable)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (sh_channel_get_tokens (self->channel), 0);

      /* Translators: "No longer linked to Bakery & Sons" */
      title = g_strdup_printf (_("No longer linked to %s"), via_name ?: "?");
      adw_action_row_set_subtitle (self->hint_row,
                                   _("It can be removed on its own: the channel it was linked "
                                     "to and its access tokens stay."));
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->remove_button), "s",
                                        sh_token_get_id (token));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->remove_button), "win.remove-token");
      /* Translators: accessible name of the button, "Remove @bakery" */
      label = g_strdup_printf (_("Remove %s"), name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }
  else
    {
      /* Translators: "Goes with Bakery & Sons" */
      title = g_strdup_printf (_("Goes with %s"), via_name ?: "?");
      adw_action_row_set_subtitle (self->hint_row,
                                   _("It lives on that channel’s access tokens and leaves "
                                     "SocialHub with them."));
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->hint_row), title);
}

static void
update_hint (ShChannelPage *self)
{
  gboolean shared = sh_network_get_shared_channels (sh_channel_get_network (self->channel));
  g_autofree char *one_person = NULL;

  if (sh_channel_get_via (self->channel) != NULL)
    {
      update_derived_hint (self);
      return;
    }
  gtk_widget_set_visible (self->remove_button, FALSE);
  one_person = sh_channel_dup_one_person_text (self->channel);
  gtk_widget_set_visible (self->hint_group, shared);
  if (one_person != NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->hint_row), one_person);
      adw_action_row_set_subtitle (self->hint_row,
                                   _("A second person’s token keeps this channel linked when "
                                     "theirs stop working."));
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->hint_row),
                                     _("Renew or add a token"));
      adw_action_row_set_subtitle (self->hint_row,
                                   _("Someone who grants again renews their own token; anyone else "
                                     "adds one."));
    }
}

static void
clear_token_rows (ShChannelPage *self)
{
  for (guint i = 0; i < self->token_rows->len; i++)
    adw_preferences_group_remove (self->tokens_group, g_ptr_array_index (self->token_rows, i));
  g_ptr_array_set_size (self->token_rows, 0);
}

static void
on_tokens_changed (GListModel    *tokens,
                   guint          position,
                   guint          removed,
                   guint          added,
                   ShChannelPage *self)
{
  guint n = g_list_model_get_n_items (tokens);

  /* A channel has a handful of tokens: rebuilding them all is simpler than
   * splicing and costs nothing a person could notice. */
  clear_token_rows (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);
      GtkWidget *row = sh_token_row_new (token);
      g_autofree char *shared = sh_token_dup_shared_text (token, self->channel);

      if (shared != NULL)
        sh_token_row_set_shared_text (SH_TOKEN_ROW (row), shared);
      g_ptr_array_add (self->token_rows, row);
      adw_preferences_group_add (self->tokens_group, row);
    }
  update_hint (self);
}

static void
disconnect_channel (ShChannelPage *self)
{
  if (self->channel == NULL)
    return;
  g_signal_group_set_target (self->channel_signals, NULL);
  g_signal_group_set_target (self->token_signals, NULL);
  clear_token_rows (self);
  g_clear_object (&self->channel);
  sh_channel_avatar_set_channel (self->avatar, NULL);
}

/* The page is reused from channel to channel: each opens at its top.
 * (AdwPreferencesPage has no scroll_to_top() before libadwaita 1.3; its
 * scrolled window is its first child.) */
static void
scroll_to_top (ShChannelPage *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->preferences_page));

  if (GTK_IS_SCROLLED_WINDOW (child))
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (child)), 0);
}

void
sh_channel_page_set_channel (ShChannelPage *self,
                             ShChannel     *channel)
{
  g_autoptr(GVariant) target = NULL;
  g_autofree char *add_label = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (SH_IS_CHANNEL_PAGE (self));
  g_return_if_fail (channel == NULL || SH_IS_CHANNEL (channel));

  if (self->channel == channel)
    return;
  disconnect_channel (self);
  if (channel == NULL)
    return;

  self->channel = g_object_ref (channel);
  sh_channel_avatar_set_channel (self->avatar, channel);
  target = g_variant_ref_sink (g_variant_new_string (sh_channel_get_id (channel)));
  /* The target before the name: a named action without its target would
   * be looked up with none, and refused. */
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->reconnect_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->add_button), target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->reconnect_button), "win.add-token");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->add_button), "win.add-token");
  /* Translators: accessible name of the button above a channel's tokens */
  name = sh_channel_dup_display_name (channel);
  add_label = g_strdup_printf (_("Add Access Token to %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, add_label,
                                  -1);

  g_signal_group_set_target (self->channel_signals, channel);
  g_signal_group_set_target (self->token_signals, sh_channel_get_tokens (channel));
  on_tokens_changed (sh_channel_get_tokens (channel), 0, 0, 0, self);
  refresh (self);
  scroll_to_top (self);
}

/* The channel's picture comes from the window's cache, as in the list. */
void
sh_channel_page_set_picture_cache (ShChannelPage  *self,
                                   ShPictureCache *cache)
{
  g_return_if_fail (SH_IS_CHANNEL_PAGE (self));

  sh_channel_avatar_set_picture_cache (self->avatar, cache);
}

ShChannel *
sh_channel_page_get_channel (ShChannelPage *self)
{
  g_return_val_if_fail (SH_IS_CHANNEL_PAGE (self), NULL);

  return self->channel;
}

static void
sh_channel_page_dispose (GObject *object)
{
  ShChannelPage *self = SH_CHANNEL_PAGE (object);

  disconnect_channel (self);
  g_clear_object (&self->channel_signals);
  g_clear_object (&self->token_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_CHANNEL_PAGE);
  g_clear_pointer (&self->token_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (sh_channel_page_parent_class)->dispose (object);
}

static void
sh_channel_page_class_init (ShChannelPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sh_channel_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/socialhub/SocialHub/sh-channel-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ShChannelPage, preferences_page);
  gtk_widget_class_bind_template_child (widget_class, ShChannelPage, summary_row);
  gtk_widget_class_bind_template_child (widget_class, ShChannelPage, network_icon);
  gtk_widget_class_bind_template_child (widget_class, ShChannelPage, state_badge);
  gtk_widget_class_bind_template_child (widget_class, ShChannelPage, reconnect_group);
  gtk_widget_class_bind_template_child (widget_class, ShChannelPage, reconnect_button);
  gtk_widget_class_bind_template_child (widget_class, ShChannelPage, tokens_group);
  gtk_widget_class_bind_template_child (widget_class, ShChannelPage, add_button);
  gtk_widget_class_bind_template_child (widget_class, ShChannelPage, hint_group);
  gtk_widget_class_bind_template_child (widget_class, ShChannelPage, hint_row);
}

static void
sh_channel_page_init (ShChannelPage *self)
{
  /* The group owns the token rows; this array only remembers them. */
  self->token_rows = g_ptr_array_new ();
  self->channel_signals = g_signal_group_new (SH_TYPE_CHANNEL);
  g_signal_group_connect_swapped (self->channel_signals, "notify", G_CALLBACK (refresh), self);
  self->token_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect (self->token_signals, "items-changed",
                          G_CALLBACK (on_tokens_changed), self);
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The hint names a person: the network's text, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->hint_row), FALSE);
  self->remove_button = gtk_button_new_with_mnemonic (_("_Remove"));
  gtk_widget_set_valign (self->remove_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->remove_button, "destructive-action");
  gtk_widget_set_visible (self->remove_button, FALSE);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->remove_button),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  adw_action_row_add_suffix (self->hint_row, self->remove_button);
  self->avatar = SH_CHANNEL_AVATAR (sh_channel_avatar_new (48));
  adw_action_row_add_prefix (self->summary_row, GTK_WIDGET (self->avatar));
  /* Named in refresh() and set_channel(); GTK 4.8 would add the labels'
   * own text to those names. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->reconnect_button),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->summary_row),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->summary_row),
                                 GTK_ACCESSIBLE_RELATION_DESCRIBED_BY);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->add_button),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

GtkWidget *
sh_channel_page_new (void)
{
  return g_object_new (SH_TYPE_CHANNEL_PAGE, NULL);
}
