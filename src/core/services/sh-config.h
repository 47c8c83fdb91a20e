/* sh-config.h — where the networks are and which client ids to use.
 *
 * ARCHITECTURE.md, "Where the networks are": the environment overrides GSettings,
 * which overrides the build's meson options, which default to the real
 * services. Client ids are public (no app secret exists in the program).
 *
 * The mechanism is generic: each provider declares its own keys (its API
 * address, its client id, …) as ShConfigKey values and lists them in its
 * class (ShProviderClass.config_keys), so core names no network.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SH_CONFIG_KIND_OTHER,
  SH_CONFIG_KIND_API_URL,     /* the base address of the network's API */
  SH_CONFIG_KIND_CLIENT_ID,   /* without one, only the sandbox can sign in */
  SH_CONFIG_KIND_PORT,        /* a uint GSettings key, read by its provider */
} ShConfigKind;

typedef struct {
  const char   *env;            /* SOCIALHUB_…, the strongest source */
  const char   *settings_key;   /* NULL: not a GSettings key */
  const char   *built_in;       /* the build option or the real service */
  ShConfigKind  kind;
  /* For the Preferences' "Developer Apps" page, which shows every key
   * that has a settings_key: */
  const char   *title;          /* N_("…"): the row's title */
  gboolean      numeric;        /* offer a digits keyboard */
  /* NULL when @value (stripped, not empty) may be saved, else why not,
   * translated. NULL: any value may. */
  const char *(*validate) (const char *value);
} ShConfigKey;

/* Never NULL; "" when nothing configures a client id. */
char     *sh_config_dup              (const ShConfigKey *key);
/* The values of every registered provider's keys of @kind, in
 * registration order (sh-provider-registry.h). */
char    **sh_config_dup_all          (ShConfigKind       kind);
/* Whether any registered provider has a client id (see sh-provider-registry.h). */
gboolean  sh_config_has_credentials  (void);
/* Seconds before an expiry in which a valid token reads "expiring"
 * (GSettings warning-window-days, default 7 days). */
gint64    sh_config_get_warning_window (void);

G_END_DECLS
