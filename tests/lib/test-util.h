/* test-util.h — small helpers shared by the tests: run async calls to the
 * end, make channels, make temporary folders. */
#pragma once

#include <gio/gio.h>
#include "sh-channel.h"
#include "sh-manager.h"

G_BEGIN_DECLS

/* Spins the default main context until *@result is set, failing the test
 * after @timeout_ms (scaled as sh_test_time_limit does). */
void        sh_test_wait_for_result (GAsyncResult **result,
                                     guint          timeout_ms);
void        sh_test_store_result    (GObject       *source,
                                     GAsyncResult  *result,
                                     gpointer       user_data);
char       *sh_test_make_dir        (void);
ShChannel  *sh_test_make_channel    (const char    *name,
                                     const char    *network,
                                     guint          n_tokens);
/* A new manager of @dir (not the sandbox's), its data file loaded. */
ShManager  *sh_test_load_manager    (const char    *dir);
/* @usec scaled by SH_TEST_TIME_FACTOR (default 1), for limits on how long
 * something may take: build-aux/run-valgrind.sh runs everything about 20
 * times slower, and a limit it breaks says nothing about memory. */
gint64      sh_test_time_limit      (gint64         usec);
/* A fake clock for sh_monitor_set_clock() and the like: returns the
 * gint64 (seconds) that @now_seconds points to, which the test moves. */
gint64      sh_test_fake_clock      (gpointer       now_seconds);
/* A loopback TCP port nobody listens on right now. */
guint       sh_test_free_port       (void);
/* A self-signed certificate for 127.0.0.1 with its key, made afresh by
 * openssl in @dir (test-only: nothing ever trusts it). NULL when openssl is
 * not installed; the caller skips its test then. */
GTlsCertificate *sh_test_make_self_signed_certificate (const char *dir);

G_END_DECLS
