/* sh-providers.h — every network SocialHub knows, as provider objects. */
#pragma once

#include "sh-provider.h"

G_BEGIN_DECLS

/* A new provider of each network (ShProvider), in ShNetwork order where
 * one exists. */
GPtrArray *sh_providers_new_all (void);

G_END_DECLS
