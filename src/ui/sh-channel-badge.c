/* sh-channel-badge.c — the glyph (its network named in the tooltip) and the
 * one-word state, coloured, that stand beside a channel's name. */
#include "config.h"

#include "sh-channel-badge.h"
#include "sh-channel-display.h"
#include "sh-provider-registry.h"

void
sh_channel_badge_update (GtkImage  *network_icon,
                         GtkLabel  *state_badge,
                         ShChannel *channel)
{
  const char *network = sh_channel_get_network (channel);
  ShChannelState state = sh_channel_get_state (channel);

  gtk_image_set_from_icon_name (network_icon, sh_network_get_icon_name (network));
  gtk_widget_set_tooltip_text (GTK_WIDGET (network_icon), sh_network_get_display_name (network));
  gtk_label_set_text (state_badge, sh_channel_state_get_label (state));
  sh_widget_show_channel_state (GTK_WIDGET (state_badge), state);
}
