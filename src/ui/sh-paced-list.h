/* sh-paced-list.h — a list model that shows a long list a screenful at a time
 * while a window opens. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SH_TYPE_PACED_LIST (sh_paced_list_get_type ())
G_DECLARE_FINAL_TYPE (ShPacedList, sh_paced_list, SH, PACED_LIST, GObject)

ShPacedList *sh_paced_list_new        (GListModel  *source,
                                       guint        first,
                                       guint        step,
                                       guint        all_after);
void         sh_paced_list_pace_by    (ShPacedList *self,
                                       GtkWidget   *widget);
void         sh_paced_list_grow       (ShPacedList *self);
void         sh_paced_list_show_through (ShPacedList *self,
                                         guint        position);
gboolean     sh_paced_list_get_done   (ShPacedList *self);

G_END_DECLS
