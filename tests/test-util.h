/* test-util.h — small helpers shared by the tests: run async calls to the
 * end, make channels, make temporary folders. */
#pragma once

#include <gio/gio.h>
#include "sh-channel.h"

G_BEGIN_DECLS

/* Spins the default main context until *@result is set, failing the test
 * after @timeout_ms. */
void        sh_test_wait_for_result (GAsyncResult **result,
                                     guint          timeout_ms);
void        sh_test_store_result    (GObject       *source,
                                     GAsyncResult  *result,
                                     gpointer       user_data);
char       *sh_test_make_dir        (void);
ShChannel  *sh_test_make_channel    (const char    *name,
                                     ShNetwork      network,
                                     guint          n_tokens);

G_END_DECLS
