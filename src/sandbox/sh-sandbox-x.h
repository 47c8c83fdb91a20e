/* sh-sandbox-x.h — the emulated X API v2 and its OAuth 2.0 (docs/network-behaviour.md). */
#pragma once

#include <libsoup/soup.h>
#include "sh-sandbox-world.h"

G_BEGIN_DECLS

/* Answers one X request on @msg, synchronously. @path is what follows the
 * sandbox's "/x" prefix: "/i/oauth2/authorize", "/2/oauth2/token",
 * "/2/oauth2/revoke", "/2/users/me". @query holds the URL query and, for
 * POST, the urlencoded form fields as well. @fault is THROTTLE (429) or NULL. */
void sh_sandbox_x_handle (ShSandboxWorld       *world,
                          SoupServerMessage    *msg,
                          const char           *path,
                          GHashTable           *query,
                          const ShSandboxFault *fault);

G_END_DECLS
