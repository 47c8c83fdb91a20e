/* sh-sandbox-world.h — the made-up Facebook and X the sandbox answers from.
 *
 * People, Pages, X accounts, the tokens issued to them, pending device codes
 * and authorization codes, and the faults a test or a person has asked for.
 * No GTK, no HTTP: the Graph and X handlers (sh-sandbox-graph.c,
 * sh-sandbox-x.c) read and change the world; the server and the control
 * endpoint (sh-sandbox-server.c, sh-sandbox-control.c) own it.
 *
 * Records are plain structs owned by the world; pointers stay valid for the
 * world's life (nothing is ever freed before the world is).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SH_SANDBOX_APP_ID        "1234567890123456"
#define SH_SANDBOX_CLIENT_TOKEN  "sandboxclienttoken0123456789abcd"
#define SH_SANDBOX_X_CLIENT_ID   "c2FuZGJveC1jbGllbnQtaWQ"
#define SH_SANDBOX_GRAPH_VERSION "v24.0"

/* Lifetimes (docs/network-behaviour.md). */
#define SH_SANDBOX_FB_USER_LIFETIME    5183944   /* ≈ 60 days */
#define SH_SANDBOX_FB_DATA_ACCESS      (90 * 24 * 3600)
#define SH_SANDBOX_X_ACCESS_LIFETIME   7200
#define SH_SANDBOX_DEVICE_CODE_LIFETIME 420
#define SH_SANDBOX_DEVICE_INTERVAL     5
#define SH_SANDBOX_X_CODE_LIFETIME     30

/* picture_url fields are paths on the sandbox server ("/pictures/ID.svg"):
 * a handler makes them absolute with the request's own host and port. */
typedef struct {
  char     *id;
  char     *name;
  char     *picture_url;
  guint     password_generation;  /* bumped by "password changed" */
  gboolean  app_removed;          /* the app is removed now */
  guint64   app_removed_serial;   /* tokens issued up to this serial die (458) */
  gboolean  checkpointed;         /* security checkpoint (login abroad) */
  gboolean  unconfirmed;
  gboolean  x_locked;             /* X account locked */
  gboolean  instagram_withheld;   /* declined instagram_basic: the Instagram
                                     calls of their tokens fail with (#10) */
} ShSandboxPerson;

typedef struct {
  char      *id;
  char      *name;
  char      *picture_url;
  char      *category;
  GPtrArray *admin_ids;           /* person ids with a role (char *) */
  /* The Instagram professional account linked to the Page, NULL when none
   * (its instagram_business_account field, API-FACTS.md). */
  char      *instagram_id;
  char      *instagram_username;
  char      *instagram_name;
} ShSandboxPage;

typedef struct {
  char *id;
  char *name;
  char *username;
  char *picture_url;
  char *owner_id;                 /* the person who signs in as it */
} ShSandboxXAccount;

typedef enum {
  SH_SANDBOX_TOKEN_FB_USER,
  SH_SANDBOX_TOKEN_FB_PAGE,
  SH_SANDBOX_TOKEN_X_ACCESS,
  SH_SANDBOX_TOKEN_X_REFRESH,
} ShSandboxTokenKind;

typedef struct {
  char               *value;                /* NULL for a token restored from the
                                               state file until it is presented */
  char               *hash;                 /* SHA-256 of the value: what is kept */
  guint64             serial;               /* issue order, world-wide */
  ShSandboxTokenKind  kind;
  char               *person_id;
  char               *target_id;            /* Page id (FB_PAGE), X account id (X_*) */
  gint64              issued_at;
  gint64              expires_at;           /* 0 = never */
  gint64              data_access_expires_at;
  guint               password_generation;  /* the person's, when issued */
  gboolean            revoked;              /* revoked, logged out, or spent (refresh) */
  char               *partner;              /* X: the access token's refresh token and
                                               back (its value or its hash) */
  char              **scopes;
  char              **declined;             /* scopes the person declined at the
                                               login (FB_USER), or NULL */
} ShSandboxToken;

/* Why a token does not work, in the world's terms. The Graph and X handlers
 * turn this into their network's error (docs/network-behaviour.md tables). */
typedef enum {
  SH_SANDBOX_TOKEN_OK,
  SH_SANDBOX_TOKEN_UNKNOWN,           /* never issued: cannot parse */
  SH_SANDBOX_TOKEN_EXPIRED,           /* 190/463 */
  SH_SANDBOX_TOKEN_PASSWORD_CHANGED,  /* 190/460 */
  SH_SANDBOX_TOKEN_APP_REMOVED,       /* 190/458 */
  SH_SANDBOX_TOKEN_CHECKPOINT,        /* 190/459 */
  SH_SANDBOX_TOKEN_UNCONFIRMED,       /* 190/464 */
  SH_SANDBOX_TOKEN_REVOKED,           /* 190/467 (logged out), X: 401 */
  SH_SANDBOX_TOKEN_ROLE_LOST,         /* 190/492 */
  SH_SANDBOX_TOKEN_LOCKED,            /* X: account locked */
} ShSandboxTokenStatus;

typedef enum {
  SH_SANDBOX_DEVICE_PENDING,
  SH_SANDBOX_DEVICE_APPROVED,
  SH_SANDBOX_DEVICE_DECLINED,
} ShSandboxDeviceState;

typedef struct {
  char                 *code;
  char                 *user_code;
  char                **scopes;
  gint64                created_at;
  gint64                last_poll_at;        /* 0 = never polled */
  gint64                approve_at;          /* self-approval moment */
  ShSandboxDeviceState  state;
  char                 *person_id;           /* who approves it */
  gboolean              used;                /* the token was handed out */
  char                 *declined_scope;      /* a scope the person leaves out, or NULL */
} ShSandboxDeviceCode;

typedef struct {
  char     *code;
  char     *client_id;
  char     *redirect_uri;
  char     *code_challenge;
  char     *scope;
  gint64    created_at;
  char     *x_account_id;
  gboolean  used;
} ShSandboxXCode;

/* What the control endpoint asked to go wrong. A fault applies to the
 * requests of one network ("graph" or "x"), optionally only to paths that
 * start with @path_prefix, for @remaining requests (-1: until cleared). */
typedef enum {
  SH_SANDBOX_FAULT_NONE,
  SH_SANDBOX_FAULT_LATENCY,      /* delay_ms, then answer normally */
  SH_SANDBOX_FAULT_STATUS,       /* HTTP @status (500/502/503) with a short body */
  SH_SANDBOX_FAULT_HANG,         /* never answer */
  SH_SANDBOX_FAULT_TRUNCATED,    /* the normal body cut in half */
  SH_SANDBOX_FAULT_HTML,         /* an HTML error page instead of JSON */
  SH_SANDBOX_FAULT_EMPTY,        /* 200 with an empty body */
  SH_SANDBOX_FAULT_THROTTLE,     /* Graph: error @code (4/17/32/613/80001);
                                    X: 429 in @x_form ("problem" or "v1") */
  SH_SANDBOX_FAULT_BATCH_NULL,   /* Graph batch: items from @code on are null */
  SH_SANDBOX_FAULT_HUGE,         /* 200 with a 10 MB body; @code 1: chunked, no
                                    Content-Length to tell the size up front */
  SH_SANDBOX_FAULT_HANG_BODY,    /* the headers and half the normal body, then
                                    nothing more */
  SH_SANDBOX_FAULT_OFFLINE,      /* the connection is closed without a word, as
                                    when the network cannot be reached */
} ShSandboxFaultKind;

typedef struct {
  ShSandboxFaultKind  kind;
  char               *network;
  char               *path_prefix;   /* NULL: every path */
  int                 remaining;
  guint               delay_ms;
  guint               status;
  int                 code;
  char               *x_form;
} ShSandboxFault;

#define SH_TYPE_SANDBOX_WORLD (sh_sandbox_world_get_type ())
G_DECLARE_FINAL_TYPE (ShSandboxWorld, sh_sandbox_world, SH, SANDBOX_WORLD, GObject)

/* A world with a few people, Pages and X accounts
 * (sh-sandbox-world-records.c). */
ShSandboxWorld       *sh_sandbox_world_new               (void);

/* The world's clock: real time plus an offset the control endpoint moves. */
gint64                sh_sandbox_world_now               (ShSandboxWorld *self);
void                  sh_sandbox_world_advance           (ShSandboxWorld *self,
                                                          gint64          seconds);

/* Seconds a device code waits before it approves itself (default 3). */
void                  sh_sandbox_world_set_approve_delay (ShSandboxWorld *self,
                                                          guint           seconds);
guint                 sh_sandbox_world_get_approve_delay (ShSandboxWorld *self);

ShSandboxPerson      *sh_sandbox_world_get_person        (ShSandboxWorld *self,
                                                          const char     *id);
ShSandboxPage        *sh_sandbox_world_get_page          (ShSandboxWorld *self,
                                                          const char     *id);
ShSandboxXAccount    *sh_sandbox_world_get_x_account     (ShSandboxWorld *self,
                                                          const char     *id);
GPtrArray            *sh_sandbox_world_list_people       (ShSandboxWorld *self);
GPtrArray            *sh_sandbox_world_list_pages        (ShSandboxWorld *self);
GPtrArray            *sh_sandbox_world_list_x_accounts   (ShSandboxWorld *self);
/* Pages @person_id has a role on (borrowed ShSandboxPage *). */
GPtrArray            *sh_sandbox_world_pages_of          (ShSandboxWorld *self,
                                                          const char     *person_id);
gboolean              sh_sandbox_world_has_role          (ShSandboxWorld *self,
                                                          const char     *page_id,
                                                          const char     *person_id);

/* A bigger world than the seeded one (benchmarks, tests of an agency's
 * size). Ids must be new; the records are the world's. A Page gets one
 * admin; an X account is signed in as by @owner_id. */
ShSandboxPerson      *sh_sandbox_world_add_person        (ShSandboxWorld *self,
                                                          const char     *id,
                                                          const char     *name);
ShSandboxPage        *sh_sandbox_world_add_page          (ShSandboxWorld *self,
                                                          const char     *id,
                                                          const char     *name,
                                                          const char     *admin_id);
ShSandboxXAccount    *sh_sandbox_world_add_x_account     (ShSandboxWorld *self,
                                                          const char     *id,
                                                          const char     *username,
                                                          const char     *owner_id);

/* Tokens. @lifetime 0 = never expires. */
ShSandboxToken       *sh_sandbox_world_issue_token       (ShSandboxWorld    *self,
                                                          ShSandboxTokenKind kind,
                                                          const char        *person_id,
                                                          const char        *target_id,
                                                          gint64             lifetime,
                                                          const char * const *scopes);
/* An X access token and its refresh token for @x_account_id, signed in as
 * by @person_id, with the scopes SocialHub asks for; the refresh token in
 * @out_refresh. */
ShSandboxToken       *sh_sandbox_world_issue_x_pair      (ShSandboxWorld    *self,
                                                          const char        *person_id,
                                                          const char        *x_account_id,
                                                          ShSandboxToken   **out_refresh);
/* By the token's value, or by its hash (what the state file and partner
 * links keep). */
ShSandboxToken       *sh_sandbox_world_lookup_token      (ShSandboxWorld *self,
                                                          const char     *value);
ShSandboxTokenStatus  sh_sandbox_world_check_token       (ShSandboxWorld *self,
                                                          ShSandboxToken *token);
/* The tokens issued so far (borrowed ShSandboxToken *), in issue order. */
GPtrArray            *sh_sandbox_world_list_tokens       (ShSandboxWorld *self);

/* Device login (Facebook Login for Devices). */
ShSandboxDeviceCode  *sh_sandbox_world_new_device_code   (ShSandboxWorld *self,
                                                          const char * const *scopes);
ShSandboxDeviceCode  *sh_sandbox_world_lookup_device_code (ShSandboxWorld *self,
                                                           const char     *code);
ShSandboxDeviceCode  *sh_sandbox_world_lookup_user_code  (ShSandboxWorld *self,
                                                          const char     *user_code);

/* X authorization codes. */
ShSandboxXCode       *sh_sandbox_world_new_x_code        (ShSandboxWorld *self,
                                                          const char     *client_id,
                                                          const char     *redirect_uri,
                                                          const char     *code_challenge,
                                                          const char     *scope,
                                                          const char     *x_account_id);
ShSandboxXCode       *sh_sandbox_world_lookup_x_code     (ShSandboxWorld *self,
                                                          const char     *code);
/* The redirect URIs registered for the sandbox's X app (exact match). */
gboolean              sh_sandbox_world_x_redirect_allowed (ShSandboxWorld *self,
                                                           const char     *redirect_uri);
void                  sh_sandbox_world_allow_x_redirect  (ShSandboxWorld *self,
                                                          const char     *redirect_uri);

/* A person grants the app again (a new login): clears app_removed; tokens
 * issued before the removal stay dead. */
void                  sh_sandbox_world_grant_app         (ShSandboxWorld *self,
                                                          const char     *person_id);
/* Who approves (or declines) the next device code; by default the people
 * take turns, so that successive sign-ins bring different people's tokens. */
void                  sh_sandbox_world_set_next_device_person (ShSandboxWorld *self,
                                                               const char     *person_id,
                                                               gboolean        decline);
/* The forced person's next device code (after set_next_device_person)
 * approves everything but @scope ("instagram_basic"): the token leaves it
 * out, /me/permissions lists it as declined (API-FACTS.md). */
void                  sh_sandbox_world_set_next_device_declined_scope (ShSandboxWorld *self,
                                                                       const char     *scope);
/* Who approves the sign-ins from now on (the Sandbox menu's choice): device
 * codes, and X's authorize page with that person's X account when they
 * have one. NULL or "": the people take turns again (X: the first
 * account). A one-time set_next_device_person comes first. */
void                  sh_sandbox_world_set_approver      (ShSandboxWorld *self,
                                                          const char     *person_id);
const char           *sh_sandbox_world_get_approver      (ShSandboxWorld *self);
/* The X account @person_id signs in as, or NULL. */
ShSandboxXAccount    *sh_sandbox_world_x_account_of      (ShSandboxWorld *self,
                                                          const char     *person_id);

/* Breaking things (the control endpoint and the Sandbox menu). Each returns
 * FALSE when the id is unknown. */
gboolean sh_sandbox_world_change_password  (ShSandboxWorld *self, const char *person_id);
gboolean sh_sandbox_world_remove_app       (ShSandboxWorld *self, const char *person_id);
gboolean sh_sandbox_world_checkpoint       (ShSandboxWorld *self, const char *person_id);
gboolean sh_sandbox_world_remove_role      (ShSandboxWorld *self, const char *page_id,
                                            const char *person_id);
gboolean sh_sandbox_world_expire_token     (ShSandboxWorld *self, const char *value);
gboolean sh_sandbox_world_revoke_token     (ShSandboxWorld *self, const char *value);
/* Instagram professional accounts hang off Pages: link one (a new id, or
 * FALSE when the Page is unknown), unlink it (the Page's field is gone and
 * its id answers "does not exist" to the Page's tokens), or let a person
 * withhold instagram_basic (their tokens' Instagram calls fail with #10). */
gboolean sh_sandbox_world_link_instagram    (ShSandboxWorld *self, const char *page_id,
                                             const char *instagram_id, const char *username);
gboolean sh_sandbox_world_unlink_instagram  (ShSandboxWorld *self, const char *page_id);
gboolean sh_sandbox_world_withhold_instagram (ShSandboxWorld *self, const char *person_id);
/* The Page the Instagram account @instagram_id is linked to, or NULL. */
ShSandboxPage *sh_sandbox_world_instagram_page (ShSandboxWorld *self, const char *instagram_id);
/* Undo a person's faults (they logged in again, cleared the checkpoint, …). */
gboolean sh_sandbox_world_restore_person   (ShSandboxWorld *self, const char *person_id);

/* Faults. The world takes ownership of @fault. */
void            sh_sandbox_world_add_fault    (ShSandboxWorld *self,
                                               ShSandboxFault *fault);
void            sh_sandbox_world_clear_faults (ShSandboxWorld *self);
/* The first fault matching this request, with its count consumed; NULL when
 * none. The returned copy is the caller's (sh_sandbox_fault_free). */
ShSandboxFault *sh_sandbox_world_take_fault   (ShSandboxWorld *self,
                                               const char     *network,
                                               const char     *path);
void            sh_sandbox_fault_free         (ShSandboxFault *fault);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSandboxFault, sh_sandbox_fault_free)

/* Graph usage accounting for the X-App-Usage header: percent of the app's
 * hourly budget used (control endpoint can set it to test slowing down). */
guint  sh_sandbox_world_count_graph_call (ShSandboxWorld *self);
/* Calls an hour that make 100 % (default 10,000; 0: the default), and the
 * highest percent an answer has carried since the budget was set. */
void   sh_sandbox_world_set_hourly_budget (ShSandboxWorld *self,
                                           guint           calls);
guint  sh_sandbox_world_get_usage_peak   (ShSandboxWorld *self);
void   sh_sandbox_world_set_app_usage    (ShSandboxWorld *self,
                                          guint           percent);
/* A Page's own budget, for X-Business-Use-Case-Usage (API-FACTS.md: every
 * call with the Page's token, batch items too, counts against it): calls
 * an hour that make 100 % of @page_id's (NULL: of every Page without its
 * own; 0: the default, SH_SANDBOX_PAGE_HOURLY_BUDGET). Setting it starts
 * the Page's hour afresh. */
#define SH_SANDBOX_PAGE_HOURLY_BUDGET 4800
void   sh_sandbox_world_set_page_budget  (ShSandboxWorld *self,
                                          const char     *page_id,
                                          guint           calls);
/* Counts a call against @page_id's budget. Returns FALSE when the budget
 * is used up: the call is refused (80001) and @out_regain_minutes says when
 * the Page's hour rolls on. @out_percent: the Page's usage after it. */
gboolean sh_sandbox_world_count_page_call (ShSandboxWorld *self,
                                           const char     *page_id,
                                           guint          *out_percent,
                                           guint          *out_regain_minutes);
/* The Page's usage now (percent) and the highest any answer carried. */
guint  sh_sandbox_world_get_page_usage   (ShSandboxWorld *self,
                                          const char     *page_id,
                                          guint          *out_peak);

/* The world's lasting state (clock, people, roles, issued tokens) as JSON,
 * so that the sandbox's tokens outlive a restart of SocialHub: without it,
 * every token in the sandbox's data folder would be unknown to a new world.
 * Tokens are kept as SHA-256 hashes, never as values: the state file sits
 * in a data folder, where no token may be. Device codes, authorization codes
 * and faults are not kept. */
char     *sh_sandbox_world_save_state (ShSandboxWorld  *self);
gboolean  sh_sandbox_world_load_state (ShSandboxWorld  *self,
                                       const char      *json,
                                       GError         **error);

/* A random token-like string: @prefix followed by @n_random url-safe chars. */
char  *sh_sandbox_random_string          (const char     *prefix,
                                          guint           n_random);

G_END_DECLS
