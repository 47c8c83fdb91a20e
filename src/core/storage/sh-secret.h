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

/* What a keyring item says about its token besides the secret: enough to
 * put the token back in its channel when the data file no longer lists it
 * (ShManager's restore). Any member may be NULL (items written before 0.3
 * name only the token, its channel id and its network). */
typedef struct {
  char *token_id;
  char *network;
  char *channel_id;
  char *channel_external_id;
  char *channel_name;
  char *owner_id;
  char *owner_name;
} ShSecretInfo;

ShSecretInfo *sh_secret_info_copy (const ShSecretInfo *info);
void       sh_secret_info_free  (ShSecretInfo   *info);
/* The item's text with @info's members beside the secret. */
char      *sh_secret_to_json_full (const ShSecret     *secret,
                                   const ShSecretInfo *info);
/* NULL when @json is not an item of ours; never holds the secret. */
ShSecretInfo *sh_secret_info_from_json (const char *json);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSecret, sh_secret_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSecretInfo, sh_secret_info_free)

G_END_DECLS
