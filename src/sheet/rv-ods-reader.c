/* rv-ods-reader.c
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

#define G_LOG_DOMAIN "rv-ods-reader"

#include "config.h"

#include "rv-sheet-reader-private.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "rv-zip.h"

/*
 * OpenDocument spreadsheets (ODF 1.2/1.3), read as a stream of content.xml.
 *
 * ODF compresses runs of equal rows and cells with table:number-rows-repeated and
 * table:number-columns-repeated; LibreOffice ends most sheets with a million empty rows
 * that way. Empty repeats only move the row and column counters, so they cost nothing;
 * repeats of cells with content are copied into the sheet, after checking the copies
 * against the limits and against the decompression budget (see _rv_zip_charge()).
 */

#define CONTENT_PATH   "content.xml"
#define MANIFEST_PATH  "META-INF/manifest.xml"

#define NS_OFFICE    "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_TABLE     "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define NS_TEXT      "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define NS_DRAW      "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
#define NS_MANIFEST  "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
#define NS_CALCEXT   "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"

#define PROGRESS_ROWS  1000

/* A cell with content waiting for the end of its row, which may be repeated. */
typedef struct
{
  guint32 column;
  guint32 offset;   /* into Row.texts */
  guint32 length;
  guint8  kind;     /* RvCellKind */
  guint8  formula;
} PendingCell;

typedef struct
{
  RvReadContext *ctx;
  RvZip         *zip;
  RvZipXml      *xml;
  RvWorkbook    *workbook;

  /* The table being read. */
  RvSheet       *sheet;
  guint64        row;             /* the next row, from 0 */
  guint64        last_progress;

  /* The row being read. */
  guint64        row_repeat;
  guint64        column;          /* the next column, from 0 */
  GArray        *pending;         /* PendingCell */
  GByteArray    *texts;

  /* The cell being read. */
  GString       *value_type;
  GString       *calc_type;
  GString       *value;
  GString       *string_value;
  gboolean       has_string_value;
  gboolean       formula;
  guint64        column_repeat;
  GString       *text;            /* its paragraphs */
  guint          n_paragraphs;
  gboolean       paragraph_started;
  gboolean       pending_space;

  GString       *attr;            /* scratch */
} OdsReader;

static void
free_string (GString **string)
{
  if (*string != NULL)
    g_string_free (*string, TRUE);
  *string = NULL;
}

static void
ods_reader_clear (OdsReader *self)
{
  g_clear_pointer (&self->xml, _rv_zip_xml_free);
  g_clear_pointer (&self->zip, _rv_zip_free);
  g_clear_object (&self->sheet);
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->texts, g_byte_array_unref);
  free_string (&self->value_type);
  free_string (&self->calc_type);
  free_string (&self->value);
  free_string (&self->string_value);
  free_string (&self->text);
  free_string (&self->attr);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OdsReader, ods_reader_clear)

static gboolean
is_text_node (int type)
{
  return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
         type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

/* A repeat count: at least 1; absurd values are kept large so that the limits catch them. */
static guint64
parse_repeat (const char *text)
{
  guint64 value = 0;

  if (*text == '\0')
    return 1;

  for (const char *p = text; *p; p++)
    {
      if (!g_ascii_isdigit (*p))
        return 1;
      value = value * 10 + (*p - '0');
      if (value > G_MAXUINT32)
        return G_MAXUINT32;
    }

  return MAX (value, 1);
}

static void
error_past_limits (OdsReader  *self,
                   GError    **error)
{
  g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
               _("“%s” is too large: sheet “%s” has more than %u rows or %u columns"),
               self->ctx->display_name, rv_sheet_get_name (self->sheet),
               RV_SHEET_MAX_ROWS, RV_SHEET_MAX_COLUMNS);
}

static void
error_too_many_cells (OdsReader  *self,
                      GError    **error)
{
  g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
               _("“%s” is too large: it has more than %u million cells"),
               self->ctx->display_name, (guint) (RV_SHEET_MAX_CELLS / 1000000));
}

static void
error_cell_too_large (OdsReader  *self,
                      GError    **error)
{
  g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
               _("“%s” is too large: a cell of sheet “%s” holds more than %u KB of text"),
               self->ctx->display_name, rv_sheet_get_name (self->sheet),
               RV_SHEET_MAX_CELL_BYTES / 1024);
}

static gboolean
check_cell_size (OdsReader  *self,
                 guint64     more,
                 GError    **error)
{
  if (more > RV_SHEET_MAX_CELL_BYTES || self->text->len + more > RV_SHEET_MAX_CELL_BYTES)
    {
      error_cell_too_large (self, error);
      return FALSE;
    }

  return TRUE;
}

/*
 * Paragraph text, with ODF's white-space rule (ODF 1.2 part 1, 6.1.2): runs of spaces,
 * tabs and newlines count as one space, and none at the start or end of a paragraph.
 * Deliberate spaces are written as <text:s/>.
 */
static gboolean
append_paragraph_text (OdsReader   *self,
                       const char  *text,
                       GError     **error)
{
  if (text == NULL)
    return TRUE;

  if (!check_cell_size (self, strlen (text) + 1, error))
    return FALSE;

  for (const char *p = text; *p; p++)
    {
      if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        {
          if (self->paragraph_started)
            self->pending_space = TRUE;
          continue;
        }

      if (self->pending_space)
        g_string_append_c (self->text, ' ');
      self->pending_space = FALSE;
      self->paragraph_started = TRUE;
      g_string_append_c (self->text, *p);
    }

  return TRUE;
}

/* Text that the white-space rule leaves alone: <text:s/>, <text:tab/>. */
static gboolean
append_literal (OdsReader   *self,
                char         c,
                guint64      count,
                GError     **error)
{
  if (!check_cell_size (self, count + 1, error))
    return FALSE;

  if (self->pending_space)
    g_string_append_c (self->text, ' ');
  self->pending_space = FALSE;
  self->paragraph_started = TRUE;
  for (guint64 i = 0; i < count; i++)
    g_string_append_c (self->text, c);

  return TRUE;
}

/* "2026-11-22" stays; "2026-11-22T10:15:00.5+05:00" becomes "2026-11-22 10:15:00". */
static gboolean
format_date_value (const char *value,
                   GString    *out)
{
  const char *t = strchr (value, 'T');
  gsize date_length = t != NULL ? (gsize) (t - value) : strlen (value);

  if (date_length < 8 || date_length > 16)
    return FALSE;
  for (gsize i = 0; i < date_length; i++)
    if (!g_ascii_isdigit (value[i]) && value[i] != '-')
      return FALSE;

  g_string_assign (out, "");
  g_string_append_len (out, value, date_length);

  if (t != NULL)
    {
      const char *time = t + 1;

      if (strlen (time) < 8 || !g_ascii_isdigit (time[0]) || !g_ascii_isdigit (time[1]) ||
          time[2] != ':' || !g_ascii_isdigit (time[3]) || !g_ascii_isdigit (time[4]) ||
          time[5] != ':' || !g_ascii_isdigit (time[6]) || !g_ascii_isdigit (time[7]))
        return FALSE;

      /* Midnight is how a date alone comes out of some writers. */
      if (strncmp (time, "00:00:00", 8) != 0)
        {
          g_string_append_c (out, ' ');
          g_string_append_len (out, time, 8);
        }
    }

  return TRUE;
}

/* An ISO 8601 duration, "PT10H15M00S" or "P1DT2H00M00S", as "10:15:00" or "26:00:00". */
static gboolean
format_time_value (const char *value,
                   GString    *out)
{
  guint64 days = 0, hours = 0, minutes = 0;
  double seconds = 0;
  gboolean in_time = FALSE;
  const char *p = value;
  guint64 total;

  if (*p != 'P')
    return FALSE;
  p++;

  while (*p)
    {
      char *end = NULL;
      double number;

      if (*p == 'T')
        {
          in_time = TRUE;
          p++;
          continue;
        }

      if (!g_ascii_isdigit (*p))
        return FALSE;
      number = g_ascii_strtod (p, &end);
      if (end == p || !isfinite (number) || number < 0 || number > 1e9)
        return FALSE;
      p = end;

      switch (*p)
        {
        case 'D':
          days = number;
          break;
        case 'H':
          hours = number;
          break;
        case 'M':
          if (!in_time)
            return FALSE;
          minutes = number;
          break;
        case 'S':
          seconds = number;
          break;
        default:
          return FALSE;
        }
      p++;
    }

  total = (guint64) round (((days * 24 + hours) * 60 + minutes) * 60 + seconds);
  g_string_printf (out, "%02" G_GUINT64_FORMAT ":%02u:%02u",
                   total / 3600, (guint) (total / 60 % 60), (guint) (total % 60));
  return TRUE;
}

static void
start_table (OdsReader *self)
{
  g_autofree char *name = NULL;

  if (_rv_zip_xml_get_attribute (self->xml, NS_TABLE, "name", self->attr))
    name = g_strdup (self->attr->str);
  else
    name = g_strdup_printf ("%u", rv_workbook_get_n_sheets (self->workbook) + 1);

  g_clear_object (&self->sheet);
  self->sheet = rv_sheet_new (name);
  self->row = 0;
  self->last_progress = 0;
}

static void
end_table (OdsReader *self)
{
  rv_workbook_add_sheet (self->workbook, self->sheet);
  g_clear_object (&self->sheet);
}

static void
start_row (OdsReader *self)
{
  self->row_repeat = 1;
  if (_rv_zip_xml_get_attribute (self->xml, NS_TABLE, "number-rows-repeated", self->attr))
    self->row_repeat = parse_repeat (self->attr->str);

  self->column = 0;
  g_array_set_size (self->pending, 0);
  g_byte_array_set_size (self->texts, 0);
}

/* Copies the row's cells as many times as it repeats, once the copies are known to fit. */
static gboolean
end_row (OdsReader  *self,
         GError    **error)
{
  guint64 repeat = self->row_repeat;
  guint64 width;
  guint64 bytes;

  if (self->pending->len == 0)
    {
      /* Empty rows, however many, only move the counter. */
      self->row += repeat;
      return TRUE;
    }

  if (self->row + repeat > RV_SHEET_MAX_ROWS)
    {
      error_past_limits (self, error);
      return FALSE;
    }

  width = g_array_index (self->pending, PendingCell, self->pending->len - 1).column + 1;
  if (rv_sheet_get_n_cells (self->sheet) + width * repeat > RV_SHEET_MAX_CELLS)
    {
      error_too_many_cells (self, error);
      return FALSE;
    }

  /* What the copies cost: their cells and their texts. */
  bytes = (width * 8 + sizeof (guint32) + self->texts->len) * (repeat - 1);
  if (repeat > 1 && !_rv_zip_charge (self->zip, bytes, error))
    return FALSE;

  for (guint64 r = 0; r < repeat; r++)
    {
      guint64 row = self->row + r;

      for (guint i = 0; i < self->pending->len; i++)
        {
          const PendingCell *cell = &g_array_index (self->pending, PendingCell, i);

          if (!rv_sheet_set_cell (self->sheet, row, cell->column, cell->kind, cell->formula,
                                  (const char *) self->texts->data + cell->offset, cell->length))
            {
              error_too_many_cells (self, error);
              return FALSE;
            }
        }

      if (row + 1 - self->last_progress >= PROGRESS_ROWS)
        {
          self->last_progress = row + 1;
          if (!_rv_read_context_progress (self->ctx, _rv_zip_xml_get_fraction (self->xml), error))
            return FALSE;
        }
    }

  self->row += repeat;
  return TRUE;
}

static void
start_cell (OdsReader *self)
{
  RvZipXml *xml = self->xml;

  if (!_rv_zip_xml_get_attribute (xml, NS_OFFICE, "value-type", self->value_type))
    g_string_truncate (self->value_type, 0);
  if (!_rv_zip_xml_get_attribute (xml, NS_CALCEXT, "value-type", self->calc_type))
    g_string_truncate (self->calc_type, 0);

  g_string_truncate (self->value, 0);
  if (strcmp (self->value_type->str, "date") == 0)
    _rv_zip_xml_get_attribute (xml, NS_OFFICE, "date-value", self->value);
  else if (strcmp (self->value_type->str, "time") == 0)
    _rv_zip_xml_get_attribute (xml, NS_OFFICE, "time-value", self->value);
  else if (strcmp (self->value_type->str, "boolean") == 0)
    _rv_zip_xml_get_attribute (xml, NS_OFFICE, "boolean-value", self->value);
  else
    _rv_zip_xml_get_attribute (xml, NS_OFFICE, "value", self->value);

  self->has_string_value = _rv_zip_xml_get_attribute (xml, NS_OFFICE, "string-value",
                                                      self->string_value);
  self->formula = _rv_zip_xml_get_attribute (xml, NS_TABLE, "formula", self->attr);

  self->column_repeat = 1;
  if (_rv_zip_xml_get_attribute (xml, NS_TABLE, "number-columns-repeated", self->attr))
    self->column_repeat = parse_repeat (self->attr->str);

  g_string_truncate (self->text, 0);
  self->n_paragraphs = 0;
}

/* The cell's kind and text, from its value type and value attributes. */
static RvCellKind
cell_value (OdsReader  *self,
            GString    *out)
{
  const char *type = self->value_type->str;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* LibreOffice marks formulas that failed ("#DIV/0!") with calcext:value-type="error". */
  if (strcmp (self->calc_type->str, "error") == 0)
    {
      g_string_assign (out, self->text->str);
      return RV_CELL_ERROR;
    }

  if (strcmp (type, "float") == 0 || strcmp (type, "percentage") == 0 ||
      strcmp (type, "currency") == 0)
    {
      char *end = NULL;
      double value;

      g_strstrip (self->value->str);
      value = g_ascii_strtod (self->value->str, &end);
      if (self->value->str[0] != '\0' && end != NULL && *end == '\0' && isfinite (value))
        {
          _rv_format_number (value, buffer);
          g_string_assign (out, buffer);
          return RV_CELL_NUMBER;
        }
    }
  else if (strcmp (type, "date") == 0)
    {
      if (format_date_value (self->value->str, out))
        return RV_CELL_DATE;
    }
  else if (strcmp (type, "time") == 0)
    {
      if (format_time_value (self->value->str, out))
        return RV_CELL_DATE;
    }
  else if (strcmp (type, "boolean") == 0)
    {
      if (strcmp (self->value->str, "true") == 0 || strcmp (self->value->str, "1") == 0)
        {
          g_string_assign (out, "TRUE");
          return RV_CELL_BOOLEAN;
        }
      if (strcmp (self->value->str, "false") == 0 || strcmp (self->value->str, "0") == 0)
        {
          g_string_assign (out, "FALSE");
          return RV_CELL_BOOLEAN;
        }
    }
  else if (strcmp (type, "string") == 0 && self->has_string_value)
    {
      g_string_assign (out, self->string_value->str);
      return RV_CELL_TEXT;
    }

  /* Strings, cells without a value type, and values that do not parse: what is shown. */
  g_string_assign (out, self->text->str);
  return RV_CELL_TEXT;
}

static gboolean
end_cell (OdsReader  *self,
          GError    **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint64 repeat = self->column_repeat;
  PendingCell cell = { 0 };
  const guint8 nul = 0;

  cell.kind = cell_value (self, out);

  if (out->len == 0)
    {
      /* Empty cells, however many, only move the counter. */
      self->column += repeat;
      return TRUE;
    }

  if (out->len > RV_SHEET_MAX_CELL_BYTES)
    {
      error_cell_too_large (self, error);
      return FALSE;
    }

  if (self->column + repeat > RV_SHEET_MAX_COLUMNS)
    {
      error_past_limits (self, error);
      return FALSE;
    }

  if (repeat > 1 && !_rv_zip_charge (self->zip, (out->len + 8) * (repeat - 1), error))
    return FALSE;

  cell.offset = self->texts->len;
  cell.length = out->len;
  cell.formula = self->formula;
  g_byte_array_append (self->texts, (const guint8 *) out->str, out->len);
  g_byte_array_append (self->texts, &nul, 1);

  for (guint64 i = 0; i < repeat; i++)
    {
      cell.column = self->column + i;
      g_array_append_val (self->pending, cell);
    }

  self->column += repeat;
  return TRUE;
}

/*
 * An encrypted package keeps its manifest in the clear, and says so there. The manifest is
 * only looked at for that: when it is damaged, content.xml still decides.
 */
static gboolean
check_encryption (OdsReader  *self,
                  GError    **error)
{
  g_autoptr(RvZipXml) xml = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!_rv_zip_has_member (self->zip, MANIFEST_PATH))
    return TRUE;

  xml = _rv_zip_xml_open (self->zip, MANIFEST_PATH, &local_error);
  if (xml != NULL)
    _rv_zip_xml_set_progress (xml, 0.0, 0.0);

  while (xml != NULL && _rv_zip_xml_read (xml, &local_error) == 1)
    {
      xmlTextReaderPtr reader = _rv_zip_xml_get_reader (xml);

      if (xmlTextReaderNodeType (reader) == XML_READER_TYPE_ELEMENT &&
          _rv_zip_xml_is_element (xml, NS_MANIFEST, "encryption-data"))
        {
          g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_ENCRYPTED,
                       _("“%s” is protected by a password: save a copy without one and open that"),
                       self->ctx->display_name);
          return FALSE;
        }
    }

  if (g_error_matches (local_error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED) ||
      g_error_matches (local_error, RV_SHEET_ERROR, RV_SHEET_ERROR_TRUNCATED))
    {
      g_debug ("%s", local_error->message);
      return TRUE;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

/* Inside a paragraph: elements whose text is not the cell's (notes, comments, drawings). */
static gboolean
is_skipped_element (RvZipXml *xml)
{
  xmlTextReaderPtr reader = _rv_zip_xml_get_reader (xml);
  const char *ns = (const char *) xmlTextReaderConstNamespaceUri (reader);

  return g_strcmp0 (ns, NS_DRAW) == 0 || g_strcmp0 (ns, NS_OFFICE) == 0 ||
         _rv_zip_xml_is_element (xml, NS_TEXT, "note") ||
         _rv_zip_xml_is_element (xml, NS_TEXT, "ruby-text");
}

/* An element inside a paragraph. */
static gboolean
paragraph_element (OdsReader  *self,
                   gboolean    empty,
                   int         depth,
                   int        *skip_depth,
                   GError    **error)
{
  RvZipXml *xml = self->xml;

  if (_rv_zip_xml_is_element (xml, NS_TEXT, "s"))
    {
      guint64 count = 1;

      if (_rv_zip_xml_get_attribute (xml, NS_TEXT, "c", self->attr))
        count = parse_repeat (self->attr->str);
      return append_literal (self, ' ', count, error);
    }

  if (_rv_zip_xml_is_element (xml, NS_TEXT, "tab"))
    return append_literal (self, '\t', 1, error);

  if (_rv_zip_xml_is_element (xml, NS_TEXT, "line-break"))
    {
      /* A new line starts like a paragraph: no space carried over, none at its start. */
      self->pending_space = FALSE;
      if (!append_literal (self, '\n', 1, error))
        return FALSE;
      self->paragraph_started = FALSE;
      return TRUE;
    }

  if (!empty && is_skipped_element (xml))
    *skip_depth = depth;

  return TRUE;
}

static gboolean
read_content (OdsReader  *self,
              GError    **error)
{
  int table_depth = -1;
  int row_depth = -1;
  int cell_depth = -1;
  int paragraph_depth = -1;
  int skip_depth = -1;
  int ret;

  while ((ret = _rv_zip_xml_read (self->xml, error)) == 1)
    {
      xmlTextReaderPtr reader = _rv_zip_xml_get_reader (self->xml);
      int type = xmlTextReaderNodeType (reader);
      int depth = xmlTextReaderDepth (reader);

      if (type == XML_READER_TYPE_ELEMENT)
        {
          gboolean empty = xmlTextReaderIsEmptyElement (reader);

          if (skip_depth >= 0)
            continue;

          if (table_depth < 0)
            {
              if (_rv_zip_xml_is_element (self->xml, NS_TABLE, "table"))
                {
                  start_table (self);
                  if (empty)
                    end_table (self);
                  else
                    table_depth = depth;
                }
            }
          else if (row_depth < 0)
            {
              /* Rows may sit in header-rows, row-groups and the like: any depth. */
              if (_rv_zip_xml_is_element (self->xml, NS_TABLE, "table-row"))
                {
                  start_row (self);
                  if (empty && !end_row (self, error))
                    return FALSE;
                  if (!empty)
                    row_depth = depth;
                }
            }
          else if (cell_depth < 0)
            {
              if (depth == row_depth + 1 &&
                  (_rv_zip_xml_is_element (self->xml, NS_TABLE, "table-cell") ||
                   _rv_zip_xml_is_element (self->xml, NS_TABLE, "covered-table-cell")))
                {
                  start_cell (self);
                  if (empty && !end_cell (self, error))
                    return FALSE;
                  if (!empty)
                    cell_depth = depth;
                }
            }
          else if (paragraph_depth < 0)
            {
              /* Only the cell's own paragraphs: not those of its comment or its drawings. */
              if (depth == cell_depth + 1 &&
                  (_rv_zip_xml_is_element (self->xml, NS_TEXT, "p") ||
                   _rv_zip_xml_is_element (self->xml, NS_TEXT, "h")))
                {
                  if (self->n_paragraphs++ > 0)
                    {
                      if (!check_cell_size (self, 1, error))
                        return FALSE;
                      g_string_append_c (self->text, '\n');
                    }
                  self->paragraph_started = FALSE;
                  self->pending_space = FALSE;
                  if (!empty)
                    paragraph_depth = depth;
                }
            }
          else if (!paragraph_element (self, empty, depth, &skip_depth, error))
            return FALSE;
        }
      else if (type == XML_READER_TYPE_END_ELEMENT)
        {
          if (depth == skip_depth)
            skip_depth = -1;
          else if (skip_depth >= 0)
            continue;
          else if (depth == paragraph_depth)
            paragraph_depth = -1;
          else if (depth == cell_depth)
            {
              cell_depth = -1;
              if (!end_cell (self, error))
                return FALSE;
            }
          else if (depth == row_depth)
            {
              row_depth = -1;
              if (!end_row (self, error))
                return FALSE;
            }
          else if (depth == table_depth)
            {
              table_depth = -1;
              end_table (self);
            }
        }
      else if (paragraph_depth >= 0 && skip_depth < 0 && is_text_node (type))
        {
          if (!append_paragraph_text (self, (const char *) xmlTextReaderConstValue (reader),
                                      error))
            return FALSE;
        }
    }

  return ret == 0;
}

/**
 * _rv_ods_read:
 * @ctx: the read
 * @workbook: where the sheets go
 * @error: a location for a #GError, or %NULL
 *
 * Reads an OpenDocument spreadsheet: every table of content.xml, in order.
 *
 * Returns: %TRUE on success
 */
gboolean
_rv_ods_read (RvReadContext  *ctx,
              RvWorkbook     *workbook,
              GError        **error)
{
  g_auto(OdsReader) self = { 0 };

  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (RV_IS_WORKBOOK (workbook), FALSE);

  self.ctx = ctx;
  self.workbook = workbook;
  self.pending = g_array_new (FALSE, FALSE, sizeof (PendingCell));
  self.texts = g_byte_array_new ();
  self.value_type = g_string_new (NULL);
  self.calc_type = g_string_new (NULL);
  self.value = g_string_new (NULL);
  self.string_value = g_string_new (NULL);
  self.text = g_string_new (NULL);
  self.attr = g_string_new (NULL);

  self.zip = _rv_zip_open (ctx, error);
  if (self.zip == NULL)
    return FALSE;

  if (!check_encryption (&self, error))
    return FALSE;

  self.xml = _rv_zip_xml_open (self.zip, CONTENT_PATH, error);
  if (self.xml == NULL)
    return FALSE;

  return read_content (&self, error);
}
