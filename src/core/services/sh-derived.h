/* sh-derived.h — channels that live on another channel's tokens.
 *
 * A provider with a parent network (sh-provider.h) has channels that hang
 * off a parent channel and use its tokens: one sharing ShToken per parent
 * token (sh_token_get_shares), no secret of their own. This file keeps them
 * in step with their parents, GTK-free and without naming a network:
 *
 *   sync        one sharing token per parent token, none for a token gone;
 *               a derived channel whose parent is gone goes too
 *   is_due      whether to look at a parent channel for derived accounts:
 *               never looked at, or not for about a day
 *   apply_found what a check found linked to each parent: a new derived
 *               channel, or a new name or picture for a known one (which
 *               stays with its first parent while it is linked there, even
 *               when another parent names it too)
 *   fold        a parent token's verdict onto the tokens sharing it: its
 *               death is theirs, at no extra request
 */
#pragma once

#include "sh-channel-list.h"

G_BEGIN_DECLS

/* About a day between two looks at a parent; an hour less, so that a daily
 * check at the same hour looks again. */
#define SH_DERIVED_DISCOVERY_INTERVAL (23 * 60 * 60)

/* Returns TRUE when it changed something (a token or channel added or
 * removed). */
gboolean   sh_derived_sync        (ShChannelList *channels);
/* The ShChannel of @parent_network that have a token. */
GPtrArray *sh_derived_parents     (ShChannelList *channels,
                                   const char    *parent_network);
gboolean   sh_derived_is_due      (ShChannel     *parent,
                                   gint64         now);
/* The derived channels of @network (interned). */
GPtrArray *sh_derived_channels_of (ShChannelList *channels,
                                   const char    *network);
/* Of @channel_ids (char *), those derived accounts hang off (a registered derived
 * network's parent) that were never looked at for them, or NULL when none:
 * a check of just these (sh_checker_check_channels_async()) looks right
 * after they are added, at the cost of their own check. */
GStrv      sh_derived_undiscovered (ShChannelList      *channels,
                                    GPtrArray          *channel_ids);
/* Whether @channel, a derived channel, can be removed on its own: it is
 * disconnected because its parent no longer has it linked. Removing its
 * tokens (sh_manager_remove_token_async() on each) touches neither the
 * parent nor the parent's keyring items, and discovery brings it back
 * only once a parent has it linked again. A linked one goes with its
 * parent: removing it alone would last until the next check. */
gboolean   sh_derived_is_removable (ShChannel         *channel);
/* @found: ShDiscovery (sh-provider.h). Marks each parent looked at @now.
 * Returns the channels it made (ShChannel, transfer full; maybe empty). */
GPtrArray *sh_derived_apply_found (ShChannelList *channels,
                                   const char    *network,
                                   GPtrArray     *found,
                                   gint64         now) G_GNUC_WARN_UNUSED_RESULT;
/* @own_faults: ids of sharing tokens their own provider judged dead in this
 * run (they keep that verdict unless the parent's token died too). */
void       sh_derived_fold        (ShChannelList *channels,
                                   GHashTable    *own_faults,
                                   gint64         warning_window);

G_END_DECLS
