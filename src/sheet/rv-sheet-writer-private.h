/* rv-sheet-writer-private.h
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

#include "rv-sheet-writer.h"

G_BEGIN_DECLS

/*
 * The protocol the writers share. rv_export_write() builds an RvExportPlan from the
 * RvExport: which sheets, in order, which rows of each, and every cell's text, kind and
 * style. Each writer only serialises the plan, so that CSV, XLSX and ODS say the same.
 *
 *  - Sheet 0 is the user's sheet with the result columns appended; the CSV writer writes
 *    it alone. XLSX and ODS add "Problems" (with RV_EXPORT_ALL) and "Summary".
 *  - Rows are fetched in order, 0 … n_rows - 1, one at a time: a row's cells stay valid
 *    until the next call. Writers never keep a whole sheet in memory.
 *  - A cell's text is UTF-8 and never NULL ("" for an empty cell, whose kind is
 *    RV_CELL_EMPTY). Its kind is what the writer writes: RV_CELL_TEXT is a text cell even
 *    when it looks like a number (RUCs, DNIs, ubigeos); RV_CELL_NUMBER text parses with
 *    g_ascii_strtod(); RV_CELL_BOOLEAN is "TRUE" or "FALSE"; RV_CELL_DATE is "YYYY-MM-DD",
 *    "YYYY-MM-DD HH:MM:SS" or, for a time alone, "1900-01-00 HH:MM:SS" (a writer that
 *    cannot express a text as a date writes it as text); RV_CELL_ERROR ("#N/A") is
 *    written as text.
 *  - Texts may hold any character, control characters included: a writer makes them
 *    fit its format (XML cannot hold most control characters; XLSX cells end at 32,767
 *    characters).
 *  - The writers run in any thread and look at the cancellable every few thousand rows.
 */

/**
 * RvExportStyle:
 * @RV_EXPORT_STYLE_NONE: as it comes (dates get a date format)
 * @RV_EXPORT_STYLE_HEADER: a column title on the header row: bold
 * @RV_EXPORT_STYLE_TITLE: the Summary's title: bold and larger
 * @RV_EXPORT_STYLE_LABEL: a label on the Summary: bold
 * @RV_EXPORT_STYLE_VALUE: a value on the Summary: aligned left, next to its label, numbers
 *   too
 * @RV_EXPORT_STYLE_VERDICT: the first of RV_N_VERDICTS styles, in #RvVerdict order: the
 *   verdict's colours (_rv_export_get_verdict_colors()), bold
 */
typedef enum
{
  RV_EXPORT_STYLE_NONE,
  RV_EXPORT_STYLE_HEADER,
  RV_EXPORT_STYLE_TITLE,
  RV_EXPORT_STYLE_LABEL,
  RV_EXPORT_STYLE_VALUE,
  RV_EXPORT_STYLE_VERDICT,
  RV_N_EXPORT_STYLES = RV_EXPORT_STYLE_VERDICT + RV_N_VERDICTS,
} RvExportStyle;

#define RV_EXPORT_STYLE_FOR_VERDICT(verdict) ((RvExportStyle) (RV_EXPORT_STYLE_VERDICT + (verdict)))

/* A verdict's colours, as 0xRRGGBB. */
typedef struct
{
  guint32 fill;
  guint32 font;
} RvExportColors;

typedef struct
{
  const char    *text;
  RvCellKind     kind;
  RvExportStyle  style;
} RvExportCell;

/* The limits of a spreadsheet file (Excel's, which LibreOffice shares). */
#define RV_EXPORT_MAX_ROWS       1048576
#define RV_EXPORT_MAX_COLUMNS    16384

typedef struct _RvExportPlan RvExportPlan;

RvExportPlan         *_rv_export_plan_new              (const RvExport       *export,
                                                        RvExportFormat        format,
                                                        const char           *display_name,
                                                        GError              **error);
void                  _rv_export_plan_free             (RvExportPlan         *plan);
GCancellable         *_rv_export_plan_get_cancellable  (RvExportPlan         *plan);
void                  _rv_export_plan_set_cancellable  (RvExportPlan         *plan,
                                                        GCancellable         *cancellable);
const char           *_rv_export_plan_get_title        (RvExportPlan         *plan);
guint                 _rv_export_plan_get_n_sheets     (RvExportPlan         *plan);
const char           *_rv_export_plan_get_sheet_name   (RvExportPlan         *plan,
                                                        guint                 sheet);
guint                 _rv_export_plan_get_n_rows       (RvExportPlan         *plan,
                                                        guint                 sheet);
guint                 _rv_export_plan_get_n_columns    (RvExportPlan         *plan,
                                                        guint                 sheet);
int                   _rv_export_plan_get_header_row   (RvExportPlan         *plan,
                                                        guint                 sheet);
double                _rv_export_plan_get_column_width (RvExportPlan         *plan,
                                                        guint                 sheet,
                                                        guint                 column);
const RvExportCell   *_rv_export_plan_get_row          (RvExportPlan         *plan,
                                                        guint                 sheet,
                                                        guint                 row);
const RvExportColors *_rv_export_get_verdict_colors    (RvVerdict             verdict);
gboolean              _rv_export_is_plain_number       (const char           *text);

/* The writers: each writes @plan whole, or fails with @error (G_IO_ERROR_CANCELLED when
 * the plan's cancellable is cancelled). Safe replacement, the temporary file and the
 * message naming the destination are rv_export_write()'s.
 */
gboolean  _rv_csv_write   (RvExportPlan   *plan,
                           GOutputStream  *stream,
                           GError        **error);
gboolean  _rv_ods_write   (RvExportPlan   *plan,
                           GOutputStream  *stream,
                           GError        **error);
/* libxlsxwriter writes to a file name: @path is the temporary file, already created. */
gboolean  _rv_xlsx_write  (RvExportPlan   *plan,
                           const char     *path,
                           GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RvExportPlan, _rv_export_plan_free)

G_END_DECLS
