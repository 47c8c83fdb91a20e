/* sandbox-test.h — what the emulator's own tests share: one HTTP exchange
 * with it, read to the end, and its JSON answers. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sh-sandbox-server.h"

G_BEGIN_DECLS

typedef struct {
  guint        status;
  char        *content_type;
  char        *body;          /* "" when the answer has none */
  SoupMessage *msg;
} Reply;

void reply_free (Reply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

/* Sends @msg on @session and waits for its whole body, which it returns. */
GBytes     *sh_test_send_and_read (SoupSession *session,
                                   SoupMessage *msg);
/* Sends @msg (the reply keeps it) on @session and waits for its whole body. */
Reply      *sh_test_send         (SoupSession *session,
                                  SoupMessage *msg);
/* Starts a server for @world (NULL: one of its own) on a free loopback port,
 * and a session to reach it; sh_test_stop_sandbox() clears both. */
void        sh_test_start_sandbox (ShSandboxWorld   *world,
                                   ShSandboxServer **server,
                                   SoupSession     **session);
void        sh_test_stop_sandbox  (ShSandboxServer **server,
                                   SoupSession     **session);
/* @body, which must be a JSON object. */
JsonObject *sh_test_parse_object (const char  *body);

G_END_DECLS
