/* sh-status-notifier-item.h — the tray icon (org.kde.StatusNotifierItem).
 *
 * Shows how the channels are doing in a panel that hosts status icons (KDE
 * Plasma, XFCE, Cinnamon, MATE, Budgie, GNOME with the AppIndicator
 * extension). The item exists only while "enabled" is on and an
 * org.kde.StatusNotifierWatcher is on the session bus, and registers again
 * with a watcher that restarts. The icon and Status follow the worst
 * channel state (NeedsAttention when a channel is disconnected), the
 * tooltip says it in words. Its menu (com.canonical.dbusmenu) and a left
 * click act through the application: Open SocialHub activates it, Check Now
 * and Quit are its "check-now" and "quit" actions.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SH_TYPE_STATUS_NOTIFIER_ITEM (sh_status_notifier_item_get_type ())
G_DECLARE_FINAL_TYPE (ShStatusNotifierItem, sh_status_notifier_item, SH, STATUS_NOTIFIER_ITEM, GObject)

/* @application must be registered (it gives the session bus); @channels is
 * a GListModel of ShChannel. Starts enabled. */
ShStatusNotifierItem *sh_status_notifier_item_new         (GApplication         *application,
                                                           GListModel           *channels);
gboolean              sh_status_notifier_item_get_enabled (ShStatusNotifierItem *self);
void                  sh_status_notifier_item_set_enabled (ShStatusNotifierItem *self,
                                                           gboolean              enabled);
/* The bus name while the item exists, else NULL. */
const char           *sh_status_notifier_item_get_bus_name (ShStatusNotifierItem *self);

G_END_DECLS
