/* sh-background-portal.h — org.freedesktop.portal.Background over GDBus.
 *
 * RequestBackground answers through a Request object's Response signal
 * (response 0 with "background" and "autostart", 1 when the person said
 * no, 2 otherwise); the signal is subscribed before the call, on the path
 * the handle_token makes, as the portal documentation advises. SetStatus
 * exists from version 2 of the interface on.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SH_BACKGROUND_PORTAL_ERROR (sh_background_portal_error_quark ())
typedef enum {
  SH_BACKGROUND_PORTAL_ERROR_DENIED,     /* the person, or a stored choice, said no */
  SH_BACKGROUND_PORTAL_ERROR_REFUSED,    /* the portal ended the request otherwise */
} ShBackgroundPortalError;
GQuark   sh_background_portal_error_quark   (void);

void     sh_background_portal_request_async  (GDBusConnection      *bus,
                                              const char           *reason,
                                              gboolean              autostart,
                                              const char * const   *commandline,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
/* TRUE when running in the background is allowed; @out_autostart says
 * whether the app will also start at login. */
gboolean sh_background_portal_request_finish (GAsyncResult         *result,
                                              gboolean             *out_autostart,
                                              GError              **error);

/* The interface's version property; 0 when there is no portal. */
void     sh_background_portal_get_version_async  (GDBusConnection     *bus,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
guint    sh_background_portal_get_version_finish (GAsyncResult        *result);

/* SetStatus (version ≥ 2): @message, cut to the portal's 96 characters.
 * Fire and forget; a failure is logged. */
void     sh_background_portal_set_status     (GDBusConnection      *bus,
                                              const char           *message);

G_END_DECLS
