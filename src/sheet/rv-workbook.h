/* rv-workbook.h
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

#include "rv-sheet.h"

G_BEGIN_DECLS

/**
 * RvFileFormat:
 * @RV_FILE_FORMAT_UNKNOWN: not known (yet)
 * @RV_FILE_FORMAT_CSV: delimited text
 * @RV_FILE_FORMAT_XLSX: Office Open XML workbook
 * @RV_FILE_FORMAT_ODS: OpenDocument spreadsheet
 * @RV_FILE_FORMAT_XLS: legacy Excel (BIFF) workbook
 */
typedef enum
{
  RV_FILE_FORMAT_UNKNOWN,
  RV_FILE_FORMAT_CSV,
  RV_FILE_FORMAT_XLSX,
  RV_FILE_FORMAT_ODS,
  RV_FILE_FORMAT_XLS,
} RvFileFormat;

#define RV_SHEET_ERROR (rv_sheet_error_quark ())

/**
 * RvSheetError:
 * @RV_SHEET_ERROR_IO: the file cannot be read
 * @RV_SHEET_ERROR_NOT_A_SPREADSHEET: the content is not a spreadsheet
 * @RV_SHEET_ERROR_TRUNCATED: the file ends too early (a truncated archive)
 * @RV_SHEET_ERROR_MALFORMED: the content is damaged or not what its format says
 * @RV_SHEET_ERROR_TOO_LARGE: past one of the limits
 * @RV_SHEET_ERROR_ENCODING: text in no encoding we can read
 * @RV_SHEET_ERROR_SHEET_NOT_FOUND: no sheet of that name or number
 * @RV_SHEET_ERROR_NO_RUC_COLUMN: no column holds RUC numbers
 * @RV_SHEET_ERROR_AMBIGUOUS_COLUMN: several columns could be the RUC column
 * @RV_SHEET_ERROR_COLUMN_NOT_FOUND: the column asked for does not exist
 * @RV_SHEET_ERROR_ENCRYPTED: the workbook is protected by a password
 *
 * Every message is one sentence that names the file and the reason.
 */
typedef enum
{
  RV_SHEET_ERROR_IO,
  RV_SHEET_ERROR_NOT_A_SPREADSHEET,
  RV_SHEET_ERROR_TRUNCATED,
  RV_SHEET_ERROR_MALFORMED,
  RV_SHEET_ERROR_TOO_LARGE,
  RV_SHEET_ERROR_ENCODING,
  RV_SHEET_ERROR_SHEET_NOT_FOUND,
  RV_SHEET_ERROR_NO_RUC_COLUMN,
  RV_SHEET_ERROR_AMBIGUOUS_COLUMN,
  RV_SHEET_ERROR_COLUMN_NOT_FOUND,
  RV_SHEET_ERROR_ENCRYPTED,
} RvSheetError;

/* Limits of the containers, on top of those of rv-sheet.h. */
#define RV_MAX_FILE_BYTES         (G_GUINT64_CONSTANT (1) << 30)   /* 1 GiB on disk */
#define RV_MAX_ENTRY_BYTES        (G_GUINT64_CONSTANT (2) << 30)   /* 2 GiB out of one ZIP entry */
#define RV_MAX_COMPRESSION_RATIO  200                               /* decompressed ÷ file size */

#define RV_TYPE_WORKBOOK     (rv_workbook_get_type ())
#define RV_TYPE_FILE_FORMAT  (rv_file_format_get_type ())

G_DECLARE_FINAL_TYPE (RvWorkbook, rv_workbook, RV, WORKBOOK, GObject)

GQuark        rv_sheet_error_quark         (void);
GType         rv_file_format_get_type      (void) G_GNUC_CONST;
const char   *rv_file_format_get_nick      (RvFileFormat  format);

RvWorkbook   *rv_workbook_new              (const char   *file_name,
                                            RvFileFormat  format);
const char   *rv_workbook_get_file_name    (RvWorkbook   *self);
RvFileFormat  rv_workbook_get_format       (RvWorkbook   *self);
const char   *rv_workbook_get_encoding     (RvWorkbook   *self);
void          rv_workbook_set_encoding     (RvWorkbook   *self,
                                            const char   *encoding);
char          rv_workbook_get_delimiter    (RvWorkbook   *self);
void          rv_workbook_set_delimiter    (RvWorkbook   *self,
                                            char          delimiter);
guint         rv_workbook_get_n_sheets     (RvWorkbook   *self);
RvSheet      *rv_workbook_get_sheet        (RvWorkbook   *self,
                                            guint         index);
void          rv_workbook_add_sheet        (RvWorkbook   *self,
                                            RvSheet      *sheet);
RvSheet      *rv_workbook_find_sheet       (RvWorkbook   *self,
                                            const char   *name_or_number,
                                            GError      **error);

G_END_DECLS
