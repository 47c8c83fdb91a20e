/* sh-background-portal.c — org.freedesktop.portal.Background over GDBus.
 *
 * GDBus rather than libportal: two calls and one signal, no new library to
 * build into the Flatpak, and the same code on Debian 12 (libportal 0.6)
 * and on the newer runtimes. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-background-portal.h"

#define PORTAL_NAME       "org.freedesktop.portal.Desktop"
#define PORTAL_PATH       "/org/freedesktop/portal/desktop"
#define BACKGROUND_IFACE  "org.freedesktop.portal.Background"
#define REQUEST_IFACE     "org.freedesktop.portal.Request"
/* xdg-desktop-portal refuses longer status messages. */
#define STATUS_MAX_CHARS  96

G_DEFINE_QUARK (sh-background-portal-error-quark, sh_background_portal_error)

typedef struct {
  GDBusConnection *bus;
  char            *handle;         /* the Request object's path */
  guint            subscription;
  gulong           cancelled_id;
} Request;

static void
unsubscribe (Request *request)
{
  if (request->subscription != 0)
    g_dbus_connection_signal_unsubscribe (request->bus, request->subscription);
  request->subscription = 0;
}

static void
request_free (gpointer data)
{
  Request *request = data;

  unsubscribe (request);
  g_clear_object (&request->bus);
  g_free (request->handle);
  g_free (request);
}

static void
on_response (GDBusConnection *bus,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GVariant) results = NULL;
  guint32 response = 2;
  gboolean background = FALSE, autostart = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    return;
  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_variant_lookup (results, "background", "b", &background);
  g_variant_lookup (results, "autostart", "b", &autostart);
  unsubscribe (request);
  g_cancellable_disconnect (g_task_get_cancellable (task), request->cancelled_id);
  request->cancelled_id = 0;

  if (response == 0 && background)
    g_task_return_int (task, autostart ? 2 : 1);
  else if (response == 0 || response == 1)
    g_task_return_new_error (task, SH_BACKGROUND_PORTAL_ERROR, SH_BACKGROUND_PORTAL_ERROR_DENIED,
                             _("Running in the background was not allowed (response %u)"), response);
  else
    g_task_return_new_error (task, SH_BACKGROUND_PORTAL_ERROR, SH_BACKGROUND_PORTAL_ERROR_REFUSED,
                             _("The Background portal ended the request (response %u)"), response);
  g_object_unref (task);
}

static void
subscribe (GTask      *task,
           const char *handle)
{
  Request *request = g_task_get_task_data (task);

  unsubscribe (request);
  g_free (request->handle);
  request->handle = g_strdup (handle);
  /* The task is held by the subscription until the Response arrives (or
   * the cancellable ends the wait). */
  request->subscription =
    g_dbus_connection_signal_subscribe (request->bus, PORTAL_NAME, REQUEST_IFACE, "Response",
                                        handle, NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_response, task,
                                        NULL);
}

/* Cancelled while the portal asks: close its dialog and stop waiting. */
static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);

  if (request == NULL || request->subscription == 0)
    return;
  unsubscribe (request);
  g_dbus_connection_call (request->bus, PORTAL_NAME, request->handle, REQUEST_IFACE, "Close",
                          NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
}

static void
on_request_called (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *handle = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      if (request->subscription != 0)
        {
          unsubscribe (request);
          g_cancellable_disconnect (g_task_get_cancellable (task), request->cancelled_id);
          request->cancelled_id = 0;
          g_dbus_error_strip_remote_error (error);
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);   /* the subscription's */
        }
      g_object_unref (task);
      return;
    }
  g_variant_get (reply, "(&o)", &handle);
  /* An older portal chooses its own path: follow it. */
  if (request->subscription != 0 && g_strcmp0 (handle, request->handle) != 0)
    subscribe (task, handle);
  g_object_unref (task);
}

void
sh_background_portal_request_async (GDBusConnection     *bus,
                                    const char          *reason,
                                    gboolean             autostart,
                                    const char * const  *commandline,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  Request *request;
  g_autofree char *token = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *handle = NULL;
  GVariantBuilder options;

  g_return_if_fail (G_IS_DBUS_CONNECTION (bus));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sh_background_portal_request_async);
  request = g_new0 (Request, 1);
  request->bus = g_object_ref (bus);
  g_task_set_task_data (task, request, request_free);

  /* The Request path: /org/freedesktop/portal/desktop/request/SENDER/TOKEN,
   * SENDER the unique name without ':' and with '.' made '_'. */
  token = g_strdup_printf ("socialhub%u", g_random_int ());
  sender = g_strdup (g_dbus_connection_get_unique_name (bus) + 1);
  g_strdelimit (sender, ".", '_');
  handle = g_strdup_printf (PORTAL_PATH "/request/%s/%s", sender, token);
  subscribe (task, handle);
  g_object_ref (task);   /* the subscription's */
  if (cancellable != NULL)
    request->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                                   task, NULL);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason", g_variant_new_string (reason));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (autostart));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));
  g_dbus_connection_call (bus, PORTAL_NAME, PORTAL_PATH, BACKGROUND_IFACE, "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_request_called, task);
}

gboolean
sh_background_portal_request_finish (GAsyncResult  *result,
                                     gboolean      *out_autostart,
                                     GError       **error)
{
  gssize answer;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sh_background_portal_request_async, FALSE);

  answer = g_task_propagate_int (G_TASK (result), error);
  if (out_autostart != NULL)
    *out_autostart = answer == 2;
  return answer > 0;
}

static void
on_version (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_debug ("No Background portal: %s", error->message);
      g_task_return_int (task, 0);
      return;
    }
  g_variant_get (reply, "(v)", &value);
  g_task_return_int (task, g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32)
                             ? g_variant_get_uint32 (value) : 0);
}

void
sh_background_portal_get_version_async (GDBusConnection     *bus,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, sh_background_portal_get_version_async);
  g_dbus_connection_call (bus, PORTAL_NAME, PORTAL_PATH, "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", BACKGROUND_IFACE, "version"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                          on_version, task);
}

guint
sh_background_portal_get_version_finish (GAsyncResult *result)
{
  gssize version;

  g_return_val_if_fail (g_task_is_valid (result, NULL), 0);
  version = g_task_propagate_int (G_TASK (result), NULL);
  return version > 0 ? (guint) version : 0;
}

static void
on_status_set (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    g_message ("The Background portal did not take the status: %s", error->message);
}

void
sh_background_portal_set_status (GDBusConnection *bus,
                                 const char      *message)
{
  g_autofree char *cut = g_utf8_substring (message, 0, MIN (g_utf8_strlen (message, -1),
                                                             STATUS_MAX_CHARS));
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "message", g_variant_new_string (cut));
  g_dbus_connection_call (bus, PORTAL_NAME, PORTAL_PATH, BACKGROUND_IFACE, "SetStatus",
                          g_variant_new ("(a{sv})", &options), NULL, G_DBUS_CALL_FLAGS_NONE, -1,
                          NULL, on_status_set, NULL);
}
