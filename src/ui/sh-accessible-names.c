/* sh-accessible-names.c — see sh-accessible-names.h. */
#include "config.h"

#include "sh-accessible-names.h"

void
sh_widget_fix_mnemonic_names (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && gtk_button_get_use_underline (GTK_BUTTON (widget)))
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    sh_widget_fix_mnemonic_names (child);
}
