/* sh-facebook-provider.h — Facebook Pages: Login for Devices, Page tokens,
 * checks in Graph batches. The only code that knows Graph URLs and JSON. */
#pragma once

#include "sh-provider.h"

G_BEGIN_DECLS

#define SH_TYPE_FACEBOOK_PROVIDER (sh_facebook_provider_get_type ())
G_DECLARE_FINAL_TYPE (ShFacebookProvider, sh_facebook_provider, SH, FACEBOOK_PROVIDER, ShProvider)

/* Items per batch request: the Graph's limit. */
#define SH_FACEBOOK_BATCH_SIZE      50
/* Batches in flight at once on the one keep-alive session. */
#define SH_FACEBOOK_PARALLEL_BATCHES 4

ShProvider *sh_facebook_provider_new (void);

G_END_DECLS
