/* sh-channel-group.h — the channels that are in one state, as a boxed list. */
#pragma once

#include <adwaita.h>

#include "sh-channel.h"

G_BEGIN_DECLS

#define SH_TYPE_CHANNEL_GROUP (sh_channel_group_get_type ())
G_DECLARE_FINAL_TYPE (ShChannelGroup, sh_channel_group, SH, CHANNEL_GROUP, AdwPreferencesGroup)

GtkWidget      *sh_channel_group_new        (GListModel     *channels,
                                             ShChannelState  state);
ShChannelState  sh_channel_group_get_state  (ShChannelGroup *self);
GListModel     *sh_channel_group_get_model  (ShChannelGroup *self);
void            sh_channel_group_refilter   (ShChannelGroup *self);
void            sh_channel_group_resort     (ShChannelGroup *self);

G_END_DECLS
