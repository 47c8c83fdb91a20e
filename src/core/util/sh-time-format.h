/* sh-time-format.h — how SocialHub writes a moment for a person.
 *
 * One place for every date and time a person reads (the window, the
 * command line, notifications), so that they agree: dates unambiguous and
 * in the user's language ("4 December 2026", "4. Dezember 2026") through a
 * format string translators set, never the locale's numeric %x ("12/04/26").
 * Durations ("in 3 days", issue 20) belong here too.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "4 December 2026" for @unix_time (seconds), in local time. */
char *sh_time_format_date      (gint64 unix_time);
/* "11:05" for @unix_time, in local time. */
char *sh_time_format_clock     (gint64 unix_time);
/* A moment soon after @now: "11:05" on the same local day, else
 * "5 December 2026, 11:05". */
char *sh_time_format_moment    (gint64 unix_time,
                                gint64 now);

G_END_DECLS
