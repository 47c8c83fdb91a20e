/* sh-sandbox-graph-private.h — what the parts of the emulated Graph API
 * share: one answer (status, headers, JSON body) built without touching a
 * SoupServerMessage, so that a batch item and a plain request take the same
 * path (sh-sandbox-graph.c), and the builders of each kind of answer:
 *
 *   sh-sandbox-graph-errors.c   error objects and the token error table
 *   sh-sandbox-graph-device.c   /device/login and /device/login_status
 *   sh-sandbox-graph-nodes.c    /me, /me/accounts, /me/permissions, /{id}
 *   sh-sandbox-graph-batch.c    POST / with batch=[…]
 */
#pragma once

#include <json-glib/json-glib.h>

#include "sh-sandbox-graph.h"

G_BEGIN_DECLS

#define SH_GRAPH_CONTENT_TYPE "application/json; charset=UTF-8"
#define SH_GRAPH_MAX_BATCH    50

typedef struct {
  char *name;
  char *value;
} ShGraphHeader;

/* One Graph answer. */
typedef struct {
  guint      status;
  GPtrArray *headers;          /* ShGraphHeader, besides the common ones */
  char      *body;             /* JSON text */
  char      *usage_page_id;    /* key of X-Business-Use-Case-Usage, or NULL */
  guint      regain_minutes;   /* its estimated_time_to_regain_access */
} ShGraphReply;

/* One Graph request, a plain one or a batch item. */
typedef struct {
  ShSandboxWorld *world;
  const char     *base_url;    /* "http://127.0.0.1:PORT": pictures live there */
  const char     *method;      /* "GET", "POST", "DELETE" */
  const char     *path;        /* "/me", "/104857600123", "/" */
  GHashTable     *params;      /* query and form fields */
  const char     *token_value; /* access_token field or Authorization header */
  ShSandboxToken *token;       /* the working user or Page token, once checked */
  int             batch_null_from; /* BATCH_NULL fault: items from here are null; -1 */
  gboolean        in_batch;    /* a batch item: no nested batch */
} ShGraphRequest;

/* sh-sandbox-graph.c */
ShGraphReply *_sh_graph_reply_new        (guint           status,
                                          JsonNode       *body);
ShGraphReply *_sh_graph_reply_new_object (guint           status,
                                          JsonBuilder    *builder);
void          _sh_graph_reply_add_header (ShGraphReply   *reply,
                                          const char     *name,
                                          const char     *value);
void          _sh_graph_reply_free       (ShGraphReply   *reply);
/* Adds Content-Type, facebook-api-version, X-App-Usage (counting the call)
 * and X-Business-Use-Case-Usage when the answer concerns a Page. */
void          _sh_graph_reply_finish     (ShGraphReply   *reply,
                                          ShSandboxWorld *world);
/* Runs one request to its finished answer; never returns NULL. */
ShGraphReply *_sh_graph_execute          (ShGraphRequest *request);
const char   *_sh_graph_param            (ShGraphRequest *request,
                                          const char     *name);
gboolean      _sh_graph_is_client_token  (const char     *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShGraphReply, _sh_graph_reply_free)

/* sh-sandbox-graph-errors.c */
ShGraphReply *_sh_graph_error            (guint           http_status,
                                          int             code,
                                          int             subcode,
                                          const char     *type,
                                          const char     *message,
                                          const char     *user_title,
                                          const char     *user_msg,
                                          gboolean        is_transient);
ShGraphReply *_sh_graph_token_error      (ShSandboxWorld      *world,
                                          ShSandboxToken      *token,
                                          ShSandboxTokenStatus status);
ShGraphReply *_sh_graph_no_token_error   (const char     *path);
ShGraphReply *_sh_graph_throttle_error   (int             code);
ShGraphReply *_sh_graph_unsupported      (const char     *method,
                                          const char     *object_id);
ShGraphReply *_sh_graph_param_error      (const char     *message);
ShGraphReply *_sh_graph_no_field         (const char     *field,
                                          const char     *node_type);
ShGraphReply *_sh_graph_permission_error (const char     *message);

/* sh-sandbox-graph-device.c */
ShGraphReply *_sh_graph_device_login         (ShGraphRequest *request);
ShGraphReply *_sh_graph_device_login_status  (ShGraphRequest *request);

/* sh-sandbox-graph-nodes.c */
ShGraphReply *_sh_graph_me                   (ShGraphRequest *request);
ShGraphReply *_sh_graph_me_accounts          (ShGraphRequest *request);
ShGraphReply *_sh_graph_me_permissions       (ShGraphRequest *request);
ShGraphReply *_sh_graph_delete_permissions   (ShGraphRequest *request);
ShGraphReply *_sh_graph_object               (ShGraphRequest *request,
                                              const char     *id);

/* sh-sandbox-graph-batch.c */
ShGraphReply *_sh_graph_batch                (ShGraphRequest *request);

G_END_DECLS
