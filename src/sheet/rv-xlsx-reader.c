/* rv-xlsx-reader.c
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

#define G_LOG_DOMAIN "rv-xlsx-reader"

#include "config.h"

#include "rv-sheet-reader-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "rv-zip.h"

/*
 * Office Open XML workbooks (ECMA-376), read as a stream: xl/workbook.xml gives the sheets
 * and their order, xl/_rels/workbook.xml.rels where each one lives, xl/styles.xml which
 * cell styles are dates and xl/sharedStrings.xml the texts that cells point to. Each sheet
 * is then read node by node, so memory grows with the cells kept, not with the XML.
 */

#define WORKBOOK_PATH  "xl/workbook.xml"
#define WORKBOOK_RELS  "xl/_rels/workbook.xml.rels"
#define WORKBOOK_DIR   "xl"

/* SpreadsheetML, transitional and strict. */
#define NS_MAIN         "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_MAIN_STRICT  "http://purl.oclc.org/ooxml/spreadsheetml/main"

/* r:id, in transitional and in strict OOXML. */
#define NS_RELATIONSHIPS         "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_RELATIONSHIPS_STRICT  "http://purl.oclc.org/ooxml/officeDocument/relationships"

/* How much of the progress bar the shared strings take; the sheets share the rest. */
#define STRINGS_SHARE  0.1

#define PROGRESS_ROWS  1000

/* "_x0041_" escapes shrink seven bytes to one: past this much text, a value is too long for
 * a cell whatever its escapes. */
#define RAW_TEXT_LIMIT  (7 * (RV_SHEET_MAX_CELL_BYTES + 1))

typedef struct
{
  char *name;
  char *path;  /* the member, resolved ("xl/worksheets/sheet1.xml") */
} SheetEntry;

typedef struct
{
  RvReadContext *ctx;
  RvZip         *zip;
  gboolean       date_1904;

  GPtrArray     *sheets;             /* SheetEntry, worksheets only, in workbook order */
  char          *strings_path;
  char          *styles_path;

  /* The shared strings, nul-terminated one after the other: a table of 100,000 strings
   * costs two allocations, not 100,000. */
  GByteArray    *strings;
  GArray        *string_offsets;     /* guint32 */
  GHashTable    *long_strings;       /* indexes of strings too long for a cell, kept empty */

  GByteArray    *date_styles;        /* per cellXfs index: 1 if its number format is a date */

  GString       *attr;               /* scratch for attribute values */
} XlsxReader;

typedef struct
{
  guint64   row;
  guint64   column;
  char      type[16];
  guint     style;
  gboolean  has_style;
  gboolean  has_formula;
  gboolean  has_value;
  GString  *value;
} Cell;

static void
sheet_entry_free (SheetEntry *entry)
{
  g_free (entry->name);
  g_free (entry->path);
  g_free (entry);
}

static void
xlsx_reader_clear (XlsxReader *self)
{
  g_clear_pointer (&self->zip, _rv_zip_free);
  g_clear_pointer (&self->sheets, g_ptr_array_unref);
  g_clear_pointer (&self->strings_path, g_free);
  g_clear_pointer (&self->styles_path, g_free);
  g_clear_pointer (&self->strings, g_byte_array_unref);
  g_clear_pointer (&self->string_offsets, g_array_unref);
  g_clear_pointer (&self->long_strings, g_hash_table_unref);
  g_clear_pointer (&self->date_styles, g_byte_array_unref);
  if (self->attr != NULL)
    g_string_free (self->attr, TRUE);
  self->attr = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (XlsxReader, xlsx_reader_clear)

static gboolean
is_text_node (int type)
{
  return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
         type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

/*
 * A SpreadsheetML element (or one without a namespace, as hand-made parts have): extensions
 * from other namespaces may use the same local names.
 */
static gboolean
is_element (RvZipXml   *xml,
            const char *name)
{
  const char *ns;

  if (!_rv_zip_xml_is_element (xml, NULL, name))
    return FALSE;

  ns = (const char *) xmlTextReaderConstNamespaceUri (_rv_zip_xml_get_reader (xml));
  return ns == NULL || strcmp (ns, NS_MAIN) == 0 || strcmp (ns, NS_MAIN_STRICT) == 0;
}

static gboolean
parse_uint (const char *text,
            guint64     max,
            guint64    *value)
{
  guint64 result = 0;

  if (*text == '\0')
    return FALSE;

  for (const char *p = text; *p; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      result = result * 10 + (*p - '0');
      if (result > max)
        return FALSE;
    }

  *value = result;
  return TRUE;
}

static void
error_past_limits (XlsxReader  *self,
                   const char  *sheet,
                   GError     **error)
{
  g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
               _("“%s” is too large: sheet “%s” has more than %u rows or %u columns"),
               self->ctx->display_name, sheet, RV_SHEET_MAX_ROWS, RV_SHEET_MAX_COLUMNS);
}

static void
error_cell_too_large (XlsxReader  *self,
                      const char  *sheet,
                      GError     **error)
{
  g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
               _("“%s” is too large: a cell of sheet “%s” holds more than %u KB of text"),
               self->ctx->display_name, sheet, RV_SHEET_MAX_CELL_BYTES / 1024);
}

/*
 * Appends text to a cell's value (or a shared string), up to RAW_TEXT_LIMIT: enough to tell,
 * once escapes are undone, that it is longer than a cell may be, and then to say which sheet
 * holds it. A long shared string that no cell uses does no harm.
 */
static void
append_text (GString    *value,
             const char *text)
{
  gsize length = text != NULL ? strlen (text) : 0;

  if (value->len >= RAW_TEXT_LIMIT)
    return;

  g_string_append_len (value, text, MIN (length, RAW_TEXT_LIMIT - value->len));
}

/*
 * Undoes the escapes of ST_Xstring: "_x000D_" is a carriage return, "_x005F_" an
 * underscore. Excel writes control characters that way.
 */
static void
decode_xstring (GString *value)
{
  gsize out = 0;

  if (strstr (value->str, "_x") == NULL)
    return;

  for (gsize in = 0; in < value->len;)
    {
      if (value->str[in] == '_' && in + 7 <= value->len && value->str[in + 1] == 'x' &&
          g_ascii_isxdigit (value->str[in + 2]) && g_ascii_isxdigit (value->str[in + 3]) &&
          g_ascii_isxdigit (value->str[in + 4]) && g_ascii_isxdigit (value->str[in + 5]) &&
          value->str[in + 6] == '_')
        {
          gunichar c = 0;

          for (guint i = 2; i < 6; i++)
            c = c * 16 + g_ascii_xdigit_value (value->str[in + i]);

          /* Surrogates and nul cannot be stored as such; keep the escape. */
          if (c != 0 && g_unichar_validate (c))
            {
              char utf8[6];
              int n = g_unichar_to_utf8 (c, utf8);

              /* Never longer than the 7 bytes of the escape, so this stays in place. */
              memcpy (value->str + out, utf8, n);
              out += n;
              in += 7;
              continue;
            }
        }

      value->str[out++] = value->str[in++];
    }

  g_string_truncate (value, out);
}

/* Built-in number formats that are dates or times (ECMA-376 part 1, 18.8.30). */
static gboolean
is_builtin_date_format (guint64 id)
{
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58);
}

/*
 * A custom format code is a date or a time when it uses d, m, y, h or s as codes, that is
 * outside quoted text, escapes and brackets. Brackets hold colours, conditions and locales
 * ("[Red]", "[$-409]"), except the elapsed-time codes "[h]", "[mm]" and "[ss]".
 */
static gboolean
is_date_format_code (const char *code)
{
  for (const char *p = code; *p; p++)
    {
      switch (*p)
        {
        case '"':
          p = strchr (p + 1, '"');
          if (p == NULL)
            return FALSE;
          break;

        case '\\':
        case '_':
        case '*':
          if (p[1] == '\0')
            return FALSE;
          p++;
          break;

        case '[':
          {
            const char *end = strchr (p, ']');
            gboolean elapsed;

            if (end == NULL)
              return FALSE;
            elapsed = end > p + 1;
            for (const char *q = p + 1; q < end; q++)
              if (strchr ("hHmMsS", *q) == NULL)
                elapsed = FALSE;
            if (elapsed)
              return TRUE;
            p = end;
          }
          break;

        case 'd': case 'D':
        case 'm': case 'M':
        case 'y': case 'Y':
        case 'h': case 'H':
        case 's': case 'S':
          return TRUE;

        default:
          break;
        }
    }

  return FALSE;
}

/*
 * "worksheets/sheet1.xml" from xl/ is "xl/worksheets/sheet1.xml"; "/xl/worksheets/sheet1.xml"
 * is from the root; "../" climbs. Returns NULL for a target that is not a part.
 */
static char *
resolve_target (const char *target)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) segments = NULL;

  if (target[0] != '/')
    g_ptr_array_add (parts, g_strdup (WORKBOOK_DIR));

  segments = g_strsplit (target, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      char *segment;

      if (segments[i][0] == '\0' || strcmp (segments[i], ".") == 0)
        continue;
      if (strcmp (segments[i], "..") == 0)
        {
          if (parts->len > 0)
            g_ptr_array_remove_index (parts, parts->len - 1);
          continue;
        }

      /* A target is a URI reference: "sheet%201.xml" names "sheet 1.xml". */
      segment = g_uri_unescape_string (segments[i], NULL);
      g_ptr_array_add (parts, segment != NULL ? segment : g_strdup (segments[i]));
    }

  if (parts->len == 0)
    return NULL;

  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("/", (char **) parts->pdata);
}

static gboolean
has_relationship_type (const char *type,
                       const char *kind)
{
  const char *slash = strrchr (type, '/');

  return slash != NULL && strcmp (slash + 1, kind) == 0;
}

static gboolean
get_relationship_id (XlsxReader *self,
                     RvZipXml   *xml)
{
  return _rv_zip_xml_get_attribute (xml, NS_RELATIONSHIPS, "id", self->attr) ||
         _rv_zip_xml_get_attribute (xml, NS_RELATIONSHIPS_STRICT, "id", self->attr);
}

/* Sheets, in order, and the workbook's date system. */
static gboolean
read_workbook (XlsxReader  *self,
               GPtrArray   *names,
               GPtrArray   *ids,
               GError     **error)
{
  g_autoptr(RvZipXml) xml = NULL;
  int sheets_depth = -1;
  int ret;

  xml = _rv_zip_xml_open (self->zip, WORKBOOK_PATH, error);
  if (xml == NULL)
    return FALSE;
  _rv_zip_xml_set_progress (xml, 0.0, 0.0);

  while ((ret = _rv_zip_xml_read (xml, error)) == 1)
    {
      xmlTextReaderPtr reader = _rv_zip_xml_get_reader (xml);
      int type = xmlTextReaderNodeType (reader);
      int depth = xmlTextReaderDepth (reader);

      if (type == XML_READER_TYPE_END_ELEMENT)
        {
          if (depth == sheets_depth)
            sheets_depth = -1;
          continue;
        }
      if (type != XML_READER_TYPE_ELEMENT)
        continue;

      if (depth == 1 && is_element (xml, "workbookPr"))
        {
          if (_rv_zip_xml_get_attribute (xml, NULL, "date1904", self->attr))
            self->date_1904 = strcmp (self->attr->str, "1") == 0 ||
                              g_ascii_strcasecmp (self->attr->str, "true") == 0;
        }
      else if (depth == 1 && is_element (xml, "sheets"))
        {
          if (!xmlTextReaderIsEmptyElement (reader))
            sheets_depth = depth;
        }
      else if (sheets_depth >= 0 && depth == sheets_depth + 1 &&
               is_element (xml, "sheet"))
        {
          g_autofree char *name = NULL;

          if (_rv_zip_xml_get_attribute (xml, NULL, "name", self->attr))
            name = g_strdup (self->attr->str);
          else
            name = g_strdup_printf ("%u", names->len + 1);

          /* Hidden sheets are kept: their RUCs count as much as the others'. */
          g_ptr_array_add (names, g_steal_pointer (&name));
          g_ptr_array_add (ids, get_relationship_id (self, xml) ? g_strdup (self->attr->str) : NULL);
        }
    }

  return ret == 0;
}

/* Where each sheet lives, and the shared strings and styles. */
static gboolean
read_relationships (XlsxReader  *self,
                    GPtrArray   *names,
                    GPtrArray   *ids,
                    GError     **error)
{
  g_autoptr(GHashTable) types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(RvZipXml) xml = NULL;
  g_autoptr(GString) id = g_string_new (NULL);
  g_autoptr(GString) target = g_string_new (NULL);
  g_autoptr(GString) type = g_string_new (NULL);
  int ret;

  xml = _rv_zip_xml_open (self->zip, WORKBOOK_RELS, error);
  if (xml == NULL)
    return FALSE;
  _rv_zip_xml_set_progress (xml, 0.0, 0.0);

  while ((ret = _rv_zip_xml_read (xml, error)) == 1)
    {
      xmlTextReaderPtr reader = _rv_zip_xml_get_reader (xml);
      g_autofree char *path = NULL;

      if (xmlTextReaderNodeType (reader) != XML_READER_TYPE_ELEMENT ||
          !_rv_zip_xml_is_element (xml, NULL, "Relationship"))
        continue;

      if (!_rv_zip_xml_get_attribute (xml, NULL, "Id", id) ||
          !_rv_zip_xml_get_attribute (xml, NULL, "Target", target) ||
          !_rv_zip_xml_get_attribute (xml, NULL, "Type", type))
        continue;

      /* Links out of the package are never parts of it. */
      if (_rv_zip_xml_get_attribute (xml, NULL, "TargetMode", self->attr) &&
          g_ascii_strcasecmp (self->attr->str, "External") == 0)
        continue;

      path = resolve_target (target->str);
      if (path == NULL)
        continue;

      if (has_relationship_type (type->str, "sharedStrings") && self->strings_path == NULL)
        self->strings_path = g_strdup (path);
      else if (has_relationship_type (type->str, "styles") && self->styles_path == NULL)
        self->styles_path = g_strdup (path);

      if (!g_hash_table_contains (types, id->str))
        {
          g_hash_table_insert (types, g_strdup (id->str), g_strdup (type->str));
          g_hash_table_insert (targets, g_strdup (id->str), g_steal_pointer (&path));
        }
    }
  if (ret < 0)
    return FALSE;

  for (guint i = 0; i < names->len; i++)
    {
      const char *sheet_id = g_ptr_array_index (ids, i);
      const char *kind = sheet_id != NULL ? g_hash_table_lookup (types, sheet_id) : NULL;
      SheetEntry *entry;

      if (kind == NULL)
        {
          g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED,
                       /* Translators: the file, then a sheet's name. */
                       _("“%s” is damaged: the part of sheet “%s” is missing"),
                       self->ctx->display_name, (const char *) g_ptr_array_index (names, i));
          return FALSE;
        }

      /* Chart sheets, dialog sheets and macro sheets hold no cells. */
      if (!has_relationship_type (kind, "worksheet"))
        continue;

      entry = g_new0 (SheetEntry, 1);
      entry->name = g_strdup (g_ptr_array_index (names, i));
      entry->path = g_strdup (g_hash_table_lookup (targets, sheet_id));
      g_ptr_array_add (self->sheets, entry);
    }

  return TRUE;
}

/* Which cell styles (cellXfs) show their number as a date. */
static gboolean
read_styles (XlsxReader  *self,
             GError     **error)
{
  g_autoptr(GHashTable) custom = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GArray) formats = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(RvZipXml) xml = NULL;
  g_autoptr(GString) code = g_string_new (NULL);
  int cell_xfs_depth = -1;
  int ret;

  if (self->styles_path == NULL || !_rv_zip_has_member (self->zip, self->styles_path))
    return TRUE;

  xml = _rv_zip_xml_open (self->zip, self->styles_path, error);
  if (xml == NULL)
    return FALSE;
  _rv_zip_xml_set_progress (xml, 0.0, 0.0);

  while ((ret = _rv_zip_xml_read (xml, error)) == 1)
    {
      xmlTextReaderPtr reader = _rv_zip_xml_get_reader (xml);
      int type = xmlTextReaderNodeType (reader);
      int depth = xmlTextReaderDepth (reader);
      guint64 id;

      if (type == XML_READER_TYPE_END_ELEMENT && depth == cell_xfs_depth)
        cell_xfs_depth = -1;
      if (type != XML_READER_TYPE_ELEMENT)
        continue;

      if (is_element (xml, "numFmt"))
        {
          if (_rv_zip_xml_get_attribute (xml, NULL, "numFmtId", self->attr) &&
              parse_uint (self->attr->str, G_MAXUINT32, &id) &&
              _rv_zip_xml_get_attribute (xml, NULL, "formatCode", code))
            g_hash_table_insert (custom, GUINT_TO_POINTER ((guint) id),
                                 GINT_TO_POINTER (is_date_format_code (code->str) ? 2 : 1));
        }
      else if (depth == 1 && is_element (xml, "cellXfs"))
        {
          if (!xmlTextReaderIsEmptyElement (reader))
            cell_xfs_depth = depth;
        }
      else if (cell_xfs_depth >= 0 && depth == cell_xfs_depth + 1 &&
               is_element (xml, "xf"))
        {
          if (!_rv_zip_xml_get_attribute (xml, NULL, "numFmtId", self->attr) ||
              !parse_uint (self->attr->str, G_MAXUINT32, &id))
            id = 0;
          g_array_append_val (formats, id);
        }
    }
  if (ret < 0)
    return FALSE;

  g_byte_array_set_size (self->date_styles, formats->len);
  for (guint i = 0; i < formats->len; i++)
    {
      guint64 id = g_array_index (formats, guint64, i);
      int kind = GPOINTER_TO_INT (g_hash_table_lookup (custom, GUINT_TO_POINTER ((guint) id)));

      self->date_styles->data[i] = kind != 0 ? kind == 2 : is_builtin_date_format (id);
    }

  return TRUE;
}

static gboolean
add_shared_string (XlsxReader  *self,
                   GString     *text,
                   GError     **error)
{
  const guint8 nul = 0;
  guint32 offset = self->strings->len;

  decode_xstring (text);
  if (text->len > RV_SHEET_MAX_CELL_BYTES)
    {
      if (self->long_strings == NULL)
        self->long_strings = g_hash_table_new (g_direct_hash, g_direct_equal);
      g_hash_table_add (self->long_strings, GUINT_TO_POINTER (self->string_offsets->len));
      g_string_truncate (text, 0);
    }

  if ((guint64) self->strings->len + text->len + 1 > G_MAXUINT32)
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
                   _("“%s” is too large: its cells would take more than %u MB of memory"),
                   self->ctx->display_name, (guint) (G_MAXUINT32 >> 20));
      return FALSE;
    }

  g_byte_array_append (self->strings, (const guint8 *) text->str, text->len);
  g_byte_array_append (self->strings, &nul, 1);
  g_array_append_val (self->string_offsets, offset);
  return TRUE;
}

/* <si> with <t>, or rich text runs <r><t>; phonetic runs <rPh> are left out. */
static gboolean
read_shared_strings (XlsxReader  *self,
                     GError     **error)
{
  g_autoptr(RvZipXml) xml = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  int si_depth = -1;
  int t_depth = -1;
  int skip_depth = -1;
  int ret;

  if (self->strings_path == NULL || !_rv_zip_has_member (self->zip, self->strings_path))
    return TRUE;

  xml = _rv_zip_xml_open (self->zip, self->strings_path, error);
  if (xml == NULL)
    return FALSE;
  _rv_zip_xml_set_progress (xml, 0.0, STRINGS_SHARE);

  while ((ret = _rv_zip_xml_read (xml, error)) == 1)
    {
      xmlTextReaderPtr reader = _rv_zip_xml_get_reader (xml);
      int type = xmlTextReaderNodeType (reader);
      int depth = xmlTextReaderDepth (reader);

      if (type == XML_READER_TYPE_ELEMENT)
        {
          gboolean empty = xmlTextReaderIsEmptyElement (reader);

          if (si_depth < 0)
            {
              if (depth == 1 && is_element (xml, "si"))
                {
                  g_string_truncate (text, 0);
                  if (empty && !add_shared_string (self, text, error))
                    return FALSE;
                  if (!empty)
                    si_depth = depth;
                }
            }
          else if (skip_depth < 0 && !empty)
            {
              if (is_element (xml, "rPh"))
                skip_depth = depth;
              else if (is_element (xml, "t"))
                t_depth = depth;
            }
        }
      else if (type == XML_READER_TYPE_END_ELEMENT)
        {
          if (depth == t_depth)
            t_depth = -1;
          else if (depth == skip_depth)
            skip_depth = -1;
          else if (depth == si_depth)
            {
              si_depth = -1;
              if (!add_shared_string (self, text, error))
                return FALSE;
              if (self->string_offsets->len % (PROGRESS_ROWS * 10) == 0 &&
                  !_rv_read_context_progress (self->ctx,
                                              STRINGS_SHARE * _rv_zip_xml_get_fraction (xml),
                                              error))
                return FALSE;
            }
        }
      else if (t_depth >= 0 && skip_depth < 0 && is_text_node (type))
        append_text (text, (const char *) xmlTextReaderConstValue (reader));
    }

  return ret == 0;
}

/* "B7" → column 1, row 6. */
static gboolean
parse_reference (XlsxReader  *self,
                 const char  *sheet,
                 const char  *reference,
                 guint64     *row,
                 guint64     *column,
                 GError     **error)
{
  char letters[8];
  const char *p = reference;
  gsize n = 0;
  guint parsed_column;
  guint64 number;

  while (g_ascii_isalpha (*p))
    {
      if (n + 1 >= sizeof letters)
        {
          error_past_limits (self, sheet, error);
          return FALSE;
        }
      letters[n++] = *p++;
    }
  letters[n] = '\0';

  if (n == 0 || *p == '\0' || p[strspn (p, "0123456789")] != '\0' ||
      (parse_uint (p, RV_SHEET_MAX_ROWS, &number) && number == 0))
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED,
                   /* Translators: the file, a sheet's name, then something like "B7". */
                   _("“%s” is damaged: sheet “%s” has an invalid cell reference “%s”"),
                   self->ctx->display_name, sheet, reference);
      return FALSE;
    }

  if (!parse_uint (p, RV_SHEET_MAX_ROWS, &number) || !rv_sheet_parse_column (letters, &parsed_column))
    {
      error_past_limits (self, sheet, error);
      return FALSE;
    }

  *row = number - 1;
  *column = parsed_column;
  return TRUE;
}

/* A cell's value, as its type and style say, into the sheet. */
static gboolean
finish_cell (XlsxReader  *self,
             RvSheet     *sheet,
             Cell        *cell,
             GError     **error)
{
  const char *name = rv_sheet_get_name (sheet);
  char buffer[G_ASCII_DTOSTR_BUF_SIZE + 32];
  const char *text = cell->value->str;
  gssize length = cell->value->len;
  RvCellKind kind = RV_CELL_TEXT;

  /* A formula without a cached value is as good as empty. */
  if (!cell->has_value)
    return TRUE;

  if (strcmp (cell->type, "s") == 0)
    {
      guint64 index;

      g_strstrip (cell->value->str);
      if (cell->value->str[0] == '\0')
        return TRUE;
      if (!parse_uint (cell->value->str, G_MAXUINT32, &index) ||
          index >= self->string_offsets->len)
        {
          g_autofree char *letters = rv_sheet_column_letter (cell->column);
          g_autofree char *where = g_strdup_printf ("%s%" G_GUINT64_FORMAT, letters, cell->row + 1);

          g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED,
                       /* Translators: the file, a cell ("B7"), then a sheet's name. */
                       _("“%s” is damaged: cell %s of sheet “%s” refers to a shared string that does not exist"),
                       self->ctx->display_name, where, name);
          return FALSE;
        }
      if (self->long_strings != NULL &&
          g_hash_table_contains (self->long_strings, GUINT_TO_POINTER ((guint) index)))
        {
          error_cell_too_large (self, name, error);
          return FALSE;
        }

      text = (const char *) self->strings->data + g_array_index (self->string_offsets, guint32, index);
      length = strlen (text);

      /* Each cell keeps its own copy: many cells pointing at one long string must not
       * make gigabytes out of a small file. */
      if (!_rv_zip_charge (self->zip, length, error))
        return FALSE;
    }
  else if (strcmp (cell->type, "inlineStr") == 0 || strcmp (cell->type, "str") == 0)
    {
      decode_xstring (cell->value);
      text = cell->value->str;
      length = cell->value->len;
    }
  else if (strcmp (cell->type, "b") == 0)
    {
      g_strstrip (cell->value->str);
      kind = RV_CELL_BOOLEAN;
      if (strcmp (cell->value->str, "1") == 0 || g_ascii_strcasecmp (cell->value->str, "true") == 0)
        text = "TRUE";
      else if (strcmp (cell->value->str, "0") == 0 || g_ascii_strcasecmp (cell->value->str, "false") == 0)
        text = "FALSE";
      else
        kind = RV_CELL_TEXT;
      length = -1;
    }
  else if (strcmp (cell->type, "e") == 0)
    {
      text = g_strstrip (cell->value->str);
      length = -1;
      kind = RV_CELL_ERROR;
    }
  else if (strcmp (cell->type, "d") == 0)
    {
      /* ISO 8601 already; kept as written. */
      text = g_strstrip (cell->value->str);
      length = -1;
      kind = RV_CELL_DATE;
    }
  else if (cell->type[0] == '\0' || strcmp (cell->type, "n") == 0)
    {
      char *end = NULL;
      double value;

      g_strstrip (cell->value->str);
      value = g_ascii_strtod (cell->value->str, &end);
      if (cell->value->str[0] != '\0' && end != NULL && *end == '\0' && isfinite (value))
        {
          if (cell->has_style && cell->style < self->date_styles->len &&
              self->date_styles->data[cell->style] &&
              _rv_format_serial_date (value, self->date_1904, buffer))
            kind = RV_CELL_DATE;
          else
            {
              _rv_format_number (value, buffer);
              kind = RV_CELL_NUMBER;
            }
          text = buffer;
        }
      else
        text = cell->value->str;
      length = -1;
    }

  if (text[0] == '\0')
    return TRUE;

  if ((length < 0 ? strlen (text) : (gsize) length) > RV_SHEET_MAX_CELL_BYTES)
    {
      error_cell_too_large (self, name, error);
      return FALSE;
    }

  if (!rv_sheet_set_cell (sheet, cell->row, cell->column, kind, cell->has_formula, text, length))
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
                   _("“%s” is too large: it has more than %u million cells"),
                   self->ctx->display_name, (guint) (RV_SHEET_MAX_CELLS / 1000000));
      return FALSE;
    }

  return TRUE;
}

/* Takes a <c>'s attributes: where it is, its type and its style. */
static gboolean
start_cell (XlsxReader  *self,
            RvZipXml    *xml,
            RvSheet     *sheet,
            Cell        *cell,
            guint64     *next_row,
            guint64     *next_column,
            gboolean    *have_row,
            GError     **error)
{
  const char *name = rv_sheet_get_name (sheet);
  guint64 style;

  cell->row = *next_row;
  cell->column = *next_column;
  cell->type[0] = '\0';
  cell->has_style = FALSE;
  cell->has_formula = FALSE;
  cell->has_value = FALSE;
  g_string_truncate (cell->value, 0);

  if (_rv_zip_xml_get_attribute (xml, NULL, "r", self->attr))
    {
      guint64 row;

      if (!parse_reference (self, name, self->attr->str, &row, &cell->column, error))
        return FALSE;

      if (*have_row && row < *next_row)
        {
          g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED,
                       /* Translators: the file, then a sheet's name. */
                       _("“%s” is damaged: the rows of sheet “%s” are out of order"),
                       self->ctx->display_name, name);
          return FALSE;
        }
      cell->row = *next_row = row;
      *have_row = TRUE;
    }
  else if (cell->column >= RV_SHEET_MAX_COLUMNS)
    {
      error_past_limits (self, name, error);
      return FALSE;
    }
  *next_column = cell->column + 1;

  if (_rv_zip_xml_get_attribute (xml, NULL, "t", self->attr))
    g_strlcpy (cell->type, self->attr->str, sizeof cell->type);

  if (_rv_zip_xml_get_attribute (xml, NULL, "s", self->attr) &&
      parse_uint (self->attr->str, G_MAXUINT32, &style))
    {
      cell->has_style = TRUE;
      cell->style = style;
    }

  return TRUE;
}

/* Takes a <row>'s number; rows only go forwards. */
static gboolean
start_row (XlsxReader  *self,
           RvZipXml    *xml,
           RvSheet     *sheet,
           guint64     *next_row,
           gboolean    *have_row,
           GError     **error)
{
  const char *name = rv_sheet_get_name (sheet);
  guint64 row = *have_row ? *next_row + 1 : 0;

  if (_rv_zip_xml_get_attribute (xml, NULL, "r", self->attr))
    {
      guint64 number;

      if (!parse_uint (self->attr->str, G_MAXUINT64 / 10, &number) || number == 0)
        {
          g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED,
                       _("“%s” is damaged: sheet “%s” has an invalid cell reference “%s”"),
                       self->ctx->display_name, name, self->attr->str);
          return FALSE;
        }
      row = number - 1;
      if (*have_row && row < *next_row)
        {
          g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED,
                       _("“%s” is damaged: the rows of sheet “%s” are out of order"),
                       self->ctx->display_name, name);
          return FALSE;
        }
    }

  if (row >= RV_SHEET_MAX_ROWS)
    {
      error_past_limits (self, name, error);
      return FALSE;
    }

  *next_row = row;
  *have_row = TRUE;
  return TRUE;
}

static gboolean
read_sheet (XlsxReader  *self,
            RvSheet     *sheet,
            const char  *path,
            double       base,
            double       span,
            GError     **error)
{
  g_autoptr(RvZipXml) xml = NULL;
  g_autoptr(GString) value = g_string_new (NULL);
  Cell cell = { 0 };
  guint64 next_row = 0;
  guint64 next_column = 0;
  gboolean have_row = FALSE;
  guint64 n_rows = 0;
  int data_depth = -1;
  int row_depth = -1;
  int cell_depth = -1;
  int is_depth = -1;
  int skip_depth = -1;
  int collect_depth = -1;
  int ret;

  xml = _rv_zip_xml_open (self->zip, path, error);
  if (xml == NULL)
    return FALSE;
  _rv_zip_xml_set_progress (xml, base, span);

  cell.value = value;

  while ((ret = _rv_zip_xml_read (xml, error)) == 1)
    {
      xmlTextReaderPtr reader = _rv_zip_xml_get_reader (xml);
      int type = xmlTextReaderNodeType (reader);
      int depth = xmlTextReaderDepth (reader);

      if (type == XML_READER_TYPE_ELEMENT)
        {
          gboolean empty = xmlTextReaderIsEmptyElement (reader);

          if (data_depth < 0)
            {
              if (depth == 1 && !empty && is_element (xml, "sheetData"))
                data_depth = depth;
            }
          else if (row_depth < 0)
            {
              if (depth == data_depth + 1 && is_element (xml, "row"))
                {
                  if (!start_row (self, xml, sheet, &next_row, &have_row, error))
                    return FALSE;
                  next_column = 0;
                  if (!empty)
                    row_depth = depth;

                  if (++n_rows % PROGRESS_ROWS == 0 &&
                      !_rv_read_context_progress (self->ctx,
                                                  base + span * _rv_zip_xml_get_fraction (xml),
                                                  error))
                    return FALSE;
                }
            }
          else if (cell_depth < 0)
            {
              if (depth == row_depth + 1 && is_element (xml, "c"))
                {
                  if (!start_cell (self, xml, sheet, &cell, &next_row, &next_column, &have_row,
                                   error))
                    return FALSE;
                  if (!empty)
                    cell_depth = depth;
                }
            }
          else if (depth == cell_depth + 1)
            {
              if (is_element (xml, "v"))
                {
                  cell.has_value = TRUE;
                  if (!empty)
                    collect_depth = depth;
                }
              else if (is_element (xml, "f"))
                cell.has_formula = TRUE;
              else if (is_element (xml, "is") && !empty)
                is_depth = depth;
            }
          else if (is_depth >= 0 && skip_depth < 0 && !empty)
            {
              if (is_element (xml, "rPh"))
                skip_depth = depth;
              else if (is_element (xml, "t"))
                {
                  cell.has_value = TRUE;
                  collect_depth = depth;
                }
            }
        }
      else if (type == XML_READER_TYPE_END_ELEMENT)
        {
          if (depth == collect_depth)
            collect_depth = -1;
          else if (depth == skip_depth)
            skip_depth = -1;
          else if (depth == is_depth)
            is_depth = -1;
          else if (depth == cell_depth)
            {
              cell_depth = -1;
              if (!finish_cell (self, sheet, &cell, error))
                return FALSE;
            }
          else if (depth == row_depth)
            row_depth = -1;
          else if (depth == data_depth)
            data_depth = -1;
        }
      else if (collect_depth >= 0 && skip_depth < 0 && is_text_node (type))
        append_text (cell.value, (const char *) xmlTextReaderConstValue (reader));
    }

  return ret == 0;
}

/**
 * _rv_xlsx_read:
 * @ctx: the read
 * @workbook: where the sheets go
 * @error: a location for a #GError, or %NULL
 *
 * Reads an Office Open XML workbook: every worksheet (hidden ones too), in workbook order.
 * Chart sheets are left out.
 *
 * Returns: %TRUE on success
 */
gboolean
_rv_xlsx_read (RvReadContext  *ctx,
               RvWorkbook     *workbook,
               GError        **error)
{
  g_auto(XlsxReader) self = { 0 };
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  double span;

  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (RV_IS_WORKBOOK (workbook), FALSE);

  self.ctx = ctx;
  self.sheets = g_ptr_array_new_with_free_func ((GDestroyNotify) sheet_entry_free);
  self.strings = g_byte_array_new ();
  self.string_offsets = g_array_new (FALSE, FALSE, sizeof (guint32));
  self.date_styles = g_byte_array_new ();
  self.attr = g_string_new (NULL);

  self.zip = _rv_zip_open (ctx, error);
  if (self.zip == NULL)
    return FALSE;

  if (!read_workbook (&self, names, ids, error))
    return FALSE;

  if (names->len > 0 && !read_relationships (&self, names, ids, error))
    return FALSE;

  if (self.sheets->len == 0)
    return TRUE;

  if (!read_styles (&self, error) ||
      !read_shared_strings (&self, error))
    return FALSE;

  span = (1.0 - STRINGS_SHARE) / self.sheets->len;
  for (guint i = 0; i < self.sheets->len; i++)
    {
      SheetEntry *entry = g_ptr_array_index (self.sheets, i);
      g_autoptr(RvSheet) sheet = rv_sheet_new (entry->name);

      if (!read_sheet (&self, sheet, entry->path, STRINGS_SHARE + i * span, span, error))
        return FALSE;
      rv_workbook_add_sheet (workbook, sheet);
    }

  return TRUE;
}
