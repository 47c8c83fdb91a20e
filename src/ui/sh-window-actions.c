/* sh-window-actions.c — what the main window does, and the toasts that say
 * how it went.
 *
 * win.show-channel(channel id) and win.back move between the list and a
 * channel's page, win.search shows the search field, win.add-channel and
 * win.add-token(channel id) open the "Add Channel" dialog,
 * win.remove-token(token id) asks and removes (a channel living on another's
 * tokens and no longer linked there: the whole channel), win.restore-tokens takes back
 * the keyring's orphans, and win.check-now checks every token.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-accessible-names.h"
#include "sh-add-token-dialog.h"
#include "sh-channel-display.h"
#include "sh-checker.h"
#include "sh-derived.h"
#include "sh-monitor.h"
#include "sh-untrusted-text.h"
#include "sh-window-private.h"

/* ---- moving between the list and a channel ---------------------------------- */

/* The channel an action's "CHANNEL-ID" names, if it is still in the list. */
static ShChannel *
lookup_channel (ShWindow *self,
                GVariant *parameter)
{
  return sh_channel_list_lookup (sh_manager_get_channels (self->manager),
                                 g_variant_get_string (parameter, NULL));
}

/* win.show-channel("CHANNEL-ID") */
static void
show_channel_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ShWindow *self = SH_WINDOW (widget);
  ShChannel *channel = lookup_channel (self, parameter);

  if (channel != NULL)
    _sh_window_show_channel (self, channel);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  _sh_window_show_channel (SH_WINDOW (widget), NULL);
}

/* Ctrl+F: from anywhere, back to the list with the search field focused. */
static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ShWindow *self = SH_WINDOW (widget);

  _sh_window_show_channel (self, NULL);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* ---- the restore offer ------------------------------------------------------ */

static void
on_restored (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ShWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  guint n_restored = 0, n_left = 0;

  if (!sh_manager_restore_finish (SH_MANAGER (source), result, &n_restored, &n_left, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        sh_window_add_toast (self, error->message);
      return;
    }
  if (n_left > 0)
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Restored %u access tokens; %u does not say which channel it belongs to and stays in the keyring",
                                          "Restored %u access tokens; %u do not say which channel they belong to and stay in the keyring",
                                          n_left),
                             n_restored, n_left);
  else
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Restored %u access token",
                                          "Restored %u access tokens", n_restored),
                             n_restored);
  sh_window_add_toast (self, title);
}

static void
restore_tokens_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ShWindow *self = SH_WINDOW (widget);

  sh_manager_restore_async (self->manager, self->cancellable, on_restored, g_object_ref (self));
}

static void
on_restore_toast_dismissed (AdwToast *toast,
                            ShWindow *self)
{
  if (self->restore_toast == toast)
    self->restore_toast = NULL;
}

/* Secrets in the keyring that no channel lists are never deleted on a
 * guess: the window offers them back until the person decides. */
void
_sh_window_update_restore_offer (ShWindow *self)
{
  guint n = sh_manager_get_n_orphans (self->manager);
  g_autofree char *title = NULL;

  if (n == 0)
    {
      if (self->restore_toast != NULL)
        adw_toast_dismiss (self->restore_toast);
      return;
    }
  if (self->toast_overlay == NULL)
    return;
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Found %u access token in the keyring that no channel lists",
                                        "Found %u access tokens in the keyring that no channel lists",
                                        n),
                           n);
  if (self->restore_toast != NULL)
    {
      adw_toast_set_title (self->restore_toast, title);
      return;
    }
  self->restore_toast = adw_toast_new (title);
  /* It stays until used or dismissed: a decision, not a passing message. */
  adw_toast_set_timeout (self->restore_toast, 0);
  adw_toast_set_priority (self->restore_toast, ADW_TOAST_PRIORITY_HIGH);
  /* Translators: the button of "Found 6 access tokens in the keyring that no channel lists" */
  adw_toast_set_button_label (self->restore_toast, _("_Restore"));
  adw_toast_set_action_name (self->restore_toast, "win.restore-tokens");
  g_signal_connect_object (self->restore_toast, "dismissed",
                           G_CALLBACK (on_restore_toast_dismissed), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, self->restore_toast);
}

/* ---- adding tokens --------------------------------------------------------- */

static void
on_tokens_added (ShAddTokenDialog *dialog,
                 guint             n_added,
                 ShWindow         *self)
{
  guint n_channels = sh_add_token_dialog_get_n_new_channels (dialog);
  guint n_tokens = n_added - n_channels;
  g_autofree char *channels = NULL;
  g_autofree char *tokens = NULL;
  g_autofree char *title = NULL;

  /* New channels are what a person sees appear in the list; a token that
   * joined a channel already there is an access token. */
  channels = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Added %u channel",
                                           "Added %u channels", n_channels), n_channels);
  tokens = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Added %u access token",
                                         "Added %u access tokens", n_tokens), n_tokens);
  if (n_tokens == 0)
    sh_window_add_toast (self, channels);
  else if (n_channels == 0)
    sh_window_add_toast (self, tokens);
  else
    {
      g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u access token to a channel in the list",
                                                            "%u access tokens to channels in the list",
                                                            n_tokens), n_tokens);

      /* Translators: "Added 2 channels" and "1 access token to a channel in the list" */
      title = g_strdup_printf (_("%s, and %s"), channels, more);
      sh_window_add_toast (self, title);
    }
}

/* The same token pasted or granted again: nothing was added; say which. */
static void
on_token_present (ShAddTokenDialog *dialog,
                  const char       *message,
                  ShWindow         *self)
{
  sh_window_add_toast (self, message);
}

static void
open_add_token_dialog (ShWindow  *self,
                       ShChannel *channel)
{
  GtkWidget *dialog = sh_add_token_dialog_new (GTK_WINDOW (self), self->manager, channel);

  g_signal_connect_object (dialog, "tokens-added", G_CALLBACK (on_tokens_added), self, 0);
  g_signal_connect_object (dialog, "token-present", G_CALLBACK (on_token_present), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_channel_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  open_add_token_dialog (SH_WINDOW (widget), NULL);
}

/* win.add-token("CHANNEL-ID"): a token for a channel that is in the list. */
static void
add_token_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ShWindow *self = SH_WINDOW (widget);
  ShChannel *channel = lookup_channel (self, parameter);

  if (channel != NULL)
    open_add_token_dialog (self, channel);
}

/* ---- removing a token ------------------------------------------------------- */

typedef struct {
  ShWindow  *self;
  char      *done;      /* the toast when it worked */
  ShChannel *channel;   /* a channel removed as a whole, or NULL */
} RemoveData;

static void
remove_data_free (RemoveData *data)
{
  g_object_unref (data->self);
  g_free (data->done);
  g_clear_object (&data->channel);
  g_free (data);
}

/* A channel living on another's tokens, no longer linked there, goes as a
 * whole: token by token, the last taking the channel. Its tokens have no
 * keyring item of their own: the other channel's stay. */
static void
on_shared_token_removed (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  RemoveData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShToken) next = NULL;

  if (!sh_manager_remove_token_finish (SH_MANAGER (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        sh_window_add_toast (data->self, error->message);
      remove_data_free (data);
      return;
    }
  if (sh_channel_get_n_tokens (data->channel) == 0)
    {
      sh_window_add_toast (data->self, data->done);
      remove_data_free (data);
      return;
    }
  next = g_list_model_get_item (sh_channel_get_tokens (data->channel), 0);
  sh_manager_remove_token_async (SH_MANAGER (source), next, data->self->cancellable,
                                 on_shared_token_removed, data);
}

static void
on_token_removed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RemoveData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;

  if (!sh_manager_revoke_token_finish (SH_MANAGER (source), result, &warning, &error))
    {
      if (!g_cancellable_is_cancelled (data->self->cancellable) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        sh_window_add_toast (data->self, error->message);
    }
  else if (!g_cancellable_is_cancelled (data->self->cancellable))
    /* A failed revocation is worth more than "done": it may still work. */
    sh_window_add_toast (data->self, warning != NULL ? warning : data->done);
  remove_data_free (data);
}

/* Sanitized: the network's text, in a dialog's heading or a toast. */
static char *
token_owner_name (ShToken *token)
{
  const char *owner = sh_token_get_owner_name (token);

  return owner != NULL && *owner != '\0' ? sh_untrusted_text_sanitize (owner)
                                         : g_strdup (_("Unknown person"));
}

static void
on_remove_response (GObject          *dialog, /* AdwMessageDialog or AdwAlertDialog */
                    const char       *response,
                    ShWindow         *self)
{
  ShToken *token = g_object_get_data (G_OBJECT (dialog), "sh-token");
  ShChannel *channel = g_object_get_data (G_OBJECT (dialog), "sh-channel");
  g_autofree char *owner = NULL;
  g_autofree char *name = NULL;
  RemoveData *data;

  if (!g_str_equal (response, "remove") || token == NULL)
    return;

  data = g_new0 (RemoveData, 1);
  data->self = g_object_ref (self);
  if (channel != NULL)
    {
      data->channel = g_object_ref (channel);
      name = sh_channel_dup_display_name (channel);
      /* Translators: a toast, e.g. "Removed @bakery" */
      data->done = g_strdup_printf (_("Removed %s"), name);
      sh_manager_remove_token_async (self->manager, token, self->cancellable,
                                     on_shared_token_removed, data);
      return;
    }
  /* Translators: a toast, e.g. "Removed the access token of Alice Example" */
  owner = token_owner_name (token);
  data->done = g_strdup_printf (_("Removed the access token of %s"), owner);
  /* Revoked at the network where that exists (X), then forgotten. */
  sh_manager_revoke_token_async (self->manager, token, self->cancellable, on_token_removed, data);
}

/* win.remove-token("TOKEN-ID"), after a confirmation. */
static void
remove_token_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ShWindow *self = SH_WINDOW (widget);
  ShChannel *channel = NULL;
  ShToken *token = sh_channel_list_lookup_token (sh_manager_get_channels (self->manager),
                                                 g_variant_get_string (parameter, NULL),
                                                 &channel);
  g_autofree char *heading = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *name = NULL;
  const char *body;
  GtkWidget *dialog;

  if (token == NULL || channel == NULL)
    return;

  /* Translators: a person, then a channel */
  owner = token_owner_name (token);
  name = sh_channel_dup_display_name (channel);
  heading = g_strdup_printf (_("Remove the access token of %s from %s?"), owner, name);
  if (sh_token_get_shares (token) != NULL)
    {
      /* Only one no longer linked to the channel it lives on (its page
       * offers nothing else): it goes as a whole. */
      if (!sh_derived_is_removable (channel))
        return;
      g_free (heading);
      /* Translators: a channel, e.g. "Remove @bakery?" */
      heading = g_strdup_printf (_("Remove %s?"), name);
      body = _("It is no longer linked to the channel whose access tokens it used. SocialHub "
               "forgets it; that channel and its tokens stay. If it is linked again, the next "
               "daily look finds it.");
    }
  else if (sh_channel_get_n_tokens (channel) <= 1)
    body = _("It is the channel’s only token, so the channel leaves SocialHub too. SocialHub "
             "forgets the token and deletes it from the keyring.");
  else
    body = _("The channel keeps its other tokens. SocialHub forgets this one and deletes it "
             "from the keyring.");

  /* AdwMessageDialog is deprecated from libadwaita 1.6 (the Flatpak runtime's); its
   * replacement AdwAlertDialog (1.5) has the same responses and "response" signal. */
#if ADW_CHECK_VERSION (1, 5, 0)
  dialog = GTK_WIDGET (adw_alert_dialog_new (heading, body));
  adw_alert_dialog_add_responses (ADW_ALERT_DIALOG (dialog),
                                  "cancel", _("_Cancel"),
                                  "remove", _("_Remove"),
                                  NULL);
  adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), "remove",
                                            ADW_RESPONSE_DESTRUCTIVE);
  adw_alert_dialog_set_default_response (ADW_ALERT_DIALOG (dialog), "cancel");
  adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (dialog), "cancel");
#else
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
#endif
  g_object_set_data_full (G_OBJECT (dialog), "sh-token", g_object_ref (token), g_object_unref);
  if (sh_token_get_shares (token) != NULL)
    g_object_set_data_full (G_OBJECT (dialog), "sh-channel", g_object_ref (channel),
                            g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  sh_widget_fix_mnemonic_names (dialog);
#if ADW_CHECK_VERSION (1, 5, 0)
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (self));
#else
  gtk_window_present (GTK_WINDOW (dialog));
#endif
}

/* ---- checking ------------------------------------------------------------------ */

static void
set_checking (ShWindow *self,
              gboolean  checking)
{
  self->checking = checking;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.check-now", !checking);
  gtk_stack_set_visible_child_name (self->check_stack, checking ? "running" : "idle");
  if (checking)
    gtk_spinner_start (self->check_spinner);
  else
    gtk_spinner_stop (self->check_spinner);
  gtk_widget_set_tooltip_text (self->check_button, checking ? _("Checking…") : _("Check Now"));
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ShWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *checked = NULL;
  const char *failure;
  ShCheckSummary summary = { 0 };

  if (!sh_monitor_check_now_finish (self->monitor, result, &summary, &error))
    {
      if (g_cancellable_is_cancelled (self->cancellable))
        return;
      set_checking (self, FALSE);
      /* A locked keyring, an unwritable file: the error says what to do. */
      sh_window_add_toast (self, error->message);
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  set_checking (self, FALSE);

  failure = sh_monitor_get_failure (self->monitor);
  /* Some tokens wait for the network's budget: how many, and by when. */
  if (summary.n_deferred > 0 && failure == NULL)
    {
      g_autofree char *deferred = sh_checker_describe_deferred (&summary);

      sh_window_add_long_toast (self, deferred);
      return;
    }
  checked = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Checked %u token",
                                          "Checked %u tokens", summary.n_checked),
                             summary.n_checked);
  if (summary.n_checked + summary.n_unknown == 0)
    title = g_strdup (_("No access tokens to check"));
  else if (summary.n_unknown == 0)
    title = g_steal_pointer (&checked);
  else if (failure == NULL)
    {
      g_autofree char *unknown = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "%u could not be checked",
                                                               "%u could not be checked",
                                                               summary.n_unknown),
                                                  summary.n_unknown);

      /* Translators: "Checked 3 tokens; 2 could not be checked" */
      title = g_strdup_printf (_("%s; %s"), checked, unknown);
    }
  else
    {
      /* Nothing, or not everything, reached a verdict (a network's pause,
       * offline): why, and when the next try is, rather than a count. */
      if (summary.n_checked == 0)
        title = g_strdup (failure);
      else
        /* Translators: "Checked 3 tokens. Could not check: … Next try at 11:05." */
        title = g_strdup_printf (_("%s. %s"), checked, failure);
      sh_window_add_long_toast (self, title);
      return;
    }
  sh_window_add_toast (self, title);
}

static void
check_now_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ShWindow *self = SH_WINDOW (widget);

  if (self->checking)
    return;
  set_checking (self, TRUE);
  /* After a check under way, one more (sh-monitor.h); the checker loads
   * the file first if needed. */
  sh_monitor_check_now_async (self->monitor, self->cancellable, on_checked, g_object_ref (self));
}

/* ---- the window's actions and their keys ---------------------------------------- */

void
_sh_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.show-channel", "s", show_channel_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search", NULL);

  gtk_widget_class_install_action (widget_class, "win.add-channel", NULL, add_channel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.add-channel", NULL);
  gtk_widget_class_install_action (widget_class, "win.add-token", "s", add_token_action);
  gtk_widget_class_install_action (widget_class, "win.remove-token", "s", remove_token_action);
  gtk_widget_class_install_action (widget_class, "win.check-now", NULL, check_now_action);
  gtk_widget_class_install_action (widget_class, "win.restore-tokens", NULL, restore_tokens_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.check-now", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.check-now", NULL);
}
