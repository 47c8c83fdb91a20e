/* sh-granted-pages-view.c — see sh-granted-pages-view.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-granted-pages-view.h"
#include "sh-untrusted-text.h"

struct _ShGrantedPagesView
{
  AdwBin               parent_instance;

  GPtrArray           *rows;            /* AdwActionRow, one per granted channel */
  GPtrArray           *check_buttons;   /* GtkCheckButton, one per row */

  GtkLabel            *pages_note;
  AdwPreferencesGroup *pages_group;
  GtkLabel            *pages_error;
};

G_DEFINE_FINAL_TYPE (ShGrantedPagesView, sh_granted_pages_view, ADW_TYPE_BIN)

enum {
  SIGNAL_CHOSEN_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
row_is_added (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "sh-added") != NULL;
}

gboolean
sh_granted_pages_view_is_wanted (ShGrantedPagesView *self,
                                 guint               index)
{
  g_return_val_if_fail (SH_IS_GRANTED_PAGES_VIEW (self), FALSE);

  return self->rows != NULL && index < self->rows->len &&
         gtk_check_button_get_active (g_ptr_array_index (self->check_buttons, index)) &&
         !row_is_added (g_ptr_array_index (self->rows, index));
}

guint
sh_granted_pages_view_count_wanted (ShGrantedPagesView *self)
{
  guint n = 0;

  g_return_val_if_fail (SH_IS_GRANTED_PAGES_VIEW (self), 0);

  for (guint i = 0; self->rows != NULL && i < self->rows->len; i++)
    n += sh_granted_pages_view_is_wanted (self, i);
  return n;
}

void
sh_granted_pages_view_clear (ShGrantedPagesView *self)
{
  g_return_if_fail (SH_IS_GRANTED_PAGES_VIEW (self));

  for (guint i = 0; self->rows != NULL && i < self->rows->len; i++)
    adw_preferences_group_remove (self->pages_group, g_ptr_array_index (self->rows, i));
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->check_buttons, g_ptr_array_unref);
  gtk_widget_set_visible (GTK_WIDGET (self->pages_note), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->pages_error), FALSE);
}

/* Whether the Page is in SocialHub already, and what the token does there. */
static char *
describe_granted (const ShGrantedChannel *granted,
                  ShChannel              *existing)
{
  GListModel *tokens;
  guint n;

  if (existing == NULL)
    return g_strdup (_("New channel"));

  tokens = sh_channel_get_tokens (existing);
  n = g_list_model_get_n_items (tokens);
  for (guint i = 0; granted->owner_id != NULL && i < n; i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);

      if (g_strcmp0 (sh_token_get_owner_id (token), granted->owner_id) == 0)
        {
          g_autofree char *owner = sh_untrusted_text_sanitize (granted->owner_name);

          /* Translators: %s is a person, e.g. "In SocialHub: renews Alice Example’s token" */
          return g_strdup_printf (_("In SocialHub: renews %s’s token"),
                                  owner ?: _("this person"));
        }
    }
  if (n == 1)
    return g_strdup (_("In SocialHub: adds a second token"));
  if (n == 0)
    return g_strdup (_("In SocialHub: adds a token"));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "In SocialHub: adds a token to the %u it has",
                                       "In SocialHub: adds a token to the %u it has", n),
                          n);
}

static void
on_toggled (ShGrantedPagesView *self)
{
  g_signal_emit (self, signals[SIGNAL_CHOSEN_CHANGED], 0);
}

void
sh_granted_pages_view_show (ShGrantedPagesView *self,
                            GPtrArray          *granted,
                            ShChannelList      *list,
                            ShChannel          *channel,
                            const char         *title,
                            const char         *description)
{
  const char *owner = NULL;
  gboolean found = FALSE;

  g_return_if_fail (SH_IS_GRANTED_PAGES_VIEW (self));
  g_return_if_fail (granted != NULL && granted->len > 0);

  sh_granted_pages_view_clear (self);
  self->rows = g_ptr_array_new ();
  self->check_buttons = g_ptr_array_new ();

  for (guint i = 0; i < granted->len && owner == NULL; i++)
    owner = ((ShGrantedChannel *) g_ptr_array_index (granted, i))->owner_name;

  adw_preferences_group_set_title (self->pages_group, title);
  adw_preferences_group_set_description (self->pages_group, description);

  for (guint i = 0; i < granted->len; i++)
    {
      ShGrantedChannel *one = g_ptr_array_index (granted, i);
      ShChannel *existing = sh_channel_list_lookup_external (list, one->network, one->external_id);
      g_autofree char *name = sh_untrusted_text_sanitize (one->name ?: one->external_id);
      g_autofree char *subtitle = describe_granted (one, existing);
      g_autofree char *title_markup = g_markup_escape_text (name, -1);
      g_autofree char *subtitle_markup = g_markup_escape_text (subtitle, -1);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      gboolean chosen;

      if (channel == NULL)
        chosen = TRUE;
      else
        chosen = existing == channel;
      found |= chosen;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title_markup);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle_markup);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), chosen);
      /* Named after the row's title (AdwActionRow relates its activatable
       * widget to it); the subtitle is its description. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle,
                                      -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_signal_connect_object (check, "toggled", G_CALLBACK (on_toggled), self,
                               G_CONNECT_SWAPPED);

      adw_preferences_group_add (self->pages_group, row);
      g_ptr_array_add (self->rows, row);
      g_ptr_array_add (self->check_buttons, check);
    }

  if (channel != NULL && !found)
    {
      g_autofree char *note = NULL;
      const char *channel_name = sh_channel_get_name (channel);

      /* Translators: a person, then a channel */
      note = g_strdup_printf (_("%s has no role on %s, so their token cannot link it. Someone "
                                "with a role on it needs to sign in."),
                              owner ?: _("Whoever signed in"),
                              channel_name ?: _("this channel"));
      gtk_label_set_label (self->pages_note, note);
      gtk_widget_set_visible (GTK_WIDGET (self->pages_note), TRUE);
    }
}

void
sh_granted_pages_view_mark_added (ShGrantedPagesView *self,
                                  guint               index,
                                  gboolean            present)
{
  GtkWidget *row;
  const char *what = present ? _("In SocialHub already") : _("Added");

  g_return_if_fail (SH_IS_GRANTED_PAGES_VIEW (self));
  g_return_if_fail (self->rows != NULL && index < self->rows->len);

  row = g_ptr_array_index (self->rows, index);
  /* Not offered again if another one fails and the person presses Add again. */
  g_object_set_data (G_OBJECT (row), "sh-added", GINT_TO_POINTER (TRUE));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), what);
  gtk_accessible_update_property (GTK_ACCESSIBLE (g_ptr_array_index (self->check_buttons, index)),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, what,
                                  -1);
  gtk_widget_set_sensitive (row, FALSE);
}

void
sh_granted_pages_view_show_error (ShGrantedPagesView *self,
                                  const char         *message)
{
  g_return_if_fail (SH_IS_GRANTED_PAGES_VIEW (self));

  gtk_label_set_label (self->pages_error, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->pages_error), message != NULL);
}

void
sh_granted_pages_view_grab_focus (ShGrantedPagesView *self)
{
  g_return_if_fail (SH_IS_GRANTED_PAGES_VIEW (self));

  if (self->check_buttons != NULL && self->check_buttons->len > 0)
    gtk_widget_grab_focus (g_ptr_array_index (self->check_buttons, 0));
}

static void
sh_granted_pages_view_dispose (GObject *object)
{
  ShGrantedPagesView *self = SH_GRANTED_PAGES_VIEW (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->check_buttons, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_GRANTED_PAGES_VIEW);
  G_OBJECT_CLASS (sh_granted_pages_view_parent_class)->dispose (object);
}

static void
sh_granted_pages_view_class_init (ShGrantedPagesViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = sh_granted_pages_view_dispose;

  signals[SIGNAL_CHOSEN_CHANGED] =
    g_signal_new ("chosen-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/socialhub/SocialHub/sh-granted-pages-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ShGrantedPagesView, pages_note);
  gtk_widget_class_bind_template_child (widget_class, ShGrantedPagesView, pages_group);
  gtk_widget_class_bind_template_child (widget_class, ShGrantedPagesView, pages_error);
}

static void
sh_granted_pages_view_init (ShGrantedPagesView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
