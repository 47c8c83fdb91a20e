/* sh-providers.c — the list of networks: one registration line per network.
 * Adding a network is adding its folder and its line here. */
#include "config.h"

#include "sh-facebook-provider.h"
#include "sh-instagram-provider.h"
#include "sh-provider-registry.h"
#include "sh-providers.h"
#include "sh-x-provider.h"

void
sh_providers_register (void)
{
  sh_provider_registry_add (SH_TYPE_FACEBOOK_PROVIDER);
  sh_provider_registry_add (SH_TYPE_X_PROVIDER);
  sh_provider_registry_add (SH_TYPE_INSTAGRAM_PROVIDER);
}

GPtrArray *
sh_providers_new_all (void)
{
  GPtrArray *providers = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *registered;

  sh_providers_register ();
  registered = sh_provider_registry_list ();
  for (guint i = 0; i < registered->len; i++)
    g_ptr_array_add (providers,
                     g_object_new (G_TYPE_FROM_CLASS (g_ptr_array_index (registered, i)), NULL));
  return providers;
}
