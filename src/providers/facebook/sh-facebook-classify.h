/* sh-facebook-classify.h — what a Graph answer means for a token.
 *
 * Pure functions over bytes (no I/O), so that they can be fuzzed: the error
 * table of docs/network-behaviour.md, the batch answer format and the usage headers.
 */
#pragma once

#include <glib.h>
#include "sh-enums.h"

G_BEGIN_DECLS

typedef struct {
  ShTokenState  state;      /* SH_TOKEN_STATE_UNKNOWN: no verdict */
  ShTokenReason reason;     /* why, for expired/invalid/unknown */
  int           code;       /* Graph error code, -1 when none */
  int           subcode;    /* Graph error_subcode, -1 when none */
  gboolean      throttled;  /* a rate-limit code: slow down, stop for now */
} ShFacebookVerdict;

typedef struct {
  gboolean  is_null;        /* the batch timed the item out */
  guint     status;
  char     *body;
  char     *business_usage; /* its X-Business-Use-Case-Usage (include_headers), or NULL */
  gboolean  page_throttled; /* a Page's own rate limit (80001, 32) */
} ShFacebookBatchItem;

/* Graph codes of a Page's own rate limit (API-FACTS.md). */
#define SH_FACEBOOK_CODE_PAGE_LIMIT          32
#define SH_FACEBOOK_CODE_PAGE_BUSINESS_LIMIT 80001

void       sh_facebook_classify_error    (int                code,
                                          int                subcode,
                                          ShFacebookVerdict *out);
void       sh_facebook_classify_response (guint              status,
                                          const char        *body,
                                          gssize             length,
                                          ShFacebookVerdict *out);
gboolean   sh_facebook_parse_error       (const char        *body,
                                          gssize             length,
                                          int               *out_code,
                                          int               *out_subcode);
GPtrArray *sh_facebook_parse_batch       (const char        *body,
                                          gssize             length,
                                          GError           **error);
guint      sh_facebook_parse_usage       (const char        *app_usage,
                                          const char        *business_usage,
                                          guint             *out_regain_minutes);
void       sh_facebook_batch_item_free   (ShFacebookBatchItem *item);

G_END_DECLS
