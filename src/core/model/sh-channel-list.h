/* sh-channel-list.h — every channel the user has, as a GListModel of ShChannel.
 *
 * Keeps an index by channel id and by (network, external id) so that lookups
 * stay O(1) with thousands of channels.
 */
#pragma once

#include <gio/gio.h>
#include "sh-channel.h"

G_BEGIN_DECLS

#define SH_TYPE_CHANNEL_LIST (sh_channel_list_get_type ())
G_DECLARE_FINAL_TYPE (ShChannelList, sh_channel_list, SH, CHANNEL_LIST, GObject)

ShChannelList *sh_channel_list_new              (void);
void           sh_channel_list_add              (ShChannelList *self,
                                                 ShChannel     *channel);
gboolean       sh_channel_list_remove           (ShChannelList *self,
                                                 ShChannel     *channel);
void           sh_channel_list_replace_all      (ShChannelList *self,
                                                 GPtrArray     *channels);
ShChannel     *sh_channel_list_lookup           (ShChannelList *self,
                                                 const char    *channel_id);
ShChannel     *sh_channel_list_lookup_external  (ShChannelList *self,
                                                 const char    *network,
                                                 const char    *external_id);
ShToken       *sh_channel_list_lookup_token     (ShChannelList *self,
                                                 const char    *token_id,
                                                 ShChannel    **out_channel);
guint          sh_channel_list_get_n_tokens     (ShChannelList *self);
/* A set of every token's id, as a GHashTable of owned strings. */
GHashTable    *sh_channel_list_dup_token_ids    (ShChannelList *self);

G_END_DECLS
