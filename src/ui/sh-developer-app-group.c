/* sh-developer-app-group.c — see sh-developer-app-group.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sh-developer-app-group.h"

/* Longer than any id or token the networks hand out, short enough that a
 * paste of something else entirely is caught. */
#define MAX_FIELD_LENGTH 256

struct _ShDeveloperAppGroup
{
  AdwPreferencesGroup  parent_instance;

  ShProviderClass     *klass;
  GSettings           *settings;
  GPtrArray           *bound;     /* (widget, property) pairs to unbind */
};

G_DEFINE_FINAL_TYPE (ShDeveloperAppGroup, sh_developer_app_group, ADW_TYPE_PREFERENCES_GROUP)

static const char key_data[] = "sh-config-key";

/* "facebook-app-id", "_row" → "facebook_app_id_row" */
static char *
widget_name (const ShConfigKey *key,
             const char        *suffix)
{
  g_autofree char *name = g_strconcat (key->settings_key, suffix, NULL);

  return g_strdelimit (g_steal_pointer (&name), "-", '_');
}

static void
bind (ShDeveloperAppGroup *self,
      const char          *settings_key,
      gpointer             widget,
      const char          *property,
      GSettingsBindFlags   flags)
{
  g_settings_bind (self->settings, settings_key, widget, property, flags);
  g_ptr_array_add (self->bound, widget);
  g_ptr_array_add (self->bound, (gpointer) property);
}

/* ---- text keys: checked, then written ------------------------------------- */

static void
set_row_error (AdwEntryRow *row,
               const char  *message)
{
  if (message != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), message);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                      -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), NULL);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

/* NULL when @value may be saved. Empty always may: it means the app built
 * into SocialHub. */
static const char *
validate (const ShConfigKey *key,
          const char        *value)
{
  if (strlen (value) > MAX_FIELD_LENGTH)
    return _("Not saved: this is too long for this field");
  if (*value == '\0' || key->validate == NULL)
    return NULL;
  return key->validate (value);
}

/* The row keeps what was typed, marked, so that it can be corrected; the
 * key keeps its last good value, which is what a sign-in uses meanwhile. */
static void
on_apply (AdwEntryRow         *row,
          ShDeveloperAppGroup *self)
{
  const ShConfigKey *key = g_object_get_data (G_OBJECT (row), key_data);
  g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  const char *message = validate (key, value);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->settings == NULL)
    return;

  set_row_error (row, message);
  if (message != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (message, -1);

      if (ADW_IS_PREFERENCES_WINDOW (root))
        adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (escaped));
      return;
    }
  g_settings_set_string (self->settings, key->settings_key, value);
  /* The binding shows the stripped value, but only if the key changed: not
   * for the same value pasted again with a space around it. */
  if (!g_str_equal (gtk_editable_get_text (GTK_EDITABLE (row)), value))
    gtk_editable_set_text (GTK_EDITABLE (row), value);
}

/* The mark of a refused value goes as soon as it is being corrected. */
static void
on_entry_changed (AdwEntryRow *row)
{
  if (gtk_widget_has_css_class (GTK_WIDGET (row), "error"))
    set_row_error (row, NULL);
}

static void
add_entry (ShDeveloperAppGroup *self,
           const ShConfigKey   *key)
{
  GtkWidget *row = adw_entry_row_new ();
  g_autofree char *name = widget_name (key, "_row");

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(key->title));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  if (key->numeric)
    adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_DIGITS);
  g_object_set_data (G_OBJECT (row), key_data, (gpointer) key);
  g_signal_connect_object (row, "apply", G_CALLBACK (on_apply), self, 0);
  g_signal_connect (row, "changed", G_CALLBACK (on_entry_changed), NULL);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
  bind (self, key->settings_key, row, "text", G_SETTINGS_BIND_GET);
}

/* ---- port keys: bound both ways ------------------------------------------- */

static void
on_port_changed (GtkSpinButton       *spin,
                 GParamSpec          *pspec,
                 ShDeveloperAppGroup *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (spin), "sh-row");
  guint port = (guint) gtk_spin_button_get_value_as_int (spin);
  g_autofree char *subtitle = NULL;

  if (self->klass->describe_redirect != NULL)
    subtitle = self->klass->describe_redirect (self->klass, port);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL ? subtitle : "");
}

static void
add_port (ShDeveloperAppGroup *self,
          const ShConfigKey   *key)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (1024, 65535, 1);
  g_autofree char *row_name = widget_name (key, "_row");
  g_autofree char *spin_name = widget_name (key, "_spin");

  gtk_widget_set_name (row, row_name);
  gtk_widget_set_name (spin, spin_name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(key->title));
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_spin_button_set_increments (GTK_SPIN_BUTTON (spin), 1, 10);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  g_object_set_data (G_OBJECT (spin), "sh-row", row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
  bind (self, key->settings_key, spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (spin, "notify::value", G_CALLBACK (on_port_changed), self, 0);
  on_port_changed (GTK_SPIN_BUTTON (spin), NULL, self);
}

/* ---- object ---------------------------------------------------------------- */

void
sh_developer_app_group_unbind (ShDeveloperAppGroup *self)
{
  g_return_if_fail (SH_IS_DEVELOPER_APP_GROUP (self));

  for (guint i = 0; self->bound != NULL && i + 1 < self->bound->len; i += 2)
    {
      g_settings_unbind (g_ptr_array_index (self->bound, i), g_ptr_array_index (self->bound, i + 1));
      g_settings_unbind (g_ptr_array_index (self->bound, i), "sensitive");
    }
  g_clear_pointer (&self->bound, g_ptr_array_unref);
  g_clear_object (&self->settings);
}

static void
sh_developer_app_group_dispose (GObject *object)
{
  sh_developer_app_group_unbind (SH_DEVELOPER_APP_GROUP (object));
  G_OBJECT_CLASS (sh_developer_app_group_parent_class)->dispose (object);
}

static void
sh_developer_app_group_class_init (ShDeveloperAppGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sh_developer_app_group_dispose;
}

static void
sh_developer_app_group_init (ShDeveloperAppGroup *self)
{
  self->bound = g_ptr_array_new ();
}

GtkWidget *
sh_developer_app_group_new (ShProviderClass *klass,
                            GSettings       *settings)
{
  ShDeveloperAppGroup *self;
  gboolean any = FALSE;

  g_return_val_if_fail (klass != NULL, NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  for (const ShConfigKey * const *key = klass->config_keys; key != NULL && *key != NULL; key++)
    any |= (*key)->settings_key != NULL;
  if (!any)
    return NULL;

  self = g_object_new (SH_TYPE_DEVELOPER_APP_GROUP,
                       "title", sh_provider_class_get_network_name (klass),
                       "description", klass->developer_app_help ? _(klass->developer_app_help) : NULL,
                       NULL);
  self->klass = klass;
  self->settings = g_object_ref (settings);
  for (const ShConfigKey * const *key = klass->config_keys; key != NULL && *key != NULL; key++)
    {
      if ((*key)->settings_key == NULL)
        continue;
      if ((*key)->kind == SH_CONFIG_KIND_PORT)
        add_port (self, *key);
      else
        add_entry (self, *key);
    }
  return GTK_WIDGET (self);
}
