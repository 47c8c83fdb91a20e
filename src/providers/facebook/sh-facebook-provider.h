/* sh-facebook-provider.h — Facebook Pages: Login for Devices, Page tokens,
 * checks in Graph batches. The only code that knows Graph URLs and JSON. */
#pragma once

#include "sh-provider.h"

G_BEGIN_DECLS

/* Its network id: the data file, the JSON output and --login use it. */
#define SH_FACEBOOK_NETWORK "facebook"

/* Where the Graph is and which app to be (sh-facebook-describe.c). */
extern const ShConfigKey sh_facebook_config_graph_url;
extern const ShConfigKey sh_facebook_config_app_id;
extern const ShConfigKey sh_facebook_config_client_token;

#define SH_TYPE_FACEBOOK_PROVIDER (sh_facebook_provider_get_type ())
G_DECLARE_FINAL_TYPE (ShFacebookProvider, sh_facebook_provider, SH, FACEBOOK_PROVIDER, ShProvider)

/* Items per batch request: the Graph's limit. */
#define SH_FACEBOOK_BATCH_SIZE      50
/* Batches in flight at once on the one keep-alive session. */
#define SH_FACEBOOK_PARALLEL_BATCHES 4

ShProvider *sh_facebook_provider_new (void);

G_END_DECLS
