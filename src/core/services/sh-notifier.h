/* sh-notifier.h — what to tell the user after a check, once per change.
 *
 * After every check (ShChecker::checked) the notifier compares each token's
 * believed state with the state it last told the user about (the token's
 * persisted notified-state) and sends, through GNotification:
 *   - a token became expired/invalid while its channel still has a valid
 *     token: normal priority, button "Add Access Token";
 *   - a channel lost its last valid token: urgent, button "Reconnect";
 *   - a token entered the warning window: low priority, "expires in N days";
 *   - several of these at once: one grouped notification.
 * Unknown results (offline, 5xx, timeouts, throttling, keyring) keep the
 * last verdict as the believed state, so they never notify. A notification is
 * withdrawn when what it said is no longer true. The notify-* GSettings keys
 * are respected. The buttons activate app.add-token(channel id). What was
 * told is noted in the tokens; the checker saves it with the verdicts, once.
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
