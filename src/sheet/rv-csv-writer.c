/* rv-csv-writer.c
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

#define G_LOG_DOMAIN "rv-csv-writer"

#include "config.h"

#include "rv-sheet-writer-private.h"

#include <string.h>

/*
 * The CSV writer: the sheet as it was read, every row and column in order, with the result
 * columns appended. The text is UTF-8 with a BOM (so that Excel does not read it as
 * Windows-1252), comma-separated, with CRLF line ends and RFC 4180 quoting.
 *
 * A cell that a spreadsheet would take for a formula (=, +, -, @, tab or CR first) gets a
 * leading apostrophe, so that opening the file never runs anything a supplier typed into
 * its name; a plain number such as "-125.50" is left alone, since it computes nothing.
 *
 * It writes the first sheet of the plan (rv-export-plan.c), the one with the user's rows;
 * rv_export_write() gives it the temporary file and puts it in place.
 */

/* Bytes gathered before each write to the file. */
#define BUFFER_SIZE     (64 * 1024)
/* Rows written between two looks at the cancellable. */
#define CANCEL_INTERVAL 1024

#define UTF8_BOM "\xef\xbb\xbf"

typedef struct
{
  GOutputStream *stream;
  GCancellable  *cancellable;
  gsize          length;
  char           buffer[BUFFER_SIZE];
} CsvWriter;

static gboolean
csv_writer_flush (CsvWriter  *self,
                  GError    **error)
{
  gboolean ok;

  if (self->length == 0)
    return TRUE;

  ok = g_output_stream_write_all (self->stream, self->buffer, self->length, NULL,
                                  self->cancellable, error);
  self->length = 0;
  return ok;
}

static gboolean
csv_writer_append (CsvWriter   *self,
                   const char  *data,
                   gsize        length,
                   GError     **error)
{
  if (length > BUFFER_SIZE - self->length)
    {
      if (!csv_writer_flush (self, error))
        return FALSE;

      /* A cell larger than the buffer goes straight to the file. */
      if (length > BUFFER_SIZE)
        return g_output_stream_write_all (self->stream, data, length, NULL,
                                          self->cancellable, error);
    }

  memcpy (self->buffer + self->length, data, length);
  self->length += length;
  return TRUE;
}

static inline gboolean
csv_writer_append_char (CsvWriter  *self,
                        char        c,
                        GError    **error)
{
  if (self->length == BUFFER_SIZE && !csv_writer_flush (self, error))
    return FALSE;

  self->buffer[self->length++] = c;
  return TRUE;
}


/* Whether a spreadsheet opening the file would evaluate @text. */
static gboolean
needs_neutralising (const char *text)
{
  switch (text[0])
    {
    case '=':
    case '@':
    case '\t':
    case '\r':
      return TRUE;

    case '+':
    case '-':
      return !_rv_export_is_plain_number (text);

    default:
      return FALSE;
    }
}

static gboolean
csv_writer_field (CsvWriter   *self,
                  const char  *text,
                  gboolean     first,
                  GError     **error)
{
  gboolean neutralise;
  gboolean quote;
  gsize length;

  g_assert (text != NULL);

  if (!first && !csv_writer_append_char (self, ',', error))
    return FALSE;

  if (text[0] == 0)
    return TRUE;

  length = strlen (text);
  neutralise = needs_neutralising (text);
  /* RFC 4180, and blanks at either end, which some readers would trim otherwise. */
  quote = text[0] == ' ' || text[length - 1] == ' ' || strpbrk (text, ",\"\r\n") != NULL;

  if (!quote)
    {
      if (neutralise && !csv_writer_append_char (self, '\'', error))
        return FALSE;
      return csv_writer_append (self, text, length, error);
    }

  if (!csv_writer_append_char (self, '"', error))
    return FALSE;
  if (neutralise && !csv_writer_append_char (self, '\'', error))
    return FALSE;

  for (const char *p = text; *p != 0;)
    {
      const char *q = strchr (p, '"');
      gsize run = q != NULL ? (gsize) (q - p + 1) : strlen (p);

      /* Up to and including a quote, which is then doubled. */
      if (!csv_writer_append (self, p, run, error))
        return FALSE;
      if (q != NULL && !csv_writer_append_char (self, '"', error))
        return FALSE;
      p += run;
    }

  return csv_writer_append_char (self, '"', error);
}

static gboolean
csv_writer_end_line (CsvWriter  *self,
                     GError    **error)
{
  return csv_writer_append (self, "\r\n", 2, error);
}

static gboolean
write_sheet (CsvWriter     *self,
             RvExportPlan  *plan,
             GError       **error)
{
  guint n_rows = _rv_export_plan_get_n_rows (plan, 0);
  guint n_columns = _rv_export_plan_get_n_columns (plan, 0);

  if (!csv_writer_append (self, UTF8_BOM, strlen (UTF8_BOM), error))
    return FALSE;

  for (guint row = 0; row < n_rows; row++)
    {
      const RvExportCell *cells;

      if (row % CANCEL_INTERVAL == 0 &&
          g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;

      cells = _rv_export_plan_get_row (plan, 0, row);
      for (guint column = 0; column < n_columns; column++)
        {
          if (!csv_writer_field (self, cells[column].text, column == 0, error))
            return FALSE;
        }
      if (!csv_writer_end_line (self, error))
        return FALSE;
    }

  return csv_writer_flush (self, error);
}

gboolean
_rv_csv_write (RvExportPlan   *plan,
               GOutputStream  *stream,
               GError        **error)
{
  g_autofree CsvWriter *writer = g_new (CsvWriter, 1);

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  writer->stream = stream;
  writer->cancellable = _rv_export_plan_get_cancellable (plan);
  writer->length = 0;

  return write_sheet (writer, plan, error);
}
