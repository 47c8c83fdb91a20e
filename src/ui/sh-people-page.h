/* sh-people-page.h — the window's People page: each person who granted
 * tokens, their tokens, and the channels that hang on them alone. */
#pragma once

#include <gtk/gtk.h>

#include "sh-manager.h"

G_BEGIN_DECLS

#define SH_TYPE_PEOPLE_PAGE (sh_people_page_get_type ())
G_DECLARE_FINAL_TYPE (ShPeoplePage, sh_people_page, SH, PEOPLE_PAGE, GtkBox)

GtkWidget *sh_people_page_new          (void);
/* Where the people come from; the page follows its checks and channels. */
void       sh_people_page_set_manager  (ShPeoplePage *self,
                                        ShManager    *manager);
/* Rebuilds the page from the channels as they are now. */
void       sh_people_page_refresh      (ShPeoplePage *self);
/* The keyboard onto the person of @target ("NETWORK:USER_ID"), scrolled
 * into view; onto the page's first person for "" or an unknown target.
 * FALSE when there is no one to focus. */
gboolean   sh_people_page_focus_person (ShPeoplePage *self,
                                        const char   *target);

G_END_DECLS
