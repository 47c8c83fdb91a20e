/* sh-qr-code.h — a QR code drawn as crisp squares on white. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SH_TYPE_QR_CODE (sh_qr_code_get_type ())
G_DECLARE_FINAL_TYPE (ShQrCode, sh_qr_code, SH, QR_CODE, GtkWidget)

GtkWidget  *sh_qr_code_new      (void);
const char *sh_qr_code_get_text (ShQrCode   *self);
void        sh_qr_code_set_text (ShQrCode   *self,
                                 const char *text);
/* Modules per side without the quiet zone; 0 when there is no code. */
int         sh_qr_code_get_size (ShQrCode   *self);

G_END_DECLS
