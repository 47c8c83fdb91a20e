/* sh-accessible-names.h — mends the accessible names GTK 4.8 gets wrong. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* GTK 4.8 names a button with a mnemonic after both its raw label and its
 * label widget ("_Remove Remove"); the label widget alone is the right name.
 * Walks @widget and everything below it. */
void sh_widget_fix_mnemonic_names (GtkWidget *widget);

G_END_DECLS
