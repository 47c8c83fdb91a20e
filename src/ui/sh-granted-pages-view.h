/* sh-granted-pages-view.h — what a grant (or a pasted token) gives, as a
 * view of the "Add Channel" dialog: one row per channel with a check
 * button and what adding it would do ("New channel", "renews Alice's
 * token"), a note when the channel being reconnected is not among them, and
 * what went wrong adding one. The dialog adds the chosen ones, one at a
 * time, and marks each row as it goes.
 *
 * Signals:
 *   chosen-changed  a check button was toggled
 */
#pragma once

#include <adwaita.h>

#include "sh-channel-list.h"
#include "sh-provider.h"

G_BEGIN_DECLS

#define SH_TYPE_GRANTED_PAGES_VIEW (sh_granted_pages_view_get_type ())
G_DECLARE_FINAL_TYPE (ShGrantedPagesView, sh_granted_pages_view, SH, GRANTED_PAGES_VIEW, AdwBin)

/* Shows @granted (ShGrantedChannel, not empty, borrowed while shown) under
 * @title and @description. @list says which are in SocialHub already;
 * @channel: the channel being reconnected (only it is chosen), or NULL
 * (all are). */
void     sh_granted_pages_view_show         (ShGrantedPagesView *self,
                                             GPtrArray          *granted,
                                             ShChannelList      *list,
                                             ShChannel          *channel,
                                             const char         *title,
                                             const char         *description);
void     sh_granted_pages_view_clear        (ShGrantedPagesView *self);
/* Chosen and not added yet. */
gboolean sh_granted_pages_view_is_wanted    (ShGrantedPagesView *self,
                                             guint               index);
guint    sh_granted_pages_view_count_wanted (ShGrantedPagesView *self);
/* Row @index was added (or was in SocialHub already, @present). */
void     sh_granted_pages_view_mark_added   (ShGrantedPagesView *self,
                                             guint               index,
                                             gboolean            present);
/* @message: why adding failed, or NULL to hide the last one. */
void     sh_granted_pages_view_show_error   (ShGrantedPagesView *self,
                                             const char         *message);
void     sh_granted_pages_view_grab_focus   (ShGrantedPagesView *self);

G_END_DECLS
