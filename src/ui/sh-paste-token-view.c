/* sh-paste-token-view.c — see sh-paste-token-view.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-paste-token-view.h"

struct _ShPasteTokenView
{
  AdwBin               parent_instance;

  AdwPreferencesGroup *paste_group;
  GtkEditable         *token_entry;
  GtkWidget           *owner_entry;
  GtkLabel            *paste_error;
  GtkWidget           *paste_add_button;
};

G_DEFINE_FINAL_TYPE (ShPasteTokenView, sh_paste_token_view, ADW_TYPE_BIN)

enum {
  SIGNAL_ADD,
  SIGNAL_SIGN_IN_INSTEAD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
sh_paste_token_view_prepare (ShPasteTokenView *self,
                             const char       *description,
                             gboolean          ask_owner)
{
  g_return_if_fail (SH_IS_PASTE_TOKEN_VIEW (self));

  adw_preferences_group_set_description (self->paste_group, description);
  gtk_widget_set_visible (self->owner_entry, ask_owner);
}

void
sh_paste_token_view_show_error (ShPasteTokenView *self,
                                const char       *error_message)
{
  g_return_if_fail (SH_IS_PASTE_TOKEN_VIEW (self));

  gtk_label_set_label (self->paste_error, error_message != NULL ? error_message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->paste_error), error_message != NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->token_entry));
}

const char *
sh_paste_token_view_get_token (ShPasteTokenView *self)
{
  g_return_val_if_fail (SH_IS_PASTE_TOKEN_VIEW (self), NULL);
  return gtk_editable_get_text (self->token_entry);
}

const char *
sh_paste_token_view_get_owner (ShPasteTokenView *self)
{
  g_return_val_if_fail (SH_IS_PASTE_TOKEN_VIEW (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->owner_entry));
}

void
sh_paste_token_view_clear_token (ShPasteTokenView *self)
{
  g_return_if_fail (SH_IS_PASTE_TOKEN_VIEW (self));
  gtk_editable_set_text (self->token_entry, "");
}

static void
on_add_clicked (ShPasteTokenView *self)
{
  const char *text = gtk_editable_get_text (self->token_entry);

  if (text != NULL && *text != '\0')
    g_signal_emit (self, signals[SIGNAL_ADD], 0);
}

static void
on_token_changed (ShPasteTokenView *self)
{
  const char *text = gtk_editable_get_text (self->token_entry);

  gtk_widget_set_sensitive (self->paste_add_button, text != NULL && *text != '\0');
}

static void
on_sign_in_instead_clicked (ShPasteTokenView *self)
{
  g_signal_emit (self, signals[SIGNAL_SIGN_IN_INSTEAD], 0);
}

static void
sh_paste_token_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SH_TYPE_PASTE_TOKEN_VIEW);
  G_OBJECT_CLASS (sh_paste_token_view_parent_class)->dispose (object);
}

static void
sh_paste_token_view_class_init (ShPasteTokenViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = sh_paste_token_view_dispose;

  signals[SIGNAL_ADD] =
    g_signal_new ("add", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_SIGN_IN_INSTEAD] =
    g_signal_new ("sign-in-instead", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/socialhub/SocialHub/sh-paste-token-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ShPasteTokenView, paste_group);
  gtk_widget_class_bind_template_child (widget_class, ShPasteTokenView, token_entry);
  gtk_widget_class_bind_template_child (widget_class, ShPasteTokenView, owner_entry);
  gtk_widget_class_bind_template_child (widget_class, ShPasteTokenView, paste_error);
  gtk_widget_class_bind_template_child (widget_class, ShPasteTokenView, paste_add_button);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_token_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_instead_clicked);
}

static void
sh_paste_token_view_init (ShPasteTokenView *self)
{
  GtkEditable *owner_text;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The text a screen reader lands on is the row's inner GtkText: it gets
   * the question as its name, not only the row around it. */
  owner_text = gtk_editable_get_delegate (GTK_EDITABLE (self->owner_entry));
  gtk_accessible_update_property (GTK_ACCESSIBLE (owner_text),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Whose token is this?"), -1);
}
