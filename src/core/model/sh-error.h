/* sh-error.h — one error domain for the whole application.
 *
 * Callers branch on the code; the message is for a person and never holds a
 * secret.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SH_ERROR (sh_error_quark ())

typedef enum {
  SH_ERROR_FAILED,
  SH_ERROR_INVALID_ARGUMENT,
  SH_ERROR_NOT_AVAILABLE,
  SH_ERROR_NOT_FOUND,
  SH_ERROR_STORE_IO,
  SH_ERROR_STORE_DAMAGED,
  SH_ERROR_STORE_TOO_NEW,
  SH_ERROR_KEYRING_UNAVAILABLE,
  SH_ERROR_KEYRING_LOCKED,
  SH_ERROR_KEYRING_TIMEOUT,
  SH_ERROR_KEYRING_FAILED,
  SH_ERROR_SECRET_MISSING,
  SH_ERROR_NETWORK,            /* the network could not be reached */
  SH_ERROR_SERVER,             /* it answered, but not with something usable */
  SH_ERROR_TOKEN_REFUSED,      /* the network refused the token: nothing stored */
  SH_ERROR_SIGN_IN_DECLINED,
  SH_ERROR_SIGN_IN_EXPIRED,
  SH_ERROR_NOT_CONFIGURED,     /* no client id for this network */
  SH_ERROR_ALREADY_ADDED,      /* the same secret is stored already: nothing added */
  SH_ERROR_BROKER_OFF,         /* the token broker is off (GSettings token-broker) */
  SH_ERROR_NO_USABLE_TOKEN,    /* the broker found no token it may hand out */
} ShError;

GQuark sh_error_quark (void);

G_END_DECLS
