/* test-fake-network.c — see test-fake-network.h. */
#include "config.h"

#include "test-fake-network.h"

struct _FakeNetwork { GObject parent_instance; gboolean available; };

static void fake_network_iface_init (GNetworkMonitorInterface *iface) { }
static gboolean fake_initable_init (GInitable *i, GCancellable *c, GError **e) { return TRUE; }
static void fake_initable_iface_init (GInitableIface *iface) { iface->init = fake_initable_init; }

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeNetwork, fake_network, G_TYPE_OBJECT,
  G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, fake_initable_iface_init)
  G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, fake_network_iface_init))

enum { FN_PROP_0, FN_PROP_AVAILABLE, FN_PROP_METERED, FN_PROP_CONNECTIVITY };

static void
fake_network_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FakeNetwork *self = FAKE_NETWORK (object);

  switch (prop_id)
    {
    case FN_PROP_AVAILABLE: g_value_set_boolean (value, self->available); break;
    case FN_PROP_METERED: g_value_set_boolean (value, FALSE); break;
    case FN_PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL
                                               : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fake_network_class_init (FakeNetworkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = fake_network_get_property;
  g_object_class_override_property (object_class, FN_PROP_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, FN_PROP_METERED, "network-metered");
  g_object_class_override_property (object_class, FN_PROP_CONNECTIVITY, "connectivity");
}

static void fake_network_init (FakeNetwork *self) { self->available = TRUE; }

void
fake_network_set (FakeNetwork *self, gboolean available)
{
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
}
