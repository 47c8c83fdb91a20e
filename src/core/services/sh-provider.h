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
 *
 * What core, the command line and the UI need to know about a network they
 * read from its class, never from a branch of their own (issue 14):
 *
 *   network          the id: "facebook", "x"; the string the data file,
 *                    the JSON output and --login use (never change one)
 *   network_name     N_("Facebook"): the network, in running text
 *   display_name     N_("Facebook Page"): the kind of channel it links
 *   channel_noun     N_("a Facebook Page"): the same in running text
 *   icon_name        the channel's icon
 *   sign_in_kind     device code (shown with a QR code) or browser
 *   sign_in_blurb    N_() subtitle of the network in the "Add Channel" list
 *   shared_channels  whether several people can grant one channel (a Page
 *                    has many admins; an X account has one owner)
 *   identify_names_owner  whether a pasted token names its owner (X does;
 *                    a Page token does not, so the dialog asks for a name)
 *   config_keys      NULL-terminated: its URLs and client ids (sh-config.h)
 *   developer_app_help  N_() where a team finds the ids of its own app
 *   explain_reason   its own wording of a reason, or NULL for core's
 *   dup_text         the sentences of the sign-in views (ShProviderText)
 *   describe_token_fault  the message for a token that fails the generic
 *                    syntax check (sh-token-syntax.h), in its own name
 *   describe_redirect  for a sign-in through a loopback redirect on @port:
 *                    what a team registers as the callback of its own app
 *                    (the preferences show it); NULL for other sign-ins
 *
 * A network whose accounts hang off another network's channels and live on
 * their tokens (Instagram professional accounts on Facebook Pages) names
 * that network as parent_network and checks with check_derived instead of
 * check (see below); its channels carry "via" (the parent channel) and
 * their tokens "shares" (the parent token whose secret and verdict they
 * share: sh-channel.h, sh-token.h). Core adds, renames and unlinks such
 * channels from what check_derived found, without naming any network:
 *
 *   parent_network   the parent's network id, or NULL
 *   parent_scopes    what the parent's sign-in asks for as well
 *                    ("instagram_basic"), comma-separated, or NULL
 *
 * Strings in the class are untranslated (N_()); the getters in
 * sh-provider-registry.h translate them. A provider registers its type in
 * src/providers/sh-providers.c, one line per network.
 */
#pragma once

#include <gio/gio.h>

#include "sh-config.h"
#include "sh-enums.h"
#include "sh-secret.h"
#include "sh-secret-feed.h"
#include "sh-token.h"

G_BEGIN_DECLS

/* What a person must see to grant access. */
typedef struct {
  char   *user_code;          /* device flow: the code to type */
  char   *verification_uri;   /* where to type it */
  char   *qr_uri;             /* what a phone's camera should open */
  char   *authorize_uri;      /* browser flow: the page to open */
  char   *browser_error;      /* browser flow: why the provider could not open
                               * it itself; NULL while it may have. The prompt
                               * comes again once this is known. */
  gint64  expires_at;         /* when the code or page stops working */
  guint   interval;           /* seconds between polls (device flow) */
} ShSignInPrompt;

/* One channel a grant or a pasted token gives access to, with the token
 * that links it. */
typedef struct {
  const char *network;        /* interned provider id */
  char      *external_id;
  char      *name;
  char      *picture_url;
  char      *owner_id;        /* who granted it; NULL when the network does not say */
  char      *owner_name;
  char     **scopes;
  ShSecret  *secret;
  gint64     expires_at;      /* 0 = never */
  gint64     expires_by;      /* when expires_at is an estimate (the earliest
                               * it can be), the latest; 0 when it is exact */
  gint64     data_access_expires_at;
} ShGrantedChannel;

#define SH_TYPE_GRANTED_CHANNEL (sh_granted_channel_get_type ())
GType             sh_granted_channel_get_type (void) G_GNUC_CONST;
ShGrantedChannel *sh_granted_channel_new      (const char             *network);
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
  gint64 retry_at;     /* the earliest moment the network takes requests
                        * again after it asked to slow down (unix
                        * seconds), 0 when it did not */
  guint n_deferred;    /* tokens left for later to stay within the
                        * network's budget: no verdict, not unknown either */
  gint64 deferred_until; /* when they will have been judged (unix seconds);
                          * the monitor's next check starts before */
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

/* What a derived network's check found linked to one parent channel (a
 * Page): @found is the account linked to it now (its tokens are filled in
 * by core from the parent's), or NULL when none is. Only parents that got
 * an answer are listed. */
typedef struct {
  char             *parent_id;
  ShGrantedChannel *found;
} ShDiscovery;

ShDiscovery *sh_discovery_new  (const char       *parent_id,
                                ShGrantedChannel *found);
void         sh_discovery_free (ShDiscovery      *discovery);

/* A token id → ShVerdict table for a provider's check to fill. */
GHashTable *sh_verdicts_new (void);

/* For a provider's check task: the summary and the verdicts, returned
 * with sh_provider_return_check() and unpacked by the default finish; a
 * cancelled task returns G_IO_ERROR_CANCELLED instead. */
void       sh_provider_return_check (GTask                *task,
                                     const ShCheckSummary *summary,
                                     GHashTable           *verdicts);
/* The same for check_derived: @found, ShDiscovery (taken, may be NULL). */
void       sh_provider_return_check_found (GTask                *task,
                                           const ShCheckSummary *summary,
                                           GHashTable           *verdicts,
                                           GPtrArray            *found);
/* How a network signs a person in, for the view the dialog shows. */
typedef enum {
  SH_SIGN_IN_DEVICE_CODE,   /* a code to type on any device, with a QR code */
  SH_SIGN_IN_BROWSER,       /* a page opened in this computer's browser */
} ShSignInKind;

/* The sentences of the add-token views a provider words itself, because
 * they name its network or its kind of channel. */
typedef enum {
  SH_PROVIDER_TEXT_NONE_GRANTED_TITLE,  /* "No Pages to Add" */
  SH_PROVIDER_TEXT_NONE_GRANTED_BODY,   /* why the grant gives no channel */
  SH_PROVIDER_TEXT_CHOOSE_TITLE,        /* "Choose Pages" */
  SH_PROVIDER_TEXT_CHOOSE_FROM_OWNER,   /* @arg: the person who signed in */
  SH_PROVIDER_TEXT_CHOOSE_ONE,          /* "The token links this Page." */
  SH_PROVIDER_TEXT_PASTE_DESCRIPTION,   /* what happens to a pasted token */
} ShProviderText;

#define SH_TYPE_PROVIDER (sh_provider_get_type ())
G_DECLARE_DERIVABLE_TYPE (ShProvider, sh_provider, SH, PROVIDER, GObject)

struct _ShProviderClass
{
  GObjectClass parent_class;

  /* What the network is; see the top of this file. */
  const char                *network;
  const char                *network_name;
  const char                *display_name;
  const char                *channel_noun;
  const char                *icon_name;
  ShSignInKind               sign_in_kind;
  const char                *sign_in_blurb;
  gboolean                   shared_channels;
  gboolean                   identify_names_owner;
  const ShConfigKey * const *config_keys;
  const char                *developer_app_help;
  const char                *parent_network;
  const char                *parent_scopes;

  const char *(*explain_reason)       (ShProviderClass *klass,
                                       ShTokenReason    reason);
  char       *(*dup_text)             (ShProviderClass *klass,
                                       ShProviderText   text,
                                       const char      *arg);
  /* @issued: handed out by the network (else pasted by a person);
   * @fault: sh_token_syntax_describe()'s words. */
  char       *(*describe_token_fault) (ShProviderClass *klass,
                                       gboolean         issued,
                                       const char      *fault);
  char       *(*describe_redirect)    (ShProviderClass *klass,
                                       guint            port);

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

  /* Optional: check_async for secrets that arrive while the check runs
   * (sh-secret-feed.h), finished with check_finish. @tokens: every token
   * of this network; a token whose secret never arrives gets no verdict. */
  void       (*check_feed_async) (ShProvider         *self,
                                  GPtrArray          *tokens,
                                  ShSecretFeed       *feed,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);

  /* A derived network's check (parent_network set): @channels, its own
   * (ShChannel; their tokens share a parent token); @parents, the parent
   * network's channels (ShChannel), to be looked at for derived accounts
   * when sh_derived_is_due() (added, or not looked at for about a day);
   * @secrets: secret id (sh_token_get_secret_id) → ShSecret.
   * Verdicts are for @channels' tokens and say only what is the derived
   * account's own (unlinked, permission missing): core adds the parent
   * token's death. @out_found: ShDiscovery of the @parents that answered. */
  void       (*check_derived_async)  (ShProvider          *self,
                                      GPtrArray           *channels,
                                      GPtrArray           *parents,
                                      GHashTable          *secrets,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
  GHashTable*(*check_derived_finish) (ShProvider          *self,
                                      GAsyncResult        *result,
                                      ShCheckSummary      *out_summary,
                                      GPtrArray          **out_found,
                                      GError             **error);

  gpointer padding[5];
};

const char *sh_provider_get_network  (ShProvider          *self);

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
void       sh_provider_check_derived_async  (ShProvider          *self,
                                             GPtrArray           *channels,
                                             GPtrArray           *parents,
                                             GHashTable          *secrets,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GHashTable *sh_provider_check_derived_finish (ShProvider          *self,
                                              GAsyncResult        *result,
                                              ShCheckSummary      *out_summary,
                                              GPtrArray          **out_found,
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
