/* rv-sheet-reader-private.h
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

#include <gsf/gsf.h>

#include "rv-sheet-reader.h"

G_BEGIN_DECLS

/* libgsf 1.14 declares no cleanup functions. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfInput, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfInfile, g_object_unref)

/*
 * The protocol every reader follows. A reader:
 *  - runs in a worker thread, never touches the main context;
 *  - appends sheets to @workbook in workbook order and fills them with rv_sheet_set_cell(),
 *    rows in increasing order, trailing empty cells left out;
 *  - calls _rv_read_context_progress() now and then (it returns FALSE when cancelled, and the
 *    reader then returns FALSE with the error it sets);
 *  - on failure returns FALSE with an RV_SHEET_ERROR (or G_IO_ERROR_CANCELLED) whose message
 *    is one sentence naming ctx->display_name and the reason;
 *  - never crashes, hangs or allocates without bound on any input: it enforces the limits of
 *    rv-sheet.h and rv-workbook.h.
 */

typedef struct
{
  const char         *path;          /* the file to read */
  const char         *display_name;  /* how messages name it: its basename */
  guint64             file_size;
  GCancellable       *cancellable;
  RvReadProgress      progress;
  gpointer            progress_data;
} RvReadContext;

gboolean  _rv_read_context_progress (RvReadContext  *ctx,
                                     double          fraction,
                                     GError        **error);

gboolean  _rv_csv_read              (RvReadContext  *ctx,
                                     RvWorkbook     *workbook,
                                     GError        **error);
gboolean  _rv_xlsx_read             (RvReadContext  *ctx,
                                     RvWorkbook     *workbook,
                                     GError        **error);
gboolean  _rv_ods_read              (RvReadContext  *ctx,
                                     RvWorkbook     *workbook,
                                     GError        **error);
gboolean  _rv_xls_read              (RvReadContext  *ctx,
                                     RvWorkbook     *workbook,
                                     GError        **error);

/* Shared by the readers: "20131312955" for 20131312955.0, the shortest exact text otherwise. */
void      _rv_format_number         (double          value,
                                     char            buffer[G_ASCII_DTOSTR_BUF_SIZE]);
/* A spreadsheet serial day number (1900 system, Excel's leap-year bug included, or 1904)
 * as "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS". */
gboolean  _rv_format_serial_date    (double          serial,
                                     gboolean        date_1904,
                                     char            buffer[32]);

G_END_DECLS
