/* sh-add-token-dialog.c — "Add Channel" / "Add Access Token".
 *
 * One modal window, one page at a time:
 *   network  which network, when SocialHub knows more than one
 *   busy     waiting for a code, a token's owner or the keyring
 *   code     the device code, its address, a QR code for a colleague's
 *            phone and a countdown, while the provider polls (a view of
 *            its own: ShSignInCodeView)
 *   error    declined, expired or unreachable, with "Try Again"
 *   paste    "I have a token": a token pasted, for the provider to identify,
 *            and optionally whose it is (a Page token does not say); a
 *            view of its own: ShPasteTokenView
 *   pages    what the grant gives, with check buttons; "Add" files each one
 *            (the view: ShGrantedPagesView)
 *
 * The provider does the polling (at the interval the network gives, slower
 * after "too fast"). Each sign-in or identification is an attempt of the
 * sign-in flow (ShSignInFlow, no widget), with its own GCancellable;
 * starting another, leaving the page or closing the window cancels it, and
 * what a cancelled attempt brings later is never shown.
 *
 * A token that is in SocialHub already is not added again; "token-present"
 * says so, naming the token and channel, for the window's toast.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-accessible-names.h"
#include "sh-add-token-dialog.h"
#include "sh-checker.h"
#include "sh-derived.h"
#include "sh-error.h"
#include "sh-provider-registry.h"
#include "sh-granted-pages-view.h"
#include "sh-paste-token-view.h"
#include "sh-sign-in-flow.h"
#include "sh-sign-in-code-view.h"
#include "sh-untrusted-text.h"

struct _ShAddTokenDialog
{
  AdwWindow         parent_instance;

  ShManager        *manager;
  ShChannel        *channel;
  const char       *network;        /* interned provider id */
  gboolean          network_chosen;

  GCancellable     *cancellable;     /* the window's life */
  ShSignInFlow     *flow;            /* the sign-in or identification under way */
  gboolean          closed;

  GPtrArray        *granted;         /* ShGrantedChannel, as listed */
  guint             next_to_add;
  gboolean          adding_new;      /* the one being added makes a channel */
  guint             n_added;
  guint             n_new_channels;  /* of n_added, those that made a channel */
  GPtrArray        *added_ids;       /* the channels tokens were added to */
  gboolean          adding;
  gboolean          reported;

  AdwWindowTitle   *window_title;
  GtkWidget        *cancel_button;
  GtkWidget        *add_button;
  AdwToastOverlay  *toast_overlay;
  GtkStack         *stack;
  AdwPreferencesGroup *network_group;
  GtkSpinner       *busy_spinner;
  GtkLabel         *busy_label;
  ShSignInCodeView *code_view;
  AdwStatusPage    *error_page;
  GtkWidget        *try_again_button;
  ShPasteTokenView *paste_view;
  ShGrantedPagesView *pages_view;
};

G_DEFINE_FINAL_TYPE (ShAddTokenDialog, sh_add_token_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_MANAGER,
  PROP_CHANNEL,
  N_PROPS
};

enum {
  TOKENS_ADDED,
  TOKEN_PRESENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- attempts -------------------------------------------------------------- */

static void
cancel_attempt (ShAddTokenDialog *self)
{
  sh_sign_in_flow_cancel (self->flow);
  sh_sign_in_code_view_stop (self->code_view);
}

/* ---- helpers --------------------------------------------------------------- */

/* What the chosen network's provider says about itself (sh-provider.h):
 * the registered class, else the class of the manager's provider. */
static ShProviderClass *
network_class (ShAddTokenDialog *self)
{
  ShProviderClass *klass = sh_provider_registry_lookup (self->network);
  ShProvider *provider = sh_manager_get_provider (self->manager, self->network);

  if (klass == NULL && provider != NULL)
    klass = SH_PROVIDER_GET_CLASS (provider);
  return klass;
}

/* One of the provider's own sentences (ShProviderText). */
static char *
network_text (ShAddTokenDialog *self,
              ShProviderText    text,
              const char       *arg)
{
  ShProviderClass *klass = network_class (self);

  return klass != NULL ? sh_provider_class_dup_text (klass, text, arg) : g_strdup ("");
}

static ShProvider *
current_provider (ShAddTokenDialog *self)
{
  return sh_manager_get_provider (self->manager, self->network);
}

static void
show_page (ShAddTokenDialog *self,
           const char       *name)
{
  gboolean pages = g_str_equal (name, "pages");

  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_widget_set_visible (self->add_button, pages);
  if (g_str_equal (name, "busy"))
    gtk_spinner_start (self->busy_spinner);
  else
    gtk_spinner_stop (self->busy_spinner);
}

static void
show_busy (ShAddTokenDialog *self,
           const char       *text)
{
  gtk_label_set_label (self->busy_label, text);
  show_page (self, "busy");
}

static void
show_error_full (ShAddTokenDialog *self,
                 const char       *icon_name,
                 const char       *title,
                 const char       *description)
{
  cancel_attempt (self);
  adw_status_page_set_icon_name (self->error_page, icon_name);
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  show_page (self, "error");
  gtk_widget_grab_focus (self->try_again_button);
}

static void
show_error (ShAddTokenDialog *self,
            const GError     *error)
{
  if (g_error_matches (error, SH_ERROR, SH_ERROR_SIGN_IN_DECLINED))
    {
      g_autofree char *description =
        g_strdup_printf ("%s %s", error->message,
                         _("Whoever signed in chose not to give SocialHub access. Try again for "
                           "a new code."));

      show_error_full (self, "action-unavailable-symbolic",
                       _("The request was declined"), description);
    }
  else if (g_error_matches (error, SH_ERROR, SH_ERROR_SIGN_IN_EXPIRED))
    show_error_full (self, "alarm-symbolic", _("The code expired"), error->message);
  else
    show_error_full (self, "dialog-error-symbolic", _("Could not sign in"), error->message);
}

static void
toast (ShAddTokenDialog *self,
       const char       *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 2);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* ---- the device code ----------------------------------------------------- */

/* The view's clock ran out: the provider would find out at its next poll,
 * but the person sees the clock, so say it now. */
static void
on_code_expired (ShAddTokenDialog *self,
                 gboolean          device)
{
  if (device)
    show_error_full (self, "alarm-symbolic", _("The code expired"),
                     _("The code expired before anyone entered it. Try again for a new one."));
  else
    show_error_full (self, "alarm-symbolic", _("The sign-in timed out"),
                     _("Nobody finished signing in in the browser in time. Try again."));
}

static void
on_view_toast (ShAddTokenDialog *self,
               const char       *text)
{
  toast (self, text);
}

static void
show_paste (ShAddTokenDialog *self,
            const char       *error_message)
{
  show_page (self, "paste");
  sh_paste_token_view_show_error (self->paste_view, error_message);
}

static void
on_flow_prompt (ShAddTokenDialog     *self,
                const ShSignInPrompt *prompt)
{
  ShProviderClass *klass = network_class (self);
  /* The provider says which sign-in it runs: a code (with a QR code) or
   * a page in the browser. */
  gboolean device = klass != NULL ? klass->sign_in_kind == SH_SIGN_IN_DEVICE_CODE
                                  : prompt->user_code != NULL;

  sh_sign_in_code_view_show (self->code_view, prompt, sh_network_get_name (self->network), device);
  show_page (self, "code");
  sh_sign_in_code_view_grab_focus (self->code_view);
}

static void show_pages (ShAddTokenDialog *self, GPtrArray *channels);
static void on_add_clicked (ShAddTokenDialog *self);

static void
on_flow_granted (ShAddTokenDialog *self,
                 GPtrArray        *channels,
                 gboolean          pasted)
{
  gboolean direct = pasted && channels->len == 1;

  cancel_attempt (self);
  /* The token is in the granted channels now; the entry need not hold it
   * any longer. */
  if (pasted)
    sh_paste_token_view_clear_token (self->paste_view);
  show_pages (self, g_ptr_array_ref (channels));
  if (direct && sh_granted_pages_view_count_wanted (self->pages_view) == 1)
    on_add_clicked (self);
}

static void
on_flow_failed (ShAddTokenDialog *self,
                const GError     *error,
                gboolean          pasted)
{
  cancel_attempt (self);
  if (pasted)
    /* Refused or unreachable: nothing was stored; say why. */
    show_paste (self, error->message);
  else
    show_error (self, error);
}

static void
start_sign_in (ShAddTokenDialog *self)
{
  g_autofree char *busy = NULL;

  if (current_provider (self) == NULL)
    {
      show_error_full (self, "dialog-error-symbolic", _("Could not sign in"),
                       _("This version of SocialHub cannot sign in to this network."));
      return;
    }

  cancel_attempt (self);
  /* Translators: %s is the name of a network */
  busy = g_strdup_printf (_("Asking %s for a code…"), sh_network_get_name (self->network));
  show_busy (self, busy);
  sh_sign_in_flow_set_network (self->flow, self->network);
  sh_sign_in_flow_sign_in (self->flow);
}

static void
on_network_clicked (GtkButton        *button,
                    ShAddTokenDialog *self)
{
  self->network = g_object_get_data (G_OBJECT (button), "sh-network");
  self->network_chosen = TRUE;
  adw_window_title_set_subtitle (self->window_title, sh_network_get_name (self->network));
  start_sign_in (self);
}

/* ---- the Pages a grant gives ------------------------------------------------- */

static void
update_add_button (ShAddTokenDialog *self)
{
  gtk_widget_set_sensitive (self->add_button,
                            !self->adding && sh_granted_pages_view_count_wanted (self->pages_view) > 0);
}

static void
clear_pages (ShAddTokenDialog *self)
{
  sh_granted_pages_view_clear (self->pages_view);
  g_clear_pointer (&self->granted, g_ptr_array_unref);
}

static void
show_pages (ShAddTokenDialog *self,
            GPtrArray        *channels)
{
  const char *owner = NULL;
  g_autofree char *safe_owner = NULL;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;

  clear_pages (self);
  self->granted = channels;

  if (channels->len == 0)
    {
      g_autofree char *body = network_text (self, SH_PROVIDER_TEXT_NONE_GRANTED_BODY, NULL);

      title = network_text (self, SH_PROVIDER_TEXT_NONE_GRANTED_TITLE, NULL);
      show_error_full (self, "dialog-information-symbolic", title, body);
      return;
    }

  for (guint i = 0; i < channels->len && owner == NULL; i++)
    owner = ((ShGrantedChannel *) g_ptr_array_index (channels, i))->owner_name;

  title = network_text (self, SH_PROVIDER_TEXT_CHOOSE_TITLE, NULL);
  safe_owner = sh_untrusted_text_sanitize (owner);
  if (owner != NULL)
    description = network_text (self, SH_PROVIDER_TEXT_CHOOSE_FROM_OWNER, safe_owner);
  else
    description = network_text (self, SH_PROVIDER_TEXT_CHOOSE_ONE, NULL);
  sh_granted_pages_view_show (self->pages_view, channels, sh_manager_get_channels (self->manager),
                              self->channel, title, description);

  update_add_button (self);
  show_page (self, "pages");
  sh_granted_pages_view_grab_focus (self->pages_view);
}

static void
report_added (ShAddTokenDialog *self)
{
  if (self->reported || self->n_added == 0)
    return;
  self->reported = TRUE;
  g_signal_emit (self, signals[TOKENS_ADDED], 0, self->n_added);
}

static void add_next (ShAddTokenDialog *self);

/* A toast's worth of SH_ERROR_ALREADY_ADDED (the error's message, with the
 * token id for the command line, is too long for one): whose token, which
 * channel. */
static char *
present_message (ShAddTokenDialog *self,
                 GAsyncResult     *result)
{
  ShToken *existing = sh_manager_add_granted_get_existing (self->manager, result);
  ShChannel *channel = sh_channel_list_lookup (sh_manager_get_channels (self->manager),
                                               sh_token_get_channel_id (existing));
  /* Names from a network or the data file: sanitized (sh-untrusted-text.h). */
  g_autofree char *owner = sh_untrusted_text_sanitize (sh_token_get_owner_name (existing));
  g_autofree char *channel_name = channel != NULL
    ? sh_untrusted_text_sanitize (sh_channel_get_name (channel)) : NULL;
  const char *name = channel_name != NULL ? channel_name : _("this channel");

  if (owner == NULL || *owner == '\0')
    /* Translators: a toast; %s is a channel, e.g. "This token for Acme Coffee is already in SocialHub" */
    return g_strdup_printf (_("This token for %s is already in SocialHub"), name);
  /* Translators: a toast; a person, then a channel, e.g.
   * "Alice Example’s token for Acme Coffee is already in SocialHub" */
  return g_strdup_printf (_("%s’s token for %s is already in SocialHub"), owner, name);
}

static void
on_granted_added (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ShAddTokenDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShToken) token = sh_manager_add_granted_finish (SH_MANAGER (source), result, &error);
  ShGrantedChannel *granted;
  gboolean present = g_error_matches (error, SH_ERROR, SH_ERROR_ALREADY_ADDED);

  if (token != NULL)
    {
      g_ptr_array_add (self->added_ids, g_strdup (sh_token_get_channel_id (token)));
      self->n_added++;
      if (self->adding_new)
        self->n_new_channels++;
    }
  /* Said even when the window has closed meanwhile: the window's toast
   * tells the person why no token appeared. */
  if (present)
    {
      g_autofree char *message = present_message (self, result);

      g_signal_emit (self, signals[TOKEN_PRESENT], 0, message);
    }
  if (self->closed)
    return;

  granted = g_ptr_array_index (self->granted, self->next_to_add);
  if (token == NULL && !present)
    {
      g_autofree char *message = NULL;

      self->adding = FALSE;
      /* Translators: a Page, then why its token could not be added */
      message = g_strdup_printf (_("The token for %s was not added: %s"),
                                 granted->name ?: granted->external_id, error->message);
      sh_granted_pages_view_show_error (self->pages_view, message);
      gtk_widget_set_sensitive (self->cancel_button, TRUE);
      update_add_button (self);
      show_page (self, "pages");
      return;
    }

  sh_granted_pages_view_mark_added (self->pages_view, self->next_to_add, present);
  self->next_to_add++;
  add_next (self);
}

static void
add_next (ShAddTokenDialog *self)
{
  ShGrantedChannel *granted;

  /* One at a time: each addition saves the data file. */
  while (self->next_to_add < self->granted->len &&
         !sh_granted_pages_view_is_wanted (self->pages_view, self->next_to_add))
    self->next_to_add++;

  if (self->next_to_add >= self->granted->len)
    {
      g_auto(GStrv) undiscovered = NULL;

      self->adding = FALSE;
      /* A Page added is looked at for the accounts living on it now (a
       * check of just the new channels, which outlives the dialog). */
      undiscovered = sh_derived_undiscovered (sh_manager_get_channels (self->manager),
                                              self->added_ids);
      if (undiscovered != NULL)
        sh_checker_check_channels_async (sh_manager_get_checker (self->manager),
                                         (const char * const *) undiscovered, NULL, NULL, NULL);
      report_added (self);
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  granted = g_ptr_array_index (self->granted, self->next_to_add);
  /* Asked before it is added: "Added 2 channels" or "Added 1 access token". */
  self->adding_new = sh_channel_list_lookup_external (sh_manager_get_channels (self->manager),
                                                      granted->network,
                                                      granted->external_id) == NULL;
  sh_manager_add_granted_async (self->manager, granted, self->cancellable, on_granted_added,
                                g_object_ref (self));
}

static void
on_add_clicked (ShAddTokenDialog *self)
{
  guint n = sh_granted_pages_view_count_wanted (self->pages_view);
  g_autofree char *busy = NULL;

  if (self->adding || n == 0)
    return;

  self->adding = TRUE;
  self->next_to_add = 0;
  sh_granted_pages_view_show_error (self->pages_view, NULL);
  gtk_widget_set_sensitive (self->cancel_button, FALSE);
  update_add_button (self);
  busy = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Adding %u access token…",
                                       "Adding %u access tokens…", n), n);
  show_busy (self, busy);
  add_next (self);
}

/* ---- a pasted token ---------------------------------------------------------- */

static void
on_paste_add_clicked (ShAddTokenDialog *self)
{
  const char *text = sh_paste_token_view_get_token (self->paste_view);
  g_autofree char *busy = NULL;

  if (text == NULL || *text == '\0')
    return;
  if (current_provider (self) == NULL)
    {
      show_paste (self, _("This version of SocialHub cannot check tokens of this network."));
      return;
    }

  cancel_attempt (self);
  /* Translators: %s is the name of a network */
  busy = g_strdup_printf (_("Asking %s whose token this is…"), sh_network_get_name (self->network));
  show_busy (self, busy);
  sh_sign_in_flow_set_network (self->flow, self->network);
  sh_sign_in_flow_identify (self->flow, text, sh_paste_token_view_get_owner (self->paste_view));
}

static void
on_have_token_clicked (ShAddTokenDialog *self)
{
  g_autofree char *description = NULL;

  cancel_attempt (self);
  description = network_text (self, SH_PROVIDER_TEXT_PASTE_DESCRIPTION, NULL);
  /* Where the network does not say whose token it is, a person may. */
  sh_paste_token_view_prepare (self->paste_view, description,
                               network_class (self) == NULL ||
                               !network_class (self)->identify_names_owner);
  show_paste (self, NULL);
}

static void
on_sign_in_instead_clicked (ShAddTokenDialog *self)
{
  start_sign_in (self);
}

static void
on_try_again_clicked (ShAddTokenDialog *self)
{
  if (self->network_chosen)
    start_sign_in (self);
  else
    show_page (self, "network");
}

/* ---- the window -------------------------------------------------------------- */

static gboolean
sh_add_token_dialog_close_request (GtkWindow *window)
{
  ShAddTokenDialog *self = SH_ADD_TOKEN_DIALOG (window);

  /* What was filed before a failure is in SocialHub: say so. */
  report_added (self);
  cancel_attempt (self);
  return GTK_WINDOW_CLASS (sh_add_token_dialog_parent_class)->close_request (window);
}

/* gtk_window_destroy() hides and unrealizes the window but leaves disposing
 * to the last reference, which a pending sign-in holds: stop everything
 * here, or the sign-in would go on in a window nobody sees. */
static void
sh_add_token_dialog_unrealize (GtkWidget *widget)
{
  ShAddTokenDialog *self = SH_ADD_TOKEN_DIALOG (widget);

  self->closed = TRUE;
  if (self->code_view != NULL)
    sh_sign_in_code_view_stop (self->code_view);
  if (self->flow != NULL)
    sh_sign_in_flow_cancel (self->flow);
  g_cancellable_cancel (self->cancellable);

  GTK_WIDGET_CLASS (sh_add_token_dialog_parent_class)->unrealize (widget);
}

static void
sh_add_token_dialog_constructed (GObject *object)
{
  ShAddTokenDialog *self = SH_ADD_TOKEN_DIALOG (object);
  GPtrArray *networks = sh_provider_registry_list ();
  guint n_networks = 0;

  G_OBJECT_CLASS (sh_add_token_dialog_parent_class)->constructed (object);

  g_assert (SH_IS_MANAGER (self->manager));

  self->flow = sh_sign_in_flow_new (self->manager);
  g_signal_connect_object (self->flow, "prompt", G_CALLBACK (on_flow_prompt), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->flow, "granted", G_CALLBACK (on_flow_granted), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->flow, "failed", G_CALLBACK (on_flow_failed), self,
                           G_CONNECT_SWAPPED);

  /* A channel living on another channel's tokens gets its tokens there:
   * "Add Access Token" and "Reconnect" run that channel's flow. */
  if (self->channel != NULL && sh_channel_get_via (self->channel) != NULL)
    {
      ShChannel *parent = sh_channel_list_lookup (sh_manager_get_channels (self->manager),
                                                  sh_channel_get_via (self->channel));

      if (parent != NULL)
        g_set_object (&self->channel, parent);
    }
  if (self->channel != NULL)
    {
      g_autofree char *name = sh_untrusted_text_sanitize (sh_channel_get_name (self->channel));

      self->network = sh_channel_get_network (self->channel);
      self->network_chosen = TRUE;
      gtk_window_set_title (GTK_WINDOW (self), _("Add Access Token"));
      adw_window_title_set_title (self->window_title, _("Add Access Token"));
      adw_window_title_set_subtitle (self->window_title, name != NULL ? name : "");
      start_sign_in (self);
      return;
    }

  gtk_window_set_title (GTK_WINDOW (self), _("Add Channel"));
  adw_window_title_set_title (self->window_title, _("Add Channel"));

  /* The registered networks this manager can reach, in registration order. */
  for (guint i = 0; i < networks->len; i++)
    {
      ShProviderClass *klass = g_ptr_array_index (networks, i);

      /* Its channels come with their parent's: nothing to sign in to. */
      if (klass->parent_network == NULL &&
          sh_manager_get_provider (self->manager, klass->network) != NULL)
        {
          n_networks++;
          self->network = klass->network;
        }
    }

  /* A choice only when there is one to make. */
  for (guint i = 0; n_networks > 1 && i < networks->len; i++)
    {
      ShProviderClass *klass = g_ptr_array_index (networks, i);
      const char *network = klass->network;
      g_autofree char *label = NULL;
      GtkWidget *row, *button, *icon;

      if (klass->parent_network != NULL || sh_manager_get_provider (self->manager, network) == NULL)
        continue;

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     sh_provider_class_get_display_name (klass));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sh_provider_class_get_sign_in_blurb (klass));
      /* The network's glyph, as in the list's rows; the title names it. */
      icon = g_object_new (GTK_TYPE_IMAGE, "icon-name", sh_network_get_icon_name (network),
                           "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      /* A button, not only an activatable row: assistive technologies can
       * press a button (GTK 4.8 gives list rows no action). */
      button = gtk_button_new_from_icon_name ("go-next-symbolic");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      /* Translators: %s is the name of a network */
      label = g_strdup_printf (_("Sign In to %s"), sh_network_get_name (network));
      gtk_widget_set_tooltip_text (button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data (G_OBJECT (button), "sh-network", (gpointer) network);
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_network_clicked), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
      /* Its own name only, not the row's title appended (GTK 4.8). */
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      adw_preferences_group_add (self->network_group, row);
    }

  if (n_networks == 1)
    {
      self->network_chosen = TRUE;
      adw_window_title_set_subtitle (self->window_title, sh_network_get_name (self->network));
      start_sign_in (self);
    }
  else if (n_networks == 0)
    show_error_full (self, "dialog-error-symbolic", _("Could not sign in"),
                     _("This version of SocialHub cannot sign in to any network."));
  else
    show_page (self, "network");
}

static void
sh_add_token_dialog_dispose (GObject *object)
{
  ShAddTokenDialog *self = SH_ADD_TOKEN_DIALOG (object);

  /* Late callbacks hold a reference; they find the window closed. */
  self->closed = TRUE;
  if (self->code_view != NULL)
    sh_sign_in_code_view_stop (self->code_view);
  if (self->flow != NULL)
    sh_sign_in_flow_cancel (self->flow);
  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_ADD_TOKEN_DIALOG);
  /* The granted channels hold secrets: let them go now. */
  g_clear_pointer (&self->granted, g_ptr_array_unref);
  g_clear_object (&self->flow);
  g_clear_object (&self->channel);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (sh_add_token_dialog_parent_class)->dispose (object);
}

static void
sh_add_token_dialog_finalize (GObject *object)
{
  ShAddTokenDialog *self = SH_ADD_TOKEN_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->added_ids, g_ptr_array_unref);

  G_OBJECT_CLASS (sh_add_token_dialog_parent_class)->finalize (object);
}

static void
sh_add_token_dialog_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ShAddTokenDialog *self = SH_ADD_TOKEN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;
    case PROP_CHANNEL:
      g_value_set_object (value, self->channel);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_add_token_dialog_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ShAddTokenDialog *self = SH_ADD_TOKEN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
      break;
    case PROP_CHANNEL:
      self->channel = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_add_token_dialog_class_init (ShAddTokenDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = sh_add_token_dialog_constructed;
  object_class->dispose = sh_add_token_dialog_dispose;
  object_class->finalize = sh_add_token_dialog_finalize;
  object_class->get_property = sh_add_token_dialog_get_property;
  object_class->set_property = sh_add_token_dialog_set_property;
  widget_class->unrealize = sh_add_token_dialog_unrealize;
  window_class->close_request = sh_add_token_dialog_close_request;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, SH_TYPE_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHANNEL] =
    g_param_spec_object ("channel", NULL, NULL, SH_TYPE_CHANNEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted once, before the window closes, with how many tokens were filed. */
  signals[TOKENS_ADDED] =
    g_signal_new ("tokens-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* A token was in SocialHub already; the argument says which (a message
   * for a person). */
  signals[TOKEN_PRESENT] =
    g_signal_new ("token-present", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (SH_TYPE_SIGN_IN_CODE_VIEW);
  g_type_ensure (SH_TYPE_PASTE_TOKEN_VIEW);
  g_type_ensure (SH_TYPE_GRANTED_PAGES_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/socialhub/SocialHub/sh-add-token-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ShAddTokenDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, ShAddTokenDialog, code_view);
  gtk_widget_class_bind_template_child (widget_class, ShAddTokenDialog, paste_view);
  gtk_widget_class_bind_template_child (widget_class, ShAddTokenDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, ShAddTokenDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, ShAddTokenDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ShAddTokenDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, ShAddTokenDialog, network_group);
  gtk_widget_class_bind_template_child (widget_class, ShAddTokenDialog, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, ShAddTokenDialog, busy_label);
  gtk_widget_class_bind_template_child (widget_class, ShAddTokenDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, ShAddTokenDialog, try_again_button);
  gtk_widget_class_bind_template_child (widget_class, ShAddTokenDialog, pages_view);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_try_again_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_have_token_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_code_expired);
  gtk_widget_class_bind_template_callback (widget_class, on_view_toast);
  gtk_widget_class_bind_template_callback (widget_class, update_add_button);
  gtk_widget_class_bind_template_callback (widget_class, on_paste_add_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_instead_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sh_add_token_dialog_init (ShAddTokenDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->added_ids = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  sh_widget_fix_mnemonic_names (GTK_WIDGET (self));
}

GtkWidget *
sh_add_token_dialog_new (GtkWindow *parent,
                         ShManager *manager,
                         ShChannel *channel)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SH_IS_MANAGER (manager), NULL);
  g_return_val_if_fail (channel == NULL || SH_IS_CHANNEL (channel), NULL);

  return g_object_new (SH_TYPE_ADD_TOKEN_DIALOG,
                       "transient-for", parent,
                       "manager", manager,
                       "channel", channel,
                       NULL);
}

ShChannel *
sh_add_token_dialog_get_channel (ShAddTokenDialog *self)
{
  g_return_val_if_fail (SH_IS_ADD_TOKEN_DIALOG (self), NULL);

  return self->channel;
}

/* Of the tokens "tokens-added" counts, how many made a channel of their own
 * (the others joined a channel already in the list). */
guint
sh_add_token_dialog_get_n_new_channels (ShAddTokenDialog *self)
{
  g_return_val_if_fail (SH_IS_ADD_TOKEN_DIALOG (self), 0);

  return self->n_new_channels;
}
