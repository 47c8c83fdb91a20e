/* sh-sandbox-graph.h — the emulated Facebook Graph API (docs/network-behaviour.md). */
#pragma once

#include <libsoup/soup.h>
#include "sh-sandbox-world.h"

G_BEGIN_DECLS

/* Answers one Graph request on @msg (status, headers, body), synchronously.
 * @path is what follows the version, e.g. "/me", "/me/accounts",
 * "/device/login", "/104857600123", or "/" for a batch. @query holds the URL
 * query and, for POST/DELETE, the urlencoded form fields as well. @fault is
 * the fault to apply (THROTTLE or BATCH_NULL only; the server applies the
 * HTTP-level ones), or NULL. */
void sh_sandbox_graph_handle (ShSandboxWorld       *world,
                              SoupServerMessage    *msg,
                              const char           *path,
                              GHashTable           *query,
                              const ShSandboxFault *fault);

/* GET /device on the sandbox server: the verification address the device
 * login names (?user_code=CODE: who approves that code). */
void sh_sandbox_graph_device_page (ShSandboxWorld    *world,
                                   SoupServerMessage *msg,
                                   GHashTable        *query);

G_END_DECLS
