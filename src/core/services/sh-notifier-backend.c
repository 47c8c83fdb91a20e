/* sh-notifier-backend.c — what differs between notification servers.
 *
 * GLib picks one backend for GNotification and says not which: the portal
 * in a sandbox, org.gtk.Notifications (GNOME Shell) when that name is
 * owned, else the freedesktop server (GNOTIFICATION_BACKEND overrides).
 * The portal and org.gtk.Notifications key a notification by the app's id
 * and ours, so any process withdraws it by that id. The freedesktop server
 * knows only its own numbers, which GLib keeps inside the process that
 * sent it: those numbers are read off the bus here, so that a later
 * process can close what an earlier one showed.
 */
#include "config.h"

#include "sh-flatpak.h"
#include "sh-notifier-private.h"

#define FDO_NAME "org.freedesktop.Notifications"
#define FDO_PATH "/org/freedesktop/Notifications"

/* The unique name owning @name, or NULL. */
static char *
name_owner (GDBusConnection *bus,
            const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  char *owner = NULL;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetNameOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(s)"),
                                       G_DBUS_CALL_FLAGS_NONE, 1000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(s)", &owner);
  return owner;
}

/* Asked once per process, the way GLib asks once (it too asks the bus
 * synchronously). */
ShNotificationBackend
_sh_notification_backend_detect (GApplication *application)
{
  GDBusConnection *bus = g_application_get_dbus_connection (application);
  const char *backend = g_getenv ("GNOTIFICATION_BACKEND");
  g_autofree char *gtk_owner = NULL;

  if (backend != NULL && *backend != '\0')
    return _sh_notification_backend_from_string (backend);
  if (sh_flatpak_is_sandboxed () ||
      g_strcmp0 (g_getenv ("GTK_USE_PORTAL"), "1") == 0)
    return SH_NOTIFICATION_BACKEND_PORTAL;
  if (bus == NULL)
    return SH_NOTIFICATION_BACKEND_NONE;
  gtk_owner = name_owner (bus, "org.gtk.Notifications");
  if (gtk_owner != NULL)
    return SH_NOTIFICATION_BACKEND_GTK;
  return SH_NOTIFICATION_BACKEND_FREEDESKTOP;
}

static const char * const backend_names[] = {
  [SH_NOTIFICATION_BACKEND_NONE] = "none",
  [SH_NOTIFICATION_BACKEND_FREEDESKTOP] = "freedesktop",
  [SH_NOTIFICATION_BACKEND_GTK] = "gtk",
  [SH_NOTIFICATION_BACKEND_PORTAL] = "portal",
};

const char *
_sh_notification_backend_to_string (ShNotificationBackend backend)
{
  return backend_names[backend];
}

ShNotificationBackend
_sh_notification_backend_from_string (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (backend_names); i++)
    if (g_strcmp0 (name, backend_names[i]) == 0)
      return i;
  return SH_NOTIFICATION_BACKEND_NONE;
}

/* The specification lets a freedesktop server that lists "body-markup"
 * parse the body, where a name's "<b>" or "&" would be taken for markup;
 * the portal and org.gtk.Notifications show it as plain text. */
gboolean
_sh_notification_server_parses_markup (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  g_autofree const char **capabilities = NULL;

  if (bus == NULL)
    return FALSE;
  reply = g_dbus_connection_call_sync (bus, FDO_NAME, FDO_PATH, FDO_NAME, "GetCapabilities",
                                       NULL, G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE,
                                       1000, NULL, NULL);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(^a&s)", &capabilities);
  return g_strv_contains (capabilities, "body-markup");
}

/* Shared by the bus's filter thread and the main context: the serials of
 * Notify calls still waiting for their reply. */
struct _ShServerIdWatch {
  guint              filter_id;
  GMutex             lock;
  GHashTable        *pending;      /* serial set */
  GMainContext      *context;
  ShServerIdArrived  arrived;
  gpointer           user_data;    /* cleared (under lock) by unwatch */
};
typedef ShServerIdWatch Watch;

typedef struct {
  Watch   *watch;
  guint32  serial;
  guint32  server_id;
} Arrival;

static void
watch_clear (Watch *watch)
{
  g_mutex_clear (&watch->lock);
  g_hash_table_unref (watch->pending);
  g_main_context_unref (watch->context);
}

static void
watch_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, (GDestroyNotify) watch_clear);
}

static gboolean
deliver (gpointer data)
{
  Arrival *arrival = data;
  Watch *watch = arrival->watch;
  ShServerIdArrived arrived = NULL;
  gpointer user_data = NULL;

  g_mutex_lock (&watch->lock);
  if (watch->user_data != NULL)
    {
      arrived = watch->arrived;
      user_data = watch->user_data;
    }
  g_mutex_unlock (&watch->lock);
  if (arrived != NULL)
    arrived (arrival->serial, arrival->server_id, user_data);
  return G_SOURCE_REMOVE;
}

static void
arrival_free (gpointer data)
{
  Arrival *arrival = data;

  watch_release (arrival->watch);
  g_free (arrival);
}

/* Runs in GDBus's worker thread: it must not block, and touches only the
 * watch's locked set. */
static GDBusMessage *
filter (GDBusConnection *bus,
        GDBusMessage    *message,
        gboolean         incoming,
        gpointer         user_data)
{
  Watch *watch = user_data;
  GDBusMessageType type = g_dbus_message_get_message_type (message);

  if (!incoming && type == G_DBUS_MESSAGE_TYPE_METHOD_CALL &&
      g_strcmp0 (g_dbus_message_get_interface (message), FDO_NAME) == 0 &&
      g_strcmp0 (g_dbus_message_get_member (message), "Notify") == 0)
    {
      g_mutex_lock (&watch->lock);
      g_hash_table_add (watch->pending, GUINT_TO_POINTER (g_dbus_message_get_serial (message)));
      g_mutex_unlock (&watch->lock);
    }
  else if (incoming && type == G_DBUS_MESSAGE_TYPE_METHOD_RETURN)
    {
      guint32 serial = g_dbus_message_get_reply_serial (message);
      GVariant *body = g_dbus_message_get_body (message);
      gboolean ours;

      g_mutex_lock (&watch->lock);
      ours = g_hash_table_remove (watch->pending, GUINT_TO_POINTER (serial));
      g_mutex_unlock (&watch->lock);
      if (ours && body != NULL && g_variant_is_of_type (body, G_VARIANT_TYPE ("(u)")))
        {
          Arrival *arrival = g_new0 (Arrival, 1);

          arrival->watch = g_atomic_rc_box_acquire (watch);
          arrival->serial = serial;
          g_variant_get (body, "(u)", &arrival->server_id);
          g_main_context_invoke_full (watch->context, G_PRIORITY_DEFAULT, deliver, arrival,
                                      arrival_free);
        }
    }
  return message;
}

ShServerIdWatch *
_sh_notification_server_ids_watch (GDBusConnection   *bus,
                                   ShServerIdArrived  arrived,
                                   gpointer           user_data)
{
  Watch *watch;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (bus) && user_data != NULL, NULL);

  watch = g_atomic_rc_box_new0 (Watch);
  g_mutex_init (&watch->lock);
  watch->pending = g_hash_table_new (NULL, NULL);
  watch->context = g_main_context_ref_thread_default ();
  watch->arrived = arrived;
  watch->user_data = user_data;
  /* One reference for the filter, one for the caller. */
  watch->filter_id = g_dbus_connection_add_filter (bus, filter, g_atomic_rc_box_acquire (watch),
                                                   watch_release);
  return watch;
}

void
_sh_notification_server_ids_unwatch (GDBusConnection *bus,
                                     ShServerIdWatch *watch)
{
  if (watch == NULL)
    return;
  /* An arrival already on its way finds nobody to tell. */
  g_mutex_lock (&watch->lock);
  watch->user_data = NULL;
  g_mutex_unlock (&watch->lock);
  if (bus != NULL)
    g_dbus_connection_remove_filter (bus, watch->filter_id);
  watch_release (watch);
}

char *
_sh_notification_server_instance (GDBusConnection *bus)
{
  g_autofree char *owner = bus != NULL ? name_owner (bus, FDO_NAME) : NULL;

  if (owner == NULL)
    return NULL;
  /* The bus's GUID is new with every bus (every login); a unique name is
   * never given twice on one bus. */
  return g_strconcat (g_dbus_connection_get_guid (bus), " ", owner, NULL);
}

void
_sh_notification_server_close (GDBusConnection *bus,
                               guint32          server_id)
{
  if (bus == NULL || server_id == 0)
    return;
  g_dbus_connection_call (bus, FDO_NAME, FDO_PATH, FDO_NAME, "CloseNotification",
                          g_variant_new ("(u)", server_id), NULL, G_DBUS_CALL_FLAGS_NONE,
                          -1, NULL, NULL, NULL);
}
