/* sh-x-classify.h — what an X answer means for a token.
 *
 * Pure functions over bytes and strings (no I/O, no clock), so that they can
 * be fuzzed: /2/users/me answers (docs/network-behaviour.md, "Checking a token"), the
 * token endpoint's answers and errors, the x-rate-limit-* headers, and the
 * query of the browser's redirect to the loopback server.
 */
#pragma once

#include <glib.h>
#include "sh-enums.h"
#include "sh-token-syntax.h"

G_BEGIN_DECLS

/* What a /2/users/me answer says about the token that asked. */
typedef struct {
  ShTokenState  state;         /* SH_TOKEN_STATE_UNKNOWN: no verdict */
  ShTokenReason reason;        /* why, for expired/invalid/unknown */
  gboolean      unauthorized;  /* 401: expired or revoked (the body never says
                                  which): refresh first when possible */
  gboolean      throttled;     /* 429, or v1.1 error 88: wait for the reset */
  gboolean      app_fault;     /* 403 client-forbidden / unsupported-authentication:
                                  the X app's configuration, not the token */
} ShXVerdict;

void      sh_x_classify_users_me (guint        status,
                                  const char  *body,
                                  gssize       length,
                                  ShXVerdict  *out);

/* {"data":{"id","name","username","profile_image_url"}} of a 200 answer. */
typedef struct {
  char *id;
  char *name;
  char *username;
  char *profile_image_url;
} ShXUser;

gboolean  sh_x_parse_user        (const char  *body,
                                  gssize       length,
                                  ShXUser     *out);
void      sh_x_user_clear        (ShXUser     *user);

/* An RFC 7807 problem ({"type","title","status",…}): its type, or NULL. */
gboolean  sh_x_parse_problem     (const char  *body,
                                  gssize       length,
                                  char       **out_type,
                                  gint64      *out_status);
/* Whether a problem type is one of the app configuration faults of
 * docs/network-behaviour.md (…/problems/client-forbidden, …/unsupported-authentication). */
gboolean  sh_x_problem_is_app_fault (const char *type);
/* The first code of a v1.1 error body {"errors":[{"code":N,…}]}, or -1. */
gint64    sh_x_parse_v1_error    (const char  *body,
                                  gssize       length);

/* What the token endpoint (a code or a refresh) answered. */
typedef enum {
  SH_X_GRANT_OK,
  SH_X_GRANT_REFUSED,       /* invalid_request / invalid_grant: the code or the
                               refresh token is spent, revoked or expired */
  SH_X_GRANT_CLIENT_FAULT,  /* unauthorized_client, invalid_client, … or a 403
                               configuration problem: the app's setup */
  SH_X_GRANT_THROTTLED,     /* 429 or v1.1 error 88 */
  SH_X_GRANT_FAILED,        /* anything else: 5xx, HTML, a cut or odd body */
} ShXGrantOutcome;

typedef struct {
  char   *access_token;
  char   *refresh_token;   /* NULL without offline.access */
  gint64  expires_in;      /* seconds; 0 when the answer does not say */
  char   *scope;
  char   *error;           /* the OAuth error code of a refusal, or NULL */
  ShTokenSyntax bad_token; /* SH_X_GRANT_FAILED for a 200 whose access or refresh
                              token cannot be a token (sh-token-syntax.h): what
                              is wrong with it; otherwise SH_TOKEN_SYNTAX_OK */
} ShXTokenReply;

ShXGrantOutcome sh_x_parse_token_reply (guint          status,
                                        const char    *body,
                                        gssize         length,
                                        ShXTokenReply *out);
/* Frees the strings, wiping the tokens first. */
void      sh_x_token_reply_clear (ShXTokenReply *reply);

/* x-rate-limit-limit, -remaining, -reset (epoch seconds); a header that is
 * absent or not a number is left out (has_* FALSE). */
typedef struct {
  gboolean has_limit;
  gboolean has_remaining;
  gboolean has_reset;
  gint64   limit;
  gint64   remaining;
  gint64   reset;
} ShXRateLimit;

void      sh_x_parse_rate_limit  (const char   *limit,
                                  const char   *remaining,
                                  const char   *reset,
                                  ShXRateLimit *out);

/* The query of a request to the loopback server, judged against the state
 * this sign-in sent. */
typedef enum {
  SH_X_CALLBACK_CODE,         /* our state and one code: *out_code is set */
  SH_X_CALLBACK_DENIED,       /* our state and an error (access_denied, …):
                                 *out_error is set */
  SH_X_CALLBACK_WRONG_STATE,  /* no state, another state, or it is repeated:
                                 not the answer to this sign-in */
  SH_X_CALLBACK_MALFORMED,    /* our state, but no single code and no error */
} ShXCallback;

ShXCallback sh_x_parse_callback  (const char  *query,
                                  const char  *expected_state,
                                  char       **out_code,
                                  char       **out_error);

G_END_DECLS
