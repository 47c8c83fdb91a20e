/* sh-providers.h — every network SocialHub knows, as provider objects. */
#pragma once

#include "sh-provider.h"

G_BEGIN_DECLS

/* Registers every provider of this build (sh-provider-registry.h), once;
 * calling it again does nothing. */
void       sh_providers_register (void);
/* Registers them, then a new provider of each network (ShProvider), in
 * registration order. */
GPtrArray *sh_providers_new_all  (void);

G_END_DECLS
