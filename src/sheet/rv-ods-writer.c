/* rv-ods-writer.c
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

#define G_LOG_DOMAIN "rv-ods-writer"

#include "config.h"

#include "rv-sheet-writer-private.h"

#include <math.h>
#include <string.h>

#include "rv-zip-writer.h"

/*
 * The ODS writer: an OpenDocument 1.2 spreadsheet package, written front to back through
 * rv-zip-writer.c. content.xml is written row by row as the plan hands the rows out, by
 * hand into a buffer that goes to the ZIP writer every BATCH_BYTES: a hundred thousand rows
 * make hundreds of megabytes of XML, which neither a DOM nor one string could hold.
 *
 * What the plan says about a sheet that is not a cell goes to the places LibreOffice reads
 * it from: the column widths to column styles, the header row to table:table-header-rows
 * (repeated on printed pages), to an anonymous database range with filter buttons (the
 * autofilter) and to a frozen split in settings.xml.
 */

#define MIMETYPE "application/vnd.oasis.opendocument.spreadsheet"
#define ODF_VERSION "1.2"

/* content.xml is large and mostly alike: the fastest level costs little in size. */
#define CONTENT_LEVEL 1
#define SMALL_LEVEL   6

/* The XML built goes to the ZIP writer in pieces of about this size. */
#define BATCH_BYTES (64 * 1024)

#define CANCEL_INTERVAL 4096

/* A column as wide as a character, plus padding: 10 characters are 2.2 cm. */
#define CM_PER_CHAR     0.2
#define CM_PADDING      0.2
#define DEFAULT_CHARS   10.0
#define MAX_CHARS       255.0

#define XMLNS_OFFICE  " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
#define XMLNS_STYLE   " xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\""
#define XMLNS_TEXT    " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
#define XMLNS_TABLE   " xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\""
#define XMLNS_FO      " xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\""
#define XMLNS_NUMBER  " xmlns:number=\"urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0\""
#define XMLNS_META    " xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\""
#define XMLNS_DC      " xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
#define XMLNS_CONFIG  " xmlns:config=\"urn:oasis:names:tc:opendocument:xmlns:config:1.0\""
#define XMLNS_MANIFEST " xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\""

#define XML_DECLARATION "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

#define BOLD \
  "fo:font-weight=\"bold\" style:font-weight-asian=\"bold\" style:font-weight-complex=\"bold\""

/* What a date cell holds, which decides its data style. */
typedef enum
{
  DATE_NONE,
  DATE_DATE,       /* office:date-value="2026-11-22" */
  DATE_DATE_TIME,  /* office:date-value="2026-11-22T10:15:00" */
  DATE_TIME,       /* office:time-value="PT10H15M00S" */
  TEXT_WRAPPED,    /* not a date: a text of several lines, wrapped to show them all */
  N_DATE_KINDS,
} DateKind;

/* The data styles of the date kinds, and how they show. */
static const char * const data_style_names[N_DATE_KINDS] = { NULL, "N1", "N2", "N3", NULL };

/* Cell styles are named for their export style and date kind: "ce" + this index. */
#define CELL_STYLE_INDEX(style, date) ((guint) (style) * N_DATE_KINDS + (guint) (date))

typedef struct
{
  RvExportPlan *plan;
  GCancellable *cancellable;
  RvZipWriter  *zip;
  GString      *xml;           /* content built and not yet handed to the ZIP writer */
  GPtrArray    *widths;        /* (element-type utf8): "2.20cm", one per column style */
  GHashTable   *width_styles;  /* "2.20cm" → its column style, from 1 */
  guint         blank_rows;    /* blank rows waiting to be written as one repeated row */
} OdsWriter;

/* Bytes that a text can copy as they are; the others need a look. */
static gboolean plain_byte[256];

static void
init_plain_bytes (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint c = 0x20; c < 0x100; c++)
        plain_byte[c] = TRUE;
      plain_byte[' '] = FALSE;
      plain_byte['&'] = FALSE;
      plain_byte['<'] = FALSE;
      plain_byte['>'] = FALSE;
      plain_byte['"'] = FALSE;
      /* The first byte of U+FFFE and U+FFFF, which XML 1.0 forbids. */
      plain_byte[0xef] = FALSE;
      g_once_init_leave (&initialized, 1);
    }
}

#define REPLACEMENT_CHARACTER "\xef\xbf\xbd"

/* Whether the text at @p is U+FFFE or U+FFFF. */
static inline gboolean
is_noncharacter (const char *p)
{
  return (guchar) p[0] == 0xef && (guchar) p[1] == 0xbf &&
         ((guchar) p[2] == 0xbe || (guchar) p[2] == 0xbf);
}

/* Appends the byte at @p, or U+FFFD for what XML 1.0 cannot hold (control characters,
 * U+FFFE, U+FFFF); returns what follows it. */
static inline const char *
append_byte (GString    *out,
             const char *p)
{
  if (is_noncharacter (p))
    {
      g_string_append (out, REPLACEMENT_CHARACTER);
      return p + 3;
    }
  if ((guchar) *p < 0x20)
    {
      g_string_append (out, REPLACEMENT_CHARACTER);
      return p + 1;
    }
  g_string_append_c (out, *p);
  return p + 1;
}

/* @text as valid UTF-8: the plan's texts should be, but a file left unreadable by one bad
 * byte would be too high a price to trust them. */
static const char *
valid_utf8 (const char  *text,
            char       **copy)
{
  if (G_LIKELY (g_utf8_validate (text, -1, NULL)))
    return text;

  g_free (*copy);
  *copy = g_utf8_make_valid (text, -1);
  return *copy;
}

/*
 * Appends @text for an attribute value: escaped, with the characters XML 1.0 forbids
 * replaced, and tabs and line breaks as references, which attribute normalisation leaves.
 */
static void
append_attribute (GString    *out,
                  const char *text)
{
  g_autofree char *copy = NULL;
  const char *p = valid_utf8 (text, &copy);

  init_plain_bytes ();

  while (*p != '\0')
    {
      const char *start = p;

      while (plain_byte[(guchar) *p] || *p == ' ')
        p++;
      g_string_append_len (out, start, p - start);

      switch (*p)
        {
        case '\0':
          break;
        case '&':
          g_string_append (out, "&amp;");
          p++;
          break;
        case '<':
          g_string_append (out, "&lt;");
          p++;
          break;
        case '>':
          g_string_append (out, "&gt;");
          p++;
          break;
        case '"':
          g_string_append (out, "&quot;");
          p++;
          break;
        case '\t':
          g_string_append (out, "&#9;");
          p++;
          break;
        case '\n':
          g_string_append (out, "&#10;");
          p++;
          break;
        case '\r':
          g_string_append (out, "&#13;");
          p++;
          break;
        default:
          p = append_byte (out, p);
          break;
        }
    }
}

/* Whether a space before @c would be kept as it is by the ODF white-space rule, which
 * collapses runs of spaces and drops them at the start and end of a paragraph. */
static inline gboolean
space_kept_before (char c)
{
  return c != '\0' && c != ' ' && c != '\t' && c != '\n' && c != '\r';
}

/*
 * Appends @text as the paragraphs of a cell: one <text:p> per line, tabs as <text:tab/>,
 * and every space that XML white-space handling would lose (leading, trailing, repeated)
 * as <text:s/>. Line breaks are "\n", "\r\n" or "\r".
 */
static void
append_paragraphs (GString    *out,
                   const char *text)
{
  g_autofree char *copy = NULL;
  const char *p = valid_utf8 (text, &copy);
  gboolean after_text = FALSE;   /* a literal space here would follow visible text */

  init_plain_bytes ();

  g_string_append (out, "<text:p>");

  while (*p != '\0')
    {
      const char *start = p;
      guint spaces;

      while (plain_byte[(guchar) *p] || *p == '"')
        p++;
      if (p > start)
        {
          g_string_append_len (out, start, p - start);
          after_text = TRUE;
        }

      switch (*p)
        {
        case '\0':
          break;

        case ' ':
          for (spaces = 0; p[spaces] == ' '; spaces++)
            ;
          if (spaces == 1 && after_text && space_kept_before (p[1]))
            g_string_append_c (out, ' ');
          else if (spaces == 1)
            g_string_append (out, "<text:s/>");
          else
            g_string_append_printf (out, "<text:s text:c=\"%u\"/>", spaces);
          p += spaces;
          after_text = FALSE;
          break;

        case '\t':
          g_string_append (out, "<text:tab/>");
          p++;
          after_text = FALSE;
          break;

        case '\r':
          if (p[1] == '\n')
            p++;
          G_GNUC_FALLTHROUGH;
        case '\n':
          g_string_append (out, "</text:p><text:p>");
          p++;
          after_text = FALSE;
          break;

        case '&':
          g_string_append (out, "&amp;");
          p++;
          after_text = TRUE;
          break;

        case '<':
          g_string_append (out, "&lt;");
          p++;
          after_text = TRUE;
          break;

        case '>':
          g_string_append (out, "&gt;");
          p++;
          after_text = TRUE;
          break;

        default:
          p = append_byte (out, p);
          after_text = TRUE;
          break;
        }
    }

  g_string_append (out, "</text:p>");
}

static inline gboolean
parse_digits (const char *p,
              guint       n,
              guint      *value)
{
  *value = 0;
  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return FALSE;
      *value = *value * 10 + (p[i] - '0');
    }

  return TRUE;
}

/* "HH:MM:SS", hours past 24 included ("36:00:00"): how our ODS reader gives a time. */
static DateKind
parse_duration (const char *text,
                gsize       length,
                char        value[32])
{
  gsize n_hours = length - 6;
  guint hours, minute, second;

  if (length < 8 || n_hours > 6 ||
      !parse_digits (text, n_hours, &hours) || text[n_hours] != ':' ||
      !parse_digits (text + n_hours + 1, 2, &minute) || text[n_hours + 3] != ':' ||
      !parse_digits (text + n_hours + 4, 2, &second) ||
      minute > 59 || second > 59)
    return DATE_NONE;

  g_snprintf (value, 32, "PT%02uH%02uM%02uS", hours, minute, second);
  return DATE_TIME;
}

/*
 * What a date cell's text is, and its value as ODF writes it in @value: "YYYY-MM-DD",
 * "YYYY-MM-DD HH:MM:SS" or, for a time alone, "1900-01-00 HH:MM:SS" (or "HH:MM:SS", as
 * an ODS file read gives it). Anything else (1900-02-29, which only Excel knows,
 * included) is DATE_NONE, and written as text.
 */
static DateKind
parse_date (const char *text,
            char        value[32])
{
  gsize length = strlen (text);
  guint year, month, day, hour, minute, second;

  if (length >= 8 && length <= 12 && text[length - 3] == ':')
    return parse_duration (text, length, value);

  if (length != 10 && length != 19)
    return DATE_NONE;

  if (!parse_digits (text, 4, &year) || text[4] != '-' ||
      !parse_digits (text + 5, 2, &month) || text[7] != '-' ||
      !parse_digits (text + 8, 2, &day))
    return DATE_NONE;

  if (length == 10)
    {
      if (!g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
        return DATE_NONE;
      memcpy (value, text, 10);
      value[10] = '\0';
      return DATE_DATE;
    }

  if (text[10] != ' ' ||
      !parse_digits (text + 11, 2, &hour) || text[13] != ':' ||
      !parse_digits (text + 14, 2, &minute) || text[16] != ':' ||
      !parse_digits (text + 17, 2, &second) ||
      hour > 23 || minute > 59 || second > 59)
    return DATE_NONE;

  if (year == 1900 && month == 1 && day == 0)
    {
      g_snprintf (value, 32, "PT%02uH%02uM%02uS", hour, minute, second);
      return DATE_TIME;
    }

  if (!g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return DATE_NONE;

  memcpy (value, text, 19);
  value[10] = 'T';
  value[19] = '\0';
  return DATE_DATE_TIME;
}


/* The value of a number cell, or NULL when its text is not a finite number. */
static const char *
number_value (const char *text,
              char        buffer[G_ASCII_DTOSTR_BUF_SIZE])
{
  char *end = NULL;
  double value;

  /* Already an xsd:double as ODF wants it: [-]digits[.digits][E[-]digits]. */
  if (text[0] != '+' && _rv_export_is_plain_number (text))
    return text;

  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (value))
    return NULL;

  return g_ascii_dtostr (buffer, G_ASCII_DTOSTR_BUF_SIZE, value);
}

static void
append_style_name (GString       *out,
                   RvExportStyle  style,
                   DateKind       date)
{
  if (style == RV_EXPORT_STYLE_NONE && date == DATE_NONE)
    return;

  g_string_append_printf (out, " table:style-name=\"ce%u\"", CELL_STYLE_INDEX (style, date));
}

static void
append_cell (GString            *out,
             const RvExportCell *cell)
{
  RvExportStyle style = cell->style < RV_N_EXPORT_STYLES ? cell->style : RV_EXPORT_STYLE_NONE;
  char buffer[MAX (G_ASCII_DTOSTR_BUF_SIZE, 32)];
  const char *value;
  DateKind date;

  switch (cell->kind)
    {
    case RV_CELL_NUMBER:
      value = number_value (cell->text, buffer);
      if (value == NULL)
        break;
      g_string_append (out, "<table:table-cell");
      append_style_name (out, style, DATE_NONE);
      g_string_append (out, " office:value-type=\"float\" office:value=\"");
      g_string_append (out, value);
      g_string_append (out, "\">");
      append_paragraphs (out, cell->text);
      g_string_append (out, "</table:table-cell>");
      return;

    case RV_CELL_BOOLEAN:
      if (strcmp (cell->text, "TRUE") != 0 && strcmp (cell->text, "FALSE") != 0)
        break;
      g_string_append (out, "<table:table-cell");
      append_style_name (out, style, DATE_NONE);
      g_string_append_printf (out, " office:value-type=\"boolean\" office:boolean-value=\"%s\">"
                              "<text:p>%s</text:p></table:table-cell>",
                              cell->text[0] == 'T' ? "true" : "false", cell->text);
      return;

    case RV_CELL_DATE:
      date = parse_date (cell->text, buffer);
      if (date == DATE_NONE)
        break;
      g_string_append (out, "<table:table-cell");
      append_style_name (out, style, date);
      if (date == DATE_TIME)
        g_string_append_printf (out, " office:value-type=\"time\" office:time-value=\"%s\">"
                                "<text:p>%s</text:p></table:table-cell>",
                                buffer, strlen (cell->text) == 19 ? cell->text + 11 : cell->text);
      else
        g_string_append_printf (out, " office:value-type=\"date\" office:date-value=\"%s\">"
                                "<text:p>%s</text:p></table:table-cell>",
                                buffer, cell->text);
      return;

    case RV_CELL_EMPTY:
    case RV_CELL_TEXT:
    case RV_CELL_ERROR:
    default:
      break;
    }

  /* Text, errors ("#N/A" has no portable error value), and values that did not parse. */
  g_string_append (out, "<table:table-cell");
  append_style_name (out, style, strchr (cell->text, '\n') != NULL ? TEXT_WRAPPED : DATE_NONE);
  g_string_append (out, " office:value-type=\"string\">");
  append_paragraphs (out, cell->text);
  g_string_append (out, "</table:table-cell>");
}

static inline gboolean
cell_is_blank (const RvExportCell *cell)
{
  return cell->kind == RV_CELL_EMPTY || cell->text[0] == '\0';
}

static inline RvExportStyle
blank_style (const RvExportCell *cell)
{
  return cell->style < RV_N_EXPORT_STYLES ? cell->style : RV_EXPORT_STYLE_NONE;
}

/* Hands the XML built so far to the ZIP writer, once there is enough of it or @force. */
static gboolean
ods_writer_flush (OdsWriter  *self,
                  gboolean    force,
                  GError    **error)
{
  if (self->xml->len == 0 || (!force && self->xml->len < BATCH_BYTES))
    return TRUE;

  if (!_rv_zip_writer_write (self->zip, self->xml->str, self->xml->len, error))
    return FALSE;

  g_string_truncate (self->xml, 0);
  return TRUE;
}

/* Writes the blank rows met since the last row with something in it, as one row. */
static void
flush_blank_rows (OdsWriter *self)
{
  if (self->blank_rows == 0)
    return;

  if (self->blank_rows == 1)
    g_string_append (self->xml, "<table:table-row><table:table-cell/></table:table-row>");
  else
    g_string_append_printf (self->xml, "<table:table-row table:number-rows-repeated=\"%u\">"
                            "<table:table-cell/></table:table-row>", self->blank_rows);
  self->blank_rows = 0;
}

/* Writes a row; a blank one waits, to be written with the blank rows after it. */
static void
write_row (OdsWriter          *self,
           const RvExportCell *cells,
           guint               n_columns,
           gboolean            keep_blank)
{
  GString *out = self->xml;
  guint end = n_columns;

  /* Blank cells at the end, without a style, need not be written. */
  while (end > 0 && cell_is_blank (&cells[end - 1]) &&
         blank_style (&cells[end - 1]) == RV_EXPORT_STYLE_NONE)
    end--;

  if (end == 0 && !keep_blank)
    {
      self->blank_rows++;
      return;
    }

  flush_blank_rows (self);
  g_string_append (out, "<table:table-row>");

  if (end == 0)
    g_string_append (out, "<table:table-cell/>");

  for (guint column = 0; column < end;)
    {
      const RvExportCell *cell = &cells[column];

      if (cell_is_blank (cell))
        {
          RvExportStyle style = blank_style (cell);
          guint run = 1;

          while (column + run < end && cell_is_blank (&cells[column + run]) &&
                 blank_style (&cells[column + run]) == style)
            run++;

          g_string_append (out, "<table:table-cell");
          append_style_name (out, style, DATE_NONE);
          if (run > 1)
            g_string_append_printf (out, " table:number-columns-repeated=\"%u\"", run);
          g_string_append (out, "/>");
          column += run;
        }
      else
        {
          append_cell (out, cell);
          column++;
        }
    }

  g_string_append (out, "</table:table-row>");
}

/* A column's width as ODF writes it, in centimetres. */
static char *
format_width (double chars)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!(chars > 0))
    chars = DEFAULT_CHARS;
  chars = MIN (chars, MAX_CHARS);

  g_ascii_formatd (buffer, sizeof buffer, "%.2f", chars * CM_PER_CHAR + CM_PADDING);
  return g_strconcat (buffer, "cm", NULL);
}

/* The column style of a column of @sheet ("co" + this), collecting the distinct widths. */
static guint
column_style (OdsWriter *self,
              guint      sheet,
              guint      column)
{
  g_autofree char *width = NULL;
  double chars = DEFAULT_CHARS;
  gpointer style;

  /* A sheet without columns still has one in the file, of the default width. */
  if (column < _rv_export_plan_get_n_columns (self->plan, sheet))
    chars = _rv_export_plan_get_column_width (self->plan, sheet, column);
  width = format_width (chars);

  if (g_hash_table_lookup_extended (self->width_styles, width, NULL, &style))
    return GPOINTER_TO_UINT (style);

  g_ptr_array_add (self->widths, g_strdup (width));
  g_hash_table_insert (self->width_styles, g_steal_pointer (&width),
                       GUINT_TO_POINTER (self->widths->len));
  return self->widths->len;
}

static void
append_automatic_styles (OdsWriter *self)
{
  GString *out = self->xml;
  guint n_sheets = _rv_export_plan_get_n_sheets (self->plan);

  g_string_append (out, "<office:automatic-styles>");

  /* One column style per width, in the order the sheets first use them. */
  for (guint sheet = 0; sheet < n_sheets; sheet++)
    {
      guint n_columns = _rv_export_plan_get_n_columns (self->plan, sheet);

      for (guint column = 0; column < MAX (n_columns, 1); column++)
        column_style (self, sheet, column);
    }
  for (guint i = 0; i < self->widths->len; i++)
    g_string_append_printf (out, "<style:style style:name=\"co%u\" style:family=\"table-column\">"
                            "<style:table-column-properties fo:break-before=\"auto\" "
                            "style:column-width=\"%s\"/></style:style>",
                            i + 1, (const char *) g_ptr_array_index (self->widths, i));

  /* The data styles of dates, date-times and times, in ISO 8601 order. */
  g_string_append (out,
                   "<number:date-style style:name=\"N1\">"
                   "<number:year number:style=\"long\"/><number:text>-</number:text>"
                   "<number:month number:style=\"long\"/><number:text>-</number:text>"
                   "<number:day number:style=\"long\"/>"
                   "</number:date-style>"
                   "<number:date-style style:name=\"N2\">"
                   "<number:year number:style=\"long\"/><number:text>-</number:text>"
                   "<number:month number:style=\"long\"/><number:text>-</number:text>"
                   "<number:day number:style=\"long\"/><number:text> </number:text>"
                   "<number:hours number:style=\"long\"/><number:text>:</number:text>"
                   "<number:minutes number:style=\"long\"/><number:text>:</number:text>"
                   "<number:seconds number:style=\"long\"/>"
                   "</number:date-style>"
                   /* Hours past 24 stay hours: "36:00:00" is a duration. */
                   "<number:time-style style:name=\"N3\" number:truncate-on-overflow=\"false\">"
                   "<number:hours number:style=\"long\"/><number:text>:</number:text>"
                   "<number:minutes number:style=\"long\"/><number:text>:</number:text>"
                   "<number:seconds number:style=\"long\"/>"
                   "</number:time-style>");

  /* A cell style for each export style, with each date kind. */
  for (guint style = 0; style < RV_N_EXPORT_STYLES; style++)
    for (guint date = 0; date < N_DATE_KINDS; date++)
      {
        if (style == RV_EXPORT_STYLE_NONE && date == DATE_NONE)
          continue;

        g_string_append_printf (out, "<style:style style:name=\"ce%u\" style:family=\"table-cell\" "
                                "style:parent-style-name=\"Default\"",
                                CELL_STYLE_INDEX (style, date));
        if (data_style_names[date] != NULL)
          g_string_append_printf (out, " style:data-style-name=\"%s\"", data_style_names[date]);
        g_string_append (out, ">");

        /* In the order of the schema: cell, paragraph, then text properties. */
        if (date == TEXT_WRAPPED || style == RV_EXPORT_STYLE_VALUE || style >= RV_EXPORT_STYLE_VERDICT)
          {
            g_string_append (out, "<style:table-cell-properties");
            /* Without it a spreadsheet shows the lines of a cell on top of each other. */
            if (date == TEXT_WRAPPED)
              g_string_append (out, " fo:wrap-option=\"wrap\"");
            if (style == RV_EXPORT_STYLE_VALUE)
              g_string_append (out, " style:text-align-source=\"fix\"");
            if (style >= RV_EXPORT_STYLE_VERDICT)
              g_string_append_printf (out, " fo:background-color=\"#%06x\"",
                                      _rv_export_get_verdict_colors ((RvVerdict) (style - RV_EXPORT_STYLE_VERDICT))->fill & 0xffffff);
            g_string_append (out, "/>");
          }
        if (style == RV_EXPORT_STYLE_VALUE)
          g_string_append (out, "<style:paragraph-properties fo:text-align=\"start\"/>");

        if (style == RV_EXPORT_STYLE_HEADER || style == RV_EXPORT_STYLE_LABEL)
          g_string_append (out, "<style:text-properties " BOLD "/>");
        else if (style == RV_EXPORT_STYLE_TITLE)
          g_string_append (out, "<style:text-properties fo:font-size=\"14pt\" "
                           "style:font-size-asian=\"14pt\" style:font-size-complex=\"14pt\" "
                           BOLD "/>");
        else if (style >= RV_EXPORT_STYLE_VERDICT)
          g_string_append_printf (out, "<style:text-properties fo:color=\"#%06x\" " BOLD "/>",
                                  _rv_export_get_verdict_colors ((RvVerdict) (style - RV_EXPORT_STYLE_VERDICT))->font & 0xffffff);

        g_string_append (out, "</style:style>");
      }

  g_string_append (out, "</office:automatic-styles>");
}

/* The table:table-column elements of @sheet, runs of one width as one element. */
static void
append_columns (OdsWriter *self,
                guint      sheet)
{
  guint n_columns = MAX (_rv_export_plan_get_n_columns (self->plan, sheet), 1);

  for (guint column = 0; column < n_columns;)
    {
      guint style = column_style (self, sheet, column);
      guint run = 1;

      while (column + run < n_columns && column_style (self, sheet, column + run) == style)
        run++;

      g_string_append_printf (self->xml, "<table:table-column table:style-name=\"co%u\"", style);
      if (run > 1)
        g_string_append_printf (self->xml, " table:number-columns-repeated=\"%u\"", run);
      g_string_append (self->xml, " table:default-cell-style-name=\"Default\"/>");
      column += run;
    }
}

static gboolean
write_table (OdsWriter  *self,
             guint       sheet,
             GError    **error)
{
  guint n_rows = _rv_export_plan_get_n_rows (self->plan, sheet);
  guint n_columns = _rv_export_plan_get_n_columns (self->plan, sheet);
  int header_row = _rv_export_plan_get_header_row (self->plan, sheet);

  g_string_append (self->xml, "<table:table table:name=\"");
  append_attribute (self->xml, _rv_export_plan_get_sheet_name (self->plan, sheet));
  g_string_append (self->xml, "\">");
  append_columns (self, sheet);

  self->blank_rows = 0;

  for (guint row = 0; row < n_rows; row++)
    {
      const RvExportCell *cells;

      if (row % CANCEL_INTERVAL == 0 &&
          g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;

      cells = _rv_export_plan_get_row (self->plan, sheet, row);
      g_assert (cells != NULL || n_columns == 0);

      if (header_row >= 0 && row == (guint) header_row)
        {
          /* Repeated at the top of every printed page. */
          flush_blank_rows (self);
          g_string_append (self->xml, "<table:table-header-rows>");
          write_row (self, cells, n_columns, TRUE);
          g_string_append (self->xml, "</table:table-header-rows>");
        }
      else
        write_row (self, cells, n_columns, FALSE);

      if (!ods_writer_flush (self, FALSE, error))
        return FALSE;
    }

  flush_blank_rows (self);

  /* A table holds at least one row. */
  if (n_rows == 0)
    g_string_append (self->xml, "<table:table-row><table:table-cell/></table:table-row>");

  g_string_append (self->xml, "</table:table>");
  return ods_writer_flush (self, FALSE, error);
}

/* "'Sheet name'.A1": a cell address, its sheet quoted (apostrophes doubled). */
static void
append_address (GString    *out,
                const char *sheet_name,
                guint       column,
                guint       row)
{
  g_autofree char *letters = rv_sheet_column_letter (column);

  g_string_append_c (out, '\'');
  for (const char *p = sheet_name; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append_c (out, '\'');
      g_string_append_c (out, *p);
    }
  g_string_append_printf (out, "'.%s%u", letters, row + 1);
}

/* The autofilters: one anonymous database range per sheet with a header, from the header
 * row to the last row, as LibreOffice writes them. */
static void
append_database_ranges (OdsWriter *self)
{
  guint n_sheets = _rv_export_plan_get_n_sheets (self->plan);
  gboolean any = FALSE;

  for (guint sheet = 0; sheet < n_sheets; sheet++)
    {
      const char *name = _rv_export_plan_get_sheet_name (self->plan, sheet);
      guint n_rows = _rv_export_plan_get_n_rows (self->plan, sheet);
      guint n_columns = _rv_export_plan_get_n_columns (self->plan, sheet);
      int header_row = _rv_export_plan_get_header_row (self->plan, sheet);
      g_autoptr(GString) range = NULL;

      if (header_row < 0 || (guint) header_row >= n_rows || n_columns == 0)
        continue;

      if (!any)
        g_string_append (self->xml, "<table:database-ranges>");
      any = TRUE;

      range = g_string_new (NULL);
      append_address (range, name, 0, header_row);
      g_string_append_c (range, ':');
      append_address (range, name, n_columns - 1, n_rows - 1);

      g_string_append_printf (self->xml, "<table:database-range "
                              "table:name=\"__Anonymous_Sheet_DB__%u\" "
                              "table:target-range-address=\"", sheet);
      append_attribute (self->xml, range->str);
      g_string_append (self->xml, "\" table:display-filter-buttons=\"true\"/>");
    }

  if (any)
    g_string_append (self->xml, "</table:database-ranges>");
}

static gboolean
write_content (OdsWriter  *self,
               GError    **error)
{
  guint n_sheets = _rv_export_plan_get_n_sheets (self->plan);

  if (!_rv_zip_writer_begin (self->zip, "content.xml", CONTENT_LEVEL, error))
    return FALSE;

  g_string_append (self->xml,
                   XML_DECLARATION
                   "<office:document-content" XMLNS_OFFICE XMLNS_STYLE XMLNS_TEXT XMLNS_TABLE
                   XMLNS_FO XMLNS_NUMBER " office:version=\"" ODF_VERSION "\">");
  append_automatic_styles (self);
  g_string_append (self->xml, "<office:body><office:spreadsheet>");

  for (guint sheet = 0; sheet < n_sheets; sheet++)
    if (!write_table (self, sheet, error))
      return FALSE;

  append_database_ranges (self);
  g_string_append (self->xml, "</office:spreadsheet></office:body></office:document-content>");

  return ods_writer_flush (self, TRUE, error) && _rv_zip_writer_end (self->zip, error);
}

/* A small member, whole. */
static gboolean
write_member (OdsWriter   *self,
              const char  *name,
              GString     *xml,
              GError     **error)
{
  return _rv_zip_writer_begin (self->zip, name, SMALL_LEVEL, error) &&
         _rv_zip_writer_write (self->zip, xml->str, xml->len, error) &&
         _rv_zip_writer_end (self->zip, error);
}

static gboolean
write_styles (OdsWriter  *self,
              GError    **error)
{
  g_autoptr(GString) xml = g_string_new (NULL);

  g_string_append (xml,
                   XML_DECLARATION
                   "<office:document-styles" XMLNS_OFFICE XMLNS_STYLE XMLNS_FO
                   " office:version=\"" ODF_VERSION "\">"
                   "<office:styles>"
                   "<style:default-style style:family=\"table-cell\">"
                   "<style:paragraph-properties style:tab-stop-distance=\"1.25cm\"/>"
                   "</style:default-style>"
                   "<style:style style:name=\"Default\" style:family=\"table-cell\"/>"
                   "</office:styles>"
                   "</office:document-styles>");

  return write_member (self, "styles.xml", xml, error);
}

static gboolean
write_meta (OdsWriter  *self,
            GError    **error)
{
  g_autoptr(GString) xml = g_string_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");
  const char *title = _rv_export_plan_get_title (self->plan);

  g_string_append (xml,
                   XML_DECLARATION
                   "<office:document-meta" XMLNS_OFFICE XMLNS_META XMLNS_DC
                   " office:version=\"" ODF_VERSION "\">"
                   "<office:meta>"
                   "<meta:generator>" PACKAGE_NAME "/" PACKAGE_VERSION "</meta:generator>");
  if (title != NULL && title[0] != '\0')
    {
      /* Escaped as an attribute is escaped: a title has a line at most. */
      g_string_append (xml, "<dc:title>");
      append_attribute (xml, title);
      g_string_append (xml, "</dc:title>");
    }
  g_string_append_printf (xml,
                          "<meta:creation-date>%s</meta:creation-date>"
                          "<dc:date>%s</dc:date>"
                          "<meta:document-statistic meta:table-count=\"%u\"/>"
                          "</office:meta>"
                          "</office:document-meta>",
                          date, date, _rv_export_plan_get_n_sheets (self->plan));

  return write_member (self, "meta.xml", xml, error);
}

static void
append_config_item (GString    *xml,
                    const char *name,
                    const char *type,
                    int         value)
{
  g_string_append_printf (xml, "<config:config-item config:name=\"%s\" config:type=\"%s\">%d"
                          "</config:config-item>", name, type, value);
}

/* The view: the rows down to the header frozen, as LibreOffice writes a frozen first row. */
static gboolean
write_settings (OdsWriter  *self,
                GError    **error)
{
  g_autoptr(GString) xml = g_string_new (NULL);
  guint n_sheets = _rv_export_plan_get_n_sheets (self->plan);

  g_string_append (xml,
                   XML_DECLARATION
                   "<office:document-settings" XMLNS_OFFICE XMLNS_CONFIG
                   " office:version=\"" ODF_VERSION "\">"
                   "<office:settings>"
                   "<config:config-item-set config:name=\"ooo:view-settings\">"
                   "<config:config-item-map-indexed config:name=\"Views\">"
                   "<config:config-item-map-entry>"
                   "<config:config-item config:name=\"ViewId\" config:type=\"string\">view1"
                   "</config:config-item>"
                   "<config:config-item-map-named config:name=\"Tables\">");

  for (guint sheet = 0; sheet < n_sheets; sheet++)
    {
      int header_row = _rv_export_plan_get_header_row (self->plan, sheet);
      int split = header_row + 1;

      if (header_row < 0)
        continue;

      g_string_append (xml, "<config:config-item-map-entry config:name=\"");
      append_attribute (xml, _rv_export_plan_get_sheet_name (self->plan, sheet));
      g_string_append (xml, "\">");
      append_config_item (xml, "CursorPositionX", "int", 0);
      append_config_item (xml, "CursorPositionY", "int", split);
      append_config_item (xml, "HorizontalSplitMode", "short", 0);
      append_config_item (xml, "VerticalSplitMode", "short", 2);
      append_config_item (xml, "HorizontalSplitPosition", "int", 0);
      append_config_item (xml, "VerticalSplitPosition", "int", split);
      append_config_item (xml, "ActiveSplitRange", "short", 2);
      append_config_item (xml, "PositionLeft", "int", 0);
      append_config_item (xml, "PositionRight", "int", 0);
      append_config_item (xml, "PositionTop", "int", 0);
      append_config_item (xml, "PositionBottom", "int", split);
      g_string_append (xml, "</config:config-item-map-entry>");
    }

  g_string_append (xml, "</config:config-item-map-named>");
  if (n_sheets > 0)
    {
      g_string_append (xml, "<config:config-item config:name=\"ActiveTable\" "
                       "config:type=\"string\">");
      append_attribute (xml, _rv_export_plan_get_sheet_name (self->plan, 0));
      g_string_append (xml, "</config:config-item>");
    }
  g_string_append (xml,
                   "</config:config-item-map-entry>"
                   "</config:config-item-map-indexed>"
                   "</config:config-item-set>"
                   "</office:settings>"
                   "</office:document-settings>");

  return write_member (self, "settings.xml", xml, error);
}

static gboolean
write_manifest (OdsWriter  *self,
                GError    **error)
{
  g_autoptr(GString) xml = g_string_new (NULL);

  g_string_append (xml,
                   XML_DECLARATION
                   "<manifest:manifest" XMLNS_MANIFEST " manifest:version=\"" ODF_VERSION "\">"
                   "<manifest:file-entry manifest:full-path=\"/\" "
                   "manifest:version=\"" ODF_VERSION "\" manifest:media-type=\"" MIMETYPE "\"/>"
                   "<manifest:file-entry manifest:full-path=\"content.xml\" "
                   "manifest:media-type=\"text/xml\"/>"
                   "<manifest:file-entry manifest:full-path=\"styles.xml\" "
                   "manifest:media-type=\"text/xml\"/>"
                   "<manifest:file-entry manifest:full-path=\"meta.xml\" "
                   "manifest:media-type=\"text/xml\"/>"
                   "<manifest:file-entry manifest:full-path=\"settings.xml\" "
                   "manifest:media-type=\"text/xml\"/>"
                   "</manifest:manifest>");

  return write_member (self, "META-INF/manifest.xml", xml, error);
}

/**
 * _rv_ods_write:
 * @plan: what to write
 * @stream: where to write it, from its first byte; left open
 * @error: return location for a #GError
 *
 * Writes @plan as an OpenDocument spreadsheet.
 *
 * Returns: %TRUE on success; else %FALSE with @error set to the reason alone (the
 *   caller names the file), or to %G_IO_ERROR_CANCELLED
 */
gboolean
_rv_ods_write (RvExportPlan   *plan,
               GOutputStream  *stream,
               GError        **error)
{
  g_autoptr(RvZipWriter) zip = NULL;
  g_autoptr(GPtrArray) widths = NULL;
  g_autoptr(GHashTable) width_styles = NULL;
  g_autoptr(GString) xml = NULL;
  GCancellable *cancellable;
  OdsWriter writer;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  cancellable = _rv_export_plan_get_cancellable (plan);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  zip = _rv_zip_writer_new (stream, cancellable);
  widths = g_ptr_array_new_with_free_func (g_free);
  width_styles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  xml = g_string_sized_new (BATCH_BYTES + BATCH_BYTES / 4);

  writer.plan = plan;
  writer.cancellable = cancellable;
  writer.zip = zip;
  writer.xml = xml;
  writer.widths = widths;
  writer.width_styles = width_styles;
  writer.blank_rows = 0;

  /* The package's type first, stored, where a reader finds it at a fixed offset. */
  return _rv_zip_writer_add_stored (zip, "mimetype", MIMETYPE, strlen (MIMETYPE), error) &&
         write_content (&writer, error) &&
         write_styles (&writer, error) &&
         write_meta (&writer, error) &&
         write_settings (&writer, error) &&
         write_manifest (&writer, error) &&
         _rv_zip_writer_finish (zip, error);
}
