/* rv-column-detect.c
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

#define G_LOG_DOMAIN "rv-column-detect"

#include "config.h"

#include "rv-column-detect.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "rv-ruc.h"

/**
 * RvColumnGuess:
 *
 * Where the RUCs of a sheet are: its header row (found even below title rows), the
 * column that holds them, the other candidates, and a likely name column.
 *
 * Each column is scored on a sample of its cells: how many parse as a RUC (or a DNI,
 * or a RUC with a wrong check digit, which is still a RUC column), over how many are
 * filled, plus a bonus for a header word (RUC, R.U.C., N° RUC, Nro. Doc.,
 * Documento…). When the best two are close, the guess is ambiguous and the caller
 * reports the candidates instead of choosing.
 */

/* Cells looked at per column: enough to tell, cheap on 100,000 rows. */
#define SAMPLE_ROWS       2000
/* Title rows above a header are looked for this far down. */
#define HEADER_SCAN_ROWS  30
#define MAX_CANDIDATES    8
/* The second best within this ratio of the best: ambiguous. */
#define AMBIGUOUS_RATIO   0.9
#define RUC_HEADER_BONUS  40.0
#define DOC_HEADER_BONUS  20.0

typedef enum
{
  HEADER_NONE,
  HEADER_NAME,
  HEADER_DOC,
  HEADER_RUC,
} HeaderKind;

struct _RvColumnGuess
{
  RvSheet *sheet;
  GArray  *candidates;  /* RvColumnCandidate, best first */
  int      header_row;
  int      ruc_column;
  int      name_column;
  gboolean ambiguous;
};

G_DEFINE_BOXED_TYPE (RvColumnGuess, rv_column_guess, rv_column_guess_ref, rv_column_guess_unref)

/* "N° R.U.C." → "n ruc", "Razón Social" → "razon social": lower case, no accents, dots
 * dropped (so that R.U.C. is one word), other punctuation a space.
 */
static char *
normalize_header (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gunichar decomposed[4];
      gsize n;

      if (c == '.')
        continue;

      n = g_unichar_fully_decompose (c, FALSE, decomposed, G_N_ELEMENTS (decomposed));
      c = n > 0 ? decomposed[0] : c;

      if (g_unichar_isalnum (c))
        {
          if (space && out->len > 0)
            g_string_append_c (out, ' ');
          space = FALSE;
          g_string_append_unichar (out, g_unichar_tolower (c));
        }
      else
        space = TRUE;
    }

  return g_string_free (out, FALSE);
}

static gboolean
has_word (char       **words,
          const char  *word)
{
  return g_strv_contains ((const char * const *) words, word);
}

static HeaderKind
classify_header (const char *text)
{
  g_autofree char *normal = NULL;
  g_auto(GStrv) words = NULL;

  if (text == NULL || text[0] == 0)
    return HEADER_NONE;

  normal = normalize_header (text);
  words = g_strsplit (normal, " ", -1);

  /* "Tipo de documento" holds codes (1, 6), not numbers. */
  if (has_word (words, "tipo") || has_word (words, "type"))
    return HEADER_NONE;

  if (has_word (words, "ruc") || strcmp (normal, "r u c") == 0)
    return HEADER_RUC;

  if (has_word (words, "doc") || has_word (words, "documento") || has_word (words, "dni") ||
      has_word (words, "identificacion") || has_word (words, "nrodoc") ||
      has_word (words, "document"))
    return HEADER_DOC;

  if (strstr (normal, "razon social") != NULL || has_word (words, "nombre") ||
      has_word (words, "nombres") || has_word (words, "proveedor") ||
      has_word (words, "cliente") || has_word (words, "denominacion") ||
      has_word (words, "empresa") || has_word (words, "beneficiario") ||
      has_word (words, "contribuyente") || has_word (words, "acreedor") ||
      has_word (words, "name"))
    return HEADER_NAME;

  return HEADER_NONE;
}

static gboolean
looks_like_date (const char *text)
{
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    {
      GRegex *r = g_regex_new ("^\\s*\\d{1,4}([-/.])\\d{1,2}\\1\\d{1,4}(\\s.*)?$",
                               G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, r);
    }

  return g_regex_match (regex, text, 0, NULL);
}

/* How much a cell says "this column holds taxpayer numbers", from 0 to 1. */
static double
id_weight (const RvCell *cell)
{
  RvRucParse parse;

  if (cell->kind != RV_CELL_TEXT && cell->kind != RV_CELL_NUMBER)
    return 0;
  if (cell->kind == RV_CELL_TEXT && looks_like_date (cell->text))
    return 0;

  switch (rv_ruc_parse (cell->text, &parse))
    {
    case RV_ID_KIND_RUC:
      return 1.0;
    case RV_ID_KIND_DNI:
      /* Seven-digit numbers are often amounts or codes. */
      return parse.padded ? 0.3 : 0.6;
    case RV_ID_KIND_NONE:
    default:
      break;
    }

  switch (parse.reason)
    {
    case RV_RUC_REASON_CHECK_DIGIT:
      return 0.9;
    case RV_RUC_REASON_ROUNDED:
      return parse.n_digits == 11 ? 0.7 : 0;
    case RV_RUC_REASON_PREFIX:
      return 0.4;
    case RV_RUC_REASON_NONE:
    case RV_RUC_REASON_EMPTY:
    case RV_RUC_REASON_NOT_A_NUMBER:
    case RV_RUC_REASON_LENGTH:
    default:
      return 0;
    }
}

static void
candidate_clear (gpointer data)
{
  RvColumnCandidate *candidate = data;

  g_free (candidate->header);
}

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const RvColumnCandidate *ca = a, *cb = b;

  if (ca->score != cb->score)
    return ca->score > cb->score ? -1 : 1;
  return (int) ca->column - (int) cb->column;
}

/* Scores every column on the sample below @header_row (-1: no header). */
static void
score_columns (RvColumnGuess *self)
{
  guint n_columns = rv_sheet_get_n_columns (self->sheet);
  guint n_rows = rv_sheet_get_n_rows (self->sheet);
  guint first = self->header_row + 1;
  guint last = MIN (n_rows, first + SAMPLE_ROWS);
  g_autofree double *weights = g_new0 (double, MAX (n_columns, 1));
  g_autofree guint *ids = g_new0 (guint, MAX (n_columns, 1));
  g_autofree guint *filled = g_new0 (guint, MAX (n_columns, 1));
  double best_weight = 0;

  g_array_set_size (self->candidates, 0);

  for (guint r = first; r < last; r++)
    for (guint c = 0; c < n_columns; c++)
      {
        RvCell cell;
        double w;

        if (!rv_sheet_get_cell (self->sheet, r, c, &cell))
          continue;
        filled[c]++;
        w = id_weight (&cell);
        weights[c] += w;
        if (w > 0)
          ids[c]++;
      }

  for (guint c = 0; c < n_columns; c++)
    best_weight = MAX (best_weight, weights[c]);

  for (guint c = 0; c < n_columns; c++)
    {
      RvColumnCandidate candidate = { 0 };
      const char *header = rv_column_guess_get_header (self, c);
      HeaderKind kind = classify_header (header);
      double ratio, support;

      if (ids[c] == 0)
        continue;

      /* Mostly numbers of the right shape, and many of them compared with the best. */
      ratio = weights[c] / filled[c];
      support = best_weight > 0 ? weights[c] / best_weight : 0;
      if (ratio < 0.2 && kind != HEADER_RUC && kind != HEADER_DOC)
        continue;

      candidate.column = c;
      candidate.score = 100.0 * ratio * (0.5 + 0.5 * support);
      if (kind == HEADER_RUC)
        candidate.score += RUC_HEADER_BONUS;
      else if (kind == HEADER_DOC)
        candidate.score += DOC_HEADER_BONUS;
      candidate.header = g_strdup (header);
      candidate.ids = ids[c];
      candidate.filled = filled[c];
      g_array_append_val (self->candidates, candidate);
    }

  g_array_sort (self->candidates, compare_candidates);
  if (self->candidates->len > MAX_CANDIDATES)
    g_array_set_size (self->candidates, MAX_CANDIDATES);

  self->ruc_column = -1;
  self->ambiguous = FALSE;
  if (self->candidates->len > 0)
    {
      const RvColumnCandidate *best = &g_array_index (self->candidates, RvColumnCandidate, 0);

      self->ruc_column = best->column;
      if (self->candidates->len > 1 &&
          g_array_index (self->candidates, RvColumnCandidate, 1).score >= best->score * AMBIGUOUS_RATIO)
        self->ambiguous = TRUE;
    }
}

/* Whether taxpayer numbers stand below @row in @column (a header word above nothing of
 * the kind is a value, such as "RUC" in a document-type column).
 */
static gboolean
has_ids_below (RvColumnGuess *self,
               guint          row,
               guint          column)
{
  guint last = MIN (rv_sheet_get_n_rows (self->sheet), row + 1 + 200);

  for (guint r = row + 1; r < last; r++)
    {
      RvCell cell;

      if (rv_sheet_get_cell (self->sheet, r, column, &cell) && id_weight (&cell) >= 0.5)
        return TRUE;
    }

  return FALSE;
}

static guint
count_filled (RvSheet *sheet,
              guint    row)
{
  guint n = 0;

  for (guint c = 0; c < rv_sheet_get_n_columns (sheet); c++)
    {
      RvCell cell;

      if (rv_sheet_get_cell (sheet, row, c, &cell))
        n++;
    }

  return n;
}

/* The header row: the first row (title rows allowed above it) of two cells or more with a
 * RUC or document header above taxpayer numbers; else the text row just above the first
 * RUC of the best column.
 */
static int
find_header_row (RvColumnGuess *self)
{
  guint n_rows = MIN (rv_sheet_get_n_rows (self->sheet), HEADER_SCAN_ROWS);
  guint n_columns = rv_sheet_get_n_columns (self->sheet);

  for (guint r = 0; r < n_rows; r++)
    {
      if (count_filled (self->sheet, r) < 2)
        continue;

      for (guint c = 0; c < n_columns; c++)
        {
          RvCell cell;
          HeaderKind kind;

          if (!rv_sheet_get_cell (self->sheet, r, c, &cell) || cell.kind != RV_CELL_TEXT)
            continue;
          /* A header cell is not a RUC itself ("RUC: 20131312955" is data). */
          if (id_weight (&cell) > 0)
            continue;
          kind = classify_header (cell.text);
          if ((kind == HEADER_RUC || kind == HEADER_DOC) && has_ids_below (self, r, c))
            return r;
        }
    }

  if (self->ruc_column >= 0)
    {
      guint rows = MIN (rv_sheet_get_n_rows (self->sheet), SAMPLE_ROWS);

      for (guint r = 0; r < rows; r++)
        {
          RvCell cell;

          if (!rv_sheet_get_cell (self->sheet, r, self->ruc_column, &cell) || id_weight (&cell) < 0.5)
            continue;
          if (r > 0 && rv_sheet_get_cell (self->sheet, r - 1, self->ruc_column, &cell) &&
              cell.kind == RV_CELL_TEXT && id_weight (&cell) == 0)
            return r - 1;
          break;
        }
    }

  return -1;
}

static int
find_name_column (RvColumnGuess *self)
{
  guint n_columns = rv_sheet_get_n_columns (self->sheet);
  int fallback = -1;

  if (self->header_row < 0)
    return -1;

  for (guint c = 0; c < n_columns; c++)
    {
      const char *header = rv_column_guess_get_header (self, c);
      g_autofree char *normal = NULL;

      if ((int) c == self->ruc_column || classify_header (header) != HEADER_NAME)
        continue;
      normal = normalize_header (header);
      if (strstr (normal, "razon social") != NULL)
        return c;
      if (fallback < 0)
        fallback = c;
    }

  return fallback;
}

/**
 * rv_column_detect:
 * @sheet: a sheet
 *
 * Finds the header row, the RUC column and a likely name column of @sheet.
 *
 * Returns: (transfer full): the guess; its RUC column is -1 when no column holds RUCs
 */
RvColumnGuess *
rv_column_detect (RvSheet *sheet)
{
  RvColumnGuess *self;

  g_return_val_if_fail (RV_IS_SHEET (sheet), NULL);

  self = g_atomic_rc_box_new0 (RvColumnGuess);
  self->sheet = g_object_ref (sheet);
  self->candidates = g_array_new (FALSE, TRUE, sizeof (RvColumnCandidate));
  g_array_set_clear_func (self->candidates, candidate_clear);

  /* First without a header, to know which column the RUCs are in; then again below the
   * header that finds, with the header words counted.
   */
  self->header_row = -1;
  score_columns (self);
  self->header_row = find_header_row (self);
  score_columns (self);
  self->name_column = find_name_column (self);

  return self;
}

RvColumnGuess *
rv_column_guess_ref (RvColumnGuess *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
rv_column_guess_clear (RvColumnGuess *self)
{
  g_clear_object (&self->sheet);
  g_clear_pointer (&self->candidates, g_array_unref);
}

void
rv_column_guess_unref (RvColumnGuess *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) rv_column_guess_clear);
}

/**
 * rv_column_guess_get_sheet:
 * @self: a #RvColumnGuess
 *
 * Returns: (transfer none): the sheet
 */
RvSheet *
rv_column_guess_get_sheet (RvColumnGuess *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->sheet;
}

/**
 * rv_column_guess_get_header_row:
 * @self: a #RvColumnGuess
 *
 * Returns: the header row, from 0, or -1 when the sheet has none
 */
int
rv_column_guess_get_header_row (RvColumnGuess *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->header_row;
}

/**
 * rv_column_guess_get_first_row:
 * @self: a #RvColumnGuess
 *
 * Returns: the first data row, from 0: the row below the header
 */
guint
rv_column_guess_get_first_row (RvColumnGuess *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->header_row + 1;
}

/**
 * rv_column_guess_get_ruc_column:
 * @self: a #RvColumnGuess
 *
 * Returns: the RUC column, from 0, or -1 when none holds RUCs
 */
int
rv_column_guess_get_ruc_column (RvColumnGuess *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->ruc_column;
}

/**
 * rv_column_guess_is_ambiguous:
 * @self: a #RvColumnGuess
 *
 * Returns: %TRUE when another candidate scores almost as well as the RUC column: the
 *   user should choose
 */
gboolean
rv_column_guess_is_ambiguous (RvColumnGuess *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->ambiguous;
}

/**
 * rv_column_guess_get_name_column:
 * @self: a #RvColumnGuess
 *
 * Returns: the column of names (razón social, proveedor, cliente…), or -1
 */
int
rv_column_guess_get_name_column (RvColumnGuess *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->name_column;
}

guint
rv_column_guess_get_n_candidates (RvColumnGuess *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->candidates->len;
}

/**
 * rv_column_guess_get_candidate:
 * @self: a #RvColumnGuess
 * @index: from 0, best first
 *
 * Returns: (transfer none): the candidate
 */
const RvColumnCandidate *
rv_column_guess_get_candidate (RvColumnGuess *self,
                               guint          index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->candidates->len, NULL);

  return &g_array_index (self->candidates, RvColumnCandidate, index);
}

/**
 * rv_column_guess_get_header:
 * @self: a #RvColumnGuess
 * @column: a column, from 0
 *
 * Returns: (nullable): the column's header, or %NULL when there is none
 */
const char *
rv_column_guess_get_header (RvColumnGuess *self,
                            guint          column)
{
  const char *text;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->header_row < 0)
    return NULL;
  text = rv_sheet_get_text (self->sheet, self->header_row, column);
  return text[0] != 0 ? text : NULL;
}

static gboolean
parse_number (const char *spec,
              guint      *number)
{
  guint64 value;
  char *end = NULL;

  if (!g_ascii_isdigit (spec[0]))
    return FALSE;
  value = g_ascii_strtoull (spec, &end, 10);
  if (*end != 0 || value < 1 || value > RV_SHEET_MAX_COLUMNS)
    return FALSE;
  *number = value;
  return TRUE;
}

/* The column a header names: exactly first, then ignoring case, accents and dots. */
static int
find_header_column (RvColumnGuess *self,
                    const char    *spec)
{
  guint n_columns = rv_sheet_get_n_columns (self->sheet);
  g_autofree char *wanted = normalize_header (spec);

  for (guint c = 0; c < n_columns; c++)
    if (g_strcmp0 (rv_column_guess_get_header (self, c), spec) == 0)
      return c;

  for (guint c = 0; c < n_columns && wanted[0] != 0; c++)
    {
      const char *header = rv_column_guess_get_header (self, c);
      g_autofree char *normal = header != NULL ? normalize_header (header) : NULL;

      if (g_strcmp0 (normal, wanted) == 0)
        return c;
    }

  return -1;
}

/**
 * rv_column_guess_set_column:
 * @self: a #RvColumnGuess
 * @spec: a header (exact, then ignoring case and accents), column letters ("C") or a
 *   column number, from 1
 * @file_name: the file, for messages
 * @error: a location for a #GError, or %NULL
 *
 * Overrides the detected RUC column, as `--column` does.
 *
 * Returns: %TRUE if @spec names a column of the sheet; else
 *   %RV_SHEET_ERROR_COLUMN_NOT_FOUND
 */
gboolean
rv_column_guess_set_column (RvColumnGuess  *self,
                            const char     *spec,
                            const char     *file_name,
                            GError        **error)
{
  guint n_columns;
  int column;
  guint index;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (file_name != NULL, FALSE);

  n_columns = rv_sheet_get_n_columns (self->sheet);
  column = find_header_column (self, spec);

  if (column < 0 &&
      (rv_sheet_parse_column (spec, &index) || parse_number (spec, &index)))
    {
      if (g_ascii_isdigit (spec[0]))
        index--;
      if (index >= n_columns)
        {
          g_autofree char *last = rv_sheet_column_letter (n_columns > 0 ? n_columns - 1 : 0);

          g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_COLUMN_NOT_FOUND,
                       /* Translators: the column asked for, the sheet, the file, the number
                        * of columns and the last column's letter. */
                       g_dngettext (GETTEXT_PACKAGE,
                                    "Column %s is out of range: sheet “%s” of “%s” has %u column (A to %s)",
                                    "Column %s is out of range: sheet “%s” of “%s” has %u columns (A to %s)",
                                    n_columns),
                       spec, rv_sheet_get_name (self->sheet), file_name, n_columns, last);
          return FALSE;
        }
      column = index;
    }

  if (column < 0)
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_COLUMN_NOT_FOUND,
                   _("No column “%s” in sheet “%s” of “%s”"),
                   spec, rv_sheet_get_name (self->sheet), file_name);
      return FALSE;
    }

  self->ruc_column = column;
  self->ambiguous = FALSE;
  if (self->name_column == column)
    self->name_column = -1;
  return TRUE;
}

/* "B (RUC Proveedor), E (RUC Cliente)" */
static char *
describe_candidates (RvColumnGuess *self)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < self->candidates->len; i++)
    {
      const RvColumnCandidate *candidate = &g_array_index (self->candidates, RvColumnCandidate, i);
      g_autofree char *letter = rv_sheet_column_letter (candidate->column);

      if (i > 0 && candidate->score < g_array_index (self->candidates, RvColumnCandidate, 0).score * AMBIGUOUS_RATIO)
        break;
      if (list->len > 0)
        g_string_append (list, ", ");
      if (candidate->header != NULL)
        g_string_append_printf (list, "%s (%s)", letter, candidate->header);
      else
        g_string_append (list, letter);
    }

  return g_string_free (list, FALSE);
}

/**
 * rv_column_detect_first_sheet:
 * @workbook: a workbook with at least one sheet
 * @sheet: (out) (optional): the chosen sheet's index, from 0
 *
 * Chooses the sheet a run uses when none is named: the first one with a RUC column, or
 * the first one when no sheet has any.
 *
 * Returns: (transfer full): the chosen sheet's guess
 */
RvColumnGuess *
rv_column_detect_first_sheet (RvWorkbook *workbook,
                              guint      *sheet)
{
  guint n_sheets;

  g_return_val_if_fail (RV_IS_WORKBOOK (workbook), NULL);

  n_sheets = rv_workbook_get_n_sheets (workbook);
  g_return_val_if_fail (n_sheets > 0, NULL);

  for (guint i = 0; i < n_sheets; i++)
    {
      RvColumnGuess *guess = rv_column_detect (rv_workbook_get_sheet (workbook, i));

      if (rv_column_guess_get_ruc_column (guess) >= 0)
        {
          if (sheet != NULL)
            *sheet = i;
          return guess;
        }
      rv_column_guess_unref (guess);
    }

  if (sheet != NULL)
    *sheet = 0;
  return rv_column_detect (rv_workbook_get_sheet (workbook, 0));
}

/**
 * rv_column_detect_workbook:
 * @workbook: a workbook
 * @sheet_spec: (nullable): the sheet's name or number (from 1), as `--sheet`; %NULL for
 *   the first sheet with a RUC column
 * @column_spec: (nullable): the column, as `--column` (see rv_column_guess_set_column());
 *   %NULL to detect it
 * @error: a location for a #GError, or %NULL
 *
 * Chooses the sheet and the RUC column a run uses.
 *
 * Returns: (transfer full): the guess for the chosen sheet, with a RUC column; or %NULL
 *   with %RV_SHEET_ERROR_SHEET_NOT_FOUND, %RV_SHEET_ERROR_NO_RUC_COLUMN,
 *   %RV_SHEET_ERROR_AMBIGUOUS_COLUMN (listing the candidates) or
 *   %RV_SHEET_ERROR_COLUMN_NOT_FOUND
 */
RvColumnGuess *
rv_column_detect_workbook (RvWorkbook  *workbook,
                           const char  *sheet_spec,
                           const char  *column_spec,
                           GError     **error)
{
  g_autoptr(RvColumnGuess) guess = NULL;
  const char *file_name;

  g_return_val_if_fail (RV_IS_WORKBOOK (workbook), NULL);

  file_name = rv_workbook_get_file_name (workbook);

  if (sheet_spec != NULL)
    {
      RvSheet *sheet = rv_workbook_find_sheet (workbook, sheet_spec, error);

      if (sheet == NULL)
        return NULL;
      guess = rv_column_detect (sheet);
    }
  else
    {
      /* With no RUC column anywhere, the first sheet's guess says so in the message. */
      guess = rv_column_detect_first_sheet (workbook, NULL);
    }

  if (column_spec != NULL)
    {
      if (!rv_column_guess_set_column (guess, column_spec, file_name, error))
        return NULL;
      return g_steal_pointer (&guess);
    }

  if (guess->ruc_column < 0)
    {
      if (rv_workbook_get_n_sheets (workbook) > 1 && sheet_spec == NULL)
        g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_NO_RUC_COLUMN,
                     _("No column of any sheet of “%s” holds RUC numbers"), file_name);
      else
        g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_NO_RUC_COLUMN,
                     _("No column of sheet “%s” of “%s” holds RUC numbers"),
                     rv_sheet_get_name (guess->sheet), file_name);
      return NULL;
    }

  if (guess->ambiguous)
    {
      g_autofree char *list = describe_candidates (guess);

      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_AMBIGUOUS_COLUMN,
                   /* Translators: the sheet, the file, then the columns ("B (RUC), E (DNI)"). */
                   _("Several columns of sheet “%s” of “%s” could hold the RUC numbers: %s"),
                   rv_sheet_get_name (guess->sheet), file_name, list);
      return NULL;
    }

  return g_steal_pointer (&guess);
}
