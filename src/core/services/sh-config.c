/* sh-config.c — environment, then GSettings, then build options. */
#include "config.h"

#include <gio/gio.h>

#include "sh-config.h"

typedef struct {
  const char *env;
  const char *settings_key;   /* NULL: not a GSettings key */
  const char *built_in;
} Source;

static const Source sources[] = {
  [SH_CONFIG_GRAPH_URL] = { "SOCIALHUB_GRAPH_URL", NULL, "https://graph.facebook.com/v24.0" },
  [SH_CONFIG_X_API_URL] = { "SOCIALHUB_X_API_URL", NULL, "https://api.x.com" },
  [SH_CONFIG_X_AUTHORIZE_URL] = { "SOCIALHUB_X_AUTHORIZE_URL", NULL, "https://x.com/i/oauth2/authorize" },
  [SH_CONFIG_FACEBOOK_APP_ID] = { "SOCIALHUB_FACEBOOK_APP_ID", "facebook-app-id", SH_FACEBOOK_APP_ID },
  [SH_CONFIG_FACEBOOK_CLIENT_TOKEN] = { "SOCIALHUB_FACEBOOK_CLIENT_TOKEN", "facebook-client-token",
                                        SH_FACEBOOK_CLIENT_TOKEN },
  [SH_CONFIG_X_CLIENT_ID] = { "SOCIALHUB_X_CLIENT_ID", "x-client-id", SH_X_CLIENT_ID },
};

/* g_settings_new() aborts when the schema is not installed (an uninstalled
 * build without GSETTINGS_SCHEMA_DIR): look it up first. */
static char *
settings_string (const char *key)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, key))
    return NULL;
  settings = g_settings_new_full (schema, NULL, NULL);
  return g_settings_get_string (settings, key);
}

gint64
sh_config_get_warning_window (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE)
                                             : NULL;
  guint days = 7;

  if (schema != NULL && g_settings_schema_has_key (schema, "warning-window-days"))
    {
      g_autoptr(GSettings) settings = g_settings_new_full (schema, NULL, NULL);
      days = g_settings_get_uint (settings, "warning-window-days");
    }
  return (gint64) days * 24 * 60 * 60;
}

char *
sh_config_dup (ShConfigKey key)
{
  const Source *source;
  const char *env;

  g_return_val_if_fail (key < G_N_ELEMENTS (sources), NULL);

  source = &sources[key];
  env = g_getenv (source->env);
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (source->settings_key != NULL)
    {
      g_autofree char *value = settings_string (source->settings_key);

      if (value != NULL && *value != '\0')
        return g_steal_pointer (&value);
    }
  return g_strdup (source->built_in);
}

/* Whether the real networks can be used at all: without a client id, only
 * the sandbox can sign anyone in. */
gboolean
sh_config_has_credentials (void)
{
  g_autofree char *facebook = sh_config_dup (SH_CONFIG_FACEBOOK_APP_ID);
  g_autofree char *x = sh_config_dup (SH_CONFIG_X_CLIENT_ID);

  return *facebook != '\0' || *x != '\0';
}
