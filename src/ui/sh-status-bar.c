/* sh-status-bar.c — the offline notice (bound to the monitor's network state, as GNOME
 * Settings' Online Accounts panel does with its banner; AdwBanner is newer
 * than libadwaita 1.2) and the time of the last check that reached a
 * verdict, and why the last check failed with when it tries again, all from
 * the ShMonitor. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-monitor.h"
#include "sh-status-bar.h"
#include "sh-window.h"

struct _ShStatusBar
{
  GtkWidget    parent_instance;

  GtkRevealer *offline_revealer;
  GtkRevealer *checked_revealer;
  GtkLabel    *checked_label;
  GtkRevealer *failure_revealer;
  GtkLabel    *failure_label;
  GtkRevealer *deferred_revealer;
  GtkLabel    *deferred_label;
  ShMonitor   *monitor;      /* knows when the tokens were last checked */
  GSignalGroup *monitor_signals;
  GBindingGroup *monitor_bindings;   /* "Offline" follows its network-available */
  guint        tick_id;
};

G_DEFINE_FINAL_TYPE (ShStatusBar, sh_status_bar, GTK_TYPE_WIDGET)

char *
sh_status_bar_format_last_checked (gint64 checked_at,
                                   gint64 now)
{
  gint64 ago = MAX (now - checked_at, 0);

  if (checked_at <= 0)
    return g_strdup ("");
  if (ago < 60)
    return g_strdup (_("Last checked just now"));
  if (ago < 60 * 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last checked %d minute ago",
                                         "Last checked %d minutes ago", (int) (ago / 60)),
                            (int) (ago / 60));
  if (ago < 24 * 60 * 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last checked %d hour ago",
                                         "Last checked %d hours ago", (int) (ago / 3600)),
                            (int) (ago / 3600));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last checked %d day ago",
                                       "Last checked %d days ago", (int) (ago / 86400)),
                          (int) (ago / 86400));
}

static void
update_checked (ShStatusBar *self)
{
  g_autofree char *text = NULL;

  if (self->monitor == NULL)
    return;
  text = sh_status_bar_format_last_checked (sh_monitor_get_last_checked (self->monitor),
                                            g_get_real_time () / G_USEC_PER_SEC);
  gtk_label_set_label (self->checked_label, text);
  gtk_revealer_set_reveal_child (self->checked_revealer, *text != '\0');
}

static gboolean
on_tick (gpointer user_data)
{
  update_checked (SH_STATUS_BAR (user_data));
  return G_SOURCE_CONTINUE;
}

void
sh_status_bar_set_monitor (ShStatusBar *self,
                           ShMonitor   *monitor)
{
  g_return_if_fail (SH_IS_STATUS_BAR (self));
  g_return_if_fail (monitor == NULL || SH_IS_MONITOR (monitor));

  if (!g_set_object (&self->monitor, monitor))
    return;
  g_signal_group_set_target (self->monitor_signals, monitor);
  g_binding_group_set_source (self->monitor_bindings, monitor);
  update_checked (self);
}

gboolean
sh_status_bar_get_offline_shown (ShStatusBar *self)
{
  g_return_val_if_fail (SH_IS_STATUS_BAR (self), FALSE);
  return gtk_revealer_get_reveal_child (self->offline_revealer);
}

const char *
sh_status_bar_get_failure_text (ShStatusBar *self)
{
  g_return_val_if_fail (SH_IS_STATUS_BAR (self), NULL);
  if (!gtk_revealer_get_reveal_child (self->failure_revealer))
    return NULL;
  return gtk_label_get_label (self->failure_label);
}

const char *
sh_status_bar_get_deferred_text (ShStatusBar *self)
{
  g_return_val_if_fail (SH_IS_STATUS_BAR (self), NULL);
  if (!gtk_revealer_get_reveal_child (self->deferred_revealer))
    return NULL;
  return gtk_label_get_label (self->deferred_label);
}

const char *
sh_status_bar_get_last_checked_text (ShStatusBar *self)
{
  g_return_val_if_fail (SH_IS_STATUS_BAR (self), NULL);
  return gtk_label_get_label (self->checked_label);
}

static void
on_root_changed (ShStatusBar *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (root != NULL && SH_IS_WINDOW (root) && self->monitor == NULL)
    sh_status_bar_set_monitor (self, sh_window_get_monitor (SH_WINDOW (root)));
}

static gboolean
is_set (GBinding     *binding,
        const GValue *from,
        GValue       *to,
        gpointer      user_data)
{
  g_value_set_boolean (to, g_value_get_string (from) != NULL);
  return TRUE;
}

static void
sh_status_bar_dispose (GObject *object)
{
  ShStatusBar *self = SH_STATUS_BAR (object);
  GtkWidget *child;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  sh_status_bar_set_monitor (self, NULL);
  g_clear_object (&self->monitor_signals);
  g_clear_object (&self->monitor_bindings);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (sh_status_bar_parent_class)->dispose (object);
}

static void
sh_status_bar_class_init (ShStatusBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = sh_status_bar_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "statusbar");
}

static void
sh_status_bar_init (ShStatusBar *self)
{
  GtkWidget *box, *image, *label;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  /* Offline: nothing is checked, and no result changes, until it is back. */
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (box, "sh-notice");
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Offline"), -1);
  image = g_object_new (GTK_TYPE_IMAGE, "icon-name", "network-offline-symbolic",
                        "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
  gtk_box_append (GTK_BOX (box), image);
  label = gtk_label_new (_("Offline. Access tokens are checked again when the network is back; "
                           "until then the last results stay shown."));
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  self->offline_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (self->offline_revealer, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_revealer_set_child (self->offline_revealer, box);
  gtk_widget_set_parent (GTK_WIDGET (self->offline_revealer), GTK_WIDGET (self));
  /* Hidden until the window hands over its monitor. */
  self->monitor_bindings = g_binding_group_new ();
  g_binding_group_bind (self->monitor_bindings, "network-available",
                        self->offline_revealer, "reveal-child",
                        G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);

  self->checked_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->checked_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->checked_label), "caption");
  gtk_widget_set_margin_top (GTK_WIDGET (self->checked_label), 6);
  self->checked_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->checked_revealer, GTK_WIDGET (self->checked_label));
  gtk_widget_set_parent (GTK_WIDGET (self->checked_revealer), GTK_WIDGET (self));

  /* Tokens a check (Check Now or a scheduled one) left for later within a
   * network's budget, and by when they will be judged. */
  self->deferred_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->deferred_label, TRUE);
  gtk_label_set_justify (self->deferred_label, GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->deferred_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->deferred_label), "caption");
  self->deferred_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->deferred_revealer, GTK_WIDGET (self->deferred_label));
  gtk_widget_set_parent (GTK_WIDGET (self->deferred_revealer), GTK_WIDGET (self));
  g_binding_group_bind (self->monitor_bindings, "deferred", self->deferred_label, "label",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind_full (self->monitor_bindings, "deferred", self->deferred_revealer,
                             "reveal-child", G_BINDING_SYNC_CREATE, is_set, NULL, NULL, NULL);

  /* Why the last check failed and when the next try is: a check that
   * reached no network is no "Last checked". */
  self->failure_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->failure_label, TRUE);
  gtk_label_set_justify (self->failure_label, GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->failure_label), "caption");
  gtk_widget_set_margin_top (GTK_WIDGET (self->failure_label), 6);
  gtk_widget_set_margin_start (GTK_WIDGET (self->failure_label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->failure_label), 12);
  self->failure_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->failure_revealer, GTK_WIDGET (self->failure_label));
  gtk_widget_set_parent (GTK_WIDGET (self->failure_revealer), GTK_WIDGET (self));
  g_binding_group_bind (self->monitor_bindings, "failure", self->failure_label, "label",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind_full (self->monitor_bindings, "failure", self->failure_revealer,
                             "reveal-child", G_BINDING_SYNC_CREATE, is_set, NULL, NULL, NULL);

  self->monitor_signals = g_signal_group_new (SH_TYPE_MONITOR);
  g_signal_group_connect_swapped (self->monitor_signals, "notify::last-checked",
                                  G_CALLBACK (update_checked), self);

  /* The window's template builds this before the window has its monitor:
   * look again when shown. */
  g_signal_connect (self, "notify::root", G_CALLBACK (on_root_changed), NULL);
  g_signal_connect (self, "map", G_CALLBACK (on_root_changed), NULL);
  self->tick_id = g_timeout_add_seconds (30, on_tick, self);
}
