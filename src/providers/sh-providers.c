/* sh-providers.c — the list of networks. */
#include "config.h"

#include "sh-facebook-provider.h"
#include "sh-providers.h"
#include "sh-x-provider.h"

GPtrArray *
sh_providers_new_all (void)
{
  GPtrArray *providers = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (providers, sh_facebook_provider_new ());
  g_ptr_array_add (providers, sh_x_provider_new ());
  return providers;
}
