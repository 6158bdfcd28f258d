/* rv-zip.h
 *
 * Copyright 2026 The RUC Validator authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 * along with this program.  If not, see <http://www.gnu.org/licenses/>.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "rv-sheet-reader-private.h"

G_BEGIN_DECLS

typedef struct _RvZip    RvZip;
typedef struct _RvZipXml RvZipXml;

RvZip            *_rv_zip_open               (RvReadContext  *ctx,
                                              GError        **error);
void              _rv_zip_free               (RvZip          *zip);
gboolean          _rv_zip_has_member         (RvZip          *zip,
                                              const char     *path);
char             *_rv_zip_read_small         (RvZip          *zip,
                                              const char     *path,
                                              gsize           max_bytes);
gboolean          _rv_zip_charge             (RvZip          *zip,
                                              guint64         bytes,
                                              GError        **error);

RvZipXml         *_rv_zip_xml_open           (RvZip          *zip,
                                              const char     *path,
                                              GError        **error);
void              _rv_zip_xml_free           (RvZipXml       *xml);
void              _rv_zip_xml_set_progress   (RvZipXml       *xml,
                                              double          base,
                                              double          span);
double            _rv_zip_xml_get_fraction   (RvZipXml       *xml);
int               _rv_zip_xml_read           (RvZipXml       *xml,
                                              GError        **error);
xmlTextReaderPtr  _rv_zip_xml_get_reader     (RvZipXml       *xml);
gboolean          _rv_zip_xml_is_element     (RvZipXml       *xml,
                                              const char     *ns,
                                              const char     *name);
gboolean          _rv_zip_xml_get_attribute  (RvZipXml       *xml,
                                              const char     *ns,
                                              const char     *name,
                                              GString        *value);

RvZipXml         *_rv_zip_xml_open_sax       (RvZip                *zip,
                                              const char           *path,
                                              const xmlSAXHandler  *sax,
                                              gpointer              user_data,
                                              GError              **error);
gboolean          _rv_zip_xml_parse          (RvZipXml             *xml,
                                              GError              **error);
void              _rv_zip_xml_stop           (RvZipXml             *xml,
                                              GError               *error);
const xmlChar    *_rv_zip_xml_intern         (RvZipXml             *xml,
                                              const char           *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RvZip, _rv_zip_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RvZipXml, _rv_zip_xml_free)

G_END_DECLS
