/* sh-channel-avatar.c — a channel's picture, its initials until then.
 *
 * Follows the channel's name (the initials) and picture URL, and the
 * picture cache's "ready" for that URL; the list's rows and the channel
 * page both show one. Asking the cache is what starts a download, so a
 * picture is fetched only once an avatar shows its channel.
 */
#include "config.h"

#include "sh-channel-avatar.h"
#include "sh-channel-display.h"

struct _ShChannelAvatar
{
  AdwBin          parent_instance;

  AdwAvatar      *avatar;
  ShChannel      *channel;
  ShPictureCache *pictures;
  /* Follow whichever channel and cache the avatar is given. */
  GSignalGroup   *channel_signals;
  GSignalGroup   *picture_signals;
};

G_DEFINE_FINAL_TYPE (ShChannelAvatar, sh_channel_avatar, ADW_TYPE_BIN)

static void
update (ShChannelAvatar *self)
{
  const char *url = self->channel != NULL ? sh_channel_get_picture_url (self->channel) : NULL;

  if (self->channel != NULL)
    {
      g_autofree char *name = sh_channel_dup_display_name (self->channel);

      adw_avatar_set_text (self->avatar, name);
    }
  adw_avatar_set_custom_image (self->avatar, self->pictures != NULL && url != NULL
                                             ? sh_picture_cache_lookup (self->pictures, url)
                                             : NULL);
}

static void
on_picture_ready (ShPictureCache  *pictures,
                  const char      *url,
                  ShChannelAvatar *self)
{
  if (self->channel != NULL && g_strcmp0 (url, sh_channel_get_picture_url (self->channel)) == 0)
    update (self);
}

void
sh_channel_avatar_set_channel (ShChannelAvatar *self,
                               ShChannel       *channel)
{
  g_return_if_fail (SH_IS_CHANNEL_AVATAR (self));

  if (self->channel == channel)
    return;
  g_set_object (&self->channel, channel);
  g_signal_group_set_target (self->channel_signals, channel);
  update (self);
}

void
sh_channel_avatar_set_picture_cache (ShChannelAvatar *self,
                                     ShPictureCache  *pictures)
{
  g_return_if_fail (SH_IS_CHANNEL_AVATAR (self));

  g_set_object (&self->pictures, pictures);
  g_signal_group_set_target (self->picture_signals, pictures);
  update (self);
}

static void
sh_channel_avatar_dispose (GObject *object)
{
  ShChannelAvatar *self = SH_CHANNEL_AVATAR (object);

  g_clear_object (&self->channel_signals);
  g_clear_object (&self->picture_signals);
  g_clear_object (&self->channel);
  g_clear_object (&self->pictures);

  G_OBJECT_CLASS (sh_channel_avatar_parent_class)->dispose (object);
}

static void
sh_channel_avatar_class_init (ShChannelAvatarClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sh_channel_avatar_dispose;
}

static void
sh_channel_avatar_init (ShChannelAvatar *self)
{
  self->channel_signals = g_signal_group_new (SH_TYPE_CHANNEL);
  g_signal_group_connect_swapped (self->channel_signals, "notify::name",
                                  G_CALLBACK (update), self);
  g_signal_group_connect_swapped (self->channel_signals, "notify::picture-url",
                                  G_CALLBACK (update), self);
  self->picture_signals = g_signal_group_new (SH_TYPE_PICTURE_CACHE);
  g_signal_group_connect (self->picture_signals, "ready", G_CALLBACK (on_picture_ready), self);
}

GtkWidget *
sh_channel_avatar_new (int size)
{
  ShChannelAvatar *self = g_object_new (SH_TYPE_CHANNEL_AVATAR,
                                        "valign", GTK_ALIGN_CENTER,
                                        NULL);

  /* A picture, not text: the row's or page's name says whose it is. */
  self->avatar = ADW_AVATAR (g_object_new (ADW_TYPE_AVATAR,
                                           "size", size,
                                           "show-initials", TRUE,
                                           "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                           NULL));
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->avatar));
  return GTK_WIDGET (self);
}
