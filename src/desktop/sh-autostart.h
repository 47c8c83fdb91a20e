/* sh-autostart.h — the XDG autostart entry, outside Flatpak (inside, the
 * Background portal writes it).
 *
 * $XDG_CONFIG_HOME/autostart/io.socialhub.SocialHub.desktop starts
 * `ABSOLUTE-PATH --gapplication-service` at login. The entry carries
 * X-SocialHub-Autostart=true; a file without it (the person's own, or a
 * symlink) is never replaced or deleted. An entry of an earlier version
 * (Exec=socialhub --gapplication-service, no mark) counts as ours.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char     *sh_autostart_dup_path        (void);
/* The running binary's absolute path (/proc/self/exe), or the installed
 * one when that is gone (replaced by an update). */
char     *sh_autostart_dup_executable  (void);
gboolean  sh_autostart_is_ours         (const char  *path);
/* Writes the entry for @executable (absolute). G_IO_ERROR_EXISTS when a
 * file that is not ours is in the way. */
gboolean  sh_autostart_write           (const char  *executable,
                                        GError     **error);
/* Removes our entry; nothing there is success. G_IO_ERROR_EXISTS when the
 * file there is not ours (it stays). */
gboolean  sh_autostart_remove          (GError     **error);

G_END_DECLS
