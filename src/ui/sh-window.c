/* sh-window.c — the main window: every channel and its tokens, by health.
 *
 * The window may open before the manager has loaded the data file, so it
 * follows the manager's "loaded" and the channel list rather than reading
 * them once: a spinner while loading, an explanation when there is nothing,
 * otherwise the channels by health, the ones needing action first, in a list
 * that builds only the rows on screen (sh-channel-list-view.c), with a
 * search by name. A channel opens on a page of its own with its tokens.
 *
 * Its actions: win.show-channel(channel id) and win.back move between the
 * list and a channel's page, win.search shows the search field,
 * win.add-channel and win.add-token(channel id) open the "Add Channel"
 * dialog, win.remove-token(token id) asks and removes, and win.check-now
 * checks every token; results come back as toasts.
 */
#include "config.h"

#include <stdio.h>
#include <sys/resource.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "sh-add-token-dialog.h"
#include "sh-channel-display.h"
#include "sh-channel-list-view.h"
#include "sh-channel-page.h"
#include "sh-channel-sections.h"
#include "sh-check.h"
#include "sh-status-bar.h"
#include "sh-untrusted-text.h"
#include "sh-window.h"

struct _ShWindow
{
  AdwApplicationWindow  parent_instance;

  ShManager            *manager;
  ShChannelSections    *sections;
  ShPictureCache       *pictures;
  /* Fires when the window closes: nothing started here calls back into it. */
  GCancellable         *cancellable;
  gboolean              checking;

  AdwWindowTitle       *window_title;
  GtkWidget            *sandbox_badge;
  GtkRevealer          *notice_revealer;
  GtkLabel             *notice_label;
  GtkStack             *stack;
  AdwStatusPage        *empty_page;
  GtkStack             *list_stack;
  AdwBin               *list_bin;
  GtkSearchBar         *search_bar;
  GtkEditable          *search_entry;
  GtkWidget            *search_button;
  GtkWidget            *back_button;
  ShChannelPage        *channel_page;
  AdwToastOverlay      *toast_overlay;
  AdwToast             *restore_toast;   /* the offer while it shows */
  GtkWidget            *check_button;
  GtkStack             *check_stack;
  GtkSpinner           *check_spinner;
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
  ShChannel *shown = sh_channel_page_get_channel (self->channel_page);
  const char *page;
  gboolean on_channel;

  /* A channel whose last token was removed has left the list: its page goes. */
  if (shown != NULL &&
      sh_channel_list_lookup (sh_manager_get_channels (self->manager),
                              sh_channel_get_id (shown)) != shown)
    {
      sh_channel_page_set_channel (self->channel_page, NULL);
      shown = NULL;
    }

  if (shown != NULL)
    page = "channel";
  else if (g_list_model_get_n_items (channels) > 0)
    page = "list";
  else if (sh_manager_get_loaded (self->manager))
    page = "empty";
  else
    page = "loading";
  /* Into a channel slides left, back slides right, as pages do in GNOME. */
  if (g_str_equal (page, "channel"))
    gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT);
  else if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "channel") == 0)
    gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_SLIDE_RIGHT);
  else
    gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_stack_set_visible_child_name (self->stack, page);

  on_channel = shown != NULL;
  gtk_widget_set_visible (self->back_button, on_channel);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", on_channel);
  gtk_widget_set_visible (self->search_button, g_str_equal (page, "list"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search",
                                 g_str_equal (page, "list") || on_channel);
  if (on_channel)
    {
      g_autofree char *name = sh_channel_dup_display_name (shown);

      adw_window_title_set_title (self->window_title, name);
    }
  else
    adw_window_title_set_title (self->window_title, _("SocialHub"));
}

static void
on_channels_changed (GListModel *channels,
                     guint       position,
                     guint       removed,
                     guint       added,
                     ShWindow   *self)
{
  update_view (self);
}

/* "No channel found" instead of an empty list while a search matches none. */
static void
on_sections_changed (GListModel *sections,
                     guint       position,
                     guint       removed,
                     guint       added,
                     ShWindow   *self)
{
  gboolean none = sh_channel_sections_get_n_channels (self->sections) == 0 &&
                  sh_channel_sections_get_search (self->sections) != NULL;

  gtk_stack_set_visible_child_name (self->list_stack, none ? "no-results" : "channels");
}

/* ---- moving between the list and a channel ---------------------------------- */

static void
show_channel (ShWindow  *self,
              ShChannel *channel)
{
  sh_channel_page_set_channel (self->channel_page, channel);
  update_view (self);
}

/* win.show-channel("CHANNEL-ID") */
static void
show_channel_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ShWindow *self = SH_WINDOW (widget);
  ShChannel *channel = sh_channel_list_lookup (sh_manager_get_channels (self->manager),
                                               g_variant_get_string (parameter, NULL));

  if (channel != NULL)
    show_channel (self, channel);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  show_channel (SH_WINDOW (widget), NULL);
}

/* Ctrl+F: from anywhere, back to the list with the search field focused. */
static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ShWindow *self = SH_WINDOW (widget);

  show_channel (self, NULL);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
on_search_changed (ShWindow *self)
{
  sh_channel_sections_set_search (self->sections, gtk_editable_get_text (self->search_entry));
}

/* Enter in the search field opens the first channel found. */
static void
on_search_activate (ShWindow *self)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->sections)); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->sections), i);

      if (SH_IS_CHANNEL (item))
        {
          show_channel (self, SH_CHANNEL (item));
          return;
        }
    }
}

/* Closing the search bar shows every channel again. */
static void
on_search_mode (GtkSearchBar *search_bar,
                GParamSpec   *pspec,
                ShWindow     *self)
{
  if (!gtk_search_bar_get_search_mode (search_bar))
    gtk_editable_set_text (self->search_entry, "");
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
static void
on_orphans_changed (ShWindow *self)
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
  g_autofree char *title = NULL;

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Added %u access token",
                                        "Added %u access tokens", n_added),
                           n_added);
  sh_window_add_toast (self, title);
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
  ShChannel *channel = sh_channel_list_lookup (sh_manager_get_channels (self->manager),
                                               g_variant_get_string (parameter, NULL));

  if (channel != NULL)
    open_add_token_dialog (self, channel);
}

/* ---- removing a token ------------------------------------------------------- */

typedef struct {
  ShWindow *self;
  char     *done;   /* the toast when it worked */
} RemoveData;

static void
remove_data_free (RemoveData *data)
{
  g_object_unref (data->self);
  g_free (data->done);
  g_free (data);
}

static void
on_token_removed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RemoveData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;

  if (!sh_check_remove_token_finish (SH_MANAGER (source), result, &warning, &error))
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
on_remove_response (AdwMessageDialog *dialog,
                    const char       *response,
                    ShWindow         *self)
{
  ShToken *token = g_object_get_data (G_OBJECT (dialog), "sh-token");
  g_autofree char *owner = NULL;
  RemoveData *data;

  if (!g_str_equal (response, "remove") || token == NULL)
    return;

  data = g_new0 (RemoveData, 1);
  data->self = g_object_ref (self);
  /* Translators: a toast, e.g. "Removed the access token of Alice Example" */
  owner = token_owner_name (token);
  data->done = g_strdup_printf (_("Removed the access token of %s"), owner);
  /* Revoked at the network where that exists (X), then forgotten. */
  sh_check_remove_token_async (self->manager, token, self->cancellable, on_token_removed, data);
}

/* GTK 4.8 names a button with a mnemonic after both its raw label and its
 * label widget ("_Remove Remove"); the label widget alone is the right name. */
static void
fix_mnemonic_names (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && gtk_button_get_use_underline (GTK_BUTTON (widget)))
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    fix_mnemonic_names (child);
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
  if (sh_channel_get_n_tokens (channel) <= 1)
    body = _("It is the channel’s only token, so the channel leaves SocialHub too. SocialHub "
             "forgets the token and deletes it from the keyring.");
  else
    body = _("The channel keeps its other tokens. SocialHub forgets this one and deletes it "
             "from the keyring.");

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "sh-token", g_object_ref (token), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  fix_mnemonic_names (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
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
  ShCheckSummary summary = { 0 };

  if (!sh_check_all_finish (SH_MANAGER (source), result, &summary, &error))
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

  if (summary.n_checked + summary.n_unknown == 0)
    title = g_strdup (_("No access tokens to check"));
  else if (summary.n_unknown == 0)
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Checked %u token",
                                          "Checked %u tokens", summary.n_checked),
                             summary.n_checked);
  else
    {
      g_autofree char *checked = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "Checked %u token",
                                                               "Checked %u tokens",
                                                               summary.n_checked),
                                                  summary.n_checked);
      g_autofree char *unknown = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "%u could not be checked",
                                                               "%u could not be checked",
                                                               summary.n_unknown),
                                                  summary.n_unknown);

      /* Translators: "Checked 3 tokens; 2 could not be checked" */
      title = g_strdup_printf (_("%s; %s"), checked, unknown);
    }
  sh_window_add_toast (self, title);
}

static void
on_loaded_for_check (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(ShWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  /* Checking before the file is read would save an empty list over it. */
  if (!sh_manager_ensure_loaded_finish (SH_MANAGER (source), result, &error))
    {
      set_checking (self, FALSE);
      sh_window_add_toast (self, error->message);
      return;
    }
  sh_check_all_async (self->manager, self->cancellable, on_checked, g_object_ref (self));
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
  sh_manager_ensure_loaded_async (self->manager, self->cancellable, on_loaded_for_check,
                                  g_object_ref (self));
}

/* ---- SOCIALHUB_DEBUG_STARTUP ------------------------------------------------ */

/* With SOCIALHUB_DEBUG_STARTUP set, the window prints to stderr how long
 * after the process started its first frame was painted ("first-frame-ms:
 * N") and the first frame painted once the data file is loaded, with the
 * channels it shows ("first-content-frame-ms: N channels: M"); the
 * benchmark (tests/bench/) reads them. The process start is the kernel's
 * (/proc/self/stat starttime, in clock ticks of CLOCK_BOOTTIME), read once
 * when the program is loaded and carried on from there with the monotonic
 * clock, which has a finer grain than the ticks. */
static gint64 startup_origin_us = -1;   /* process start on g_get_monotonic_time()'s clock */

static gint64
process_age_us (void)
{
  g_autofree char *stat = NULL;
  const char *after_comm;
  unsigned long long start_ticks = 0;
  struct timespec boot;
  long hz = sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) ||
      (after_comm = strrchr (stat, ')')) == NULL || hz <= 0 ||
      clock_gettime (CLOCK_BOOTTIME, &boot) != 0)
    return 0;
  /* Field 22 is starttime; after_comm points at the end of field 2. */
  if (sscanf (after_comm + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
              "%*d %*d %*d %*d %llu", &start_ticks) != 1)
    return 0;
  return MAX ((gint64) boot.tv_sec * G_USEC_PER_SEC + boot.tv_nsec / 1000 -
              (gint64) (start_ticks * G_USEC_PER_SEC / (unsigned long long) hz), 0);
}

__attribute__((constructor)) static void
startup_origin_init (void)
{
  if (g_getenv ("SOCIALHUB_DEBUG_STARTUP") != NULL)
    startup_origin_us = g_get_monotonic_time () - process_age_us ();
}

static void
on_debug_after_paint (GdkFrameClock *clock,
                      ShWindow      *self)
{
  static gboolean first_done = FALSE;
  gint64 ms = (g_get_monotonic_time () - startup_origin_us) / 1000;

  if (!first_done)
    {
      first_done = TRUE;
      g_printerr ("first-frame-ms: %" G_GINT64_FORMAT "\n", ms);
    }
  if (self->manager != NULL && sh_manager_get_loaded (self->manager))
    {
      GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (self->manager));

      struct rusage usage;

      /* CPU time too: on a shared machine the wall time also counts what
       * others ran. */
      getrusage (RUSAGE_SELF, &usage);
      g_printerr ("first-content-frame-ms: %" G_GINT64_FORMAT " channels: %u cpu-ms: %ld\n",
                  ms, g_list_model_get_n_items (channels),
                  (long) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000 +
                  (long) (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000);
      g_signal_handlers_disconnect_by_func (clock, on_debug_after_paint, self);
    }
}

static void
on_debug_realize (GtkWidget *widget)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                           G_CALLBACK (on_debug_after_paint), widget, 0);
}

/* The Sandbox menu lives on the application (sh-sandbox-menu.c). Without
 * the emulator's world (a test window) the badge stays, with nothing to
 * break. */
static void
on_application_set (ShWindow   *self,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GMenuModel *menu = app ? g_object_get_data (G_OBJECT (app), "sh-sandbox-menu") : NULL;

  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->sandbox_badge), menu);
  gtk_widget_set_sensitive (self->sandbox_badge, menu != NULL);
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
      adw_window_title_set_subtitle (self->window_title, _("Sandbox"));
      gtk_widget_set_visible (self->sandbox_badge, TRUE);
      /* "application" is an ordinary property: g_object_new sets it after
       * constructed(), so the menu is looked up when it arrives. */
      g_signal_connect (self, "notify::application", G_CALLBACK (on_application_set), NULL);
      on_application_set (self, NULL, NULL);
    }

  self->sections = sh_channel_sections_new (channels);
  {
    /* Kept apart from the real app's by the sandbox, like the data. */
    g_autofree char *dir = g_build_filename (g_get_user_cache_dir (),
                                             sh_manager_get_sandbox (self->manager)
                                             ? "socialhub-sandbox" : "socialhub",
                                             "pictures", NULL);
    self->pictures = sh_picture_cache_new (dir);
  }
  adw_bin_set_child (self->list_bin, sh_channel_list_view_new (self->sections, self->pictures));
  sh_channel_page_set_picture_cache (self->channel_page, self->pictures);
  g_signal_connect (self->sections, "items-changed", G_CALLBACK (on_sections_changed), self);
  g_object_bind_property (self->search_button, "active", self->search_bar, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect (self->search_bar, "notify::search-mode-enabled",
                    G_CALLBACK (on_search_mode), self);
  /* Typing anywhere in the list starts a search, as in GNOME's own apps. */
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));

  g_object_bind_property_full (self->manager, "notice", self->notice_label, "label",
                               G_BINDING_SYNC_CREATE,
                               notice_to_label, NULL, NULL, NULL);
  g_object_bind_property_full (self->manager, "notice", self->notice_revealer, "reveal-child",
                               G_BINDING_SYNC_CREATE,
                               notice_to_revealed, NULL, NULL, NULL);

  g_signal_connect (self->manager, "notify::loaded", G_CALLBACK (on_loaded_changed), self);
  g_signal_connect_swapped (self->manager, "notify::n-orphans", G_CALLBACK (on_orphans_changed),
                            self);
  on_orphans_changed (self);
  g_signal_connect (channels, "items-changed", G_CALLBACK (on_channels_changed), self);
  update_view (self);

  if (startup_origin_us >= 0)
    g_signal_connect (self, "realize", G_CALLBACK (on_debug_realize), NULL);
}

/* gtk_window_destroy() leaves disposing to the last reference, which a
 * running check holds: stop what the window started as soon as it goes. */
static void
sh_window_unrealize (GtkWidget *widget)
{
  g_cancellable_cancel (SH_WINDOW (widget)->cancellable);

  GTK_WIDGET_CLASS (sh_window_parent_class)->unrealize (widget);
}

static void
sh_window_dispose (GObject *object)
{
  ShWindow *self = SH_WINDOW (object);

  /* The manager outlives the window: nothing of it may call back into us. */
  g_cancellable_cancel (self->cancellable);
  if (self->manager != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->manager, self);
      g_signal_handlers_disconnect_by_data (sh_manager_get_channels (self->manager), self);
    }
  if (self->sections != NULL)
    g_signal_handlers_disconnect_by_data (self->sections, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_WINDOW);
  g_clear_object (&self->sections);
  g_clear_object (&self->pictures);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (sh_window_parent_class)->dispose (object);
}

static void
sh_window_finalize (GObject *object)
{
  ShWindow *self = SH_WINDOW (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sh_window_parent_class)->finalize (object);
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
  object_class->finalize = sh_window_finalize;
  widget_class->unrealize = sh_window_unrealize;
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
  g_type_ensure (SH_TYPE_STATUS_BAR);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, list_bin);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, channel_page);
  g_type_ensure (SH_TYPE_CHANNEL_PAGE);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, check_button);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, check_stack);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, check_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_notice_dismissed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);

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

static void
sh_window_init (ShWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  sh_channel_kinds_show_intro (self->empty_page);
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

/* What the channel list shows, in its order (headings included). */
ShChannelSections *
sh_window_get_sections (ShWindow *self)
{
  g_return_val_if_fail (SH_IS_WINDOW (self), NULL);

  return self->sections;
}

/* A short message over the channels, e.g. "Checked 5 tokens". */
void
sh_window_add_toast (ShWindow   *self,
                     const char *title)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (SH_IS_WINDOW (self));
  g_return_if_fail (title != NULL);

  if (self->toast_overlay == NULL)
    return;
  /* Toast titles are markup; messages come from the networks. */
  escaped = g_markup_escape_text (title, -1);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}
