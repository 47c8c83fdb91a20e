/* sh-notifier.c — what was told, kept true: sent once, replaced, withdrawn.
 *
 * The notices (sh-notice.h) say what is true now and what of it is new;
 * this file keeps, for each notification it showed, the facts it says.
 * After every check and between checks (a token added or removed, a
 * reminder's moment, a setting changed) each notification loses the facts
 * that stopped being true: replaced under the same id when some are left
 * (a group of two channels becomes the other channel's own notification),
 * withdrawn when none is. New facts go out alone, or several as one group
 * ("grouped", which also keeps what is still true of an earlier group).
 *
 * The ids are those of the notices (and "grouped", and "person-…" for one
 * person's tokens that died together). A channel living on another's
 * tokens whose notice says the same as its parent's rides on that notice
 * (sh-notice.h): sent, replaced and withdrawn with it. What is shown is saved
 * (sh-notifier-record.c) with the freedesktop server's own id, so that a
 * later process withdraws or replaces what an earlier one showed, through
 * either backend (sh-notifier-backend.c). A token added or removed (a
 * renewal) is looked at half a second later, not at the next check.
 */
#include "config.h"

#include "sh-checker.h"
#include "sh-notifier.h"
#include "sh-notifier-private.h"
#include "sh-store.h"

#define GROUP_ID "grouped"
#define RECORD_FILE_NAME "notifications.json"
/* How long a short-lived process waits for the server's ids before it
 * exits without them. */
#define SERVER_ID_WAIT_MS 5000
/* GLib's timeouts take a guint: wake up at least this often and look again. */
#define MAX_SLEEP (6 * 60 * 60)

static const guint default_stages[] = { 7, 1 };

struct _ShNotifier
{
  GObject          parent_instance;

  ShManager       *manager;
  GApplication    *application;   /* not owned: it owns us */
  GSettings       *settings;
  ShNotifierClock  clock;
  gpointer         clock_data;
  GHashTable      *shown;         /* id → ShShown */
  char            *record_path;
  int              backend;       /* ShNotificationBackend, -1: not asked yet */
  GDBusConnection *ids_bus;
  ShServerIdWatch *ids_watch;
  GHashTable      *awaited;       /* serials whose server id is on its way (the app is held) */
  guint            await_id;
  gboolean         record_dirty;
  guint            withdraw_id;
  guint            reminder_id;
  int              body_markup;   /* -1: not asked yet */
};

G_DEFINE_FINAL_TYPE (ShNotifier, sh_notifier, G_TYPE_OBJECT)

static gint64
real_clock (gpointer user_data)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
setting (ShNotifier *self,
         const char *key)
{
  return self->settings == NULL || g_settings_get_boolean (self->settings, key);
}

/* A command-line instance can finish a check while it is already shutting
 * down (no longer registered on the bus): GLib's notification backend then
 * has no connection and fails a critical. Nothing can be shown from there. */
static gboolean
can_show (ShNotifier *self)
{
  return self->application != NULL && g_application_get_is_registered (self->application);
}

static void save_record (ShNotifier *self);

static void
stop_awaiting (ShNotifier *self)
{
  g_clear_handle_id (&self->await_id, g_source_remove);
  if (g_hash_table_size (self->awaited) > 0 && self->application != NULL)
    g_application_release (self->application);
  g_hash_table_remove_all (self->awaited);
}

static gboolean
on_await_timeout (gpointer user_data)
{
  ShNotifier *self = user_data;

  self->await_id = 0;
  g_message ("The notification server did not give the ids of what was shown");
  stop_awaiting (self);
  return G_SOURCE_REMOVE;
}

/* The freedesktop server's id of what this process showed: saved, so that
 * a later process can close it. */
static void
on_server_id (guint32  serial,
              guint32  server_id,
              gpointer user_data)
{
  ShNotifier *self = user_data;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->shown);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ShShown *shown = value;

      if (shown->serial == serial)
        {
          shown->serial = 0;
          shown->server_id = server_id;
          g_free (shown->server);
          shown->server = _sh_notification_server_instance (self->ids_bus);
          save_record (self);
          break;
        }
    }
  if (g_hash_table_remove (self->awaited, GUINT_TO_POINTER (serial)) &&
      g_hash_table_size (self->awaited) == 0)
    {
      g_clear_handle_id (&self->await_id, g_source_remove);
      g_application_release (self->application);
    }
}

/* A --check process would exit before the server answers: it stays until
 * the ids are saved (or SERVER_ID_WAIT_MS). */
static void
await_server_id (ShNotifier *self,
                 guint32     serial)
{
  if (g_hash_table_size (self->awaited) == 0)
    {
      g_application_hold (self->application);
      self->await_id = g_timeout_add (SERVER_ID_WAIT_MS, on_await_timeout, self);
    }
  g_hash_table_add (self->awaited, GUINT_TO_POINTER (serial));
}

/* Which backend GLib uses and, for the freedesktop one, the watch for its
 * ids and whether its bodies are parsed as markup. Asked once. */
static void
ensure_backend (ShNotifier *self)
{
  GDBusConnection *bus = g_application_get_dbus_connection (self->application);

  if (self->backend >= 0)
    return;
  self->backend = _sh_notification_backend_detect (self->application);
  if (self->backend == SH_NOTIFICATION_BACKEND_FREEDESKTOP && bus != NULL)
    {
      self->body_markup = _sh_notification_server_parses_markup (bus);
      self->ids_bus = g_object_ref (bus);
      self->ids_watch = _sh_notification_server_ids_watch (bus, on_server_id, self);
    }
  else
    self->body_markup = FALSE;
}

static void
save_record (ShNotifier *self)
{
  self->record_dirty = FALSE;
  _sh_notifier_record_save (self->record_path, self->shown);
}

/* Withdraws what @shown (shown under @id) put on the screen. GLib withdraws
 * what this process sent, and by our id what went through the portal or
 * org.gtk.Notifications; only the server's id closes what an earlier
 * process sent to a freedesktop server. */
static void
unshow (ShNotifier *self,
        const char *id,
        ShShown    *shown)
{
  if (!can_show (self))
    return;
  ensure_backend (self);
  if (shown->mine || shown->backend != SH_NOTIFICATION_BACKEND_FREEDESKTOP)
    g_application_withdraw_notification (self->application, id);
  else
    {
      GDBusConnection *bus = g_application_get_dbus_connection (self->application);
      g_autofree char *server = _sh_notification_server_instance (bus);

      /* Another server (a new login, a restarted one) gave that number, if
       * at all, to something else: what the old one showed went with it. */
      if (server != NULL && g_strcmp0 (server, shown->server) == 0)
        _sh_notification_server_close (bus, shown->server_id);
    }
}

static GNotification *
build (ShNotifier *self,
       const char *id,
       GPtrArray  *notices)
{
  GNotification *notification = NULL;

  if (g_str_has_prefix (id, "person-"))
    notification = _sh_notifier_words_build_person (notices, self->body_markup > 0);
  if (notification == NULL)
    notification = _sh_notifier_words_build (notices, self->clock (self->clock_data),
                                             self->body_markup > 0);
  return notification;
}

static void
send (ShNotifier *self,
      const char *id,
      GPtrArray  *notices,
      const char *fingerprint)
{
  ShShown *old = g_hash_table_lookup (self->shown, id);
  ShShown *shown = g_new0 (ShShown, 1);
  GStrvBuilder *facts = g_strv_builder_new ();

  if (can_show (self))
    {
      g_autoptr(GNotification) notification = NULL;

      ensure_backend (self);
      notification = build (self, id, notices);
      /* GLib does not know an earlier process's notification: it would
       * show this one beside it rather than in its place. */
      if (old != NULL && !old->mine && old->backend == SH_NOTIFICATION_BACKEND_FREEDESKTOP)
        unshow (self, id, old);
      g_application_send_notification (self->application, id, notification);
      shown->mine = TRUE;
      shown->backend = self->backend;
      if (self->ids_watch != NULL)
        {
          /* GLib replaces its own in place: the server keeps the id. */
          shown->server_id = old != NULL && old->mine ? old->server_id : 0;
          shown->server = old != NULL && old->mine ? g_strdup (old->server) : NULL;
          shown->serial = g_dbus_connection_get_last_serial (self->ids_bus);
          await_server_id (self, shown->serial);
        }
    }
  for (guint i = 0; i < notices->len; i++)
    g_strv_builder_add (facts, ((ShNotice *) g_ptr_array_index (notices, i))->id);
  shown->facts = g_strv_builder_end (facts);
  g_strv_builder_unref (facts);
  shown->fingerprint = g_strdup (fingerprint);
  g_hash_table_replace (self->shown, g_strdup (id), shown);
  self->record_dirty = TRUE;
}

static void
withdraw (ShNotifier *self,
          const char *id)
{
  ShShown *shown = g_hash_table_lookup (self->shown, id);

  /* A process that can show nothing (one shutting down) leaves what an
   * earlier one showed in the record, for the next process to withdraw. */
  if (shown != NULL && !shown->mine && shown->backend != SH_NOTIFICATION_BACKEND_NONE &&
      !can_show (self))
    return;
  if (shown != NULL)
    unshow (self, id, shown);
  g_hash_table_remove (self->shown, id);
  self->record_dirty = TRUE;
}

/* What a notification says, as far as replacing it goes: its facts and
 * their stages (a day counted down alone does not send it again). */
static char *
fingerprint (GPtrArray *notices)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < notices->len; i++)
    {
      const ShNotice *notice = g_ptr_array_index (notices, i);

      g_string_append_printf (out, "%s:%u;", notice->id, notice->stage_days);
      /* The channels told with it: one gone (removed, recovered on its
       * own) replaces the notification with one that no longer names it. */
      for (guint j = 0; notice->riders != NULL && j < notice->riders->len; j++)
        g_string_append_printf (out, "+%s;",
                                ((ShNotice *) g_ptr_array_index (notice->riders, j))->id);
    }
  return g_string_free (out, FALSE);
}

static guint *
read_stages (ShNotifier *self,
             guint      *out_n)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GVariant) value = NULL;
  const guint32 *days;
  gsize n_days;

  if (self->settings != NULL)
    g_object_get (self->settings, "settings-schema", &schema, NULL);
  if (schema == NULL || !g_settings_schema_has_key (schema, "expiry-reminder-days"))
    return sh_notice_stages_normalize (default_stages, G_N_ELEMENTS (default_stages), out_n);
  value = g_settings_get_value (self->settings, "expiry-reminder-days");
  days = g_variant_get_fixed_array (value, &n_days, sizeof (guint32));
  return sh_notice_stages_normalize (days, n_days, out_n);
}

static gboolean on_reminder_due (gpointer user_data);

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!sh_manager_save_finish (SH_MANAGER (source), result, &error))
    g_message ("What was notified is not saved: %s", error->message);
}

/* Wakes up when the next reminder stage is reached, or a reminder's
 * deadline passes. */
static void
schedule_reminder (ShNotifier          *self,
                   const ShNoticeRules *rules)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (self->manager));
  gint64 next = sh_notices_next_reminder (channels, rules);

  g_clear_handle_id (&self->reminder_id, g_source_remove);
  if (next > 0)
    self->reminder_id = g_timeout_add_seconds ((guint) CLAMP (next - rules->now, 1, MAX_SLEEP),
                                               on_reminder_due, self);
}

/* @after_check: TRUE after a check, when verdicts may be new; FALSE
 * between checks, when only reminders can be (they follow the clock). */
static guint
process (ShNotifier *self,
         gboolean    after_check)
{
  GListModel *channels = G_LIST_MODEL (sh_manager_get_channels (self->manager));
  g_autofree guint *stages = NULL;
  ShNoticeRules rules = {
    .now = self->clock (self->clock_data),
    .after_check = after_check,
    .tell_dead = setting (self, "notify-token-invalid"),
    .tell_disconnected = setting (self, "notify-channel-disconnected"),
    .tell_reminders = setting (self, "notify-token-expiring"),
  };
  g_autoptr(GPtrArray) notices = NULL;
  g_autoptr(GHashTable) true_now = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) people = NULL;
  guint n_fresh;
  GHashTableIter iter;
  gpointer key, value;

  /* Before the channels are read nothing is known to be true: what an
   * earlier process showed must not be withdrawn for it. */
  if (!sh_manager_get_loaded (self->manager))
    return 0;
  stages = read_stages (self, &rules.n_stages);
  rules.stages = stages;
  notices = sh_notices_collect (channels, &rules);
  for (guint i = 0; i < notices->len; i++)
    {
      ShNotice *notice = g_ptr_array_index (notices, i);

      g_hash_table_insert (true_now, notice->id, notice);
      if (notice->is_new)
        g_ptr_array_add (fresh, notice);
    }

  /* What each shown notification still says: its facts still true and not
   * told anew (a reminder's next stage goes out on its own). */
  g_hash_table_iter_init (&iter, self->shown);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      ShShown *shown = value;
      GPtrArray *kept = g_ptr_array_new ();

      for (guint i = 0; shown->facts[i] != NULL; i++)
        {
          ShNotice *notice = g_hash_table_lookup (true_now, shown->facts[i]);

          if (notice != NULL && !notice->is_new)
            g_ptr_array_add (kept, notice);
        }
      if (kept->len == 0)
        {
          g_ptr_array_unref (kept);
          continue;
        }
      g_hash_table_insert (wanted, g_strdup (key), kept);
      g_ptr_array_add (order, key);
    }

  /* One person's tokens that died together: one notification (issue 17),
   * which also keeps what is still true of an earlier one of theirs. */
  n_fresh = fresh->len;
  people = sh_notices_take_people (fresh);
  for (guint i = 0; i < people->len; i++)
    {
      ShPersonNotices *person = g_ptr_array_index (people, i);
      GPtrArray *says = g_hash_table_lookup (wanted, person->id);

      if (says == NULL)
        {
          says = g_ptr_array_new ();
          g_hash_table_insert (wanted, g_strdup (person->id), says);
          g_ptr_array_add (order, person->id);
        }
      g_ptr_array_extend (says, person->notices, NULL, NULL);
    }

  if (fresh->len == 1)
    {
      ShNotice *notice = g_ptr_array_index (fresh, 0);
      GPtrArray *alone = g_ptr_array_new ();

      g_ptr_array_add (alone, notice);
      if (!g_hash_table_contains (wanted, notice->id))
        g_ptr_array_add (order, notice->id);
      g_hash_table_replace (wanted, g_strdup (notice->id), alone);
    }
  else if (fresh->len > 1)
    {
      GPtrArray *group = g_hash_table_lookup (wanted, GROUP_ID);

      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_hash_table_insert (wanted, g_strdup (GROUP_ID), group);
          g_ptr_array_add (order, GROUP_ID);
        }
      g_ptr_array_extend (group, fresh, NULL, NULL);
    }

  /* Withdrawn: what says nothing true any more, unless told anew under
   * the same id (a reminder's next stage replaces its last). */
  g_hash_table_iter_init (&iter, self->shown);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (wanted, key))
      g_ptr_array_add (gone, g_strdup (key));
  for (guint i = 0; i < gone->len; i++)
    withdraw (self, g_ptr_array_index (gone, i));
  for (guint i = 0; i < order->len; i++)
    {
      g_autofree char *id = g_strdup (g_ptr_array_index (order, i));
      GPtrArray *says = g_hash_table_lookup (wanted, id);
      g_autofree char *print = fingerprint (says);
      ShShown *shown = g_hash_table_lookup (self->shown, id);

      if (shown == NULL || g_strcmp0 (shown->fingerprint, print) != 0)
        send (self, id, says, print);
    }

  /* Told between checks: nothing else saves the record before a restart. */
  if (!after_check && n_fresh > 0)
    sh_manager_save_async (self->manager, NULL, on_saved, NULL);
  if (self->record_dirty)
    save_record (self);
  schedule_reminder (self, &rules);
  return n_fresh > 0 ? 1 : 0;
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
on_reminder_due (gpointer user_data)
{
  ShNotifier *self = user_data;

  self->reminder_id = 0;
  process (self, FALSE);
  return G_SOURCE_REMOVE;
}

static gboolean
on_withdraw_timeout (gpointer user_data)
{
  ShNotifier *self = user_data;

  self->withdraw_id = 0;
  process (self, FALSE);
  return G_SOURCE_REMOVE;
}

/* A token added or removed between checks, or a setting changed, can
 * resolve what was said (or bring a reminder due). */
static void
on_channels_changed (ShNotifier *self)
{
  if (self->withdraw_id == 0)
    self->withdraw_id = g_timeout_add (500, on_withdraw_timeout, self);
}

/* A channel's state, or its tokens: a renewal (a person's new token in
 * place of their old one) may leave the channel's state as it was, and what
 * was said of the old token goes at once, not at the next check (issue 20).
 * n-tokens is notified on every token added or removed; one connection per
 * channel for both, as the window opens on thousands. */
static void
on_channel_notify (ShNotifier *self,
                   GParamSpec *pspec)
{
  if (g_str_equal (pspec->name, "state") || g_str_equal (pspec->name, "n-tokens"))
    on_channels_changed (self);
}

static void
connect_channel (ShNotifier *self,
                 ShChannel  *channel)
{
  g_signal_connect_object (channel, "notify", G_CALLBACK (on_channel_notify), self,
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
  g_clear_handle_id (&self->reminder_id, g_source_remove);
  if (self->awaited != NULL)
    stop_awaiting (self);
  _sh_notification_server_ids_unwatch (self->ids_bus, g_steal_pointer (&self->ids_watch));
  g_clear_object (&self->ids_bus);
  g_clear_pointer (&self->awaited, g_hash_table_unref);
  g_clear_pointer (&self->record_path, g_free);
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
  self->awaited = g_hash_table_new (NULL, NULL);
  self->backend = -1;
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
  g_autofree char *store_dir = NULL;
  gboolean keep_record = FALSE;

  g_return_val_if_fail (SH_IS_MANAGER (manager), NULL);
  g_return_val_if_fail (application == NULL || G_IS_APPLICATION (application), NULL);

  self = g_object_new (SH_TYPE_NOTIFIER, NULL);
  self->manager = g_object_ref (manager);
  self->application = application;
  store_dir = g_path_get_dirname (sh_store_get_path (sh_manager_get_store (manager)));
  self->record_path = g_build_filename (store_dir, RECORD_FILE_NAME, NULL);
  self->shown = _sh_notifier_record_load (self->record_path, &keep_record);
  /* A record that can be neither read nor set aside stays as it is. */
  if (keep_record)
    g_clear_pointer (&self->record_path, g_free);
  if (schema != NULL && g_settings_schema_has_key (schema, "notify-token-invalid"))
    {
      self->settings = g_settings_new_full (schema, NULL, NULL);
      g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_channels_changed), self,
                               G_CONNECT_SWAPPED);
    }

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
