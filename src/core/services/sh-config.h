/* sh-config.h — where the networks are and which client ids to use.
 *
 * ARCHITECTURE.md, "Where the networks are": the environment overrides GSettings,
 * which overrides the build's meson options, which default to the real
 * services. Client ids are public (no app secret exists in the program).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SH_CONFIG_GRAPH_URL,
  SH_CONFIG_X_API_URL,
  SH_CONFIG_X_AUTHORIZE_URL,
  SH_CONFIG_FACEBOOK_APP_ID,
  SH_CONFIG_FACEBOOK_CLIENT_TOKEN,
  SH_CONFIG_X_CLIENT_ID,
} ShConfigKey;

/* Never NULL; "" when nothing configures a client id. */
char     *sh_config_dup              (ShConfigKey key);
gboolean  sh_config_has_credentials  (void);
/* Seconds before an expiry in which a valid token reads "expiring"
 * (GSettings warning-window-days, default 7 days). */
gint64    sh_config_get_warning_window (void);

G_END_DECLS
