/* sh-dbus-menu.h — a flat menu served over com.canonical.dbusmenu.
 *
 * The menu a StatusNotifierItem names in its "Menu" property: the panel
 * reads its layout (GetLayout) and reports a click as Event(id, "clicked").
 * The items are fixed when it is made; a click emits "item-clicked" with the
 * item's key. Plain GDBus, no GTK: panels of every toolkit read the same
 * protocol (libdbusmenu's, version 3).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  const char *key;     /* what "item-clicked" says; NULL for a separator */
  const char *label;   /* translated, with a mnemonic "_" if wanted */
} ShDBusMenuEntry;

#define SH_TYPE_DBUS_MENU (sh_dbus_menu_get_type ())
G_DECLARE_FINAL_TYPE (ShDBusMenu, sh_dbus_menu, SH, DBUS_MENU, GObject)

ShDBusMenu *sh_dbus_menu_new      (const ShDBusMenuEntry *entries,
                                   guint                  n_entries);
gboolean    sh_dbus_menu_export   (ShDBusMenu            *self,
                                   GDBusConnection       *connection,
                                   const char            *object_path,
                                   GError               **error);
void        sh_dbus_menu_unexport (ShDBusMenu            *self);

G_END_DECLS
