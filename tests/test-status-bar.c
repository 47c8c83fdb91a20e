/* test-status-bar.c — the window's offline notice follows the network
 * monitor (a fake one here), and "Last checked 5 minutes ago" reads the time
 * of the last verdict. */
#include "config.h"

#include <adwaita.h>

#include "sh-channel-list.h"
#include "sh-providers.h"
#include "sh-status-bar.h"
#include "test-util.h"

/* ---- a GNetworkMonitor the test switches on and off ---------------------- */

#define FAKE_TYPE_NETWORK (fake_network_get_type ())
G_DECLARE_FINAL_TYPE (FakeNetwork, fake_network, FAKE, NETWORK, GObject)

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

static void
fake_network_set (FakeNetwork *self, gboolean available)
{
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
}

static void
test_offline_notice (void)
{
  g_autoptr(FakeNetwork) network = g_object_new (FAKE_TYPE_NETWORK, NULL);
  ShStatusBar *bar = g_object_ref_sink (g_object_new (SH_TYPE_STATUS_BAR, NULL));

  sh_status_bar_set_network_monitor (bar, G_NETWORK_MONITOR (network));
  g_assert_false (sh_status_bar_get_offline_shown (bar));
  fake_network_set (network, FALSE);
  g_assert_true (sh_status_bar_get_offline_shown (bar));
  fake_network_set (network, TRUE);
  g_assert_false (sh_status_bar_get_offline_shown (bar));
  g_object_unref (bar);
}

static void
test_last_checked_words (void)
{
  const struct { gint64 ago; const char *text; } cases[] = {
    { 0, "Last checked just now" },
    { 59, "Last checked just now" },
    { 60, "Last checked 1 minute ago" },
    { 5 * 60 + 10, "Last checked 5 minutes ago" },
    { 2 * 3600, "Last checked 2 hours ago" },
    { 3 * 86400, "Last checked 3 days ago" },
  };
  g_autofree char *never = sh_status_bar_format_last_checked (0, 1764000000);

  g_assert_cmpstr (never, ==, "");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = sh_status_bar_format_last_checked (1764000000 - cases[i].ago,
                                                                 1764000000);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_last_checked_from_tokens (void)
{
  g_autofree char *dir = sh_test_make_dir ();
  g_autoptr(ShManager) manager = sh_manager_new (dir, FALSE);
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 2);
  g_autoptr(ShToken) token = g_list_model_get_item (sh_channel_get_tokens (channel), 1);
  ShStatusBar *bar = g_object_ref_sink (g_object_new (SH_TYPE_STATUS_BAR, NULL));
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  sh_status_bar_set_manager (bar, manager);
  g_assert_cmpstr (sh_status_bar_get_last_checked_text (bar), ==, "");
  sh_channel_list_add (sh_manager_get_channels (manager), channel);
  sh_token_apply_verdict (token, SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE, now - 300, 0);
  sh_manager_emit_checked (manager);
  g_assert_cmpstr (sh_status_bar_get_last_checked_text (bar), ==, "Last checked 5 minutes ago");
  /* A check without a verdict keeps the time of the last one. */
  sh_token_mark_unknown (token, SH_TOKEN_REASON_OFFLINE);
  sh_manager_emit_checked (manager);
  g_assert_cmpstr (sh_status_bar_get_last_checked_text (bar), ==, "Last checked 5 minutes ago");
  g_object_unref (bar);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  sh_providers_register ();
  adw_init ();

  g_test_add_func ("/status-bar/offline-notice", test_offline_notice);
  g_test_add_func ("/status-bar/last-checked-words", test_last_checked_words);
  g_test_add_func ("/status-bar/last-checked-from-tokens", test_last_checked_from_tokens);
  return g_test_run ();
}
