/* sh-broker-service.c — io.socialhub.SocialHub.Broker1 (sh-broker-service.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-broker.h"
#include "sh-broker-service.h"
#include "sh-error.h"
#include "sh-untrusted-text.h"

#define ERROR_PREFIX "io.socialhub.SocialHub.Broker.Error."

static const char introspection_xml[] =
  "<node>"
  "  <interface name='" SH_BROKER_DBUS_INTERFACE "'>"
  "    <method name='GetAccessToken'>"
  "      <arg type='s' name='channel' direction='in'/>"
  "      <arg type='s' name='token' direction='out'/>"
  "      <arg type='x' name='expires_at' direction='out'/>"
  "      <arg type='s' name='token_id' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

struct _ShBrokerService
{
  GObject          parent_instance;

  GDBusConnection *connection;
  guint            registration;
  ShManager       *manager;
  GApplication    *application;   /* held while a call runs; weak: it owns this */
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (ShBrokerService, sh_broker_service, G_TYPE_OBJECT)

typedef struct {
  ShBrokerService       *self;
  GDBusMethodInvocation *invocation;
  char                  *channel;
} Call;

static void
call_free (Call *call)
{
  /* The answer is on its way: the app may go (a service nothing else
   * holds, a window closed with Run in Background off). */
  if (call->self->application != NULL)
    g_application_release (call->self->application);
  g_object_unref (call->self);
  g_object_unref (call->invocation);
  g_free (call->channel);
  g_free (call);
}

static const char *
dbus_error_name (const GError *error)
{
  if (error->domain != SH_ERROR)
    return ERROR_PREFIX "Failed";
  switch (error->code)
    {
    case SH_ERROR_BROKER_OFF: return SH_BROKER_DBUS_ERROR_DISABLED;
    case SH_ERROR_NOT_FOUND:
    case SH_ERROR_INVALID_ARGUMENT: return ERROR_PREFIX "NoSuchChannel";
    case SH_ERROR_NO_USABLE_TOKEN: return ERROR_PREFIX "NoUsableToken";
    case SH_ERROR_KEYRING_UNAVAILABLE:
    case SH_ERROR_KEYRING_LOCKED:
    case SH_ERROR_KEYRING_TIMEOUT: return ERROR_PREFIX "Temporary";
    default: return ERROR_PREFIX "Failed";
    }
}

static void
on_token (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token_id = NULL;
  gint64 expires_at = 0;
  char *token = sh_broker_get_token_finish (SH_MANAGER (source), result, &expires_at,
                                            &token_id, &error);

  if (token == NULL)
    g_dbus_method_invocation_return_dbus_error (call->invocation, dbus_error_name (error),
                                                error->message);
  else
    /* The reply is the only place the secret goes. */
    g_dbus_method_invocation_return_value (call->invocation,
                                           g_variant_new ("(sxs)", token, expires_at, token_id));
  sh_broker_free_token (token);
  call_free (call);
}

/* The caller's process name, for the history: "python3". A name that
 * cannot be read (the process is gone, another pid namespace) reads
 * "unknown process". */
static char *
process_name (guint32 pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%u/comm", pid);
  g_autofree char *contents = NULL;

  if (pid == 0 || !g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup (_("unknown process"));
  g_strstrip (contents);
  /* The name is the caller's choice: text from outside. */
  return sh_untrusted_text_sanitize (*contents != '\0' ? contents : _("unknown process"));
}

static void
on_pid (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                              NULL);
  g_autofree char *name = NULL;
  guint32 pid = 0;

  if (reply != NULL)
    g_variant_get (reply, "(u)", &pid);
  name = process_name (pid);
  sh_broker_get_token_async (call->self->manager, call->channel, SH_BROKER_VIA_DBUS, name,
                             call->self->cancellable, on_token, call);
}

static void
handle_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  ShBrokerService *self = user_data;
  Call *call;

  if (!g_str_equal (method_name, "GetAccessToken"))
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                             G_DBUS_ERROR_UNKNOWN_METHOD,
                                             "No such method: %s", method_name);
      return;
    }
  if (self->manager == NULL)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, ERROR_PREFIX "Failed",
                                                  _("SocialHub is starting; ask again."));
      return;
    }
  /* Refused before anything is asked of the bus or the keyring. */
  if (!sh_broker_get_enabled ())
    {
      g_dbus_method_invocation_return_dbus_error (invocation, SH_BROKER_DBUS_ERROR_DISABLED,
        _("The token broker is off. Turn on “Let scripts and other apps ask for access "
          "tokens” in SocialHub’s Preferences."));
      return;
    }
  /* A call may take a while (the keyring, a check, a renewal first): the
   * app stays until it has answered. */
  if (self->application != NULL)
    g_application_hold (self->application);
  call = g_new0 (Call, 1);
  call->self = g_object_ref (self);
  call->invocation = g_object_ref (invocation);
  g_variant_get (parameters, "(s)", &call->channel);
  g_dbus_connection_call (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                          g_variant_new ("(s)", sender), G_VARIANT_TYPE ("(u)"),
                          G_DBUS_CALL_FLAGS_NONE, 5000, self->cancellable, on_pid, call);
}

static const GDBusInterfaceVTable vtable = { handle_method_call, NULL, NULL, { 0 } };

static void
sh_broker_service_dispose (GObject *object)
{
  ShBrokerService *self = SH_BROKER_SERVICE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->registration != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration);
  self->registration = 0;
  g_clear_object (&self->connection);
  g_clear_object (&self->manager);
  g_clear_weak_pointer (&self->application);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (sh_broker_service_parent_class)->dispose (object);
}

static void
sh_broker_service_class_init (ShBrokerServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sh_broker_service_dispose;
}

static void
sh_broker_service_init (ShBrokerService *self)
{
  self->cancellable = g_cancellable_new ();
}

ShBrokerService *
sh_broker_service_new (GDBusConnection  *connection,
                       const char       *object_path,
                       GError          **error)
{
  static GDBusNodeInfo *info;
  g_autoptr(ShBrokerService) self = NULL;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  if (info == NULL)
    info = g_dbus_node_info_new_for_xml (introspection_xml, NULL);
  self = g_object_new (SH_TYPE_BROKER_SERVICE, NULL);
  self->connection = g_object_ref (connection);
  /* The vtable's user data is not a reference: dispose unregisters first. */
  self->registration = g_dbus_connection_register_object (connection, object_path,
                                                          info->interfaces[0], &vtable, self,
                                                          NULL, error);
  if (self->registration == 0)
    return NULL;
  return g_steal_pointer (&self);
}

void
sh_broker_service_set_manager (ShBrokerService *self,
                               ShManager       *manager,
                               GApplication    *application)
{
  g_return_if_fail (SH_IS_BROKER_SERVICE (self));
  g_return_if_fail (SH_IS_MANAGER (manager));
  g_return_if_fail (application == NULL || G_IS_APPLICATION (application));

  g_set_object (&self->manager, manager);
  g_set_weak_pointer (&self->application, application);
}
