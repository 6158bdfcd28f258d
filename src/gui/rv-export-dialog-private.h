/* rv-export-dialog-private.h
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

#include "rv-export-dialog.h"

G_BEGIN_DECLS

/* For the tests: what the file chooser's Accept does, and what it suggests. */

void          _rv_export_dialog_export_to       (RvExportDialog       *self,
                                                 GFile                *file);
char         *_rv_export_dialog_suggest_name    (const char           *input_path,
                                                 RvExportFormat        format);
GCancellable *_rv_export_dialog_get_cancellable (RvExportDialog       *self);

void          _rv_show_in_folder_async          (GtkWindow            *parent,
                                                 GFile                *file,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean      _rv_show_in_folder_finish         (GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
