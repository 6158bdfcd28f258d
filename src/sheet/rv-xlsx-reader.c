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
 * cell styles are dates and xl/sharedStrings.xml the texts that cells point to. Those small
 * parts are read node by node; the shared strings and the sheets, which make nearly all of
 * a large file, go through libxml2's SAX2 callbacks, which cost far less per element. Either
 * way memory grows with the cells kept, not with the XML.
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

/* "_x0041_" escapes shrink seven bytes to one: past this much text, a value is too long for
 * a cell whatever its escapes. */
#define RAW_TEXT_LIMIT  (7 * (RV_SHEET_MAX_CELL_BYTES + 1))

/* Dates formatted lately, by serial number: whole days over eleven years get a slot each. */
#define DATE_CACHE_BITS  12
#define DATE_CACHE_SIZE  (1 << DATE_CACHE_BITS)

typedef struct
{
  char *name;
  char *path;  /* the member, resolved ("xl/worksheets/sheet1.xml") */
} SheetEntry;

typedef struct
{
  double serial;
  guint  length;   /* of the text; 0 while the entry is unused */
  char   text[32];
} DateEntry;

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

  /* A column of dates holds the same days over and over: formatting one costs more than
   * the rest of its cell. */
  DateEntry     *date_cache;         /* DATE_CACHE_SIZE, made with the first date */

  GString       *attr;               /* scratch for attribute values */
} XlsxReader;

/* A cell's t attribute. */
typedef enum
{
  CELL_TYPE_NUMBER,   /* "n", or none */
  CELL_TYPE_SHARED,   /* "s": an index into the shared strings */
  CELL_TYPE_STRING,   /* "inlineStr", or "str": a formula's text */
  CELL_TYPE_BOOLEAN,  /* "b" */
  CELL_TYPE_ERROR,    /* "e" */
  CELL_TYPE_DATE,     /* "d": ISO 8601 */
  CELL_TYPE_OTHER,    /* anything else: the value is kept as it is written */
} CellType;

typedef struct
{
  guint64   row;
  guint64   column;
  CellType  type;
  guint     style;
  gboolean  has_style;
  gboolean  has_formula;
  gboolean  has_value;
  GString  *value;
} Cell;

/*
 * The names the SAX callbacks look for. libxml2 interns every element and attribute name
 * and every namespace URI in the parser's dictionary (its own tree builder keeps them as
 * they come), so a name is recognised by its pointer, without comparing text.
 */
typedef struct
{
  const xmlChar *ns_main;
  const xmlChar *ns_strict;
  const xmlChar *sheet_data;
  const xmlChar *row;
  const xmlChar *c;
  const xmlChar *v;
  const xmlChar *f;
  const xmlChar *is;
  const xmlChar *si;
  const xmlChar *t;     /* a text element, and a cell's type attribute */
  const xmlChar *r;     /* a row's or a cell's reference attribute */
  const xmlChar *s;
  const xmlChar *r_ph;
} Names;

/* The state of a sheet's parse. Depths are those of the elements open, -1 for none. */
typedef struct
{
  XlsxReader *reader;
  RvZipXml   *xml;
  RvSheet    *sheet;
  const char *name;
  Names       names;
  Cell        cell;
  guint64     next_row;
  guint64     next_column;
  gboolean    have_row;
  int         depth;
  int         data_depth;
  int         row_depth;
  int         cell_depth;
  int         is_depth;
  int         skip_depth;
  int         collect_depth;
} SheetParser;

/* The state of the shared strings' parse. */
typedef struct
{
  XlsxReader *reader;
  RvZipXml   *xml;
  Names       names;
  GString    *text;
  int         depth;
  int         si_depth;
  int         t_depth;
  int         skip_depth;
} StringsParser;

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
  g_clear_pointer (&self->date_cache, g_free);
  if (self->attr != NULL)
    g_string_free (self->attr, TRUE);
  self->attr = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (XlsxReader, xlsx_reader_clear)

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

/* Attribute values and cell texts as SAX gives them: not nul-terminated. */
static gboolean
parse_digits (const char *text,
              gsize       length,
              guint64     max,
              guint64    *value)
{
  guint64 result = 0;

  if (length == 0)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      result = result * 10 + (text[i] - '0');
      if (result > max)
        return FALSE;
    }

  *value = result;
  return TRUE;
}

static gboolean
parse_uint (const char *text,
            guint64     max,
            guint64    *value)
{
  return parse_digits (text, strlen (text), max, value);
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
static inline void
append_text (GString    *value,
             const char *text,
             gsize       length)
{
  if (value->len >= RAW_TEXT_LIMIT)
    return;
  length = MIN (length, RAW_TEXT_LIMIT - value->len);

  /* Most values fit the buffer already there: no call into GLib for them. */
  if (value->len + length < value->allocated_len)
    {
      memcpy (value->str + value->len, text, length);
      value->len += length;
      value->str[value->len] = '\0';
    }
  else
    g_string_append_len (value, text, length);
}

static inline void
clear_text (GString *value)
{
  value->len = 0;
  value->str[0] = '\0';
}

/* Trims ASCII white space off a value, as g_strstrip() does, without a strlen() or a move:
 * returns where the text starts, and its length in @length. */
static const char *
strip (GString *value,
       gsize   *length)
{
  char *start = value->str;
  gsize n = value->len;

  while (n > 0 && g_ascii_isspace (start[n - 1]))
    n--;
  start[n] = '\0';
  while (n > 0 && g_ascii_isspace (*start))
    {
      start++;
      n--;
    }

  *length = n;
  return start;
}

/*
 * An attribute value for a message. With entities not substituted, libxml2 hands SAX an
 * "&" of an attribute as "&#38;" (for its tree builder to undo): undone here, so that the
 * message quotes the file as the reader of the small parts would.
 */
static char *
attribute_text (const xmlChar *value,
                const xmlChar *end)
{
  GString *text = g_string_new_len ((const char *) value, end - value);

  g_string_replace (text, "&#38;", "&", 0);
  return g_string_free (text, FALSE);
}

/*
 * Whether an unprefixed attribute of SAX's quintuplets (local name, prefix, URI, value,
 * end of value) is called @name; its value then goes to @value and @end. A prefixed one
 * belongs to another namespace (or, undeclared, has a name of its own, "x:r").
 */
static gboolean
find_attribute (int              n_attributes,
                const xmlChar  **attributes,
                const xmlChar   *name,
                const xmlChar  **value,
                const xmlChar  **end)
{
  for (int i = 0; i < n_attributes; i++, attributes += 5)
    if (attributes[0] == name && attributes[1] == NULL)
      {
        *value = attributes[3];
        *end = attributes[4];
        return TRUE;
      }

  return FALSE;
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

static void
names_init (Names    *names,
            RvZipXml *xml)
{
  names->ns_main = _rv_zip_xml_intern (xml, NS_MAIN);
  names->ns_strict = _rv_zip_xml_intern (xml, NS_MAIN_STRICT);
  names->sheet_data = _rv_zip_xml_intern (xml, "sheetData");
  names->row = _rv_zip_xml_intern (xml, "row");
  names->c = _rv_zip_xml_intern (xml, "c");
  names->v = _rv_zip_xml_intern (xml, "v");
  names->f = _rv_zip_xml_intern (xml, "f");
  names->is = _rv_zip_xml_intern (xml, "is");
  names->si = _rv_zip_xml_intern (xml, "si");
  names->t = _rv_zip_xml_intern (xml, "t");
  names->r = _rv_zip_xml_intern (xml, "r");
  names->s = _rv_zip_xml_intern (xml, "s");
  names->r_ph = _rv_zip_xml_intern (xml, "rPh");
}

/*
 * What is_element() tells the reader of the small parts: SpreadsheetML, or no namespace
 * at all as hand-made parts have. An undeclared prefix makes a name of its own ("x:v"),
 * as in libxml2's tree, so it is no SpreadsheetML element either.
 */
static inline gboolean
is_spreadsheet_ns (const Names   *names,
                   const xmlChar *prefix,
                   const xmlChar *uri)
{
  if (uri == NULL)
    return prefix == NULL;
  return uri == names->ns_main || uri == names->ns_strict;
}

static gboolean
add_shared_string (XlsxReader  *self,
                   GString     *text,
                   GError     **error)
{
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

  /* With its nul, which a GString always has: one append, not two. */
  g_byte_array_append (self->strings, (const guint8 *) text->str, text->len + 1);
  g_array_append_val (self->string_offsets, offset);
  return TRUE;
}

/* <si> with <t>, or rich text runs <r><t>; phonetic runs <rPh> are left out. */
static void
strings_start_element (void           *user_data,
                       const xmlChar  *local_name,
                       const xmlChar  *prefix,
                       const xmlChar  *uri,
                       int             n_namespaces,
                       const xmlChar **namespaces,
                       int             n_attributes,
                       int             n_defaulted,
                       const xmlChar **attributes)
{
  StringsParser *self = user_data;
  int depth = self->depth++;

  if (!is_spreadsheet_ns (&self->names, prefix, uri))
    return;

  if (self->si_depth < 0)
    {
      if (depth == 1 && local_name == self->names.si)
        {
          clear_text (self->text);
          self->si_depth = depth;
        }
    }
  else if (self->skip_depth < 0)
    {
      if (local_name == self->names.r_ph)
        self->skip_depth = depth;
      else if (local_name == self->names.t)
        self->t_depth = depth;
    }
}

static void
strings_end_element (void          *user_data,
                     const xmlChar *local_name,
                     const xmlChar *prefix,
                     const xmlChar *uri)
{
  StringsParser *self = user_data;
  int depth = --self->depth;

  if (depth == self->t_depth)
    self->t_depth = -1;
  else if (depth == self->skip_depth)
    self->skip_depth = -1;
  else if (depth == self->si_depth)
    {
      GError *error = NULL;

      self->si_depth = -1;
      if (!add_shared_string (self->reader, self->text, &error))
        _rv_zip_xml_stop (self->xml, error);
    }
}

static void
strings_characters (void          *user_data,
                    const xmlChar *text,
                    int            length)
{
  StringsParser *self = user_data;

  if (self->t_depth >= 0 && self->skip_depth < 0)
    append_text (self->text, (const char *) text, length);
}

/* Entities, DTDs and errors are rv-zip's business. CDATA and white space are text. */
static const xmlSAXHandler strings_sax = {
  .initialized = XML_SAX2_MAGIC,
  .startElementNs = strings_start_element,
  .endElementNs = strings_end_element,
  .characters = strings_characters,
  .ignorableWhitespace = strings_characters,
  .cdataBlock = strings_characters,
};

static gboolean
read_shared_strings (XlsxReader  *self,
                     GError     **error)
{
  g_autoptr(RvZipXml) xml = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  StringsParser parser = { 0 };

  if (self->strings_path == NULL || !_rv_zip_has_member (self->zip, self->strings_path))
    return TRUE;

  parser.reader = self;
  parser.text = text;
  parser.si_depth = -1;
  parser.t_depth = -1;
  parser.skip_depth = -1;

  xml = _rv_zip_xml_open_sax (self->zip, self->strings_path, &strings_sax, &parser, error);
  if (xml == NULL)
    return FALSE;
  _rv_zip_xml_set_progress (xml, 0.0, STRINGS_SHARE);
  parser.xml = xml;
  names_init (&parser.names, xml);

  return _rv_zip_xml_parse (xml, error);
}

static void
error_invalid_reference (SheetParser    *self,
                         const xmlChar  *value,
                         const xmlChar  *end,
                         GError        **error)
{
  g_autofree char *reference = attribute_text (value, end);

  g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED,
               /* Translators: the file, a sheet's name, then something like "B7". */
               _("“%s” is damaged: sheet “%s” has an invalid cell reference “%s”"),
               self->reader->ctx->display_name, self->name, reference);
}

static void
error_out_of_order (SheetParser  *self,
                    GError      **error)
{
  g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED,
               /* Translators: the file, then a sheet's name. */
               _("“%s” is damaged: the rows of sheet “%s” are out of order"),
               self->reader->ctx->display_name, self->name);
}

/*
 * "B7" → column 1, row 6. The letters are read here rather than by rv_sheet_parse_column(),
 * which wants them copied out first: this runs for every cell.
 */
static gboolean
parse_reference (SheetParser    *self,
                 const xmlChar  *value,
                 const xmlChar  *end,
                 guint64        *row,
                 guint64        *column,
                 GError        **error)
{
  const char *p = (const char *) value;
  const char *digits;
  gsize n_digits;
  guint64 letters = 0;
  gsize n = 0;
  gboolean in_range;
  guint64 number = 0;

  for (; p < (const char *) end && g_ascii_isalpha (*p); p++)
    {
      /* Seven letters are past XFD already; and 26^7 still fits. */
      if (++n >= 8)
        {
          error_past_limits (self->reader, self->name, error);
          return FALSE;
        }
      letters = letters * 26 + ((*p & ~0x20) - 'A' + 1);
    }

  /* The row: digits only, and not 0; past the last row is too large, not invalid. */
  digits = p;
  n_digits = (const char *) end - digits;
  in_range = parse_digits (digits, n_digits, RV_SHEET_MAX_ROWS, &number);
  if (!in_range)
    while (p < (const char *) end && g_ascii_isdigit (*p))
      p++;
  else
    p = (const char *) end;

  if (n == 0 || n_digits == 0 || p != (const char *) end || (in_range && number == 0))
    {
      error_invalid_reference (self, value, end, error);
      return FALSE;
    }

  if (!in_range || letters > RV_SHEET_MAX_COLUMNS)
    {
      error_past_limits (self->reader, self->name, error);
      return FALSE;
    }

  *row = number - 1;
  *column = letters - 1;
  return TRUE;
}

static CellType
parse_cell_type (const char *text,
                 gsize       length)
{
  if (length == 0)
    return CELL_TYPE_NUMBER;

  if (length == 1)
    {
      switch (text[0])
        {
        case 'n': return CELL_TYPE_NUMBER;
        case 's': return CELL_TYPE_SHARED;
        case 'b': return CELL_TYPE_BOOLEAN;
        case 'e': return CELL_TYPE_ERROR;
        case 'd': return CELL_TYPE_DATE;
        default: return CELL_TYPE_OTHER;
        }
    }

  if ((length == 3 && memcmp (text, "str", 3) == 0) ||
      (length == 9 && memcmp (text, "inlineStr", 9) == 0))
    return CELL_TYPE_STRING;

  return CELL_TYPE_OTHER;
}

/*
 * Whether a number's text is already what _rv_format_number() makes of its value, so that
 * the common numbers skip strtod() and printf(): an integer of up to 15 digits without
 * leading zeros (and not "-0", which is "0"), or a decimal with a last digit other than 0,
 * up to 15 significant digits, and no more than three zeros after "0." (%.15g writes
 * 0.00001 as "1e-05"). Since a double holds 15 decimal digits (DBL_DIG), such a decimal
 * reads back as the very text %.15g writes. An integer's value goes to @integer.
 */
static gboolean
is_canonical_number (const char *text,
                     gsize       length,
                     gboolean   *is_integer,
                     gint64     *integer)
{
  const char *p = text;
  const char *end = text + length;
  gboolean negative = FALSE;
  guint significant = 0;
  gint64 value = 0;

  if (p < end && *p == '-')
    {
      negative = TRUE;
      p++;
    }
  if (p == end || !g_ascii_isdigit (*p))
    return FALSE;

  if (*p == '0')
    {
      p++;
      if (p == end)
        {
          *is_integer = TRUE;
          *integer = 0;
          return !negative;
        }
      if (*p != '.')
        return FALSE;
    }
  else
    {
      for (; p < end && g_ascii_isdigit (*p); p++)
        {
          value = value * 10 + (*p - '0');
          if (++significant > 15)
            return FALSE;
        }
      if (p == end)
        {
          *is_integer = TRUE;
          *integer = negative ? -value : value;
          return TRUE;
        }
      if (*p != '.')
        return FALSE;
    }

  /* A decimal: p is on the point. */
  p++;
  if (p == end || end[-1] == '0')
    return FALSE;

  if (significant == 0)
    {
      guint zeros = 0;

      for (; p < end && *p == '0'; p++)
        zeros++;
      if (zeros > 3)
        return FALSE;
    }

  for (; p < end; p++)
    {
      if (!g_ascii_isdigit (*p) || ++significant > 15)
        return FALSE;
    }

  *is_integer = FALSE;
  return TRUE;
}

/* _rv_format_serial_date(), remembered. Returns the text's length, 0 if it is no date. */
static gsize
format_date (XlsxReader *self,
             double      serial,
             char        buffer[32])
{
  guint64 bits;
  DateEntry *entry;

  if (self->date_cache == NULL)
    self->date_cache = g_new0 (DateEntry, DATE_CACHE_SIZE);

  /* A whole day has the slot of its number, so that consecutive days never collide; a
   * time of day goes by a Fibonacci hash of the double's bits. */
  if (serial >= 0 && serial < G_MAXUINT32 && (double) (guint32) serial == serial)
    entry = &self->date_cache[(guint32) serial & (DATE_CACHE_SIZE - 1)];
  else
    {
      memcpy (&bits, &serial, sizeof bits);
      entry = &self->date_cache[(bits * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >>
                                (64 - DATE_CACHE_BITS)];
    }
  if (entry->length == 0 || entry->serial != serial)
    {
      entry->length = 0;
      if (!_rv_format_serial_date (serial, self->date_1904, entry->text))
        return 0;
      entry->serial = serial;
      entry->length = strlen (entry->text);
    }

  memcpy (buffer, entry->text, entry->length + 1);
  return entry->length;
}

/* A cell's value, as its type and style say, into the sheet. */
static gboolean
finish_cell (SheetParser  *self,
             GError      **error)
{
  XlsxReader *reader = self->reader;
  Cell *cell = &self->cell;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE + 32];
  const char *text = cell->value->str;
  gsize length = cell->value->len;
  RvCellKind kind = RV_CELL_TEXT;

  /* A formula without a cached value is as good as empty. */
  if (!cell->has_value)
    return TRUE;

  switch (cell->type)
    {
    case CELL_TYPE_SHARED:
      {
        guint64 index;
        guint32 offset;
        guint32 next;

        text = strip (cell->value, &length);
        if (length == 0)
          return TRUE;
        if (!parse_digits (text, length, G_MAXUINT32, &index) ||
            index >= reader->string_offsets->len)
          {
            g_autofree char *letters = rv_sheet_column_letter (cell->column);
            g_autofree char *where = g_strdup_printf ("%s%" G_GUINT64_FORMAT, letters, cell->row + 1);

            g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED,
                         /* Translators: the file, a cell ("B7"), then a sheet's name. */
                         _("“%s” is damaged: cell %s of sheet “%s” refers to a shared string that does not exist"),
                         reader->ctx->display_name, where, self->name);
            return FALSE;
          }
        if (reader->long_strings != NULL &&
            g_hash_table_contains (reader->long_strings, GUINT_TO_POINTER ((guint) index)))
          {
            error_cell_too_large (reader, self->name, error);
            return FALSE;
          }

        /* Each string ends with a nul, where the next one starts. */
        offset = g_array_index (reader->string_offsets, guint32, index);
        next = index + 1 < reader->string_offsets->len ?
               g_array_index (reader->string_offsets, guint32, index + 1) : reader->strings->len;
        text = (const char *) reader->strings->data + offset;
        length = next - offset - 1;

        /* Each cell keeps its own copy: many cells pointing at one long string must not
         * make gigabytes out of a small file. */
        if (!_rv_zip_charge (reader->zip, length, error))
          return FALSE;
      }
      break;

    case CELL_TYPE_STRING:
      decode_xstring (cell->value);
      text = cell->value->str;
      length = cell->value->len;
      break;

    case CELL_TYPE_BOOLEAN:
      text = strip (cell->value, &length);
      kind = RV_CELL_BOOLEAN;
      if (strcmp (text, "1") == 0 || g_ascii_strcasecmp (text, "true") == 0)
        text = "TRUE";
      else if (strcmp (text, "0") == 0 || g_ascii_strcasecmp (text, "false") == 0)
        text = "FALSE";
      else
        kind = RV_CELL_TEXT;
      length = strlen (text);
      break;

    case CELL_TYPE_ERROR:
      text = strip (cell->value, &length);
      kind = RV_CELL_ERROR;
      break;

    case CELL_TYPE_DATE:
      /* ISO 8601 already; kept as written. */
      text = strip (cell->value, &length);
      kind = RV_CELL_DATE;
      break;

    case CELL_TYPE_NUMBER:
      {
        gboolean is_date = cell->has_style && cell->style < reader->date_styles->len &&
                           reader->date_styles->data[cell->style];
        gboolean is_integer = FALSE;
        gint64 integer = 0;
        double value;

        text = strip (cell->value, &length);
        if (is_canonical_number (text, length, &is_integer, &integer))
          {
            if (!is_date)
              {
                kind = RV_CELL_NUMBER;
                break;
              }
            value = is_integer ? (double) integer : g_ascii_strtod (text, NULL);
          }
        else
          {
            char *end = NULL;

            /* A number Excel cannot have written ("1,5") is kept as it is, as text. */
            value = g_ascii_strtod (text, &end);
            if (length == 0 || *end != '\0' || !isfinite (value))
              break;
          }

        text = buffer;
        length = is_date ? format_date (reader, value, buffer) : 0;
        if (length > 0)
          kind = RV_CELL_DATE;
        else
          {
            _rv_format_number (value, buffer);
            length = strlen (buffer);
            kind = RV_CELL_NUMBER;
          }
      }
      break;

    case CELL_TYPE_OTHER:
    default:
      break;
    }

  if (length == 0)
    return TRUE;

  if (length > RV_SHEET_MAX_CELL_BYTES)
    {
      error_cell_too_large (reader, self->name, error);
      return FALSE;
    }

  if (!rv_sheet_set_cell (self->sheet, cell->row, cell->column, kind, cell->has_formula,
                          text, length))
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
                   _("“%s” is too large: it has more than %u million cells"),
                   reader->ctx->display_name, (guint) (RV_SHEET_MAX_CELLS / 1000000));
      return FALSE;
    }

  return TRUE;
}

/* Takes a <c>'s attributes: where it is, its type and its style. */
static gboolean
start_cell (SheetParser     *self,
            int              n_attributes,
            const xmlChar  **attributes,
            GError         **error)
{
  const xmlChar *reference = NULL;
  const xmlChar *reference_end = NULL;
  const xmlChar *type = NULL;
  const xmlChar *type_end = NULL;
  const xmlChar *style = NULL;
  const xmlChar *style_end = NULL;
  Cell *cell = &self->cell;
  guint64 number;

  cell->row = self->next_row;
  cell->column = self->next_column;
  cell->type = CELL_TYPE_NUMBER;
  cell->has_style = FALSE;
  cell->has_formula = FALSE;
  cell->has_value = FALSE;
  clear_text (cell->value);

  /* One pass over the quintuplets (local name, prefix, URI, value, end of value): only the
   * unprefixed attributes are the cell's own. */
  for (int i = 0; i < n_attributes; i++, attributes += 5)
    {
      if (attributes[1] != NULL)
        continue;

      if (attributes[0] == self->names.r)
        {
          reference = attributes[3];
          reference_end = attributes[4];
        }
      else if (attributes[0] == self->names.t)
        {
          type = attributes[3];
          type_end = attributes[4];
        }
      else if (attributes[0] == self->names.s)
        {
          style = attributes[3];
          style_end = attributes[4];
        }
    }

  if (reference != NULL)
    {
      guint64 row;

      if (!parse_reference (self, reference, reference_end, &row, &cell->column, error))
        return FALSE;

      if (self->have_row && row < self->next_row)
        {
          error_out_of_order (self, error);
          return FALSE;
        }
      cell->row = self->next_row = row;
      self->have_row = TRUE;
    }
  else if (cell->column >= RV_SHEET_MAX_COLUMNS)
    {
      error_past_limits (self->reader, self->name, error);
      return FALSE;
    }
  self->next_column = cell->column + 1;

  if (type != NULL)
    cell->type = parse_cell_type ((const char *) type, type_end - type);

  if (style != NULL &&
      parse_digits ((const char *) style, style_end - style, G_MAXUINT32, &number))
    {
      cell->has_style = TRUE;
      cell->style = number;
    }

  return TRUE;
}

/* Takes a <row>'s number; rows only go forwards. */
static gboolean
start_row (SheetParser     *self,
           int              n_attributes,
           const xmlChar  **attributes,
           GError         **error)
{
  guint64 row = self->have_row ? self->next_row + 1 : 0;
  const xmlChar *value;
  const xmlChar *end;

  if (find_attribute (n_attributes, attributes, self->names.r, &value, &end))
    {
      guint64 number;

      if (!parse_digits ((const char *) value, end - value, G_MAXUINT64 / 10, &number) ||
          number == 0)
        {
          error_invalid_reference (self, value, end, error);
          return FALSE;
        }
      row = number - 1;
      if (self->have_row && row < self->next_row)
        {
          error_out_of_order (self, error);
          return FALSE;
        }
    }

  if (row >= RV_SHEET_MAX_ROWS)
    {
      error_past_limits (self->reader, self->name, error);
      return FALSE;
    }

  self->next_row = row;
  self->have_row = TRUE;
  return TRUE;
}

/*
 * <sheetData> holds <row>s of <c>s, whose value is a <v>, or rich text <is><t> (its
 * phonetic runs <rPh> left out); an <f> marks a formula. Elements are only taken at the
 * depth where they belong: an <extLst> or another namespace's elements may use the same
 * names anywhere.
 */
static void
sheet_start_element (void           *user_data,
                     const xmlChar  *local_name,
                     const xmlChar  *prefix,
                     const xmlChar  *uri,
                     int             n_namespaces,
                     const xmlChar **namespaces,
                     int             n_attributes,
                     int             n_defaulted,
                     const xmlChar **attributes)
{
  SheetParser *self = user_data;
  int depth = self->depth++;
  GError *error = NULL;

  if (!is_spreadsheet_ns (&self->names, prefix, uri))
    return;

  if (self->data_depth < 0)
    {
      if (depth == 1 && local_name == self->names.sheet_data)
        self->data_depth = depth;
    }
  else if (self->row_depth < 0)
    {
      if (depth == self->data_depth + 1 && local_name == self->names.row)
        {
          if (!start_row (self, n_attributes, attributes, &error))
            {
              _rv_zip_xml_stop (self->xml, error);
              return;
            }
          self->next_column = 0;
          self->row_depth = depth;
        }
    }
  else if (self->cell_depth < 0)
    {
      if (depth == self->row_depth + 1 && local_name == self->names.c)
        {
          if (!start_cell (self, n_attributes, attributes, &error))
            {
              _rv_zip_xml_stop (self->xml, error);
              return;
            }
          self->cell_depth = depth;
        }
    }
  else if (depth == self->cell_depth + 1)
    {
      if (local_name == self->names.v)
        {
          self->cell.has_value = TRUE;
          self->collect_depth = depth;
        }
      else if (local_name == self->names.f)
        self->cell.has_formula = TRUE;
      else if (local_name == self->names.is)
        self->is_depth = depth;
    }
  else if (self->is_depth >= 0 && self->skip_depth < 0)
    {
      if (local_name == self->names.r_ph)
        self->skip_depth = depth;
      else if (local_name == self->names.t)
        {
          self->cell.has_value = TRUE;
          self->collect_depth = depth;
        }
    }
}

/* An element ends at the depth it started at, whatever its name. */
static void
sheet_end_element (void          *user_data,
                   const xmlChar *local_name,
                   const xmlChar *prefix,
                   const xmlChar *uri)
{
  SheetParser *self = user_data;
  int depth = --self->depth;

  if (depth == self->collect_depth)
    self->collect_depth = -1;
  else if (depth == self->skip_depth)
    self->skip_depth = -1;
  else if (depth == self->is_depth)
    self->is_depth = -1;
  else if (depth == self->cell_depth)
    {
      GError *error = NULL;

      self->cell_depth = -1;
      if (!finish_cell (self, &error))
        _rv_zip_xml_stop (self->xml, error);
    }
  else if (depth == self->row_depth)
    self->row_depth = -1;
  else if (depth == self->data_depth)
    self->data_depth = -1;
}

static void
sheet_characters (void          *user_data,
                  const xmlChar *text,
                  int            length)
{
  SheetParser *self = user_data;

  if (self->collect_depth >= 0 && self->skip_depth < 0)
    append_text (self->cell.value, (const char *) text, length);
}

static const xmlSAXHandler sheet_sax = {
  .initialized = XML_SAX2_MAGIC,
  .startElementNs = sheet_start_element,
  .endElementNs = sheet_end_element,
  .characters = sheet_characters,
  .ignorableWhitespace = sheet_characters,
  .cdataBlock = sheet_characters,
};

static gboolean
read_sheet (XlsxReader  *self,
            RvSheet     *sheet,
            const char  *path,
            double       base,
            double       span,
            GError     **error)
{
  g_autoptr(RvZipXml) xml = NULL;
  g_autoptr(GString) value = g_string_sized_new (64);
  SheetParser parser = { 0 };

  parser.reader = self;
  parser.sheet = sheet;
  parser.name = rv_sheet_get_name (sheet);
  parser.cell.value = value;
  parser.data_depth = -1;
  parser.row_depth = -1;
  parser.cell_depth = -1;
  parser.is_depth = -1;
  parser.skip_depth = -1;
  parser.collect_depth = -1;

  xml = _rv_zip_xml_open_sax (self->zip, path, &sheet_sax, &parser, error);
  if (xml == NULL)
    return FALSE;
  _rv_zip_xml_set_progress (xml, base, span);
  parser.xml = xml;
  names_init (&parser.names, xml);

  return _rv_zip_xml_parse (xml, error);
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
