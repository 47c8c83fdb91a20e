/* sh-manager-private.h — what the parts of ShManager share.
 *
 * ShManager is split by concern: sh-manager.c (the object, load, save),
 * sh-manager-reconcile.c (keyring and data file brought into agreement,
 * restore) and sh-manager-tokens.c (the add and remove transactions).
 */
#pragma once

#include "sh-manager.h"
#include "sh-token-clock.h"

G_BEGIN_DECLS

struct _ShManager
{
  GObject         parent_instance;

  char           *data_dir;
  gboolean        sandbox;
  ShChannelList  *channels;
  ShStore        *store;
  ShSecretStore  *secrets;
  gboolean        loaded;
  gboolean        clean_load;
  GPtrArray      *load_waiters;   /* GTask, while a load runs */
  GPtrArray      *orphans;        /* token ids of secrets no token lists */
  char           *notice;
  ShChecker      *checker;        /* the one check of this manager's tokens */
  GHashTable     *providers;      /* interned network id → ShProvider */
  ShTokenClockWatch *clock_watch; /* tokens' states follow the clock */
  GSettings      *settings;       /* warning-window-days, for the clock */
};

void _sh_manager_append_notice    (ShManager  *self,
                                   const char *text);
void _sh_manager_describe_channel (ShManager  *self,
                                   ShChannel  *channel);
void _sh_manager_notify_n_orphans (ShManager  *self);

G_END_DECLS
