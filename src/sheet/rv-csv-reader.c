/* rv-csv-reader.c
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

#define G_LOG_DOMAIN "rv-csv-reader"

#include "config.h"

#include "rv-sheet-reader-private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <uchardet/uchardet.h>

#include "rv-sheet.h"
#include "rv-workbook.h"

/*
 * The CSV reader: delimited text in whatever encoding Excel, LibreOffice or an ERP wrote it.
 *
 * The file is read in chunks and converted to UTF-8 chunk by chunk, so memory stays at a few
 * hundred kilobytes besides the sheet, whatever the file's size. The first SAMPLE_SIZE bytes
 * decide the encoding (a BOM, else the zero bytes of UTF-16, else UTF-8 if they are valid
 * UTF-8, else uchardet) and, once converted, the delimiter. The parser then runs over UTF-8:
 * the bytes it cares about (delimiters, quotes, line ends) are ASCII, so it never has to
 * look inside a multi-byte character.
 */

#define CHUNK_SIZE     (64 * 1024)
#define SAMPLE_SIZE    (256 * 1024)
/* Bytes of an incomplete character carried from one chunk to the next: four at most in any
 * encoding we read, with room to spare. */
#define CARRY_MAX      16
/* The sniffer looks at this many records. */
#define SNIFF_RECORDS  50
/* BOM-less UTF-16 is told by the zero bytes of this much of the start. */
#define UTF16_PROBE    4096
/* Past this many invalid sequences, all of them more than half the characters of the start,
 * the file is not text in any encoding and is refused rather than shown as garbage. */
#define GARBAGE_MIN    64

#define REPLACEMENT    "\xef\xbf\xbd"  /* U+FFFD in UTF-8 */

typedef enum
{
  FIELD_START,
  FIELD_UNQUOTED,
  FIELD_QUOTED,
  FIELD_QUOTED_QUOTE,  /* a quote inside a quoted field: an escaped quote or the end */
} FieldState;

typedef struct
{
  RvReadContext *ctx;
  const char    *name;           /* the file, as messages name it */
  char          *owned_name;
  FILE          *file;
  guint64        bytes_read;

  /* Decoding. */
  char          *encoding;       /* the canonical name, as the workbook reports it */
  GIConv         conv;           /* (GIConv) -1 when UTF-8 is decoded by hand */
  gsize          unit;           /* bytes skipped on an invalid sequence: 2 in UTF-16 */
  guint64        n_invalid;
  gboolean       utf8_guessed;   /* UTF-8 because the start was valid UTF-8, no BOM */
  gboolean       ascii_so_far;
  gboolean       latin1;         /* read as Windows-1252, named ISO-8859-1 until a byte
                                  * 0x80–0x9F proves otherwise */
  gboolean       saw_c1;

  /* Parsing. */
  RvSheet       *sheet;
  GString       *cell;
  FieldState     state;
  char           delimiter;
  gboolean       after_cr;
  guint          row;
  guint          column;
  guint          line;           /* the physical line being read, from 1 */
  guint          cell_line;      /* where the current field began */
} CsvReader;

static const char delimiters[] = { ';', ',', '\t', '|' };

static void
csv_reader_free (CsvReader *self)
{
  g_clear_pointer (&self->file, fclose);
  if (self->conv != (GIConv) -1)
    g_iconv_close (self->conv);
  g_free (self->encoding);
  g_free (self->owned_name);
  g_clear_object (&self->sheet);
  g_string_free (self->cell, TRUE);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsvReader, csv_reader_free)

/* Encodings */

/*
 * The length of the UTF-8 character at @p: its length when valid; 0 when @p holds the valid
 * start of a character that goes on past @length; -1 when invalid, with @bad set to the
 * bytes that one U+FFFD replaces (the "maximal subpart" of Unicode's chapter 3).
 */
static gssize
utf8_sequence (const guint8 *p,
               gsize         length,
               gsize        *bad)
{
  guint8 lo = 0x80;
  guint8 hi = 0xbf;
  gsize need;

  if (p[0] < 0x80)
    return 1;
  else if (p[0] >= 0xc2 && p[0] <= 0xdf)
    need = 2;
  else if (p[0] >= 0xe0 && p[0] <= 0xef)
    need = 3;
  else if (p[0] >= 0xf0 && p[0] <= 0xf4)
    need = 4;
  else
    {
      *bad = 1;
      return -1;
    }

  /* The second byte's range rules out overlong forms, surrogates and code points past
   * U+10FFFF. */
  if (p[0] == 0xe0)
    lo = 0xa0;
  else if (p[0] == 0xed)
    hi = 0x9f;
  else if (p[0] == 0xf0)
    lo = 0x90;
  else if (p[0] == 0xf4)
    hi = 0x8f;

  for (gsize k = 1; k < need; k++)
    {
      if (k >= length)
        return 0;
      if (p[k] < lo || p[k] > hi)
        {
          *bad = k;
          return -1;
        }
      lo = 0x80;
      hi = 0xbf;
    }

  return need;
}

static gboolean
is_valid_utf8 (const guint8 *data,
               gsize         length)
{
  gsize i = 0;

  while (i < length)
    {
      gsize bad;
      gssize n = utf8_sequence (data + i, length - i, &bad);

      if (n < 0)
        return FALSE;
      if (n == 0)
        break;  /* cut by the end of the sample */
      i += n;
    }

  return TRUE;
}

/* Counts the valid multi-byte UTF-8 characters of @data, and in @n_invalid its invalid
 * sequences. */
static gsize
count_utf8_sequences (const guint8 *data,
                      gsize         length,
                      gsize        *n_invalid)
{
  gsize n_valid = 0;
  gsize i = 0;

  *n_invalid = 0;
  while (i < length)
    {
      gsize bad = 1;
      gssize n = utf8_sequence (data + i, length - i, &bad);

      if (n == 0)
        break;
      if (n < 0)
        {
          (*n_invalid)++;
          i += bad;
          continue;
        }
      n_valid += n > 1;
      i += n;
    }

  return n_valid;
}

/* Appends converted text, leaving out NUL characters: a cell cannot hold them, and in an
 * 8-bit file they are padding or damage, never text. */
static void
append_text (GString    *out,
             const char *text,
             gsize       length)
{
  const char *nul;

  while (length > 0 && (nul = memchr (text, 0, length)) != NULL)
    {
      g_string_append_len (out, text, nul - text);
      length -= nul - text + 1;
      text = nul + 1;
    }
  g_string_append_len (out, text, length);
}

/*
 * Converts what it can of @data to UTF-8 with @conv, one U+FFFD for each invalid sequence.
 * Returns how many bytes it used: all of them at @eof, else all but the start of a character
 * that the next chunk completes.
 */
static gsize
convert_lossy (GIConv        conv,
               gsize         unit,
               const guint8 *data,
               gsize         length,
               gboolean      eof,
               GString      *out,
               guint64      *n_invalid)
{
  char buffer[8192];
  char *in = (char *) data;
  gsize in_left = length;

  while (in_left > 0)
    {
      char *o = buffer;
      gsize o_left = sizeof buffer;
      gsize skip;
      gsize r;
      int errsv;

      r = g_iconv (conv, &in, &in_left, &o, &o_left);
      errsv = errno;
      append_text (out, buffer, o - buffer);

      if (r != (gsize) -1)
        break;
      if (errsv == E2BIG)
        continue;
      if (errsv == EINVAL && !eof && in_left <= CARRY_MAX)
        break;

      /* An invalid sequence, or a character cut by the end of the file. */
      g_string_append (out, REPLACEMENT);
      (*n_invalid)++;
      skip = errsv == EINVAL && eof ? in_left : MIN (unit, in_left);
      in += skip;
      in_left -= skip;
    }

  if (eof)
    {
      char *o = buffer;
      gsize o_left = sizeof buffer;

      /* The end of a stateful encoding's shift sequence, if any. */
      g_iconv (conv, NULL, NULL, &o, &o_left);
      append_text (out, buffer, o - buffer);
    }

  return length - in_left;
}

/* Whether the delimiters, quotes, line ends, digits and letters of ASCII are themselves in
 * @encoding: the parser works on them, so UTF-16, UTF-32 or EBCDIC named by a guess on 8-bit
 * text would turn a file into one cell of garbage. */
static gboolean
is_ascii_compatible (const char *encoding)
{
  static const char probe[] = "\t\n\r \"',;|09AZaz";
  g_autofree char *converted = NULL;
  gsize written = 0;

  converted = g_convert (probe, -1, "UTF-8", encoding, NULL, &written, NULL);
  return converted != NULL && written == strlen (probe) && memcmp (converted, probe, written) == 0;
}

static gboolean
is_western (gunichar c)
{
  switch (c)
    {
    case 0x00a0: /* no-break space */
    case 0x00a1: case 0x00bf: /* ¡ ¿ */
    case 0x00aa: case 0x00ba: case 0x00b0: /* ª º ° */
    case 0x00ab: case 0x00bb: case 0x00b4: case 0x00b7: /* « » ´ · */
    case 0x00c1: case 0x00c9: case 0x00cd: case 0x00d3: case 0x00da: /* Á É Í Ó Ú */
    case 0x00e1: case 0x00e9: case 0x00ed: case 0x00f3: case 0x00fa: /* á é í ó ú */
    case 0x00d1: case 0x00f1: case 0x00dc: case 0x00fc: /* Ñ ñ Ü ü */
    case 0x2013: case 0x2014: case 0x2018: case 0x2019: /* – — ‘ ’ */
    case 0x201c: case 0x201d: case 0x2026: case 0x20ac: /* “ ” … € */
      return TRUE;
    default:
      return FALSE;
    }
}

/* The share of the non-ASCII characters of @sample, read in @encoding, that Spanish text
 * uses: accented vowels, ñ, °, ¿, curly quotes… */
static double
western_score (const char   *encoding,
               const guint8 *sample,
               gsize         length)
{
  g_autoptr(GString) text = NULL;
  guint64 n_invalid = 0;
  gsize total = 0;
  gsize western = 0;
  GIConv conv;

  conv = g_iconv_open ("UTF-8", encoding);
  if (conv == (GIConv) -1)
    return 0.0;

  text = g_string_new (NULL);
  convert_lossy (conv, 1, sample, length, TRUE, text, &n_invalid);
  g_iconv_close (conv);

  for (const char *p = text->str; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80)
        continue;
      total++;
      if (is_western (c))
        western++;
    }

  return total > 0 ? (double) western / total : 0.0;
}

/*
 * The encoding of 8-bit text that is not UTF-8. uchardet decides, but it needs help on the
 * files this application reads: short lists, mostly digits, a few accented names.
 */
static char *
guess_8bit_encoding (const guint8 *sample,
                     gsize         length,
                     gboolean     *latin1)
{
  g_autofree char *name = NULL;
  gboolean has_c1 = FALSE;
  const char *charset;
  gsize n_invalid = 0;
  uchardet_t detector;

  *latin1 = FALSE;

  /* UTF-8 with a few damaged bytes is still UTF-8: 8-bit text hardly ever forms a valid
   * multi-byte sequence (it takes "Ã±" to make one), and uchardet gives up on UTF-8 at the
   * first invalid byte. */
  if (count_utf8_sequences (sample, length, &n_invalid) > n_invalid)
    return g_strdup ("UTF-8");

  detector = uchardet_new ();
  if (uchardet_handle_data (detector, (const char *) sample, length) == 0)
    uchardet_data_end (detector);
  charset = uchardet_get_charset (detector);
  name = g_ascii_strup (charset != NULL ? charset : "", -1);
  uchardet_delete (detector);

  /* Nothing, or nothing we can use: Windows-1252, what Excel writes on Windows in Peru. */
  if (*name == 0 || strcmp (name, "ASCII") == 0 || !is_ascii_compatible (name))
    return g_strdup ("WINDOWS-1252");

  if (strcmp (name, "UTF-8") == 0)
    return g_steal_pointer (&name);

  for (gsize i = 0; i < length && !has_c1; i++)
    has_c1 = sample[i] >= 0x80 && sample[i] <= 0x9f;

  /* Bytes 0x80–0x9F are control characters in ISO-8859-1 and -15, never text; in
   * Windows-1252 they are ’ “ ” – € …: such a file is Windows-1252. */
  if (has_c1 && (strcmp (name, "ISO-8859-1") == 0 || strcmp (name, "ISO-8859-15") == 0))
    return g_strdup ("WINDOWS-1252");

  /* ISO-8859-1 is read as Windows-1252, as browsers do: they agree but for 0x80–0x9F, where
   * a byte further on than the sample is far likelier to be a ’ than a control character.
   * The name stays ISO-8859-1 as long as both read the same. */
  if (strcmp (name, "ISO-8859-1") == 0)
    {
      *latin1 = TRUE;
      return g_steal_pointer (&name);
    }

  /* On short samples uchardet often names another 8-bit encoding ("PEÑA" comes out as
   * ISO-8859-10, "PEŅA"). Windows-1252 wins when it reads the sample as Spanish and better
   * than the guess does; text that really is Greek or Cyrillic does not read as Spanish. */
  if (strcmp (name, "WINDOWS-1252") != 0)
    {
      double score_1252 = western_score ("WINDOWS-1252", sample, length);

      if (score_1252 >= 0.75 && score_1252 > western_score (name, sample, length))
        return g_strdup ("WINDOWS-1252");
    }

  return g_steal_pointer (&name);
}

static gboolean
set_encoding (CsvReader   *self,
              const char  *encoding,
              gboolean     latin1,
              GError     **error)
{
  g_free (self->encoding);
  self->encoding = g_strdup (encoding);
  self->latin1 = latin1;

  if (self->conv != (GIConv) -1)
    {
      g_iconv_close (self->conv);
      self->conv = (GIConv) -1;
    }

  if (strcmp (encoding, "UTF-8") == 0)
    return TRUE;

  self->conv = g_iconv_open ("UTF-8", latin1 ? "WINDOWS-1252" : encoding);
  if (self->conv == (GIConv) -1)
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_ENCODING,
                   /* Translators: the file. */
                   _("“%s” is not text in an encoding that can be read"),
                   self->name);
      return FALSE;
    }
  self->unit = g_str_has_prefix (encoding, "UTF-16") ? 2 : 1;
  return TRUE;
}

/* UTF-16 without a BOM: Latin text has a zero in every other byte, all on one side. */
static gboolean
looks_like_utf16 (const guint8  *head,
                  gsize          length,
                  const char   **encoding)
{
  gsize n = MIN (length, UTF16_PROBE) & ~(gsize) 1;
  gsize zeros_even = 0;
  gsize zeros_odd = 0;

  if (n < 4)
    return FALSE;

  for (gsize i = 0; i < n; i += 2)
    {
      zeros_even += head[i] == 0;
      zeros_odd += head[i + 1] == 0;
    }

  if (zeros_odd > n / 8 && zeros_even * 8 < zeros_odd)
    {
      *encoding = "UTF-16LE";
      return TRUE;
    }
  if (zeros_even > n / 8 && zeros_odd * 8 < zeros_even)
    {
      *encoding = "UTF-16BE";
      return TRUE;
    }
  return FALSE;
}

/* Decides the encoding from the start of the file; @bom_length is the BOM to skip. */
static gboolean
detect_encoding (CsvReader     *self,
                 const guint8  *head,
                 gsize          length,
                 gsize         *bom_length,
                 GError       **error)
{
  g_autofree char *guess = NULL;
  const char *utf16 = NULL;
  gboolean latin1 = FALSE;

  *bom_length = 0;

  if (length >= 3 && head[0] == 0xef && head[1] == 0xbb && head[2] == 0xbf)
    {
      *bom_length = 3;
      return set_encoding (self, "UTF-8", FALSE, error);
    }
  if (length >= 2 && head[0] == 0xff && head[1] == 0xfe)
    {
      *bom_length = 2;
      return set_encoding (self, "UTF-16LE", FALSE, error);
    }
  if (length >= 2 && head[0] == 0xfe && head[1] == 0xff)
    {
      *bom_length = 2;
      return set_encoding (self, "UTF-16BE", FALSE, error);
    }
  if (looks_like_utf16 (head, length, &utf16))
    return set_encoding (self, utf16, FALSE, error);

  if (is_valid_utf8 (head, length))
    {
      /* ASCII is valid UTF-8 too: if non-UTF-8 bytes come later, after ASCII alone, the
       * decoder switches then (see decode()). */
      self->utf8_guessed = TRUE;
      return set_encoding (self, "UTF-8", FALSE, error);
    }

  guess = guess_8bit_encoding (head, length, &latin1);
  return set_encoding (self, guess, latin1, error);
}

static gsize
decode_iconv (CsvReader    *self,
              const guint8 *data,
              gsize         length,
              gboolean      eof,
              GString      *out)
{
  if (self->latin1 && !self->saw_c1)
    for (gsize i = 0; i < length && !self->saw_c1; i++)
      self->saw_c1 = data[i] >= 0x80 && data[i] <= 0x9f;

  return convert_lossy (self->conv, self->unit, data, length, eof, out, &self->n_invalid);
}

/*
 * Converts a chunk to UTF-8, appending to @out. Sets @consumed to the bytes used: all of
 * them at @eof, else all but an incomplete character (at most CARRY_MAX bytes), which the
 * caller hands back in front of the next chunk.
 */
static gboolean
decode (CsvReader     *self,
        const guint8  *data,
        gsize          length,
        gboolean       eof,
        GString       *out,
        gsize         *consumed,
        GError       **error)
{
  gsize i = 0;

  if (self->conv != (GIConv) -1)
    {
      *consumed = decode_iconv (self, data, length, eof, out);
      return TRUE;
    }

  while (i < length)
    {
      gsize start = i;
      gsize bad = 1;
      gssize n;

      while (i < length && data[i] < 0x80)
        i++;
      if (i > start)
        {
          append_text (out, (const char *) data + start, i - start);
          continue;
        }

      n = utf8_sequence (data + i, length - i, &bad);
      if (n > 0)
        {
          self->ascii_so_far = FALSE;
          g_string_append_len (out, (const char *) data + i, n);
          i += n;
        }
      else if (n == 0 && !eof)
        {
          break;
        }
      else if (self->utf8_guessed && self->ascii_so_far)
        {
          g_autofree char *guess = NULL;
          gboolean latin1 = FALSE;

          /* The start was ASCII, so valid UTF-8, but this is not: an 8-bit file whose
           * first accent comes late. Everything so far reads the same in its encoding, so
           * going on in it is as good as having read the file in it from the start. */
          self->utf8_guessed = FALSE;
          guess = guess_8bit_encoding (data + i, length - i, &latin1);
          if (strcmp (guess, "UTF-8") == 0)
            continue;  /* UTF-8 after all: replaced like any invalid sequence */
          if (!set_encoding (self, guess, latin1, error))
            return FALSE;
          *consumed = i + decode_iconv (self, data + i, length - i, eof, out);
          return TRUE;
        }
      else
        {
          g_string_append (out, REPLACEMENT);
          self->n_invalid++;
          i += n == 0 ? length - i : bad;
        }
    }

  *consumed = i;
  return TRUE;
}

/* Delimiters */

/*
 * Counts the fields of the first records of @text with @delimiter, quotes understood the
 * way the parser understands them. Empty lines are left out; so is a last record that the
 * sample cuts, unless it is the only one.
 */
static guint
count_fields (const char *text,
              gsize       length,
              gboolean    complete,
              char        delimiter,
              guint      *counts)
{
  FieldState state = FIELD_START;
  gboolean blank = TRUE;
  guint fields = 1;
  guint n = 0;
  gsize i = 0;

  while (i < length && n < SNIFF_RECORDS)
    {
      char c = text[i];

      switch (state)
        {
        case FIELD_QUOTED:
          if (c == '"')
            state = FIELD_QUOTED_QUOTE;
          i++;
          break;

        case FIELD_QUOTED_QUOTE:
          if (c == '"')
            {
              state = FIELD_QUOTED;
              i++;
            }
          else
            state = FIELD_UNQUOTED;
          break;

        case FIELD_START:
          if (c == '"')
            {
              state = FIELD_QUOTED;
              blank = FALSE;
              i++;
            }
          else
            state = FIELD_UNQUOTED;
          break;

        case FIELD_UNQUOTED:
          if (c == delimiter)
            {
              fields++;
              blank = FALSE;
              state = FIELD_START;
            }
          else if (c == '\r' || c == '\n')
            {
              if (c == '\r' && i + 1 < length && text[i + 1] == '\n')
                i++;
              if (!blank)
                counts[n++] = fields;
              fields = 1;
              blank = TRUE;
              state = FIELD_START;
            }
          else
            blank = FALSE;
          i++;
          break;

        default:
          g_assert_not_reached ();
        }
    }

  if (!blank && n < SNIFF_RECORDS && (n == 0 || (complete && state != FIELD_QUOTED)))
    counts[n++] = fields;

  return n;
}

/*
 * The delimiter whose field count is the most consistent over the first records, and
 * among equally consistent ones the one that gives the most columns. A delimiter must split
 * the records it counts; when none does, the file has one column and ',' is as good as any.
 * ';' comes first on a tie: Peruvian Excel uses it, ',' being the decimal separator.
 */
static char
sniff_delimiter (const char *text,
                 gsize       length,
                 gboolean    complete)
{
  char best = ',';
  guint best_frequency = 0;
  guint best_fields = 0;

  for (guint d = 0; d < G_N_ELEMENTS (delimiters); d++)
    {
      guint counts[SNIFF_RECORDS];
      guint n = count_fields (text, length, complete, delimiters[d], counts);
      guint mode = 0;
      guint frequency = 0;

      /* The most frequent count above one (ties: the larger), in a handful of values. */
      for (guint i = 0; i < n; i++)
        {
          guint same = 0;

          if (counts[i] < 2)
            continue;
          for (guint j = 0; j < n; j++)
            same += counts[j] == counts[i];
          if (same > frequency || (same == frequency && counts[i] > mode))
            {
              mode = counts[i];
              frequency = same;
            }
        }

      if (mode >= 2 &&
          (frequency > best_frequency || (frequency == best_frequency && mode > best_fields)))
        {
          best = delimiters[d];
          best_frequency = frequency;
          best_fields = mode;
        }
    }

  return best;
}

/*
 * Excel's "sep=;" first line (also quoted, as some tools write it): it names the delimiter
 * and is not a row. Sets @skip to its bytes, line end included.
 */
static gboolean
parse_sep_line (const char *text,
                gsize       length,
                char       *delimiter,
                gsize      *skip,
                gboolean   *ends_with_cr)
{
  gboolean quoted = FALSE;
  gsize i = 0;

  *ends_with_cr = FALSE;

  if (i < length && text[i] == '"')
    {
      quoted = TRUE;
      i++;
    }
  if (length - i < 5 || g_ascii_strncasecmp (text + i, "sep=", 4) != 0)
    return FALSE;
  i += 4;
  if (memchr (delimiters, text[i], sizeof delimiters) == NULL)
    return FALSE;
  *delimiter = text[i++];
  if (quoted)
    {
      if (i >= length || text[i] != '"')
        return FALSE;
      i++;
    }

  if (i < length && text[i] == '\r')
    {
      i++;
      if (i < length && text[i] == '\n')
        i++;
      else
        *ends_with_cr = TRUE;
    }
  else if (i < length && text[i] == '\n')
    i++;
  else if (i < length)
    return FALSE;

  *skip = i;
  return TRUE;
}

/* Parsing */

static gboolean
cell_too_long (CsvReader  *self,
               GError    **error)
{
  if (self->state == FIELD_QUOTED)
    g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
                 /* Translators: the file, the limit in bytes, then a line number. */
                 _("“%s” has a cell longer than %u bytes from line %u, "
                   "likely a quote that is never closed"),
                 self->name, (guint) RV_SHEET_MAX_CELL_BYTES, self->cell_line);
  else
    g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
                 /* Translators: the file, the limit in bytes, then a line number. */
                 _("“%s” has a cell longer than %u bytes at line %u"),
                 self->name, (guint) RV_SHEET_MAX_CELL_BYTES, self->cell_line);
  return FALSE;
}

static inline gboolean
cell_append (CsvReader   *self,
             const char  *text,
             gsize        length,
             GError     **error)
{
  if (self->cell->len + length > RV_SHEET_MAX_CELL_BYTES)
    return cell_too_long (self, error);

  g_string_append_len (self->cell, text, length);
  return TRUE;
}

static gboolean
end_field (CsvReader  *self,
           GError    **error)
{
  if (self->cell->len == 0)
    return TRUE;

  /* Trailing empty cells are never stored, so these limits only bite on real content. */
  if (self->row >= RV_SHEET_MAX_ROWS)
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
                   /* Translators: the file, then the limit. */
                   _("“%s” has more than %u rows, the most a sheet can hold"),
                   self->name, (guint) RV_SHEET_MAX_ROWS);
      return FALSE;
    }
  if (self->column >= RV_SHEET_MAX_COLUMNS)
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
                   /* Translators: the file, the limit, then a line number. */
                   _("“%s” has more than %u columns at line %u, the most a sheet can hold"),
                   self->name, (guint) RV_SHEET_MAX_COLUMNS, self->cell_line);
      return FALSE;
    }
  if (!rv_sheet_set_cell (self->sheet, self->row, self->column, RV_CELL_TEXT, FALSE,
                          self->cell->str, self->cell->len))
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
                   /* Translators: the file, then a line number. */
                   _("“%s” is too large: at line %u it passes the number of cells "
                     "a sheet can hold"),
                   self->name, self->cell_line);
      return FALSE;
    }

  g_string_truncate (self->cell, 0);
  return TRUE;
}

static void
end_record (CsvReader *self)
{
  if (self->row < G_MAXUINT)
    self->row++;
  self->column = 0;
  self->state = FIELD_START;
}

static void
new_line (CsvReader *self,
          char       c)
{
  if (self->line < G_MAXUINT)
    self->line++;
  self->after_cr = c == '\r';
}

/* Parses converted text; the state carries over from one call to the next. */
static gboolean
parse (CsvReader   *self,
       const char  *text,
       gsize        length,
       GError     **error)
{
  const char *p = text;
  const char *end = text + length;
  const char delimiter = self->delimiter;

  while (p < end)
    {
      const char *q;
      char c = *p;

      if (self->after_cr)
        {
          self->after_cr = FALSE;
          if (c == '\n')
            {
              /* The LF of a CRLF: one line end, kept whole inside a quoted field. */
              if (self->state == FIELD_QUOTED && !cell_append (self, p, 1, error))
                return FALSE;
              p++;
              continue;
            }
        }

      switch (self->state)
        {
        case FIELD_START:
          self->cell_line = self->line;
          if (c == '"')
            {
              self->state = FIELD_QUOTED;
              p++;
            }
          else
            self->state = FIELD_UNQUOTED;
          break;

        case FIELD_QUOTED:
          for (q = p; q < end && *q != '"' && *q != '\r' && *q != '\n'; q++)
            ;
          if (q > p)
            {
              if (!cell_append (self, p, q - p, error))
                return FALSE;
              p = q;
            }
          else if (c == '"')
            {
              self->state = FIELD_QUOTED_QUOTE;
              p++;
            }
          else
            {
              if (!cell_append (self, p, 1, error))
                return FALSE;
              new_line (self, c);
              p++;
            }
          break;

        case FIELD_QUOTED_QUOTE:
          if (c == '"')
            {
              self->state = FIELD_QUOTED;
              if (!cell_append (self, p, 1, error))
                return FALSE;
              p++;
            }
          else
            {
              /* The quote closed the field. Whatever follows up to the delimiter is kept,
               * as Excel keeps it ("abc"def is abcdef). */
              self->state = FIELD_UNQUOTED;
            }
          break;

        case FIELD_UNQUOTED:
          /* A quote inside an unquoted field is an ordinary character. */
          for (q = p; q < end && *q != delimiter && *q != '\r' && *q != '\n'; q++)
            ;
          if (q > p)
            {
              if (!cell_append (self, p, q - p, error))
                return FALSE;
              p = q;
            }
          else if (c == delimiter)
            {
              if (!end_field (self, error))
                return FALSE;
              if (self->column < G_MAXUINT)
                self->column++;
              self->state = FIELD_START;
              p++;
            }
          else
            {
              if (!end_field (self, error))
                return FALSE;
              end_record (self);
              new_line (self, c);
              p++;
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return TRUE;
}

static gboolean
parse_end (CsvReader  *self,
           GError    **error)
{
  switch (self->state)
    {
    case FIELD_QUOTED:
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED,
                   /* Translators: the file, then the line where the quote opens. */
                   _("“%s” has a quote that is never closed, from line %u"),
                   self->name, self->cell_line);
      return FALSE;

    case FIELD_UNQUOTED:
    case FIELD_QUOTED_QUOTE:
      /* The last record has no line end. */
      if (!end_field (self, error))
        return FALSE;
      end_record (self);
      return TRUE;

    case FIELD_START:
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

/* Reading */

static gboolean
read_chunk (CsvReader  *self,
            guint8     *buffer,
            gsize       size,
            gsize      *n_read,
            gboolean   *eof,
            GError    **error)
{
  double fraction;

  *n_read = fread (buffer, 1, size, self->file);
  if (*n_read < size && ferror (self->file))
    {
      int errsv = errno;

      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_IO,
                   _("Cannot read “%s”: %s"), self->name, g_strerror (errsv));
      return FALSE;
    }
  *eof = *n_read < size;
  self->bytes_read += *n_read;

  fraction = self->ctx->file_size > 0 ? (double) self->bytes_read / self->ctx->file_size : 0.0;
  return _rv_read_context_progress (self->ctx, MIN (fraction, 1.0), error);
}

static char *
sheet_name_for (const char *file_name)
{
  const char *dot = strrchr (file_name, '.');

  /* "proveedores.csv" → "proveedores"; ".csv" has no name before its dot. */
  if (dot == NULL || dot == file_name)
    return g_strdup (file_name);
  return g_strndup (file_name, dot - file_name);
}

/**
 * _rv_csv_read:
 * @ctx: the file and how to report on it
 * @workbook: gets one sheet, named after the file, and the encoding and delimiter
 * @error: a location for a #GError, or %NULL
 *
 * Reads delimited text (RFC 4180 and what Excel makes of it) into one sheet of text cells.
 *
 * Returns: %TRUE on success; %FALSE with @error set and @workbook left without a sheet
 */
gboolean
_rv_csv_read (RvReadContext  *ctx,
              RvWorkbook     *workbook,
              GError        **error)
{
  g_autoptr(CsvReader) self = NULL;
  g_autoptr(GString) text = NULL;
  g_autofree guint8 *head = NULL;
  g_autofree guint8 *buffer = NULL;
  g_autofree char *sheet_name = NULL;
  gsize head_length = 0;
  gsize bom_length = 0;
  gsize consumed = 0;
  gsize carry = 0;
  gsize skip = 0;
  gboolean eof = FALSE;
  gboolean sep_cr = FALSE;
  gsize n_chars = 0;

  g_return_val_if_fail (ctx != NULL && ctx->path != NULL, FALSE);
  g_return_val_if_fail (RV_IS_WORKBOOK (workbook), FALSE);

  self = g_new0 (CsvReader, 1);
  self->ctx = ctx;
  self->conv = (GIConv) -1;
  self->cell = g_string_new (NULL);
  self->ascii_so_far = TRUE;
  self->line = 1;
  self->state = FIELD_START;

  self->name = ctx->display_name;
  if (self->name == NULL)
    self->name = self->owned_name = g_path_get_basename (ctx->path);

  self->file = g_fopen (ctx->path, "rbe");
  if (self->file == NULL)
    {
      int errsv = errno;

      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_IO,
                   _("Cannot read “%s”: %s"), self->name, g_strerror (errsv));
      return FALSE;
    }

  /* The start, in chunks so that progress and cancelling work from the first one. */
  head = g_malloc (SAMPLE_SIZE);
  while (!eof && head_length < SAMPLE_SIZE)
    {
      gsize n = 0;

      if (!read_chunk (self, head + head_length, MIN (CHUNK_SIZE, SAMPLE_SIZE - head_length),
                       &n, &eof, error))
        return FALSE;
      head_length += n;
    }

  if (!detect_encoding (self, head, head_length, &bom_length, error))
    return FALSE;

  text = g_string_sized_new (head_length + head_length / 2);
  if (!decode (self, head + bom_length, head_length - bom_length, eof, text, &consumed, error))
    return FALSE;
  carry = head_length - bom_length - consumed;

  for (gsize i = 0; i < text->len; i++)
    n_chars += ((guint8) text->str[i] & 0xc0) != 0x80;
  if (self->n_invalid >= GARBAGE_MIN && self->n_invalid * 2 > n_chars)
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_ENCODING,
                   _("“%s” is not text in an encoding that can be read"), self->name);
      return FALSE;
    }

  if (parse_sep_line (text->str, text->len, &self->delimiter, &skip, &sep_cr))
    {
      self->line = 2;
      self->after_cr = sep_cr;
    }
  else
    self->delimiter = sniff_delimiter (text->str, text->len, eof);

  sheet_name = sheet_name_for (self->name);
  self->sheet = rv_sheet_new (sheet_name);

  if (!parse (self, text->str + skip, text->len - skip, error))
    return FALSE;

  /* The rest, chunk by chunk, behind what the last chunk left incomplete. */
  buffer = g_malloc (CARRY_MAX + CHUNK_SIZE);
  g_assert (carry <= CARRY_MAX);
  memcpy (buffer, head + head_length - carry, carry);
  g_clear_pointer (&head, g_free);

  while (!eof)
    {
      gsize n = 0;

      if (!read_chunk (self, buffer + carry, CHUNK_SIZE, &n, &eof, error))
        return FALSE;

      g_string_truncate (text, 0);
      if (!decode (self, buffer, carry + n, eof, text, &consumed, error))
        return FALSE;
      carry = carry + n - consumed;
      g_assert (carry <= CARRY_MAX);
      memmove (buffer, buffer + consumed, carry);

      if (!parse (self, text->str, text->len, error))
        return FALSE;
    }

  if (!parse_end (self, error))
    return FALSE;

  rv_workbook_set_encoding (workbook, self->latin1 && self->saw_c1 ? "WINDOWS-1252"
                                                                   : self->encoding);
  rv_workbook_set_delimiter (workbook, self->delimiter);
  rv_workbook_add_sheet (workbook, self->sheet);

  return TRUE;
}
