/* test-zip-writer.c
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

#define G_LOG_DOMAIN "test-zip-writer"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <zlib.h>

#include "rv-test-sheet.h"
#include "rv-zip-writer.h"
#include "rv-zip.h"

/*
 * The ZIP writer: archives of stored and deflated members, small, empty and large, read
 * back byte for byte by Info-ZIP's unzip and by our own reader (libgsf), and taken apart
 * here field by field to see that the headers, the data descriptors and the central
 * directory say what APPNOTE.TXT wants; then the limits, cancellation and a failing stream.
 */

#define MIMETYPE "application/vnd.oasis.opendocument.spreadsheet"

typedef struct
{
  char *dir;
} Fixture;

/* A member as the test wrote it. */
typedef struct
{
  const char *name;
  GBytes     *data;
  gboolean    stored;
} Member;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = rv_test_make_dir ("test-zip-writer");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  rv_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static GBytes *
random_bytes (gsize   length,
              guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (length);

  for (gsize i = 0; i < length; i++)
    data[i] = g_rand_int (rand) & 0xff;

  return g_bytes_new_take (data, length);
}

/* Text that deflate shrinks a lot, with a little variety so that it is not all one run. */
static GBytes *
repetitive_bytes (gsize length)
{
  GString *text = g_string_sized_new (length + 64);

  for (guint i = 0; text->len < length; i++)
    g_string_append_printf (text, "<table:table-cell office:value-type=\"float\" "
                            "office:value=\"%u\"><text:p>%u</text:p></table:table-cell>\n",
                            i % 1000, i % 1000);
  g_string_truncate (text, length);

  return g_string_free_to_bytes (text);
}

static guint16
get16 (const guint8 *p)
{
  return p[0] | (p[1] << 8);
}

static guint32
get32 (const guint8 *p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32) p[3] << 24);
}

static guint32
crc32_of (const guint8 *data,
          gsize         length)
{
  return crc32_z (crc32 (0, Z_NULL, 0), data, length);
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

/* Writes @members to @path, the deflated ones handed over in pieces of @piece bytes. */
static void
write_archive (const char   *path,
               const Member *members,
               guint         n_members,
               gsize         piece)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(RvZipWriter) zip = NULL;
  g_autoptr(GError) error = NULL;

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  zip = _rv_zip_writer_new (G_OUTPUT_STREAM (stream), NULL);

  for (guint i = 0; i < n_members; i++)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (members[i].data, &length);

      if (members[i].stored)
        {
          g_assert_true (_rv_zip_writer_add_stored (zip, members[i].name, data, length, &error));
          g_assert_no_error (error);
          continue;
        }

      g_assert_true (_rv_zip_writer_begin (zip, members[i].name, 1, &error));
      g_assert_no_error (error);
      for (gsize offset = 0; offset < length; offset += piece)
        {
          g_assert_true (_rv_zip_writer_write (zip, data + offset, MIN (piece, length - offset),
                                               &error));
          g_assert_no_error (error);
        }
      g_assert_true (_rv_zip_writer_end (zip, &error));
      g_assert_no_error (error);
    }

  g_assert_true (_rv_zip_writer_finish (zip, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error));
  g_assert_no_error (error);
}

/* Runs @argv, expecting it to succeed; returns what it wrote to stdout. */
static GBytes *
run (const char * const *argv)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) err = NULL;
  GBytes *out = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_test_message ("%s: %.*s", argv[0], (int) g_bytes_get_size (err),
                    (const char *) g_bytes_get_data (err, NULL));
  g_assert_true (g_subprocess_get_successful (process));
  return out;
}

/*
 * Takes the archive apart as APPNOTE.TXT describes it: the end record, each central header,
 * the local header it points to, the data, and the data descriptor after a deflated member.
 */
static void
check_structure (GBytes       *archive,
                 const Member *members,
                 guint         n_members)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (archive, &size);
  const guint8 *end;
  guint32 directory_offset, directory_size;
  const guint8 *p;

  g_assert_cmpuint (size, >=, 22);
  end = data + size - 22;
  g_assert_cmphex (get32 (end), ==, 0x06054b50);
  g_assert_cmpuint (get16 (end + 8), ==, n_members);
  g_assert_cmpuint (get16 (end + 10), ==, n_members);
  directory_size = get32 (end + 12);
  directory_offset = get32 (end + 16);
  g_assert_cmpuint (get16 (end + 20), ==, 0);
  g_assert_cmpuint ((guint64) directory_offset + directory_size, ==, size - 22);

  p = data + directory_offset;
  for (guint i = 0; i < n_members; i++)
    {
      gsize length;
      const guint8 *content = g_bytes_get_data (members[i].data, &length);
      guint16 name_length = get16 (p + 28);
      guint32 crc = get32 (p + 16);
      guint32 compressed = get32 (p + 20);
      guint32 offset = get32 (p + 42);
      const guint8 *local = data + offset;
      const guint8 *after;

      g_test_message ("member %s", members[i].name);
      g_assert_cmphex (get32 (p), ==, 0x02014b50);
      g_assert_cmpuint (get16 (p + 10), ==, members[i].stored ? 0 : 8);
      g_assert_cmphex (get16 (p + 8) & 0x0800, ==, 0x0800);
      g_assert_cmphex (crc, ==, crc32_of (content, length));
      g_assert_cmpuint (get32 (p + 24), ==, length);
      g_assert_cmpuint (get16 (p + 30), ==, 0);   /* extra field */
      g_assert_cmpuint (name_length, ==, strlen (members[i].name));
      g_assert_cmpmem (p + 46, name_length, members[i].name, strlen (members[i].name));

      /* The local header: the same name, and no extra field. */
      g_assert_cmphex (get32 (local), ==, 0x04034b50);
      g_assert_cmpuint (get16 (local + 8), ==, members[i].stored ? 0 : 8);
      g_assert_cmpuint (get16 (local + 26), ==, name_length);
      g_assert_cmpuint (get16 (local + 28), ==, 0);
      g_assert_cmpmem (local + 30, name_length, members[i].name, name_length);
      after = local + 30 + name_length + compressed;

      if (members[i].stored)
        {
          /* Sizes and CRC up front, no descriptor. */
          g_assert_cmphex (get16 (local + 6) & 0x0008, ==, 0);
          g_assert_cmphex (get32 (local + 14), ==, crc);
          g_assert_cmpuint (get32 (local + 18), ==, length);
          g_assert_cmpuint (get32 (local + 22), ==, length);
          g_assert_cmpuint (compressed, ==, length);
          g_assert_cmpmem (local + 30 + name_length, length, content, length);
        }
      else
        {
          /* Zeros up front, the real values in a signed descriptor after the data. */
          g_assert_cmphex (get16 (local + 6) & 0x0008, ==, 0x0008);
          g_assert_cmphex (get32 (local + 14), ==, 0);
          g_assert_cmpuint (get32 (local + 18), ==, 0);
          g_assert_cmpuint (get32 (local + 22), ==, 0);
          g_assert_cmphex (get32 (after), ==, 0x08074b50);
          g_assert_cmphex (get32 (after + 4), ==, crc);
          g_assert_cmpuint (get32 (after + 8), ==, compressed);
          g_assert_cmpuint (get32 (after + 12), ==, length);
          after += 16;
        }

      /* Members follow each other, and the directory follows the last one. */
      if (i + 1 < n_members)
        g_assert_cmpuint (after - data, ==, get32 (p + 46 + name_length + 42));
      else
        g_assert_cmpuint (after - data, ==, directory_offset);

      p += 46 + name_length;
    }

  g_assert_cmpuint (p - data, ==, directory_offset + directory_size);
}

/* Every member through unzip -p and through our reader, byte for byte; unzip -t happy. */
static void
check_read_back (const char   *path,
                 const Member *members,
                 guint         n_members)
{
  const char *test_argv[] = { "unzip", "-t", path, NULL };
  g_autoptr(GBytes) tested = run (test_argv);
  g_autofree char *report = g_strndup (g_bytes_get_data (tested, NULL), g_bytes_get_size (tested));
  g_autoptr(RvZip) zip = NULL;
  g_autoptr(GError) error = NULL;
  RvTestReading reading;

  g_assert_nonnull (strstr (report, "No errors detected"));

  rv_test_reading_init (&reading, path);
  zip = _rv_zip_open (&reading.ctx, &error);
  g_assert_no_error (error);
  g_assert_nonnull (zip);

  for (guint i = 0; i < n_members; i++)
    {
      const char *argv[] = { "unzip", "-p", path, members[i].name, NULL };
      g_autoptr(GBytes) unzipped = NULL;
      g_autofree char *ours = NULL;
      gsize length;
      const char *expected = g_bytes_get_data (members[i].data, &length);

      g_test_message ("member %s", members[i].name);
      unzipped = run (argv);
      g_assert_true (g_bytes_equal (unzipped, members[i].data));

      /* One byte more than there is: what comes back past the end is the terminator. */
      g_assert_true (_rv_zip_has_member (zip, members[i].name));
      ours = _rv_zip_read_small (zip, members[i].name, length + 1);
      g_assert_nonnull (ours);
      g_assert_cmpmem (ours, length, expected, length);
      g_assert_cmpint (ours[length], ==, 0);
    }

  g_assert_false (_rv_zip_has_member (zip, "not-there"));
  g_clear_pointer (&zip, _rv_zip_free);
  rv_test_reading_clear (&reading);
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "round-trip.zip", NULL);
  g_autoptr(GBytes) mimetype = g_bytes_new_static (MIMETYPE, strlen (MIMETYPE));
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) small = g_bytes_new_static ("<a>ñandú &amp; 20131312955</a>\n", 33);
  g_autoptr(GBytes) random = random_bytes (3 * 1024 * 1024 + 7, 42);
  g_autoptr(GBytes) repetitive = repetitive_bytes (6 * 1024 * 1024 + 13);
  g_autoptr(GBytes) random_stored = random_bytes (200 * 1024 + 1, 7);
  g_autoptr(GBytes) archive = NULL;
  const Member members[] = {
    { "mimetype", mimetype, TRUE },
    { "empty-deflated", empty, FALSE },
    { "empty-stored", empty, TRUE },
    { "content.xml", small, FALSE },
    { "random.bin", random, FALSE },
    { "Carpeta/año ñandú.xml", repetitive, FALSE },
    { "random-stored.bin", random_stored, TRUE },
    { "META-INF/manifest.xml", small, FALSE },
  };
  gsize size;
  const guint8 *bytes;

  /* Pieces of odd sizes, smaller and larger than the writer's buffer. */
  write_archive (path, members, G_N_ELEMENTS (members), 65537);
  archive = read_file (path);
  bytes = g_bytes_get_data (archive, &size);

  /* mimetype first, stored, its name at offset 30 and its content right after. */
  g_assert_cmpuint (size, >, 38 + strlen (MIMETYPE));
  g_assert_cmpmem (bytes + 30, 8, "mimetype", 8);
  g_assert_cmpmem (bytes + 38, strlen (MIMETYPE), MIMETYPE, strlen (MIMETYPE));

  /* The repetitive member did shrink, the random one did not grow much. */
  g_assert_cmpuint (size, <, 3 * 1024 * 1024 + 250 * 1024 + 1024 * 1024);

  check_structure (archive, members, G_N_ELEMENTS (members));
  check_read_back (path, members, G_N_ELEMENTS (members));
}

/* The same content, a byte at a time and all at once, gives the same archive. */
static void
test_pieces (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path1 = g_build_filename (fixture->dir, "bytes.zip", NULL);
  g_autofree char *path2 = g_build_filename (fixture->dir, "whole.zip", NULL);
  g_autoptr(GBytes) repetitive = repetitive_bytes (200 * 1024);
  g_autoptr(GBytes) archive1 = NULL;
  g_autoptr(GBytes) archive2 = NULL;
  const Member members[] = {
    { "a.xml", repetitive, FALSE },
    { "b.xml", repetitive, FALSE },
  };

  write_archive (path1, members, G_N_ELEMENTS (members), 1);
  write_archive (path2, members, G_N_ELEMENTS (members), G_MAXSIZE);
  archive1 = read_file (path1);
  archive2 = read_file (path2);

  check_structure (archive1, members, G_N_ELEMENTS (members));
  check_read_back (path1, members, G_N_ELEMENTS (members));
  check_structure (archive2, members, G_N_ELEMENTS (members));
  g_assert_true (g_bytes_equal (archive1, archive2));
}

/* An archive without members is an end record alone. */
static void
test_empty_archive (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "empty.zip", NULL);
  g_autoptr(GBytes) archive = NULL;
  const guint8 expected[22] = { 0x50, 0x4b, 0x05, 0x06 };

  write_archive (path, NULL, 0, 1);
  archive = read_file (path);
  g_assert_cmpmem (g_bytes_get_data (archive, NULL), g_bytes_get_size (archive),
                   expected, sizeof expected);
}

/* A writer into memory, or into nothing. */
static RvZipWriter *
new_writer (GOutputStream **stream,
            GCancellable   *cancellable)
{
  *stream = g_memory_output_stream_new_resizable ();
  return _rv_zip_writer_new (*stream, cancellable);
}

static void
check_too_large (GError *error)
{
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_cmpstr (error->message, ==,
                   "it would be larger than an ODS file can be (4 GB); export to CSV instead");
}

/* Past 4 GiB (here, past a lower limit) a member or the archive is refused. */
static void
test_too_large (void)
{
  g_autoptr(GBytes) zeros = g_bytes_new_take (g_malloc0 (1024 * 1024), 1024 * 1024);
  g_autoptr(GBytes) random = random_bytes (1024 * 1024, 1);

  /* Uncompressed: a member of zeros compresses to little, but is too large once read. */
  {
    g_autoptr(GOutputStream) stream = NULL;
    g_autoptr(RvZipWriter) zip = new_writer (&stream, NULL);
    g_autoptr(GError) error = NULL;

    _rv_zip_writer_set_limits (zip, 3 * 1024 * 1024, 100);
    g_assert_true (_rv_zip_writer_begin (zip, "zeros", 1, &error));
    for (guint i = 0; i < 3; i++)
      {
        g_assert_true (_rv_zip_writer_write (zip, g_bytes_get_data (zeros, NULL),
                                             g_bytes_get_size (zeros), &error));
        g_assert_no_error (error);
      }
    g_assert_false (_rv_zip_writer_write (zip, "x", 1, &error));
    check_too_large (error);
  }

  /* The archive: random data grows it by as much as it holds. */
  {
    g_autoptr(GOutputStream) stream = NULL;
    g_autoptr(RvZipWriter) zip = new_writer (&stream, NULL);
    g_autoptr(GError) error = NULL;
    gboolean ok = TRUE;

    _rv_zip_writer_set_limits (zip, 3 * 1024 * 1024, 100);
    g_assert_true (_rv_zip_writer_begin (zip, "random", 1, &error));
    for (guint i = 0; i < 4 && ok; i++)
      ok = _rv_zip_writer_write (zip, g_bytes_get_data (random, NULL),
                                 g_bytes_get_size (random), &error);
    if (ok)
      ok = _rv_zip_writer_end (zip, &error);
    g_assert_false (ok);
    check_too_large (error);
  }

  /* Stored, and the central directory that would pass the limit. */
  {
    g_autoptr(GOutputStream) stream = NULL;
    g_autoptr(RvZipWriter) zip = new_writer (&stream, NULL);
    g_autoptr(GError) error = NULL;

    _rv_zip_writer_set_limits (zip, 2 * 1024 * 1024 + 100, 100);
    g_assert_true (_rv_zip_writer_add_stored (zip, "a", g_bytes_get_data (random, NULL),
                                              g_bytes_get_size (random), &error));
    g_assert_true (_rv_zip_writer_add_stored (zip, "b", g_bytes_get_data (random, NULL),
                                              g_bytes_get_size (random), &error));
    g_assert_no_error (error);
    g_assert_false (_rv_zip_writer_finish (zip, &error));
    check_too_large (error);
  }
}

/* 65,535 members are the most; one more is refused. Without a lowered limit. */
static void
test_too_many_members (void)
{
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(RvZipWriter) zip = new_writer (&stream, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) archive = NULL;
  const guint8 *end;
  gsize size;

  for (guint i = 0; i < 65535; i++)
    {
      char name[16];

      g_snprintf (name, sizeof name, "%u", i);
      if (!_rv_zip_writer_add_stored (zip, name, "", 0, &error))
        break;
    }
  g_assert_no_error (error);

  g_assert_false (_rv_zip_writer_begin (zip, "one-more", 1, &error));
  check_too_large (error);
  g_clear_error (&error);

  /* A writer with 65,535 members finishes, and says so. */
  g_clear_pointer (&zip, _rv_zip_writer_free);
  g_clear_object (&stream);
  zip = new_writer (&stream, NULL);
  for (guint i = 0; i < 65535; i++)
    {
      char name[16];

      g_snprintf (name, sizeof name, "%u", i);
      g_assert_true (_rv_zip_writer_add_stored (zip, name, "", 0, NULL));
    }
  g_assert_true (_rv_zip_writer_finish (zip, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (stream, NULL, &error));
  archive = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));
  end = (const guint8 *) g_bytes_get_data (archive, &size) + size - 22;
  g_assert_cmpuint (get16 (end + 10), ==, 65535);
}

/* A member past 4 GiB for real, into /dev/null: slow, so only with -m slow. */
static void
test_too_large_for_real (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/dev/null");
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(RvZipWriter) zip = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 64 * 1024 * 1024;
  g_autofree guint8 *zeros = g_malloc0 (length);
  guint64 written = 0;

  stream = g_file_append_to (file, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  zip = _rv_zip_writer_new (G_OUTPUT_STREAM (stream), NULL);
  g_assert_true (_rv_zip_writer_begin (zip, "zeros", 1, &error));
  while (_rv_zip_writer_write (zip, zeros, length, &error))
    written += length;

  check_too_large (error);
  g_assert_cmpuint (written, <=, G_MAXUINT32);
  g_assert_cmpuint (written + length, >, G_MAXUINT32);
}

/* A cancelled cancellable stops the writes to the stream. */
static void
test_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(RvZipWriter) zip = new_writer (&stream, cancellable);
  g_autoptr(GBytes) random = random_bytes (256 * 1024, 3);
  g_autoptr(GError) error = NULL;

  g_assert_true (_rv_zip_writer_begin (zip, "random", 1, &error));
  g_assert_true (_rv_zip_writer_write (zip, g_bytes_get_data (random, NULL), 1000, &error));
  g_cancellable_cancel (cancellable);
  g_assert_false (_rv_zip_writer_write (zip, g_bytes_get_data (random, NULL),
                                        g_bytes_get_size (random), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The stream's own error comes back as it is. */
static void
test_stream_error (void)
{
  g_autofree guint8 *memory = g_malloc (100 * 1024);
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new (memory, 100 * 1024, NULL, NULL);
  g_autoptr(RvZipWriter) zip = _rv_zip_writer_new (stream, NULL);
  g_autoptr(GBytes) random = random_bytes (256 * 1024, 4);
  g_autoptr(GError) error = NULL;

  g_assert_false (_rv_zip_writer_add_stored (zip, "random", g_bytes_get_data (random, NULL),
                                             g_bytes_get_size (random), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/zip-writer/round-trip", test_round_trip);
  ADD ("/zip-writer/pieces", test_pieces);
  ADD ("/zip-writer/empty-archive", test_empty_archive);
  g_test_add_func ("/zip-writer/too-large", test_too_large);
  /* Writes 4 GiB: only with -m slow, so that a normal run neither takes it nor counts it. */
  if (g_test_slow ())
    g_test_add_func ("/zip-writer/too-large-for-real", test_too_large_for_real);
  g_test_add_func ("/zip-writer/too-many-members", test_too_many_members);
  g_test_add_func ("/zip-writer/cancel", test_cancel);
  g_test_add_func ("/zip-writer/stream-error", test_stream_error);

#undef ADD

  return g_test_run ();
}
