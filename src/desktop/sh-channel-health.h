/* sh-channel-health.h — how the channels are doing, in one word and one line.
 *
 * Follows a GListModel of ShChannel (the manager's ShChannelList): its
 * items and each channel's "state". What a panel icon or the Background
 * portal's status line shows: the worst state, how many channels need
 * attention, and a sentence saying it ("2 channels need attention").
 */
#pragma once

#include <gio/gio.h>
#include "sh-enums.h"

G_BEGIN_DECLS

#define SH_TYPE_CHANNEL_HEALTH (sh_channel_health_get_type ())
G_DECLARE_FINAL_TYPE (ShChannelHealth, sh_channel_health, SH, CHANNEL_HEALTH, GObject)

ShChannelHealth *sh_channel_health_new              (GListModel      *channels);
guint            sh_channel_health_get_n_channels   (ShChannelHealth *self);
/* Degraded or disconnected channels. */
guint            sh_channel_health_get_n_attention  (ShChannelHealth *self);
guint            sh_channel_health_get_n_disconnected (ShChannelHealth *self);
/* Disconnected, then degraded, then unknown, then connected; UNKNOWN
 * when there is no channel. */
ShChannelState   sh_channel_health_get_worst_state  (ShChannelHealth *self);
/* "2 channels need attention", "All channels connected", … (translated). */
char            *sh_channel_health_dup_description  (ShChannelHealth *self);

G_END_DECLS
