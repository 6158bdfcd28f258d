/* rv-xls-reader.c
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

#define G_LOG_DOMAIN "rv-xls-reader"

/* memfd_create() */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "config.h"

#include "rv-sheet-reader-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <freexl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

/*
 * Legacy Excel workbooks (BIFF5 and BIFF8 inside an OLE2 compound file), read with FreeXL.
 *
 * FreeXL gives numbers, texts, dates and times (as "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" and
 * "HH:MM:SS", the 1904 date system already applied), but it skips formula cells altogether
 * and gives booleans and error constants as the numbers 1 and 0. A RUC column made by a
 * formula (=TEXTO(A2;"0"), a BUSCARV) would come out empty. So the reader walks the records
 * of the workbook stream itself first, and picks up what FreeXL leaves out: the cached
 * result of each formula (FORMULA, then STRING for a text result) and the boolean and error
 * constants (BOOLERR). What is still lost: whether a formula's number is formatted as a
 * date (it comes out as a number).
 *
 * FreeXL 1.0.6 (Debian 12) trusts the file too much. It reads past its buffers on a
 * directory entry whose name is longer than the entry, on FORMAT and LABEL records whose
 * text is longer than the record, on shared strings split oddly across CONTINUE records,
 * and past its XF table after 8,192 XF records. It allocates whatever each DIMENSION
 * record says and fails on a cell outside it; for a sheet without one, it allocates the
 * cells of another sheet again, losing them (and leaking); it fails on a worksheet that
 * holds a chart (it takes the chart's EOF for the sheet's), and leaks the text of a cell
 * written twice. So FreeXL never sees the user's file. The reader walks it first
 * (scan_workbook()): a record FreeXL would read past makes the file damaged, and it notes
 * where each sheet's records are and how far its cells reach, which the limits bound. Then
 * FreeXL reads a copy of the workbook stream that it reads right (write_stream_copy()):
 * the globals, then each sheet with one true DIMENSION record, without charts, without the
 * cell records FreeXL would misread or write twice, in a plain compound file the reader
 * writes in memory (memfd_create()), so that FreeXL's own compound-file code only meets a
 * sound one. The user's compound file is read by the few functions below (MS-CFB), which
 * trust nothing either, and not by libgsf, which meets some damage with g_warning() or
 * g_critical() (fatal under G_DEBUG=fatal-warnings).
 *
 * The same directory tells what an OLE2 file is when it holds no workbook: a Word
 * document, or an Office 2007+ file encrypted with a password (its ZIP package sits in an
 * "EncryptedPackage" stream). An encrypted BIFF workbook has a FILEPASS record.
 */

/* How often the caller hears about progress (and may cancel). */
#define PROGRESS_ROWS 1000

/* Below this, the cells of a workbook may take any memory; above it, at most
 * RV_MAX_COMPRESSION_RATIO times the file's size (shared strings repeat a text). */
#define MEMORY_FLOOR (G_GUINT64_CONSTANT (64) << 20)

/* BIFF record types (MS-XLS 2.3). */
#define BIFF_FORMULA     0x0006
#define BIFF_EOF         0x000a
#define BIFF_FILEPASS    0x002f
#define BIFF_CONTINUE    0x003c
#define BIFF_CODEPAGE    0x0042
#define BIFF_BOUNDSHEET  0x0085
#define BIFF_MULRK       0x00bd
#define BIFF_XF          0x00e0
#define BIFF_SST         0x00fc
#define BIFF_LABELSST    0x00fd
#define BIFF_DIMENSION   0x0200
#define BIFF_NUMBER      0x0203
#define BIFF_LABEL       0x0204
#define BIFF_BOOLERR     0x0205
#define BIFF_STRING      0x0207
#define BIFF_RK          0x027e
#define BIFF_FORMAT      0x041e
#define BIFF_BOF         0x0809

#define BIFF_MAX_RECORD  0xffff
/* FreeXL's record buffer: a longer record ends its reading, as the end of the stream. */
#define FREEXL_MAX_RECORD  8224
/* FreeXL's XF table; more XF records and it reads past it. */
#define FREEXL_MAX_XF      8192
/* More shared strings and FreeXL gives up. */
#define FREEXL_MAX_SST     (1024 * 1024)
/* Columns of BIFF5 and BIFF8 sheets (IV is the last). */
#define BIFF_MAX_COLUMNS   256

/* Compound files (MS-CFB 2.1, 2.6). */
#define CFB_END_OF_CHAIN     0xfffffffe
#define CFB_FREE             0xffffffff
#define CFB_FAT_SECTOR       0xfffffffd
#define CFB_DIFAT_SECTOR     0xfffffffc
#define CFB_MAX_SECTOR       0xfffffffa
#define CFB_NO_STREAM        0xffffffff
#define CFB_ENTRY_SIZE       128
#define CFB_MINI_SIZE        64
#define CFB_STREAM           2
#define CFB_ROOT             5
/* Real directories take a few sectors; a damaged one is not followed past this. */
#define CFB_MAX_DIRECTORY    (16 << 20)

typedef struct
{
  int       fd;
  guint64   file_size;
  guint     sector_size;    /* 512 or 4096 */
  guint32   n_sectors;      /* after the header */
  guint32  *fat;            /* the next sector of each sector */
  guint32   n_fat;
  guint32  *minifat;        /* the next block of each block of the mini stream */
  guint32   n_minifat;
  guint32   mini_cutoff;    /* streams below this size live in the mini stream */
  guint8   *directory;      /* entries of CFB_ENTRY_SIZE bytes, the root first */
  guint32   n_entries;
  guint32  *mini_blocks;    /* the sectors of the mini stream */
  guint32   n_mini_blocks;
} Cfb;

/* One stream of a compound file, read in order. */
typedef struct
{
  int       fd;             /* the Cfb's */
  guint64  *blocks;         /* the file offset of each block, in stream order */
  guint32   n_blocks;
  guint     block_size;
  guint64   size;
  guint64   position;
  guint8   *cache;          /* block number `cached`, or none if -1 */
  gint64    cached;
} CfbStream;

/* A cell FreeXL does not give as it is. 16 bytes: a sheet may have millions. */
typedef struct
{
  guint16  row;
  guint16  column;
  guint32  seq;      /* order in the stream: for the same cell, the last record wins */
  guint32  text;     /* offset in Reader.texts */
  guint8   kind;     /* RvCellKind */
  guint8   formula;
} Extra;

G_STATIC_ASSERT (sizeof (Extra) == 16);

/* A sheet's records in the workbook stream, from its BOF to its EOF. */
typedef struct
{
  guint64  start;
  guint64  end;
  guint    n_rows;         /* that its cells take */
  guint    n_columns;
} Substream;

/* A sheet as the workbook globals list it (BOUNDSHEET), FreeXL's sheet of the same number. */
typedef struct
{
  char    *name;           /* UTF-8 */
  guint32  offset;         /* of its BOF record in the workbook stream */
  gint     substream;      /* its records (in Reader.substreams), or -1 */
  GArray  *extras;         /* Extra */
  guint    next_compact;   /* extras->len at which to drop repeated cells */
} BiffSheet;

/* Where the walk is in the shared string table (SST and its CONTINUE records), read the
 * way FreeXL reads it. */
typedef struct
{
  gboolean seen;
  guint32  left;           /* strings still to come */
  guint32  pending_chars;  /* of a string cut at the end of the last record */
  guint64  pending_extra;  /* formatting runs and phonetic data after those characters */
  guint64  skip;           /* bytes of the last string at the start of the next record */
} SstState;

typedef struct
{
  RvReadContext  *ctx;
  Cfb            *cfb;
  CfbStream      *stream;        /* "Workbook" (BIFF8) or "Book" (BIFF5) */
  guint8         *record;        /* BIFF_MAX_RECORD bytes */
  gboolean        biff8;
  guint           codepage;
  GPtrArray      *biff_sheets;   /* BiffSheet, in BOUNDSHEET order */
  GByteArray     *texts;         /* the texts of the extras, nul-terminated */
  guint32         true_text;     /* offsets in texts */
  guint32         false_text;
  guint32         seq;
  guint64         n_extras;      /* in all sheets, after the last compaction of each */
  GArray         *substreams;    /* Substream */
  guint64         globals_end;   /* where the first sheet's records may start */
  guint64         stream_end;    /* after the last record FreeXL would read */
  GArray         *boundsheet_offsets;  /* guint64: where the copy's BOUNDSHEETs point */
  const void     *xls;           /* FreeXL handle */
  int             copy_fd;       /* FreeXL's copy of the workbook */
  char           *copy_path;
  gboolean        copy_unlinked;
  BiffSheet     **matched;       /* per FreeXL sheet: its BiffSheet, or NULL */
  guint           n_sheets;
  guint64         total_rows;
} Reader;

/* Writes the copy of the workbook stream FreeXL reads, through a buffer. */
typedef struct
{
  int      fd;
  guint8   buffer[65536];
  gsize    length;
  guint64  position;   /* in the stream */
  gboolean failed;
} CopyWriter;

static const struct {
  guint8      code;
  const char *text;
} biff_errors[] = {
  { 0x00, "#NULL!" },
  { 0x07, "#DIV/0!" },
  { 0x0f, "#VALUE!" },
  { 0x17, "#REF!" },
  { 0x1d, "#NAME?" },
  { 0x24, "#NUM!" },
  { 0x2a, "#N/A" },
};

/* Little-endian fields, read byte by byte (records are not aligned). */
static inline guint16
le16 (const guint8 *p)
{
  return p[0] | p[1] << 8;
}

static inline guint32
le32 (const guint8 *p)
{
  return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
}

static double
le_double (const guint8 *p)
{
  guint64 bits = le32 (p) | (guint64) le32 (p + 4) << 32;
  double value;

  memcpy (&value, &bits, sizeof value);
  return value;
}

static inline void
put_le16 (guint8  *p,
          guint16  value)
{
  p[0] = value & 0xff;
  p[1] = value >> 8;
}

static inline void
put_le32 (guint8  *p,
          guint32  value)
{
  p[0] = value & 0xff;
  p[1] = (value >> 8) & 0xff;
  p[2] = (value >> 16) & 0xff;
  p[3] = value >> 24;
}

static void
cfb_free (Cfb *cfb)
{
  if (cfb->fd >= 0)
    close (cfb->fd);
  g_free (cfb->fat);
  g_free (cfb->minifat);
  g_free (cfb->directory);
  g_free (cfb->mini_blocks);
  g_free (cfb);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Cfb, cfb_free)

static void
cfb_stream_free (CfbStream *stream)
{
  g_free (stream->blocks);
  g_free (stream->cache);
  g_free (stream);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfbStream, cfb_stream_free)

/* Reads @length bytes at @offset; what lies past the end of the file reads as zeros (some
 * writers leave the last sector short). */
static gboolean
cfb_pread (Cfb     *cfb,
           guint64  offset,
           guint8  *buffer,
           gsize    length)
{
  gsize done = 0;

  while (done < length)
    {
      gssize n = pread (cfb->fd, buffer + done, length - done, offset + done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      if (n == 0)
        break;
      done += n;
    }

  memset (buffer + done, 0, length - done);
  return TRUE;
}

static guint64
cfb_sector_offset (Cfb     *cfb,
                   guint32  sector)
{
  return ((guint64) sector + 1) * cfb->sector_size;
}

/* The sectors of the chain that starts at @start, at most @max of them; NULL if the chain
 * leaves the file or loops. */
static guint32 *
cfb_chain (Cfb     *cfb,
           guint32  start,
           guint32  max,
           guint32 *n_sectors)
{
  g_autofree guint32 *chain = NULL;
  guint32 sector = start;
  guint32 n = 0;

  *n_sectors = 0;
  chain = g_new (guint32, MAX (MIN (max, cfb->n_sectors), 1));

  while (sector != CFB_END_OF_CHAIN && n < max)
    {
      /* A chain longer than the file has sectors goes round in circles. */
      if (sector >= cfb->n_sectors || sector >= cfb->n_fat || n >= cfb->n_sectors)
        return NULL;
      chain[n++] = sector;
      sector = cfb->fat[sector];
    }

  *n_sectors = n;
  return g_steal_pointer (&chain);
}

/* Reads the header, the FAT (through the DIFAT), the directory and the mini FAT. NULL if
 * the file is not a sound compound file; with @errsv set if it could not be read at all. */
static Cfb *
cfb_open (const char *path,
          int        *errsv)
{
  g_autoptr(Cfb) cfb = g_new0 (Cfb, 1);
  g_autofree guint32 *fat_sectors = NULL;
  g_autofree guint32 *chain = NULL;
  g_autofree guint8 *sector_buffer = NULL;
  guint8 header[512];
  guint32 n_fat_sectors;
  guint32 n_found = 0;
  guint32 difat;
  guint32 per_sector;
  guint32 n_chain;
  guint shift;
  struct stat st;

  *errsv = 0;
  cfb->fd = open (path, O_RDONLY | O_CLOEXEC);
  if (cfb->fd < 0 || fstat (cfb->fd, &st) != 0)
    {
      *errsv = errno;
      return NULL;
    }
  if (st.st_size < (off_t) sizeof header)
    return NULL;
  cfb->file_size = st.st_size;

  if (!cfb_pread (cfb, 0, header, sizeof header) ||
      memcmp (header, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) != 0)
    return NULL;

  shift = le16 (header + 0x1e);
  if ((shift != 9 && shift != 12) || le16 (header + 0x20) != 6)
    return NULL;
  cfb->sector_size = 1u << shift;
  cfb->n_sectors = MIN ((cfb->file_size + cfb->sector_size - 1) / cfb->sector_size - 1,
                        (guint64) CFB_MAX_SECTOR);
  cfb->mini_cutoff = le32 (header + 0x38);
  per_sector = cfb->sector_size / 4;
  sector_buffer = g_malloc (cfb->sector_size);

  /* The FAT's own sectors: 109 in the header, the rest in the DIFAT chain. */
  n_fat_sectors = le32 (header + 0x2c);
  if (n_fat_sectors == 0 || n_fat_sectors > cfb->n_sectors)
    return NULL;
  /* Entries past the file's last sector would point nowhere: not read. */
  n_fat_sectors = MIN (n_fat_sectors, cfb->n_sectors / per_sector + 1);
  fat_sectors = g_new (guint32, n_fat_sectors);
  for (guint i = 0; i < 109 && n_found < n_fat_sectors; i++)
    fat_sectors[n_found++] = le32 (header + 0x4c + 4 * i);

  difat = le32 (header + 0x44);
  for (guint32 hops = 0; n_found < n_fat_sectors; hops++)
    {
      if (difat >= cfb->n_sectors || hops >= cfb->n_sectors ||
          !cfb_pread (cfb, cfb_sector_offset (cfb, difat), sector_buffer, cfb->sector_size))
        return NULL;
      for (guint i = 0; i + 1 < per_sector && n_found < n_fat_sectors; i++)
        fat_sectors[n_found++] = le32 (sector_buffer + 4 * i);
      difat = le32 (sector_buffer + cfb->sector_size - 4);
    }

  cfb->n_fat = n_fat_sectors * per_sector;
  cfb->fat = g_new (guint32, cfb->n_fat);
  for (guint32 i = 0; i < n_fat_sectors; i++)
    {
      if (fat_sectors[i] >= cfb->n_sectors ||
          !cfb_pread (cfb, cfb_sector_offset (cfb, fat_sectors[i]), sector_buffer,
                      cfb->sector_size))
        return NULL;
      for (guint j = 0; j < per_sector; j++)
        cfb->fat[i * per_sector + j] = le32 (sector_buffer + 4 * j);
    }

  /* The directory: entries of 128 bytes, the root first. */
  chain = cfb_chain (cfb, le32 (header + 0x30), CFB_MAX_DIRECTORY / cfb->sector_size, &n_chain);
  if (chain == NULL || n_chain == 0)
    return NULL;
  cfb->n_entries = n_chain * (cfb->sector_size / CFB_ENTRY_SIZE);
  cfb->directory = g_malloc ((gsize) n_chain * cfb->sector_size);
  for (guint32 i = 0; i < n_chain; i++)
    if (!cfb_pread (cfb, cfb_sector_offset (cfb, chain[i]),
                    cfb->directory + (gsize) i * cfb->sector_size, cfb->sector_size))
      return NULL;
  g_clear_pointer (&chain, g_free);

  /* The mini FAT, and where the mini stream (the root entry's stream) lies: small streams
   * live there, in blocks of 64 bytes. A file without them is fine until one is needed. */
  chain = cfb_chain (cfb, le32 (header + 0x3c), le32 (header + 0x40), &n_chain);
  if (chain != NULL && n_chain > 0)
    {
      cfb->n_minifat = n_chain * per_sector;
      cfb->minifat = g_new (guint32, cfb->n_minifat);
      for (guint32 i = 0; i < n_chain; i++)
        {
          if (!cfb_pread (cfb, cfb_sector_offset (cfb, chain[i]), sector_buffer, cfb->sector_size))
            return NULL;
          for (guint j = 0; j < per_sector; j++)
            cfb->minifat[i * per_sector + j] = le32 (sector_buffer + 4 * j);
        }
    }
  g_clear_pointer (&chain, g_free);

  if (cfb->directory[0x42] == CFB_ROOT)
    cfb->mini_blocks = cfb_chain (cfb, le32 (cfb->directory + 0x74), G_MAXUINT32,
                                  &cfb->n_mini_blocks);

  return g_steal_pointer (&cfb);
}

/* Whether directory entry @id is named @name (ASCII, any case, as the format compares). */
static gboolean
cfb_entry_is (Cfb        *cfb,
              guint32     id,
              const char *name)
{
  const guint8 *entry = cfb->directory + (gsize) id * CFB_ENTRY_SIZE;
  guint n_units = le16 (entry + 0x40) / 2;
  gsize length = strlen (name);

  /* The length counts the terminating nul. */
  if (n_units == 0 || n_units > 32 || n_units - 1 != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (le16 (entry + 2 * i) != (guint8) g_ascii_tolower (name[i]) &&
        le16 (entry + 2 * i) != (guint8) g_ascii_toupper (name[i]))
      return FALSE;
  return TRUE;
}

/* The stream named @name among the root's children, or CFB_NO_STREAM. The children form a
 * tree (left, right, and a child for storages), walked here without trusting it to be one. */
static guint32
cfb_find (Cfb        *cfb,
          const char *name)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree guint8 *seen = g_malloc0 (cfb->n_entries / 8 + 1);
  guint32 id = le32 (cfb->directory + 0x4c);

  g_array_append_val (stack, id);
  while (stack->len > 0)
    {
      const guint8 *entry;

      id = g_array_index (stack, guint32, stack->len - 1);
      g_array_set_size (stack, stack->len - 1);
      if (id >= cfb->n_entries || (seen[id / 8] & (1 << id % 8)) != 0)
        continue;
      seen[id / 8] |= 1 << id % 8;

      entry = cfb->directory + (gsize) id * CFB_ENTRY_SIZE;
      if (entry[0x42] == CFB_STREAM && cfb_entry_is (cfb, id, name))
        return id;

      id = le32 (entry + 0x44);
      g_array_append_val (stack, id);
      id = le32 (entry + 0x48);
      g_array_append_val (stack, id);
    }

  return CFB_NO_STREAM;
}

/* Opens directory entry @id's stream for reading in order. A chain shorter than the size
 * says ends the stream early; NULL if it cannot be followed at all. */
static CfbStream *
cfb_stream_open (Cfb     *cfb,
                 guint32  id)
{
  const guint8 *entry = cfb->directory + (gsize) id * CFB_ENTRY_SIZE;
  g_autoptr(CfbStream) stream = g_new0 (CfbStream, 1);
  guint32 start = le32 (entry + 0x74);
  guint64 size = le32 (entry + 0x78);
  g_autofree guint32 *chain = NULL;
  guint32 n_chain = 0;

  /* Version 3 files leave the high half of the size undefined. */
  if (cfb->sector_size == 4096)
    size |= (guint64) le32 (entry + 0x7c) << 32;
  size = MIN (size, cfb->file_size);

  stream->fd = cfb->fd;
  stream->cached = -1;

  if (size < cfb->mini_cutoff)
    {
      guint32 block = start;
      guint32 max = (size + CFB_MINI_SIZE - 1) / CFB_MINI_SIZE;
      guint per_sector = cfb->sector_size / CFB_MINI_SIZE;

      stream->block_size = CFB_MINI_SIZE;
      stream->blocks = g_new (guint64, MAX (max, 1));
      while (block != CFB_END_OF_CHAIN && stream->n_blocks < max)
        {
          if (block >= cfb->n_minifat || block / per_sector >= cfb->n_mini_blocks)
            break;
          stream->blocks[stream->n_blocks++] =
            cfb_sector_offset (cfb, cfb->mini_blocks[block / per_sector]) +
            (guint64) (block % per_sector) * CFB_MINI_SIZE;
          block = cfb->minifat[block];
        }
    }
  else
    {
      chain = cfb_chain (cfb, start, (size + cfb->sector_size - 1) / cfb->sector_size, &n_chain);
      if (chain == NULL)
        return NULL;
      stream->block_size = cfb->sector_size;
      stream->blocks = g_new (guint64, MAX (n_chain, 1));
      for (guint32 i = 0; i < n_chain; i++)
        stream->blocks[stream->n_blocks++] = cfb_sector_offset (cfb, chain[i]);
    }

  stream->size = MIN (size, (guint64) stream->n_blocks * stream->block_size);
  stream->cache = g_malloc (stream->block_size);
  return g_steal_pointer (&stream);
}

/* Reads @length bytes on from the current position; FALSE, reading nothing, past the end. */
static gboolean
cfb_stream_read (CfbStream *stream,
                 guint8    *buffer,
                 gsize      length)
{
  if (length > stream->size || stream->position > stream->size - length)
    return FALSE;

  while (length > 0)
    {
      guint64 block = stream->position / stream->block_size;
      gsize offset = stream->position % stream->block_size;
      gsize n = MIN (length, stream->block_size - offset);

      if ((gint64) block != stream->cached)
        {
          gsize done = 0;

          while (done < stream->block_size)
            {
              gssize r = pread (stream->fd, stream->cache + done, stream->block_size - done,
                                stream->blocks[block] + done);

              if (r < 0 && errno == EINTR)
                continue;
              if (r <= 0)
                break;
              done += r;
            }
          memset (stream->cache + done, 0, stream->block_size - done);
          stream->cached = block;
        }

      memcpy (buffer, stream->cache + offset, n);
      buffer += n;
      length -= n;
      stream->position += n;
    }

  return TRUE;
}

static void
biff_sheet_free (BiffSheet *sheet)
{
  g_free (sheet->name);
  g_array_unref (sheet->extras);
  g_free (sheet);
}

static void
reader_free (Reader *reader)
{
  if (reader->xls != NULL)
    freexl_close (reader->xls);
  if (reader->copy_fd >= 0)
    close (reader->copy_fd);
  if (reader->copy_path != NULL && !reader->copy_unlinked)
    g_unlink (reader->copy_path);
  g_free (reader->copy_path);
  g_clear_pointer (&reader->stream, cfb_stream_free);
  g_clear_pointer (&reader->cfb, cfb_free);
  g_free (reader->record);
  g_ptr_array_unref (reader->biff_sheets);
  g_byte_array_unref (reader->texts);
  g_array_unref (reader->substreams);
  g_array_unref (reader->boundsheet_offsets);
  g_free (reader->matched);
  g_free (reader);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reader, reader_free)

static void
set_damaged (Reader  *reader,
             GError **error)
{
  g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED,
               _("“%s” is a damaged Excel workbook: it cannot be read"),
               reader->ctx->display_name);
}

static void
set_encrypted (Reader  *reader,
               GError **error)
{
  g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_ENCRYPTED,
               _("“%s” is protected by a password: save a copy without one and open that"),
               reader->ctx->display_name);
}

static void
set_too_many_cells (Reader  *reader,
                    GError **error)
{
  g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
               _("“%s” is too large: it has more than %u million cells"),
               reader->ctx->display_name, (guint) (RV_SHEET_MAX_CELLS / 1000000));
}

/* Opens the workbook stream, or tells what the compound file is instead. */
static gboolean
open_workbook_stream (Reader  *reader,
                      GError **error)
{
  const char *display_name = reader->ctx->display_name;
  const char *what = NULL;
  guint32 id;
  int errsv;

  reader->cfb = cfb_open (reader->ctx->path, &errsv);
  if (reader->cfb == NULL && errsv != 0)
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_IO,
                   _("Cannot read “%s”: %s"), display_name, g_strerror (errsv));
      return FALSE;
    }
  if (reader->cfb == NULL)
    {
      set_damaged (reader, error);
      return FALSE;
    }

  id = cfb_find (reader->cfb, "Workbook");
  if (id == CFB_NO_STREAM)
    id = cfb_find (reader->cfb, "Book");
  if (id != CFB_NO_STREAM)
    {
      reader->stream = cfb_stream_open (reader->cfb, id);
      if (reader->stream == NULL)
        {
          set_damaged (reader, error);
          return FALSE;
        }
      return TRUE;
    }

  if (cfb_find (reader->cfb, "EncryptedPackage") != CFB_NO_STREAM)
    {
      set_encrypted (reader, error);
      return FALSE;
    }
  if (cfb_find (reader->cfb, "WordDocument") != CFB_NO_STREAM)
    what = N_("a Word document");
  else if (cfb_find (reader->cfb, "PowerPoint Document") != CFB_NO_STREAM)
    what = N_("a PowerPoint presentation");

  if (what != NULL)
    g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_NOT_A_SPREADSHEET,
                 /* Translators: the file, then what it is ("a Word document"). */
                 _("“%s” is not a spreadsheet: it is %s"), display_name, _(what));
  else
    g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_NOT_A_SPREADSHEET,
                 _("“%s” is not a spreadsheet: it holds no Excel workbook"), display_name);
  return FALSE;
}

/* Text in the workbook's 8-bit code page (BIFF5) as UTF-8. Never fails: bytes that are not
 * in the code page are read as Latin-1. */
static char *
decode_8bit (const guint8 *bytes,
             gsize         length,
             guint         codepage)
{
  g_autofree char *charset = NULL;
  char *text;

  if (codepage == 1200 || codepage == 367 || codepage == 32769)
    charset = g_strdup ("ISO-8859-1");
  else if (codepage == 10000 || codepage == 32768)
    charset = g_strdup ("MACINTOSH");
  else if (codepage == 0)
    charset = g_strdup ("CP1252");
  else
    charset = g_strdup_printf ("CP%u", codepage);

  text = g_convert ((const char *) bytes, length, "UTF-8", charset, NULL, NULL, NULL);
  if (text == NULL)
    text = g_convert ((const char *) bytes, length, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  return text;
}

/* UTF-16 code units as UTF-8, lone surrogates replaced. */
static char *
decode_utf16 (GArray *units)
{
  gunichar2 *u = (gunichar2 *) (gpointer) units->data;
  char *text;

  if (units->len == 0)
    return g_strdup ("");

  for (guint i = 0; i < units->len; i++)
    {
      gboolean high = u[i] >= 0xd800 && u[i] < 0xdc00;
      gboolean low = u[i] >= 0xdc00 && u[i] < 0xe000;

      if (high && i + 1 < units->len && u[i + 1] >= 0xdc00 && u[i + 1] < 0xe000)
        i++;
      else if (high || low)
        u[i] = 0xfffd;
    }

  text = g_utf16_to_utf8 (u, units->len, NULL, NULL, NULL);
  return text != NULL ? text : g_strdup ("");
}

/* Appends @n_chars characters of a BIFF8 string from @bytes (one or two bytes each, as
 * @wide says) to @units; returns how many it found room for in @length bytes. */
static guint
append_biff8_chars (GArray       *units,
                    const guint8 *bytes,
                    gsize         length,
                    guint         n_chars,
                    gboolean      wide)
{
  guint n = MIN (n_chars, wide ? length / 2 : length);

  for (guint i = 0; i < n; i++)
    {
      gunichar2 unit = wide ? le16 (bytes + 2 * i) : bytes[i];
      g_array_append_val (units, unit);
    }
  return n;
}

/* Reads the next record into reader->record; FALSE at the end of the stream. */
static gboolean
read_record (Reader  *reader,
             guint16 *type,
             guint16 *length)
{
  guint8 header[4];

  if (!cfb_stream_read (reader->stream, header, sizeof header))
    return FALSE;
  *type = le16 (header);
  *length = le16 (header + 2);
  return cfb_stream_read (reader->stream, reader->record, *length);
}

/* The header of the next record, left unread: is it a CONTINUE? */
static gboolean
next_is_continue (Reader *reader)
{
  guint64 position = reader->stream->position;
  guint8 header[4];

  if (!cfb_stream_read (reader->stream, header, sizeof header))
    return FALSE;
  reader->stream->position = position;
  return le16 (header) == BIFF_CONTINUE;
}

/* The text of a STRING record (a formula's text result), read from reader->record and
 * from the CONTINUE records after it. */
static char *
read_string_record (Reader  *reader,
                    guint16  length)
{
  g_autoptr(GArray) units = NULL;
  guint n_chars;
  guint done;
  gboolean wide;

  if (length < 2)
    return NULL;
  n_chars = le16 (reader->record);

  if (!reader->biff8)
    return decode_8bit (reader->record + 2, MIN ((gsize) n_chars, (gsize) length - 2),
                        reader->codepage);

  if (length < 3)
    return NULL;
  units = g_array_sized_new (FALSE, FALSE, sizeof (gunichar2), n_chars);
  wide = (reader->record[2] & 0x01) != 0;
  done = append_biff8_chars (units, reader->record + 3, length - 3, n_chars, wide);

  /* A long text goes on in CONTINUE records, each starting with its own width flag. */
  while (done < n_chars && next_is_continue (reader))
    {
      guint16 type;

      if (!read_record (reader, &type, &length) || length < 1)
        break;
      wide = (reader->record[0] & 0x01) != 0;
      done += append_biff8_chars (units, reader->record + 1, length - 1, n_chars - done, wide);
    }

  return decode_utf16 (units);
}

/* A BOUNDSHEET record: a sheet's name and where its records start. FALSE if the name
 * does not fit in the record. */
static gboolean
add_biff_sheet (Reader  *reader,
                guint16  length)
{
  const guint8 *r = reader->record;
  g_autofree char *name = NULL;
  BiffSheet *sheet;
  guint n_chars;

  if (length < 7 || r[6] == 0)
    return FALSE;
  n_chars = r[6];

  if (reader->biff8)
    {
      g_autoptr(GArray) units = g_array_new (FALSE, FALSE, sizeof (gunichar2));
      gboolean wide = r[7] != 0;

      /* FreeXL takes any flags but 0 for two bytes a character. */
      if (length < 8 || 8 + (gsize) n_chars * (wide ? 2 : 1) > length)
        return FALSE;
      append_biff8_chars (units, r + 8, length - 8, n_chars, wide);
      name = decode_utf16 (units);
    }
  else
    {
      if (7 + (gsize) n_chars > length)
        return FALSE;
      name = decode_8bit (r + 7, n_chars, reader->codepage);
    }

  sheet = g_new0 (BiffSheet, 1);
  sheet->name = g_steal_pointer (&name);
  sheet->offset = le32 (r);
  sheet->substream = -1;
  sheet->extras = g_array_new (FALSE, FALSE, sizeof (Extra));
  sheet->next_compact = 4096;
  g_ptr_array_add (reader->biff_sheets, sheet);
  return TRUE;
}

/* Whether a BIFF8 unicode string (MS-XLS 2.5.294) of @n_chars characters, whose flags are
 * at @offset, ends within the record: FreeXL reads it without asking. */
static gboolean
biff8_string_fits (const guint8 *record,
                   guint16       length,
                   gsize         offset,
                   guint         n_chars)
{
  guint8 flags;
  gsize header = 1;

  if (offset + 1 > length)
    return FALSE;
  flags = record[offset];
  if (flags & 0x08)
    header += 2;
  if (flags & 0x04)
    header += 4;
  return offset + header + (gsize) n_chars * ((flags & 0x01) ? 2 : 1) <= length;
}

/* Follows the shared string table (an SST record, then CONTINUE records) the way FreeXL
 * reads it, and tells whether FreeXL would stay within its buffers: every string's header
 * within one record, its characters cut at most once, formatting data that ends before the
 * next string's header. Excel writes them so; a file that does not is refused. */
static gboolean
check_sst (SstState     *sst,
           const guint8 *record,
           guint16       length,
           gboolean      first)
{
  guint64 pos = 0;

  if (first)
    {
      if (length < 8 || le32 (record + 4) > FREEXL_MAX_SST)
        return FALSE;
      sst->left = le32 (record + 4);
      sst->pending_chars = 0;
      sst->skip = 0;
      pos = 8;
    }
  else if (sst->pending_chars > 0)
    {
      /* The rest of a cut string, after a new flags byte. */
      guint width;

      if (length < 1)
        return FALSE;
      width = (record[0] & 0x01) ? 2 : 1;
      pos = 1 + (guint64) sst->pending_chars * width;
      if (pos > length)
        return FALSE;
      pos += sst->pending_extra;
      sst->pending_chars = 0;
      sst->left--;
      if (pos > length)
        {
          sst->skip = pos - length;
          return TRUE;
        }
    }

  while (sst->left > 0 && pos < length)
    {
      guint n_chars;
      guint8 flags;
      guint64 header = 3;
      guint64 extra = 0;
      guint64 bytes;
      guint width;

      pos += sst->skip;
      sst->skip = 0;
      if (pos + 3 > length)
        return FALSE;

      n_chars = le16 (record + pos);
      flags = record[pos + 2];
      width = (flags & 0x01) ? 2 : 1;
      if (flags & 0x08)
        header += 2;
      if (flags & 0x04)
        header += 4;
      if (n_chars == 0 || pos + header > length)
        return FALSE;
      if (flags & 0x08)
        extra += 4 * (guint64) le16 (record + pos + 3);
      if (flags & 0x04)
        extra += le32 (record + pos + 3 + ((flags & 0x08) ? 2 : 0));
      if (extra > FREEXL_MAX_RECORD)
        return FALSE;

      pos += header;
      bytes = (guint64) n_chars * width;
      if (bytes > length - pos)
        {
          /* Cut: FreeXL takes what is here (whole characters), the rest from the next
           * record. */
          sst->pending_chars = n_chars - (length - pos) / width;
          sst->pending_extra = extra;
          return TRUE;
        }

      pos += bytes + extra;
      sst->left--;
      if (pos > length)
        sst->skip = pos - length;
    }

  return TRUE;
}

static int
compare_extras (gconstpointer a,
                gconstpointer b)
{
  const Extra *x = a;
  const Extra *y = b;

  if (x->row != y->row)
    return x->row < y->row ? -1 : 1;
  if (x->column != y->column)
    return x->column < y->column ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts a sheet's extras by cell and keeps the last record of each cell. */
static void
compact_extras (GArray *extras)
{
  Extra *e = (Extra *) (gpointer) extras->data;
  guint kept = 0;

  if (extras->len == 0)
    return;

  qsort (e, extras->len, sizeof (Extra), compare_extras);
  for (guint i = 0; i < extras->len; i++)
    {
      if (kept > 0 && e[kept - 1].row == e[i].row && e[kept - 1].column == e[i].column)
        e[kept - 1] = e[i];
      else
        e[kept++] = e[i];
    }
  g_array_set_size (extras, kept);
}

static guint32
add_text (Reader     *reader,
          const char *text)
{
  guint32 offset = reader->texts->len;

  g_byte_array_append (reader->texts, (const guint8 *) text, strlen (text) + 1);
  return offset;
}

/* Notes a cell FreeXL will not give right. FALSE if the workbook holds too many. */
static gboolean
add_extra (Reader     *reader,
           BiffSheet  *sheet,
           guint       row,
           guint       column,
           RvCellKind  kind,
           gboolean    formula,
           const char *text)
{
  Extra extra = { row, column, reader->seq++, 0, kind, formula };

  if (column >= BIFF_MAX_COLUMNS || reader->texts->len + strlen (text) + 1 > G_MAXUINT32)
    return TRUE;

  if (kind == RV_CELL_BOOLEAN)
    extra.text = text[0] == 'T' ? reader->true_text : reader->false_text;
  else
    extra.text = add_text (reader, text);
  g_array_append_val (sheet->extras, extra);
  reader->n_extras++;

  /* A file may write the same cell again and again: repeats are dropped from time to
   * time, so that memory follows the cells, which the limits bound. */
  if (sheet->extras->len >= sheet->next_compact)
    {
      reader->n_extras -= sheet->extras->len;
      compact_extras (sheet->extras);
      reader->n_extras += sheet->extras->len;
      sheet->next_compact = MAX (4096, 2 * sheet->extras->len);
    }

  return reader->n_extras <= RV_SHEET_MAX_CELLS;
}

static const char *
error_text (guint8 code)
{
  for (guint i = 0; i < G_N_ELEMENTS (biff_errors); i++)
    if (biff_errors[i].code == code)
      return biff_errors[i].text;
  return "#N/A";
}

/* A FORMULA record: its cached result, unless that is a text, which comes in the STRING
 * record after it (then *@text_follows). */
static gboolean
add_formula (Reader    *reader,
             BiffSheet *sheet,
             guint16    length,
             gboolean  *text_follows)
{
  const guint8 *r = reader->record;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  guint row;
  guint column;

  *text_follows = FALSE;
  if (length < 14)
    return TRUE;
  row = le16 (r);
  column = le16 (r + 2);

  if (r[12] != 0xff || r[13] != 0xff)
    {
      _rv_format_number (le_double (r + 6), buffer);
      return add_extra (reader, sheet, row, column, RV_CELL_NUMBER, TRUE, buffer);
    }

  switch (r[6])
    {
    case 0:
      *text_follows = TRUE;
      return TRUE;
    case 1:
      return add_extra (reader, sheet, row, column, RV_CELL_BOOLEAN, TRUE, r[8] ? "TRUE" : "FALSE");
    case 2:
      return add_extra (reader, sheet, row, column, RV_CELL_ERROR, TRUE, error_text (r[8]));
    default:
      /* An empty text: an empty cell. */
      return TRUE;
    }
}

/* Whether @type is a cell record that FreeXL reads (or that holds an extra), and if so,
 * the row and the last column it fills. FALSE for a record too short for its fields or
 * with a column past BIFF's last: the copy for FreeXL leaves those out, since FreeXL would
 * read their fields from whatever its buffer held before. */
static gboolean
cell_extent (guint16       type,
             const guint8 *r,
             guint16       length,
             guint        *row,
             guint        *last_column)
{
  guint minimum;
  guint n = 1;

  switch (type)
    {
    case BIFF_NUMBER:
    case BIFF_FORMULA:
      minimum = 14;
      break;
    case BIFF_RK:
    case BIFF_LABELSST:
      minimum = 10;
      break;
    case BIFF_BOOLERR:
      minimum = 8;
      break;
    case BIFF_LABEL:
      minimum = 9;
      break;
    case BIFF_MULRK:
      /* FreeXL reads an XF and a number every 6 bytes from the fifth byte on, while 6 more
       * bytes remain before the end (the last two: the last column). */
      minimum = 12;
      n = 0;
      for (guint offset = 4; offset + 6 < length; offset += 6)
        n++;
      break;
    default:
      return FALSE;
    }

  if (length < minimum || n == 0)
    return FALSE;
  *row = le16 (r);
  *last_column = le16 (r + 2) + n - 1;
  return *last_column < BIFF_MAX_COLUMNS;
}

static gboolean
is_cell_record (guint16 type)
{
  return type == BIFF_NUMBER || type == BIFF_FORMULA || type == BIFF_RK ||
         type == BIFF_LABELSST || type == BIFF_BOOLERR || type == BIFF_LABEL ||
         type == BIFF_MULRK;
}

/*
 * Walks the whole workbook stream once, before FreeXL sees anything:
 *  - the globals: the sheet list, the code page, whether the workbook is encrypted;
 *  - every record FreeXL would misread (see the top of the file): a file with one is
 *    refused as damaged;
 *  - where each sheet's records are, and how many rows and columns its cells take, for
 *    the copy FreeXL reads (write_freexl_copy()); past the limits, the file is refused;
 *  - formula results, booleans and errors, for read_sheet().
 * Like FreeXL, it takes a record longer than FreeXL's buffer, or a record of type and
 * length 0, for the end of the stream.
 */
static gboolean
scan_workbook (Reader  *reader,
               GError **error)
{
  g_autoptr(GHashTable) by_offset = g_hash_table_new (NULL, NULL);
  SstState sst = { 0 };
  Substream *substream = NULL;
  BiffSheet *sheet = NULL;
  gboolean in_globals = TRUE;
  gboolean text_follows = FALSE;
  guint pending_row = 0;
  guint pending_column = 0;
  guint depth = 0;
  guint n_xf = 0;
  guint64 n_records = 0;
  guint64 n_cells = 0;
  guint16 last = BIFF_BOF;
  guint16 type;
  guint16 length;

  if (!read_record (reader, &type, &length) || type != BIFF_BOF || length < 4 ||
      (le16 (reader->record) != 0x0600 && le16 (reader->record) != 0x0500))
    {
      /* Not BIFF5 or BIFF8: BIFF2–4 in a compound file, or not a workbook at all. */
      set_damaged (reader, error);
      return FALSE;
    }
  reader->biff8 = le16 (reader->record) == 0x0600;
  depth = 1;

  for (;;)
    {
      guint64 offset = reader->stream->position;
      const guint8 *r = reader->record;
      guint row;
      guint column;

      if (!read_record (reader, &type, &length))
        break;
      if ((type == 0 && length == 0) || length > FREEXL_MAX_RECORD)
        break;
      reader->stream_end = reader->stream->position;
      if (substream != NULL)
        substream->end = reader->stream_end;

      if (++n_records % 65536 == 0 &&
          g_cancellable_set_error_if_cancelled (reader->ctx->cancellable, error))
        return FALSE;

      /* FreeXL reads a CONTINUE record as part of the SST before it, and ignores others
       * (those of STRING records read_string_record() reads). */
      if (type == BIFF_CONTINUE)
        {
          if (last == BIFF_SST && !check_sst (&sst, r, length, FALSE))
            {
              set_damaged (reader, error);
              return FALSE;
            }
          continue;
        }
      last = type;

      if (depth == 1 && !in_globals && substream != NULL &&
          cell_extent (type, r, length, &row, &column))
        {
          substream->n_rows = MAX (substream->n_rows, row + 1);
          substream->n_columns = MAX (substream->n_columns, column + 1);
        }

      switch (type)
        {
        case BIFF_BOF:
          if (depth == 0)
            {
              Substream empty = { offset, reader->stream_end, 0, 0 };

              /* A sheet's records, if a sheet starts here. FreeXL gives them to the
               * first sheet listed at this offset, and so does the walk. */
              sheet = offset <= G_MAXUINT32
                      ? g_hash_table_lookup (by_offset, GUINT_TO_POINTER ((guint) offset))
                      : NULL;
              substream = NULL;
              if (sheet != NULL && sheet->substream < 0)
                {
                  g_array_append_val (reader->substreams, empty);
                  sheet->substream = reader->substreams->len - 1;
                  substream = &g_array_index (reader->substreams, Substream, sheet->substream);
                }
              else
                sheet = NULL;
            }
          depth++;
          text_follows = FALSE;
          break;

        case BIFF_EOF:
          if (depth > 0 && --depth == 0)
            {
              if (in_globals)
                {
                  for (guint i = reader->biff_sheets->len; i > 0; i--)
                    {
                      BiffSheet *s = g_ptr_array_index (reader->biff_sheets, i - 1);
                      g_hash_table_insert (by_offset, GUINT_TO_POINTER (s->offset), s);
                    }
                  reader->globals_end = reader->stream_end;
                }
              else if (substream != NULL)
                {
                  n_cells += (guint64) substream->n_rows * substream->n_columns;
                  if (n_cells > RV_SHEET_MAX_CELLS)
                    {
                      set_too_many_cells (reader, error);
                      return FALSE;
                    }
                }
              in_globals = FALSE;
              sheet = NULL;
              substream = NULL;
            }
          text_follows = FALSE;
          break;

        case BIFF_FILEPASS:
          set_encrypted (reader, error);
          return FALSE;

        case BIFF_CODEPAGE:
          if (length >= 2)
            reader->codepage = le16 (r);
          break;

        case BIFF_BOUNDSHEET:
          if (in_globals && depth == 1 && !add_biff_sheet (reader, length))
            {
              set_damaged (reader, error);
              return FALSE;
            }
          break;

        case BIFF_XF:
          if (++n_xf > FREEXL_MAX_XF)
            {
              set_damaged (reader, error);
              return FALSE;
            }
          break;

        case BIFF_FORMAT:
          if (reader->biff8 && !biff8_string_fits (r, length, 4, le16 (r + 2)))
            {
              set_damaged (reader, error);
              return FALSE;
            }
          break;

        case BIFF_LABEL:
          if (length < 8 ||
              (reader->biff8 && !biff8_string_fits (r, length, 8, le16 (r + 6))) ||
              (!reader->biff8 && 8 + (gsize) le16 (r + 6) > length))
            {
              set_damaged (reader, error);
              return FALSE;
            }
          text_follows = FALSE;
          break;

        case BIFF_SST:
          /* FreeXL reads a second SST as the continuation of the first. */
          if (sst.seen || !check_sst (&sst, r, length, TRUE))
            {
              set_damaged (reader, error);
              return FALSE;
            }
          sst.seen = TRUE;
          break;

        case BIFF_FORMULA:
          text_follows = FALSE;
          if (sheet != NULL && depth == 1)
            {
              if (!add_formula (reader, sheet, length, &text_follows))
                {
                  set_too_many_cells (reader, error);
                  return FALSE;
                }
              if (text_follows)
                {
                  pending_row = le16 (r);
                  pending_column = le16 (r + 2);
                }
            }
          break;

        case BIFF_STRING:
          if (text_follows && sheet != NULL && depth == 1)
            {
              g_autofree char *text = read_string_record (reader, length);

              if (text != NULL &&
                  !add_extra (reader, sheet, pending_row, pending_column, RV_CELL_TEXT, TRUE, text))
                {
                  set_too_many_cells (reader, error);
                  return FALSE;
                }
            }
          text_follows = FALSE;
          break;

        case BIFF_BOOLERR:
          text_follows = FALSE;
          if (sheet != NULL && depth == 1 && length >= 8)
            {
              gboolean ok;

              row = le16 (r);
              column = le16 (r + 2);
              if (r[7] != 0)
                ok = add_extra (reader, sheet, row, column, RV_CELL_ERROR, FALSE,
                                error_text (r[6]));
              else
                ok = add_extra (reader, sheet, row, column, RV_CELL_BOOLEAN, FALSE,
                                r[6] ? "TRUE" : "FALSE");
              if (!ok)
                {
                  set_too_many_cells (reader, error);
                  return FALSE;
                }
            }
          break;

        default:
          if (is_cell_record (type))
            text_follows = FALSE;
          break;
        }
    }

  /* A stream cut short in a sheet: its cells count all the same. */
  if (substream != NULL)
    n_cells += (guint64) substream->n_rows * substream->n_columns;
  if (n_cells > RV_SHEET_MAX_CELLS)
    {
      set_too_many_cells (reader, error);
      return FALSE;
    }
  if (in_globals)
    {
      set_damaged (reader, error);
      return FALSE;
    }

  for (guint i = 0; i < reader->biff_sheets->len; i++)
    compact_extras (((BiffSheet *) g_ptr_array_index (reader->biff_sheets, i))->extras);

  return TRUE;
}

static void
copy_flush (CopyWriter *w)
{
  gsize done = 0;

  while (!w->failed && done < w->length)
    {
      gssize n = write (w->fd, w->buffer + done, w->length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        w->failed = TRUE;
      else
        done += n;
    }
  w->length = 0;
}

static void
copy_bytes (CopyWriter   *w,
            const guint8 *bytes,
            gsize         length)
{
  while (length > 0)
    {
      gsize n = MIN (length, sizeof w->buffer - w->length);

      memcpy (w->buffer + w->length, bytes, n);
      w->length += n;
      w->position += n;
      bytes += n;
      length -= n;
      if (w->length == sizeof w->buffer)
        copy_flush (w);
    }
}

static void
copy_record (CopyWriter   *w,
             guint16       type,
             const guint8 *body,
             guint16       length)
{
  guint8 header[4];

  put_le16 (header, type);
  put_le16 (header + 2, length);
  copy_bytes (w, header, sizeof header);
  copy_bytes (w, body, length);
}

/* The DIMENSION record FreeXL allocates a sheet's cells from (MS-XLS 2.4.90). */
static void
copy_dimension (CopyWriter *w,
                gboolean    biff8,
                guint       n_rows,
                guint       n_columns)
{
  guint8 body[14] = { 0 };

  if (biff8)
    {
      put_le32 (body + 4, n_rows);
      put_le16 (body + 10, n_columns);
      copy_record (w, BIFF_DIMENSION, body, 14);
    }
  else
    {
      put_le16 (body + 2, n_rows);
      put_le16 (body + 6, n_columns);
      copy_record (w, BIFF_DIMENSION, body, 10);
    }
}

/* Whether a cell record of a sheet goes into FreeXL's copy: it must be one FreeXL reads
 * right (cell_extent()), and the first for each of its cells, since FreeXL loses the text
 * of a cell it writes twice. @written has a bit for each cell of the sheet. */
static gboolean
keep_cell (guint16       type,
           const guint8 *r,
           guint16       length,
           guint8       *written,
           guint         n_columns)
{
  guint row;
  guint last;

  if (!cell_extent (type, r, length, &row, &last))
    return FALSE;
  /* FreeXL skips formulas: they take no place. */
  if (type == BIFF_FORMULA)
    return TRUE;

  for (guint column = le16 (r + 2); column <= last; column++)
    {
      guint64 bit = (guint64) row * n_columns + column;

      if (written[bit / 8] & (1 << bit % 8))
        return FALSE;
    }
  for (guint column = le16 (r + 2); column <= last; column++)
    {
      guint64 bit = (guint64) row * n_columns + column;

      written[bit / 8] |= 1 << bit % 8;
    }
  return TRUE;
}

/* Copies the records of the stream from @start to @end that sit at the top level of their
 * substream (not those of a chart inside a sheet, whose EOF FreeXL would take for the
 * sheet's), keeping of a sheet only its BOF, EOF and the cell records keep_cell() takes. Returns
 * whether the last record copied was an EOF. */
static gboolean
copy_substream (Reader     *reader,
                CopyWriter *w,
                guint64     start,
                guint64     end,
                gboolean    globals,
                guint       n_rows,
                guint       n_columns)
{
  g_autofree guint8 *written = g_malloc0 (((guint64) n_rows * n_columns + 7) / 8 + 1);
  guint depth = 0;
  gboolean ended = FALSE;
  guint16 type;
  guint16 length;

  reader->stream->position = start;
  while (reader->stream->position < end && read_record (reader, &type, &length))
    {
      gboolean keep = depth == (type == BIFF_BOF ? 0 : 1);

      if (type == BIFF_BOF)
        depth++;
      else if (type == BIFF_EOF && depth > 0)
        depth--;

      /* Of a sheet, FreeXL needs its BOF, EOF and cells; anything else is left out, as
       * FreeXL obeys records where they do not belong: a BOUNDSHEET in a sheet (whose
       * range a crafted file makes overlap the globals) adds a sheet that never gets a
       * DIMENSION, and FreeXL's second pass then leaks a sheet's cells for it.
       */
      if (!keep ||
          (!globals && type != BIFF_BOF && type != BIFF_EOF && !is_cell_record (type)) ||
          (!globals && is_cell_record (type) &&
           !keep_cell (type, reader->record, length, written, n_columns)))
        continue;

      if (globals && type == BIFF_BOUNDSHEET)
        {
          /* Its offset is set once the sheets are written. */
          guint64 at = w->position + 4;
          g_array_append_val (reader->boundsheet_offsets, at);
        }

      copy_record (w, type, reader->record, length);
      ended = type == BIFF_EOF;

      if (!globals && type == BIFF_BOF)
        copy_dimension (w, reader->biff8, n_rows, n_columns);
    }

  return ended;
}

/* The copy of the workbook stream FreeXL reads: the globals, then each sheet in the order
 * of the sheet list, each with one DIMENSION record that holds its cells, and an empty one
 * for a sheet whose records are missing or shared with another. */
static gboolean
write_stream_copy (Reader   *reader,
                   int       fd,
                   guint64  *size)
{
  g_autofree CopyWriter *w = g_new0 (CopyWriter, 1);
  g_autofree guint64 *offsets = g_new0 (guint64, MAX (reader->biff_sheets->len, 1));
  static const guint8 eof[1] = { 0 };
  guint8 bof[16] = { 0 };

  w->fd = fd;
  /* FreeXL selects a sheet only at a BOF that follows an EOF: without one after the
   * globals, no sheet is selected, their DIMENSION records go unread, and FreeXL's second
   * pass reallocates (and leaks) one sheet's cells for each of them.
   */
  if (!copy_substream (reader, w, 0, reader->globals_end, TRUE, 0, 0))
    copy_record (w, BIFF_EOF, eof, 0);

  put_le16 (bof, reader->biff8 ? 0x0600 : 0x0500);
  put_le16 (bof + 2, 0x0010);
  for (guint i = 0; i < reader->biff_sheets->len; i++)
    {
      BiffSheet *sheet = g_ptr_array_index (reader->biff_sheets, i);

      offsets[i] = w->position;
      if (sheet->substream >= 0)
        {
          Substream *s = &g_array_index (reader->substreams, Substream, sheet->substream);

          if (!copy_substream (reader, w, s->start, s->end, FALSE, s->n_rows, s->n_columns))
            copy_record (w, BIFF_EOF, eof, 0);
        }
      else
        {
          copy_record (w, BIFF_BOF, bof, reader->biff8 ? 16 : 8);
          copy_dimension (w, reader->biff8, 0, 0);
          copy_record (w, BIFF_EOF, eof, 0);
        }
    }
  copy_flush (w);
  if (w->failed || w->position > G_MAXUINT32 - 512 ||
      reader->boundsheet_offsets->len != reader->biff_sheets->len)
    return FALSE;

  /* Each BOUNDSHEET now points at its sheet in the copy. The stream starts at 512. */
  for (guint i = 0; i < reader->biff_sheets->len; i++)
    {
      guint8 value[4];

      put_le32 (value, offsets[i]);
      if (pwrite (fd, value, 4, 512 + g_array_index (reader->boundsheet_offsets, guint64, i)) != 4)
        return FALSE;
    }

  *size = w->position;
  return TRUE;
}

/* Writes the copy of the workbook stream FreeXL reads into @fd, as the only stream
 * ("Workbook") of a compound file of 512-byte sectors: the header, the stream, then the
 * directory, the FAT and the DIFAT. No mini stream: FreeXL reads the stream through the
 * FAT whatever its size, since there is no mini FAT. */
static gboolean
write_compound_file (Reader *reader,
                     int     fd)
{
  g_autofree guint8 *sector = g_malloc0 (512);
  guint8 header[512] = { 0 };
  guint8 directory[512] = { 0 };
  const char *names[2] = { "Root Entry", "Workbook" };
  guint64 size;
  guint32 n_data;
  guint32 n_fat = 1;
  guint32 n_difat = 0;
  guint32 first_fat;
  guint32 first_difat;

  /* The header is written last, when the sizes are known. */
  if (write (fd, header, sizeof header) != sizeof header ||
      !write_stream_copy (reader, fd, &size) || size == 0)
    return FALSE;
  n_data = (size + 511) / 512;
  if (size % 512 != 0 &&
      write (fd, sector, 512 - size % 512) != (gssize) (512 - size % 512))
    return FALSE;

  /* The FAT covers every sector, its own and the DIFAT's included. */
  for (;;)
    {
      guint64 total = (guint64) n_data + 1 + n_fat + n_difat;
      guint32 need_fat = (total + 127) / 128;
      guint32 need_difat = need_fat > 109 ? (need_fat - 109 + 126) / 127 : 0;

      if (need_fat == n_fat && need_difat == n_difat)
        break;
      n_fat = need_fat;
      n_difat = need_difat;
    }
  first_fat = n_data + 1;
  first_difat = first_fat + n_fat;

  for (guint e = 0; e < 4; e++)
    {
      guint8 *entry = directory + e * CFB_ENTRY_SIZE;

      put_le32 (entry + 0x44, CFB_NO_STREAM);
      put_le32 (entry + 0x48, CFB_NO_STREAM);
      put_le32 (entry + 0x4c, CFB_NO_STREAM);
      if (e >= G_N_ELEMENTS (names))
        continue;
      for (guint i = 0; names[e][i] != 0; i++)
        entry[2 * i] = names[e][i];
      put_le16 (entry + 0x40, 2 * (strlen (names[e]) + 1));
      entry[0x42] = e == 0 ? CFB_ROOT : CFB_STREAM;
      entry[0x43] = 1;
    }
  put_le32 (directory + 0x4c, 1);
  put_le32 (directory + 0x74, CFB_END_OF_CHAIN);
  put_le32 (directory + CFB_ENTRY_SIZE + 0x74, 0);
  put_le32 (directory + CFB_ENTRY_SIZE + 0x78, size);
  if (write (fd, directory, sizeof directory) != sizeof directory)
    return FALSE;

  for (guint32 s = 0; s < n_fat; s++)
    {
      for (guint i = 0; i < 128; i++)
        {
          guint32 k = s * 128 + i;
          guint32 next;

          if (k + 1 < n_data)
            next = k + 1;
          else if (k + 1 == n_data || k == n_data)
            next = CFB_END_OF_CHAIN;
          else if (k < first_difat)
            next = CFB_FAT_SECTOR;
          else if (k < first_difat + n_difat)
            next = CFB_DIFAT_SECTOR;
          else
            next = CFB_FREE;
          put_le32 (sector + 4 * i, next);
        }
      if (write (fd, sector, 512) != 512)
        return FALSE;
    }

  for (guint32 d = 0; d < n_difat; d++)
    {
      for (guint i = 0; i < 127; i++)
        {
          guint32 k = 109 + d * 127 + i;

          put_le32 (sector + 4 * i, k < n_fat ? first_fat + k : CFB_FREE);
        }
      put_le32 (sector + 508, d + 1 < n_difat ? first_difat + d + 1 : CFB_END_OF_CHAIN);
      if (write (fd, sector, 512) != 512)
        return FALSE;
    }

  memcpy (header, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
  header[0x18] = 0x3e;
  header[0x1a] = 3;
  header[0x1c] = 0xfe;
  header[0x1d] = 0xff;
  header[0x1e] = 9;
  header[0x20] = 6;
  put_le32 (header + 0x2c, n_fat);
  put_le32 (header + 0x30, n_data);
  put_le32 (header + 0x38, 4096);
  put_le32 (header + 0x3c, CFB_END_OF_CHAIN);
  put_le32 (header + 0x44, n_difat > 0 ? first_difat : CFB_END_OF_CHAIN);
  put_le32 (header + 0x48, n_difat);
  for (guint i = 0; i < 109; i++)
    put_le32 (header + 0x4c + 4 * i, i < n_fat ? first_fat + i : CFB_FREE);

  return pwrite (fd, header, sizeof header, 0) == sizeof header;
}

/* Writes the copy FreeXL reads (write_compound_file()): in memory when the system allows
 * it, else in a private temporary file, removed as soon as FreeXL has opened it. */
static gboolean
write_freexl_copy (Reader  *reader,
                   GError **error)
{
  g_autoptr(GError) local_error = NULL;

  reader->copy_fd = memfd_create ("rv-xls-reader", MFD_CLOEXEC);
  if (reader->copy_fd >= 0)
    {
      reader->copy_path = g_strdup_printf ("/proc/self/fd/%d", reader->copy_fd);
      reader->copy_unlinked = TRUE;
      if (access (reader->copy_path, R_OK) != 0)
        {
          close (reader->copy_fd);
          reader->copy_fd = -1;
          g_clear_pointer (&reader->copy_path, g_free);
        }
    }

  if (reader->copy_fd < 0)
    {
      reader->copy_unlinked = FALSE;
      reader->copy_fd = g_file_open_tmp ("rv-xls-XXXXXX.xls", &reader->copy_path, &local_error);
      if (reader->copy_fd < 0)
        {
          g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_IO,
                       _("Cannot read “%s”: %s"), reader->ctx->display_name,
                       local_error->message);
          return FALSE;
        }
    }

  errno = 0;
  if (!write_compound_file (reader, reader->copy_fd))
    {
      int errsv = errno;

      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_IO,
                   _("Cannot read “%s”: %s"), reader->ctx->display_name,
                   g_strerror (errsv != 0 ? errsv : EIO));
      return FALSE;
    }

  return TRUE;
}

/* Opens FreeXL's copy, and checks what FreeXL made of it. */
static gboolean
open_freexl (Reader  *reader,
             GError **error)
{
  unsigned int value = 0;
  int status;

  status = freexl_open (reader->copy_path, &reader->xls);
  if (!reader->copy_unlinked)
    {
      g_unlink (reader->copy_path);
      reader->copy_unlinked = TRUE;
    }
  if (status != FREEXL_OK)
    {
      g_debug ("FreeXL cannot open %s: error %d", reader->ctx->display_name, status);
      set_damaged (reader, error);
      return FALSE;
    }

  if (freexl_get_info (reader->xls, FREEXL_BIFF_PASSWORD, &value) == FREEXL_OK &&
      value == FREEXL_BIFF_OBFUSCATED)
    {
      set_encrypted (reader, error);
      return FALSE;
    }

  if (freexl_get_info (reader->xls, FREEXL_BIFF_VERSION, &value) != FREEXL_OK ||
      value == FREEXL_UNKNOWN ||
      freexl_get_info (reader->xls, FREEXL_BIFF_SHEET_COUNT, &value) != FREEXL_OK)
    {
      set_damaged (reader, error);
      return FALSE;
    }
  reader->n_sheets = MIN (value, G_MAXUINT16);
  reader->matched = g_new0 (BiffSheet *, MAX (reader->n_sheets, 1));

  return TRUE;
}

/* Pairs FreeXL's sheets with the BOUNDSHEET records: FreeXL lists them all, in the same
 * order. Should a name differ, the extras of that sheet are left out rather than put into
 * the wrong sheet. The rows and columns are those of the copy: within BIFF's, far within
 * the limits. */
static gboolean
check_sheets (Reader  *reader,
              GError **error)
{
  for (guint i = 0; i < reader->n_sheets; i++)
    {
      unsigned int n_rows = 0;
      unsigned short n_columns = 0;
      const char *name = NULL;

      if (freexl_get_worksheet_name (reader->xls, i, &name) != FREEXL_OK ||
          freexl_select_active_worksheet (reader->xls, i) != FREEXL_OK ||
          freexl_worksheet_dimensions (reader->xls, &n_rows, &n_columns) != FREEXL_OK)
        {
          set_damaged (reader, error);
          return FALSE;
        }

      reader->total_rows += n_rows;

      if (i < reader->biff_sheets->len)
        {
          BiffSheet *sheet = g_ptr_array_index (reader->biff_sheets, i);

          if (g_strcmp0 (name, sheet->name) == 0)
            reader->matched[i] = sheet;
          else
            g_debug ("Sheet %u of %s: FreeXL calls it “%s”, the workbook “%s”",
                     i, reader->ctx->display_name, name != NULL ? name : "", sheet->name);
        }
    }

  return TRUE;
}

/* Stores one cell FreeXL gives. */
static gboolean
set_freexl_cell (RvSheet                *sheet,
                 guint                   row,
                 guint                   column,
                 const FreeXL_CellValue *value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE + 16];
  const char *text;

  switch (value->type)
    {
    case FREEXL_CELL_INT:
      g_snprintf (buffer, sizeof buffer, "%d", value->value.int_value);
      return rv_sheet_set_cell (sheet, row, column, RV_CELL_NUMBER, FALSE, buffer, -1);

    case FREEXL_CELL_DOUBLE:
      _rv_format_number (value->value.double_value, buffer);
      return rv_sheet_set_cell (sheet, row, column, RV_CELL_NUMBER, FALSE, buffer, -1);

    case FREEXL_CELL_TEXT:
    case FREEXL_CELL_SST_TEXT:
    case FREEXL_CELL_DATE:
    case FREEXL_CELL_DATETIME:
    case FREEXL_CELL_TIME:
      text = value->value.text_value;
      if (text == NULL || *text == 0)
        return TRUE;

      if (value->type == FREEXL_CELL_TIME)
        {
          /* A time alone is day 0, written as the other readers write it
           * (_rv_format_serial_date): "1900-01-00 08:15:00". */
          g_snprintf (buffer, sizeof buffer, "1900-01-00 %s", text);
          return rv_sheet_set_cell (sheet, row, column, RV_CELL_DATE, FALSE, buffer, -1);
        }

      if (!g_utf8_validate (text, -1, NULL))
        {
          g_autofree char *valid = g_utf8_make_valid (text, -1);
          return rv_sheet_set_cell (sheet, row, column, RV_CELL_TEXT, FALSE, valid, -1);
        }

      return rv_sheet_set_cell (sheet, row, column,
                                value->type == FREEXL_CELL_DATE ||
                                value->type == FREEXL_CELL_DATETIME ? RV_CELL_DATE : RV_CELL_TEXT,
                                FALSE, text, -1);

    case FREEXL_CELL_NULL:
    default:
      return TRUE;
    }
}

/* Reads sheet @index into a new RvSheet, reporting progress every PROGRESS_ROWS rows. */
static gboolean
read_sheet (Reader      *reader,
            guint        index,
            RvWorkbook  *workbook,
            guint64     *rows_done,
            guint64     *memory,
            GError     **error)
{
  const char *display_name = reader->ctx->display_name;
  g_autoptr(RvSheet) sheet = NULL;
  g_autofree char *valid_name = NULL;
  const char *name = NULL;
  unsigned int n_rows = 0;
  unsigned short n_columns = 0;
  const Extra *extras = NULL;
  const char *texts = NULL;
  guint n_extras = 0;
  guint next = 0;
  guint64 max_memory;

  if (freexl_get_worksheet_name (reader->xls, index, &name) != FREEXL_OK ||
      freexl_select_active_worksheet (reader->xls, index) != FREEXL_OK ||
      freexl_worksheet_dimensions (reader->xls, &n_rows, &n_columns) != FREEXL_OK)
    {
      set_damaged (reader, error);
      return FALSE;
    }

  valid_name = g_utf8_make_valid (name != NULL ? name : "", -1);
  sheet = rv_sheet_new (valid_name);

  if (reader->matched[index] != NULL)
    {
      extras = (const Extra *) (gpointer) reader->matched[index]->extras->data;
      n_extras = reader->matched[index]->extras->len;
      texts = (const char *) reader->texts->data;
    }

  max_memory = MAX (MEMORY_FLOOR, RV_MAX_COMPRESSION_RATIO * reader->ctx->file_size);

  for (guint row = 0; row < n_rows; row++)
    {
      for (guint column = 0; column < n_columns; column++)
        {
          FreeXL_CellValue value;
          gboolean ok;

          while (next < n_extras &&
                 (extras[next].row < row ||
                  (extras[next].row == row && extras[next].column < column)))
            next++;

          if (next < n_extras && extras[next].row == row && extras[next].column == column)
            ok = rv_sheet_set_cell (sheet, row, column, extras[next].kind, extras[next].formula,
                                    texts + extras[next].text, -1);
          else if (freexl_get_cell_value (reader->xls, row, column, &value) != FREEXL_OK)
            {
              set_damaged (reader, error);
              return FALSE;
            }
          else
            ok = set_freexl_cell (sheet, row, column, &value);

          if (!ok)
            {
              /* Rows and columns are within the limits (BIFF's are smaller): the cell's
               * text is too long. */
              g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
                           /* Translators: the file, the sheet, then a number of kilobytes. */
                           _("“%s” is too large: a cell of sheet “%s” holds more than %u KB "
                             "of text"),
                           display_name, valid_name, RV_SHEET_MAX_CELL_BYTES / 1024);
              return FALSE;
            }
        }

      /* Shared strings let a small file fill many cells with the same long text. */
      if (*memory + rv_sheet_get_memory_size (sheet) > max_memory)
        {
          g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
                       _("“%s” is too large: its cells would take more than %u MB of memory"),
                       display_name, (guint) (max_memory >> 20));
          return FALSE;
        }

      (*rows_done)++;
      if (*rows_done % PROGRESS_ROWS == 0 &&
          !_rv_read_context_progress (reader->ctx, (double) *rows_done / reader->total_rows, error))
        return FALSE;
    }

  *memory += rv_sheet_get_memory_size (sheet);
  rv_workbook_add_sheet (workbook, sheet);
  return TRUE;
}

/**
 * _rv_xls_read:
 * @ctx: the file and how to report progress
 * @workbook: the workbook to add the sheets to
 * @error: a location for a #GError, or %NULL
 *
 * Reads a legacy Excel workbook (BIFF5 or BIFF8, Excel 95 to 2003) following the reader
 * protocol of rv-sheet-reader-private.h. Numbers come as their exact text, dates as
 * "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" (a time alone on day 0, "1900-01-00 HH:MM:SS"),
 * formulas as their cached results, marked as such.
 *
 * Returns: %TRUE on success; %FALSE with @error set: %RV_SHEET_ERROR_ENCRYPTED,
 *   %RV_SHEET_ERROR_NOT_A_SPREADSHEET (another kind of Office file),
 *   %RV_SHEET_ERROR_MALFORMED, %RV_SHEET_ERROR_TOO_LARGE, %RV_SHEET_ERROR_IO or
 *   %G_IO_ERROR_CANCELLED
 */
gboolean
_rv_xls_read (RvReadContext  *ctx,
              RvWorkbook     *workbook,
              GError        **error)
{
  g_autoptr(Reader) reader = NULL;
  guint64 rows_done = 0;
  guint64 memory = 0;

  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (RV_IS_WORKBOOK (workbook), FALSE);

  if (!_rv_read_context_progress (ctx, 0.0, error))
    return FALSE;

  reader = g_new0 (Reader, 1);
  reader->ctx = ctx;
  reader->copy_fd = -1;
  /* Zeroed, as FreeXL's record buffer starts (see scan_workbook()). */
  reader->record = g_malloc0 (BIFF_MAX_RECORD);
  reader->biff_sheets = g_ptr_array_new_with_free_func ((GDestroyNotify) biff_sheet_free);
  reader->texts = g_byte_array_new ();
  reader->substreams = g_array_new (FALSE, FALSE, sizeof (Substream));
  reader->boundsheet_offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
  reader->true_text = add_text (reader, "TRUE");
  reader->false_text = add_text (reader, "FALSE");

  if (!open_workbook_stream (reader, error) ||
      !scan_workbook (reader, error) ||
      !_rv_read_context_progress (ctx, 0.0, error) ||
      !write_freexl_copy (reader, error))
    return FALSE;

  /* The user's file is not needed any more. */
  g_clear_pointer (&reader->stream, cfb_stream_free);
  g_clear_pointer (&reader->cfb, cfb_free);

  if (!open_freexl (reader, error) || !check_sheets (reader, error))
    return FALSE;

  for (guint i = 0; i < reader->n_sheets; i++)
    if (!read_sheet (reader, i, workbook, &rows_done, &memory, error))
      return FALSE;

  return TRUE;
}
