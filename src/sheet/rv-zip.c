/* rv-zip.c
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

#define G_LOG_DOMAIN "rv-zip"

#include "config.h"

#include "rv-zip.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gsf/gsf-infile-impl.h>
#include <libxml/xmlerror.h>

/*
 * The container side of the XLSX and ODS readers: members of a ZIP archive (libgsf) read as
 * a stream of XML nodes (libxml2's xmlTextReader), or, for the large parts that are worth
 * it (worksheets, shared strings), fed in chunks to libxml2's SAX2 push parser, whose
 * callbacks cost a fraction of what building and walking reader nodes does; a thread then
 * decompresses a few chunks ahead of the parser. Never as a tree.
 *
 * Every byte that comes out of the decompressor is counted here, so that a ZIP bomb is
 * refused whatever the archive claims about itself: one member may not give more than
 * RV_MAX_ENTRY_BYTES, and all members together not more than RV_MAX_COMPRESSION_RATIO
 * times the size of the file (with a floor, since a tiny file may legitimately compress
 * very well). The XML parser never loads a DTD, never substitutes entities and never
 * touches the network, and its own limits stay on (no XML_PARSE_HUGE). A document that
 * declares a DTD is refused as soon as the reader reaches it: no spreadsheet part has one,
 * and whatever the parser has looked at of it by then ("billion laughs" included) is bounded
 * by libxml2's entity checks. The SAX parser stops at the DTD's name, before its internal
 * subset is even read, and has no entity callbacks at all: nothing could be substituted.
 * libxml2's messages never reach stderr: its handlers point here while it works.
 */

/* A small file may still decompress to this much: 100 MiB. */
#define MIN_TOTAL_BYTES  (G_GUINT64_CONSTANT (100) << 20)

/* Cancellation and progress are checked every so many XML nodes. */
#define PROGRESS_NODES   4096

/* What the SAX parser is fed at a time; cancellation and progress are checked between. */
#define SAX_CHUNK_BYTES  (64 * 1024)

/* How many chunks decompression may run ahead of the SAX parser. */
#define SAX_CHUNKS       4

/* libxml2 2.12 made the error of a structured handler const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError RvXmlError;
#else
typedef xmlError RvXmlError;
#endif

typedef enum
{
  FAILURE_NONE,
  FAILURE_TRUNCATED,
  FAILURE_MEMBER_TOO_LARGE,
  FAILURE_TOTAL_TOO_LARGE,
} Failure;

static gsize xml_initialized;

/* The SAX parse under way in this thread: libxml2 hands the DTD callbacks the caller's
 * user data, not ours. */
static GPrivate current_sax;

struct _RvZip
{
  RvReadContext *ctx;
  GsfInfile     *infile;
  guint64        total;        /* bytes decompressed so far, all members together */
  guint64        total_limit;
};

struct _RvZipXml
{
  RvZip            *zip;
  char             *path;
  GsfInput         *input;
  xmlTextReaderPtr  reader;      /* for a node-by-node read, */
  xmlParserCtxtPtr  ctxt;        /* or for a SAX parse, */
  GError           *stop_error;  /* which a callback may end */
  gboolean          has_dtd;
  guint64           size;      /* as the archive declares it */
  guint64           consumed;  /* as actually decompressed */
  Failure           failure;
  int               error_line;
  char             *error_message;
  double            progress_base;
  double            progress_span;
  guint             n_nodes;
};

/*
 * Decompression of a member for the SAX parser, in a thread of its own a few chunks ahead,
 * so that zlib and the parser use two processors. The thread only fills chunks; the limits
 * are counted, and errors raised, as the parser takes each chunk, exactly as without it.
 */
typedef struct
{
  GsfInput *input;
  GThread  *thread;              /* NULL: each chunk is read as the parser asks for it */
  GMutex    lock;
  GCond     cond;
  char     *data[SAX_CHUNKS];
  int       length[SAX_CHUNKS];  /* bytes read: 0 at the end, -1 when libgsf failed */
  guint     first;               /* the chunk the parser takes next */
  guint     n_ready;             /* chunks filled and not given back, from first on */
  gboolean  quit;                /* the parser wants no more */
} Inflater;

static int
name_index (GsfInfile  *dir,
            const char *name)
{
  int n = gsf_infile_num_children (dir);

  for (int i = 0; i < n; i++)
    if (g_strcmp0 (gsf_infile_name_by_index (dir, i), name) == 0)
      return i;

  /* Package part names are case-insensitive (ECMA-376 part 2, 6.2.2.3); writers do vary. */
  for (int i = 0; i < n; i++)
    {
      const char *other = gsf_infile_name_by_index (dir, i);

      if (other != NULL && g_ascii_strcasecmp (other, name) == 0)
        return i;
    }

  return -1;
}

/*
 * gsf_infile_child_by_index() reports a member it cannot open (a damaged local header) with
 * g_warning(), which a damaged file must never cause; the class method hands the error back.
 */
static GsfInput *
open_child (GsfInfile *dir,
            int        index)
{
  g_autoptr(GError) error = NULL;
  GsfInput *child;

  child = GSF_INFILE_CLASS (G_OBJECT_GET_CLASS (dir))->child_by_index (dir, index, &error);
  if (error != NULL)
    {
      g_debug ("%s: %s", gsf_infile_name_by_index (dir, index), error->message);
      g_clear_object (&child);
    }

  return child;
}

/*
 * Finds @path ("xl/worksheets/sheet1.xml") in the archive. Walks the names by hand rather
 * than with gsf_infile_child_by_aname() so that a member that is listed but cannot be
 * opened (a damaged local header) is told apart from one that is not there at all.
 */
static GsfInput *
find_member (RvZip      *zip,
             const char *path,
             gboolean   *listed)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr(GsfInfile) dir = g_object_ref (zip->infile);

  *listed = FALSE;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(GsfInput) child = NULL;
      int index;

      if (parts[i][0] == '\0')
        continue;

      index = name_index (dir, parts[i]);
      if (index < 0)
        return NULL;

      child = open_child (dir, index);
      if (child == NULL)
        {
          *listed = TRUE;
          return NULL;
        }

      if (parts[i + 1] == NULL)
        {
          /* A folder is not a member. */
          if (GSF_IS_INFILE (child) && gsf_infile_num_children (GSF_INFILE (child)) >= 0)
            return NULL;
          *listed = TRUE;
          return g_steal_pointer (&child);
        }

      if (!GSF_IS_INFILE (child))
        return NULL;
      g_set_object (&dir, GSF_INFILE (child));
    }

  return NULL;
}

/* Whether @n more bytes out of the member stay within the limits: the failure says which
 * one they pass, if they do. */
static gboolean
within_limits (RvZipXml *xml,
               guint64   n)
{
  if (xml->consumed + n > RV_MAX_ENTRY_BYTES)
    {
      xml->failure = FAILURE_MEMBER_TOO_LARGE;
      return FALSE;
    }
  if (xml->zip->total + n > xml->zip->total_limit)
    {
      xml->failure = FAILURE_TOTAL_TOO_LARGE;
      return FALSE;
    }

  return TRUE;
}

/*
 * Decompresses the next @length bytes of @input, or what is left of it. Touches nothing but
 * @input, so that it may run in a thread of its own. Returns how many bytes it read: 0 at the
 * end, -1 when libgsf cannot read them.
 */
static int
inflate_chunk (GsfInput *input,
               char     *buffer,
               int       length)
{
  gsf_off_t remaining = gsf_input_remaining (input);
  gsize n;

  if (remaining <= 0 || length <= 0)
    return 0;
  n = MIN ((gsf_off_t) length, remaining);

  /* libgsf may hand back a short inflate without saying so when the compressed data ends
   * early; zeroed bytes then make the parser fail instead of reading stale memory. */
  memset (buffer, 0, n);
  if (gsf_input_read (input, n, (guint8 *) buffer) == NULL)
    return -1;

  return (int) n;
}

/* Pulls decompressed bytes from the member, counting them against the limits. */
static int
read_chunk (RvZipXml *xml,
            char     *buffer,
            int       length)
{
  gsf_off_t remaining;
  int n;

  if (xml->failure != FAILURE_NONE)
    return -1;

  remaining = gsf_input_remaining (xml->input);
  if (remaining <= 0 || length <= 0)
    return 0;
  if (!within_limits (xml, MIN ((gsf_off_t) length, remaining)))
    return -1;

  n = inflate_chunk (xml->input, buffer, length);
  if (n < 0)
    {
      xml->failure = FAILURE_TRUNCATED;
      return -1;
    }

  xml->consumed += n;
  xml->zip->total += n;
  return n;
}

static int
xml_read_cb (void *context,
             char *buffer,
             int   length)
{
  return read_chunk (context, buffer, length);
}

/* Keeps libxml2 quiet: its messages go to the user as one sentence of ours, not to stderr. */
static void
xml_error_cb (void       *user_data,
              RvXmlError *error)
{
  RvZipXml *xml = user_data;

  if (error == NULL || error->level < XML_ERR_ERROR || xml->error_message != NULL)
    return;

  xml->error_line = error->line;
  xml->error_message = g_strchomp (g_strdup (error->message != NULL ? error->message : ""));
}

/* Messages that libxml2 sends without a parser context (encodings, input): dropped, since
 * the structured handler has the ones that matter. */
static void
xml_generic_error_cb (void       *user_data,
                      const char *message,
                      ...)
{
}

/*
 * Errors raised outside the parser context (a failed encoding conversion, say) go to
 * libxml2's per-thread handlers, which print to stderr by default: while this reader works,
 * they come here instead, and the defaults are put back after.
 */
static void
xml_errors_begin (RvZipXml *xml)
{
  xmlSetStructuredErrorFunc (xml, xml_error_cb);
  xmlSetGenericErrorFunc (xml, xml_generic_error_cb);
}

static void
xml_errors_end (void)
{
  xmlSetStructuredErrorFunc (NULL, NULL);
  xmlSetGenericErrorFunc (NULL, NULL);
}

static gboolean
check_size (RvZipXml  *xml,
            guint64    more,
            GError   **error)
{
  RvReadContext *ctx = xml->zip->ctx;

  if (xml->failure == FAILURE_MEMBER_TOO_LARGE || xml->consumed + more > RV_MAX_ENTRY_BYTES)
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
                   /* Translators: the file, then a part inside it ("xl/worksheets/sheet1.xml"). */
                   _("“%s” is too large: part “%s” holds more than 2 GB once decompressed"),
                   ctx->display_name, xml->path);
      return FALSE;
    }

  if (xml->failure == FAILURE_TOTAL_TOO_LARGE || xml->zip->total + more > xml->zip->total_limit)
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
                   _("“%s” is too large once decompressed: it looks like a ZIP bomb"),
                   ctx->display_name);
      return FALSE;
    }

  return TRUE;
}

static void
set_failure_error (RvZipXml  *xml,
                   GError   **error)
{
  RvReadContext *ctx = xml->zip->ctx;

  switch (xml->failure)
    {
    case FAILURE_MEMBER_TOO_LARGE:
    case FAILURE_TOTAL_TOO_LARGE:
      check_size (xml, 0, error);
      break;

    case FAILURE_TRUNCATED:
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TRUNCATED,
                   /* Translators: the file, then a part inside it ("xl/worksheets/sheet1.xml"). */
                   _("“%s” is damaged or truncated: part “%s” cannot be read to the end"),
                   ctx->display_name, xml->path);
      break;

    case FAILURE_NONE:
    default:
      g_debug ("%s: %s: line %d: %s", ctx->display_name, xml->path, xml->error_line,
               xml->error_message != NULL ? xml->error_message : "(no message)");
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED,
                   /* Translators: the file, a part inside it, and a line number. */
                   _("“%s” is damaged: part “%s” is not well-formed XML (line %d)"),
                   ctx->display_name, xml->path, MAX (xml->error_line, 1));
      break;
    }
}

/* No spreadsheet part has a DTD; one that does is at best odd and at worst an entity
 * expansion attack. */
static void
set_dtd_error (RvZipXml  *xml,
               GError   **error)
{
  g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED,
               /* Translators: the file, then a part inside it ("xl/workbook.xml"). */
               _("“%s” is refused: part “%s” declares a document type (DTD)"),
               xml->zip->ctx->display_name, xml->path);
}

/* Why a SAX parse ended early: a callback's own error first, then the parser's. */
static void
set_parse_error (RvZipXml  *xml,
                 GError   **error)
{
  if (xml->stop_error != NULL)
    g_propagate_error (error, g_steal_pointer (&xml->stop_error));
  else
    set_failure_error (xml, error);
}

/*
 * internalSubset and externalSubset: libxml2 calls the first one as soon as it has read the
 * name of the document type, before any declaration in it. The part is then reported as
 * not well-formed, as the reader reported the entity attacks that are the reason to refuse
 * DTDs (libxml2's entity checks stopped it before it reached the DOCTYPE node).
 */
static void
sax_dtd_cb (void          *user_data,
            const xmlChar *name,
            const xmlChar *external_id,
            const xmlChar *system_id)
{
  RvZipXml *xml = g_private_get (&current_sax);

  g_assert (xml != NULL);

  xml->has_dtd = TRUE;
  if (xml->error_message == NULL)
    {
      xml->error_line = xml->ctxt->input != NULL ? xml->ctxt->input->line : 0;
      xml->error_message = g_strdup ("a document type declaration (DTD), refused");
    }
  xmlStopParser (xml->ctxt);
}

static gpointer
inflater_thread (gpointer data)
{
  Inflater *self = data;
  guint next = 0;
  int n;

  do
    {
      g_mutex_lock (&self->lock);
      while (self->n_ready == SAX_CHUNKS && !self->quit)
        g_cond_wait (&self->cond, &self->lock);
      if (self->quit)
        {
          g_mutex_unlock (&self->lock);
          break;
        }
      g_mutex_unlock (&self->lock);

      /* A chunk not yet ready is this thread's alone. */
      n = inflate_chunk (self->input, self->data[next], SAX_CHUNK_BYTES);

      /* The parser only waits when no chunk is ready: a signal costs a system call. */
      g_mutex_lock (&self->lock);
      self->length[next] = n;
      if (self->n_ready++ == 0)
        g_cond_signal (&self->cond);
      g_mutex_unlock (&self->lock);

      next = (next + 1) % SAX_CHUNKS;
    }
  while (n > 0);

  return NULL;
}

/* A member that fits in one chunk has nothing to overlap: it is read without a thread, as
 * it is when no thread can be made. */
static void
inflater_init (Inflater *self,
               GsfInput *input,
               gboolean  threaded)
{
  g_autoptr(GError) error = NULL;

  memset (self, 0, sizeof *self);
  self->input = input;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);

  for (guint i = 0; i < (threaded ? SAX_CHUNKS : 1); i++)
    self->data[i] = g_malloc (SAX_CHUNK_BYTES);

  if (threaded)
    {
      self->thread = g_thread_try_new ("rv-zip-inflate", inflater_thread, self, &error);
      if (self->thread == NULL)
        g_debug ("Decompressing in this thread: %s", error->message);
    }
}

/* The next chunk for the parser, in *data: returns its length, 0 at the end, -1 when
 * libgsf cannot read it. */
static int
inflater_next (Inflater  *self,
               char     **data)
{
  int n;

  if (self->thread == NULL)
    {
      *data = self->data[0];
      return inflate_chunk (self->input, self->data[0], SAX_CHUNK_BYTES);
    }

  g_mutex_lock (&self->lock);
  while (self->n_ready == 0)
    g_cond_wait (&self->cond, &self->lock);
  *data = self->data[self->first];
  n = self->length[self->first];
  g_mutex_unlock (&self->lock);

  return n;
}

/* Gives the chunk back to be filled again, once the parser has taken its copy. */
static void
inflater_release (Inflater *self)
{
  if (self->thread == NULL)
    return;

  /* The thread only waits when every chunk is ready. */
  g_mutex_lock (&self->lock);
  self->first = (self->first + 1) % SAX_CHUNKS;
  if (self->n_ready-- == SAX_CHUNKS)
    g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

static void
inflater_clear (Inflater *self)
{
  if (self->thread != NULL)
    {
      g_mutex_lock (&self->lock);
      self->quit = TRUE;
      g_cond_signal (&self->cond);
      g_mutex_unlock (&self->lock);
      g_thread_join (g_steal_pointer (&self->thread));
    }

  for (guint i = 0; i < SAX_CHUNKS; i++)
    g_clear_pointer (&self->data[i], g_free);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->lock);
}

/* Looks @path up and checks its declared size, for either kind of parse. */
static RvZipXml *
member_open (RvZip       *zip,
             const char  *path,
             GError     **error)
{
  g_autoptr(RvZipXml) xml = NULL;
  GsfInput *input;
  gboolean listed;

  input = find_member (zip, path, &listed);
  if (input == NULL && listed)
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TRUNCATED,
                   _("“%s” is damaged or truncated: part “%s” cannot be read to the end"),
                   zip->ctx->display_name, path);
      return NULL;
    }
  if (input == NULL)
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED,
                   /* Translators: the file, then a part inside it ("xl/workbook.xml"). */
                   _("“%s” is damaged: part “%s” is missing"),
                   zip->ctx->display_name, path);
      return NULL;
    }

  xml = g_new0 (RvZipXml, 1);
  xml->zip = zip;
  xml->path = g_strdup (path);
  xml->input = input;
  xml->size = MAX (gsf_input_size (input), 0);
  xml->progress_span = 1.0;

  if (!check_size (xml, xml->size, error))
    return NULL;

  return g_steal_pointer (&xml);
}

/**
 * _rv_zip_open:
 * @ctx: the read
 * @error: a location for a #GError, or %NULL
 *
 * Opens ctx->path as a ZIP archive.
 *
 * Returns: (transfer full): the archive, or %NULL with %RV_SHEET_ERROR_TRUNCATED when it
 *   cannot be opened (%RV_SHEET_ERROR_IO when the file cannot be read at all)
 */
RvZip *
_rv_zip_open (RvReadContext  *ctx,
              GError        **error)
{
  g_autoptr(GsfInput) input = NULL;
  g_autoptr(GError) local_error = NULL;
  GsfInfile *infile;
  guint64 file_size;
  RvZip *zip;

  g_return_val_if_fail (ctx != NULL, NULL);

  /* libxml2 2.9 wants this once before any parsing, and readers run in worker threads. */
  if (g_once_init_enter (&xml_initialized))
    {
      xmlInitParser ();
      g_once_init_leave (&xml_initialized, 1);
    }

  input = gsf_input_stdio_new (ctx->path, &local_error);
  if (input == NULL)
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_IO,
                   _("Cannot read “%s”: %s"), ctx->display_name, local_error->message);
      return NULL;
    }

  infile = gsf_infile_zip_new (input, &local_error);
  if (infile == NULL)
    {
      g_debug ("%s: %s", ctx->display_name, local_error->message);
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TRUNCATED,
                   _("“%s” is a damaged or truncated archive: it cannot be opened"),
                   ctx->display_name);
      return NULL;
    }

  file_size = ctx->file_size > 0 ? ctx->file_size : (guint64) MAX (gsf_input_size (input), 0);

  zip = g_new0 (RvZip, 1);
  zip->ctx = ctx;
  zip->infile = infile;
  zip->total_limit = MAX (MIN_TOTAL_BYTES, file_size * RV_MAX_COMPRESSION_RATIO);
  return zip;
}

void
_rv_zip_free (RvZip *zip)
{
  if (zip == NULL)
    return;

  g_clear_object (&zip->infile);
  g_free (zip);
}

/**
 * _rv_zip_has_member:
 * @zip: an archive
 * @path: a member ("xl/sharedStrings.xml")
 *
 * Returns: %TRUE if the archive lists @path (damaged or not)
 */
gboolean
_rv_zip_has_member (RvZip      *zip,
                    const char *path)
{
  g_autoptr(GsfInput) member = NULL;
  gboolean listed;

  g_return_val_if_fail (zip != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  member = find_member (zip, path, &listed);
  return listed;
}

/**
 * _rv_zip_read_small:
 * @zip: an archive
 * @path: a member's path
 * @max_bytes: the most to read
 *
 * Reads the start of a short member, such as an OpenDocument `mimetype`.
 *
 * Returns: (transfer full) (nullable): up to @max_bytes of the member as a string, or
 *   %NULL when it is missing or cannot be read
 */
char *
_rv_zip_read_small (RvZip      *zip,
                    const char *path,
                    gsize       max_bytes)
{
  g_autoptr(GsfInput) member = NULL;
  g_autofree char *text = NULL;
  gboolean listed;
  gsf_off_t size;

  g_return_val_if_fail (zip != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  member = find_member (zip, path, &listed);
  if (member == NULL)
    return NULL;

  size = MIN (gsf_input_size (member), (gsf_off_t) max_bytes);
  text = g_malloc0 (MAX (size, 0) + 1);
  if (size > 0 && gsf_input_read (member, size, (guint8 *) text) == NULL)
    return NULL;

  return g_steal_pointer (&text);
}

/**
 * _rv_zip_charge:
 * @zip: an archive
 * @bytes: how many bytes a reader is about to make
 * @error: a location for a #GError, or %NULL
 *
 * Counts bytes that a reader makes out of little input against the same budget as the
 * decompressed ones: the copies of an ODS row repeated many times, the copies of a long
 * shared string that many XLSX cells point to. Without this, a few kilobytes of XML could
 * still ask for gigabytes of cells.
 *
 * Returns: %FALSE with %RV_SHEET_ERROR_TOO_LARGE when the budget is spent
 */
gboolean
_rv_zip_charge (RvZip    *zip,
                guint64   bytes,
                GError  **error)
{
  g_return_val_if_fail (zip != NULL, FALSE);

  if (bytes > zip->total_limit - MIN (zip->total, zip->total_limit))
    {
      zip->total = zip->total_limit;
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
                   _("“%s” is too large once decompressed: it looks like a ZIP bomb"),
                   zip->ctx->display_name);
      return FALSE;
    }

  zip->total += bytes;
  return TRUE;
}

/**
 * _rv_zip_xml_open:
 * @zip: an archive
 * @path: the member to parse ("xl/workbook.xml")
 * @error: a location for a #GError, or %NULL
 *
 * Starts reading a member as XML. Its declared size is checked against the limits first,
 * so that a ZIP bomb that tells the truth about itself is refused before any work.
 *
 * Returns: (transfer full): the reader, or %NULL with %RV_SHEET_ERROR_MALFORMED (missing),
 *   %RV_SHEET_ERROR_TRUNCATED (cannot be opened) or %RV_SHEET_ERROR_TOO_LARGE
 */
RvZipXml *
_rv_zip_xml_open (RvZip       *zip,
                  const char  *path,
                  GError     **error)
{
  g_autoptr(RvZipXml) xml = NULL;

  g_return_val_if_fail (zip != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  xml = member_open (zip, path, error);
  if (xml == NULL)
    return NULL;

  /* No XML_PARSE_NOENT, XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR or XML_PARSE_HUGE: entities are
   * never substituted, no DTD is loaded and libxml2's own size limits stay on. */
  xml_errors_begin (xml);
  xml->reader = xmlReaderForIO (xml_read_cb, NULL, xml, path, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
  xml_errors_end ();
  if (xml->reader == NULL)
    {
      set_failure_error (xml, error);
      return NULL;
    }
  xmlTextReaderSetStructuredErrorHandler (xml->reader, xml_error_cb, xml);

  return g_steal_pointer (&xml);
}

void
_rv_zip_xml_free (RvZipXml *xml)
{
  if (xml == NULL)
    return;

  xml_errors_begin (xml);
  g_clear_pointer (&xml->reader, xmlFreeTextReader);
  g_clear_pointer (&xml->ctxt, xmlFreeParserCtxt);
  xml_errors_end ();
  g_clear_error (&xml->stop_error);
  g_clear_object (&xml->input);
  g_free (xml->error_message);
  g_free (xml->path);
  g_free (xml);
}

/**
 * _rv_zip_xml_set_progress:
 * @xml: a reader
 * @base: the fraction of the whole read done before this member
 * @span: the share of the whole read this member takes
 *
 * While the member is read, progress is reported as @base + @span × the share of the
 * member read so far.
 */
void
_rv_zip_xml_set_progress (RvZipXml *xml,
                          double    base,
                          double    span)
{
  g_return_if_fail (xml != NULL);

  xml->progress_base = base;
  xml->progress_span = span;
}

/**
 * _rv_zip_xml_get_fraction:
 * @xml: a reader
 *
 * Returns: the share of the member decompressed so far, 0 to 1
 */
double
_rv_zip_xml_get_fraction (RvZipXml *xml)
{
  g_return_val_if_fail (xml != NULL, 0.0);

  if (xml->size == 0)
    return 1.0;
  return MIN (1.0, (double) xml->consumed / (double) xml->size);
}

/**
 * _rv_zip_xml_read:
 * @xml: a reader
 * @error: a location for a #GError, or %NULL
 *
 * Moves to the next node (see xmlTextReaderRead()), reporting progress and checking for
 * cancellation now and then.
 *
 * Returns: 1 on a node, 0 at the end, -1 with @error set: %RV_SHEET_ERROR_MALFORMED,
 *   %RV_SHEET_ERROR_TRUNCATED, %RV_SHEET_ERROR_TOO_LARGE or %G_IO_ERROR_CANCELLED
 */
int
_rv_zip_xml_read (RvZipXml  *xml,
                  GError   **error)
{
  int ret;

  g_return_val_if_fail (xml != NULL, -1);
  g_return_val_if_fail (xml->reader != NULL, -1);

  xml_errors_begin (xml);
  ret = xmlTextReaderRead (xml->reader);
  xml_errors_end ();

  if (ret < 0 || xml->failure != FAILURE_NONE)
    {
      set_failure_error (xml, error);
      return -1;
    }

  if (ret == 1 && xmlTextReaderNodeType (xml->reader) == XML_READER_TYPE_DOCUMENT_TYPE)
    {
      set_dtd_error (xml, error);
      return -1;
    }

  if (ret == 1 && ++xml->n_nodes % PROGRESS_NODES == 0)
    {
      double fraction = xml->progress_base + xml->progress_span * _rv_zip_xml_get_fraction (xml);

      if (!_rv_read_context_progress (xml->zip->ctx, fraction, error))
        return -1;
    }

  return ret;
}

xmlTextReaderPtr
_rv_zip_xml_get_reader (RvZipXml *xml)
{
  g_return_val_if_fail (xml != NULL, NULL);

  return xml->reader;
}

/**
 * _rv_zip_xml_is_element:
 * @xml: a reader
 * @ns: (nullable): the namespace URI, or %NULL for any
 * @name: the local name
 *
 * Returns: %TRUE if the current node is an element (start or end) called @name in @ns
 */
gboolean
_rv_zip_xml_is_element (RvZipXml   *xml,
                        const char *ns,
                        const char *name)
{
  const char *local;

  g_return_val_if_fail (xml != NULL, FALSE);

  local = (const char *) xmlTextReaderConstLocalName (xml->reader);
  if (local == NULL || strcmp (local, name) != 0)
    return FALSE;

  return ns == NULL || g_strcmp0 ((const char *) xmlTextReaderConstNamespaceUri (xml->reader), ns) == 0;
}

/**
 * _rv_zip_xml_get_attribute:
 * @xml: a reader, on an element
 * @ns: (nullable): the attribute's namespace URI, or %NULL for an attribute without one
 * @name: the attribute's local name
 * @value: where its value is copied
 *
 * Returns: %TRUE if the element has the attribute
 */
gboolean
_rv_zip_xml_get_attribute (RvZipXml   *xml,
                           const char *ns,
                           const char *name,
                           GString    *value)
{
  xmlTextReaderPtr reader;
  gboolean found = FALSE;

  g_return_val_if_fail (xml != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  reader = xml->reader;
  if (xmlTextReaderMoveToFirstAttribute (reader) != 1)
    return FALSE;

  do
    {
      const char *local = (const char *) xmlTextReaderConstLocalName (reader);
      const char *uri = (const char *) xmlTextReaderConstNamespaceUri (reader);

      if (g_strcmp0 (local, name) == 0 && g_strcmp0 (uri, ns) == 0)
        {
          const char *text = (const char *) xmlTextReaderConstValue (reader);

          g_string_assign (value, text != NULL ? text : "");
          found = TRUE;
          break;
        }
    }
  while (xmlTextReaderMoveToNextAttribute (reader) == 1);

  xmlTextReaderMoveToElement (reader);
  return found;
}

/**
 * _rv_zip_xml_open_sax:
 * @zip: an archive
 * @path: the member to parse ("xl/worksheets/sheet1.xml")
 * @sax: the callbacks (libxml2's SAX2: startElementNs, endElementNs, characters…)
 * @user_data: what the callbacks get
 * @error: a location for a #GError, or %NULL
 *
 * Prepares a member for _rv_zip_xml_parse(), with the checks of _rv_zip_xml_open(). Element
 * and attribute names reach the callbacks interned in the parser's dictionary: compare them
 * with pointers from _rv_zip_xml_intern(). The entity and DTD callbacks of @sax are
 * ignored: a document with a DTD is refused, and no entity is ever substituted.
 *
 * Returns: (transfer full): the parse, or %NULL with the errors of _rv_zip_xml_open()
 */
RvZipXml *
_rv_zip_xml_open_sax (RvZip                *zip,
                      const char           *path,
                      const xmlSAXHandler  *sax,
                      gpointer              user_data,
                      GError              **error)
{
  g_autoptr(RvZipXml) xml = NULL;
  xmlSAXHandler *own;

  g_return_val_if_fail (zip != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (sax != NULL && sax->initialized == XML_SAX2_MAGIC, NULL);
  g_return_val_if_fail (user_data != NULL, NULL);

  xml = member_open (zip, path, error);
  if (xml == NULL)
    return NULL;

  xml_errors_begin (xml);
  /* libxml2 copies the callbacks into the context: @sax itself is never written. */
  xml->ctxt = xmlCreatePushParserCtxt ((xmlSAXHandler *) sax, user_data, NULL, 0, path);
  xml_errors_end ();
  if (xml->ctxt == NULL)
    {
      set_failure_error (xml, error);
      return NULL;
    }

  /* The same options as the reader's, minus those only a tree uses: no entity substitution,
   * no DTD loading, no network, libxml2's size limits on; CDATA arrives as characters. */
  xmlCtxtUseOptions (xml->ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA);

  /* The context has its own copy of the callbacks: whatever the caller passed, no entity
   * is ever looked up or declared, a DTD stops the parse, and errors go to the handler
   * that _rv_zip_xml_parse() installs, never to stderr. */
  own = xml->ctxt->sax;
  own->internalSubset = sax_dtd_cb;
  own->externalSubset = sax_dtd_cb;
  own->getEntity = NULL;
  own->getParameterEntity = NULL;
  own->entityDecl = NULL;
  own->unparsedEntityDecl = NULL;
  own->resolveEntity = NULL;
  own->reference = NULL;
  own->warning = NULL;
  own->error = NULL;
  own->fatalError = NULL;
  own->serror = NULL;

  return g_steal_pointer (&xml);
}

/**
 * _rv_zip_xml_parse:
 * @xml: a parse from _rv_zip_xml_open_sax()
 * @error: a location for a #GError, or %NULL
 *
 * Feeds the whole member to the SAX callbacks, in chunks, reporting progress and checking
 * for cancellation between chunks.
 *
 * Returns: %TRUE at the end of a well-formed document; %FALSE with the error a callback
 *   passed to _rv_zip_xml_stop(), or with %RV_SHEET_ERROR_MALFORMED,
 *   %RV_SHEET_ERROR_TRUNCATED, %RV_SHEET_ERROR_TOO_LARGE or %G_IO_ERROR_CANCELLED
 */
gboolean
_rv_zip_xml_parse (RvZipXml  *xml,
                   GError   **error)
{
  Inflater inflater;
  gboolean ok = TRUE;
  int n;

  g_return_val_if_fail (xml != NULL, FALSE);
  g_return_val_if_fail (xml->ctxt != NULL, FALSE);

  inflater_init (&inflater, xml->input, xml->size > SAX_CHUNK_BYTES);

  /* Once for the whole parse: libxml2's handlers are per thread, and setting them costs a
   * look-up of the thread's globals. */
  g_private_set (&current_sax, xml);
  xml_errors_begin (xml);

  do
    {
      double fraction = xml->progress_base + xml->progress_span * _rv_zip_xml_get_fraction (xml);
      char *data;
      int status;

      if (!_rv_read_context_progress (xml->zip->ctx, fraction, error))
        {
          ok = FALSE;
          break;
        }

      n = inflater_next (&inflater, &data);
      if (n < 0)
        xml->failure = FAILURE_TRUNCATED;
      else if (within_limits (xml, n))
        {
          xml->consumed += n;
          xml->zip->total += n;
        }
      if (xml->failure != FAILURE_NONE)
        {
          set_failure_error (xml, error);
          ok = FALSE;
          break;
        }

      /* An empty chunk ends the document: what is still open is an error then. Namespace
       * errors (an undeclared prefix) are not fatal, as for the reader. */
      status = xmlParseChunk (xml->ctxt, data, n, n == 0);
      inflater_release (&inflater);
      if (status != XML_ERR_OK || !xml->ctxt->wellFormed || xml->stop_error != NULL ||
          xml->has_dtd)
        {
          set_parse_error (xml, error);
          ok = FALSE;
          break;
        }
    }
  while (n > 0);

  xml_errors_end ();
  g_private_set (&current_sax, NULL);
  inflater_clear (&inflater);

  return ok;
}

/**
 * _rv_zip_xml_stop:
 * @xml: a parse under way
 * @error: (transfer full): why
 *
 * Called from a SAX callback: stops the parse, which then fails with @error. Only the first
 * error counts.
 */
void
_rv_zip_xml_stop (RvZipXml *xml,
                  GError   *error)
{
  g_return_if_fail (xml != NULL);
  g_return_if_fail (xml->ctxt != NULL);
  g_return_if_fail (error != NULL);

  if (xml->stop_error == NULL)
    xml->stop_error = error;
  else
    g_error_free (error);

  xmlStopParser (xml->ctxt);
}

/**
 * _rv_zip_xml_intern:
 * @xml: a parse from _rv_zip_xml_open_sax()
 * @name: an element's or attribute's local name, or a namespace URI
 *
 * Returns: (transfer none): @name as the parser's dictionary holds it, the pointer that
 *   the callbacks get for that name
 */
const xmlChar *
_rv_zip_xml_intern (RvZipXml   *xml,
                    const char *name)
{
  g_return_val_if_fail (xml != NULL, NULL);
  g_return_val_if_fail (xml->ctxt != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return xmlDictLookup (xml->ctxt->dict, (const xmlChar *) name, -1);
}
