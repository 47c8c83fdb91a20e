/* sh-sandbox-session.c — one sandbox per process: started, exported to the
 * providers, and kept in the sandbox's data folder (the same world for the
 * window and the command line). */
#include "config.h"

#include "sh-manager.h"
#include "sh-sandbox-session.h"

struct _ShSandboxSession
{
  GObject          parent_instance;

  ShSandboxServer *server;
};

G_DEFINE_FINAL_TYPE (ShSandboxSession, sh_sandbox_session, G_TYPE_OBJECT)

static void
sh_sandbox_session_dispose (GObject *object)
{
  ShSandboxSession *self = SH_SANDBOX_SESSION (object);

  g_clear_object (&self->server);

  G_OBJECT_CLASS (sh_sandbox_session_parent_class)->dispose (object);
}

static void
sh_sandbox_session_class_init (ShSandboxSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sh_sandbox_session_dispose;
}

static void
sh_sandbox_session_init (ShSandboxSession *self)
{
}

ShSandboxSession *
sh_sandbox_session_new (GError **error)
{
  g_autoptr(ShSandboxSession) self = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *state = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (SH_TYPE_SANDBOX_SESSION, NULL);
  self->server = sh_sandbox_server_new (NULL, 0, error);
  if (self->server == NULL)
    return NULL;
  sh_sandbox_server_export_environment (self->server);
  /* The world lives beside the sandbox's data file, so that the tokens it
   * lists are known to the next run's world too. */
  data_dir = sh_manager_default_data_dir (TRUE);
  state = g_build_filename (data_dir, "sandbox-world.json", NULL);
  sh_sandbox_server_set_state_file (self->server, state);
  return g_steal_pointer (&self);
}

ShSandboxServer *
sh_sandbox_session_get_server (ShSandboxSession *self)
{
  g_return_val_if_fail (SH_IS_SANDBOX_SESSION (self), NULL);

  return self->server;
}
