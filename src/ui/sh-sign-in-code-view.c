/* sh-sign-in-code-view.c — see sh-sign-in-code-view.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sh-qr-code.h"
#include "sh-sign-in-code-view.h"

struct _ShSignInCodeView
{
  AdwBin         parent_instance;

  char          *user_code;
  char          *verification_uri;
  char          *authorize_uri;
  char          *network_name;
  gint64         expires_at;
  guint          countdown_id;

  GtkLabel      *code_intro;
  GtkWidget     *code_box;
  GtkLabel      *user_code_label;
  GtkWidget     *copy_code_button;
  GtkWidget     *address_box;
  GtkLinkButton *address_button;
  GtkWidget     *browser_box;
  GtkWidget     *no_browser_box;
  GtkLabel      *no_browser_label;
  GtkLabel      *authorize_label;
  GtkWidget     *copy_authorize_button;
  GtkWidget     *qr_box;
  ShQrCode      *qr_code;
  GtkSpinner    *wait_spinner;
  GtkLabel      *countdown_label;
};

G_DEFINE_FINAL_TYPE (ShSignInCodeView, sh_sign_in_code_view, ADW_TYPE_BIN)

enum {
  SIGNAL_HAVE_TOKEN,
  SIGNAL_EXPIRED,
  SIGNAL_TOAST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
update_countdown (ShSignInCodeView *self)
{
  gint64 left = self->expires_at - g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *text = NULL;

  if (left <= 0)
    {
      /* The provider would find out at its next poll; the person sees the
       * clock, so say it now. */
      self->countdown_id = 0;
      g_signal_emit (self, signals[SIGNAL_EXPIRED], 0, self->user_code != NULL);
      return G_SOURCE_REMOVE;
    }

  if (self->user_code != NULL)
    /* Translators: minutes and seconds, e.g. "Code expires in 6:42" */
    text = g_strdup_printf (_("Code expires in %d:%02d"), (int) (left / 60), (int) (left % 60));
  else
    /* Translators: minutes and seconds, e.g. "Waiting for the browser, 4:59 left" */
    text = g_strdup_printf (_("Waiting for the browser, %d:%02d left"),
                            (int) (left / 60), (int) (left % 60));
  gtk_label_set_label (self->countdown_label, text);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_countdown_tick (gpointer user_data)
{
  return update_countdown (SH_SIGN_IN_CODE_VIEW (user_data));
}

/* "https://example.com/device" → "example.com/device" */
static char *
address_for_display (const char *uri)
{
  const char *rest = strstr (uri, "://");

  return g_strdup (rest != NULL ? rest + 3 : uri);
}

static void show_no_browser (ShSignInCodeView *self, const char *reason);

void
sh_sign_in_code_view_show (ShSignInCodeView     *self,
                           const ShSignInPrompt *prompt,
                           const char           *network_name,
                           gboolean              device)
{
  g_autofree char *intro = NULL;

  g_return_if_fail (SH_IS_SIGN_IN_CODE_VIEW (self));
  g_return_if_fail (prompt != NULL);

  g_free (self->user_code);
  self->user_code = g_strdup (prompt->user_code);
  g_free (self->verification_uri);
  self->verification_uri = g_strdup (prompt->verification_uri);
  g_free (self->authorize_uri);
  self->authorize_uri = g_strdup (prompt->authorize_uri);
  self->expires_at = prompt->expires_at;
  g_free (self->network_name);
  self->network_name = g_strdup (network_name);

  if (device)
    /* Translators: %s is the name of a network */
    intro = g_strdup_printf (_("On a phone or computer, open the address below, sign in to %s "
                               "and enter the code. Whoever signs in gives SocialHub an access "
                               "token of their own."), network_name);
  else
    intro = g_strdup_printf (_("Sign in to %s in your browser and allow SocialHub. Whoever signs "
                               "in gives SocialHub an access token of their own."), network_name);
  gtk_label_set_label (self->code_intro, intro);

  gtk_widget_set_visible (self->code_box, device);
  gtk_label_set_label (self->user_code_label, device ? prompt->user_code : "");
  gtk_widget_set_visible (self->address_box, prompt->verification_uri != NULL);
  if (prompt->verification_uri != NULL)
    {
      g_autofree char *shown = address_for_display (prompt->verification_uri);

      gtk_link_button_set_uri (self->address_button, prompt->verification_uri);
      gtk_button_set_label (GTK_BUTTON (self->address_button), shown);
    }
  gtk_widget_set_visible (self->browser_box, !device && prompt->authorize_uri != NULL);
  gtk_widget_set_visible (self->no_browser_box, FALSE);

  gtk_widget_set_visible (self->qr_box, prompt->qr_uri != NULL);
  sh_qr_code_set_text (self->qr_code, prompt->qr_uri);
  if (prompt->qr_uri != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->qr_code),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, prompt->qr_uri, -1);

  g_clear_handle_id (&self->countdown_id, g_source_remove);
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), prompt->expires_at > 0);
  if (prompt->expires_at > 0 && update_countdown (self))
    self->countdown_id = g_timeout_add_seconds (1, on_countdown_tick, self);
  gtk_spinner_start (self->wait_spinner);
  if (!device && prompt->authorize_uri != NULL && prompt->browser_error != NULL)
    show_no_browser (self, prompt->browser_error);
}

void
sh_sign_in_code_view_stop (ShSignInCodeView *self)
{
  g_return_if_fail (SH_IS_SIGN_IN_CODE_VIEW (self));

  g_clear_handle_id (&self->countdown_id, g_source_remove);
  gtk_spinner_stop (self->wait_spinner);
}

void
sh_sign_in_code_view_grab_focus (ShSignInCodeView *self)
{
  g_return_if_fail (SH_IS_SIGN_IN_CODE_VIEW (self));

  if (gtk_widget_get_visible (self->code_box))
    gtk_widget_grab_focus (self->copy_code_button);
}

/* ---- copying and opening ---------------------------------------------------- */

static void
copy (ShSignInCodeView *self,
      const char       *text,
      const char       *done)
{
  if (text == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, done);
}

static void
on_copy_code_clicked (ShSignInCodeView *self)
{
  copy (self, self->user_code, _("Code copied"));
}

static void
on_copy_address_clicked (ShSignInCodeView *self)
{
  copy (self, self->verification_uri, _("Address copied"));
}

static void
on_copy_link_clicked (ShSignInCodeView *self)
{
  copy (self, self->authorize_uri, _("Link copied"));
}

/* No browser here (none installed, no OpenURI portal: "Operation not
 * supported"): instead of GTK's bare "Could not show link", the address to
 * copy, and what to do with it. */
static void
show_no_browser (ShSignInCodeView *self,
                 const char       *reason)
{
  g_autofree char *text = NULL;

  /* Translators: %s is why, from the system (e.g. "Operation not supported"), then a network */
  text = g_strdup_printf (_("No browser could be opened (%s). Copy this address into a browser "
                            "on this computer and sign in to %s there. SocialHub goes on "
                            "waiting."), reason, self->network_name);
  gtk_label_set_label (self->no_browser_label, text);
  gtk_label_set_label (self->authorize_label, self->authorize_uri);
  gtk_widget_set_visible (self->browser_box, FALSE);
  gtk_widget_set_visible (self->no_browser_box, TRUE);
  gtk_widget_grab_focus (self->copy_authorize_button);
}

/* gtk_show_uri_full is deprecated from GTK 4.10 (the Flatpak runtime's) for
 * GtkUriLauncher; both end here with the error, if any. */
static gboolean
browser_failed (GError *error)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  if (g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED) ||
      g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED))
    return FALSE;
#endif
  return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
on_browser_shown (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ShSignInCodeView) self = user_data;
  g_autoptr(GError) error = NULL;

#if GTK_CHECK_VERSION (4, 10, 0)
  if (gtk_uri_launcher_launch_finish (GTK_URI_LAUNCHER (source), result, &error) ||
#else
  if (gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error) ||
#endif
      !browser_failed (error) || self->authorize_uri == NULL)
    return;
  show_no_browser (self, error->message);
}

static void
on_open_browser_clicked (ShSignInCodeView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWindow *parent = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;

  if (self->authorize_uri == NULL)
    return;
#if GTK_CHECK_VERSION (4, 10, 0)
  {
    g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new (self->authorize_uri);

    gtk_uri_launcher_launch (launcher, parent, NULL, on_browser_shown, g_object_ref (self));
  }
#else
  gtk_show_uri_full (parent, self->authorize_uri, GDK_CURRENT_TIME, NULL, on_browser_shown,
                     g_object_ref (self));
#endif
}

static void
on_have_token_clicked (ShSignInCodeView *self)
{
  g_signal_emit (self, signals[SIGNAL_HAVE_TOKEN], 0);
}

const char *
sh_sign_in_code_view_get_waiting_authorize_uri (ShSignInCodeView *self)
{
  g_return_val_if_fail (SH_IS_SIGN_IN_CODE_VIEW (self), NULL);

  /* The countdown runs exactly while the attempt does. */
  if (self->countdown_id == 0 || self->user_code != NULL ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return NULL;
  return self->authorize_uri;
}

/* ---- object ------------------------------------------------------------------- */

static void
sh_sign_in_code_view_dispose (GObject *object)
{
  ShSignInCodeView *self = SH_SIGN_IN_CODE_VIEW (object);

  g_clear_handle_id (&self->countdown_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_SIGN_IN_CODE_VIEW);
  G_OBJECT_CLASS (sh_sign_in_code_view_parent_class)->dispose (object);
}

static void
sh_sign_in_code_view_finalize (GObject *object)
{
  ShSignInCodeView *self = SH_SIGN_IN_CODE_VIEW (object);

  g_free (self->user_code);
  g_free (self->verification_uri);
  g_free (self->authorize_uri);
  g_free (self->network_name);
  G_OBJECT_CLASS (sh_sign_in_code_view_parent_class)->finalize (object);
}

static void
sh_sign_in_code_view_class_init (ShSignInCodeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sh_sign_in_code_view_dispose;
  object_class->finalize = sh_sign_in_code_view_finalize;

  signals[SIGNAL_HAVE_TOKEN] =
    g_signal_new ("have-token", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_EXPIRED] =
    g_signal_new ("expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (SH_TYPE_QR_CODE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/socialhub/SocialHub/sh-sign-in-code-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ShSignInCodeView, code_intro);
  gtk_widget_class_bind_template_child (widget_class, ShSignInCodeView, code_box);
  gtk_widget_class_bind_template_child (widget_class, ShSignInCodeView, user_code_label);
  gtk_widget_class_bind_template_child (widget_class, ShSignInCodeView, copy_code_button);
  gtk_widget_class_bind_template_child (widget_class, ShSignInCodeView, address_box);
  gtk_widget_class_bind_template_child (widget_class, ShSignInCodeView, address_button);
  gtk_widget_class_bind_template_child (widget_class, ShSignInCodeView, browser_box);
  gtk_widget_class_bind_template_child (widget_class, ShSignInCodeView, no_browser_box);
  gtk_widget_class_bind_template_child (widget_class, ShSignInCodeView, no_browser_label);
  gtk_widget_class_bind_template_child (widget_class, ShSignInCodeView, authorize_label);
  gtk_widget_class_bind_template_child (widget_class, ShSignInCodeView, copy_authorize_button);
  gtk_widget_class_bind_template_child (widget_class, ShSignInCodeView, qr_box);
  gtk_widget_class_bind_template_child (widget_class, ShSignInCodeView, qr_code);
  gtk_widget_class_bind_template_child (widget_class, ShSignInCodeView, wait_spinner);
  gtk_widget_class_bind_template_child (widget_class, ShSignInCodeView, countdown_label);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_code_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_address_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_link_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_open_browser_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_have_token_clicked);
}

static void
sh_sign_in_code_view_init (ShSignInCodeView *self)
{
  g_autoptr(PangoAttrList) no_hyphens = pango_attr_list_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The address wraps anywhere; a hyphen Pango would add there is not part
   * of it, and someone typing it off the screen would type it. */
  pango_attr_list_insert (no_hyphens, pango_attr_insert_hyphens_new (FALSE));
  gtk_label_set_attributes (self->authorize_label, no_hyphens);
}
