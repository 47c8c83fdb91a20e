/* sh-error.c — the SH_ERROR domain. */
#include "sh-error.h"

G_DEFINE_QUARK (sh-error-quark, sh_error)
