/* rv-test-export.h
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

#include "rv-sheet-writer-private.h"
#include "rv-workbook.h"

G_BEGIN_DECLS

/*
 * What the export tests share: a sheet with everything an export must keep (titles above
 * the header, numbers, dates, booleans, an error, a RUC column read as numbers, a DNI
 * with a leading zero, nasty texts, a blank row) and results of every verdict; and a
 * check that a file read back with our own readers holds what the plan says, cell by cell.
 */

typedef struct
{
  RvSheet         *sheet;
  GPtrArray       *results;    /* RvResult, one per row of @sheet, NULL for none */
  GDateTime       *started_at;
  RvExportSummary  summary;
  RvExport         export;
} RvTestExport;

RvTestExport *rv_test_export_new            (void);
void          rv_test_export_free           (RvTestExport    *self);
RvResult     *rv_test_export_answer         (const char      *raw,
                                             gboolean         found,
                                             const char      *name,
                                             const char      *state,
                                             const char      *condition);
void          rv_test_export_write          (const RvExport  *export,
                                             RvExportFormat   format,
                                             const char      *path);
RvWorkbook   *rv_test_export_read_back      (RvExportFormat   format,
                                             const char      *path);
void          rv_test_export_check_workbook (const RvExport  *export,
                                             RvExportFormat   format,
                                             RvWorkbook      *workbook);
void          rv_test_export_check_sheet    (RvExportPlan    *plan,
                                             guint            index,
                                             RvSheet         *sheet);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RvTestExport, rv_test_export_free)

G_END_DECLS
