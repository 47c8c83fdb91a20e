/* sh-notifier.h — what to tell the user, once per change, and kept true.
 *
 * After every check (ShChecker::checked) the notifier asks the notices
 * (sh-notice.h) what is true and what of it was not told yet, and sends,
 * through GNotification:
 *   - a token became expired/invalid while its channel still has a valid
 *     token: normal priority, button "Add Access Token";
 *   - a channel lost its last valid token: urgent, button "Reconnect";
 *   - a working token reached a reminder stage before its expiry or its
 *     data-access end (GSettings expiry-reminder-days, 7 and 1 days): low
 *     priority, "expires in N days" / "Data access … ends in N days";
 *   - several of these at once: one grouped notification.
 *   - one person's tokens dying together (one owner, one cause, two or
 *     more tokens): one notification naming the person and the cause,
 *     default action app.show-person("NETWORK:USER_ID").
 * Every notification's default action is app.show-channel("CHANNEL-ID"):
 * the channel it is about, or "" (the list) for a group about several; one
 * channel's notification also has its fix button, app.add-token(channel id).
 * A notification is replaced as soon as part of what it says stops being
 * true, and withdrawn when none of it is. Reminders follow the clock: they
 * also go out between checks, at their moment. Unknown results (offline,
 * 5xx, timeouts, throttling, keyring) keep the last verdict, so they never
 * notify. The notify-* GSettings keys are respected. What was told is noted
 * in the tokens and saved in the data file (by the checker after a check,
 * by the notifier after a reminder between checks): a restart tells
 * nothing twice. What is shown is saved too (notifications.json), so that
 * a later process withdraws what an earlier one showed.
 */
#pragma once

#include <gio/gio.h>
#include "sh-manager.h"

G_BEGIN_DECLS

#define SH_TYPE_NOTIFIER (sh_notifier_get_type ())
G_DECLARE_FINAL_TYPE (ShNotifier, sh_notifier, SH, NOTIFIER, GObject)

typedef gint64 (*ShNotifierClock) (gpointer user_data);

ShNotifier  *sh_notifier_new        (ShManager       *manager,
                                     GApplication    *application);
void         sh_notifier_set_clock  (ShNotifier      *self,
                                     ShNotifierClock  clock,
                                     gpointer         user_data);
/* What runs after each check; returns the number of notifications sent. */
guint        sh_notifier_process    (ShNotifier      *self);

G_END_DECLS
