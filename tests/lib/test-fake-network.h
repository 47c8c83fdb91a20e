/* test-fake-network.h — a GNetworkMonitor the test switches on and off, for
 * the monitor (checks wait for the network) and the window's offline notice.
 * Starts available; fake_network_set() notifies "network-available" as the
 * real monitor does when the network comes and goes. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FAKE_TYPE_NETWORK (fake_network_get_type ())
G_DECLARE_FINAL_TYPE (FakeNetwork, fake_network, FAKE, NETWORK, GObject)

void fake_network_set (FakeNetwork *self,
                       gboolean     available);

G_END_DECLS
