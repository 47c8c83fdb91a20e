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
 * The ids are those of the notices (and "grouped"), so a later process can
 * tell which notification said what (issue 20: saving them with the
 * tokens' record is the next step).
 */
#include "config.h"

#include "sh-checker.h"
#include "sh-notifier.h"
#include "sh-notifier-private.h"

#define GROUP_ID "grouped"
/* GLib's timeouts take a guint: wake up at least this often and look again. */
#define MAX_SLEEP (6 * 60 * 60)

static const guint default_stages[] = { 7, 1 };

/* One notification this process showed: the notices it says. */
typedef struct {
  GStrv  facts;
  char  *fingerprint;
} Shown;

struct _ShNotifier
{
  GObject          parent_instance;

  ShManager       *manager;
  GApplication    *application;   /* not owned: it owns us */
  GSettings       *settings;
  ShNotifierClock  clock;
  gpointer         clock_data;
  GHashTable      *shown;         /* id → Shown */
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

static void
shown_free (Shown *shown)
{
  g_strfreev (shown->facts);
  g_free (shown->fingerprint);
  g_free (shown);
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

static void
send (ShNotifier *self,
      const char *id,
      GPtrArray  *notices,
      const char *fingerprint)
{
  Shown *shown = g_new0 (Shown, 1);
  GStrvBuilder *facts = g_strv_builder_new ();

  if (can_show (self))
    {
      g_autoptr(GNotification) notification = NULL;

      if (self->body_markup < 0)
        self->body_markup = server_parses_markup (self->application);
      notification = _sh_notifier_words_build (notices, self->clock (self->clock_data),
                                               self->body_markup > 0);
      g_application_send_notification (self->application, id, notification);
    }
  for (guint i = 0; i < notices->len; i++)
    g_strv_builder_add (facts, ((ShNotice *) g_ptr_array_index (notices, i))->id);
  shown->facts = g_strv_builder_end (facts);
  g_strv_builder_unref (facts);
  shown->fingerprint = g_strdup (fingerprint);
  g_hash_table_replace (self->shown, g_strdup (id), shown);
}

static void
withdraw (ShNotifier *self,
          const char *id)
{
  if (can_show (self))
    g_application_withdraw_notification (self->application, id);
  g_hash_table_remove (self->shown, id);
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
  GHashTableIter iter;
  gpointer key, value;

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
      Shown *shown = value;
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
      Shown *shown = g_hash_table_lookup (self->shown, id);

      if (shown == NULL || g_strcmp0 (shown->fingerprint, print) != 0)
        send (self, id, says, print);
    }

  /* Told between checks: nothing else saves the record before a restart. */
  if (!after_check && fresh->len > 0)
    sh_manager_save_async (self->manager, NULL, on_saved, NULL);
  schedule_reminder (self, &rules);
  return fresh->len > 0 ? 1 : 0;
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
  g_clear_handle_id (&self->reminder_id, g_source_remove);
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
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) shown_free);
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
