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
on_channel_changed (ShChannel       *channel,
                    GParamSpec      *pspec,
                    ShChannelAvatar *self)
{
  update (self);
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
  if (self->channel != NULL)
    g_signal_handlers_disconnect_by_data (self->channel, self);
  g_set_object (&self->channel, channel);
  if (channel != NULL)
    {
      g_signal_connect (channel, "notify::name", G_CALLBACK (on_channel_changed), self);
      g_signal_connect (channel, "notify::picture-url", G_CALLBACK (on_channel_changed), self);
    }
  update (self);
}

void
sh_channel_avatar_set_picture_cache (ShChannelAvatar *self,
                                     ShPictureCache  *pictures)
{
  g_return_if_fail (SH_IS_CHANNEL_AVATAR (self));

  if (self->pictures != NULL)
    g_signal_handlers_disconnect_by_data (self->pictures, self);
  g_set_object (&self->pictures, pictures);
  if (pictures != NULL)
    g_signal_connect (pictures, "ready", G_CALLBACK (on_picture_ready), self);
  update (self);
}

static void
sh_channel_avatar_dispose (GObject *object)
{
  ShChannelAvatar *self = SH_CHANNEL_AVATAR (object);

  if (self->channel != NULL)
    g_signal_handlers_disconnect_by_data (self->channel, self);
  if (self->pictures != NULL)
    g_signal_handlers_disconnect_by_data (self->pictures, self);
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
