/* rv-cli.h
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

#include <glib.h>

#include "rv-workbook.h"

G_BEGIN_DECLS

/**
 * RvExitStatus:
 *
 * Exit statuses of the command-line modes (see DESIGN.md).
 */
typedef enum
{
  RV_EXIT_OK = 0,
  RV_EXIT_FAILURE = 1,
  RV_EXIT_USAGE = 2,
  RV_EXIT_PENDING = 3,
} RvExitStatus;

gboolean rv_cli_handle      (char ***arguments,
                             int     *exit_status);
int      rv_cli_check       (const char * const *values);
int      rv_cli_inspect     (const char         *path,
                             const char         *sheet_spec,
                             const char         *column_spec);

RvWorkbook *rv_cli_read_file         (const char    *path,
                                      GError       **error);
char       *rv_cli_dup_column_error  (const GError  *error);

G_END_DECLS
