/* rv-test-sheet.h
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

#include "rv-sheet-reader-private.h"

G_BEGIN_DECLS

/* What the reader tests share: fixtures, reading a file with one reader, checking cells. */

/* A bad file is refused within this time, whatever it holds. */
#define RV_TEST_QUICKLY_US (5 * G_USEC_PER_SEC)

typedef gboolean (*RvTestReader) (RvReadContext  *ctx,
                                  RvWorkbook     *workbook,
                                  GError        **error);

/* A reader's context over a file, recording progress; cancels past @cancel_at (if > 0). */
typedef struct
{
  RvReadContext  ctx;
  char          *path;
  char          *display_name;
  GArray        *fractions;    /* double: what progress reported */
  double         cancel_at;    /* cancel once progress passes this, if above 0 */
} RvTestReading;

void        rv_test_reading_init  (RvTestReading   *reading,
                                   const char      *path);
void        rv_test_reading_clear (RvTestReading   *reading);
char       *rv_test_fixture       (const char      *folder,
                                   const char      *name);
RvWorkbook *rv_test_read          (RvTestReader     reader,
                                   RvFileFormat     format,
                                   const char      *path,
                                   GCancellable    *cancellable,
                                   RvReadProgress   progress,
                                   gpointer         progress_data,
                                   GError         **error);
void        rv_test_check_cell    (RvSheet         *sheet,
                                   const char      *reference,
                                   const char      *expected);
RvSheet    *rv_test_get_sheet     (RvWorkbook      *workbook,
                                   guint            index,
                                   const char      *name,
                                   guint            n_rows,
                                   guint            n_columns);
void        rv_test_check_refused (RvTestReader     reader,
                                   RvFileFormat     format,
                                   const char      *path,
                                   GQuark           domain,
                                   int              code,
                                   const char      *message_part);

void        rv_test_check_suppliers (RvWorkbook    *workbook);
/* What a reader's progress reports said; cancels @cancellable at the first, if set. */
typedef struct
{
  GCancellable *cancellable;
  guint         calls;
  double        last;
  gboolean      backwards;
} RvTestProgress;

void        rv_test_progress_cb   (double           fraction,
                                   gpointer         user_data);
char       *rv_test_make_ruc      (const char      *prefix,
                                   guint            n);
char       *rv_test_make_dir      (const char      *name);
void        rv_test_remove_tree   (const char      *path);

G_END_DECLS
