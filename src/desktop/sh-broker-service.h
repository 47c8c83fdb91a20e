/* sh-broker-service.h — the token broker on D-Bus.
 *
 * io.socialhub.SocialHub.Broker1 on the application's bus name, at the
 * application's object path (/io/socialhub/SocialHub), exported by the
 * running app (window or --gapplication-service):
 *
 *   GetAccessToken (s channel) → (s token, x expires_at, s token_id)
 *
 * @channel is a channel's id or name; expires_at is 0 for a token that
 * does not expire. sh-broker.h decides which token. Errors:
 *   io.socialhub.SocialHub.Broker.Error.Disabled      the broker is off
 *   io.socialhub.SocialHub.Broker.Error.NoSuchChannel
 *   io.socialhub.SocialHub.Broker.Error.NoUsableToken its message lists each token and why
 *   io.socialhub.SocialHub.Broker.Error.Temporary     the keyring: try again
 *   io.socialhub.SocialHub.Broker.Error.Failed
 * Each hand-out is recorded with the caller's process name (its pid from
 * the bus, GetConnectionUnixProcessID, then /proc/PID/comm).
 */
#pragma once

#include <gio/gio.h>
#include "sh-manager.h"

G_BEGIN_DECLS

#define SH_BROKER_DBUS_INTERFACE "io.socialhub.SocialHub.Broker1"
#define SH_BROKER_DBUS_ERROR_DISABLED "io.socialhub.SocialHub.Broker.Error.Disabled"

#define SH_TYPE_BROKER_SERVICE (sh_broker_service_get_type ())
G_DECLARE_FINAL_TYPE (ShBrokerService, sh_broker_service, SH, BROKER_SERVICE, GObject)

/* Exported until the object is disposed; made in GApplication's
 * dbus_register, before the name is taken, so that no call finds the name
 * without the interface. Calls are answered in the main loop, which runs
 * after startup has given the manager (sh_broker_service_set_manager), and
 * @application is held while a call runs: a service nothing else holds, or
 * a window closed with Run in Background off, answers before it goes.
 * NULL with @error when the object path is taken. */
ShBrokerService *sh_broker_service_new (GDBusConnection  *connection,
                                        const char       *object_path,
                                        GError          **error);
void             sh_broker_service_set_manager (ShBrokerService *self,
                                                ShManager       *manager,
                                                GApplication    *application);

G_END_DECLS
