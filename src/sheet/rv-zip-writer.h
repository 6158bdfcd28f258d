/* rv-zip-writer.h
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

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _RvZipWriter RvZipWriter;

/* Without ZIP64, no member and no archive may reach 4 GiB, nor hold more members. */
#define RV_ZIP_WRITER_MAX_BYTES    G_MAXUINT32
#define RV_ZIP_WRITER_MAX_MEMBERS  G_MAXUINT16

RvZipWriter *_rv_zip_writer_new        (GOutputStream  *stream,
                                        GCancellable   *cancellable);
void         _rv_zip_writer_free       (RvZipWriter    *self);
gboolean     _rv_zip_writer_add_stored (RvZipWriter    *self,
                                        const char     *name,
                                        const void     *data,
                                        gsize           length,
                                        GError        **error);
gboolean     _rv_zip_writer_begin      (RvZipWriter    *self,
                                        const char     *name,
                                        int             level,
                                        GError        **error);
gboolean     _rv_zip_writer_write      (RvZipWriter    *self,
                                        const void     *data,
                                        gsize           length,
                                        GError        **error);
gboolean     _rv_zip_writer_end        (RvZipWriter    *self,
                                        GError        **error);
gboolean     _rv_zip_writer_finish     (RvZipWriter    *self,
                                        GError        **error);

/* For the tests: limits low enough to reach. */
void         _rv_zip_writer_set_limits (RvZipWriter    *self,
                                        guint64         max_bytes,
                                        guint           max_members);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RvZipWriter, _rv_zip_writer_free)

G_END_DECLS
