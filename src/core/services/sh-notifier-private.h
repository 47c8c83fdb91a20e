/* sh-notifier-private.h — the words of the notifier's notifications. */
#pragma once

#include <gio/gio.h>
#include "sh-notice.h"

G_BEGIN_DECLS

/* A notification that says @notices (ShNotice *, one or more): one fact
 * in its own words, several as a group. Its default action,
 * app.show-channel("CHANNEL-ID"), opens the channel it is about, or the
 * list ("") for a group about several; one channel's notification also
 * gets the button that fixes it (app.add-token). @escape_body: the
 * server parses the body as markup. */
GNotification *_sh_notifier_words_build (GPtrArray *notices,
                                         gint64     now,
                                         gboolean   escape_body);

/* The one line that says @notice, its title when alone ("Alice’s token for
 * Acme Coffee expires in 7 days"), in the words of sh_time_format_until(). */
char          *_sh_notifier_words_title (const ShNotice *notice,
                                         gint64          now);

G_END_DECLS
