/* sh-sandbox-menu.h — the "Sandbox" menu: break the emulated tokens on
 * purpose (password changed, app removed, checkpoint, role lost, expiry, X
 * revocation) so that a person can watch SocialHub react. */
#pragma once

#include <gio/gio.h>
#include "sh-sandbox-server.h"

G_BEGIN_DECLS

/* Adds the app.sandbox-break action to @app and keeps the menu model as the
 * object data "sh-sandbox-menu" of @app, for the window's Sandbox button. */
void sh_sandbox_menu_install (GApplication    *app,
                              ShSandboxServer *server);

G_END_DECLS
