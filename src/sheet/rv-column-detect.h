/* rv-column-detect.h
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

#include <glib-object.h>

#include "rv-workbook.h"

G_BEGIN_DECLS

/**
 * RvColumnCandidate:
 * @column: the column, from 0
 * @score: how much it looks like the RUC column (higher is better)
 * @header: (nullable): its header text, when the sheet has a header row
 * @ids: cells of the sample that hold a RUC or DNI (well formed or not)
 * @filled: non-empty cells of the sample
 *
 * A column that could hold the RUC numbers.
 */
typedef struct
{
  guint   column;
  double  score;
  char   *header;
  guint   ids;
  guint   filled;
} RvColumnCandidate;

typedef struct _RvColumnGuess RvColumnGuess;

#define RV_TYPE_COLUMN_GUESS (rv_column_guess_get_type ())

GType                     rv_column_guess_get_type        (void) G_GNUC_CONST;
RvColumnGuess            *rv_column_detect                (RvSheet        *sheet);
RvColumnGuess            *rv_column_guess_ref             (RvColumnGuess  *self);
void                      rv_column_guess_unref           (RvColumnGuess  *self);
RvSheet                  *rv_column_guess_get_sheet       (RvColumnGuess  *self);
int                       rv_column_guess_get_header_row  (RvColumnGuess  *self);
guint                     rv_column_guess_get_first_row   (RvColumnGuess  *self);
int                       rv_column_guess_get_ruc_column  (RvColumnGuess  *self);
gboolean                  rv_column_guess_is_ambiguous    (RvColumnGuess  *self);
int                       rv_column_guess_get_name_column (RvColumnGuess  *self);
guint                     rv_column_guess_get_n_candidates (RvColumnGuess *self);
const RvColumnCandidate  *rv_column_guess_get_candidate   (RvColumnGuess  *self,
                                                           guint           index);
const char               *rv_column_guess_get_header      (RvColumnGuess  *self,
                                                           guint           column);
gboolean                  rv_column_guess_set_column      (RvColumnGuess  *self,
                                                           const char     *spec,
                                                           const char     *file_name,
                                                           GError        **error);
RvColumnGuess            *rv_column_detect_first_sheet    (RvWorkbook     *workbook,
                                                           guint          *sheet);
RvColumnGuess            *rv_column_detect_workbook       (RvWorkbook     *workbook,
                                                           const char     *sheet_spec,
                                                           const char     *column_spec,
                                                           GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RvColumnGuess, rv_column_guess_unref)

G_END_DECLS
