/* sh-window-people.c — the window's People page: win.show-people.
 *
 * win.show-people("NETWORK:USER_ID") shows who the channels hang on, with
 * the keyboard on that person; "" shows the page from its top. The main
 * menu's People (Ctrl+P) and app.show-person (a notification's default
 * action) lead here; Back, Escape and Alt+Left return to the list.
 */
#include "config.h"

#include "sh-window-private.h"

static void
show_people_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ShWindow *self = SH_WINDOW (widget);

  _sh_window_show_people (self);
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  if (!sh_people_page_focus_person (self->people_page, g_variant_get_string (parameter, NULL)))
    gtk_widget_grab_focus (self->back_button);
}

void
_sh_window_class_people_init (GtkWidgetClass *widget_class)
{
  g_type_ensure (SH_TYPE_PEOPLE_PAGE);
  gtk_widget_class_bind_template_child (widget_class, ShWindow, people_page);
  gtk_widget_class_install_action (widget_class, "win.show-people", "s", show_people_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK,
                                       "win.show-people", "s", "");
}
