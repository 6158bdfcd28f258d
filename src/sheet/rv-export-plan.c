/* rv-export-plan.c
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

#define G_LOG_DOMAIN "rv-export-plan"

#include "config.h"

#include "rv-sheet-writer-private.h"

#include <string.h>

#include <glib/gi18n-lib.h>

/*
 * What an export holds, decided once for every format (see rv-sheet-writer-private.h):
 *
 *  - the user's sheet: the rows @rows selects, in order, every column, with the result
 *    columns appended; the header row (or a header row of its own, when the sheet has
 *    none) carries their titles; rows above the header only with RV_EXPORT_ALL;
 *  - "Problems" (RV_EXPORT_ALL only): every data row whose verdict is not VALID, with its
 *    row number in the user's sheet, the verdict and the reason first, so that the user
 *    can act on it without filtering;
 *  - "Summary": what an auditor asks for (the input's name and SHA-256, rows, unique
 *    RUCs, provider, padrón date, time of the run, version) and the counts by verdict,
 *    whose coloured cells are the legend of the Verdict column.
 *
 * Rows are produced on demand from the sheet and the results: an export of 100,000 rows
 * never holds more than one row of cells.
 */

/* A row of the output that is the header: the sheet's own, or one made for a sheet
 * without. */
#define HEADER_ROW G_MAXUINT

/* Rows looked at to size the columns. */
#define WIDTH_SAMPLE_ROWS 1000
#define MIN_WIDTH         6.0
#define MAX_WIDTH         70.0

/* Excel's longest sheet name, in characters. */
#define MAX_SHEET_NAME 31

typedef enum
{
  SHEET_DATA,
  SHEET_PROBLEMS,
  SHEET_SUMMARY,
} SheetKind;

typedef struct
{
  SheetKind  kind;
  char      *name;
  guint      n_columns;
  int        header_row;
  double    *widths;
  GArray    *source_rows;   /* guint: the user's row of each output row, or HEADER_ROW */
  GArray    *fixed_cells;   /* RvExportCell: the Summary, n_rows × n_columns */
  guint      n_fixed_rows;
} PlanSheet;

struct _RvExportPlan
{
  RvSheet          *sheet;
  int               header_row;
  guint             first_row;
  int               ruc_column;
  RvResult * const *results;
  RvExportRows      rows;
  guint             n_user_columns;

  GCancellable     *cancellable;
  char             *title;
  GPtrArray        *sheets;      /* PlanSheet */
  GStringChunk     *strings;     /* the Summary's texts */
  RvExportCell     *cells;       /* the row handed out, as wide as the widest sheet */
  GPtrArray        *scratch;     /* texts of the row handed out */
};

/* The Problems sheet: its columns before the user's, and the result columns after them. */
static const RvResultColumn problems_leading[] = {
  RV_RESULT_COLUMN_VERDICT,
  RV_RESULT_COLUMN_REASON,
  RV_RESULT_COLUMN_RUC,
};
static const RvResultColumn problems_trailing[] = {
  RV_RESULT_COLUMN_NAME,
  RV_RESULT_COLUMN_STATE,
  RV_RESULT_COLUMN_CONDITION,
  RV_RESULT_COLUMN_ADDRESS,
  RV_RESULT_COLUMN_UBIGEO,
  RV_RESULT_COLUMN_AS_OF,
  RV_RESULT_COLUMN_CHECKED_AT,
  RV_RESULT_COLUMN_SOURCE,
};
#define N_PROBLEMS_EXTRA (1 + G_N_ELEMENTS (problems_leading) + G_N_ELEMENTS (problems_trailing))

/* Excel's "Good", "Neutral" and "Bad" cell styles, an orange for what was decided offline
 * and a grey for what is not decided yet: readable in print and for most colour blindness
 * thanks to the text, which always names the verdict. */
static const RvExportColors verdict_colors[RV_N_VERDICTS] = {
  [RV_VERDICT_VALID]     = { 0xC6EFCE, 0x006100 },
  [RV_VERDICT_OBSERVED]  = { 0xFFEB9C, 0x9C5700 },
  [RV_VERDICT_NOT_FOUND] = { 0xFFC7CE, 0x9C0006 },
  [RV_VERDICT_INVALID]   = { 0xF8CBAD, 0x843C0C },
  [RV_VERDICT_PENDING]   = { 0xE7E6E6, 0x3A3838 },
};

static void
plan_sheet_free (gpointer data)
{
  PlanSheet *sheet = data;

  g_free (sheet->name);
  g_free (sheet->widths);
  g_clear_pointer (&sheet->source_rows, g_array_unref);
  g_clear_pointer (&sheet->fixed_cells, g_array_unref);
  g_free (sheet);
}

static PlanSheet *
plan_sheet_new (SheetKind  kind,
                guint      n_columns,
                int        header_row)
{
  PlanSheet *sheet = g_new0 (PlanSheet, 1);

  sheet->kind = kind;
  sheet->n_columns = n_columns;
  sheet->header_row = header_row;
  sheet->widths = g_new0 (double, MAX (n_columns, 1));
  return sheet;
}

static guint
plan_sheet_get_n_rows (const PlanSheet *sheet)
{
  return sheet->kind == SHEET_SUMMARY ? sheet->n_fixed_rows : sheet->source_rows->len;
}

/* "YYYY-MM-DD", and with @with_time, " HH:MM:SS" after it. */
static gboolean
is_iso_date (const char *text,
             gboolean    with_time)
{
  static const char date_shape[] = "dddd-dd-dd";
  static const char time_shape[] = " dd:dd:dd";
  gsize length = strlen (text);
  gsize expected = strlen (date_shape) + (with_time ? strlen (time_shape) : 0);

  if (length != expected)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char shape = i < strlen (date_shape) ? date_shape[i] : time_shape[i - strlen (date_shape)];

      if (shape == 'd' ? !g_ascii_isdigit (text[i]) : text[i] != shape)
        return FALSE;
    }
  return TRUE;
}

static const char *
plan_keep (RvExportPlan *self,
           char         *text)
{
  g_ptr_array_add (self->scratch, text);
  return text;
}

/* One result column of @result (or an empty cell without one). */
static void
result_cell (RvExportPlan    *self,
             const RvResult  *result,
             RvResultColumn   column,
             RvExportCell    *cell)
{
  const char *text;

  cell->text = "";
  cell->kind = RV_CELL_EMPTY;
  cell->style = RV_EXPORT_STYLE_NONE;

  if (result == NULL)
    return;

  text = plan_keep (self, rv_result_dup_column_text (result, column));
  if (column == RV_RESULT_COLUMN_VERDICT)
    cell->style = RV_EXPORT_STYLE_FOR_VERDICT (rv_result_get_verdict (result));
  if (text[0] == 0)
    return;

  cell->text = text;
  if ((column == RV_RESULT_COLUMN_AS_OF && is_iso_date (text, FALSE)) ||
      (column == RV_RESULT_COLUMN_CHECKED_AT && is_iso_date (text, TRUE)))
    cell->kind = RV_CELL_DATE;
  else
    cell->kind = RV_CELL_TEXT;
}

/* A cell of the user's sheet: its kind as read, but text in the RUC column, whose numbers
 * are identifiers (a DNI's leading zero, no 2.01E+10). */
static void
user_cell (RvExportPlan *self,
           guint         row,
           guint         column,
           RvExportCell *cell)
{
  RvCell source;

  rv_sheet_get_cell (self->sheet, row, column, &source);
  cell->text = source.text;
  cell->kind = source.kind;
  cell->style = RV_EXPORT_STYLE_NONE;
  if (source.kind != RV_CELL_EMPTY && self->ruc_column >= 0 && column == (guint) self->ruc_column)
    cell->kind = RV_CELL_TEXT;
}

static void
header_cell (const char   *text,
             RvExportCell *cell)
{
  cell->text = text != NULL ? text : "";
  cell->kind = cell->text[0] != 0 ? RV_CELL_TEXT : RV_CELL_EMPTY;
  cell->style = RV_EXPORT_STYLE_HEADER;
}

/* The title of the user's @column: its header cell, or its letter without a header. */
static const char *
user_column_title (RvExportPlan *self,
                   guint         column,
                   gboolean      letter)
{
  g_autofree char *letters = NULL;

  if (self->header_row >= 0)
    return rv_sheet_get_text (self->sheet, self->header_row, column);
  if (!letter)
    return "";

  letters = rv_sheet_column_letter (column);
  /* Translators: the title of a column of a sheet without a header; %s is its letter. */
  return plan_keep (self, g_strdup_printf (_("Column %s"), letters));
}

static void
data_row (RvExportPlan *self,
          guint         source,
          RvExportCell *cells)
{
  guint n = self->n_user_columns;

  if (source == HEADER_ROW || (self->header_row >= 0 && source == (guint) self->header_row))
    {
      for (guint c = 0; c < n; c++)
        header_cell (user_column_title (self, c, FALSE), &cells[c]);
      for (guint c = 0; c < RV_N_RESULT_COLUMNS; c++)
        header_cell (rv_result_column_get_title (c), &cells[n + c]);
      return;
    }

  for (guint c = 0; c < n; c++)
    user_cell (self, source, c, &cells[c]);
  for (guint c = 0; c < RV_N_RESULT_COLUMNS; c++)
    result_cell (self, source >= self->first_row ? self->results[source] : NULL, c,
                 &cells[n + c]);
}

static void
problems_row (RvExportPlan *self,
              guint         source,
              RvExportCell *cells)
{
  const RvResult *result;
  guint n = self->n_user_columns;
  guint i = 0;

  if (source == HEADER_ROW)
    {
      /* Translators: the title of the column with each row's number in the user's sheet. */
      header_cell (_("Row"), &cells[i++]);
      for (guint c = 0; c < G_N_ELEMENTS (problems_leading); c++)
        header_cell (rv_result_column_get_title (problems_leading[c]), &cells[i++]);
      for (guint c = 0; c < n; c++)
        header_cell (user_column_title (self, c, TRUE), &cells[i++]);
      for (guint c = 0; c < G_N_ELEMENTS (problems_trailing); c++)
        header_cell (rv_result_column_get_title (problems_trailing[c]), &cells[i++]);
      return;
    }

  result = self->results[source];
  cells[i].text = plan_keep (self, g_strdup_printf ("%u", source + 1));
  cells[i].kind = RV_CELL_NUMBER;
  cells[i++].style = RV_EXPORT_STYLE_NONE;
  for (guint c = 0; c < G_N_ELEMENTS (problems_leading); c++)
    result_cell (self, result, problems_leading[c], &cells[i++]);
  for (guint c = 0; c < n; c++)
    user_cell (self, source, c, &cells[i++]);
  for (guint c = 0; c < G_N_ELEMENTS (problems_trailing); c++)
    result_cell (self, result, problems_trailing[c], &cells[i++]);
}

static gboolean
row_is_wanted (const RvResult *result,
               RvExportRows    rows)
{
  switch (rows)
    {
    case RV_EXPORT_ALL:
      return TRUE;

    case RV_EXPORT_VALID:
      return result != NULL && rv_result_get_verdict (result) == RV_VERDICT_VALID;

    case RV_EXPORT_PROBLEMS:
      return result != NULL && rv_result_get_verdict (result) != RV_VERDICT_VALID;

    default:
      g_assert_not_reached ();
    }
}

static PlanSheet *
build_data_sheet (RvExportPlan *self)
{
  guint n_rows = rv_sheet_get_n_rows (self->sheet);
  PlanSheet *sheet = plan_sheet_new (SHEET_DATA, self->n_user_columns + RV_N_RESULT_COLUMNS, 0);
  guint header = HEADER_ROW;

  sheet->source_rows = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_rows + 1);

  if (self->header_row < 0)
    g_array_append_val (sheet->source_rows, header);

  for (guint row = 0; row < n_rows; row++)
    {
      if (self->header_row >= 0 && row == (guint) self->header_row)
        {
          sheet->header_row = sheet->source_rows->len;
          g_array_append_val (sheet->source_rows, row);
        }
      else if (row < self->first_row)
        {
          /* Titles above the header belong to the whole list, not to a selection. */
          if (self->rows == RV_EXPORT_ALL)
            g_array_append_val (sheet->source_rows, row);
        }
      else if (row_is_wanted (self->results[row], self->rows))
        g_array_append_val (sheet->source_rows, row);
    }

  return sheet;
}

static PlanSheet *
build_problems_sheet (RvExportPlan *self)
{
  guint n_rows = rv_sheet_get_n_rows (self->sheet);
  PlanSheet *sheet = plan_sheet_new (SHEET_PROBLEMS, self->n_user_columns + N_PROBLEMS_EXTRA, 0);
  guint header = HEADER_ROW;

  sheet->source_rows = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (sheet->source_rows, header);

  for (guint row = self->first_row; row < n_rows; row++)
    {
      if (row_is_wanted (self->results[row], RV_EXPORT_PROBLEMS))
        g_array_append_val (sheet->source_rows, row);
    }

  return sheet;
}

/* The Summary's cells, four columns wide. */
typedef struct
{
  RvExportPlan *plan;
  PlanSheet    *sheet;
} SummaryBuilder;

static void
summary_add_row (SummaryBuilder *builder,
                 ...)
{
  RvExportCell cells[4];
  guint n = 0;
  va_list args;

  memset (cells, 0, sizeof cells);
  for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
    cells[c].text = "";

  va_start (args, builder);
  for (;;)
    {
      const char *text = va_arg (args, const char *);
      RvCellKind kind;
      RvExportStyle style;

      if (text == NULL)
        break;
      kind = (RvCellKind) va_arg (args, int);
      style = (RvExportStyle) va_arg (args, int);
      g_assert (n < G_N_ELEMENTS (cells));

      cells[n].text = g_string_chunk_insert_const (builder->plan->strings, text);
      cells[n].kind = text[0] != 0 ? kind : RV_CELL_EMPTY;
      cells[n].style = style;
      n++;
    }
  va_end (args);

  g_array_append_vals (builder->sheet->fixed_cells, cells, G_N_ELEMENTS (cells));
  builder->sheet->n_fixed_rows++;
}

static void
summary_add_line (SummaryBuilder *builder,
                  const char     *label,
                  const char     *value,
                  RvCellKind      kind)
{
  summary_add_row (builder, label, RV_CELL_TEXT, RV_EXPORT_STYLE_LABEL,
                   value != NULL ? value : "", kind, RV_EXPORT_STYLE_VALUE, NULL);
}

static void
summary_add_number (SummaryBuilder *builder,
                    const char     *label,
                    guint           value)
{
  char text[16];

  g_snprintf (text, sizeof text, "%u", value);
  summary_add_line (builder, label, text, RV_CELL_NUMBER);
}

static const char *
verdict_meaning (RvVerdict verdict)
{
  switch (verdict)
    {
    case RV_VERDICT_VALID:
      return _("Found: active (ACTIVO) and domiciled (HABIDO)");
    case RV_VERDICT_OBSERVED:
      return _("Found, but not active or not domiciled (for example BAJA or NO HABIDO)");
    case RV_VERDICT_NOT_FOUND:
      return _("Well formed, but the provider knows no such taxpayer");
    case RV_VERDICT_INVALID:
      return _("Wrong length, prefix or check digit, or not a number: decided offline");
    case RV_VERDICT_PENDING:
      return _("Not checked yet (no connection, provider unavailable): run it again");
    case RV_N_VERDICTS:
    default:
      g_return_val_if_reached ("");
    }
}

static const char *
rows_description (RvExportRows rows)
{
  switch (rows)
    {
    case RV_EXPORT_ALL:
      return _("All rows");
    case RV_EXPORT_VALID:
      return _("Valid rows only");
    case RV_EXPORT_PROBLEMS:
      return _("Rows with problems only");
    default:
      g_return_val_if_reached ("");
    }
}

static PlanSheet *
build_summary_sheet (RvExportPlan          *self,
                     const RvExportSummary *summary)
{
  PlanSheet *sheet = plan_sheet_new (SHEET_SUMMARY, 4, -1);
  SummaryBuilder builder = { self, sheet };
  guint rows_by_verdict[RV_N_VERDICTS] = { 0 };
  guint n_rows = rv_sheet_get_n_rows (self->sheet);
  guint total_rows = 0, total_unique = 0;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *started = NULL;
  g_autofree char *application = NULL;

  sheet->fixed_cells = g_array_new (FALSE, FALSE, sizeof (RvExportCell));

  for (guint row = self->first_row; row < n_rows; row++)
    {
      if (self->results[row] != NULL)
        {
          rows_by_verdict[rv_result_get_verdict (self->results[row])]++;
          total_rows++;
        }
    }

  if (summary->started_at != NULL)
    now = g_date_time_ref (summary->started_at);
  else
    now = g_date_time_new_now_local ();
  started = g_date_time_format (now, "%Y-%m-%d %H:%M:%S (UTC%:z)");
  application = g_strdup_printf ("RUC Validator %s", PACKAGE_VERSION);

  summary_add_row (&builder, _("RUC Validator: summary of the check"), RV_CELL_TEXT,
                   RV_EXPORT_STYLE_TITLE, NULL);
  summary_add_row (&builder, NULL);
  summary_add_line (&builder, _("Input file"), summary->file_name, RV_CELL_TEXT);
  summary_add_line (&builder, _("SHA-256 of the input file"), summary->file_sha256, RV_CELL_TEXT);
  summary_add_line (&builder, _("Sheet"), summary->sheet_name, RV_CELL_TEXT);
  summary_add_line (&builder, _("RUC column"), summary->column, RV_CELL_TEXT);
  summary_add_number (&builder, _("Rows checked"), summary->total);
  summary_add_number (&builder, _("Unique RUCs"), summary->unique);
  summary_add_line (&builder, _("Provider"), summary->provider, RV_CELL_TEXT);
  if (summary->padron_date != NULL && summary->padron_date[0] != 0)
    summary_add_line (&builder, _("SUNAT padrón as of"), summary->padron_date, RV_CELL_TEXT);
  summary_add_number (&builder, _("Answers from the database"), summary->cache_hits);
  summary_add_number (&builder, _("Requests to the provider"), summary->requests);
  summary_add_line (&builder, _("Run started"), started, RV_CELL_TEXT);
  summary_add_line (&builder, _("Rows in this file"), rows_description (self->rows), RV_CELL_TEXT);
  summary_add_line (&builder, _("Application"), application, RV_CELL_TEXT);
  summary_add_row (&builder, NULL);

  summary_add_row (&builder,
                   _("Verdict"), RV_CELL_TEXT, RV_EXPORT_STYLE_HEADER,
                   _("Meaning"), RV_CELL_TEXT, RV_EXPORT_STYLE_HEADER,
                   _("Unique RUCs"), RV_CELL_TEXT, RV_EXPORT_STYLE_HEADER,
                   _("Rows"), RV_CELL_TEXT, RV_EXPORT_STYLE_HEADER,
                   NULL);
  for (RvVerdict verdict = 0; verdict < RV_N_VERDICTS; verdict++)
    {
      char unique[16], rows[16];

      g_snprintf (unique, sizeof unique, "%u", summary->counts[verdict]);
      g_snprintf (rows, sizeof rows, "%u", rows_by_verdict[verdict]);
      total_unique += summary->counts[verdict];
      summary_add_row (&builder,
                       rv_verdict_get_label (verdict), RV_CELL_TEXT,
                       RV_EXPORT_STYLE_FOR_VERDICT (verdict),
                       verdict_meaning (verdict), RV_CELL_TEXT, RV_EXPORT_STYLE_NONE,
                       unique, RV_CELL_NUMBER, RV_EXPORT_STYLE_NONE,
                       rows, RV_CELL_NUMBER, RV_EXPORT_STYLE_NONE,
                       NULL);
    }
  {
    char unique[16], rows[16];

    g_snprintf (unique, sizeof unique, "%u", total_unique);
    g_snprintf (rows, sizeof rows, "%u", total_rows);
    summary_add_row (&builder,
                     _("Total"), RV_CELL_TEXT, RV_EXPORT_STYLE_LABEL,
                     "", RV_CELL_EMPTY, RV_EXPORT_STYLE_NONE,
                     unique, RV_CELL_NUMBER, RV_EXPORT_STYLE_LABEL,
                     rows, RV_CELL_NUMBER, RV_EXPORT_STYLE_LABEL,
                     NULL);
  }
  summary_add_row (&builder, NULL);
  summary_add_row (&builder,
                   _("The cells of the Verdict column have the colours of this table."),
                   RV_CELL_TEXT, RV_EXPORT_STYLE_NONE, NULL);

  return sheet;
}

static gboolean
sheet_name_is_taken (const char *name,
                     GPtrArray  *sheets)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);

  for (guint i = 0; i < sheets->len; i++)
    {
      const PlanSheet *other = g_ptr_array_index (sheets, i);
      g_autofree char *other_folded = g_utf8_casefold (other->name, -1);

      if (g_str_equal (folded, other_folded))
        return TRUE;
    }
  return FALSE;
}

/* A name Excel and LibreOffice accept: at most 31 characters, none of []:*?/\, not
 * starting or ending with an apostrophe, and not the name of an earlier sheet. */
static char *
make_sheet_name (const char *wanted,
                 GPtrArray  *sheets)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autofree char *base = NULL;

  for (const char *p = wanted != NULL ? wanted : ""; *p != 0; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (strchr ("[]:*?/\\", (int) c) != NULL && c < 0x80)
        c = '_';
      else if (g_unichar_iscntrl (c))
        c = ' ';
      g_string_append_unichar (name, c);
    }

  while (name->len > 0 && name->str[0] == '\'')
    g_string_erase (name, 0, 1);
  g_strstrip (name->str);
  g_string_set_size (name, strlen (name->str));
  if (g_utf8_strlen (name->str, -1) > MAX_SHEET_NAME)
    g_string_truncate (name, g_utf8_offset_to_pointer (name->str, MAX_SHEET_NAME) - name->str);
  while (name->len > 0 && name->str[name->len - 1] == '\'')
    g_string_truncate (name, name->len - 1);
  if (name->len == 0)
    /* Translators: the name of the sheet with the results, when the input's has none. */
    g_string_assign (name, _("Results"));
  base = g_strdup (name->str);

  for (guint n = 2; sheet_name_is_taken (name->str, sheets); n++)
    {
      /* "Summary" → "Summary (2)", the name shortened to leave room for the number. */
      g_autofree char *suffix = g_strdup_printf (" (%u)", n);
      glong keep = MIN (g_utf8_strlen (base, -1), MAX_SHEET_NAME - (glong) strlen (suffix));

      g_string_truncate (name, 0);
      g_string_append_len (name, base, g_utf8_offset_to_pointer (base, keep) - base);
      g_string_append (name, suffix);
    }

  return g_string_free (g_steal_pointer (&name), FALSE);
}

/* The characters a cell's text shows on its longest line. */
static double
cell_width (const RvExportCell *cell)
{
  glong longest = 0;

  switch (cell->kind)
    {
    case RV_CELL_EMPTY:
      return 0;
    case RV_CELL_DATE:
      return strlen (cell->text) > 10 ? 19 : 10;
    case RV_CELL_TEXT:
    case RV_CELL_NUMBER:
    case RV_CELL_BOOLEAN:
    case RV_CELL_ERROR:
    default:
      break;
    }

  for (const char *line = cell->text; line != NULL;)
    {
      const char *end = strchr (line, '\n');
      glong length = g_utf8_strlen (line, end != NULL ? end - line : -1);

      longest = MAX (longest, length);
      line = end != NULL ? end + 1 : NULL;
      if (longest >= MAX_WIDTH)
        break;
    }

  /* Bold titles are wider. */
  return cell->style != RV_EXPORT_STYLE_NONE ? longest * 1.1 + 1 : longest;
}

static void
size_columns (RvExportPlan *self,
              guint         index)
{
  PlanSheet *sheet = g_ptr_array_index (self->sheets, index);
  /* Titles above the header run over the columns to their right: they size nothing. */
  guint first = MAX (sheet->header_row, 0);
  guint n_rows = MIN (plan_sheet_get_n_rows (sheet), first + WIDTH_SAMPLE_ROWS);

  for (guint row = first; row < n_rows; row++)
    {
      const RvExportCell *cells = _rv_export_plan_get_row (self, index, row);

      for (guint c = 0; c < sheet->n_columns; c++)
        {
          /* The Summary's title and its closing note run over the columns to their right. */
          if (sheet->kind == SHEET_SUMMARY && c == 0 &&
              (cells[1].kind == RV_CELL_EMPTY && cells[0].style != RV_EXPORT_STYLE_LABEL))
            continue;
          sheet->widths[c] = MAX (sheet->widths[c], cell_width (&cells[c]));
        }
    }

  for (guint c = 0; c < sheet->n_columns; c++)
    sheet->widths[c] = CLAMP (sheet->widths[c] + 2, MIN_WIDTH + 2, MAX_WIDTH);
}

/* Whether the output fits in a spreadsheet file: one sentence if not. */
static gboolean
check_limits (RvExportPlan    *self,
              RvExportFormat   format,
              GError         **error)
{
  if (format == RV_EXPORT_FORMAT_CSV)
    return TRUE;

  for (guint i = 0; i < self->sheets->len; i++)
    {
      const PlanSheet *sheet = g_ptr_array_index (self->sheets, i);
      guint n_rows = plan_sheet_get_n_rows (sheet);

      if (n_rows > RV_EXPORT_MAX_ROWS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       /* Translators: %'u are numbers of rows. */
                       _("it would have %'u rows, and a spreadsheet holds at most %'u; export "
                         "to CSV instead"), n_rows, (guint) RV_EXPORT_MAX_ROWS);
          return FALSE;
        }
      if (sheet->n_columns > RV_EXPORT_MAX_COLUMNS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       /* Translators: %'u are numbers of columns. */
                       _("it would have %'u columns, and a spreadsheet holds at most %'u; "
                         "export to CSV instead"), sheet->n_columns, (guint) RV_EXPORT_MAX_COLUMNS);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * _rv_export_plan_new:
 * @export: what to write
 * @format: the file it goes to (CSV gets the user's sheet alone)
 * @display_name: the output's name, for the document's title
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the plan; or %NULL when the output cannot fit in @format,
 *   with @error's message the reason alone ("it would have … rows")
 */
RvExportPlan *
_rv_export_plan_new (const RvExport  *export,
                     RvExportFormat   format,
                     const char      *display_name,
                     GError         **error)
{
  g_autoptr(RvExportPlan) self = NULL;
  guint widest = 0;

  g_return_val_if_fail (export != NULL, NULL);
  g_return_val_if_fail (RV_IS_SHEET (export->sheet), NULL);
  g_return_val_if_fail (export->header_row >= -1, NULL);
  g_return_val_if_fail (export->header_row < 0 ||
                        ((guint) export->header_row < export->first_row &&
                         (guint) export->header_row < rv_sheet_get_n_rows (export->sheet)), NULL);
  g_return_val_if_fail (export->results != NULL || rv_sheet_get_n_rows (export->sheet) == 0,
                        NULL);
  g_return_val_if_fail (export->rows <= RV_EXPORT_PROBLEMS, NULL);
  g_return_val_if_fail (format == RV_EXPORT_FORMAT_CSV || export->summary != NULL, NULL);

  self = g_new0 (RvExportPlan, 1);
  self->sheet = g_object_ref (export->sheet);
  self->header_row = export->header_row;
  self->first_row = export->first_row;
  self->ruc_column = export->ruc_column;
  self->results = export->results;
  self->rows = export->rows;
  self->n_user_columns = rv_sheet_get_n_columns (export->sheet);
  self->sheets = g_ptr_array_new_with_free_func (plan_sheet_free);
  self->strings = g_string_chunk_new (1024);
  self->scratch = g_ptr_array_new_with_free_func (g_free);

  if (export->summary != NULL && export->summary->file_name != NULL)
    /* Translators: the title of an exported workbook; %s is the input file's name. */
    self->title = g_strdup_printf (_("RUCs checked in %s"), export->summary->file_name);
  else
    self->title = g_strdup (display_name != NULL ? display_name : "");

  g_ptr_array_add (self->sheets, build_data_sheet (self));
  if (format != RV_EXPORT_FORMAT_CSV)
    {
      if (export->rows == RV_EXPORT_ALL)
        g_ptr_array_add (self->sheets, build_problems_sheet (self));
      g_ptr_array_add (self->sheets, build_summary_sheet (self, export->summary));
    }

  for (guint i = 0; i < self->sheets->len; i++)
    widest = MAX (widest, ((PlanSheet *) g_ptr_array_index (self->sheets, i))->n_columns);
  self->cells = g_new0 (RvExportCell, MAX (widest, 1));

  if (!check_limits (self, format, error))
    return NULL;

  /* Names: the Summary and Problems keep theirs; the user's sheet gives way. */
  for (guint i = self->sheets->len; i-- > 0;)
    {
      PlanSheet *sheet = g_ptr_array_index (self->sheets, i);
      g_autoptr(GPtrArray) others = g_ptr_array_new ();
      const char *wanted;

      for (guint j = i + 1; j < self->sheets->len; j++)
        g_ptr_array_add (others, g_ptr_array_index (self->sheets, j));

      switch (sheet->kind)
        {
        case SHEET_DATA:
          wanted = rv_sheet_get_name (export->sheet);
          break;
        case SHEET_PROBLEMS:
          /* Translators: the name of the sheet that lists the rows that are not valid. */
          wanted = _("Problems");
          break;
        case SHEET_SUMMARY:
        default:
          /* Translators: the name of the sheet with the summary of the check. */
          wanted = _("Summary");
          break;
        }
      sheet->name = make_sheet_name (wanted, others);
    }

  if (format != RV_EXPORT_FORMAT_CSV)
    {
      for (guint i = 0; i < self->sheets->len; i++)
        size_columns (self, i);
    }

  return g_steal_pointer (&self);
}

void
_rv_export_plan_free (RvExportPlan *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->sheet);
  g_clear_object (&self->cancellable);
  g_free (self->title);
  g_clear_pointer (&self->sheets, g_ptr_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->scratch, g_ptr_array_unref);
  g_free (self->cells);
  g_free (self);
}

GCancellable *
_rv_export_plan_get_cancellable (RvExportPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->cancellable;
}

void
_rv_export_plan_set_cancellable (RvExportPlan *self,
                                 GCancellable *cancellable)
{
  g_return_if_fail (self != NULL);

  g_set_object (&self->cancellable, cancellable);
}

const char *
_rv_export_plan_get_title (RvExportPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->title;
}

guint
_rv_export_plan_get_n_sheets (RvExportPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->sheets->len;
}

static PlanSheet *
get_sheet (RvExportPlan *self,
           guint         index)
{
  g_assert (self != NULL);
  g_assert (index < self->sheets->len);

  return g_ptr_array_index (self->sheets, index);
}

const char *
_rv_export_plan_get_sheet_name (RvExportPlan *self,
                                guint         sheet)
{
  return get_sheet (self, sheet)->name;
}

guint
_rv_export_plan_get_n_rows (RvExportPlan *self,
                            guint         sheet)
{
  return plan_sheet_get_n_rows (get_sheet (self, sheet));
}

guint
_rv_export_plan_get_n_columns (RvExportPlan *self,
                               guint         sheet)
{
  return get_sheet (self, sheet)->n_columns;
}

/**
 * _rv_export_plan_get_header_row:
 *
 * Returns: the output row that holds the column titles (freeze the rows down to it, put
 *   the autofilter on it), or -1 for a sheet without (the Summary)
 */
int
_rv_export_plan_get_header_row (RvExportPlan *self,
                                guint         sheet)
{
  return get_sheet (self, sheet)->header_row;
}

/**
 * _rv_export_plan_get_column_width:
 *
 * Returns: a width for @column, in characters of the default font (8 to 70)
 */
double
_rv_export_plan_get_column_width (RvExportPlan *self,
                                  guint         sheet,
                                  guint         column)
{
  PlanSheet *plan_sheet = get_sheet (self, sheet);

  g_return_val_if_fail (column < plan_sheet->n_columns, MIN_WIDTH);

  return plan_sheet->widths[column] > 0 ? plan_sheet->widths[column] : MIN_WIDTH + 2;
}

/**
 * _rv_export_plan_get_row:
 * @self: a plan
 * @sheet: the index of a sheet
 * @row: the index of a row of it, below _rv_export_plan_get_n_rows()
 *
 * Returns: (array): the row's _rv_export_plan_get_n_columns() cells, valid until the next
 *   call
 */
const RvExportCell *
_rv_export_plan_get_row (RvExportPlan *self,
                         guint         sheet,
                         guint         row)
{
  PlanSheet *plan_sheet = get_sheet (self, sheet);

  g_return_val_if_fail (row < plan_sheet_get_n_rows (plan_sheet), NULL);

  g_ptr_array_set_size (self->scratch, 0);

  switch (plan_sheet->kind)
    {
    case SHEET_DATA:
      data_row (self, g_array_index (plan_sheet->source_rows, guint, row), self->cells);
      return self->cells;

    case SHEET_PROBLEMS:
      problems_row (self, g_array_index (plan_sheet->source_rows, guint, row), self->cells);
      return self->cells;

    case SHEET_SUMMARY:
    default:
      return &g_array_index (plan_sheet->fixed_cells, RvExportCell, row * plan_sheet->n_columns);
    }
}

/* Shared by the CSV and ODS writers: an optional sign, digits with an optional decimal
 * part, and an optional exponent. A spreadsheet reads it as a number, never as a formula.
 */
gboolean
_rv_export_is_plain_number (const char *text)
{
  const char *p = text;
  guint digits = 0;

  if (*p == '+' || *p == '-')
    p++;

  for (; g_ascii_isdigit (*p); p++)
    digits++;

  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++)
        digits++;
    }

  if (digits == 0)
    return FALSE;

  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }

  return *p == 0;
}

/**
 * _rv_export_get_verdict_colors:
 *
 * Returns: the fill and text colours of @verdict's cells
 */
const RvExportColors *
_rv_export_get_verdict_colors (RvVerdict verdict)
{
  g_return_val_if_fail (verdict < RV_N_VERDICTS, &verdict_colors[RV_VERDICT_PENDING]);

  return &verdict_colors[verdict];
}
