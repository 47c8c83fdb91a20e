/* sh-preferences-window.c — the Preferences window.
 *
 * Every control is bound to its GSettings key (g_settings_bind): the window
 * holds no copy of a value, so a change made elsewhere (gsettings, a second
 * window) shows at once, and a change here is saved at once. The exception
 * is the developer-app fields: a half-typed client id must not be used by a
 * sign-in, so they are bound in one direction only and written when the
 * person applies them, after a check.
 *
 * Everything here is read by the code that uses it at each use (sh-config.c,
 * the monitor, the notifier), so no change needs a restart.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-developer-app-group.h"
#include "sh-preferences-window.h"
#include "sh-provider-registry.h"

struct _ShPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GtkStringList        *interval_labels;
  GArray               *intervals;     /* guint seconds, sorted, one per label */

  AdwComboRow          *interval_row;
  GtkSpinButton        *warning_spin;
  GtkLabel             *warning_unit;
  GtkSwitch            *background_switch;
  GtkSwitch            *tray_switch;
  GtkSwitch            *broker_switch;
  GtkLabel             *background_refusal;
  GtkSwitch            *notify_invalid_switch;
  GtkSwitch            *notify_disconnected_switch;
  GtkSwitch            *notify_expiring_switch;
  AdwActionRow         *notify_expiring_row;
  AdwPreferencesGroup  *override_group;
  AdwActionRow         *override_row;
  AdwPreferencesPage   *developer_page;
  GPtrArray            *developer_groups;  /* ShDeveloperAppGroup */
};

G_DEFINE_FINAL_TYPE (ShPreferencesWindow, sh_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The choices offered, as in GNOME Settings' delays; within the key's range
 * (300 to 86400 seconds). */
static const guint interval_choices[] = {
  5 * 60, 10 * 60, 15 * 60, 30 * 60,
  60 * 60, 2 * 60 * 60, 3 * 60 * 60, 6 * 60 * 60, 12 * 60 * 60, 24 * 60 * 60,
};

/* ---- check interval ------------------------------------------------------ */

/* "15 minutes", "2 hours": in the largest unit that divides it exactly, so
 * that nothing shown is rounded. */
static char *
format_interval (guint seconds)
{
  if (seconds % 3600 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour", "%u hours", seconds / 3600),
                            seconds / 3600);
  if (seconds % 60 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute", "%u minutes", seconds / 60),
                            seconds / 60);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u second", "%u seconds", seconds),
                          seconds);
}

static void
add_interval (ShPreferencesWindow *self,
              guint                position,
              guint                seconds)
{
  g_autofree char *label = format_interval (seconds);
  const char * const labels[] = { label, NULL };

  /* The array first: the model's items-changed may ask for the seconds of
   * the new position. */
  g_array_insert_val (self->intervals, position, seconds);
  gtk_string_list_splice (self->interval_labels, position, 0, labels);
}

/* Key → row. A value that is not one of the choices (set with gsettings)
 * becomes a choice of its own, in order, rather than being shown as the
 * nearest one, which would be untrue. */
static gboolean
interval_get_mapping (GValue   *value,
                      GVariant *variant,
                      gpointer  user_data)
{
  ShPreferencesWindow *self = SH_PREFERENCES_WINDOW (user_data);
  guint seconds = g_variant_get_uint32 (variant);
  guint i = 0;

  while (i < self->intervals->len && g_array_index (self->intervals, guint, i) < seconds)
    i++;
  if (i == self->intervals->len || g_array_index (self->intervals, guint, i) != seconds)
    add_interval (self, i, seconds);
  g_value_set_uint (value, i);
  return TRUE;
}

/* Row → key. Nothing is written while nothing is selected. */
static GVariant *
interval_set_mapping (const GValue       *value,
                      const GVariantType *expected_type,
                      gpointer            user_data)
{
  ShPreferencesWindow *self = SH_PREFERENCES_WINDOW (user_data);
  guint i = g_value_get_uint (value);

  if (i >= self->intervals->len)
    return NULL;
  return g_variant_new_uint32 (g_array_index (self->intervals, guint, i));
}

/* ---- labels that follow a value ----------------------------------------- */

static void
on_warning_days_changed (ShPreferencesWindow *self)
{
  guint days = (guint) gtk_spin_button_get_value_as_int (self->warning_spin);

  /* Translators: the unit after the number of days of the expiry warning */
  gtk_label_set_label (self->warning_unit, g_dngettext (GETTEXT_PACKAGE, "day", "days", days));
}

/* ---- developer apps ------------------------------------------------------ */

static void
show_overrides (ShPreferencesWindow *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *list = NULL;
  g_autofree char *subtitle = NULL;
  GPtrArray *providers = sh_provider_registry_list ();

  /* The variables of the settings shown below (sh-config.h); the sandbox
   * sets all but a port. */
  for (guint i = 0; i < providers->len; i++)
    {
      ShProviderClass *klass = g_ptr_array_index (providers, i);

      for (const ShConfigKey * const *key = klass->config_keys; key != NULL && *key != NULL; key++)
        {
          const char *value = g_getenv ((*key)->env);

          if ((*key)->settings_key != NULL && value != NULL && *value != '\0')
            g_ptr_array_add (names, (gpointer) (*key)->env);
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->override_group), names->len > 0);
  if (names->len == 0)
    return;
  g_ptr_array_add (names, NULL);
  list = g_strjoinv (", ", (char **) names->pdata);
  /* Translators: %s is a list of environment variable names, e.g.
   * "SOCIALHUB_FACEBOOK_APP_ID, SOCIALHUB_X_CLIENT_ID"; the sandbox sets them */
  subtitle = g_strdup_printf (_("In this session these environment variables are used instead of "
                                "the values below: %s"), list);
  adw_action_row_set_subtitle (self->override_row, subtitle);
}

/* ---- object -------------------------------------------------------------- */

/* The keys bound both ways, and the developer-app fields, which are only
 * shown (apply_entry writes them). */
static const struct {
  const char *key;
  gsize       offset;
  const char *property;
} bound_keys[] = {
  { "warning-window-days", G_STRUCT_OFFSET (ShPreferencesWindow, warning_spin), "value" },
  { "run-in-background", G_STRUCT_OFFSET (ShPreferencesWindow, background_switch), "active" },
  { "show-tray-icon", G_STRUCT_OFFSET (ShPreferencesWindow, tray_switch), "active" },
  { "token-broker", G_STRUCT_OFFSET (ShPreferencesWindow, broker_switch), "active" },
  { "notify-token-invalid", G_STRUCT_OFFSET (ShPreferencesWindow, notify_invalid_switch), "active" },
  { "notify-channel-disconnected", G_STRUCT_OFFSET (ShPreferencesWindow, notify_disconnected_switch),
    "active" },
  { "notify-token-expiring", G_STRUCT_OFFSET (ShPreferencesWindow, notify_expiring_switch), "active" },
};

/* "7, 1 days before an access token or its data access ends": the
 * reminder stages, shown (they are set with gsettings). */
static void
show_reminder_stages (ShPreferencesWindow *self)
{
  g_autoptr(GVariant) value = g_settings_get_value (self->settings, "expiry-reminder-days");
  gsize n = 0;
  const guint32 *days = g_variant_get_fixed_array (value, &n, sizeof (guint32));
  g_autoptr(GString) list = g_string_new (NULL);
  g_autofree char *subtitle = NULL;

  for (gsize i = 0; i < n; i++)
    g_string_append_printf (list, "%s%u", list->len ? ", " : "", days[i]);
  if (n == 0)
    subtitle = g_strdup (_("No reminders are set"));
  else
    /* Translators: %s is a list of numbers of days, e.g. "7, 1" */
    subtitle = g_strdup_printf (_("%s days before an access token or its data access ends"),
                                list->str);
  adw_action_row_set_subtitle (self->notify_expiring_row, subtitle);
}

static void
bind_settings (ShPreferencesWindow *self)
{
  GSettingsSchema *schema = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bound_keys); i++)
    g_settings_bind (self->settings, bound_keys[i].key,
                     G_STRUCT_MEMBER (gpointer, self, bound_keys[i].offset), bound_keys[i].property,
                     G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "check-interval",
                                self->interval_row, "selected", G_SETTINGS_BIND_DEFAULT,
                                interval_get_mapping, interval_set_mapping, self, NULL);
  g_object_get (self->settings, "settings-schema", &schema, NULL);
  if (g_settings_schema_has_key (schema, "expiry-reminder-days"))
    {
      g_signal_connect_object (self->settings, "changed::expiry-reminder-days",
                               G_CALLBACK (show_reminder_stages), self, G_CONNECT_SWAPPED);
      show_reminder_stages (self);
    }
  g_settings_schema_unref (schema);
}

/* Each network's own-app settings, as its provider declares them. */
static void
add_developer_apps (ShPreferencesWindow *self)
{
  GPtrArray *providers = sh_provider_registry_list ();

  for (guint i = 0; i < providers->len; i++)
    {
      GtkWidget *group = sh_developer_app_group_new (g_ptr_array_index (providers, i),
                                                     self->settings);

      if (group == NULL)
        continue;
      adw_preferences_page_add (self->developer_page, ADW_PREFERENCES_GROUP (group));
      g_ptr_array_add (self->developer_groups, g_object_ref (group));
    }
}

static void
sh_preferences_window_constructed (GObject *object)
{
  ShPreferencesWindow *self = SH_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (sh_preferences_window_parent_class)->constructed (object);

  g_assert (self->settings != NULL);
  bind_settings (self);
  on_warning_days_changed (self);
  add_developer_apps (self);
  show_overrides (self);
}

static void
sh_preferences_window_dispose (GObject *object)
{
  ShPreferencesWindow *self = SH_PREFERENCES_WINDOW (object);

  /* The mapping's user data is this window, and each binding holds the
   * settings: none may outlive the window. */
  if (self->interval_row != NULL)
    {
      g_settings_unbind (self->interval_row, "selected");
      g_settings_unbind (self->interval_row, "sensitive");
      for (guint i = 0; i < G_N_ELEMENTS (bound_keys); i++)
        {
          gpointer widget = G_STRUCT_MEMBER (gpointer, self, bound_keys[i].offset);

          g_settings_unbind (widget, bound_keys[i].property);
          g_settings_unbind (widget, "sensitive");
        }
    }
  for (guint i = 0; self->developer_groups != NULL && i < self->developer_groups->len; i++)
    sh_developer_app_group_unbind (g_ptr_array_index (self->developer_groups, i));
  g_clear_pointer (&self->developer_groups, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sh_preferences_window_parent_class)->dispose (object);
}

static void
sh_preferences_window_finalize (GObject *object)
{
  ShPreferencesWindow *self = SH_PREFERENCES_WINDOW (object);

  g_clear_pointer (&self->intervals, g_array_unref);
  g_clear_object (&self->interval_labels);

  G_OBJECT_CLASS (sh_preferences_window_parent_class)->finalize (object);
}

static void
sh_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ShPreferencesWindow *self = SH_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ShPreferencesWindow *self = SH_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_preferences_window_class_init (ShPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sh_preferences_window_constructed;
  object_class->dispose = sh_preferences_window_dispose;
  object_class->finalize = sh_preferences_window_finalize;
  object_class->get_property = sh_preferences_window_get_property;
  object_class->set_property = sh_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/socialhub/SocialHub/sh-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, interval_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, warning_spin);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, warning_unit);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, tray_switch);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, broker_switch);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, background_refusal);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, notify_invalid_switch);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, notify_disconnected_switch);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, notify_expiring_switch);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, notify_expiring_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, override_group);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, override_row);
  gtk_widget_class_bind_template_child (widget_class, ShPreferencesWindow, developer_page);
}

static void
sh_preferences_window_init (ShPreferencesWindow *self)
{
  self->developer_groups = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));

  /* AdwActionRow names its activatable widget after the row's title; the
   * spin button has its own name that says the unit, and GTK 4.8 would
   * read both. The switches keep the row's name and subtitle. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->warning_spin),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);

  self->intervals = g_array_new (FALSE, FALSE, sizeof (guint));
  self->interval_labels = gtk_string_list_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (interval_choices); i++)
    add_interval (self, i, interval_choices[i]);
  adw_combo_row_set_model (self->interval_row, G_LIST_MODEL (self->interval_labels));

  g_signal_connect_object (self->warning_spin, "notify::value",
                           G_CALLBACK (on_warning_days_changed), self, G_CONNECT_SWAPPED);
}

GtkWidget *
sh_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (SH_TYPE_PREFERENCES_WINDOW, "settings", settings, NULL);
}

static void
show_refusal (ShPreferencesWindow *self,
              GParamSpec          *pspec,
              ShBackground        *background)
{
  const char *refusal = sh_background_get_refusal (background);

  gtk_label_set_label (self->background_refusal, refusal != NULL ? refusal : "");
  gtk_widget_set_visible (GTK_WIDGET (self->background_refusal), refusal != NULL);
}

/* The label follows the refusal; the switch itself follows the key, which
 * the refusal has turned off. */
void
sh_preferences_window_set_background (ShPreferencesWindow *self,
                                      ShBackground        *background)
{
  g_return_if_fail (SH_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (background == NULL || SH_IS_BACKGROUND (background));

  if (background == NULL)
    return;
  g_signal_connect_object (background, "notify::refusal", G_CALLBACK (show_refusal), self,
                           G_CONNECT_SWAPPED);
  show_refusal (self, NULL, background);
}

GSettings *
sh_preferences_window_get_settings (ShPreferencesWindow *self)
{
  g_return_val_if_fail (SH_IS_PREFERENCES_WINDOW (self), NULL);
  return self->settings;
}
