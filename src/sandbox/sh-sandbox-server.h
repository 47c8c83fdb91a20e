/* sh-sandbox-server.h — the sandbox's HTTP server on 127.0.0.1.
 *
 *   /graph/v24.0/…          the Graph API
 *   /x/…                    the X API and its authorize page
 *   /device                 where the device login's code is typed
 *   /control/…              breaking things on purpose (tests, Sandbox menu)
 *
 * HTTP-level faults (latency, 5xx, hang, HTML, empty, truncated, huge and
 * half-sent bodies, a connection closed unanswered) are applied here, for
 * every network alike.
 */
#pragma once

#include <libsoup/soup.h>
#include "sh-sandbox-world.h"

G_BEGIN_DECLS

#define SH_TYPE_SANDBOX_SERVER (sh_sandbox_server_get_type ())
G_DECLARE_FINAL_TYPE (ShSandboxServer, sh_sandbox_server, SH, SANDBOX_SERVER, GObject)

/* Listens on 127.0.0.1 at a free port (or @port when not 0). */
ShSandboxServer *sh_sandbox_server_new                (ShSandboxWorld  *world,
                                                       guint            port,
                                                       GError         **error);
/* The same over HTTPS with @certificate (and its private key), for tests
 * of how the providers take a certificate they must not trust. */
ShSandboxServer *sh_sandbox_server_new_tls            (ShSandboxWorld  *world,
                                                       guint            port,
                                                       GTlsCertificate *certificate,
                                                       GError         **error);
ShSandboxWorld  *sh_sandbox_server_get_world          (ShSandboxServer *self);
/* "http://127.0.0.1:PORT" (https for a server made by _new_tls) */
const char      *sh_sandbox_server_get_base_url       (ShSandboxServer *self);
char            *sh_sandbox_server_dup_graph_url      (ShSandboxServer *self);
char            *sh_sandbox_server_dup_x_api_url      (ShSandboxServer *self);
char            *sh_sandbox_server_dup_x_authorize_url (ShSandboxServer *self);
/* Points every provider of this process at the sandbox: sets the
 * SOCIALHUB_* variables of ARCHITECTURE.md, the client ids included. */
void             sh_sandbox_server_export_environment (ShSandboxServer *self);
/* Every request's method and path with its query, in order, for tests that
 * check what reached the network (never holds a form body). */
GPtrArray       *sh_sandbox_server_get_request_log    (ShSandboxServer *self);
/* Keeps the world in @path: loaded now, saved after changes. Breaking a
 * token from the Sandbox menu calls save_state_now. */
void             sh_sandbox_server_set_state_file     (ShSandboxServer *self,
                                                       const char      *path);
void             sh_sandbox_server_save_state_now     (ShSandboxServer *self);

G_END_DECLS
