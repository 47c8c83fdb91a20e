/* sh-flatpak.h — whether the process takes the Flatpak path. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Inside Flatpak (/.flatpak-info exists), or told to act so by
 * SOCIALHUB_ASSUME_FLATPAK=1 (tests: the portals on a private bus). */
gboolean sh_flatpak_is_inside (void);

G_END_DECLS
