/* sh-token-row.h — one access token inside its channel's expander row. */
#pragma once

#include <adwaita.h>

#include "sh-token.h"

G_BEGIN_DECLS

#define SH_TYPE_TOKEN_ROW (sh_token_row_get_type ())
G_DECLARE_FINAL_TYPE (ShTokenRow, sh_token_row, SH, TOKEN_ROW, AdwActionRow)

GtkWidget *sh_token_row_new       (ShToken    *token);
ShToken   *sh_token_row_get_token (ShTokenRow *self);
void       sh_token_row_set_shared_text (ShTokenRow *self,
                                         const char *text);

G_END_DECLS
