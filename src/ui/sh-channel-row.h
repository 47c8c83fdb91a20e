/* sh-channel-row.h — a channel, its health, and its tokens when expanded. */
#pragma once

#include <adwaita.h>

#include "sh-channel.h"

G_BEGIN_DECLS

#define SH_TYPE_CHANNEL_ROW (sh_channel_row_get_type ())
G_DECLARE_FINAL_TYPE (ShChannelRow, sh_channel_row, SH, CHANNEL_ROW, AdwExpanderRow)

GtkWidget *sh_channel_row_new         (ShChannel    *channel);
ShChannel *sh_channel_row_get_channel (ShChannelRow *self);

G_END_DECLS
