/* sh-flatpak.h — whether the process runs inside Flatpak, asked in one place
 * (the keyring backend, the notification backend, the command line's
 * notifications and the desktop's portals all follow it). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Inside a Flatpak sandbox: /.flatpak-info exists. */
gboolean sh_flatpak_is_sandboxed (void);
/* Whether the desktop integration takes the Flatpak path (portals instead
 * of an autostart entry): inside the sandbox, or told to act so by
 * SOCIALHUB_ASSUME_FLATPAK=1 (tests: the portals on a private bus; the
 * keyring and notifications stay as they are outside). */
gboolean sh_flatpak_is_inside    (void);

G_END_DECLS
