/* sh-status-notifier-item.c — the tray icon over plain GDBus.
 *
 * libayatana-appindicator would do this, but it is GTK 3 only; the
 * protocol is small. Life cycle: watch org.kde.StatusNotifierWatcher; while
 * it is there (and the item is enabled), export the item and its menu, own
 * a bus name and register that name with the watcher. When the watcher
 * leaves, or the item is disabled, the name is released: a watcher forgets
 * an item whose name has vanished, so that is how an item unregisters (the
 * protocol has no Unregister call).
 *
 * The name is under the application id rather than the spec's
 * org.kde.StatusNotifierItem-PID-ID: inside Flatpak an application may own
 * names under its id and no others, and watchers accept any bus name (one
 * application instance a session, so no PID is needed to tell items apart).
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sh-channel-health.h"
#include "sh-dbus-menu.h"
#include "sh-status-notifier-item.h"

#define WATCHER_NAME "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH "/StatusNotifierWatcher"
#define ITEM_INTERFACE "org.kde.StatusNotifierItem"
/* Where a watcher looks for an item registered by bus name. */
#define ITEM_PATH "/StatusNotifierItem"
#define MENU_PATH "/StatusNotifierItem/Menu"
#define ITEM_BUS_NAME APP_ID ".StatusNotifierItem"

static const char introspection_xml[] =
  "<node>"
  "  <interface name='org.kde.StatusNotifierItem'>"
  "    <property name='Category' type='s' access='read'/>"
  "    <property name='Id' type='s' access='read'/>"
  "    <property name='Title' type='s' access='read'/>"
  "    <property name='Status' type='s' access='read'/>"
  "    <property name='WindowId' type='i' access='read'/>"
  "    <property name='IconThemePath' type='s' access='read'/>"
  "    <property name='Menu' type='o' access='read'/>"
  "    <property name='ItemIsMenu' type='b' access='read'/>"
  "    <property name='IconName' type='s' access='read'/>"
  "    <property name='IconPixmap' type='a(iiay)' access='read'/>"
  "    <property name='OverlayIconName' type='s' access='read'/>"
  "    <property name='OverlayIconPixmap' type='a(iiay)' access='read'/>"
  "    <property name='AttentionIconName' type='s' access='read'/>"
  "    <property name='AttentionIconPixmap' type='a(iiay)' access='read'/>"
  "    <property name='AttentionMovieName' type='s' access='read'/>"
  "    <property name='ToolTip' type='(sa(iiay)ss)' access='read'/>"
  "    <method name='ContextMenu'><arg name='x' type='i' direction='in'/>"
  "      <arg name='y' type='i' direction='in'/></method>"
  "    <method name='Activate'><arg name='x' type='i' direction='in'/>"
  "      <arg name='y' type='i' direction='in'/></method>"
  "    <method name='SecondaryActivate'><arg name='x' type='i' direction='in'/>"
  "      <arg name='y' type='i' direction='in'/></method>"
  "    <method name='Scroll'><arg name='delta' type='i' direction='in'/>"
  "      <arg name='orientation' type='s' direction='in'/></method>"
  "    <signal name='NewTitle'/>"
  "    <signal name='NewIcon'/>"
  "    <signal name='NewAttentionIcon'/>"
  "    <signal name='NewOverlayIcon'/>"
  "    <signal name='NewToolTip'/>"
  "    <signal name='NewStatus'><arg name='status' type='s'/></signal>"
  "  </interface>"
  "</node>";

struct _ShStatusNotifierItem
{
  GObject          parent_instance;

  GApplication    *application;     /* not owned: the application owns us */
  GDBusConnection *connection;
  ShChannelHealth *health;
  ShDBusMenu      *menu;

  gboolean         enabled;
  gboolean         watcher_present;
  guint            watch_id;
  guint            own_id;
  guint            registration_id;
  gboolean         registered_name; /* the name is ours: bus_name is set */

  /* What the panel was last told, to send only the changes. */
  const char      *icon_name;
  const char      *status;
  char            *tooltip;
};

G_DEFINE_FINAL_TYPE (ShStatusNotifierItem, sh_status_notifier_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENABLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- what the item shows ---------------------------------------------------- */

/* The state icons the channel and token rows use; the application's own
 * icon while there is no channel to speak of. */
static const char *
icon_for_health (ShChannelHealth *health)
{
  if (sh_channel_health_get_n_channels (health) == 0)
    return APP_ID "-symbolic";
  switch (sh_channel_health_get_worst_state (health))
    {
    case SH_CHANNEL_STATE_DISCONNECTED: return "dialog-error-symbolic";
    case SH_CHANNEL_STATE_DEGRADED: return "dialog-warning-symbolic";
    case SH_CHANNEL_STATE_UNKNOWN: return "dialog-question-symbolic";
    case SH_CHANNEL_STATE_CONNECTED:
    default: return "emblem-ok-symbolic";
    }
}

static const char *
status_for_health (ShChannelHealth *health)
{
  return sh_channel_health_get_n_disconnected (health) > 0 ? "NeedsAttention" : "Active";
}

static void
emit (ShStatusNotifierItem *self,
      const char           *signal_name,
      GVariant             *parameters)
{
  g_autoptr(GError) error = NULL;

  if (self->registration_id == 0)
    {
      if (parameters != NULL)
        g_variant_unref (g_variant_ref_sink (parameters));
      return;
    }
  if (!g_dbus_connection_emit_signal (self->connection, NULL, ITEM_PATH, ITEM_INTERFACE,
                                      signal_name, parameters, &error))
    g_debug ("Tray icon: %s not sent: %s", signal_name, error->message);
}

/* Bound to the health's notifications: the panel re-reads what changed. */
static void
update (ShStatusNotifierItem *self)
{
  const char *icon_name = icon_for_health (self->health);
  const char *status = status_for_health (self->health);
  g_autofree char *tooltip = sh_channel_health_dup_description (self->health);

  if (icon_name != self->icon_name)
    {
      self->icon_name = icon_name;
      emit (self, "NewIcon", NULL);
      emit (self, "NewAttentionIcon", NULL);
    }
  if (status != self->status)
    {
      self->status = status;
      emit (self, "NewStatus", g_variant_new ("(s)", status));
    }
  if (g_strcmp0 (tooltip, self->tooltip) != 0)
    {
      g_free (self->tooltip);
      self->tooltip = g_steal_pointer (&tooltip);
      emit (self, "NewToolTip", NULL);
    }
}

static GVariant *
no_pixmaps (void)
{
  return g_variant_new_array (G_VARIANT_TYPE ("(iiay)"), NULL, 0);
}

static GVariant *
get_property (GDBusConnection *connection,
              const char      *sender,
              const char      *object_path,
              const char      *interface_name,
              const char      *name,
              GError         **error,
              gpointer         user_data)
{
  ShStatusNotifierItem *self = user_data;

  if (g_str_equal (name, "Category"))
    return g_variant_new_string ("ApplicationStatus");
  if (g_str_equal (name, "Id"))
    return g_variant_new_string (APP_ID);
  if (g_str_equal (name, "Title"))
    return g_variant_new_string (_("SocialHub"));
  if (g_str_equal (name, "Status"))
    return g_variant_new_string (self->status);
  if (g_str_equal (name, "WindowId"))
    return g_variant_new_int32 (0);
  if (g_str_equal (name, "Menu"))
    return g_variant_new_object_path (MENU_PATH);
  if (g_str_equal (name, "ItemIsMenu"))
    /* A left click opens the window (Activate); the menu is on the right. */
    return g_variant_new_boolean (FALSE);
  if (g_str_equal (name, "IconName") || g_str_equal (name, "AttentionIconName"))
    return g_variant_new_string (self->icon_name);
  if (g_str_equal (name, "IconThemePath") || g_str_equal (name, "OverlayIconName") ||
      g_str_equal (name, "AttentionMovieName"))
    return g_variant_new_string ("");
  if (g_str_has_suffix (name, "Pixmap"))
    return no_pixmaps ();
  if (g_str_equal (name, "ToolTip"))
    return g_variant_new ("(s@a(iiay)ss)", APP_ID, no_pixmaps (), _("SocialHub"), self->tooltip);
  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "No property %s", name);
  return NULL;
}

/* ---- what it does ---------------------------------------------------------- */

/* A menu entry's key is an application action, but for "open": the
 * application's activation, which shows the window. */
static void
run (ShStatusNotifierItem *self,
     const char           *key)
{
  if (g_str_equal (key, "open"))
    g_application_activate (self->application);
  else if (g_action_group_has_action (G_ACTION_GROUP (self->application), key))
    g_action_group_activate_action (G_ACTION_GROUP (self->application), key, NULL);
  else
    g_message ("Tray icon: the application has no action %s", key);
}

static void
on_menu_clicked (ShDBusMenu           *menu,
                 const char           *key,
                 ShStatusNotifierItem *self)
{
  run (self, key);
}

static void
method_call (GDBusConnection       *connection,
             const char            *sender,
             const char            *object_path,
             const char            *interface_name,
             const char            *method_name,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  g_autoptr(ShStatusNotifierItem) self = g_object_ref (user_data);

  /* ContextMenu, SecondaryActivate and Scroll: the panel shows the menu
   * itself from "Menu"; a middle click or a scroll means nothing here. */
  g_dbus_method_invocation_return_value (invocation, NULL);
  if (g_str_equal (method_name, "Activate"))
    run (self, "open");
}

static const GDBusInterfaceVTable vtable = { method_call, get_property, NULL, { 0 } };

/* ---- being there, or not ------------------------------------------------------ */

static void
on_registered (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    g_message ("Tray icon not registered: %s", error->message);
}

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  ShStatusNotifierItem *self = user_data;

  self->registered_name = TRUE;
  g_dbus_connection_call (connection, WATCHER_NAME, WATCHER_PATH, WATCHER_NAME,
                          "RegisterStatusNotifierItem", g_variant_new ("(s)", name),
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_registered, NULL);
}

static void
on_name_lost (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  ShStatusNotifierItem *self = user_data;

  if (connection != NULL)
    g_message ("Tray icon: the bus name %s is not ours", name);
  self->registered_name = FALSE;
}

static gboolean
appear (ShStatusNotifierItem *self)
{
  static GDBusNodeInfo *info;
  g_autoptr(GError) error = NULL;

  if (g_once_init_enter (&info))
    g_once_init_leave (&info, g_dbus_node_info_new_for_xml (introspection_xml, NULL));
  self->registration_id = g_dbus_connection_register_object (self->connection, ITEM_PATH,
                                                             info->interfaces[0], &vtable,
                                                             self, NULL, &error);
  if (self->registration_id == 0 ||
      !sh_dbus_menu_export (self->menu, self->connection, MENU_PATH, &error))
    {
      g_message ("Tray icon not shown: %s", error->message);
      return FALSE;
    }
  self->own_id = g_bus_own_name_on_connection (self->connection, ITEM_BUS_NAME,
                                               G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                               on_name_acquired, on_name_lost, self, NULL);
  return TRUE;
}

static void
disappear (ShStatusNotifierItem *self)
{
  g_clear_handle_id (&self->own_id, g_bus_unown_name);
  self->registered_name = FALSE;
  sh_dbus_menu_unexport (self->menu);
  if (self->registration_id != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration_id);
  self->registration_id = 0;
}

static void
sync_presence (ShStatusNotifierItem *self)
{
  gboolean wanted = self->enabled && self->watcher_present && self->connection != NULL;

  if (wanted && self->own_id == 0 && !appear (self))
    disappear (self);
  else if (!wanted && (self->own_id != 0 || self->registration_id != 0))
    disappear (self);
}

static void
on_watcher_appeared (GDBusConnection *connection,
                     const char      *name,
                     const char      *owner,
                     gpointer         user_data)
{
  ShStatusNotifierItem *self = user_data;

  /* A watcher that restarted knows nothing of us: register anew. */
  self->watcher_present = FALSE;
  sync_presence (self);
  self->watcher_present = TRUE;
  sync_presence (self);
}

static void
on_watcher_vanished (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  ShStatusNotifierItem *self = user_data;

  self->watcher_present = FALSE;
  sync_presence (self);
}

/* ---- object -------------------------------------------------------------- */

static void
sh_status_notifier_item_dispose (GObject *object)
{
  ShStatusNotifierItem *self = SH_STATUS_NOTIFIER_ITEM (object);

  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  if (self->connection != NULL)
    disappear (self);
  if (self->health != NULL)
    g_signal_handlers_disconnect_by_data (self->health, self);
  g_clear_object (&self->health);
  if (self->menu != NULL)
    g_signal_handlers_disconnect_by_data (self->menu, self);
  g_clear_object (&self->menu);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (sh_status_notifier_item_parent_class)->dispose (object);
}

static void
sh_status_notifier_item_finalize (GObject *object)
{
  g_free (SH_STATUS_NOTIFIER_ITEM (object)->tooltip);
  G_OBJECT_CLASS (sh_status_notifier_item_parent_class)->finalize (object);
}

static void
sh_status_notifier_item_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  ShStatusNotifierItem *self = SH_STATUS_NOTIFIER_ITEM (object);

  switch (prop_id)
    {
    case PROP_ENABLED: g_value_set_boolean (value, self->enabled); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_status_notifier_item_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  ShStatusNotifierItem *self = SH_STATUS_NOTIFIER_ITEM (object);

  switch (prop_id)
    {
    case PROP_ENABLED: sh_status_notifier_item_set_enabled (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_status_notifier_item_class_init (ShStatusNotifierItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_status_notifier_item_dispose;
  object_class->finalize = sh_status_notifier_item_finalize;
  object_class->get_property = sh_status_notifier_item_get_property;
  object_class->set_property = sh_status_notifier_item_set_property;

  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sh_status_notifier_item_init (ShStatusNotifierItem *self)
{
  self->enabled = TRUE;
}

ShStatusNotifierItem *
sh_status_notifier_item_new (GApplication *application,
                             GListModel   *channels)
{
  const ShDBusMenuEntry entries[] = {
    { "open", _("Open SocialHub") },
    { "check-now", _("Check Now") },
    { NULL, NULL },
    { "quit", _("Quit") },
  };
  ShStatusNotifierItem *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (channels), NULL);

  self = g_object_new (SH_TYPE_STATUS_NOTIFIER_ITEM, NULL);
  self->application = application;
  self->health = sh_channel_health_new (channels);
  g_signal_connect_swapped (self->health, "notify", G_CALLBACK (update), self);
  update (self);
  self->menu = sh_dbus_menu_new (entries, G_N_ELEMENTS (entries));
  g_signal_connect (self->menu, "item-clicked", G_CALLBACK (on_menu_clicked), self);

  /* No bus (a non-unique application): no tray icon, and nothing to watch. */
  if (g_application_get_dbus_connection (application) != NULL)
    {
      self->connection = g_object_ref (g_application_get_dbus_connection (application));
      self->watch_id = g_bus_watch_name_on_connection (self->connection, WATCHER_NAME,
                                                       G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                       on_watcher_appeared, on_watcher_vanished,
                                                       self, NULL);
    }
  return self;
}

gboolean
sh_status_notifier_item_get_enabled (ShStatusNotifierItem *self)
{
  g_return_val_if_fail (SH_IS_STATUS_NOTIFIER_ITEM (self), FALSE);
  return self->enabled;
}

void
sh_status_notifier_item_set_enabled (ShStatusNotifierItem *self,
                                     gboolean              enabled)
{
  g_return_if_fail (SH_IS_STATUS_NOTIFIER_ITEM (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;
  self->enabled = enabled;
  sync_presence (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

const char *
sh_status_notifier_item_get_bus_name (ShStatusNotifierItem *self)
{
  g_return_val_if_fail (SH_IS_STATUS_NOTIFIER_ITEM (self), NULL);
  return self->registered_name ? ITEM_BUS_NAME : NULL;
}
