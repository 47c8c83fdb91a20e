/* sh-channel-badge.h — the network's glyph and the state's badge beside a
 * channel's name, alike in the list's rows and on the channel's page. */
#pragma once

#include <gtk/gtk.h>

#include "sh-channel.h"

G_BEGIN_DECLS

void sh_channel_badge_update (GtkImage  *network_icon,
                              GtkLabel  *state_badge,
                              ShChannel *channel);

G_END_DECLS
