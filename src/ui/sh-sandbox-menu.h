/* sh-sandbox-menu.h — the "Sandbox" menu: the emulator's control panel.
 *
 *   - how the emulated networks answer (app.sandbox-fault, a radio: working,
 *     offline, server errors, throttling, slow, hang — the control API's
 *     faults, for both networks at once);
 *   - who approves the next sign-ins (app.sandbox-approver, a radio of the
 *     emulator's people, or "" for taking turns), and approving a browser
 *     sign-in that waits, as a chosen X account (app.sandbox-approve-x);
 *   - breaking the emulated tokens on purpose (app.sandbox-break: password
 *     changed, app removed, checkpoint, role lost, expiry, X revocation) so
 *     that a person can watch SocialHub react;
 *   - "Add Sample Channels" for the empty window (app.sandbox-add-samples,
 *     sh-sandbox-samples.h), followed by a check.
 */
#pragma once

#include <gtk/gtk.h>

#include "sh-manager.h"
#include "sh-monitor.h"
#include "sh-sandbox-server.h"

G_BEGIN_DECLS

/* Adds the app.sandbox-* actions to @app and keeps the menu model as the
 * object data "sh-sandbox-menu" of @app, for the window's Sandbox button.
 * @monitor checks the tokens once the samples are added. */
void sh_sandbox_menu_install (GApplication    *app,
                              ShSandboxServer *server,
                              ShManager       *manager,
                              ShMonitor       *monitor);

/* Gives @button the menu of @app (insensitive without one: a window with
 * no emulator) and keeps its tooltip from covering the open menu. */
void sh_sandbox_menu_attach  (GtkMenuButton   *button,
                              GtkApplication  *app);

G_END_DECLS
