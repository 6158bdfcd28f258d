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

/**
 * RvExportFormat:
 * @RV_EXPORT_FORMAT_CSV: UTF-8 CSV with a BOM (`.csv`)
 * @RV_EXPORT_FORMAT_XLSX: an Excel workbook (`.xlsx`)
 * @RV_EXPORT_FORMAT_ODS: an OpenDocument spreadsheet (`.ods`)
 *
 * The file an export writes, chosen by the extension of its name.
 */
typedef enum
{
  RV_EXPORT_FORMAT_CSV,
  RV_EXPORT_FORMAT_XLSX,
  RV_EXPORT_FORMAT_ODS,
} RvExportFormat;

/**
 * RvExportSummary:
 * @file_name: the input file's name, as shown to the user
 * @file_sha256: (nullable): the input file's SHA-256, in lower-case hex
 * @sheet_name: (nullable): the sheet that was checked
 * @column: (nullable): the RUC column, as shown to the user ("B · RUC")
 * @provider: who answered, as shown to the user ("APIMIGO", "Offline: check digits only")
 * @padron_date: (nullable): the date of the padrón used, when one was
 * @started_at: (nullable): when the run started; %NULL for the time of the export
 * @total: rows checked
 * @unique: distinct values checked
 * @counts: distinct values per #RvVerdict
 * @cache_hits: answers taken from the database
 * @requests: requests sent to a provider
 *
 * What the Summary sheet of an XLSX or ODS export tells an auditor about the run.
 */
typedef struct
{
  const char *file_name;
  const char *file_sha256;
  const char *sheet_name;
  const char *column;
  const char *provider;
  const char *padron_date;
  GDateTime  *started_at;
  guint       total;
  guint       unique;
  guint       counts[RV_N_VERDICTS];
  guint       cache_hits;
  guint       requests;
} RvExportSummary;

/**
 * RvExport:
 * @sheet: the sheet as it was read
 * @header_row: its header row, or -1 when it has none
 * @first_row: its first data row (the row below the header)
 * @ruc_column: the column the RUCs were read from (written as text), or -1
 * @results: (array) (nullable): one result per row of @sheet, %NULL for rows without one
 *   (titles, the header, blank rows); may be %NULL only for a sheet without rows
 * @rows: which rows to write
 * @summary: (nullable): the run, for the Summary sheet; required for XLSX and ODS
 *
 * What an export writes: the user's sheet, every row and column in order (or the rows
 * @rows selects), with the result columns appended; in XLSX and ODS, also a Problems
 * sheet (with %RV_EXPORT_ALL) and a Summary sheet.
 */
typedef struct
{
  RvSheet                *sheet;
  int                     header_row;
  guint                   first_row;
  int                     ruc_column;
  RvResult * const       *results;
  RvExportRows            rows;
  const RvExportSummary  *summary;
} RvExport;

#define RV_TYPE_EXPORT_ROWS   (rv_export_rows_get_type ())
#define RV_TYPE_EXPORT_FORMAT (rv_export_format_get_type ())

GType       rv_export_rows_get_type           (void) G_GNUC_CONST;
GType       rv_export_format_get_type         (void) G_GNUC_CONST;
gboolean    rv_export_rows_from_nick          (const char             *nick,
                                               RvExportRows           *rows);
gboolean    rv_export_format_from_path        (const char             *path,
                                               RvExportFormat         *format);
const char *rv_export_format_get_extension    (RvExportFormat          format);

gboolean    rv_export_write                   (const RvExport         *export,
                                               RvExportFormat          format,
                                               const char             *path,
                                               GCancellable           *cancellable,
                                               GError                **error);

void        rv_export_write_async             (const RvExport         *export,
                                               RvExportFormat          format,
                                               const char             *path,
                                               GCancellable           *cancellable,
                                               GAsyncReadyCallback     callback,
                                               gpointer                user_data);
gboolean    rv_export_write_finish            (GAsyncResult           *result,
                                               GError                **error);

gboolean    rv_sheet_write_csv                (RvSheet                *sheet,
                                               int                     header_row,
                                               guint                   first_row,
                                               RvResult * const       *results,
                                               RvExportRows            rows,
                                               const char             *path,
                                               GCancellable           *cancellable,
                                               GError                **error);

G_END_DECLS
