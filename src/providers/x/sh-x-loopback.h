/* sh-x-loopback.h — the server that receives X's redirect after a sign-in.
 *
 * RFC 8252 §7.3: a loopback redirect. It listens on 127.0.0.1 only (never
 * on every address, never on "localhost"), on the one port registered with
 * the X app, for one sign-in: it accepts exactly one answer carrying this
 * sign-in's state, tells the browser the person can return to SocialHub,
 * and shuts down — also on timeout, cancellation, or when disposed.
 * Answers with another state are refused with a page that says so, and the
 * server keeps waiting for the real one.
 *
 * It is a small server of its own on GSocketService: from each connection
 * it reads the request head only (8 KiB at most, never a body), answers
 * only a GET of /callback whose Host is 127.0.0.1:PORT or localhost:PORT
 * (sh-x-loopback-request.h), writes one page and closes the connection. A
 * client that has not sent its whole head within the client timeout
 * (SH_X_LOOPBACK_CLIENT_TIMEOUT_MS) is dropped; at most 32 connections are
 * open at once.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SH_TYPE_X_LOOPBACK (sh_x_loopback_get_type ())
G_DECLARE_FINAL_TYPE (ShXLoopback, sh_x_loopback, SH, X_LOOPBACK, GObject)

/* How long a connection may take to send its request head. */
#define SH_X_LOOPBACK_CLIENT_TIMEOUT_MS 5000

/* Listens at once, so that a port in use is an error before anything is
 * shown to the person. */
ShXLoopback *sh_x_loopback_new              (guint          port,
                                             const char    *state,
                                             GError       **error);
/* "http://127.0.0.1:PORT/callback" */
const char  *sh_x_loopback_get_redirect_uri (ShXLoopback   *self);
gboolean     sh_x_loopback_is_listening     (ShXLoopback   *self);
/* For connections accepted from now on; tests shorten it. */
void         sh_x_loopback_set_client_timeout (ShXLoopback *self,
                                               guint        milliseconds);

/* The authorization code of the one answer taken. Errors:
 * SH_ERROR_SIGN_IN_DECLINED (the person did not allow access),
 * SH_ERROR_SIGN_IN_EXPIRED (no answer within @timeout_seconds),
 * G_IO_ERROR_CANCELLED. The server is shut down in every case. */
void         sh_x_loopback_wait_async       (ShXLoopback         *self,
                                             guint                timeout_seconds,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char        *sh_x_loopback_wait_finish      (ShXLoopback         *self,
                                             GAsyncResult        *result,
                                             GError             **error);

void         sh_x_loopback_close            (ShXLoopback   *self);

G_END_DECLS
