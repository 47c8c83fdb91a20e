/* sh-token-clock.h — what the clock alone says about a token (issue 20).
 *
 * An expiry is a fact of the clock: a token whose expires_at has passed is
 * expired, and one inside the warning window is expiring, whether or not a
 * check ran since. ShToken applies this at every read of its state, so
 * --list, the window and an offline start agree without waiting for the
 * network. A network verdict still wins: a token the network called valid
 * after its expiry moment stays valid, and a dead token stays dead.
 *
 * ShTokenClockWatch makes the same derivation visible while running: it
 * wakes at the next moment some token's derived state changes (an expiry or
 * a warning-window start) and lets those tokens notify. It only re-reads
 * the model; when checks run is ShMonitor's business.
 */
#pragma once

#include <gio/gio.h>
#include "sh-enums.h"

G_BEGIN_DECLS

typedef gint64 (*ShTokenClockFunc) (gpointer user_data);

/* Now, in unix seconds: the real clock unless a test set another. */
gint64        sh_token_clock_now                 (void);
/* For tests: @func (NULL: the real clock again). */
void          sh_token_clock_set_func            (ShTokenClockFunc func,
                                                  gpointer         user_data);
/* The warning window in seconds (GSettings warning-window-days, which
 * ShManager keeps here; ARCHITECTURE.md's 7 days until then). */
gint64        sh_token_clock_get_warning_window  (void);
void          sh_token_clock_set_warning_window  (gint64           seconds);

/* The pure rule: @state as the clock has it at @now for a token expiring at
 * @expires_at (0: never) whose verdict is from @verdict_at. When
 * @expires_at is an estimate (the earliest the token can end), @expires_by
 * is the latest, else 0: a verdict after the estimate keeps the token
 * usable until then. Only a usable state (valid, expiring) follows the
 * clock; a verdict of expired or invalid, and unknown, stay as they are. */
ShTokenState  sh_token_state_follow_clock        (ShTokenState     state,
                                                  gint64           expires_at,
                                                  gint64           expires_by,
                                                  gint64           verdict_at,
                                                  gint64           now,
                                                  gint64           window);
/* The next moment after @now at which that rule may answer differently
 * (the warning window's start, the expiry, the latest expiry), 0 if none. */
gint64        sh_token_clock_next_moment         (gint64           expires_at,
                                                  gint64           expires_by,
                                                  gint64           now,
                                                  gint64           window);

#define SH_TYPE_TOKEN_CLOCK_WATCH (sh_token_clock_watch_get_type ())
G_DECLARE_FINAL_TYPE (ShTokenClockWatch, sh_token_clock_watch, SH, TOKEN_CLOCK_WATCH, GObject)

/* Watches the tokens of @channels (a GListModel of ShChannel). */
ShTokenClockWatch *sh_token_clock_watch_new      (GListModel      *channels);
/* Re-reads every token now and sets the next wake-up: after the clock or
 * the warning window changed under it. */
void          sh_token_clock_watch_update        (ShTokenClockWatch *self);
/* The next wake-up (unix seconds), 0 when none: for tests. */
gint64        sh_token_clock_watch_get_next      (ShTokenClockWatch *self);

G_END_DECLS
