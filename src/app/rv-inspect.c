/* rv-inspect.c
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

#define G_LOG_DOMAIN "rv-inspect"

#include "config.h"

#include <json-glib/json-glib.h>

#include <glib/gi18n.h>

#include "rv-cli.h"
#include "rv-column-detect.h"
#include "rv-ruc.h"
#include "rv-sheet-reader.h"

/* `ruc-validator --inspect FILE`: what a run would validate, as JSON on standard output,
 * before a single request is spent. Rows and columns count from 1, as the spreadsheet
 * shows them.
 */

typedef struct
{
  guint rows;
  guint ruc_cells;
  guint well_formed;
  guint invalid;
  guint dni;
} Counts;

static void
add_column (JsonBuilder   *builder,
            const char    *member,
            RvColumnGuess *guess,
            int            column,
            double         score)
{
  g_autofree char *letter = NULL;
  const char *header;

  if (member != NULL)
    json_builder_set_member_name (builder, member);
  if (column < 0)
    {
      json_builder_add_null_value (builder);
      return;
    }

  letter = rv_sheet_column_letter (column);
  header = rv_column_guess_get_header (guess, column);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, column + 1);
  json_builder_set_member_name (builder, "letter");
  json_builder_add_string_value (builder, letter);
  json_builder_set_member_name (builder, "header");
  if (header != NULL)
    json_builder_add_string_value (builder, header);
  else
    json_builder_add_null_value (builder);
  if (score >= 0)
    {
      json_builder_set_member_name (builder, "score");
      json_builder_add_int_value (builder, (gint64) (score + 0.5));
    }
  json_builder_end_object (builder);
}

static guint
rows_below_header (RvColumnGuess *guess)
{
  guint n_rows = rv_sheet_get_n_rows (rv_column_guess_get_sheet (guess));
  guint first = rv_column_guess_get_first_row (guess);

  return n_rows > first ? n_rows - first : 0;
}

static void
add_sheet (JsonBuilder   *builder,
           RvColumnGuess *guess)
{
  RvSheet *sheet = rv_column_guess_get_sheet (guess);
  int header_row = rv_column_guess_get_header_row (guess);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, rv_sheet_get_name (sheet));
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, rows_below_header (guess));
  json_builder_set_member_name (builder, "header_row");
  if (header_row >= 0)
    json_builder_add_int_value (builder, header_row + 1);
  else
    json_builder_add_null_value (builder);
  add_column (builder, "ruc_column", guess, rv_column_guess_get_ruc_column (guess), -1);
  json_builder_set_member_name (builder, "ambiguous");
  json_builder_add_boolean_value (builder, rv_column_guess_is_ambiguous (guess));
  add_column (builder, "name_column", guess, rv_column_guess_get_name_column (guess), -1);

  json_builder_set_member_name (builder, "candidates");
  json_builder_begin_array (builder);
  for (guint i = 0; i < rv_column_guess_get_n_candidates (guess); i++)
    {
      const RvColumnCandidate *candidate = rv_column_guess_get_candidate (guess, i);

      add_column (builder, NULL, guess, candidate->column, candidate->score);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
}

static Counts
count_column (RvColumnGuess *guess)
{
  RvSheet *sheet = rv_column_guess_get_sheet (guess);
  int column = rv_column_guess_get_ruc_column (guess);
  g_autoptr(GHashTable) well_formed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) invalid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) dni = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Counts counts = { 0 };
  guint n_rows = rv_sheet_get_n_rows (sheet);
  guint first = rv_column_guess_get_first_row (guess);

  counts.rows = rows_below_header (guess);

  for (guint r = first; r < n_rows; r++)
    {
      RvCell cell;
      RvRucParse parse;

      if (!rv_sheet_get_cell (sheet, r, column, &cell))
        continue;

      switch (rv_ruc_parse (cell.text, &parse))
        {
        case RV_ID_KIND_RUC:
          g_hash_table_add (well_formed, g_strdup (parse.value));
          break;
        case RV_ID_KIND_DNI:
          g_hash_table_add (dni, g_strdup (parse.value));
          break;
        case RV_ID_KIND_NONE:
        default:
          if (parse.reason == RV_RUC_REASON_EMPTY)
            continue;
          /* The same key as a run's (rv_result_new()), so that both count alike. */
          g_hash_table_add (invalid, parse.value[0] != 0 && parse.reason != RV_RUC_REASON_NOT_A_NUMBER
                                     ? g_strdup (parse.value)
                                     : g_strstrip (g_strdup (cell.text)));
          break;
        }
      counts.ruc_cells++;
    }

  counts.well_formed = g_hash_table_size (well_formed);
  counts.invalid = g_hash_table_size (invalid);
  counts.dni = g_hash_table_size (dni);
  return counts;
}

/**
 * rv_cli_inspect:
 * @path: the file
 * @sheet_spec: (nullable): as `--sheet`
 * @column_spec: (nullable): as `--column`
 *
 * Prints the JSON of DESIGN.md: the file, its format (and encoding and delimiter for a
 * CSV), each sheet with its header row, RUC column and candidates, and for the sheet and
 * column a run would use, the rows, the filled RUC cells, and the distinct values that
 * are well-formed RUCs, malformed, or DNIs.
 *
 * Returns: %RV_EXIT_OK; %RV_EXIT_FAILURE with one line on standard error when the file
 *   cannot be read or no column can be chosen (the JSON is still printed in that case)
 */
int
rv_cli_inspect (const char *path,
                const char *sheet_spec,
                const char *column_spec)
{
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(RvColumnGuess) chosen = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  RvFileFormat format;

  workbook = rv_cli_read_file (path, &error);
  if (workbook == NULL)
    {
      g_printerr ("ruc-validator: %s\n", error->message);
      return RV_EXIT_FAILURE;
    }

  chosen = rv_column_detect_workbook (workbook, sheet_spec, column_spec, &error);
  format = rv_workbook_get_format (workbook);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, path);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, rv_file_format_get_nick (format));
  json_builder_set_member_name (builder, "encoding");
  if (rv_workbook_get_encoding (workbook) != NULL)
    json_builder_add_string_value (builder, rv_workbook_get_encoding (workbook));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "delimiter");
  if (rv_workbook_get_delimiter (workbook) != 0)
    {
      char delimiter[2] = { rv_workbook_get_delimiter (workbook), 0 };
      json_builder_add_string_value (builder, delimiter);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "sheets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < rv_workbook_get_n_sheets (workbook); i++)
    {
      RvSheet *sheet = rv_workbook_get_sheet (workbook, i);

      if (chosen != NULL && rv_column_guess_get_sheet (chosen) == sheet)
        add_sheet (builder, chosen);
      else
        {
          g_autoptr(RvColumnGuess) guess = rv_column_detect (sheet);
          add_sheet (builder, guess);
        }
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "sheet");
  if (chosen != NULL)
    {
      Counts counts = count_column (chosen);

      json_builder_add_string_value (builder, rv_sheet_get_name (rv_column_guess_get_sheet (chosen)));
      json_builder_set_member_name (builder, "rows");
      json_builder_add_int_value (builder, counts.rows);
      json_builder_set_member_name (builder, "ruc_cells");
      json_builder_add_int_value (builder, counts.ruc_cells);
      json_builder_set_member_name (builder, "unique");
      json_builder_add_int_value (builder, counts.well_formed + counts.invalid + counts.dni);
      json_builder_set_member_name (builder, "well_formed");
      json_builder_add_int_value (builder, counts.well_formed);
      json_builder_set_member_name (builder, "invalid");
      json_builder_add_int_value (builder, counts.invalid);
      json_builder_set_member_name (builder, "dni");
      json_builder_add_int_value (builder, counts.dni);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  g_print ("%s\n", json);

  if (chosen == NULL)
    {
      g_autofree char *text = rv_cli_dup_column_error (error);

      g_printerr ("ruc-validator: %s\n", text);
      return RV_EXIT_FAILURE;
    }

  return RV_EXIT_OK;
}
