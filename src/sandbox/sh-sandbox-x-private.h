/* sh-sandbox-x-private.h — what the X emulator's files share.
 *
 * sh-sandbox-x.c        routing, replies, rate limits, GET /2/users/me
 * sh-sandbox-x-oauth.c  the authorize page, POST /2/oauth2/token and /revoke
 */
#pragma once

#include <json-glib/json-glib.h>
#include "sh-sandbox-x.h"

G_BEGIN_DECLS

/* A request parameter (URL query or form field), or NULL when absent. */
const char *_sh_sandbox_x_param          (GHashTable        *query,
                                          const char        *name);
/* Answers @status with the JSON @builder holds. */
void        _sh_sandbox_x_reply_json     (SoupServerMessage *msg,
                                          guint              status,
                                          const char        *content_type,
                                          JsonBuilder       *builder);
/* 4xx in RFC 6749's shape: {"error":…,"error_description":…}. */
void        _sh_sandbox_x_reply_oauth_error (SoupServerMessage *msg,
                                             guint              status,
                                             const char        *error,
                                             const char        *description);
/* 4xx in RFC 7807's shape, as API v2 answers:
 * {"title":…,"type":"about:blank","status":…,"detail":…}. */
void        _sh_sandbox_x_reply_problem  (SoupServerMessage *msg,
                                          guint              status,
                                          const char        *title);
/* An HTML page (the authorize page and its errors). */
void        _sh_sandbox_x_reply_html     (SoupServerMessage *msg,
                                          guint              status,
                                          const char        *title,
                                          const char        *head_extra,
                                          const char        *body_html);
/* 405 with an Allow header. */
void        _sh_sandbox_x_reply_bad_method (SoupServerMessage *msg,
                                            const char        *allow);

void        _sh_sandbox_x_handle_authorize (ShSandboxWorld    *world,
                                            SoupServerMessage *msg,
                                            GHashTable        *query);
void        _sh_sandbox_x_handle_token     (ShSandboxWorld    *world,
                                            SoupServerMessage *msg,
                                            GHashTable        *query);
void        _sh_sandbox_x_handle_revoke    (ShSandboxWorld    *world,
                                            SoupServerMessage *msg,
                                            GHashTable        *query);

G_END_DECLS
