/* sh-json-output.h — what --list and --check print, as JSON or as text.
 *
 * The JSON form is ARCHITECTURE.md's, field for field: scripts depend on it.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char *sh_output_channels_json (GListModel *channels);
char *sh_output_channels_text (GListModel *channels,
                               gint64      now);

G_END_DECLS
