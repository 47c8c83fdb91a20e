/* sh-people.h — who the channels hang on: the people who granted tokens.
 *
 * A person is a network and the network's user id of a token's owner, with
 * the owner's name. Tokens without an owner id (a pasted Page token, an
 * owner the network did not name) are counted as few people as they can
 * be: those of one network given the same owner name (--owner, the paste
 * page) are that one person, as the user said; those without even a name
 * are one group, "Tokens without an owner". Counting them as a person each
 * would claim links a channel may not have (two pasted tokens of one admin
 * are one person leaving).
 *
 * A token works when its effective state is usable (valid or expiring), as
 * the channel's own count of valid tokens says. A channel's people_linked is
 * the number of distinct people with a working token on it; it is a person's
 * sole link channel when that person is the only one (people_linked == 1).
 *
 * ShPeople is a snapshot, derived in one pass over the channels' tokens: the
 * command line makes one per command, the window one whenever it shows the
 * People page. It holds references to the channels and tokens, never their
 * secrets. It is a GListModel of ShPerson, sorted: named people by name,
 * then the unknown ones in the channels' order.
 */
#pragma once

#include <gio/gio.h>

#include "sh-channel.h"

G_BEGIN_DECLS

#define SH_TYPE_PERSON (sh_person_get_type ())
G_DECLARE_FINAL_TYPE (ShPerson, sh_person, SH, PERSON, GObject)

#define SH_TYPE_PEOPLE (sh_people_get_type ())
G_DECLARE_FINAL_TYPE (ShPeople, sh_people, SH, PEOPLE, GObject)

const char *sh_person_get_network            (ShPerson   *self);
/* NULL for an unknown person. */
const char *sh_person_get_user_id            (ShPerson   *self);
/* The owner's name as stored (untrusted; NULL when none). */
const char *sh_person_get_name               (ShPerson   *self);
/* ShToken, in the channels' order. */
GPtrArray  *sh_person_get_tokens             (ShPerson   *self);
/* ShChannel that only this person's tokens link now, by name. */
GPtrArray  *sh_person_get_sole_link_channels (ShPerson   *self);
guint       sh_person_get_n_working          (ShPerson   *self);
/* The name to show: sanitized; for an owner the network named by id only,
 * "Person with id 10001"; for the tokens without an owner, "Tokens without
 * an owner". */
char       *sh_person_dup_display_name       (ShPerson   *self);
/* "If Ana’s tokens stop working, Florist and 6 more channels lose their
 * last link." (and the wordings for one channel, none, and no token that
 * works now). Names sanitized. */
char       *sh_person_dup_sentence           (ShPerson   *self);
/* "NETWORK:USER_ID", what app.show-person takes; NULL without an owner id. */
char       *sh_person_dup_target             (ShPerson   *self);

ShPeople   *sh_people_new                    (GListModel *channels);
/* The person of a target "NETWORK:USER_ID", or NULL. */
ShPerson   *sh_people_lookup_target          (ShPeople   *self,
                                              const char *target);
/* people_linked of @channel (0 for a channel the snapshot does not hold). */
guint       sh_people_get_linked             (ShPeople   *self,
                                              ShChannel  *channel);
/* How many channels hang on one person (people_linked == 1). */
guint       sh_people_get_n_single_person_channels (ShPeople *self);

/* people_linked of one channel without a snapshot (a row of the list):
 * the same rule over its own tokens. @out_token (optional): a working
 * token of the last person counted, who is the only one when 1 is returned. */
guint       sh_people_count_linked           (ShChannel  *channel,
                                              ShToken   **out_token);
/* @token's owner in running text: "Ana", "the person with id 10001"
 * (sanitized), or NULL when the token has neither a name nor an id. */
char       *sh_people_dup_owner_phrase       (ShToken    *token);

G_END_DECLS
