/* sh-channel-sections.h — the channels as one flat list: a heading for each
 * health state that has channels, then those channels by name. */
#pragma once

#include <gio/gio.h>

#include "sh-channel.h"
#include "sh-enums.h"

G_BEGIN_DECLS

#define SH_TYPE_SECTION_HEADING (sh_section_heading_get_type ())
G_DECLARE_FINAL_TYPE (ShSectionHeading, sh_section_heading, SH, SECTION_HEADING, GObject)

ShChannelState  sh_section_heading_get_state       (ShSectionHeading *self);
const char     *sh_section_heading_get_title       (ShSectionHeading *self);
const char     *sh_section_heading_get_description (ShSectionHeading *self);
guint           sh_section_heading_get_n_channels  (ShSectionHeading *self);

#define SH_TYPE_CHANNEL_SECTIONS (sh_channel_sections_get_type ())
G_DECLARE_FINAL_TYPE (ShChannelSections, sh_channel_sections, SH, CHANNEL_SECTIONS, GObject)

ShChannelSections *sh_channel_sections_new             (GListModel        *channels);
void               sh_channel_sections_set_search      (ShChannelSections *self,
                                                        const char        *search);
const char        *sh_channel_sections_get_search      (ShChannelSections *self);
guint              sh_channel_sections_get_n_channels  (ShChannelSections *self);
GListModel        *sh_channel_sections_get_section     (ShChannelSections *self,
                                                        ShChannelState     state);
void               sh_channel_sections_queue_refilter  (ShChannelSections *self);
void               sh_channel_sections_queue_resort    (ShChannelSections *self);
void               sh_channel_sections_flush           (ShChannelSections *self);

G_END_DECLS
