/* sh-background.c — starting at login and the desktop's status line. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-autostart.h"
#include "sh-background.h"
#include "sh-background-portal.h"
#include "sh-channel-health.h"
#include "sh-channel-list.h"
#include "sh-flatpak.h"

#define KEY "run-in-background"

struct _ShBackground
{
  GObject          parent_instance;

  GSettings       *settings;
  ShChannelHealth *health;          /* the same sentence as the tray icon's */
  gboolean         flatpak;
  gboolean         started;
  GDBusConnection *bus;
  guint            portal_version;   /* 0: unknown or no portal */
  gboolean         refused_off;      /* the key was turned off by a refusal */
  char            *refusal;
  char            *status;
  char            *status_sent;
  GCancellable    *request_cancellable;
  GCancellable    *cancellable;      /* lives as long as the object */
};

G_DEFINE_FINAL_TYPE (ShBackground, sh_background, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_REFUSAL,
  PROP_STATUS,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
set_refusal (ShBackground *self,
             const char   *refusal)
{
  if (g_strcmp0 (self->refusal, refusal) == 0)
    return;
  g_free (self->refusal);
  self->refusal = g_strdup (refusal);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFUSAL]);
}

/* ---- the status line ------------------------------------------------------ */

static void
send_status (ShBackground *self)
{
  if (!self->flatpak || self->bus == NULL || self->portal_version < 2 || self->status == NULL ||
      g_strcmp0 (self->status, self->status_sent) == 0)
    return;
  g_free (self->status_sent);
  self->status_sent = g_strdup (self->status);
  sh_background_portal_set_status (self->bus, self->status);
}

static void
update_status (ShBackground *self)
{
  g_autofree char *status = sh_channel_health_dup_description (self->health);

  if (status == NULL || g_strcmp0 (status, self->status) == 0)
    return;
  g_free (self->status);
  self->status = g_steal_pointer (&status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  send_status (self);
}

static void
on_version (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ShBackground) self = user_data;

  self->portal_version = sh_background_portal_get_version_finish (result);
  g_debug ("Background portal version %u", self->portal_version);
  send_status (self);
}

/* ---- inside Flatpak: the portal -------------------------------------------------- */

static char *
describe_refusal (const GError *error)
{
  if (g_error_matches (error, SH_BACKGROUND_PORTAL_ERROR, SH_BACKGROUND_PORTAL_ERROR_DENIED))
    return g_strdup (_("The system does not allow SocialHub to run in the background. You can "
                       "allow it in the system’s settings for apps, then turn this on again."));
  if (g_error_matches (error, SH_BACKGROUND_PORTAL_ERROR, SH_BACKGROUND_PORTAL_ERROR_REFUSED))
    return g_strdup (_("The system did not let SocialHub run in the background."));
  /* Translators: %s is the system's own error message */
  return g_strdup_printf (_("The system could not be asked whether SocialHub may run in the "
                            "background: %s"), error->message);
}

static void
on_requested (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ShBackground) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *refusal = NULL;
  gboolean autostart = FALSE;

  if (sh_background_portal_request_finish (result, &autostart, &error))
    {
      g_debug ("The Background portal allows running in the background%s",
               autostart ? " and starting at login" : ", not starting at login");
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_message ("Not running in the background: %s", error->message);
  /* Only an answer to "on" turns the key off; one to "off" needs nothing. */
  if (!g_settings_get_boolean (self->settings, KEY))
    return;
  refusal = describe_refusal (error);
  set_refusal (self, refusal);
  self->refused_off = TRUE;
  g_settings_set_boolean (self->settings, KEY, FALSE);
}

static void
ask_portal (ShBackground *self,
            gboolean      wanted)
{
  static const char * const commandline[] = { "socialhub", "--gapplication-service", NULL };

  g_cancellable_cancel (self->request_cancellable);
  g_clear_object (&self->request_cancellable);
  if (self->bus == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *refusal = NULL;

      if (!wanted)
        return;
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, _("no session bus"));
      refusal = describe_refusal (error);
      set_refusal (self, refusal);
      self->refused_off = TRUE;
      g_settings_set_boolean (self->settings, KEY, FALSE);
      return;
    }
  self->request_cancellable = g_cancellable_new ();
  sh_background_portal_request_async (self->bus,
                                      _("SocialHub checks the access tokens of your channels "
                                        "in the background and tells you when one stops "
                                        "working, also right after you log in."),
                                      wanted, commandline, self->request_cancellable,
                                      on_requested, g_object_ref (self));
}

/* ---- outside Flatpak: the autostart entry --------------------------------------- */

static void
sync_autostart (ShBackground *self,
                gboolean      wanted)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *executable = NULL;

  /* The app still keeps running after its window closes; what failed is the
   * start at login, which Preferences says under the switch (as a portal's
   * refusal) instead of leaving it in the log only. */
  if (wanted)
    {
      executable = sh_autostart_dup_executable ();
      if (!sh_autostart_write (executable, &error))
        g_message ("No autostart entry: %s", error->message);
    }
  else if (!sh_autostart_remove (&error))
    g_message ("Autostart entry not removed: %s", error->message);
  set_refusal (self, error != NULL ? error->message : NULL);
}

/* ---- the key --------------------------------------------------------------------- */

static void
on_key_changed (ShBackground *self)
{
  gboolean wanted = g_settings_get_boolean (self->settings, KEY);

  if (!self->flatpak)
    {
      sync_autostart (self, wanted);
      return;
    }
  if (!wanted && self->refused_off)
    {
      /* Our own answer to a refusal: nothing to ask. */
      self->refused_off = FALSE;
      return;
    }
  self->refused_off = FALSE;
  if (wanted)
    set_refusal (self, NULL);
  ask_portal (self, wanted);
}

void
sh_background_start (ShBackground *self)
{
  g_return_if_fail (SH_IS_BACKGROUND (self));

  if (self->started)
    return;
  self->started = TRUE;
  if (self->flatpak)
    {
      g_autoptr(GError) error = NULL;

      self->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, self->cancellable, &error);
      if (self->bus == NULL)
        g_message ("No session bus for the Background portal: %s", error->message);
      else
        sh_background_portal_get_version_async (self->bus, self->cancellable, on_version,
                                                g_object_ref (self));
    }
  g_signal_connect_object (self->health, "notify::description", G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  update_status (self);
  if (self->settings == NULL)
    return;
  g_signal_connect_object (self->settings, "changed::" KEY, G_CALLBACK (on_key_changed), self,
                           G_CONNECT_SWAPPED);
  /* Inside Flatpak only "on" asks at start (to have autostart after a first
   * start with the default); "off" has nothing to undo. */
  if (!self->flatpak || g_settings_get_boolean (self->settings, KEY))
    on_key_changed (self);
}

/* ---- object ---------------------------------------------------------------------- */

static void
sh_background_dispose (GObject *object)
{
  ShBackground *self = SH_BACKGROUND (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->request_cancellable);
  g_clear_object (&self->request_cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->health);
  g_clear_object (&self->bus);
  G_OBJECT_CLASS (sh_background_parent_class)->dispose (object);
}

static void
sh_background_finalize (GObject *object)
{
  ShBackground *self = SH_BACKGROUND (object);

  g_clear_object (&self->cancellable);
  g_free (self->refusal);
  g_free (self->status);
  g_free (self->status_sent);
  G_OBJECT_CLASS (sh_background_parent_class)->finalize (object);
}

static void
sh_background_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ShBackground *self = SH_BACKGROUND (object);

  switch (prop_id)
    {
    case PROP_REFUSAL: g_value_set_string (value, self->refusal); break;
    case PROP_STATUS: g_value_set_string (value, self->status); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_background_class_init (ShBackgroundClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sh_background_dispose;
  object_class->finalize = sh_background_finalize;
  object_class->get_property = sh_background_get_property;

  properties[PROP_REFUSAL] = g_param_spec_string ("refusal", NULL, NULL, NULL, ro);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sh_background_init (ShBackground *self)
{
  self->cancellable = g_cancellable_new ();
  self->flatpak = sh_flatpak_is_inside ();
}

ShBackground *
sh_background_new (GSettings     *settings,
                   ShChannelList *channels)
{
  ShBackground *self;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (SH_IS_CHANNEL_LIST (channels), NULL);

  self = g_object_new (SH_TYPE_BACKGROUND, NULL);
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;
  self->health = sh_channel_health_new (G_LIST_MODEL (channels));
  return self;
}

gboolean
sh_background_get_flatpak (ShBackground *self)
{
  g_return_val_if_fail (SH_IS_BACKGROUND (self), FALSE);
  return self->flatpak;
}

const char *
sh_background_get_refusal (ShBackground *self)
{
  g_return_val_if_fail (SH_IS_BACKGROUND (self), NULL);
  return self->refusal;
}

const char *
sh_background_get_status (ShBackground *self)
{
  g_return_val_if_fail (SH_IS_BACKGROUND (self), NULL);
  return self->status;
}
