/* provider-test.h — what the provider tests share: an in-process emulator,
 * a loaded manager on a fresh data folder, running a check of every token,
 * filing a granted channel, and assertions on tokens and request logs. */
#pragma once

#include "sh-checker.h"
#include "sh-manager.h"
#include "sh-sandbox-server.h"

G_BEGIN_DECLS

/* How long one asynchronous step of a provider test may take. */
#define SH_TEST_PROVIDER_WAIT_MS 30000

/* What a provider test starts from (g_test_add's fixture): the emulator and
 * its world, a manager loaded from a fresh data folder, and the provider
 * set_up gave it. The manager holds the providers: a test that wants a
 * fresh one adds another of the same network, which replaces it. */
typedef struct {
  ShSandboxServer *server;
  ShSandboxWorld  *world;
  char            *data_dir;
  ShManager       *manager;
  ShProvider      *provider;
} ShProviderFixture;

/* What no Graph request line may carry (sh_test_assert_no_token_in_urls):
 * a token in a query, the app's client token. */
extern const char * const sh_test_graph_url_secrets[];

/* The emulator (sh_test_sandbox_start), a loaded manager on a new data
 * folder, and a new @provider_type provider in it as @fixture->provider. */
void             sh_provider_fixture_set_up     (ShProviderFixture       *fixture,
                                                 GType                    provider_type);
/* A new @provider_type provider, added to the manager (which holds it, in
 * place of any of the same network). */
ShProvider      *sh_provider_fixture_add_provider (ShProviderFixture     *fixture,
                                                   GType                  provider_type);
/* Unless @url_secrets is NULL, first asserts that no request line carried a
 * token of the world or any of the NULL-terminated @url_secrets; then frees
 * what set_up made. */
void             sh_provider_fixture_tear_down  (ShProviderFixture       *fixture,
                                                 const char * const      *url_secrets);

/* The emulator on a free loopback port, its URLs and ids exported to the
 * environment (SOCIALHUB_*), as the providers read them. */
ShSandboxServer *sh_test_sandbox_start          (void);
/* @world again, over HTTPS with a self-signed certificate made in @dir;
 * NULL, the test skipped, when openssl is not installed. */
ShSandboxServer *sh_test_sandbox_start_tls      (ShSandboxWorld          *world,
                                                 const char              *dir);
/* A manager on @data_dir, loaded. */
ShManager       *sh_test_manager_new_loaded     (const char              *data_dir);
/* Secrets travel in headers and form bodies, never in a URL (which lands in
 * proxies' and servers' logs): no token of the world and none of the
 * NULL-terminated @forbidden strings in any request line. */
void             sh_test_assert_no_token_in_urls (ShSandboxServer        *server,
                                                  const char * const     *forbidden);
void             sh_test_clear_requests         (ShSandboxServer         *server);
/* How many request lines (method and path, with its query when it has one)
 * are @line; with @any_query, also @line followed by a query. */
guint            sh_test_count_requests         (ShSandboxServer         *server,
                                                 const char              *line,
                                                 gboolean                 any_query);
/* Files a granted channel the way --add-token and --login do. */
ShToken         *sh_test_file_granted           (ShManager               *manager,
                                                 const ShGrantedChannel  *granted);
/* A Facebook Page token @value of @owner_id for the Page @page_id, filed
 * as --add-token does (sh_test_file_granted). */
ShToken         *sh_test_file_page_token        (ShManager               *manager,
                                                 const char              *page_id,
                                                 const char              *page_name,
                                                 const char              *owner_id,
                                                 const char              *owner_name,
                                                 const char              *value);
/* The channels a pasted token gives access to (sh_provider_identify_async). */
GPtrArray       *sh_test_identify               (ShProvider              *provider,
                                                 const char              *value,
                                                 GError                 **error);
ShCheckSummary   sh_test_check_all              (ShManager               *manager);
ShChannelState   sh_test_channel_state          (ShManager               *manager,
                                                 const char              *network,
                                                 const char              *external_id);
/* Named like the tests' other assertions, which read as sentences.
 * Fails with @what and both states (never the token's value) unless
 * @token is @state/@reason with @last_verdict/@last_reason as its last. */
void             assert_token                   (ShToken                 *token,
                                                 ShTokenState             state,
                                                 ShTokenReason            reason,
                                                 ShTokenState             last_verdict,
                                                 ShTokenReason            last_reason,
                                                 const char              *what);
/* The same, where the last verdict is the current state. */
void             assert_verdict                 (ShToken                 *token,
                                                 ShTokenState             state,
                                                 ShTokenReason            reason,
                                                 const char              *what);

G_END_DECLS
