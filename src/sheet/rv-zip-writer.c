/* rv-zip-writer.c
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

#define G_LOG_DOMAIN "rv-zip-writer"

#include "config.h"

#include "rv-zip-writer.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <zlib.h>

/*
 * A ZIP archive written front to back to a stream that need not seek (APPNOTE.TXT 6.3):
 * stored members whose sizes are known up front, and deflated members streamed through
 * zlib, whose CRC and sizes follow their data in a data descriptor (flag bit 3) and are
 * repeated in the central directory at the end. Names are UTF-8 (flag bit 11).
 *
 * There is no ZIP64: the archive, each member and the count of members stay within the
 * 32- and 16-bit fields, and anything larger is refused with an error rather than written
 * as a file that readers would take for damaged.
 *
 * Output goes through one buffer, so that the stream sees a few large writes however small
 * the pieces handed in: deflate writes straight into it.
 */

#define BUFFER_SIZE  (64 * 1024)

#define LOCAL_HEADER_SIGNATURE      0x04034b50
#define DATA_DESCRIPTOR_SIGNATURE   0x08074b50
#define CENTRAL_HEADER_SIGNATURE    0x02014b50
#define END_OF_CENTRAL_SIGNATURE    0x06054b50

#define LOCAL_HEADER_SIZE     30
#define CENTRAL_HEADER_SIZE   46
#define END_OF_CENTRAL_SIZE   22

#define FLAG_DATA_DESCRIPTOR  (1 << 3)
#define FLAG_UTF8             (1 << 11)

#define METHOD_STORED    0
#define METHOD_DEFLATED  8

/* 2.0: deflate and folders. Made by Unix (3), so that the external attributes are a mode. */
#define VERSION_NEEDED   20
#define VERSION_MADE_BY  ((3 << 8) | 20)

/* -rw-r--r--, a regular file. */
#define EXTERNAL_ATTRIBUTES  ((guint32) 0100644 << 16)

typedef struct
{
  char    *name;
  guint32  crc;
  guint64  compressed;
  guint64  uncompressed;
  guint64  offset;        /* of the local header */
  guint16  method;
  guint16  flags;
} Entry;

struct _RvZipWriter
{
  GOutputStream *stream;
  GCancellable  *cancellable;
  guint8        *buffer;
  gsize          length;       /* bytes waiting in buffer */
  guint64        offset;       /* bytes of the archive so far, written or waiting */
  GArray        *entries;      /* Entry */
  guint16        dos_time;
  guint16        dos_date;
  z_stream       zs;
  gboolean       zs_ready;     /* zs was initialised (and needs deflateEnd) */
  Entry         *current;      /* the deflated member being written, or NULL */
  guint64        max_bytes;
  guint          max_members;
  gboolean       failed;       /* an error was reported: nothing more may be written */
  gboolean       finished;
};

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_free (entry->name);
}

static void
set_too_large (RvZipWriter  *self,
               GError      **error)
{
  self->failed = TRUE;
  /* The reason alone, after "Cannot write “%s”: ", like the plan's limits. */
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("it would be larger than an ODS file can be (4 GB); "
                         "export to CSV instead"));
}

/* Hands what the buffer holds to the stream. */
static gboolean
flush_buffer (RvZipWriter  *self,
              GError      **error)
{
  if (self->length == 0)
    return TRUE;

  /* Not every stream looks at the cancellable (a memory stream does not). */
  if (g_cancellable_set_error_if_cancelled (self->cancellable, error) ||
      !g_output_stream_write_all (self->stream, self->buffer, self->length, NULL,
                                  self->cancellable, error))
    {
      self->failed = TRUE;
      return FALSE;
    }

  self->length = 0;
  return TRUE;
}

/* Counts @n more bytes of archive, refusing to pass the size that 32-bit offsets reach. */
static gboolean
grow (RvZipWriter  *self,
      guint64       n,
      GError      **error)
{
  if (self->offset + n > self->max_bytes)
    {
      set_too_large (self, error);
      return FALSE;
    }

  self->offset += n;
  return TRUE;
}

static gboolean
append (RvZipWriter  *self,
        const void   *data,
        gsize         length,
        GError      **error)
{
  const guint8 *bytes = data;

  if (!grow (self, length, error))
    return FALSE;

  while (length > 0)
    {
      gsize n = MIN (length, BUFFER_SIZE - self->length);

      memcpy (self->buffer + self->length, bytes, n);
      self->length += n;
      bytes += n;
      length -= n;

      if (self->length == BUFFER_SIZE && !flush_buffer (self, error))
        return FALSE;
    }

  return TRUE;
}

static inline void
put16 (guint8  **p,
       guint16   value)
{
  (*p)[0] = value & 0xff;
  (*p)[1] = value >> 8;
  *p += 2;
}

static inline void
put32 (guint8  **p,
       guint32   value)
{
  (*p)[0] = value & 0xff;
  (*p)[1] = (value >> 8) & 0xff;
  (*p)[2] = (value >> 16) & 0xff;
  (*p)[3] = value >> 24;
  *p += 4;
}

/* Starts a member: its entry and its local header. */
static Entry *
add_entry (RvZipWriter  *self,
           const char   *name,
           guint16       method,
           guint16       flags,
           guint32       crc,
           guint64       size,
           GError      **error)
{
  guint8 header[LOCAL_HEADER_SIZE];
  guint8 *p = header;
  gsize name_length = strlen (name);
  Entry entry = { 0 };

  g_assert (name_length > 0 && name_length <= G_MAXUINT16);

  if (self->entries->len >= self->max_members)
    {
      set_too_large (self, error);
      return NULL;
    }

  put32 (&p, LOCAL_HEADER_SIGNATURE);
  put16 (&p, VERSION_NEEDED);
  put16 (&p, flags);
  put16 (&p, method);
  put16 (&p, self->dos_time);
  put16 (&p, self->dos_date);
  /* With a data descriptor, the CRC and sizes are zero here and follow the data. */
  put32 (&p, crc);
  put32 (&p, size);
  put32 (&p, size);
  put16 (&p, name_length);
  put16 (&p, 0);   /* no extra field */

  entry.name = g_strdup (name);
  entry.crc = crc;
  entry.compressed = size;
  entry.uncompressed = size;
  entry.offset = self->offset;
  entry.method = method;
  entry.flags = flags;
  g_array_append_val (self->entries, entry);

  if (!append (self, header, sizeof header, error) || !append (self, name, name_length, error))
    return NULL;

  return &g_array_index (self->entries, Entry, self->entries->len - 1);
}

/* Runs deflate over what it was given, with @flush, straight into the output buffer. */
static gboolean
deflate_into_buffer (RvZipWriter  *self,
                     int           flush,
                     GError      **error)
{
  for (;;)
    {
      gsize before = self->length;
      gsize produced;
      int ret;

      self->zs.next_out = self->buffer + self->length;
      self->zs.avail_out = BUFFER_SIZE - self->length;
      ret = deflate (&self->zs, flush);
      g_assert (ret != Z_STREAM_ERROR);

      self->length = BUFFER_SIZE - self->zs.avail_out;
      produced = self->length - before;
      self->current->compressed += produced;
      if (!grow (self, produced, error))
        return FALSE;

      if (self->length == BUFFER_SIZE)
        {
          if (!flush_buffer (self, error))
            return FALSE;
          continue;
        }

      /* Output room is left: deflate took all the input it wanted, and for Z_FINISH,
       * Z_STREAM_END says that it wrote everything. */
      if (flush == Z_FINISH ? ret == Z_STREAM_END : self->zs.avail_in == 0)
        return TRUE;
    }
}

/**
 * _rv_zip_writer_new:
 * @stream: where the archive goes, from its first byte
 * @cancellable: (nullable): for the writes to @stream
 *
 * Returns: (transfer full): a writer of an empty archive; members are added in order
 */
RvZipWriter *
_rv_zip_writer_new (GOutputStream *stream,
                    GCancellable  *cancellable)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  RvZipWriter *self;
  int year;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  self = g_new0 (RvZipWriter, 1);
  self->stream = g_object_ref (stream);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  self->buffer = g_malloc (BUFFER_SIZE);
  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->entries, entry_clear);
  self->max_bytes = RV_ZIP_WRITER_MAX_BYTES;
  self->max_members = RV_ZIP_WRITER_MAX_MEMBERS;

  /* MS-DOS time has two-second steps and starts in 1980. */
  year = CLAMP (g_date_time_get_year (now), 1980, 2107);
  self->dos_date = ((year - 1980) << 9) | (g_date_time_get_month (now) << 5) |
                   g_date_time_get_day_of_month (now);
  self->dos_time = (g_date_time_get_hour (now) << 11) | (g_date_time_get_minute (now) << 5) |
                   (g_date_time_get_second (now) / 2);

  return self;
}

void
_rv_zip_writer_free (RvZipWriter *self)
{
  if (self == NULL)
    return;

  if (self->zs_ready)
    deflateEnd (&self->zs);
  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->buffer, g_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->stream);
  g_free (self);
}

/*
 * Lowers the limits, so that the tests can reach them without writing 4 GiB.
 */
void
_rv_zip_writer_set_limits (RvZipWriter *self,
                           guint64      max_bytes,
                           guint        max_members)
{
  g_return_if_fail (self != NULL);

  self->max_bytes = MIN (max_bytes, RV_ZIP_WRITER_MAX_BYTES);
  self->max_members = MIN (max_members, RV_ZIP_WRITER_MAX_MEMBERS);
}

/**
 * _rv_zip_writer_add_stored:
 * @self: a writer, between members
 * @name: the member's path in the archive, UTF-8, '/' between folders
 * @data: (array length=length): its content
 * @length: the length of @data
 * @error: return location for a #GError
 *
 * Adds a member as it is, without compression and without an extra field, its CRC and
 * sizes in the local header: how an ODF package's `mimetype` must be, first in the archive.
 *
 * Returns: %TRUE on success
 */
gboolean
_rv_zip_writer_add_stored (RvZipWriter  *self,
                           const char   *name,
                           const void   *data,
                           gsize         length,
                           GError      **error)
{
  guint32 crc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL && name[0] != '\0', FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (self->current == NULL, FALSE);
  g_return_val_if_fail (!self->failed && !self->finished, FALSE);

  if (length > self->max_bytes)
    {
      set_too_large (self, error);
      return FALSE;
    }

  crc = crc32 (0, Z_NULL, 0);
  if (length > 0)
    crc = crc32_z (crc, data, length);

  if (add_entry (self, name, METHOD_STORED, FLAG_UTF8, crc, length, error) == NULL)
    return FALSE;

  return append (self, data, length, error);
}

/**
 * _rv_zip_writer_begin:
 * @self: a writer, between members
 * @name: the member's path in the archive, UTF-8, '/' between folders
 * @level: the deflate level, 1 (fastest) to 9 (smallest), or Z_DEFAULT_COMPRESSION
 * @error: return location for a #GError
 *
 * Starts a deflated member, whose content follows in _rv_zip_writer_write() and ends with
 * _rv_zip_writer_end().
 *
 * Returns: %TRUE on success
 */
gboolean
_rv_zip_writer_begin (RvZipWriter  *self,
                      const char   *name,
                      int           level,
                      GError      **error)
{
  int ret;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL && name[0] != '\0', FALSE);
  g_return_val_if_fail (self->current == NULL, FALSE);
  g_return_val_if_fail (!self->failed && !self->finished, FALSE);

  if (!self->zs_ready)
    {
      /* Raw deflate (negative window bits): ZIP has its own header and CRC. */
      ret = deflateInit2 (&self->zs, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
      if (ret == Z_MEM_ERROR)
        g_error ("%s: out of memory", G_STRLOC);
      g_return_val_if_fail (ret == Z_OK, FALSE);
      self->zs_ready = TRUE;
    }
  else
    {
      deflateReset (&self->zs);
      ret = deflateParams (&self->zs, level, Z_DEFAULT_STRATEGY);
      g_return_val_if_fail (ret == Z_OK, FALSE);
    }

  self->current = add_entry (self, name, METHOD_DEFLATED, FLAG_DATA_DESCRIPTOR | FLAG_UTF8,
                             crc32 (0, Z_NULL, 0), 0, error);
  if (self->current == NULL)
    return FALSE;

  /* The local header says 0 for the sizes; the descriptor and the directory count them. */
  self->current->compressed = 0;
  self->current->uncompressed = 0;

  return TRUE;
}

/**
 * _rv_zip_writer_write:
 * @self: a writer inside a deflated member
 * @data: (array length=length): more of the member's content
 * @length: the length of @data
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
_rv_zip_writer_write (RvZipWriter  *self,
                      const void   *data,
                      gsize         length,
                      GError      **error)
{
  const guint8 *bytes = data;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (self->current != NULL, FALSE);
  g_return_val_if_fail (!self->failed, FALSE);

  if (self->current->uncompressed + length > self->max_bytes)
    {
      set_too_large (self, error);
      return FALSE;
    }

  self->current->crc = crc32_z (self->current->crc, bytes, length);
  self->current->uncompressed += length;

  /* avail_in is a uInt: large pieces go in several turns. */
  while (length > 0)
    {
      uInt n = MIN (length, G_MAXUINT32);

      self->zs.next_in = (Bytef *) bytes;
      self->zs.avail_in = n;
      if (!deflate_into_buffer (self, Z_NO_FLUSH, error))
        return FALSE;

      bytes += n;
      length -= n;
    }

  return TRUE;
}

/**
 * _rv_zip_writer_end:
 * @self: a writer inside a deflated member
 * @error: return location for a #GError
 *
 * Ends the deflated member: the rest of its compressed data and its data descriptor.
 *
 * Returns: %TRUE on success
 */
gboolean
_rv_zip_writer_end (RvZipWriter  *self,
                    GError      **error)
{
  guint8 descriptor[16];
  guint8 *p = descriptor;
  Entry *entry;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->current != NULL, FALSE);
  g_return_val_if_fail (!self->failed, FALSE);

  self->zs.next_in = NULL;
  self->zs.avail_in = 0;
  if (!deflate_into_buffer (self, Z_FINISH, error))
    return FALSE;

  entry = self->current;
  self->current = NULL;

  /* The archive's own limit covers the compressed size; this one the uncompressed. */
  g_assert (entry->compressed <= G_MAXUINT32 && entry->uncompressed <= G_MAXUINT32);

  put32 (&p, DATA_DESCRIPTOR_SIGNATURE);
  put32 (&p, entry->crc);
  put32 (&p, entry->compressed);
  put32 (&p, entry->uncompressed);

  return append (self, descriptor, sizeof descriptor, error);
}

/**
 * _rv_zip_writer_finish:
 * @self: a writer, between members
 * @error: return location for a #GError
 *
 * Writes the central directory and the end record, and flushes everything to the stream,
 * which is left open.
 *
 * Returns: %TRUE on success
 */
gboolean
_rv_zip_writer_finish (RvZipWriter  *self,
                       GError      **error)
{
  guint64 directory_offset;
  guint8 end[END_OF_CENTRAL_SIZE];
  guint8 *p = end;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->current == NULL, FALSE);
  g_return_val_if_fail (!self->failed && !self->finished, FALSE);

  directory_offset = self->offset;

  for (guint i = 0; i < self->entries->len; i++)
    {
      const Entry *entry = &g_array_index (self->entries, Entry, i);
      guint8 header[CENTRAL_HEADER_SIZE];
      gsize name_length = strlen (entry->name);

      p = header;
      put32 (&p, CENTRAL_HEADER_SIGNATURE);
      put16 (&p, VERSION_MADE_BY);
      put16 (&p, VERSION_NEEDED);
      put16 (&p, entry->flags);
      put16 (&p, entry->method);
      put16 (&p, self->dos_time);
      put16 (&p, self->dos_date);
      put32 (&p, entry->crc);
      put32 (&p, entry->compressed);
      put32 (&p, entry->uncompressed);
      put16 (&p, name_length);
      put16 (&p, 0);   /* extra field */
      put16 (&p, 0);   /* comment */
      put16 (&p, 0);   /* disk */
      put16 (&p, 0);   /* internal attributes */
      put32 (&p, EXTERNAL_ATTRIBUTES);
      put32 (&p, entry->offset);

      if (!append (self, header, sizeof header, error) ||
          !append (self, entry->name, name_length, error))
        return FALSE;
    }

  p = end;
  put32 (&p, END_OF_CENTRAL_SIGNATURE);
  put16 (&p, 0);   /* this disk */
  put16 (&p, 0);   /* the disk of the directory */
  put16 (&p, self->entries->len);
  put16 (&p, self->entries->len);
  put32 (&p, self->offset - directory_offset);
  put32 (&p, directory_offset);
  put16 (&p, 0);   /* comment */

  if (!append (self, end, sizeof end, error) || !flush_buffer (self, error))
    return FALSE;

  self->finished = TRUE;
  return TRUE;
}
