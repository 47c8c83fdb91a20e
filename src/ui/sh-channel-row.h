/* sh-channel-row.h — one line of the channel list: a channel and its health. */
#pragma once

#include <gtk/gtk.h>

#include "sh-channel.h"
#include "sh-picture-cache.h"

G_BEGIN_DECLS

#define SH_TYPE_CHANNEL_ROW (sh_channel_row_get_type ())
G_DECLARE_FINAL_TYPE (ShChannelRow, sh_channel_row, SH, CHANNEL_ROW, GtkBox)

GtkWidget *sh_channel_row_new         (void);
ShChannel *sh_channel_row_get_channel (ShChannelRow *self);
gboolean   sh_channel_row_grab_focus  (ShChannelRow *self,
                                        gboolean      last);
void       sh_channel_row_set_channel (ShChannelRow *self,
                                       ShChannel    *channel);
void       sh_channel_row_set_picture_cache (ShChannelRow   *self,
                                             ShPictureCache *cache);

G_END_DECLS
