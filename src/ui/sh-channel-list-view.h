/* sh-channel-list-view.h — the channels by health, built lazily. */
#pragma once

#include <gtk/gtk.h>

#include "sh-channel-sections.h"
#include "sh-picture-cache.h"

G_BEGIN_DECLS

#define SH_TYPE_CHANNEL_LIST_VIEW (sh_channel_list_view_get_type ())
G_DECLARE_FINAL_TYPE (ShChannelListView, sh_channel_list_view, SH, CHANNEL_LIST_VIEW, GtkWidget)

GtkWidget *sh_channel_list_view_new (ShChannelSections *sections,
                                     ShPictureCache    *pictures);
void       sh_channel_list_view_focus_channel (ShChannelListView *self,
                                               ShChannel         *channel);

G_END_DECLS
