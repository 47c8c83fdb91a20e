/* sh-application.h — the GUI application: one window on the shared manager. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SH_TYPE_APPLICATION (sh_application_get_type ())
G_DECLARE_FINAL_TYPE (ShApplication, sh_application, SH, APPLICATION, AdwApplication)

ShApplication     *sh_application_new         (void);
/* NULL before startup. */
struct _ShManager *sh_application_get_manager (ShApplication *self);
void               sh_application_show_about  (GtkWindow     *parent);

G_END_DECLS
