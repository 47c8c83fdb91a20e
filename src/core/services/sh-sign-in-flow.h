/* sh-sign-in-flow.h — the "Add Channel" sign-in without a widget: which
 * network, one attempt at a time (a sign-in or a pasted token's
 * identification, each with its own GCancellable), and what it brought.
 *
 * Starting another attempt or cancelling drops the current one; what a
 * dropped attempt brings later is never announced. The add-token dialog
 * shows the flow's signals in its views.
 *
 * Signals:
 *   prompt   (gconstpointer ShSignInPrompt) what to show to grant access
 *   granted  (GPtrArray of ShGrantedChannel, gboolean pasted) what the
 *            grant or the pasted token gives; the handler may keep a ref
 *   failed   (GError, gboolean pasted) why not; nothing was stored
 */
#pragma once

#include <gio/gio.h>

#include "sh-manager.h"
#include "sh-provider.h"

G_BEGIN_DECLS

#define SH_TYPE_SIGN_IN_FLOW (sh_sign_in_flow_get_type ())
G_DECLARE_FINAL_TYPE (ShSignInFlow, sh_sign_in_flow, SH, SIGN_IN_FLOW, GObject)

ShSignInFlow *sh_sign_in_flow_new          (ShManager    *manager);
void          sh_sign_in_flow_set_network  (ShSignInFlow *self,
                                            const char   *network);
const char   *sh_sign_in_flow_get_network  (ShSignInFlow *self);
/* The manager's provider of the network, or NULL. */
ShProvider   *sh_sign_in_flow_get_provider (ShSignInFlow *self);

/* FALSE, starting nothing, when no provider can sign in to the network. */
gboolean      sh_sign_in_flow_sign_in      (ShSignInFlow *self);
/* Asks the provider whose @access_token this is; @owner (may be NULL or
 * empty) names the person where the network does not. FALSE, starting
 * nothing, without a provider. */
gboolean      sh_sign_in_flow_identify     (ShSignInFlow *self,
                                            const char   *access_token,
                                            const char   *owner);
void          sh_sign_in_flow_cancel       (ShSignInFlow *self);

G_END_DECLS
