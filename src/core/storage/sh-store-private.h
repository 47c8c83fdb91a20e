/* sh-store-private.h — test seams of ShStore, for tests only. */
#pragma once

#include "sh-store.h"

G_BEGIN_DECLS

typedef void (*ShStoreHook) (gpointer user_data);

/* Called in the worker thread after the new file is written and synced and
 * before it is renamed over the old one: the moment a crash is most likely to
 * leave a half state if the save were not atomic. */
void _sh_store_set_before_rename_hook (ShStore     *self,
                                       ShStoreHook  hook,
                                       gpointer     user_data);

G_END_DECLS
