/* sh-desktop-status.h — the channels in one line, for the desktop's own
 * places (GNOME's Background Apps): "2 channels need attention". */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* @channels: a list of ShChannel. Degraded and disconnected channels need
 * attention; unknown ones are not checked yet. */
char *sh_desktop_status_describe (GListModel *channels);

G_END_DECLS
