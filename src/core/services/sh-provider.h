/* sh-provider.h — what every network does for SocialHub.
 *
 * A provider is a GObject class with virtual methods, one subclass per
 * network in src/providers/ (like GNOME Online Accounts' providers); it is
 * the only code that knows its network's URLs and JSON. Every method is
 * async and takes a GCancellable.
 *
 *   sign_in   run the network's sign-in (Facebook: device code; X: browser
 *             and loopback redirect), reporting what to show through
 *             @prompt, and return the channels the grant gives access to
 *   identify  who a pasted access token belongs to, as channels
 *   check     judge many tokens at once from their secrets; returns a
 *             verdict per token (and a secret it renewed), never touching
 *             the ShTokens, the data file or the keyring (ShChecker does)
 *   revoke    revoke a token at the network, where it allows that
 */
#pragma once

#include <gio/gio.h>

#include "sh-enums.h"
#include "sh-secret.h"
#include "sh-token.h"

G_BEGIN_DECLS

/* What a person must see to grant access. */
typedef struct {
  char   *user_code;          /* device flow: the code to type */
  char   *verification_uri;   /* where to type it */
  char   *qr_uri;             /* what a phone's camera should open */
  char   *authorize_uri;      /* browser flow: the page to open */
  gint64  expires_at;         /* when the code or page stops working */
  guint   interval;           /* seconds between polls (device flow) */
} ShSignInPrompt;

/* One channel a grant or a pasted token gives access to, with the token
 * that links it. */
typedef struct {
  ShNetwork  network;
  char      *external_id;
  char      *name;
  char      *picture_url;
  char      *owner_id;        /* who granted it; NULL when the network does not say */
  char      *owner_name;
  char     **scopes;
  ShSecret  *secret;
  gint64     expires_at;      /* 0 = never */
  gint64     data_access_expires_at;
} ShGrantedChannel;

#define SH_TYPE_GRANTED_CHANNEL (sh_granted_channel_get_type ())
GType             sh_granted_channel_get_type (void) G_GNUC_CONST;
ShGrantedChannel *sh_granted_channel_new      (ShNetwork               network);
ShGrantedChannel *sh_granted_channel_copy     (const ShGrantedChannel *channel);
void              sh_granted_channel_free     (ShGrantedChannel       *channel);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShGrantedChannel, sh_granted_channel_free)

typedef void (*ShSignInPromptFunc) (const ShSignInPrompt *prompt,
                                    gpointer              user_data);

/* How a check went, for --check's exit status and the UI's progress. */
typedef struct {
  guint n_checked;     /* tokens that got a verdict */
  guint n_unknown;     /* tokens that did not */
  guint n_requests;    /* HTTP requests made */
} ShCheckSummary;

/* What a provider concluded about one token. ShChecker applies it (with the
 * warning window) and stores @renewed in the keyring before anyone sees the
 * verdict. */
typedef struct {
  ShTokenState   state;       /* a verdict, or SH_TOKEN_STATE_UNKNOWN: none */
  ShTokenReason  reason;      /* why, for expired/invalid/unknown */
  gint64         checked_at;  /* when the network answered */
  ShSecret      *renewed;     /* the secret renewed during the check (X's
                               * refresh rotation), or NULL */
} ShVerdict;

ShVerdict *sh_verdict_new  (ShTokenState   state,
                            ShTokenReason  reason);
void       sh_verdict_free (ShVerdict     *verdict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShVerdict, sh_verdict_free)

/* A token id → ShVerdict table for a provider's check to fill. */
GHashTable *sh_verdicts_new (void);

/* For a provider's check task: the summary and the verdicts, returned
 * with sh_provider_return_check() and unpacked by the default finish. */
void       sh_provider_return_check (GTask                *task,
                                     const ShCheckSummary *summary,
                                     GHashTable           *verdicts);

#define SH_TYPE_PROVIDER (sh_provider_get_type ())
G_DECLARE_DERIVABLE_TYPE (ShProvider, sh_provider, SH, PROVIDER, GObject)

struct _ShProviderClass
{
  GObjectClass parent_class;

  ShNetwork network;

  void       (*sign_in_async)   (ShProvider          *self,
                                 ShSignInPromptFunc   prompt,
                                 gpointer             prompt_data,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
  GPtrArray *(*sign_in_finish)  (ShProvider          *self,
                                 GAsyncResult        *result,
                                 GError             **error);

  void       (*identify_async)  (ShProvider          *self,
                                 const char          *access_token,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
  GPtrArray *(*identify_finish) (ShProvider          *self,
                                 GAsyncResult        *result,
                                 GError             **error);

  /* @tokens: ShToken of this network, read only (id, owner); @secrets:
   * token id → ShSecret, one for each of @tokens (ShChecker decides about
   * a token without one). Returns token id → ShVerdict. */
  void       (*check_async)     (ShProvider          *self,
                                 GPtrArray           *tokens,
                                 GHashTable          *secrets,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
  GHashTable*(*check_finish)    (ShProvider          *self,
                                 GAsyncResult        *result,
                                 ShCheckSummary      *out_summary,
                                 GError             **error);

  void       (*revoke_async)    (ShProvider          *self,
                                 const ShSecret      *secret,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
  gboolean   (*revoke_finish)   (ShProvider          *self,
                                 GAsyncResult        *result,
                                 GError             **error);

  gpointer padding[8];
};

ShNetwork  sh_provider_get_network   (ShProvider          *self);

void       sh_provider_sign_in_async (ShProvider          *self,
                                      ShSignInPromptFunc   prompt,
                                      gpointer             prompt_data,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
GPtrArray *sh_provider_sign_in_finish (ShProvider         *self,
                                       GAsyncResult       *result,
                                       GError            **error);
void       sh_provider_identify_async (ShProvider         *self,
                                       const char         *access_token,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
GPtrArray *sh_provider_identify_finish (ShProvider        *self,
                                        GAsyncResult      *result,
                                        GError           **error);
void       sh_provider_check_async   (ShProvider          *self,
                                      GPtrArray           *tokens,
                                      GHashTable          *secrets,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* Token id → ShVerdict, or NULL with @error. */
GHashTable *sh_provider_check_finish (ShProvider          *self,
                                      GAsyncResult        *result,
                                      ShCheckSummary      *out_summary,
                                      GError             **error);
void       sh_provider_revoke_async  (ShProvider          *self,
                                      const ShSecret      *secret,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean   sh_provider_revoke_finish (ShProvider          *self,
                                      GAsyncResult        *result,
                                      GError             **error);

G_END_DECLS
