/* sh-sandbox-session.h — the sandbox as `socialhub --sandbox` runs it.
 *
 * The emulator on a free port of 127.0.0.1, every provider of this process
 * pointed at it (before anything reads the configuration), and its world
 * kept in the sandbox's data folder, so that the tokens there outlive the
 * process. The window's application and the headless one start it the same
 * way, through this object, and keep it for their lifetime.
 */
#pragma once

#include "sh-sandbox-server.h"

G_BEGIN_DECLS

#define SH_TYPE_SANDBOX_SESSION (sh_sandbox_session_get_type ())
G_DECLARE_FINAL_TYPE (ShSandboxSession, sh_sandbox_session, SH, SANDBOX_SESSION, GObject)

/* NULL with @error when no server could listen. */
ShSandboxSession *sh_sandbox_session_new        (GError           **error);
ShSandboxServer  *sh_sandbox_session_get_server (ShSandboxSession  *self);

G_END_DECLS
