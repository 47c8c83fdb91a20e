/* sh-instagram-provider.h — Instagram professional accounts: channels that
 * hang off a Facebook Page and live on its Page tokens (API-FACTS.md,
 * "Instagram professional accounts hang off Pages"). No sign-in and no
 * secret of their own: a Page's tokens, shared (sh-derived.h). */
#pragma once

#include "sh-provider.h"

G_BEGIN_DECLS

/* Its network id: the data file and the JSON output use it. */
#define SH_INSTAGRAM_NETWORK "instagram"

#define SH_TYPE_INSTAGRAM_PROVIDER (sh_instagram_provider_get_type ())
G_DECLARE_FINAL_TYPE (ShInstagramProvider, sh_instagram_provider, SH, INSTAGRAM_PROVIDER, ShProvider)

G_END_DECLS
