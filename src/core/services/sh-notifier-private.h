/* sh-notifier-private.h — the notifier's parts: its words, its record of
 * what is shown, and what differs between notification servers. */
#pragma once

#include <gio/gio.h>
#include "sh-notice.h"

G_BEGIN_DECLS

/* A notification that says @notices (ShNotice *, one or more): one fact
 * in its own words, several as a group. Its default action,
 * app.show-channel("CHANNEL-ID"), opens the channel it is about, or the
 * list ("") for a group about several; one channel's notification also
 * gets the button that fixes it (app.add-token). @escape_body: the
 * server parses the body as markup. */
GNotification *_sh_notifier_words_build (GPtrArray *notices,
                                         gint64     now,
                                         gboolean   escape_body);
/* One person's tokens that died together (sh_notices_take_people()):
 * "Ana’s 8 access tokens stopped working (password changed)", "3 channels
 * disconnected, 5 still linked."; default action app.show-person
 * ("NETWORK:USER_ID"). NULL when @notices cover fewer than two of the
 * person's tokens (what is left is told in the usual words). */
GNotification *_sh_notifier_words_build_person (GPtrArray *notices,
                                                gboolean   escape_body);

/* How GLib reaches a notification server (its choice, mirrored). */
typedef enum {
  SH_NOTIFICATION_BACKEND_NONE,
  SH_NOTIFICATION_BACKEND_FREEDESKTOP,
  SH_NOTIFICATION_BACKEND_GTK,
  SH_NOTIFICATION_BACKEND_PORTAL,
} ShNotificationBackend;

ShNotificationBackend _sh_notification_backend_detect (GApplication *application);
const char           *_sh_notification_backend_to_string (ShNotificationBackend backend);
ShNotificationBackend _sh_notification_backend_from_string (const char *name);
/* Whether a freedesktop server that lists "body-markup" parses bodies. */
gboolean              _sh_notification_server_parses_markup (GDBusConnection *bus);

/* The freedesktop server's own ids of the notifications GLib sends: GLib
 * keeps them to itself (gfdonotificationbackend.c), so they are read off
 * the bus: the serial of GLib's Notify call (the last message this thread
 * sent, right after g_application_send_notification()) and the server's
 * reply to it. @arrived runs in the thread default main context of the
 * caller of _watch(). */
typedef void (*ShServerIdArrived) (guint32  serial,
                                   guint32  server_id,
                                   gpointer user_data);
typedef struct _ShServerIdWatch ShServerIdWatch;
ShServerIdWatch *_sh_notification_server_ids_watch   (GDBusConnection   *bus,
                                                      ShServerIdArrived  arrived,
                                                      gpointer           user_data);
void             _sh_notification_server_ids_unwatch (GDBusConnection   *bus,
                                                      ShServerIdWatch   *watch);
/* Which server gave an id: the bus and the server's unique name on it
 * (NULL when none runs). Its ids mean nothing to another server, which
 * counts from 1 again, so only the same one is asked to close them. */
char     *_sh_notification_server_instance    (GDBusConnection   *bus);
/* CloseNotification(@server_id) on org.freedesktop.Notifications: what
 * GLib cannot do for a notification an earlier process sent. */
void      _sh_notification_server_close       (GDBusConnection   *bus,
                                               guint32            server_id);

/* One notification shown (by this process or, read from the record, an
 * earlier one): the notices it says. */
typedef struct {
  GStrv                  facts;
  char                  *fingerprint;
  ShNotificationBackend  backend;
  guint32                server_id;   /* freedesktop: the server's id, 0 unknown */
  char                  *server;      /* freedesktop: which server gave it */
  guint32                serial;      /* freedesktop: GLib's Notify call, until its id arrives */
  gboolean               mine;        /* sent by this process: GLib knows its id */
} ShShown;

void        _sh_shown_free          (ShShown    *shown);
/* notifications.json beside the data file: id → ShShown (mine FALSE);
 * an empty table when there is none or it cannot be read. @out_keep: the
 * file must not be written over (it cannot be read, or is damaged and
 * could not be set aside). */
GHashTable *_sh_notifier_record_load (const char *path,
                                      gboolean   *out_keep);
void        _sh_notifier_record_save (const char *path,
                                      GHashTable *shown);

/* The one line that says @notice, its title when alone ("Alice’s token for
 * Acme Coffee expires in 7 days"), in the words of sh_time_format_until(). */
char          *_sh_notifier_words_title (const ShNotice *notice,
                                         gint64          now);

G_END_DECLS
