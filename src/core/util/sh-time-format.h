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

#define SH_TIME_HOUR ((gint64) 60 * 60)
#define SH_TIME_DAY  ((gint64) 24 * 60 * 60)

/* "4 December 2026" for @unix_time (seconds), in local time. */
char *sh_time_format_date      (gint64 unix_time);
/* "11:05" for @unix_time, in local time. */
char *sh_time_format_clock     (gint64 unix_time);
/* A moment soon after @now: "11:05" on the same local day, else
 * "5 December 2026, 11:05". */
char *sh_time_format_moment    (gint64 unix_time,
                                gint64 now);

/* How far away @unix_time is from @now, the one way every place says it
 * (issue 20): "in 45 minutes" under an hour (a started minute counts),
 * "in 21 hours" under a day (to the nearest hour), then by the local
 * calendar "today" (23 h 50 min ahead, from 00:10), "tomorrow" or "in 7
 * days" (days between the two dates, so the warning window's start reads
 * "in 7 days" all that day, wherever it is shown). A moment already passed
 * gives "now". Callers put it in their sentence: "Expires %s", "expires %s". */
char *sh_time_format_until     (gint64 unix_time,
                                gint64 now);

G_END_DECLS
