/* rv-export-dialog.h
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

#include <adwaita.h>

#include "rv-sheet-writer.h"

G_BEGIN_DECLS

#define RV_TYPE_EXPORT_DIALOG (rv_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (RvExportDialog, rv_export_dialog, RV, EXPORT_DIALOG, AdwWindow)

RvExportDialog *rv_export_dialog_new        (GtkWindow       *parent,
                                             const RvExport  *export,
                                             const char      *input_path);
void            rv_export_dialog_present    (RvExportDialog  *self);
RvExportFormat  rv_export_dialog_get_format (RvExportDialog  *self);
void            rv_export_dialog_set_format (RvExportDialog  *self,
                                             RvExportFormat   format);
RvExportRows    rv_export_dialog_get_rows   (RvExportDialog  *self);
void            rv_export_dialog_set_rows   (RvExportDialog  *self,
                                             RvExportRows     rows);

void            rv_show_in_folder           (GtkWindow       *parent,
                                             GFile           *file);

G_END_DECLS
