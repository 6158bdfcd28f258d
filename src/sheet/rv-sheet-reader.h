/* rv-sheet-reader.h
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

#include "rv-workbook.h"

G_BEGIN_DECLS

/**
 * RvReadProgress:
 * @fraction: how much of the file is read, 0 to 1
 * @user_data: the data given with the function
 */
typedef void (*RvReadProgress) (double   fraction,
                                gpointer user_data);

RvFileFormat  rv_sheet_sniff_format      (const char           *path,
                                          char                **what,
                                          GError              **error);
RvWorkbook   *rv_sheet_read_file         (const char           *path,
                                          GCancellable         *cancellable,
                                          RvReadProgress        progress,
                                          gpointer              progress_data,
                                          GError              **error);
void          rv_sheet_read_file_async   (const char           *path,
                                          GCancellable         *cancellable,
                                          RvReadProgress        progress,
                                          gpointer              progress_data,
                                          GDestroyNotify        progress_data_destroy,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
RvWorkbook   *rv_sheet_read_file_finish  (GAsyncResult         *result,
                                          GError              **error);
char         *rv_sheet_file_sha256       (GFile                *file,
                                          GCancellable         *cancellable,
                                          GError              **error);

G_END_DECLS
