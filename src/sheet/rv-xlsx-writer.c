/* rv-xlsx-writer.c
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

#define G_LOG_DOMAIN "rv-xlsx-writer"

#include "config.h"

#include "rv-sheet-writer-private.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <xlsxwriter.h>

/*
 * The XLSX writer: an RvExportPlan serialised with libxlsxwriter, one worksheet per sheet
 * of the plan. libxlsxwriter runs in constant-memory mode: each row goes to a temporary
 * file as soon as the next one starts, and texts are stored inline, so memory stays flat
 * however long the sheet.
 *
 * A few things libxlsxwriter 1.1.4 leaves to its caller:
 *
 *  - It prints numbers with the C library's "%.16G", which follows the thread's LC_NUMERIC:
 *    under es_ES, 0.5 would become "0,5" and Excel would call the file damaged. The
 *    whole write runs under a per-thread locale whose numbers are C's (uselocale() changes
 *    nothing for other threads, unlike setlocale()).
 *  - It escapes control characters as "_x0001_", but not a text that already looks like
 *    such an escape: "_x0041_" typed into a cell would open as "A". Those underscores are
 *    written as "_x005F_", as Excel does. U+FFFE and U+FFFF, which XML cannot hold, are
 *    escaped too.
 *  - lxw_workbook_free() does not close the worksheets' temporary files, and writes to
 *    them are not checked: a cancelled write closes them itself, and each sheet's file is
 *    asked for errors once its rows are written. A workbook_close() that fails (a full
 *    disk) leaves them open too, and nothing safe can be done about it from here; the
 *    destination is at least tried before any row is written.
 *
 * Dates are written as Excel serial numbers computed here (the 1900 system, with Lotus'
 * 1900-02-29), with a date format, so that a spreadsheet sorts and filters them as dates.
 */

/* Rows written between two looks at the cancellable. */
#define CANCEL_INTERVAL   4096

/* Excel's limit on the characters of a cell, which libxlsxwriter enforces. */
#define MAX_CELL_CHARS    32767

/* Past this many cells, a sheet's XML may pass the 4 GiB of a plain ZIP member: ZIP64 is
 * then used, which some older readers do not know; below it, the file stays plain. At
 * 100 bytes of XML a cell this is 1 GB, well short of the limit.
 */
#define ZIP64_CELLS       (G_GUINT64_CONSTANT (10000000))

/* Excel's serial day number of 1970-01-01 in the 1900 system. */
#define SERIAL_UNIX_EPOCH 25569

#define ESCAPED_UNDERSCORE "_x005F_"

typedef enum
{
  NUMBER_FORMAT_GENERAL,
  NUMBER_FORMAT_DATE,
  NUMBER_FORMAT_DATE_TIME,
  NUMBER_FORMAT_TIME,
  NUMBER_FORMAT_WRAPPED,   /* a text of several lines: General, wrapped */
  N_NUMBER_FORMATS,
} NumberFormat;

static const char * const number_formats[N_NUMBER_FORMATS] = {
  [NUMBER_FORMAT_GENERAL] = NULL,
  [NUMBER_FORMAT_DATE] = "yyyy-mm-dd",
  [NUMBER_FORMAT_DATE_TIME] = "yyyy-mm-dd hh:mm:ss",
  [NUMBER_FORMAT_TIME] = "hh:mm:ss",
  [NUMBER_FORMAT_WRAPPED] = NULL,
};

typedef struct
{
  RvExportPlan   *plan;
  GCancellable   *cancellable;
  lxw_workbook   *workbook;
  /* One per sheet of the plan, NULL until added; the workbook owns them. */
  lxw_worksheet **worksheets;
  guint           n_sheets;
  /* Made when first needed; the workbook owns them. NONE and GENERAL stay NULL. */
  lxw_format     *formats[RV_N_EXPORT_STYLES][N_NUMBER_FORMATS];
  /* A text that had to be cut or escaped. */
  GString        *text;
} XlsxWriter;

/* Errors */

static void
set_errno_error (GError **error,
                 int      saved_errno)
{
  if (saved_errno == 0)
    saved_errno = EIO;

  g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       g_strerror (saved_errno));
}

/* @error from a libxlsxwriter error: the system's reason when a file operation failed and
 * errno says why (@saved_errno, 0 if unknown), libxlsxwriter's own words otherwise.
 */
static void
set_lxw_error (GError    **error,
               lxw_error   code,
               int         saved_errno)
{
  GIOErrorEnum io_code;

  g_assert (code != LXW_NO_ERROR);

  switch ((int) code)
    {
    case LXW_ERROR_CREATING_XLSX_FILE:
    case LXW_ERROR_CREATING_TMPFILE:
    case LXW_ERROR_READING_TMPFILE:
    case LXW_ERROR_ZIP_FILE_OPERATION:
    case LXW_ERROR_ZIP_FILE_ADD:
    case LXW_ERROR_ZIP_CLOSE:
      if (saved_errno != 0)
        {
          set_errno_error (error, saved_errno);
          return;
        }
      io_code = G_IO_ERROR_FAILED;
      break;

    case LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED:
    case LXW_ERROR_INVALID_SHEETNAME_CHARACTER:
    case LXW_ERROR_SHEETNAME_START_END_APOSTROPHE:
    case LXW_ERROR_SHEETNAME_ALREADY_USED:
      io_code = G_IO_ERROR_INVALID_FILENAME;
      break;

    case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED:
    case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE:
    case LXW_ERROR_PARAMETER_VALIDATION:
      io_code = G_IO_ERROR_INVALID_DATA;
      break;

    default:
      io_code = G_IO_ERROR_FAILED;
      break;
    }

  g_set_error_literal (error, G_IO_ERROR, io_code, lxw_strerror (code));
}

static inline gboolean
check (lxw_error   code,
       GError    **error)
{
  if (G_LIKELY (code == LXW_NO_ERROR))
    return TRUE;

  set_lxw_error (error, code, 0);
  return FALSE;
}

/* Formats */

static lxw_color_t
lxw_color (guint32 rgb)
{
  /* 0x000000 means "no colour" to libxlsxwriter. */
  return rgb == 0 ? LXW_COLOR_BLACK : (lxw_color_t) rgb;
}

/* The format of a cell of @style holding a value of @number_format, made once. NULL for
 * plain cells, which need none.
 */
static gboolean
get_format (XlsxWriter     *self,
            RvExportStyle   style,
            NumberFormat    number_format,
            lxw_format    **format,
            GError        **error)
{
  lxw_format *made;

  g_assert (style < RV_N_EXPORT_STYLES);
  g_assert (number_format < N_NUMBER_FORMATS);

  *format = self->formats[style][number_format];
  if (*format != NULL || (style == RV_EXPORT_STYLE_NONE && number_format == NUMBER_FORMAT_GENERAL))
    return TRUE;

  made = workbook_add_format (self->workbook);
  if (made == NULL)
    return check (LXW_ERROR_MEMORY_MALLOC_FAILED, error);

  switch ((int) style)
    {
    case RV_EXPORT_STYLE_NONE:
      break;

    case RV_EXPORT_STYLE_HEADER:
    case RV_EXPORT_STYLE_LABEL:
      format_set_bold (made);
      break;

    case RV_EXPORT_STYLE_TITLE:
      format_set_bold (made);
      format_set_font_size (made, 14);
      break;

    case RV_EXPORT_STYLE_VALUE:
      format_set_align (made, LXW_ALIGN_LEFT);
      break;

    default:
      {
        const RvExportColors *colors;

        colors = _rv_export_get_verdict_colors ((RvVerdict) (style - RV_EXPORT_STYLE_VERDICT));
        format_set_bold (made);
        format_set_font_color (made, lxw_color (colors->font));
        format_set_pattern (made, LXW_PATTERN_SOLID);
        format_set_bg_color (made, lxw_color (colors->fill));
      }
      break;
    }

  if (number_formats[number_format] != NULL)
    format_set_num_format (made, number_formats[number_format]);
  /* Without it a spreadsheet shows the lines of a cell on top of each other. */
  if (number_format == NUMBER_FORMAT_WRAPPED)
    format_set_text_wrap (made);

  *format = self->formats[style][number_format] = made;
  return TRUE;
}

/* Dates */

/* Days from 1970-01-01 to @year-@month-@day of the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil).
 */
static gint64
days_from_civil (gint64 year,
                 guint  month,
                 guint  day)
{
  gint64 era;
  guint year_of_era;
  guint day_of_year;
  guint day_of_era;

  year -= month <= 2;
  era = (year >= 0 ? year : year - 399) / 400;
  year_of_era = (guint) (year - era * 400);
  day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + (gint64) day_of_era - 719468;
}

static gboolean
parse_number (const char *p,
              guint       n_digits,
              guint       max,
              guint      *value)
{
  *value = 0;
  for (guint i = 0; i < n_digits; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return FALSE;
      *value = *value * 10 + (p[i] - '0');
    }

  return *value <= max;
}

/*
 * @text as an Excel serial number: "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or, for a time
 * alone, "1900-01-00 HH:MM:SS". Excel's 1900 system counts 1900-01-01 as day 1 and has a
 * 1900-02-29 (day 60), so that from 1900-03-01 on, a serial is the days since 1899-12-30.
 * FALSE for anything else, or a date Excel cannot show (before 1900, after 9999).
 */
static gboolean
parse_date (const char   *text,
            double       *serial,
            NumberFormat *number_format)
{
  gsize length = strlen (text);
  guint year, month, day;
  guint hours = 0, minutes = 0, seconds = 0;
  gboolean has_time;

  if (length != 10 && length != 19)
    return FALSE;
  has_time = length == 19;

  if (!parse_number (text, 4, 9999, &year) || text[4] != '-' ||
      !parse_number (text + 5, 2, 12, &month) || text[7] != '-' ||
      !parse_number (text + 8, 2, 31, &day))
    return FALSE;

  if (has_time &&
      (text[10] != ' ' ||
       !parse_number (text + 11, 2, 23, &hours) || text[13] != ':' ||
       !parse_number (text + 14, 2, 59, &minutes) || text[16] != ':' ||
       !parse_number (text + 17, 2, 59, &seconds)))
    return FALSE;

  if (year < 1900)
    return FALSE;

  if (year == 1900 && month == 1 && day == 0)
    {
      /* Day 0: a time alone. */
      if (!has_time)
        return FALSE;
      *serial = 0;
      *number_format = NUMBER_FORMAT_TIME;
    }
  else if (year == 1900 && month == 2 && day == 29)
    {
      *serial = 60;
      *number_format = has_time ? NUMBER_FORMAT_DATE_TIME : NUMBER_FORMAT_DATE;
    }
  else if (g_date_valid_dmy (day, month, year))
    {
      gint64 days = days_from_civil (year, month, day) + SERIAL_UNIX_EPOCH;

      /* Before 1900-03-01, Excel's missing leap day is not there to count. */
      if (year == 1900 && month <= 2)
        days--;
      *serial = (double) days;
      *number_format = has_time ? NUMBER_FORMAT_DATE_TIME : NUMBER_FORMAT_DATE;
    }
  else
    return FALSE;

  *serial += (hours * 3600 + minutes * 60 + seconds) / 86400.0;
  return TRUE;
}

/* Texts */

/* "_x" and four hex digits: what Excel would read as the start of an escape. */
static inline gboolean
looks_like_escape (const char *p)
{
  g_assert (p[0] == '_');

  /* g_ascii_isxdigit ('\0') is FALSE: this never reads past the end. */
  return p[1] == 'x' &&
         g_ascii_isxdigit (p[2]) && g_ascii_isxdigit (p[3]) &&
         g_ascii_isxdigit (p[4]) && g_ascii_isxdigit (p[5]);
}

/* U+FFFE or U+FFFF, which XML 1.0 cannot hold. */
static inline gboolean
is_noncharacter (const char *p)
{
  return (guchar) p[0] == 0xef && (guchar) p[1] == 0xbf &&
         ((guchar) p[2] == 0xbe || (guchar) p[2] == 0xbf);
}

static gboolean
needs_escapes (const char *text)
{
  for (const char *p = text; (p = strpbrk (p, "_\xef")) != NULL; p++)
    {
      if (*p == '_' ? looks_like_escape (p) : is_noncharacter (p))
        return TRUE;
    }

  return FALSE;
}

/*
 * @text as libxlsxwriter may write it: escaped where it could be misread (see above), and
 * cut on a character boundary to the 32,767 characters of a cell. libxlsxwriter counts the
 * characters before its own escapes and after ours: a long text with escapes of ours
 * keeps a few characters fewer.
 */
static const char *
fit_text (XlsxWriter *self,
          const char *text)
{
  const char *end;
  gsize n_chars = 0;

  /* Nearly every cell: short, and nothing to escape. */
  if (strnlen (text, MAX_CELL_CHARS + 1) <= MAX_CELL_CHARS && !needs_escapes (text))
    return text;

  g_string_truncate (self->text, 0);
  end = text + strlen (text);

  for (const char *p = text; p < end;)
    {
      /* Never past the end, even if the text were not UTF-8 after all. */
      const char *next = MIN (g_utf8_next_char (p), end);
      const char *unit = p;
      gsize unit_length = next - p;
      gsize unit_chars = 1;

      if (*p == '_' && looks_like_escape (p))
        {
          unit = ESCAPED_UNDERSCORE;
          unit_length = unit_chars = strlen (ESCAPED_UNDERSCORE);
        }
      else if (is_noncharacter (p))
        {
          unit = (guchar) p[2] == 0xbe ? "_xFFFE_" : "_xFFFF_";
          unit_length = unit_chars = strlen (unit);
        }

      if (n_chars + unit_chars > MAX_CELL_CHARS)
        break;

      g_string_append_len (self->text, unit, unit_length);
      n_chars += unit_chars;
      p = next;
    }

  return self->text->str;
}

/* Cells */

static gboolean
write_text (XlsxWriter     *self,
            lxw_worksheet  *worksheet,
            guint           row,
            guint           column,
            const char     *text,
            RvExportStyle   style,
            GError        **error)
{
  lxw_format *format;

  if (!get_format (self, style,
                   strchr (text, '\n') != NULL ? NUMBER_FORMAT_WRAPPED : NUMBER_FORMAT_GENERAL,
                   &format, error))
    return FALSE;

  return check (worksheet_write_string (worksheet, row, column, fit_text (self, text), format),
                error);
}

/* A row with a text of several lines is as tall as its longest: spreadsheets do not all
 * fit a row to its wrapped cells when they open a file (LibreOffice does not for XLSX).
 * Called before the row's cells, as the constant-memory mode requires. */
static gboolean
set_row_height (lxw_worksheet       *worksheet,
                guint                row,
                const RvExportCell  *cells,
                guint                n_columns,
                GError             **error)
{
  guint lines = 1;

  for (guint column = 0; column < n_columns; column++)
    {
      guint n = 1;

      if (cells[column].kind != RV_CELL_TEXT)
        continue;
      for (const char *p = strchr (cells[column].text, '\n'); p != NULL; p = strchr (p + 1, '\n'))
        n++;
      lines = MAX (lines, n);
    }

  if (lines == 1)
    return TRUE;

  /* Excel's default row is 15 points; its tallest, 409. */
  return check (worksheet_set_row (worksheet, row, MIN (15.0 * lines, 409.0), NULL), error);
}

static gboolean
write_cell (XlsxWriter          *self,
            lxw_worksheet       *worksheet,
            guint                row,
            guint                column,
            const RvExportCell  *cell,
            GError             **error)
{
  lxw_format *format;

  switch (cell->kind)
    {
    case RV_CELL_EMPTY:
      /* A styled empty cell keeps its colour; a plain one is not written at all. */
      if (cell->style == RV_EXPORT_STYLE_NONE)
        return TRUE;
      if (!get_format (self, cell->style, NUMBER_FORMAT_GENERAL, &format, error))
        return FALSE;
      return check (worksheet_write_blank (worksheet, row, column, format), error);

    case RV_CELL_NUMBER:
      {
        char *end;
        double value = g_ascii_strtod (cell->text, &end);

        if (end == cell->text || *end != 0 || !isfinite (value))
          break;
        if (!get_format (self, cell->style, NUMBER_FORMAT_GENERAL, &format, error))
          return FALSE;
        return check (worksheet_write_number (worksheet, row, column, value, format), error);
      }

    case RV_CELL_BOOLEAN:
      {
        gboolean value;

        if (strcmp (cell->text, "TRUE") == 0)
          value = TRUE;
        else if (strcmp (cell->text, "FALSE") == 0)
          value = FALSE;
        else
          break;
        if (!get_format (self, cell->style, NUMBER_FORMAT_GENERAL, &format, error))
          return FALSE;
        return check (worksheet_write_boolean (worksheet, row, column, value, format), error);
      }

    case RV_CELL_DATE:
      {
        NumberFormat number_format;
        double serial;

        if (!parse_date (cell->text, &serial, &number_format))
          break;
        if (!get_format (self, cell->style, number_format, &format, error))
          return FALSE;
        return check (worksheet_write_number (worksheet, row, column, serial, format), error);
      }

    case RV_CELL_TEXT:
    case RV_CELL_ERROR:
    default:
      break;
    }

  /* Texts, errors ("#N/A"), and whatever could not be written as what it said it was. */
  return write_text (self, worksheet, row, column, cell->text, cell->style, error);
}

/* Sheets */

static gboolean
add_worksheet (XlsxWriter  *self,
               guint        sheet,
               GError     **error)
{
  const char *name = _rv_export_plan_get_sheet_name (self->plan, sheet);
  lxw_error code;
  int saved_errno;

  errno = 0;
  self->worksheets[sheet] = workbook_add_worksheet (self->workbook, name);
  if (self->worksheets[sheet] != NULL)
    {
      /* The rows go through stdio to their temporary file: in 1 MiB writes, not 4 KiB. */
      if (self->worksheets[sheet]->optimize_tmpfile != NULL)
        setvbuf (self->worksheets[sheet]->optimize_tmpfile, NULL, _IOFBF, 1024 * 1024);
      return TRUE;
    }
  saved_errno = errno;

  /* A name Excel refuses (the plan makes them valid: this is a bug), or no temporary
   * file for the rows.
   */
  code = workbook_validate_sheet_name (self->workbook, name);
  if (code == LXW_NO_ERROR)
    code = LXW_ERROR_CREATING_TMPFILE;
  set_lxw_error (error, code, saved_errno);
  return FALSE;
}

/* libxlsxwriter ignores failed writes to the temporary file that holds a sheet's rows
 * (a full /tmp), which would give a truncated sheet in a file that says nothing.
 */
static gboolean
check_rows_written (lxw_worksheet  *worksheet,
                    GError        **error)
{
  FILE *rows = worksheet->optimize_tmpfile;

  if (rows == NULL)
    return TRUE;

  errno = 0;
  if (fflush (rows) != 0 || ferror (rows))
    {
      set_errno_error (error, errno);
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_sheet (XlsxWriter  *self,
             guint        sheet,
             GError     **error)
{
  lxw_worksheet *worksheet = self->worksheets[sheet];
  guint n_rows = _rv_export_plan_get_n_rows (self->plan, sheet);
  guint n_columns = _rv_export_plan_get_n_columns (self->plan, sheet);
  int header_row = _rv_export_plan_get_header_row (self->plan, sheet);

  g_assert (n_rows <= RV_EXPORT_MAX_ROWS);
  g_assert (n_columns <= RV_EXPORT_MAX_COLUMNS);

  for (guint column = 0; column < n_columns; column++)
    {
      double width = _rv_export_plan_get_column_width (self->plan, sheet, column);

      /* No width is the default one; libxlsxwriter would hide a column of width 0. */
      if (width > 0 &&
          !check (worksheet_set_column (worksheet, column, column, width, NULL), error))
        return FALSE;
    }

  if (header_row >= 0)
    {
      guint last_row = MAX ((guint) header_row, n_rows > 0 ? n_rows - 1 : 0);

      /* The header stays in sight, and gets the filter buttons. */
      worksheet_freeze_panes (worksheet, header_row + 1, 0);
      if (n_columns > 0 &&
          !check (worksheet_autofilter (worksheet, header_row, 0, last_row, n_columns - 1),
                  error))
        return FALSE;
    }

  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return FALSE;

  for (guint row = 0; row < n_rows; row++)
    {
      const RvExportCell *cells;

      if (row > 0 && row % CANCEL_INTERVAL == 0 &&
          g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;

      cells = _rv_export_plan_get_row (self->plan, sheet, row);
      if (!set_row_height (worksheet, row, cells, n_columns, error))
        return FALSE;
      for (guint column = 0; column < n_columns; column++)
        {
          if (!write_cell (self, worksheet, row, column, &cells[column], error))
            return FALSE;
        }
    }

  return check_rows_written (worksheet, error);
}

/* The workbook */

static guint64
count_cells (RvExportPlan *plan)
{
  guint64 n_cells = 0;

  for (guint sheet = 0; sheet < _rv_export_plan_get_n_sheets (plan); sheet++)
    n_cells += (guint64) _rv_export_plan_get_n_rows (plan, sheet) *
               _rv_export_plan_get_n_columns (plan, sheet);

  return n_cells;
}

/* Drops the workbook unwritten: the file at the path stays as the caller made it. */
static void
discard_workbook (XlsxWriter *self)
{
  /* lxw_workbook_free() leaves the temporary files of the rows open: close them first. */
  for (guint sheet = 0; sheet < self->n_sheets; sheet++)
    {
      lxw_worksheet *worksheet = self->worksheets[sheet];

      if (worksheet != NULL && worksheet->optimize_tmpfile != NULL)
        {
          fclose (worksheet->optimize_tmpfile);
          worksheet->optimize_tmpfile = NULL;
          worksheet->file = NULL;
        }
    }

  g_clear_pointer (&self->workbook, lxw_workbook_free);
}

static gboolean
write_workbook (RvExportPlan  *plan,
                const char    *path,
                GError       **error)
{
  g_autofree char *tmpdir = g_strdup (g_get_tmp_dir ());
  g_autofree lxw_worksheet **worksheets = NULL;
  g_autoptr(GString) text = NULL;
  lxw_workbook_options options = { 0 };
  lxw_doc_properties properties = { 0 };
  XlsxWriter self = { 0 };
  lxw_error code;
  int fd;

  self.plan = plan;
  self.cancellable = _rv_export_plan_get_cancellable (plan);
  self.n_sheets = _rv_export_plan_get_n_sheets (plan);
  self.worksheets = worksheets = g_new0 (lxw_worksheet *, MAX (self.n_sheets, 1));
  self.text = text = g_string_sized_new (256);

  /* libxlsxwriter opens @path only once every row is written, and when that fails it
   * leaves the rows' temporary files open: better fail now.
   */
  fd = g_open (path, O_WRONLY | O_CLOEXEC, 0);
  if (fd < 0 || !g_close (fd, NULL))
    {
      set_errno_error (error, errno);
      return FALSE;
    }

  options.constant_memory = LXW_TRUE;
  options.tmpdir = tmpdir;
  options.use_zip64 = count_cells (plan) > ZIP64_CELLS ? LXW_TRUE : LXW_FALSE;

  self.workbook = workbook_new_opt (path, &options);
  if (self.workbook == NULL)
    {
      set_lxw_error (error, LXW_ERROR_MEMORY_MALLOC_FAILED, 0);
      return FALSE;
    }

  properties.title = (char *) _rv_export_plan_get_title (plan);
  properties.author = (char *) PACKAGE_NAME;
  properties.comments = (char *) PACKAGE_NAME " " PACKAGE_VERSION;
  if (!check (workbook_set_properties (self.workbook, &properties), error))
    goto failed;

  for (guint sheet = 0; sheet < self.n_sheets; sheet++)
    {
      if (!add_worksheet (&self, sheet, error) || !write_sheet (&self, sheet, error))
        goto failed;
    }

  /* workbook_close() frees the workbook, whether it succeeds or not. */
  errno = 0;
  code = workbook_close (g_steal_pointer (&self.workbook));
  if (code != LXW_NO_ERROR)
    {
      set_lxw_error (error, code, errno);
      return FALSE;
    }

  return TRUE;

failed:
  discard_workbook (&self);
  return FALSE;
}

/**
 * _rv_xlsx_write:
 * @plan: what to write
 * @path: the temporary file to write, already created
 * @error: return location for a #GError
 *
 * Writes @plan to @path as an Excel workbook.
 *
 * Returns: %TRUE on success; else %FALSE with @error set to the reason alone (in
 *   %G_IO_ERROR), or to %G_IO_ERROR_CANCELLED
 */
gboolean
_rv_xlsx_write (RvExportPlan  *plan,
                const char    *path,
                GError       **error)
{
  locale_t base;
  locale_t numeric;
  locale_t previous;
  gboolean ok;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The thread's locale, but with C's numbers (see the top of this file): messages and
   * the rest stay in the user's language.
   */
  base = duplocale (uselocale ((locale_t) 0));
  numeric = base != (locale_t) 0 ? newlocale (LC_NUMERIC_MASK, "C", base) : (locale_t) 0;
  if (numeric == (locale_t) 0)
    {
      int saved_errno = errno;

      if (base != (locale_t) 0)
        freelocale (base);
      set_errno_error (error, saved_errno);
      return FALSE;
    }

  previous = uselocale (numeric);
  ok = write_workbook (plan, path, error);
  uselocale (previous);
  freelocale (numeric);

  return ok;
}
