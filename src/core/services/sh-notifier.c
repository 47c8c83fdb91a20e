/* sh-notifier.c — once per change, grouped, withdrawn when resolved. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-checker.h"
#include "sh-notifier.h"
#include "sh-provider-registry.h"
#include "sh-untrusted-text.h"

#define MAX_LINES 5

struct _ShNotifier
{
  GObject          parent_instance;

  ShManager       *manager;
  GApplication    *application;   /* not owned: it owns us */
  GSettings       *settings;
  ShNotifierClock  clock;
  gpointer         clock_data;
  GHashTable      *shown;         /* ids sent by this process */
  guint            withdraw_id;
  int              body_markup;   /* -1: not asked yet */
};

G_DEFINE_FINAL_TYPE (ShNotifier, sh_notifier, G_TYPE_OBJECT)

typedef enum {
  EVENT_TOKEN_INVALID,
  EVENT_CHANNEL_DISCONNECTED,
  EVENT_TOKEN_EXPIRING,
} EventKind;

typedef struct {
  EventKind  kind;
  ShChannel *channel;
  ShToken   *token;    /* the token (for a channel: its first dead one) */
} Event;

static gint64
real_clock (gpointer user_data)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
is_dead (ShTokenState state)
{
  return state == SH_TOKEN_STATE_EXPIRED || state == SH_TOKEN_STATE_INVALID;
}

static gboolean
setting (ShNotifier *self,
         const char *key)
{
  return self->settings == NULL || g_settings_get_boolean (self->settings, key);
}

static char *
token_id (const char *prefix,
          ShToken    *token)
{
  return g_strconcat (prefix, sh_token_get_id (token), NULL);
}

/* Names are the networks' (or the data file's): sanitized before a
 * notification server shows them. */
static char *
channel_name (ShChannel *channel)
{
  const char *name = sh_channel_get_name (channel);

  return sh_untrusted_text_sanitize (name != NULL && *name != '\0'
                                     ? name : sh_channel_get_external_id (channel));
}

/* ---- the words ------------------------------------------------------------------ */

static char *
event_title (ShNotifier  *self,
             const Event *event)
{
  g_autofree char *owner = sh_untrusted_text_sanitize (sh_token_get_owner_name (event->token));
  g_autofree char *name = channel_name (event->channel);
  gboolean has_owner = owner != NULL && *owner != '\0';

  switch (event->kind)
    {
    case EVENT_CHANNEL_DISCONNECTED:
      /* Translators: %s is a Facebook Page or an X account */
      return g_strdup_printf (_("%s is disconnected"), name);
    case EVENT_TOKEN_EXPIRING:
      {
        gint64 left = sh_token_get_expires_at (event->token) - self->clock (self->clock_data);
        int days = (int) MAX (1, (left + 86399) / 86400);

        if (has_owner)
          /* Translators: "Alice Example’s token for Acme Coffee expires in 3 days" */
          return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "%s’s token for %s expires in %d day",
                                               "%s’s token for %s expires in %d days", days),
                                  owner, name, days);
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "An access token for %s expires in %d day",
                                             "An access token for %s expires in %d days", days),
                                name, days);
      }
    case EVENT_TOKEN_INVALID:
    default:
      if (has_owner)
        /* Translators: "Alice Example’s token for Acme Coffee stopped working" */
        return g_strdup_printf (_("%s’s token for %s stopped working"), owner, name);
      return g_strdup_printf (_("An access token for %s stopped working"), name);
    }
}

static char *
event_body (const Event *event)
{
  const char *why = sh_network_explain_reason (sh_token_get_network (event->token),
                                              sh_token_get_last_verdict_reason (event->token));
  g_autofree char *name = channel_name (event->channel);

  switch (event->kind)
    {
    case EVENT_CHANNEL_DISCONNECTED:
      return g_strconcat (why, *why ? " " : "",
                          _("No access token of this channel works any more. Reconnect it with a new access token."),
                          NULL);
    case EVENT_TOKEN_EXPIRING:
      return g_strdup_printf (_("Add a new access token before it expires to keep %s linked."),
                              name);
    case EVENT_TOKEN_INVALID:
    default:
      {
        g_autofree char *stays = g_strdup_printf (_("%s stays linked through its other access tokens."),
                                                  name);
        return g_strconcat (why, *why ? " " : "", stays, NULL);
      }
    }
}

static GNotificationPriority
event_priority (EventKind kind)
{
  switch (kind)
    {
    case EVENT_CHANNEL_DISCONNECTED: return G_NOTIFICATION_PRIORITY_URGENT;
    case EVENT_TOKEN_EXPIRING: return G_NOTIFICATION_PRIORITY_LOW;
    case EVENT_TOKEN_INVALID:
    default: return G_NOTIFICATION_PRIORITY_NORMAL;
    }
}

static char *
event_id (const Event *event)
{
  switch (event->kind)
    {
    case EVENT_CHANNEL_DISCONNECTED:
      return g_strconcat ("channel-", sh_channel_get_id (event->channel), NULL);
    case EVENT_TOKEN_EXPIRING:
      return token_id ("expiring-", event->token);
    case EVENT_TOKEN_INVALID:
    default:
      return token_id ("token-", event->token);
    }
}

static void
add_button (GNotification *notification,
            EventKind      kind,
            ShChannel     *channel)
{
  const char *label = kind == EVENT_CHANNEL_DISCONNECTED ? _("Reconnect") : _("Add Access Token");

  g_notification_add_button_with_target (notification, label, "app.add-token", "s",
                                         sh_channel_get_id (channel));
}

/* A command-line instance can finish a check while it is already shutting
 * down (no longer registered on the bus): GLib's notification backend then
 * has no connection and fails a critical. Nothing can be shown from there. */
static gboolean
can_show (ShNotifier *self)
{
  return self->application != NULL && g_application_get_is_registered (self->application);
}

/* Whether the body reaches a server that parses it as markup, where a
 * name's "<b>" or "&" would be taken for markup. GLib sends through the
 * portal in a sandbox and to org.gtk.Notifications (GNOME Shell) when that
 * is there: both show a body as plain text, where an escaped "&amp;" would
 * show as such. Otherwise (GLib's freedesktop backend) the body goes to
 * org.freedesktop.Notifications as it is, and the specification lets a
 * server that lists "body-markup" parse it. Asked once, the way GLib asks
 * once which backend to use (it too asks the bus synchronously). */
static gboolean
server_parses_markup (GApplication *application)
{
  GDBusConnection *bus = g_application_get_dbus_connection (application);
  const char *backend = g_getenv ("GNOTIFICATION_BACKEND");
  g_autoptr(GVariant) reply = NULL;
  g_autofree const char **capabilities = NULL;

  if (bus == NULL)
    return FALSE;
  if (backend != NULL && *backend != '\0')
    {
      if (!g_str_equal (backend, "freedesktop"))
        return FALSE;
    }
  else
    {
      gboolean gtk_server = FALSE;

      if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) ||
          g_strcmp0 (g_getenv ("GTK_USE_PORTAL"), "1") == 0)
        return FALSE;
      reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", "NameHasOwner",
                                           g_variant_new ("(s)", "org.gtk.Notifications"),
                                           G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                           1000, NULL, NULL);
      if (reply != NULL)
        g_variant_get (reply, "(b)", &gtk_server);
      if (gtk_server)
        return FALSE;
      g_clear_pointer (&reply, g_variant_unref);
    }
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.Notifications",
                                       "/org/freedesktop/Notifications",
                                       "org.freedesktop.Notifications", "GetCapabilities",
                                       NULL, G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE,
                                       1000, NULL, NULL);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(^a&s)", &capabilities);
  return g_strv_contains (capabilities, "body-markup");
}

/* The body as the server will read it: escaped where it parses markup. */
static void
set_body (ShNotifier    *self,
          GNotification *notification,
          const char    *body)
{
  g_autofree char *escaped = NULL;

  if (self->body_markup < 0 && can_show (self))
    self->body_markup = server_parses_markup (self->application);
  if (self->body_markup > 0)
    body = escaped = g_markup_escape_text (body, -1);
  g_notification_set_body (notification, body);
}

static void
send (ShNotifier    *self,
      const char    *id,
      GNotification *notification)
{
  if (can_show (self))
    g_application_send_notification (self->application, id, notification);
  g_hash_table_add (self->shown, g_strdup (id));
}

static void
withdraw (ShNotifier *self,
          const char *id)
{
  if (can_show (self))
    g_application_withdraw_notification (self->application, id);
  g_hash_table_remove (self->shown, id);
}

static void
send_one (ShNotifier  *self,
          const Event *event)
{
  g_autofree char *title = event_title (self, event);
  g_autofree char *body = event_body (event);
  g_autofree char *id = event_id (event);
  g_autoptr(GNotification) notification = g_notification_new (title);
  /* The network's glyph, as in the window (data/icons, installed in hicolor). */
  g_autoptr(GIcon) icon = g_themed_icon_new (sh_network_get_icon_name (sh_channel_get_network (event->channel)));

  set_body (self, notification, body);
  g_notification_set_icon (notification, icon);
  g_notification_set_priority (notification, event_priority (event->kind));
  add_button (notification, event->kind, event->channel);
  send (self, id, notification);
}

static void
send_grouped (ShNotifier *self,
              GArray     *events)
{
  guint n_dead = 0, n_disconnected = 0, n_expiring = 0;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  ShChannel *only_channel = NULL;
  gboolean one_channel = TRUE;
  EventKind top = EVENT_TOKEN_EXPIRING;

  for (guint i = 0; i < events->len; i++)
    {
      Event *event = &g_array_index (events, Event, i);
      g_autofree char *line = NULL;

      switch (event->kind)
        {
        case EVENT_CHANNEL_DISCONNECTED: n_disconnected++; top = EVENT_CHANNEL_DISCONNECTED; break;
        case EVENT_TOKEN_INVALID:
          n_dead++;
          if (top == EVENT_TOKEN_EXPIRING)
            top = EVENT_TOKEN_INVALID;
          break;
        case EVENT_TOKEN_EXPIRING:
        default: n_expiring++; break;
        }
      if (only_channel == NULL)
        only_channel = event->channel;
      else if (only_channel != event->channel)
        one_channel = FALSE;
      if (i < MAX_LINES)
        {
          line = event_title (self, event);
          g_string_append_printf (body, "%s%s", body->len ? "\n" : "", line);
        }
    }
  if (events->len > MAX_LINES)
    g_string_append_printf (body, "\n%s", "…");

  if (n_disconnected > 0 && n_dead + n_expiring == 0)
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u channel is disconnected",
                                          "%u channels are disconnected", n_disconnected),
                             n_disconnected);
  else if (n_disconnected > 0)
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u channel is disconnected and more need attention",
                                          "%u channels are disconnected and more need attention",
                                          n_disconnected),
                             n_disconnected);
  else if (n_dead > 0 && n_expiring == 0)
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u access token stopped working",
                                          "%u access tokens stopped working", n_dead), n_dead);
  else if (n_dead > 0)
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u access token stopped working and more expire soon",
                                          "%u access tokens stopped working and more expire soon",
                                          n_dead), n_dead);
  else
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u access token expires soon",
                                          "%u access tokens expire soon", n_expiring), n_expiring);

  notification = g_notification_new (title);
  set_body (self, notification, body->str);
  g_notification_set_priority (notification, event_priority (top));
  if (one_channel && only_channel != NULL)
    add_button (notification, top, only_channel);
  send (self, "grouped", notification);
}

/* ---- comparing ---------------------------------------------------------------------- */

/* @send_new: FALSE only withdraws what is no longer true (between checks,
 * e.g. after a token was added), without telling anything new. */
static guint
process (ShNotifier *self,
         gboolean    send_new)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (self->manager));
  g_autoptr(GArray) events = g_array_new (FALSE, TRUE, sizeof (Event));
  g_autoptr(GPtrArray) keep_alive = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) to_withdraw = g_ptr_array_new_with_free_func (g_free);
  guint n_sent = 0;
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      ShChannel *channel = g_list_model_get_item (channels, i);
      GListModel *tokens = sh_channel_get_tokens (channel);
      guint n = g_list_model_get_n_items (tokens);
      g_autofree ShTokenState *now = g_new0 (ShTokenState, MAX (n, 1));
      g_autofree ShTokenState *told = g_new0 (ShTokenState, MAX (n, 1));
      ShChannelState channel_now, channel_told;
      ShToken *first_new_dead = NULL;

      g_ptr_array_add (keep_alive, channel);
      for (guint j = 0; j < n; j++)
        {
          g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);

          now[j] = sh_token_get_effective_state (token);
          told[j] = sh_token_get_notified_state (token);
          /* Never checked: nothing to tell, and nothing told yet either. */
          if (now[j] == SH_TOKEN_STATE_UNKNOWN)
            told[j] = SH_TOKEN_STATE_UNKNOWN;
        }
      /* What the channel holds already; only what was told is derived. */
      channel_now = sh_channel_get_state (channel);
      channel_told = sh_channel_state_derive (told, n);

      if (channel_now == SH_CHANNEL_STATE_DISCONNECTED)
        g_hash_table_add (wanted, g_strconcat ("channel-", sh_channel_get_id (channel), NULL));
      else
        g_ptr_array_add (to_withdraw, g_strconcat ("channel-", sh_channel_get_id (channel), NULL));

      for (guint j = 0; j < n; j++)
        {
          g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);
          g_autofree char *dead_id = token_id ("token-", token);
          g_autofree char *expiring_id = token_id ("expiring-", token);

          if (is_dead (now[j]) && channel_now != SH_CHANNEL_STATE_DISCONNECTED)
            g_hash_table_add (wanted, g_steal_pointer (&dead_id));
          else
            g_ptr_array_add (to_withdraw, g_steal_pointer (&dead_id));
          if (now[j] == SH_TOKEN_STATE_EXPIRING)
            g_hash_table_add (wanted, g_steal_pointer (&expiring_id));
          else
            g_ptr_array_add (to_withdraw, g_steal_pointer (&expiring_id));

          /* Nothing is ever said about a valid token: record it at once,
           * also between checks (a renewed token), so that its next
           * failure is a change. */
          if (now[j] == SH_TOKEN_STATE_VALID && told[j] != SH_TOKEN_STATE_VALID)
            {
              sh_token_set_notified_state (token, SH_TOKEN_STATE_VALID);
            }
          if (!send_new || now[j] == SH_TOKEN_STATE_UNKNOWN)
            continue;
          if (is_dead (now[j]) && !is_dead (told[j]))
            {
              if (first_new_dead == NULL)
                first_new_dead = token;
              if (channel_now != SH_CHANNEL_STATE_DISCONNECTED &&
                  setting (self, "notify-token-invalid"))
                g_array_append_val (events, ((Event) { EVENT_TOKEN_INVALID, channel, token }));
            }
          else if (now[j] == SH_TOKEN_STATE_EXPIRING && told[j] != SH_TOKEN_STATE_EXPIRING &&
                   setting (self, "notify-token-expiring"))
            g_array_append_val (events, ((Event) { EVENT_TOKEN_EXPIRING, channel, token }));

          if (sh_token_get_notified_state (token) != now[j])
            {
              sh_token_set_notified_state (token, now[j]);
            }
        }

      if (send_new && channel_now == SH_CHANNEL_STATE_DISCONNECTED &&
          channel_told != SH_CHANNEL_STATE_DISCONNECTED &&
          setting (self, "notify-channel-disconnected"))
        {
          ShToken *dead = first_new_dead;

          for (guint j = 0; dead == NULL && j < n; j++)
            if (is_dead (now[j]))
              {
                g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);
                dead = token;
              }
          g_array_append_val (events, ((Event) { EVENT_CHANNEL_DISCONNECTED, channel, dead }));
        }
    }

  /* What was said and is no longer true. Ids of this process's earlier
   * notifications whose token or channel is gone go too. */
  g_hash_table_iter_init (&iter, self->shown);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (wanted, key) && g_strcmp0 (key, "grouped") != 0)
      g_ptr_array_add (to_withdraw, g_strdup (key));
  for (guint i = 0; i < to_withdraw->len; i++)
    {
      const char *id = g_ptr_array_index (to_withdraw, i);

      if (!g_hash_table_contains (wanted, id))
        withdraw (self, id);
    }
  if (g_hash_table_size (wanted) == 0)
    withdraw (self, "grouped");

  if (events->len == 1)
    send_one (self, &g_array_index (events, Event, 0));
  else if (events->len > 1)
    send_grouped (self, events);
  n_sent = events->len > 0 ? 1 : 0;

  return n_sent;
}

guint
sh_notifier_process (ShNotifier *self)
{
  g_return_val_if_fail (SH_IS_NOTIFIER (self), 0);
  return process (self, TRUE);
}

static void
on_checked (ShNotifier *self)
{
  g_clear_handle_id (&self->withdraw_id, g_source_remove);
  process (self, TRUE);
}

static gboolean
on_withdraw_timeout (gpointer user_data)
{
  ShNotifier *self = user_data;

  self->withdraw_id = 0;
  process (self, FALSE);
  return G_SOURCE_REMOVE;
}

/* A token added or removed between checks can resolve what was said. */
static void
on_channels_changed (ShNotifier *self)
{
  if (self->withdraw_id == 0)
    self->withdraw_id = g_timeout_add (500, on_withdraw_timeout, self);
}

static void
connect_channel (ShNotifier *self,
                 ShChannel  *channel)
{
  g_signal_connect_object (channel, "notify::state", G_CALLBACK (on_channels_changed), self,
                           G_CONNECT_SWAPPED);
}

static void
on_items_changed (GListModel *list,
                  guint       position,
                  guint       removed,
                  guint       added,
                  ShNotifier *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (list, i);
      connect_channel (self, channel);
    }
  on_channels_changed (self);
}

static void
sh_notifier_dispose (GObject *object)
{
  ShNotifier *self = SH_NOTIFIER (object);

  g_clear_handle_id (&self->withdraw_id, g_source_remove);
  g_clear_object (&self->settings);
  g_clear_object (&self->manager);
  g_clear_pointer (&self->shown, g_hash_table_unref);
  G_OBJECT_CLASS (sh_notifier_parent_class)->dispose (object);
}

static void
sh_notifier_class_init (ShNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sh_notifier_dispose;
}

static void
sh_notifier_init (ShNotifier *self)
{
  self->clock = real_clock;
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->body_markup = -1;
}

ShNotifier *
sh_notifier_new (ShManager    *manager,
                 GApplication *application)
{
  ShNotifier *self;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE)
                                             : NULL;
  GListModel *channels;

  g_return_val_if_fail (SH_IS_MANAGER (manager), NULL);
  g_return_val_if_fail (application == NULL || G_IS_APPLICATION (application), NULL);

  self = g_object_new (SH_TYPE_NOTIFIER, NULL);
  self->manager = g_object_ref (manager);
  self->application = application;
  if (schema != NULL && g_settings_schema_has_key (schema, "notify-token-invalid"))
    self->settings = g_settings_new_full (schema, NULL, NULL);

  g_signal_connect_object (sh_manager_get_checker (manager), "checked", G_CALLBACK (on_checked),
                           self, G_CONNECT_SWAPPED);
  channels = G_LIST_MODEL (sh_manager_get_channels (manager));
  for (guint i = 0; i < g_list_model_get_n_items (channels); i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      connect_channel (self, channel);
    }
  g_signal_connect_object (channels, "items-changed", G_CALLBACK (on_items_changed), self, 0);
  return self;
}

void
sh_notifier_set_clock (ShNotifier      *self,
                       ShNotifierClock  clock,
                       gpointer         user_data)
{
  g_return_if_fail (SH_IS_NOTIFIER (self));
  self->clock = clock != NULL ? clock : real_clock;
  self->clock_data = user_data;
}
