/* sh-x-provider.h — X accounts: OAuth 2.0 Authorization Code with PKCE in
 * the system browser and a loopback redirect, refresh-token rotation, checks
 * with /2/users/me, revocation. The only code that knows X's URLs and JSON.
 *
 * Properties:
 *   open-browser     whether sign-in opens the system browser itself (through
 *                    the OpenURI portal in a sandbox); FALSE leaves the
 *                    prompt's authorize_uri as the only way in. Default TRUE,
 *                    FALSE when SOCIALHUB_X_BROWSER=none.
 *   sign-in-timeout  seconds the loopback server waits for X's answer.
 */
#pragma once

#include "sh-provider.h"

G_BEGIN_DECLS

/* Its network id: the data file, the JSON output and --login use it. */
#define SH_X_NETWORK "x"

/* Where X is and which app to be (sh-x-describe.c). */
extern const ShConfigKey sh_x_config_api_url;
extern const ShConfigKey sh_x_config_authorize_url;
extern const ShConfigKey sh_x_config_client_id;
extern const ShConfigKey sh_x_config_redirect_port;

#define SH_TYPE_X_PROVIDER (sh_x_provider_get_type ())
G_DECLARE_FINAL_TYPE (ShXProvider, sh_x_provider, SH, X_PROVIDER, ShProvider)

/* What SocialHub asks X for (docs/network-behaviour.md): reading, and a refresh token. */
#define SH_X_SCOPES                 "tweet.read users.read offline.access"
/* An access token's life when X does not say (docs/network-behaviour.md: two hours). */
#define SH_X_ACCESS_LIFETIME        7200
/* Refresh an access token this many seconds before it ends. */
#define SH_X_REFRESH_MARGIN         300
#define SH_X_DEFAULT_REDIRECT_PORT  8923
#define SH_X_DEFAULT_SIGN_IN_TIMEOUT (10 * 60)
/* Tokens checked at once, one /2/users/me each. */
#define SH_X_PARALLEL_CHECKS        4

ShProvider *sh_x_provider_new               (void);

gboolean    sh_x_provider_get_open_browser  (ShXProvider *self);
void        sh_x_provider_set_open_browser  (ShXProvider *self,
                                             gboolean     open_browser);
guint       sh_x_provider_get_sign_in_timeout (ShXProvider *self);
void        sh_x_provider_set_sign_in_timeout (ShXProvider *self,
                                               guint        seconds);

/* The loopback port X sends the browser back to: SOCIALHUB_X_REDIRECT_PORT,
 * else the GSettings key x-redirect-port, else 8923. */
guint       sh_x_redirect_port              (void);
/* "http://127.0.0.1:PORT/callback", to register with the X app. */
char       *sh_x_redirect_uri               (void);

G_END_DECLS
