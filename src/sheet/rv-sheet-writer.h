/* rv-sheet-writer.h
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

#include "rv-result.h"
#include "rv-sheet.h"

G_BEGIN_DECLS

/**
 * RvExportRows:
 * @RV_EXPORT_ALL: every row
 * @RV_EXPORT_VALID: the header and the rows whose verdict is %RV_VERDICT_VALID
 * @RV_EXPORT_PROBLEMS: the header and the rows with any other verdict
 *
 * Which rows an export writes (`--only=all|valid|problems`).
 */
typedef enum
{
  RV_EXPORT_ALL,
  RV_EXPORT_VALID,
  RV_EXPORT_PROBLEMS,
} RvExportRows;

#define RV_TYPE_EXPORT_ROWS (rv_export_rows_get_type ())

GType     rv_export_rows_get_type  (void) G_GNUC_CONST;
gboolean  rv_export_rows_from_nick (const char         *nick,
                                    RvExportRows       *rows);

gboolean  rv_sheet_write_csv       (RvSheet            *sheet,
                                    int                 header_row,
                                    guint               first_row,
                                    RvResult * const   *results,
                                    RvExportRows        rows,
                                    const char         *path,
                                    GCancellable       *cancellable,
                                    GError            **error);

G_END_DECLS
