/* sh-channel-avatar.h — a channel's picture, its initials until then. */
#pragma once

#include <adwaita.h>

#include "sh-channel.h"
#include "sh-picture-cache.h"

G_BEGIN_DECLS

#define SH_TYPE_CHANNEL_AVATAR (sh_channel_avatar_get_type ())
G_DECLARE_FINAL_TYPE (ShChannelAvatar, sh_channel_avatar, SH, CHANNEL_AVATAR, AdwBin)

GtkWidget *sh_channel_avatar_new               (int              size);
void       sh_channel_avatar_set_channel       (ShChannelAvatar *self,
                                                ShChannel       *channel);
void       sh_channel_avatar_set_picture_cache (ShChannelAvatar *self,
                                                ShPictureCache  *pictures);

G_END_DECLS
