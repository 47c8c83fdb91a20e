/* sh-status-bar.h — "Offline", "Last checked 5 minutes ago" and "Could not
 * check: … Next try at 11:05." under the header bar. Finds its monitor through the ShWindow it is placed in. */
#pragma once

#include <gtk/gtk.h>
#include "sh-monitor.h"

G_BEGIN_DECLS

#define SH_TYPE_STATUS_BAR (sh_status_bar_get_type ())
G_DECLARE_FINAL_TYPE (ShStatusBar, sh_status_bar, SH, STATUS_BAR, GtkWidget)

/* "Offline" follows @monitor's "network-available", the time shown its
 * "last-checked". */
void        sh_status_bar_set_monitor       (ShStatusBar *self,
                                             ShMonitor   *monitor);
gboolean    sh_status_bar_get_offline_shown (ShStatusBar *self);
/* Text of the last-checked line, "" when nothing was ever checked. */
const char *sh_status_bar_get_last_checked_text (ShStatusBar *self);
/* "Could not check: … Next try at 11:05." (the monitor's "failure"), or
 * NULL while it is hidden. */
const char *sh_status_bar_get_failure_text  (ShStatusBar *self);
/* "650 checked, 350 more by 04:17" while tokens wait for a network's
 * budget (the monitor's "deferred"), else NULL. */
const char *sh_status_bar_get_deferred_text (ShStatusBar *self);
/* "Last checked 5 minutes ago" for a check at @checked_at seen at @now. */
char       *sh_status_bar_format_last_checked (gint64 checked_at,
                                               gint64 now);

G_END_DECLS
