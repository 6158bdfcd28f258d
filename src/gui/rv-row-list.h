/* rv-row-list.h
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

#include "rv-batch.h"
#include "rv-row.h"
#include "rv-sheet.h"

G_BEGIN_DECLS

#define RV_TYPE_ROW_LIST (rv_row_list_get_type ())

G_DECLARE_FINAL_TYPE (RvRowList, rv_row_list, RV, ROW_LIST, GObject)

RvRowList   *rv_row_list_new         (RvBatch     *batch,
                                      RvSheet     *sheet,
                                      guint        column);
RvBatch     *rv_row_list_get_batch   (RvRowList   *self);
RvRow       *rv_row_list_find_row    (RvRowList   *self,
                                      guint        index);

G_END_DECLS
