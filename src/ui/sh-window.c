/* sh-window.c — the main window: every channel and its tokens, by health.
 *
 * The window may open before the manager has loaded the data file, so it
 * follows the manager's "loaded" and the channel list rather than reading
 * them once: a spinner while loading, an explanation when there is nothing,
 * otherwise the channels by health, the ones needing action first, in a list
 * that builds only the rows on screen (sh-channel-list-view.c), with a
 * search by name. A channel opens on a page of its own with its tokens.
 *
 * This file holds the type, its template and its views; the actions, the
 * remove dialog and the toasts they end in are in sh-window-actions.c.
 */
#include "config.h"

#include <sys/resource.h>
#include <glib/gi18n.h>

#include "sh-channel-display.h"
#include "sh-channel-list-view.h"
#include "sh-sandbox-menu.h"
#include "sh-startup-timer.h"
#include "sh-status-bar.h"
#include "sh-window-private.h"

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
  else if (self->on_people)
    page = "people";
  else if (g_list_model_get_n_items (channels) > 0)
    page = "list";
  else if (sh_manager_get_loaded (self->manager))
    page = "empty";
  else
    page = "loading";
  /* Into a channel slides left, back slides right, as pages do in GNOME. */
  if (g_str_equal (page, "channel") || g_str_equal (page, "people"))
    gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT);
  else if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "channel") == 0 ||
           g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "people") == 0)
    gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_SLIDE_RIGHT);
  else
    gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_stack_set_visible_child_name (self->stack, page);

  on_channel = shown != NULL;
  gtk_widget_set_visible (self->back_button, on_channel || self->on_people);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", on_channel || self->on_people);
  gtk_widget_set_visible (self->search_button, g_str_equal (page, "list"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search",
                                 g_str_equal (page, "list") || on_channel);
  if (on_channel)
    {
      g_autofree char *name = sh_channel_dup_display_name (shown);

      adw_window_title_set_title (self->window_title, name);
    }
  else if (self->on_people)
    adw_window_title_set_title (self->window_title, _("People"));
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

void
_sh_window_show_channel (ShWindow  *self,
                         ShChannel *channel)
{
  g_autoptr(ShChannel) was_shown = NULL;

  g_set_object (&was_shown, sh_channel_page_get_channel (self->channel_page));
  /* Back, or a channel, leaves the People page: back goes to the list. */
  self->on_people = FALSE;
  sh_channel_page_set_channel (self->channel_page, channel);
  update_view (self);
  /* The keyboard follows the person: onto the page's first control, and
   * back onto the channel's row in the list (the page it was on is gone). */
  if (channel != NULL)
    {
      gtk_window_set_focus (GTK_WINDOW (self), NULL);
      gtk_widget_child_focus (GTK_WIDGET (self->channel_page), GTK_DIR_TAB_FORWARD);
    }
  else if (was_shown != NULL && g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "list") == 0)
    sh_channel_list_view_focus_channel (SH_CHANNEL_LIST_VIEW (adw_bin_get_child (self->list_bin)),
                                        was_shown);
}

/* The People page, from a channel's page or the list (sh-window-people.c). */
void
_sh_window_show_people (ShWindow *self)
{
  sh_channel_page_set_channel (self->channel_page, NULL);
  self->on_people = TRUE;
  sh_people_page_refresh (self->people_page);
  update_view (self);
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
  /* Enter may come before the entry's delayed "search-changed": what is
   * typed now is what Enter looks for, not what was typed before. */
  on_search_changed (self);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->sections)); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->sections), i);

      if (SH_IS_CHANNEL (item))
        {
          _sh_window_show_channel (self, SH_CHANNEL (item));
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

/* A GtkSpinner left spinning keeps its CSS animation running whether it
 * shows or not: the whole window would be restyled and its frame clock
 * woken 60 times a second while idle (issue 20: 4 % of a core, and as much
 * in the X server). So the loading spinner spins only while its page is
 * the one shown. */
static gboolean
page_is_loading (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  g_value_set_boolean (to, g_strcmp0 (g_value_get_string (from), "loading") == 0);
  return TRUE;
}

static void
on_notice_dismissed (ShWindow *self)
{
  /* The binding stays: a new notice shows the bar again. */
  gtk_revealer_set_reveal_child (self->notice_revealer, FALSE);
}

/* ---- SOCIALHUB_DEBUG_STARTUP ------------------------------------------------ */

/* With SOCIALHUB_DEBUG_STARTUP set, the window prints to stderr how long
 * after the process started its first frame was painted ("first-frame-ms:
 * N") and the first frame painted once the data file is loaded, with the
 * channels it shows ("first-content-frame-ms: N channels: M"); the
 * benchmark (tests/bench/) reads them. The clock is sh-startup-timer.c's. */
static void
on_debug_after_paint (GdkFrameClock *clock,
                      ShWindow      *self)
{
  static gboolean first_done = FALSE;
  gint64 ms = sh_startup_timer_elapsed_ms ();

  if (!first_done)
    {
      first_done = TRUE;
      g_printerr ("first-frame-ms: %" G_GINT64_FORMAT "\n", ms); /* not-translated: read by tests/bench */
    }
  if (self->manager != NULL && sh_manager_get_loaded (self->manager))
    {
      GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (self->manager));

      struct rusage usage;

      /* CPU time too: on a shared machine the wall time also counts what
       * others ran. */
      getrusage (RUSAGE_SELF, &usage);
      g_printerr ("first-content-frame-ms: %" G_GINT64_FORMAT " channels: %u cpu-ms: %ld\n", /* not-translated: read by tests/bench */
                  ms, g_list_model_get_n_items (channels),
                  (long) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000 +
                  (long) (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000);
      g_signal_handlers_disconnect_by_func (clock, on_debug_after_paint, self);
    }
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

  sh_sandbox_menu_attach (GTK_MENU_BUTTON (self->sandbox_badge), app);
  /* Only where the emulator can hand them out. */
  gtk_widget_set_visible (self->samples_button,
                          app != NULL && g_action_map_lookup_action (G_ACTION_MAP (app),
                                                                     "sandbox-add-samples"));
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
      gtk_widget_set_visible (self->sandbox_bar, TRUE);
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
  sh_people_page_set_manager (self->people_page, self->manager);
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

  g_object_bind_property_full (self->stack, "visible-child-name", self->loading_spinner, "spinning",
                               G_BINDING_SYNC_CREATE, page_is_loading, NULL, NULL, NULL);
  g_signal_connect (self->manager, "notify::loaded", G_CALLBACK (on_loaded_changed), self);
  g_signal_connect_swapped (self->manager, "notify::n-orphans",
                            G_CALLBACK (_sh_window_update_restore_offer), self);
  _sh_window_update_restore_offer (self);
  g_signal_connect (channels, "items-changed", G_CALLBACK (on_channels_changed), self);
  update_view (self);

  if (sh_startup_timer_enabled ())
    sh_startup_timer_watch_paint (GTK_WIDGET (self), G_CALLBACK (on_debug_after_paint), self);
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
  g_clear_object (&self->monitor);

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
  gtk_widget_class_bind_template_child (widget_class, ShWindow, sandbox_bar);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, samples_button);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, notice_label);
  g_type_ensure (SH_TYPE_STATUS_BAR);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, loading_spinner);
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

  _sh_window_class_actions_init (widget_class);
  _sh_window_class_people_init (widget_class);
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
               ShMonitor      *monitor)
{
  ShWindow *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (SH_IS_MONITOR (monitor), NULL);

  self = g_object_new (SH_TYPE_WINDOW,
                       "application", app,
                       "manager", sh_monitor_get_manager (monitor),
                       NULL);
  self->monitor = g_object_ref (monitor);
  return self;
}

ShMonitor *
sh_window_get_monitor (ShWindow *self)
{
  g_return_val_if_fail (SH_IS_WINDOW (self), NULL);

  return self->monitor;
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

/* A toast whose message is a sentence or two ("Could not check: … Next try
 * at 11:05."): wrapped, since AdwToast cuts a long title short, and the
 * end is what a person needs. */
void
sh_window_add_long_toast (ShWindow   *self,
                          const char *text)
{
  GtkWidget *label;
  AdwToast *toast;

  g_return_if_fail (SH_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  if (self->toast_overlay == NULL)
    return;
  label = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  toast = adw_toast_new ("");
  adw_toast_set_custom_title (toast, label);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
