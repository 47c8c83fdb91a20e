/* sh-background-notice.h — "SocialHub keeps checking in the background".
 *
 * The first time the main window closes while SocialHub keeps running
 * (run-in-background on, so the application holds itself), one
 * notification says that checks and notifications go on, with a button
 * that turns run-in-background off: app.stop-running-in-background, which
 * this installs. Said once ever: the GSettings key background-notice-sent
 * remembers it. Apart from ShNotifier, which speaks of channels and tokens.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Whether @app stays when its last window closes. */
typedef gboolean (*ShStaysRunningFunc) (GtkApplication *app);

/* Watches @app's main windows (ShWindow) from now on; @settings holds
 * run-in-background and background-notice-sent. Does nothing when the
 * schema has no background-notice-sent key. */
void sh_background_notice_install (GtkApplication     *app,
                                   GSettings          *settings,
                                   ShStaysRunningFunc  stays_running);

G_END_DECLS
