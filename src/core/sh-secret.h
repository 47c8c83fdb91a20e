/* sh-secret.h — what the keyring holds for one token.
 *
 * Freed with its strings wiped, so that a token does not linger in freed memory.
 * Never print one: use sh_secret_redact() for debug output.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SH_SECRET_FORMAT_VERSION 1

typedef struct {
  char   *access_token;
  char   *refresh_token;   /* NULL when the network gives none */
  gint64  expires_at;      /* unix seconds, 0 = never */
} ShSecret;

#define SH_TYPE_SECRET (sh_secret_get_type ())
GType      sh_secret_get_type   (void) G_GNUC_CONST;
ShSecret  *sh_secret_new        (const char     *access_token,
                                 const char     *refresh_token,
                                 gint64          expires_at);
ShSecret  *sh_secret_copy       (const ShSecret *secret);
void       sh_secret_free       (ShSecret       *secret);
char      *sh_secret_to_json    (const ShSecret *secret,
                                 const char     *token_id);
ShSecret  *sh_secret_from_json  (const char     *json,
                                 char          **token_id,
                                 GError        **error);
char      *sh_secret_redact     (const char     *token);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSecret, sh_secret_free)

G_END_DECLS
