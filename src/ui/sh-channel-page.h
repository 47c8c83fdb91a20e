/* sh-channel-page.h — one channel: its health and every token that links it. */
#pragma once

#include <gtk/gtk.h>

#include "sh-channel.h"
#include "sh-picture-cache.h"

G_BEGIN_DECLS

#define SH_TYPE_CHANNEL_PAGE (sh_channel_page_get_type ())
G_DECLARE_FINAL_TYPE (ShChannelPage, sh_channel_page, SH, CHANNEL_PAGE, GtkBox)

GtkWidget *sh_channel_page_new         (void);
ShChannel *sh_channel_page_get_channel (ShChannelPage *self);
void       sh_channel_page_set_channel (ShChannelPage *self,
                                        ShChannel     *channel);
void       sh_channel_page_set_picture_cache (ShChannelPage  *self,
                                              ShPictureCache *cache);

G_END_DECLS
