/* sh-people.c — the people who granted tokens, and the channels that hang
 * on them alone (the rules are in sh-people.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-people.h"
#include "sh-provider-registry.h"
#include "sh-untrusted-text.h"

struct _ShPerson
{
  GObject     parent_instance;

  const char *network;            /* interned */
  char       *user_id;            /* NULL: unknown */
  char       *name;
  GPtrArray  *tokens;             /* ShToken */
  GPtrArray  *sole_link_channels; /* ShChannel */
  guint       n_working;
  guint       order;              /* first seen: keeps unknown people in the channels' order */
};

G_DEFINE_FINAL_TYPE (ShPerson, sh_person, G_TYPE_OBJECT)

struct _ShPeople
{
  GObject     parent_instance;

  GPtrArray  *people;             /* ShPerson, sorted */
  GHashTable *by_target;          /* "NETWORK:USER_ID" → ShPerson (unowned) */
  GHashTable *linked;             /* ShChannel (a reference) → people_linked */
  guint       n_single_person;
};

static void sh_people_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ShPeople, sh_people, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      sh_people_list_model_init))

/* ---- the rule ---------------------------------------------------------------- */

/* A token links its channel while its effective state is usable: the same
 * judgement as the channel's "n of m tokens valid". */
static gboolean
token_works (ShToken *token)
{
  return sh_token_state_is_usable (sh_token_get_effective_state (token));
}

/* Who a token belongs to. The network is part of the key: ids are the
 * network's own (a token shared from another network's channel is granted
 * by that network's person). Without an owner id: the owner name the
 * user gave, or none, after a newline, which no target
 * ("NETWORK:USER_ID") has; a token sharing another keeps its owner. */
static char *
dup_person_key (ShToken *token)
{
  const char *user_id = sh_token_get_owner_id (token);
  const char *name = sh_token_get_owner_name (token);

  if (user_id == NULL || *user_id == '\0')
    return g_strconcat (sh_network_get_owner_network (sh_token_get_network (token)), "\n",
                        name ?: "", NULL);
  return g_strconcat (sh_network_get_owner_network (sh_token_get_network (token)), ":",
                      user_id, NULL);
}

/* ---- ShPerson ------------------------------------------------------------ */

static void
sh_person_finalize (GObject *object)
{
  ShPerson *self = SH_PERSON (object);

  g_free (self->user_id);
  g_free (self->name);
  g_ptr_array_unref (self->tokens);
  g_ptr_array_unref (self->sole_link_channels);

  G_OBJECT_CLASS (sh_person_parent_class)->finalize (object);
}

static void
sh_person_class_init (ShPersonClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sh_person_finalize;
}

static void
sh_person_init (ShPerson *self)
{
  self->tokens = g_ptr_array_new_with_free_func (g_object_unref);
  self->sole_link_channels = g_ptr_array_new_with_free_func (g_object_unref);
}

static ShPerson *
person_new (ShToken *token,
            guint    order)
{
  ShPerson *self = g_object_new (SH_TYPE_PERSON, NULL);
  const char *user_id = sh_token_get_owner_id (token);

  self->network = sh_network_get_owner_network (sh_token_get_network (token));
  self->user_id = user_id != NULL && *user_id != '\0' ? g_strdup (user_id) : NULL;
  self->order = order;
  return self;
}

static void
person_add_token (ShPerson *self,
                  ShToken  *token)
{
  const char *name = sh_token_get_owner_name (token);

  /* The first name given; another token of the same id may be older. */
  if (self->name == NULL && name != NULL && *name != '\0')
    self->name = g_strdup (name);
  g_ptr_array_add (self->tokens, g_object_ref (token));
  if (token_works (token))
    self->n_working++;
}

const char *
sh_person_get_network (ShPerson *self)
{
  g_return_val_if_fail (SH_IS_PERSON (self), NULL);
  return self->network;
}

const char *
sh_person_get_user_id (ShPerson *self)
{
  g_return_val_if_fail (SH_IS_PERSON (self), NULL);
  return self->user_id;
}

const char *
sh_person_get_name (ShPerson *self)
{
  g_return_val_if_fail (SH_IS_PERSON (self), NULL);
  return self->name;
}

GPtrArray *
sh_person_get_tokens (ShPerson *self)
{
  g_return_val_if_fail (SH_IS_PERSON (self), NULL);
  return self->tokens;
}

GPtrArray *
sh_person_get_sole_link_channels (ShPerson *self)
{
  g_return_val_if_fail (SH_IS_PERSON (self), NULL);
  return self->sole_link_channels;
}

guint
sh_person_get_n_working (ShPerson *self)
{
  g_return_val_if_fail (SH_IS_PERSON (self), 0);
  return self->n_working;
}

char *
sh_person_dup_display_name (ShPerson *self)
{
  g_return_val_if_fail (SH_IS_PERSON (self), NULL);

  if (self->name != NULL)
    return sh_untrusted_text_sanitize (self->name);
  if (self->user_id != NULL)
    {
      g_autofree char *id = sh_untrusted_text_sanitize (self->user_id);

      /* Translators: an owner the network gave no name, by their id there */
      return g_strdup_printf (_("Person with id %s"), id);
    }
  return g_strdup (_("Tokens without an owner"));
}

/* "Ana", "the person with id 10001" (sanitized), or NULL for neither. */
static char *
dup_who (const char *name,
         const char *user_id)
{
  g_autofree char *id = NULL;

  if (name != NULL && *name != '\0')
    return sh_untrusted_text_sanitize (name);
  if (user_id == NULL || *user_id == '\0')
    return NULL;
  id = sh_untrusted_text_sanitize (user_id);
  /* Translators: an owner the network gave no name, put into "If %s’s
   * tokens stop working…" and "Only %s’s tokens link this channel." */
  return g_strdup_printf (_("the person with id %s"), id);
}

char *
sh_people_dup_owner_phrase (ShToken *token)
{
  g_return_val_if_fail (SH_IS_TOKEN (token), NULL);
  return dup_who (sh_token_get_owner_name (token), sh_token_get_owner_id (token));
}

static char *
dup_channel_name (ShChannel *channel)
{
  const char *name = sh_channel_get_name (channel);

  return sh_untrusted_text_sanitize (name != NULL && *name != '\0'
                                     ? name : sh_channel_get_external_id (channel));
}

char *
sh_person_dup_sentence (ShPerson *self)
{
  g_autofree char *who = NULL;
  g_autofree char *first = NULL;
  guint n;

  g_return_val_if_fail (SH_IS_PERSON (self), NULL);

  /* Put into "If %s’s tokens…": a name, or a phrase that reads there. */
  who = dup_who (self->name, self->user_id);
  if (who == NULL)
    who = g_strdup (_("an unknown person"));
  n = self->sole_link_channels->len;
  if (n == 0 && self->n_working == 0)
    /* Translators: %s is a person's name */
    return g_strdup_printf (_("None of %s’s tokens works now."), who);
  if (n == 0)
    /* Translators: %s is a person's name */
    return g_strdup_printf (_("If %s’s tokens stop working, every channel keeps another link."),
                            who);
  first = dup_channel_name (g_ptr_array_index (self->sole_link_channels, 0));
  if (n == 1)
    /* Translators: a person's name, then a channel's */
    return g_strdup_printf (_("If %s’s tokens stop working, %s loses its last link."), who, first);
  /* Translators: a person's name, a channel's name, and how many more
   * channels, e.g. "If Ana’s tokens stop working, Florist and 6 more
   * channels lose their last link." */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "If %s’s tokens stop working, %s and %u more channel "
                                       "lose their last link.",
                                       "If %s’s tokens stop working, %s and %u more channels "
                                       "lose their last link.", n - 1),
                          who, first, n - 1);
}

char *
sh_person_dup_target (ShPerson *self)
{
  g_return_val_if_fail (SH_IS_PERSON (self), NULL);

  if (self->user_id == NULL)
    return NULL;
  return g_strconcat (self->network, ":", self->user_id, NULL);
}

/* ---- ShPeople ------------------------------------------------------------ */

static GType
sh_people_get_item_type (GListModel *model)
{
  return SH_TYPE_PERSON;
}

static guint
sh_people_get_n_items (GListModel *model)
{
  return SH_PEOPLE (model)->people->len;
}

static gpointer
sh_people_get_item (GListModel *model,
                    guint       position)
{
  ShPeople *self = SH_PEOPLE (model);

  if (position >= self->people->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->people, position));
}

static void
sh_people_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sh_people_get_item_type;
  iface->get_n_items = sh_people_get_n_items;
  iface->get_item = sh_people_get_item;
}

static void
sh_people_finalize (GObject *object)
{
  ShPeople *self = SH_PEOPLE (object);

  g_hash_table_unref (self->by_target);
  g_hash_table_unref (self->linked);
  g_ptr_array_unref (self->people);

  G_OBJECT_CLASS (sh_people_parent_class)->finalize (object);
}

static void
sh_people_class_init (ShPeopleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sh_people_finalize;
}

static void
sh_people_init (ShPeople *self)
{
  self->people = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_target = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->linked = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
}

/* Named people by name (then network and id, for two of one name); the
 * unknown ones after them, in the order their tokens came. */
static int
compare_people (gconstpointer a,
                gconstpointer b)
{
  ShPerson *pa = *(ShPerson **) a, *pb = *(ShPerson **) b;
  int cmp;

  if ((pa->user_id == NULL) != (pb->user_id == NULL))
    return pa->user_id == NULL ? 1 : -1;
  if (pa->user_id == NULL)
    return pa->order < pb->order ? -1 : pa->order > pb->order;
  if ((cmp = g_utf8_collate (pa->name ?: "", pb->name ?: "")) != 0 ||
      (cmp = g_strcmp0 (pa->network, pb->network)) != 0)
    return cmp;
  return g_strcmp0 (pa->user_id, pb->user_id);
}

static int
compare_channels (gconstpointer a,
                  gconstpointer b)
{
  g_autofree char *na = dup_channel_name (*(ShChannel **) a);
  g_autofree char *nb = dup_channel_name (*(ShChannel **) b);

  return g_utf8_collate (na, nb);
}

/* One channel: each token to its person (made on first sight), and the
 * distinct people with a working token, whose count is people_linked. */
static void
add_channel (ShPeople  *self,
             ShChannel *channel,
             GPtrArray *linking)
{
  GListModel *tokens = sh_channel_get_tokens (channel);
  guint n = g_list_model_get_n_items (tokens);

  g_ptr_array_set_size (linking, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);
      g_autofree char *key = dup_person_key (token);
      ShPerson *person = g_hash_table_lookup (self->by_target, key);

      if (person == NULL)
        {
          person = person_new (token, self->people->len);
          g_ptr_array_add (self->people, person);
          g_hash_table_insert (self->by_target, g_steal_pointer (&key), person);
        }
      person_add_token (person, token);
      if (token_works (token) && !g_ptr_array_find (linking, person, NULL))
        g_ptr_array_add (linking, person);
    }

  g_hash_table_insert (self->linked, g_object_ref (channel), GUINT_TO_POINTER (linking->len));
  if (linking->len == 1)
    {
      ShPerson *only = g_ptr_array_index (linking, 0);

      g_ptr_array_add (only->sole_link_channels, g_object_ref (channel));
      self->n_single_person++;
    }
}

/**
 * sh_people_new:
 * @channels: a GListModel of ShChannel
 *
 * One pass over every channel's tokens.
 */
ShPeople *
sh_people_new (GListModel *channels)
{
  ShPeople *self;
  g_autoptr(GPtrArray) linking = g_ptr_array_new ();
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (channels), NULL);

  self = g_object_new (SH_TYPE_PEOPLE, NULL);
  n = g_list_model_get_n_items (channels);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);

      add_channel (self, channel, linking);
    }
  g_ptr_array_sort (self->people, compare_people);
  for (guint i = 0; i < self->people->len; i++)
    {
      ShPerson *person = g_ptr_array_index (self->people, i);

      g_ptr_array_sort (person->sole_link_channels, compare_channels);
    }
  return self;
}

ShPerson *
sh_people_lookup_target (ShPeople   *self,
                         const char *target)
{
  g_return_val_if_fail (SH_IS_PEOPLE (self), NULL);

  if (target == NULL || strchr (target, ':') == NULL)
    return NULL;
  return g_hash_table_lookup (self->by_target, target);
}

guint
sh_people_get_linked (ShPeople  *self,
                      ShChannel *channel)
{
  g_return_val_if_fail (SH_IS_PEOPLE (self), 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->linked, channel));
}

guint
sh_people_get_n_single_person_channels (ShPeople *self)
{
  g_return_val_if_fail (SH_IS_PEOPLE (self), 0);

  return self->n_single_person;
}

guint
sh_people_count_linked (ShChannel  *channel,
                        ShToken   **out_token)
{
  GListModel *tokens;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  guint n;

  g_return_val_if_fail (SH_IS_CHANNEL (channel), 0);

  if (out_token != NULL)
    *out_token = NULL;
  tokens = sh_channel_get_tokens (channel);
  n = g_list_model_get_n_items (tokens);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (tokens, i);
      char *key;

      if (!token_works (token))
        continue;
      key = dup_person_key (token);
      if (out_token != NULL)
        *out_token = token;   /* the channel holds it */
      if (g_ptr_array_find_with_equal_func (keys, key, g_str_equal, NULL))
        g_free (key);
      else
        g_ptr_array_add (keys, key);
    }
  return keys->len;
}
