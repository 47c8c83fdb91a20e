/* sh-dbus-menu.c — com.canonical.dbusmenu for a fixed, flat menu.
 *
 * Item 0 is the root; the entries are 1…n under it. The layout never
 * changes, so its revision stays 1 and LayoutUpdated is never sent. Only
 * properties that differ from the protocol's defaults are sent ("enabled"
 * and "visible" are true unless said otherwise), as the protocol asks.
 */
#include "sh-dbus-menu.h"

#define ROOT_ID 0
#define LAYOUT_REVISION 1

static const char introspection_xml[] =
  "<node>"
  "  <interface name='com.canonical.dbusmenu'>"
  "    <property name='Version' type='u' access='read'/>"
  "    <property name='TextDirection' type='s' access='read'/>"
  "    <property name='Status' type='s' access='read'/>"
  "    <property name='IconThemePath' type='as' access='read'/>"
  "    <method name='GetLayout'>"
  "      <arg type='i' name='parentId' direction='in'/>"
  "      <arg type='i' name='recursionDepth' direction='in'/>"
  "      <arg type='as' name='propertyNames' direction='in'/>"
  "      <arg type='u' name='revision' direction='out'/>"
  "      <arg type='(ia{sv}av)' name='layout' direction='out'/>"
  "    </method>"
  "    <method name='GetGroupProperties'>"
  "      <arg type='ai' name='ids' direction='in'/>"
  "      <arg type='as' name='propertyNames' direction='in'/>"
  "      <arg type='a(ia{sv})' name='properties' direction='out'/>"
  "    </method>"
  "    <method name='GetProperty'>"
  "      <arg type='i' name='id' direction='in'/>"
  "      <arg type='s' name='name' direction='in'/>"
  "      <arg type='v' name='value' direction='out'/>"
  "    </method>"
  "    <method name='Event'>"
  "      <arg type='i' name='id' direction='in'/>"
  "      <arg type='s' name='eventId' direction='in'/>"
  "      <arg type='v' name='data' direction='in'/>"
  "      <arg type='u' name='timestamp' direction='in'/>"
  "    </method>"
  "    <method name='EventGroup'>"
  "      <arg type='a(isvu)' name='events' direction='in'/>"
  "      <arg type='ai' name='idErrors' direction='out'/>"
  "    </method>"
  "    <method name='AboutToShow'>"
  "      <arg type='i' name='id' direction='in'/>"
  "      <arg type='b' name='needUpdate' direction='out'/>"
  "    </method>"
  "    <method name='AboutToShowGroup'>"
  "      <arg type='ai' name='ids' direction='in'/>"
  "      <arg type='ai' name='updatesNeeded' direction='out'/>"
  "      <arg type='ai' name='idErrors' direction='out'/>"
  "    </method>"
  "    <signal name='ItemsPropertiesUpdated'>"
  "      <arg type='a(ia{sv})' name='updatedProps'/>"
  "      <arg type='a(ias)' name='removedProps'/>"
  "    </signal>"
  "    <signal name='LayoutUpdated'>"
  "      <arg type='u' name='revision'/>"
  "      <arg type='i' name='parent'/>"
  "    </signal>"
  "    <signal name='ItemActivationRequested'>"
  "      <arg type='i' name='id'/>"
  "      <arg type='u' name='timestamp'/>"
  "    </signal>"
  "  </interface>"
  "</node>";

typedef struct {
  char *key;
  char *label;
} Item;

struct _ShDBusMenu
{
  GObject          parent_instance;

  GArray          *items;           /* Item; id = index + 1 */
  GDBusConnection *connection;
  guint            registration_id;
};

G_DEFINE_FINAL_TYPE (ShDBusMenu, sh_dbus_menu, G_TYPE_OBJECT)

enum {
  ITEM_CLICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_item (ShDBusMenu *self,
         gint32      id)
{
  return id == ROOT_ID || (id > 0 && (guint) id <= self->items->len);
}

static gboolean
wanted (const char * const *names,
        const char         *name)
{
  return names == NULL || names[0] == NULL || g_strv_contains (names, name);
}

/* The a{sv} of item @id, limited to @names (all when empty). */
static GVariant *
item_properties (ShDBusMenu         *self,
                 gint32              id,
                 const char * const *names)
{
  GVariantBuilder props;

  g_variant_builder_init (&props, G_VARIANT_TYPE_VARDICT);
  if (id == ROOT_ID)
    {
      if (wanted (names, "children-display"))
        g_variant_builder_add (&props, "{sv}", "children-display", g_variant_new_string ("submenu"));
    }
  else
    {
      Item *item = &g_array_index (self->items, Item, id - 1);

      if (item->key == NULL && wanted (names, "type"))
        g_variant_builder_add (&props, "{sv}", "type", g_variant_new_string ("separator"));
      if (item->label != NULL && wanted (names, "label"))
        g_variant_builder_add (&props, "{sv}", "label", g_variant_new_string (item->label));
    }
  return g_variant_builder_end (&props);
}

/* (ia{sv}av): the item, and its children while @depth allows (-1: all). */
static GVariant *
layout (ShDBusMenu         *self,
        gint32              id,
        gint32              depth,
        const char * const *names)
{
  GVariantBuilder children;

  g_variant_builder_init (&children, G_VARIANT_TYPE ("av"));
  if (id == ROOT_ID && depth != 0)
    for (guint i = 1; i <= self->items->len; i++)
      g_variant_builder_add (&children, "v", layout (self, i, depth - 1, names));
  return g_variant_new ("(i@a{sv}av)", id, item_properties (self, id, names), &children);
}

static void
unknown_item (GDBusMethodInvocation *invocation,
              gint32                 id)
{
  g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                         "No menu item %d", id);
}

/* Applies one event; FALSE for an id that is no item. */
static gboolean
handle_event (ShDBusMenu *self,
              gint32      id,
              const char *event_id)
{
  if (!is_item (self, id))
    return FALSE;
  if (id != ROOT_ID && g_str_equal (event_id, "clicked"))
    {
      const char *key = g_array_index (self->items, Item, id - 1).key;

      if (key != NULL)
        g_signal_emit (self, signals[ITEM_CLICKED], 0, key);
    }
  return TRUE;
}

static void
get_group_properties (ShDBusMenu            *self,
                      GVariant              *parameters,
                      GDBusMethodInvocation *invocation)
{
  g_autoptr(GVariant) ids = NULL;
  g_autofree const char **names = NULL;
  GVariantBuilder result;
  gsize n_ids;
  const gint32 *id_array;

  g_variant_get (parameters, "(@ai^a&s)", &ids, &names);
  id_array = g_variant_get_fixed_array (ids, &n_ids, sizeof (gint32));
  g_variant_builder_init (&result, G_VARIANT_TYPE ("a(ia{sv})"));
  if (n_ids == 0)
    for (gint32 id = ROOT_ID; id <= (gint32) self->items->len; id++)
      g_variant_builder_add (&result, "(i@a{sv})", id, item_properties (self, id, names));
  for (gsize i = 0; i < n_ids; i++)
    if (is_item (self, id_array[i]))
      g_variant_builder_add (&result, "(i@a{sv})", id_array[i],
                             item_properties (self, id_array[i], names));
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a(ia{sv}))", &result));
}

static void
event_group (ShDBusMenu            *self,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation)
{
  g_autoptr(GVariantIter) events = NULL;
  GVariantBuilder errors;
  GArray *clicked = g_array_new (FALSE, FALSE, sizeof (gint32));
  gint32 id;
  const char *event_id;

  g_variant_get (parameters, "(a(isvu))", &events);
  g_variant_builder_init (&errors, G_VARIANT_TYPE ("ai"));
  while (g_variant_iter_loop (events, "(i&svu)", &id, &event_id, NULL, NULL))
    if (!is_item (self, id))
      g_variant_builder_add (&errors, "i", id);
    else if (g_str_equal (event_id, "clicked"))
      g_array_append_val (clicked, id);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ai)", &errors));
  /* After the answer: a click may quit the application. */
  for (guint i = 0; i < clicked->len; i++)
    handle_event (self, g_array_index (clicked, gint32, i), "clicked");
  g_array_unref (clicked);
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
  g_autoptr(ShDBusMenu) self = g_object_ref (user_data);
  gint32 id, depth;

  if (g_str_equal (method_name, "GetLayout"))
    {
      g_autofree const char **names = NULL;

      g_variant_get (parameters, "(ii^a&s)", &id, &depth, &names);
      if (!is_item (self, id))
        unknown_item (invocation, id);
      else
        g_dbus_method_invocation_return_value (invocation,
                                               g_variant_new ("(u@(ia{sv}av))", LAYOUT_REVISION,
                                                              layout (self, id, depth, names)));
    }
  else if (g_str_equal (method_name, "GetGroupProperties"))
    get_group_properties (self, parameters, invocation);
  else if (g_str_equal (method_name, "GetProperty"))
    {
      const char *name;
      const char *names[2] = { NULL, NULL };
      g_autoptr(GVariant) props = NULL;
      g_autoptr(GVariant) value = NULL;

      g_variant_get (parameters, "(i&s)", &id, &name);
      names[0] = name;
      if (is_item (self, id))
        {
          props = g_variant_ref_sink (item_properties (self, id, names));
          value = g_variant_lookup_value (props, name, NULL);
        }
      if (!is_item (self, id))
        unknown_item (invocation, id);
      else if (value == NULL)
        g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                               "Menu item %d has no property %s", id, name);
      else
        g_dbus_method_invocation_return_value (invocation, g_variant_new ("(v)", value));
    }
  else if (g_str_equal (method_name, "Event"))
    {
      const char *event_id;

      g_variant_get (parameters, "(i&svu)", &id, &event_id, NULL, NULL);
      if (!is_item (self, id))
        unknown_item (invocation, id);
      else
        {
          /* The answer first: a click may quit the application. */
          g_dbus_method_invocation_return_value (invocation, NULL);
          handle_event (self, id, event_id);
        }
    }
  else if (g_str_equal (method_name, "EventGroup"))
    event_group (self, parameters, invocation);
  else if (g_str_equal (method_name, "AboutToShow"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", FALSE));
  else if (g_str_equal (method_name, "AboutToShowGroup"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(aiai)", NULL, NULL));
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No method %s", method_name);
}

static GVariant *
get_property (GDBusConnection *connection,
              const char      *sender,
              const char      *object_path,
              const char      *interface_name,
              const char      *property_name,
              GError         **error,
              gpointer         user_data)
{
  if (g_str_equal (property_name, "Version"))
    return g_variant_new_uint32 (3);
  if (g_str_equal (property_name, "TextDirection"))
    /* The labels' direction; none of the translations is right to left yet. */
    return g_variant_new_string ("ltr");
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string ("normal");
  if (g_str_equal (property_name, "IconThemePath"))
    return g_variant_new_strv (NULL, 0);
  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "No property %s", property_name);
  return NULL;
}

static const GDBusInterfaceVTable vtable = { method_call, get_property, NULL, { 0 } };

gboolean
sh_dbus_menu_export (ShDBusMenu       *self,
                     GDBusConnection  *connection,
                     const char       *object_path,
                     GError          **error)
{
  static GDBusNodeInfo *info;

  g_return_val_if_fail (SH_IS_DBUS_MENU (self), FALSE);
  g_return_val_if_fail (self->registration_id == 0, FALSE);

  if (g_once_init_enter (&info))
    g_once_init_leave (&info, g_dbus_node_info_new_for_xml (introspection_xml, NULL));
  self->registration_id = g_dbus_connection_register_object (connection, object_path,
                                                             info->interfaces[0], &vtable,
                                                             self, NULL, error);
  if (self->registration_id == 0)
    return FALSE;
  self->connection = g_object_ref (connection);
  return TRUE;
}

void
sh_dbus_menu_unexport (ShDBusMenu *self)
{
  g_return_if_fail (SH_IS_DBUS_MENU (self));

  if (self->registration_id != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration_id);
  self->registration_id = 0;
  g_clear_object (&self->connection);
}

static void
clear_item (gpointer data)
{
  Item *item = data;

  g_free (item->key);
  g_free (item->label);
}

static void
sh_dbus_menu_dispose (GObject *object)
{
  sh_dbus_menu_unexport (SH_DBUS_MENU (object));
  G_OBJECT_CLASS (sh_dbus_menu_parent_class)->dispose (object);
}

static void
sh_dbus_menu_finalize (GObject *object)
{
  g_array_unref (SH_DBUS_MENU (object)->items);
  G_OBJECT_CLASS (sh_dbus_menu_parent_class)->finalize (object);
}

static void
sh_dbus_menu_class_init (ShDBusMenuClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sh_dbus_menu_dispose;
  object_class->finalize = sh_dbus_menu_finalize;

  /* (key): an entry was clicked in the panel's menu. */
  signals[ITEM_CLICKED] = g_signal_new ("item-clicked", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
sh_dbus_menu_init (ShDBusMenu *self)
{
  self->items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (self->items, clear_item);
}

ShDBusMenu *
sh_dbus_menu_new (const ShDBusMenuEntry *entries,
                  guint                  n_entries)
{
  ShDBusMenu *self = g_object_new (SH_TYPE_DBUS_MENU, NULL);

  for (guint i = 0; i < n_entries; i++)
    {
      Item item = { g_strdup (entries[i].key), g_strdup (entries[i].label) };

      g_array_append_val (self->items, item);
    }
  return self;
}
