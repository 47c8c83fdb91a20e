/* sh-config.c — environment, then GSettings, then build options. */
#include "config.h"

#include <gio/gio.h>

#include "sh-config.h"
#include "sh-provider-registry.h"

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
sh_config_dup (const ShConfigKey *source)
{
  const char *env;

  g_return_val_if_fail (source != NULL && source->env != NULL, NULL);

  env = g_getenv (source->env);
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (source->settings_key != NULL)
    {
      g_autofree char *value = settings_string (source->settings_key);

      if (value != NULL && *value != '\0')
        return g_steal_pointer (&value);
    }
  return g_strdup (source->built_in != NULL ? source->built_in : "");
}

char **
sh_config_dup_all (ShConfigKind kind)
{
  GPtrArray *providers = sh_provider_registry_list ();
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();

  for (guint i = 0; i < providers->len; i++)
    {
      ShProviderClass *klass = g_ptr_array_index (providers, i);

      for (const ShConfigKey * const *key = klass->config_keys; key != NULL && *key != NULL; key++)
        {
          g_autofree char *value = NULL;

          if ((*key)->kind != kind)
            continue;
          value = sh_config_dup (*key);
          g_strv_builder_add (values, value);
        }
    }
  return g_strv_builder_end (values);
}

/* Whether the real networks can be used at all: without a client id, only
 * the sandbox can sign anyone in. */
gboolean
sh_config_has_credentials (void)
{
  g_auto(GStrv) client_ids = sh_config_dup_all (SH_CONFIG_KIND_CLIENT_ID);

  for (guint i = 0; client_ids[i] != NULL; i++)
    if (*client_ids[i] != '\0')
      return TRUE;
  return FALSE;
}
