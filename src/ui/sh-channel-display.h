/* sh-channel-display.h — how a channel looks wherever the window shows one:
 * its name (sanitized and at most 200 characters: a name is the network's,
 * and Pango does not ellipsize 300 KB), its name when it has none, its
 * network's glyph, its state's colour. */
#pragma once

#include <adwaita.h>

#include "sh-channel.h"
#include "sh-provider-registry.h"

G_BEGIN_DECLS

char       *sh_channel_dup_display_name (ShChannel      *channel);
void        sh_widget_show_channel_state (GtkWidget     *widget,
                                          ShChannelState  state);
char       *sh_channel_dup_accessible_label (ShChannel  *channel);
/* When only one person's tokens link @channel now (sh-people.h): "Only
 * Alice Example’s tokens link this channel.", for the "1 person" badge's
 * accessible description and the channel page's hint; else NULL. */
char       *sh_channel_dup_one_person_text (ShChannel  *channel);
/* For a channel living on another channel's tokens: "via Bakery & Sons
 * (Facebook Page)"; else NULL. */
char       *sh_channel_dup_via_text (ShChannel      *channel);
/* For a token shared from another channel: "Bakery & Sons’s token
 * (Facebook Page)", the mark on the channel page; else NULL. */
char       *sh_token_dup_shared_text (ShToken       *token,
                                      ShChannel     *channel);
/* What a channel is, naming the kinds the registered providers link ("a
 * Facebook Page or an X account"), as @page's description. */
void        sh_channel_kinds_show_intro (AdwStatusPage *page);

G_END_DECLS
