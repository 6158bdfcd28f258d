/* rv-batch.c
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

#define G_LOG_DOMAIN "rv-batch"

#include "config.h"

#include "rv-batch.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "rv-rate-limiter.h"
#include "rv-ruc.h"

/**
 * RvBatch:
 *
 * The lookup engine. It holds the rows of a RUC column, one entry per distinct
 * normalised value, and a run answers every entry that is not final yet: from the
 * cache first, then from the providers in order, through a sliding window of requests
 * paced by a rate limiter, with retries, a circuit breaker, pause and cancel.
 *
 * Everything happens on the thread-default main context the batch was created in.
 * The database is only ever used through #RvStore's asynchronous calls, which run on
 * the store's worker thread, and every answer is on disk before it is reported.
 *
 * How a run goes, for one RUC (a "lookup"; a DNI and its RUC 10 share one):
 *
 * |[
 *   CACHE ──hit──────────────────────────────────────────────────────────▶ DONE
 *     │ miss
 *     ▼
 *   MANY (lookup_many providers, chunks) ──NULL slot──▶ next provider
 *   QUEUED ──token──▶ IN_FLIGHT ──record / not found──▶ BUFFERED ──stored──▶ DONE
 *     ▲                  │ 429: hold the limiter, lower the rate, back at the head
 *     │                  │ transient: DELAYED (full-jitter backoff), or given up
 *     └──── DELAYED ◀────┘ bad format, too many failures: given up (PENDING) ─▶ DONE
 * ]|
 */

#define DEFAULT_CONCURRENCY        10
#define DEFAULT_MAX_AGE_FOUND      (168 * 3600)
#define DEFAULT_MAX_AGE_NOT_FOUND  (24 * 3600)
#define DEFAULT_MAX_ATTEMPTS       4
#define DEFAULT_BASE_MS            1000
#define DEFAULT_CAP_MS             60000
#define DEFAULT_BREAKER_THRESHOLD  10

/* RUCs per cache read, per lookup_many() call; entries settled per main-loop iteration
 * when a run stops (a frame's worth of work, whatever the handlers of "entry-changed" do).
 */
#define CACHE_CHUNK                2000
#define MANY_CHUNK                 1000
#define SETTLE_CHUNK               2000

/* Answers are written when this many are waiting, or this long after the first. */
#define FLUSH_ANSWERS              500
#define FLUSH_DELAY_MS             250

/* At most one "progress" emission per this. */
#define PROGRESS_INTERVAL_MS       50

/* A RUC refused with 429 more often than this is given up. */
#define MAX_RATE_LIMITED           10

/* How much a 429 lowers the rate; after this many answers in a row without one (at
 * least), the rate goes back up by one such step, up to where it was.
 */
#define RATE_LIMITED_FACTOR        0.8
#define RATE_RECOVERY_ANSWERS      100

/* Rates are measured over the last 10 seconds, in half-second slots. */
#define METER_SLOT_US              (G_USEC_PER_SEC / 2)
#define METER_SLOTS                20

/* How the current (or last) run counted an entry in the progress. */
typedef enum
{
  COUNTED_NONE,
  COUNTED_TO_LOOK_UP,
  COUNTED_CACHE_HIT,
} Counted;

/* One distinct value. An entry whose rows all moved to another value
 * (rv_batch_set_row_value()) stays, without rows, so that entry numbers never change;
 * it then counts nowhere and is not looked up.
 */
typedef struct
{
  RvResult *result;
  guint    *rows;       /* every row, once the value is on more than one */
  guint     row;        /* the row, while it is on one */
  guint     n_rows;
  guint     rows_size;
  Counted   counted;    /* in progress.to_look_up or progress.cache_hits */
} Entry;

typedef enum
{
  LOOKUP_CACHE,       /* not read from the cache yet */
  LOOKUP_MANY,        /* queued for, or in, a lookup_many() call */
  LOOKUP_QUEUED,      /* in the window's queue */
  LOOKUP_DELAYED,     /* waiting for a backoff to end */
  LOOKUP_IN_FLIGHT,   /* asked, no answer yet */
  LOOKUP_WAITING,     /* stopped: the run is ending */
  LOOKUP_BUFFERED,    /* answered, being written to the store */
  LOOKUP_DONE,        /* reported, or given up */
} LookupState;

/* One RUC to look up in a run, for the one or two entries that need it. */
typedef struct
{
  char         ruc[12];
  LookupState  state;
  guint        entry;
  GArray      *more_entries;  /* (nullable) further entries with the same RUC */
  guint        provider;      /* the provider to ask */
  guint        attempts;      /* transient failures with that provider */
  guint        rate_limited;  /* 429 answers */
  gint64       due_us;        /* when a delayed retry is due */
} Lookup;

/* Events per minute over the last 10 seconds. */
typedef struct
{
  guint  slots[METER_SLOTS];
  gint64 slot;       /* the newest slot: time / METER_SLOT_US */
  gint64 since_us;   /* when measuring started */
} RateMeter;

/* One run: created by rv_batch_run_async(), freed once its task has returned. Every
 * callback and source holds a reference, and the run holds the batch, so nothing
 * that arrives late can touch freed memory.
 */
typedef struct
{
  RvBatch       *batch;
  GTask         *task;
  GCancellable  *cancellable;         /* ours: cancelled to stop everything */
  GCancellable  *caller_cancellable;  /* (nullable) linked to ours */
  gulong         caller_handler;
  GSource       *cancel_source;

  Lookup        *lookups;
  guint          n_lookups;
  guint          n_open;              /* lookups not DONE */
  guint          n_ops;               /* asynchronous calls waiting for their callback */

  guint          cache_next;          /* the first lookup not read from the cache yet */
  guint          settle_next;         /* the first lookup not settled yet, when stopping */

  GQueue         queue;               /* (element-type Lookup) for one-at-a-time providers */
  GQueue         delayed;             /* (element-type Lookup) by due time */
  GQueue        *many_queues;         /* one per provider, for lookup_many() */
  gboolean      *many_busy;
  guint          in_flight;
  guint          many_in_flight;

  GSource       *kick_source;
  GSource       *chunk_source;        /* misses without a cache, or settling at the end */
  GSource       *rate_source;
  gint64         rate_due_us;
  GSource       *delay_source;
  GSource       *flush_source;

  GPtrArray     *buffer_records;      /* (element-type RvRecord) answers to write */
  GPtrArray     *buffer_lookups;      /* (element-type Lookup) parallel */
  gboolean       flushing;
  gboolean       flush_due;
  gboolean       store_failed;

  guint          consecutive_failures;
  guint          rate_limited_streak;
  gint64         rate_changed_us;

  RateMeter      answers;
  double         latency_us;          /* moving average of the requests' round trips */

  gboolean       pumping;
  gboolean       stopping;
  gboolean       finished;
  GError        *stop_error;
  char          *stop_reason;
} Run;

typedef struct
{
  Run    *run;
  Lookup *lookup;
  gint64  sent_us;
} Request;

typedef struct
{
  Run        *run;
  guint       provider;
  GPtrArray  *lookups;
  char      **rucs;     /* borrowed from the lookups */
} ManyRequest;

typedef struct
{
  Run   *run;
  guint  first;
  guint  n;
} CacheRead;

typedef struct
{
  Run       *run;
  GPtrArray *records;
  GPtrArray *lookups;
} Flush;

struct _RvBatch
{
  GObject          parent_instance;

  GMainContext    *context;
  RvStore         *store;
  GPtrArray       *providers;
  char            *offline_reason;
  char            *cancel_reason;

  guint            concurrency;
  guint            rate;
  gint64           max_age_found;
  gint64           max_age_not_found;
  guint            max_attempts;
  guint            base_ms;
  guint            cap_ms;
  guint            breaker_threshold;

  GArray          *entries;           /* Entry */
  GArray          *row_entries;       /* int per row, -1 for none */
  GHashTable      *index;             /* normalised key → entry + 1 */
  int              empty_entry;

  RvBatchState     state;
  GError          *last_error;
  RvBatchProgress  progress;
  gint64           running_since_us;  /* 0 unless RUNNING */
  gint64           elapsed_us;        /* before running_since_us */
  GSource         *progress_source;

  RvRateLimiter   *limiter;
  double           limiter_rate;      /* the rate last configured (0: none) */
  double           current_rate;      /* the rate applied now, lowered by 429s */
  double           ceiling_rate;      /* before 429s lowered it; 0 when not lowered */
  guint            calm_answers;      /* answers since the last 429 */
  GRand           *rand;
  Run             *run;
};

G_DEFINE_FINAL_TYPE (RvBatch, rv_batch, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (RvBatchState, rv_batch_state,
  G_DEFINE_ENUM_VALUE (RV_BATCH_STATE_READY, "ready"),
  G_DEFINE_ENUM_VALUE (RV_BATCH_STATE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (RV_BATCH_STATE_PAUSED, "paused"),
  G_DEFINE_ENUM_VALUE (RV_BATCH_STATE_UNAVAILABLE, "unavailable"))

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

enum {
  PROGRESS,
  ENTRY_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void     pump                  (Run          *run);
static void     maybe_finish          (Run          *run);
static void     flush                 (Run          *run);
static void     cache_read_next       (Run          *run);

static gboolean progress_timeout_cb   (gpointer      user_data);
static gboolean kick_cb               (gpointer      user_data);
static gboolean misses_cb             (gpointer      user_data);
static gboolean settle_cb             (gpointer      user_data);
static gboolean start_cb              (gpointer      user_data);
static gboolean flush_timeout_cb      (gpointer      user_data);
static gboolean delay_timeout_cb      (gpointer      user_data);
static gboolean rate_timeout_cb       (gpointer      user_data);
static void     on_caller_cancelled   (GCancellable *cancellable,
                                       gpointer      user_data);
static gboolean run_cancelled_cb      (GCancellable *cancellable,
                                       gpointer      user_data);
static void     on_lookup_done        (GObject      *object,
                                       GAsyncResult *result,
                                       gpointer      user_data);
static void     on_lookup_many_done   (GObject      *object,
                                       GAsyncResult *result,
                                       gpointer      user_data);
static void     on_cache_read         (GObject      *object,
                                       GAsyncResult *result,
                                       gpointer      user_data);
static void     on_flushed            (GObject      *object,
                                       GAsyncResult *result,
                                       gpointer      user_data);

/* Helpers */

static Run *
run_ref (Run *run)
{
  return g_atomic_rc_box_acquire (run);
}

static void
run_clear (Run *run)
{
  for (guint i = 0; i < run->n_lookups; i++)
    g_clear_pointer (&run->lookups[i].more_entries, g_array_unref);
  g_free (run->lookups);
  g_queue_clear (&run->queue);
  g_queue_clear (&run->delayed);
  if (run->batch != NULL && run->many_queues != NULL)
    for (guint k = 0; k < run->batch->providers->len; k++)
      g_queue_clear (&run->many_queues[k]);
  g_free (run->many_queues);
  g_free (run->many_busy);
  g_clear_pointer (&run->buffer_records, g_ptr_array_unref);
  g_clear_pointer (&run->buffer_lookups, g_ptr_array_unref);
  g_clear_object (&run->task);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->caller_cancellable);
  g_clear_error (&run->stop_error);
  g_clear_pointer (&run->stop_reason, g_free);
  g_clear_object (&run->batch);
}

static void
run_unref (Run *run)
{
  g_atomic_rc_box_release_full (run, (GDestroyNotify) run_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_unref)

static void
many_request_free (ManyRequest *request)
{
  g_clear_pointer (&request->run, run_unref);
  g_clear_pointer (&request->lookups, g_ptr_array_unref);
  g_free (request->rucs);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ManyRequest, many_request_free)

static void
flush_free (Flush *data)
{
  g_clear_pointer (&data->run, run_unref);
  g_clear_pointer (&data->records, g_ptr_array_unref);
  g_clear_pointer (&data->lookups, g_ptr_array_unref);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Flush, flush_free)

/* Destroys a source the run or the batch keeps, from outside its callback. */
static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/* A chunked callback is done: forgets its source, unless the run has moved on to
 * another one meanwhile.
 */
static void
chunk_done (Run     *run,
            GSource *source)
{
  if (run->chunk_source == source)
    g_clear_pointer (&run->chunk_source, g_source_unref);
}

/* A timeout (or, for @ms < 0, an idle) on the batch's context, holding the run. */
static GSource *
run_add_source (Run         *run,
                int          ms,
                GSourceFunc  func,
                const char  *name)
{
  GSource *source = ms < 0 ? g_idle_source_new () : g_timeout_source_new (ms);

  g_source_set_callback (source, func, run_ref (run), (GDestroyNotify) run_unref);
  g_source_set_static_name (source, name);
  g_source_attach (source, run->batch->context);
  return source;
}

static guint
ms_until (gint64 due_us,
          gint64 now_us)
{
  gint64 wait = due_us - now_us;

  if (wait <= 0)
    return 0;
  /* Rounded up: a timer that fires early would only be armed again. */
  return (guint) MIN ((wait + 999) / 1000, G_MAXUINT);
}

static void
meter_reset (RateMeter *meter,
             gint64     now_us)
{
  memset (meter->slots, 0, sizeof meter->slots);
  meter->slot = now_us / METER_SLOT_US;
  meter->since_us = now_us;
}

static void
meter_advance (RateMeter *meter,
               gint64     now_us)
{
  gint64 slot = now_us / METER_SLOT_US;

  if (slot <= meter->slot)
    return;
  if (slot - meter->slot >= METER_SLOTS)
    memset (meter->slots, 0, sizeof meter->slots);
  else
    for (gint64 s = meter->slot + 1; s <= slot; s++)
      meter->slots[s % METER_SLOTS] = 0;
  meter->slot = slot;
}

static void
meter_add (RateMeter *meter,
           gint64     now_us)
{
  meter_advance (meter, now_us);
  meter->slots[meter->slot % METER_SLOTS]++;
}

/* Events per minute over the last @n_slots slots (the current one included). */
static double
meter_per_minute (RateMeter *meter,
                  gint64     now_us,
                  guint      n_slots,
                  gint64     min_span_us)
{
  gint64 window_start;
  gint64 span;
  guint sum = 0;

  g_assert (n_slots >= 1 && n_slots <= METER_SLOTS);

  meter_advance (meter, now_us);
  for (guint i = 0; i < n_slots; i++)
    sum += meter->slots[(meter->slot - i) % METER_SLOTS];

  window_start = MAX (meter->since_us, (meter->slot - n_slots + 1) * METER_SLOT_US);
  span = MAX (now_us - window_start, min_span_us);
  return sum * 60.0 * G_USEC_PER_SEC / span;
}

static guint
lookup_n_entries (const Lookup *lookup)
{
  return 1 + (lookup->more_entries != NULL ? lookup->more_entries->len : 0);
}

static guint
lookup_get_entry (const Lookup *lookup,
                  guint         i)
{
  return i == 0 ? lookup->entry : g_array_index (lookup->more_entries, guint, i - 1);
}

static Entry *
get_entry (RvBatch *self,
           guint    i)
{
  return &g_array_index (self->entries, Entry, i);
}

/* Adds @row to @entry's rows, in order: at the end when rows are added, the usual case,
 * so that the search from the end costs nothing then.
 */
static void
entry_add_row (Entry *entry,
               guint  row)
{
  if (entry->n_rows == 0)
    {
      entry->row = row;
    }
  else
    {
      guint pos;

      if (entry->n_rows == 1)
        {
          entry->rows_size = 4;
          entry->rows = g_new (guint, entry->rows_size);
          entry->rows[0] = entry->row;
        }
      else if (entry->n_rows == entry->rows_size)
        {
          entry->rows_size *= 2;
          entry->rows = g_renew (guint, entry->rows, entry->rows_size);
        }

      for (pos = entry->n_rows; pos > 0 && entry->rows[pos - 1] > row; pos--)
        ;
      memmove (entry->rows + pos + 1, entry->rows + pos,
               (entry->n_rows - pos) * sizeof (guint));
      entry->rows[pos] = row;
    }
  entry->n_rows++;
}

static void
entry_remove_row (Entry *entry,
                  guint  row)
{
  guint pos;

  g_assert (entry->n_rows > 0);

  if (entry->n_rows == 1)
    {
      g_assert (entry->row == row);
      entry->n_rows = 0;
      return;
    }

  for (pos = 0; pos < entry->n_rows && entry->rows[pos] != row; pos++)
    ;
  g_assert (pos < entry->n_rows);
  memmove (entry->rows + pos, entry->rows + pos + 1,
           (entry->n_rows - pos - 1) * sizeof (guint));
  entry->n_rows--;

  /* Back to one row: kept in place, as entry_add_row() expects. */
  if (entry->n_rows == 1)
    {
      entry->row = entry->rows[0];
      g_clear_pointer (&entry->rows, g_free);
      entry->rows_size = 0;
    }
}

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_clear_pointer (&entry->result, rv_result_unref);
  g_clear_pointer (&entry->rows, g_free);
}

/* Progress is coalesced: a change arms one timer, and its emission shows every change
 * made meanwhile, so "progress" is emitted at most once per PROGRESS_INTERVAL_MS.
 */
static void
mark_progress (RvBatch *self)
{
  if (self->progress_source != NULL)
    return;

  self->progress_source = g_timeout_source_new (PROGRESS_INTERVAL_MS);
  g_source_set_callback (self->progress_source, progress_timeout_cb, self, NULL);
  g_source_set_static_name (self->progress_source, "[rv-batch] progress");
  g_source_attach (self->progress_source, self->context);
}

static void
set_state (RvBatch      *self,
           RvBatchState  state)
{
  gint64 now = g_get_monotonic_time ();

  if (self->state == state)
    return;

  /* Elapsed time counts RUNNING only: pauses and outages are left out. */
  if (self->state == RV_BATCH_STATE_RUNNING)
    {
      self->elapsed_us += now - self->running_since_us;
      self->running_since_us = 0;
    }
  self->state = state;
  if (state == RV_BATCH_STATE_RUNNING)
    self->running_since_us = now;

  mark_progress (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_last_error (RvBatch      *self,
                const GError *error)
{
  g_clear_error (&self->last_error);
  self->last_error = g_error_copy (error);
}

/* Brings the time-dependent fields of the progress up to date. */
static void
update_progress (RvBatch *self)
{
  gint64 now = g_get_monotonic_time ();
  Run *run = self->run;

  self->progress.done = self->progress.unique - self->progress.counts[RV_VERDICT_PENDING];
  self->progress.elapsed_us = self->elapsed_us;
  if (self->running_since_us != 0)
    self->progress.elapsed_us += now - self->running_since_us;

  if (run == NULL)
    return;

  self->progress.in_flight = run->in_flight + run->many_in_flight;
  /* Over half a second at least, so that the first answer is not a rate of millions. */
  self->progress.rate = meter_per_minute (&run->answers, now, METER_SLOTS, G_USEC_PER_SEC / 2);
  if (self->progress.rate > 0 && run->cache_next >= run->n_lookups)
    self->progress.eta_us = (gint64) (run->n_open * 60.0 * G_USEC_PER_SEC /
                                      self->progress.rate);
  else
    self->progress.eta_us = -1;
}

/* Checks @raw offline and returns the entry of its normalised value: a new one, without
 * rows and so not counted yet, if no entry holds it. All empty cells share one entry.
 */
static guint
ensure_entry (RvBatch    *self,
              const char *raw)
{
  RvRucParse parse;
  /* The key is what the result's value will be, with its kind in front. */
  char digits_key[2 + sizeof parse.value];
  g_autofree char *text_key = NULL;
  const char *key;
  gpointer found;
  Entry entry = { NULL, };
  guint index;

  rv_ruc_parse (raw, &parse);

  if (parse.reason == RV_RUC_REASON_EMPTY)
    {
      if (self->empty_entry < 0)
        {
          entry.result = rv_result_new (&parse, raw);
          self->empty_entry = self->entries->len;
          g_array_append_val (self->entries, entry);
        }
      return self->empty_entry;
    }

  if (parse.kind != RV_ID_KIND_NONE ||
      (parse.value[0] != 0 && parse.reason != RV_RUC_REASON_NOT_A_NUMBER))
    {
      digits_key[0] = '0' + parse.kind;
      memcpy (digits_key + 1, parse.value, sizeof parse.value);
      key = digits_key;
    }
  else
    {
      g_autofree char *text = g_strstrip (g_strdup (raw));

      key = text_key = g_strconcat ("T", text, NULL);
    }

  if (g_hash_table_lookup_extended (self->index, key, NULL, &found))
    return GPOINTER_TO_UINT (found) - 1;

  entry.result = rv_result_new (&parse, raw);
  index = self->entries->len;
  g_array_append_val (self->entries, entry);
  g_hash_table_insert (self->index,
                       text_key != NULL ? g_steal_pointer (&text_key) : g_strdup (key),
                       GUINT_TO_POINTER (index + 1));
  return index;
}

/* Whether an entry counts in the progress: a value that is not empty, on a row at least. */
static gboolean
entry_is_counted (RvBatch *self,
                  guint    index)
{
  return (int) index != self->empty_entry && get_entry (self, index)->n_rows > 0;
}

/* Puts @row on entry @index. An entry that had no row starts to count in the progress,
 * as the run counted it (an entry left without rows keeps how the run counted it, and
 * counts that way again if a row gets its value back).
 */
static void
attach_row (RvBatch *self,
            guint    index,
            guint    row)
{
  Entry *entry = get_entry (self, index);

  if (entry->n_rows == 0 && (int) index != self->empty_entry)
    {
      self->progress.unique++;
      self->progress.counts[rv_result_get_verdict (entry->result)]++;
      if (entry->counted == COUNTED_TO_LOOK_UP)
        self->progress.to_look_up++;
      else if (entry->counted == COUNTED_CACHE_HIT)
        self->progress.cache_hits++;
    }
  entry_add_row (entry, row);
}

/* Takes @row off entry @index. An entry left without rows counts nowhere: the progress
 * is then what a batch built with the rows' values now would show.
 */
static void
detach_row (RvBatch *self,
            guint    index,
            guint    row)
{
  Entry *entry = get_entry (self, index);

  entry_remove_row (entry, row);
  if (entry->n_rows == 0 && (int) index != self->empty_entry)
    {
      self->progress.unique--;
      self->progress.counts[rv_result_get_verdict (entry->result)]--;
      if (entry->counted == COUNTED_TO_LOOK_UP)
        self->progress.to_look_up--;
      else if (entry->counted == COUNTED_CACHE_HIT)
        self->progress.cache_hits--;
    }
}

/* The one place an entry's result changes: counts follow, and "entry-changed" says so. */
static void
replace_result (RvBatch  *self,
                guint     index,
                RvResult *result)
{
  Entry *entry = get_entry (self, index);

  if (entry_is_counted (self, index))
    {
      self->progress.counts[rv_result_get_verdict (entry->result)]--;
      self->progress.counts[rv_result_get_verdict (result)]++;
    }
  g_clear_pointer (&entry->result, rv_result_unref);
  entry->result = result;

  mark_progress (self);
  g_signal_emit (self, signals[ENTRY_CHANGED], 0, index);
}

static RvProvider *
get_provider (RvBatch *self,
              guint    index)
{
  return g_ptr_array_index (self->providers, index);
}

/* The rate the limiter applies: the one set, else the default of the first provider
 * that answers one RUC at a time (those are the requests it paces).
 */
static double
effective_rate (RvBatch *self)
{
  if (self->rate > 0)
    return self->rate;

  for (guint k = 0; k < self->providers->len; k++)
    if (!rv_provider_can_lookup_many (get_provider (self, k)))
      return rv_provider_get_default_rate (get_provider (self, k));

  return 0;
}

/* Applies @per_minute (0: no limit) to the limiter. Requests are spaced evenly (a
 * bucket of one token) up to 60,000 a minute. Above that, timers on the main loop, which
 * wake up with millisecond precision at best, could not start more than one request a
 * millisecond: the bucket then holds what two milliseconds bring, and the rate is lowered
 * by those extra tokens, so that no minute ever holds more than @per_minute.
 */
static void
apply_rate (RvBatch *self,
            double   per_minute)
{
  guint burst = 1;

  self->current_rate = per_minute;
  if (per_minute > 60000)
    burst = (guint) ceil (2 * per_minute / 60000);

  rv_rate_limiter_set_burst (self->limiter, burst);
  rv_rate_limiter_set_rate (self->limiter, per_minute - (burst - 1), g_get_monotonic_time ());
}

static void
configure_limiter (RvBatch *self)
{
  double rate = effective_rate (self);

  if (self->limiter == NULL)
    {
      self->limiter = rv_rate_limiter_new (0, 1);
      apply_rate (self, rate);
      self->limiter_rate = rate;
    }
  else if (rate != self->limiter_rate)
    {
      /* A rate lowered by 429s is kept from run to run until the setting changes. */
      apply_rate (self, rate);
      self->limiter_rate = rate;
      self->ceiling_rate = 0;
    }
}

/* Looks at the run again from the main loop: after a resume, a new setting, or at the
 * start, so that nothing completes inside the caller's own call.
 */
static void
kick (Run *run)
{
  if (run->kick_source == NULL && !run->finished)
    run->kick_source = run_add_source (run, -1, kick_cb, "[rv-batch] kick");
}

/* Settles a lookup without an answer: its entries stay PENDING, with @reason. */
/* Closes @lookup: its entries get @record's answer, or, without one, stay pending with
 * @reason.
 */
static void
settle (Run        *run,
        Lookup     *lookup,
        RvRecord   *record,
        const char *reason)
{
  RvBatch *self = run->batch;

  g_assert (lookup->state != LOOKUP_DONE);
  g_assert (record != NULL || reason != NULL);

  lookup->state = LOOKUP_DONE;
  run->n_open--;
  for (guint i = 0; i < lookup_n_entries (lookup); i++)
    {
      guint index = lookup_get_entry (lookup, i);
      Entry *entry = get_entry (self, index);

      replace_result (self, index, record != NULL ? rv_result_new_answered (entry->result, record)
                                                  : rv_result_new_pending (entry->result, reason));
    }
}

static void
give_up (Run        *run,
         Lookup     *lookup,
         const char *reason)
{
  settle (run, lookup, NULL, reason);
}

/* Reports an answer that is in the store (or that needs none): the entries get it. */
static void
report_answer (Run      *run,
               Lookup   *lookup,
               RvRecord *record)
{
  settle (run, lookup, record, NULL);
}

/* Sends @lookup to the provider it is at: a lookup_many() queue, or the window's. */
static void
route (Run    *run,
       Lookup *lookup)
{
  RvBatch *self = run->batch;

  if (lookup->provider >= self->providers->len)
    {
      give_up (run, lookup, self->offline_reason);
      return;
    }

  if (rv_provider_can_lookup_many (get_provider (self, lookup->provider)))
    {
      lookup->state = LOOKUP_MANY;
      g_queue_push_tail (&run->many_queues[lookup->provider], lookup);
    }
  else
    {
      lookup->state = LOOKUP_QUEUED;
      g_queue_push_tail (&run->queue, lookup);
    }
}

/* The provider at @lookup has no answer: the next one is asked, if there is one. */
static void
fall_through (Run        *run,
              Lookup     *lookup,
              const char *last_reason)
{
  RvBatch *self = run->batch;

  if (lookup->provider + 1 >= self->providers->len)
    {
      give_up (run, lookup, last_reason);
      return;
    }

  lookup->provider++;
  lookup->attempts = 0;
  lookup->rate_limited = 0;
  route (run, lookup);
}

/* After a 429 lowered the rate, a long enough run of answers without one raises it a
 * step again, up to where it was (no limit, if there was none): a lone 429 must not slow
 * down the hours of a long run that follow it.
 */
static void
recover_rate (RvBatch *self)
{
  double rate;

  if (self->ceiling_rate <= 0 ||
      ++self->calm_answers < MAX (RATE_RECOVERY_ANSWERS, self->concurrency * 10))
    return;

  self->calm_answers = 0;
  rate = self->current_rate / RATE_LIMITED_FACTOR;
  if (rate >= self->ceiling_rate)
    {
      rate = self->limiter_rate;
      self->ceiling_rate = 0;
    }

  g_debug ("No 429 for a while: the rate goes up to %g/min", rate);
  apply_rate (self, rate);
}

/* An answer: the record is completed (provider, time, source) on a copy, and written
 * to the store before anyone hears of it.
 */
static void
take_answer (Run        *run,
             Lookup     *lookup,
             RvProvider *provider,
             RvRecord   *record)
{
  RvBatch *self = run->batch;
  g_autoptr(RvRecord) answer = rv_record_copy (record);

  if (rv_record_get_provider (answer) == NULL)
    rv_record_set_provider (answer, rv_provider_get_id (provider));
  if (rv_record_get_checked_at (answer) <= 0)
    rv_record_set_checked_at (answer, g_get_real_time () / G_USEC_PER_SEC);
  if (rv_record_get_source (answer) == RV_SOURCE_NONE ||
      rv_record_get_source (answer) == RV_SOURCE_CACHE)
    rv_record_set_source (answer, RV_SOURCE_API);

  run->consecutive_failures = 0;
  run->rate_limited_streak = 0;
  meter_add (&run->answers, g_get_monotonic_time ());
  recover_rate (self);

  if (self->store == NULL)
    {
      report_answer (run, lookup, answer);
      return;
    }

  if (run->store_failed)
    return;

  lookup->state = LOOKUP_BUFFERED;
  g_ptr_array_add (run->buffer_records, g_steal_pointer (&answer));
  g_ptr_array_add (run->buffer_lookups, lookup);

  if (run->buffer_records->len >= FLUSH_ANSWERS || run->stopping)
    flush (run);
  else if (run->flush_source == NULL)
    run->flush_source = run_add_source (run, FLUSH_DELAY_MS, flush_timeout_cb,
                                        "[rv-batch] flush");
}

/* A NOT_FOUND from the provider at @lookup: the next one is asked, or it is the verdict. */
static void
take_not_found (Run    *run,
                Lookup *lookup)
{
  RvBatch *self = run->batch;
  RvProvider *provider = get_provider (self, lookup->provider);
  g_autoptr(RvRecord) record = NULL;

  run->consecutive_failures = 0;
  run->rate_limited_streak = 0;

  if (lookup->provider + 1 < self->providers->len)
    {
      fall_through (run, lookup, NULL);
      return;
    }

  record = rv_record_new (lookup->ruc, FALSE);
  rv_record_set_provider (record, rv_provider_get_id (provider));
  rv_record_set_checked_at (record, g_get_real_time () / G_USEC_PER_SEC);
  rv_record_set_source (record, RV_SOURCE_API);
  take_answer (run, lookup, provider, record);
}

static int
compare_due (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  const Lookup *la = a;
  const Lookup *lb = b;

  return (la->due_us > lb->due_us) - (la->due_us < lb->due_us);
}

/* One timer for every delayed retry: it is armed for the earliest. */
static void
arm_delay_timer (Run *run)
{
  Lookup *first = g_queue_peek_head (&run->delayed);

  clear_source (&run->delay_source);
  if (first != NULL && !run->stopping)
    run->delay_source = run_add_source (run, ms_until (first->due_us, g_get_monotonic_time ()),
                                        delay_timeout_cb, "[rv-batch] backoff");
}

static void
delay (Run    *run,
       Lookup *lookup,
       gint64  due_us)
{
  lookup->state = LOOKUP_DELAYED;
  lookup->due_us = due_us;
  g_queue_insert_sorted (&run->delayed, lookup, compare_due, NULL);

  if (g_queue_peek_head (&run->delayed) == lookup)
    arm_delay_timer (run);
}

static void
take_transient (Run          *run,
                Lookup       *lookup,
                const GError *error)
{
  RvBatch *self = run->batch;

  /* The breaker counts RUCs, not attempts: a few RUCs the provider always fails on, retried,
   * are not an outage; many different RUCs failing in a row are. */
  if (lookup->attempts == 0)
    run->consecutive_failures++;
  lookup->attempts++;

  if (lookup->attempts >= self->max_attempts)
    {
      /* Translators: the first %s is the provider's explanation ("Timeout"), %u how many
       * times the RUC was asked. */
      g_autofree char *reason =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Not checked: %s (after %u attempt)",
                                      "Not checked: %s (after %u attempts)", lookup->attempts),
                         error->message, lookup->attempts);

      give_up (run, lookup, reason);
    }
  else
    {
      /* Full jitter: a random wait up to the exponential ceiling, so that the requests
       * that failed together do not come back together.
       */
      guint64 ceiling = (guint64) self->base_ms << MIN (lookup->attempts - 1, 32u);
      gint32 delay_ms;

      ceiling = MIN (ceiling, (guint64) self->cap_ms);
      ceiling = MIN (ceiling, (guint64) G_MAXINT32 - 1);
      delay_ms = g_rand_int_range (self->rand, 0, (gint32) ceiling + 1);
      delay (run, lookup, g_get_monotonic_time () + (gint64) delay_ms * 1000);
    }

  if (self->breaker_threshold > 0 &&
      run->consecutive_failures >= self->breaker_threshold &&
      self->state == RV_BATCH_STATE_RUNNING)
    {
      set_last_error (self, error);
      set_state (self, RV_BATCH_STATE_UNAVAILABLE);
    }
}

static void
take_rate_limited (Run          *run,
                   Lookup       *lookup,
                   gint64        sent_us,
                   const GError *error)
{
  RvBatch *self = run->batch;
  gint64 now = g_get_monotonic_time ();
  gint64 retry_after_ms = rv_provider_error_get_retry_after (error);

  self->calm_answers = 0;
  lookup->rate_limited++;
  if (lookup->rate_limited > MAX_RATE_LIMITED)
    {
      /* Translators: %s is the provider's explanation of a 429 answer. */
      g_autofree char *reason =
        g_strdup_printf (_("Not checked: the provider kept limiting requests (%s)"),
                         error->message);

      give_up (run, lookup, reason);
      return;
    }

  if (retry_after_ms >= 0)
    rv_rate_limiter_hold (self->limiter, now + retry_after_ms * 1000);

  /* The requests in flight when the rate changed were sent too fast, and their 429s
   * say nothing new: the rate is lowered once per wave, not once per refusal.
   */
  if (sent_us >= run->rate_changed_us)
    {
      double rate = self->current_rate;

      if (retry_after_ms < 0)
        {
          guint64 pause_ms = (guint64) self->base_ms << MIN (run->rate_limited_streak, 32u);

          pause_ms = MIN (pause_ms, (guint64) self->cap_ms);
          run->rate_limited_streak++;
          rv_rate_limiter_hold (self->limiter, now + (gint64) pause_ms * 1000);
        }

      /* Unlimited so far: start from the rate the window allows now, a full window
       * over the requests' round trip (Little's law), or one a second for each place
       * of the window before any came back. A rate measured over the past would be
       * the slower one a previous 429 imposed.
       */
      if (rate <= 0 && run->latency_us > 0)
        rate = self->concurrency * 60.0 * G_USEC_PER_SEC / run->latency_us;
      if (rate <= 0)
        rate = self->concurrency * 60.0;
      if (self->ceiling_rate <= 0)
        self->ceiling_rate = rate;
      rate = MAX (1.0, rate * RATE_LIMITED_FACTOR);
      g_debug ("Rate limited: the rate goes down to %g/min", rate);
      apply_rate (self, rate);
      run->rate_changed_us = now;
    }

  lookup->state = LOOKUP_QUEUED;
  g_queue_push_head (&run->queue, lookup);
}

/* Stops the run: nothing new is sent, what is in flight is cancelled, what was answered
 * is written; the run completes with @error once every callback is back. The entries
 * still unanswered then get @reason.
 */
static void
stop_run (Run          *run,
          const GError *error,
          const char   *reason)
{
  RvBatch *self = run->batch;

  if (run->stopping)
    {
      /* A store failure while stopping is what the caller must hear about: answers
       * were lost.
       */
      if (error->domain == RV_STORE_ERROR && run->stop_error->domain != RV_STORE_ERROR)
        {
          g_clear_error (&run->stop_error);
          run->stop_error = g_error_copy (error);
          set_last_error (self, error);
        }
      return;
    }

  g_debug ("Stopping the run: %s", error->message);

  run->stopping = TRUE;
  run->stop_error = g_error_copy (error);
  run->stop_reason = g_strdup (reason);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_last_error (self, error);

  clear_source (&run->rate_source);
  clear_source (&run->delay_source);
  clear_source (&run->chunk_source);
  g_cancellable_cancel (run->cancellable);

  if (!run->store_failed)
    flush (run);
  mark_progress (self);
}

static void
store_failed (Run          *run,
              const GError *error)
{
  /* Translators: %s is the database's explanation ("The disk is full"). */
  g_autofree char *reason = g_strdup_printf (_("Not checked: the answer could not be saved (%s)"),
                                             error->message);

  run->store_failed = TRUE;

  /* Never report an answer that is not stored. */
  for (guint i = 0; i < run->buffer_lookups->len; i++)
    give_up (run, g_ptr_array_index (run->buffer_lookups, i), reason);
  g_ptr_array_set_size (run->buffer_records, 0);
  g_ptr_array_set_size (run->buffer_lookups, 0);
  clear_source (&run->flush_source);

  stop_run (run, error, reason);
}

static void
send_request (Run    *run,
              Lookup *lookup,
              gint64  now)
{
  RvBatch *self = run->batch;
  Request *request = g_new0 (Request, 1);

  request->run = run_ref (run);
  request->lookup = lookup;
  request->sent_us = now;

  if (lookup->attempts > 0 || lookup->rate_limited > 0)
    self->progress.retries++;
  self->progress.requests++;
  lookup->state = LOOKUP_IN_FLIGHT;
  run->in_flight++;
  run->n_ops++;
  mark_progress (self);

  rv_provider_lookup_async (get_provider (self, lookup->provider), lookup->ruc,
                            run->cancellable, on_lookup_done, request);
}

static void
dispatch_many (Run   *run,
               guint  k)
{
  RvBatch *self = run->batch;
  GQueue *queue = &run->many_queues[k];
  ManyRequest *request;
  guint n;

  if (run->many_busy[k] || g_queue_is_empty (queue))
    return;

  n = MIN (g_queue_get_length (queue), MANY_CHUNK);
  request = g_new0 (ManyRequest, 1);
  request->run = run_ref (run);
  request->provider = k;
  request->lookups = g_ptr_array_sized_new (n);
  request->rucs = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      Lookup *lookup = g_queue_pop_head (queue);

      lookup->state = LOOKUP_MANY;
      g_ptr_array_add (request->lookups, lookup);
      request->rucs[i] = lookup->ruc;
    }

  run->many_busy[k] = TRUE;
  run->many_in_flight++;
  run->n_ops++;
  self->progress.requests++;
  mark_progress (self);

  rv_provider_lookup_many_async (get_provider (self, k), (const char * const *) request->rucs,
                                 n, run->cancellable, on_lookup_many_done, request);
}

static gboolean
is_fresh_enough (RvBatch  *self,
                 RvRecord *record)
{
  /* The store counts an answer of this very second as age 0: a maximum age of 0 must
   * still mean "ask again".
   */
  if (rv_record_get_found (record))
    return self->max_age_found != 0;
  return self->max_age_not_found != 0;
}

static void
take_cache_hit (Run      *run,
                Lookup   *lookup,
                RvRecord *record)
{
  RvBatch *self = run->batch;
  g_autoptr(RvRecord) hit = NULL;

  if (rv_record_get_source (record) == RV_SOURCE_CACHE)
    {
      hit = rv_record_ref (record);
    }
  else
    {
      hit = rv_record_copy (record);
      rv_record_set_source (hit, RV_SOURCE_CACHE);
    }

  for (guint i = 0; i < lookup_n_entries (lookup); i++)
    get_entry (self, lookup_get_entry (lookup, i))->counted = COUNTED_CACHE_HIT;
  self->progress.cache_hits += lookup_n_entries (lookup);
  report_answer (run, lookup, hit);
}

static void
take_miss (Run    *run,
           Lookup *lookup)
{
  RvBatch *self = run->batch;

  for (guint i = 0; i < lookup_n_entries (lookup); i++)
    get_entry (self, lookup_get_entry (lookup, i))->counted = COUNTED_TO_LOOK_UP;
  self->progress.to_look_up += lookup_n_entries (lookup);
  route (run, lookup);
}

/* The cache is read one chunk at a time, so that the misses of the first chunks are
 * asked while the next ones are read, and answers can be written in between.
 */
static void
cache_read_next (Run *run)
{
  RvBatch *self = run->batch;
  g_autofree char **rucs = NULL;
  CacheRead *read;
  guint n;

  if (run->stopping || run->cache_next >= run->n_lookups)
    return;

  /* Without a cache (or asked to ignore it), every lookup is a miss: taken in chunks
   * all the same, so that the main loop breathes.
   */
  if (self->store == NULL || (self->max_age_found == 0 && self->max_age_not_found == 0))
    {
      if (run->chunk_source == NULL)
        run->chunk_source = run_add_source (run, -1, misses_cb, "[rv-batch] misses");
      return;
    }

  n = MIN (CACHE_CHUNK, run->n_lookups - run->cache_next);
  rucs = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    rucs[i] = run->lookups[run->cache_next + i].ruc;

  read = g_new0 (CacheRead, 1);
  read->run = run_ref (run);
  read->first = run->cache_next;
  read->n = n;
  run->cache_next += n;
  run->n_ops++;

  /* The store copies the RUCs. */
  rv_store_get_records_async (self->store, rucs, self->max_age_found, self->max_age_not_found,
                              run->cancellable, on_cache_read, read);
}

/* Writes the buffered answers in one transaction; one write at a time. The store is not
 * given the run's cancellable: a cancelled run still keeps what it was told.
 */
static void
flush (Run *run)
{
  RvBatch *self = run->batch;
  Flush *data;

  if (run->flushing)
    {
      run->flush_due = TRUE;
      return;
    }

  clear_source (&run->flush_source);
  if (run->buffer_records->len == 0 || run->store_failed)
    return;

  data = g_new0 (Flush, 1);
  data->run = run_ref (run);
  data->records = g_steal_pointer (&run->buffer_records);
  data->lookups = g_steal_pointer (&run->buffer_lookups);
  run->buffer_records = g_ptr_array_new_with_free_func ((GDestroyNotify) rv_record_unref);
  run->buffer_lookups = g_ptr_array_new ();
  run->flushing = TRUE;
  run->flush_due = FALSE;
  run->n_ops++;

  rv_store_put_records_async (self->store, data->records, NULL, on_flushed, data);
}

/* Starts every request that may start now: lookup_many() calls for their queues, and
 * the window: up to `concurrency` requests in flight, each one taking a token first.
 * Without a token, one timer is armed for when there will be one.
 */
static void
pump (Run *run)
{
  RvBatch *self = run->batch;
  g_autoptr(Run) hold = NULL;

  if (run->pumping || run->stopping || run->finished || self->state != RV_BATCH_STATE_RUNNING)
    return;

  hold = run_ref (run);
  run->pumping = TRUE;

  for (guint k = 0; k < self->providers->len; k++)
    dispatch_many (run, k);

  while (run->in_flight < self->concurrency && !g_queue_is_empty (&run->queue) &&
         !run->stopping && self->state == RV_BATCH_STATE_RUNNING)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 wait = 0;

      if (!rv_rate_limiter_try_take (self->limiter, now, &wait))
        {
          if (run->rate_source == NULL || now + wait < run->rate_due_us)
            {
              clear_source (&run->rate_source);
              run->rate_due_us = now + wait;
              run->rate_source = run_add_source (run, ms_until (now + wait, now),
                                                 rate_timeout_cb, "[rv-batch] rate");
            }
          break;
        }

      send_request (run, g_queue_pop_head (&run->queue), now);
    }

  run->pumping = FALSE;
}

/* Completes the run's task. The batch is READY again before the caller hears of it, so
 * that its callback may start another run at once.
 */
static void
finish (Run *run)
{
  RvBatch *self = run->batch;
  g_autoptr(Run) hold = run_ref (run);
  g_autoptr(GTask) task = g_steal_pointer (&run->task);
  g_autoptr(GError) error = NULL;

  g_assert (!run->finished);
  g_assert (run->n_ops == 0);
  g_assert (self->run == run);

  run->finished = TRUE;
  clear_source (&run->kick_source);
  clear_source (&run->chunk_source);
  clear_source (&run->rate_source);
  clear_source (&run->delay_source);
  clear_source (&run->flush_source);
  clear_source (&run->cancel_source);
  if (run->caller_handler != 0)
    g_cancellable_disconnect (run->caller_cancellable, run->caller_handler);
  run->caller_handler = 0;

  if (run->stopping)
    error = g_steal_pointer (&run->stop_error);

  g_assert (run->n_open == 0);

  update_progress (self);
  self->progress.in_flight = 0;
  self->progress.eta_us = error == NULL ? 0 : -1;
  g_clear_pointer (&self->run, run_unref);
  set_state (self, RV_BATCH_STATE_READY);

  /* The last word on the run, whatever the timer says. */
  clear_source (&self->progress_source);
  update_progress (self);
  g_signal_emit (self, signals[PROGRESS], 0);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
maybe_finish (Run *run)
{
  RvBatch *self = run->batch;

  if (run->finished)
    return;

  if (run->stopping)
    {
      if (run->n_ops > 0)
        return;
      if (!run->store_failed && run->buffer_records->len > 0)
        {
          flush (run);
          return;
        }
      /* What is still unanswered gets the reason, a chunk at a time. */
      if (run->n_open > 0)
        {
          if (run->chunk_source == NULL)
            run->chunk_source = run_add_source (run, -1, settle_cb, "[rv-batch] settle");
          return;
        }
      finish (run);
      return;
    }

  /* A paused or unavailable run waits for rv_batch_resume() or a cancel, even with
   * nothing left: the caller decides when it ends.
   */
  if (run->n_open > 0 || self->state != RV_BATCH_STATE_RUNNING)
    return;

  finish (run);
}

/* One lookup per distinct RUC among the entries that are not final and that a row
 * holds. Entries are distinct values, so two RUC entries never share a RUC: only a DNI
 * can share one, with the entry of its RUC 10, found through the batch's index of values.
 */
static void
build_lookups (Run *run)
{
  RvBatch *self = run->batch;
  g_autofree guint *entry_lookup = g_new (guint, MAX (self->entries->len, 1));

  run->lookups = g_new0 (Lookup, MAX (self->entries->len, 1));

  /* RUCs first, then the DNIs, which may join them. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint e = 0; e < self->entries->len; e++)
      {
        Entry *entry = get_entry (self, e);
        RvIdKind kind = rv_result_get_kind (entry->result);
        const char *ruc = rv_result_get_ruc (entry->result);
        Lookup *lookup;

        if (pass == 0)
          {
            /* The run's counts start from zero, and so does what each entry is in them. */
            entry_lookup[e] = G_MAXUINT;
            entry->counted = COUNTED_NONE;
          }
        if (!entry_is_counted (self, e) || rv_result_is_final (entry->result) || ruc == NULL ||
            (pass == 0) != (kind == RV_ID_KIND_RUC))
          continue;

        if (kind == RV_ID_KIND_DNI)
          {
            char key[2 + sizeof lookup->ruc];
            gpointer found;

            key[0] = '0' + RV_ID_KIND_RUC;
            g_strlcpy (key + 1, ruc, sizeof key - 1);
            if (g_hash_table_lookup_extended (self->index, key, NULL, &found) &&
                entry_lookup[GPOINTER_TO_INT (found) - 1] != G_MAXUINT)
              {
                lookup = &run->lookups[entry_lookup[GPOINTER_TO_INT (found) - 1]];
                if (lookup->more_entries == NULL)
                  lookup->more_entries = g_array_new (FALSE, FALSE, sizeof (guint));
                g_array_append_val (lookup->more_entries, e);
                continue;
              }
          }

        entry_lookup[e] = run->n_lookups;
        lookup = &run->lookups[run->n_lookups++];
        g_strlcpy (lookup->ruc, ruc, sizeof lookup->ruc);
        lookup->entry = e;
        lookup->state = LOOKUP_CACHE;
      }

  run->n_open = run->n_lookups;
}

/* Callbacks */

static gboolean
progress_timeout_cb (gpointer user_data)
{
  RvBatch *self = user_data;

  /* The main loop destroys the source as it returns. */
  g_clear_pointer (&self->progress_source, g_source_unref);
  g_signal_emit (self, signals[PROGRESS], 0);
  return G_SOURCE_REMOVE;
}

static gboolean
kick_cb (gpointer user_data)
{
  Run *run = user_data;

  g_clear_pointer (&run->kick_source, g_source_unref);
  pump (run);
  maybe_finish (run);
  return G_SOURCE_REMOVE;
}

static gboolean
start_cb (gpointer user_data)
{
  Run *run = user_data;
  RvBatch *self = run->batch;

  g_clear_pointer (&run->kick_source, g_source_unref);

  if (!run->stopping)
    {
      cache_read_next (run);
      mark_progress (self);
    }

  maybe_finish (run);
  return G_SOURCE_REMOVE;
}

static gboolean
misses_cb (gpointer user_data)
{
  Run *run = user_data;
  GSource *source = g_main_current_source ();
  guint n = MIN (CACHE_CHUNK, run->n_lookups - run->cache_next);

  for (guint i = 0; i < n && !run->stopping; i++)
    take_miss (run, &run->lookups[run->cache_next++]);
  mark_progress (run->batch);
  pump (run);

  if (run->cache_next < run->n_lookups && !run->stopping)
    return G_SOURCE_CONTINUE;

  chunk_done (run, source);
  maybe_finish (run);
  return G_SOURCE_REMOVE;
}

static gboolean
settle_cb (gpointer user_data)
{
  Run *run = user_data;
  GSource *source = g_main_current_source ();
  guint settled = 0;

  for (; run->settle_next < run->n_lookups && settled < SETTLE_CHUNK; run->settle_next++)
    {
      Lookup *lookup = &run->lookups[run->settle_next];

      if (lookup->state != LOOKUP_DONE)
        {
          give_up (run, lookup, run->stop_reason);
          settled++;
        }
    }

  if (run->settle_next < run->n_lookups)
    return G_SOURCE_CONTINUE;

  chunk_done (run, source);
  maybe_finish (run);
  return G_SOURCE_REMOVE;
}

static gboolean
flush_timeout_cb (gpointer user_data)
{
  Run *run = user_data;

  g_clear_pointer (&run->flush_source, g_source_unref);
  flush (run);
  return G_SOURCE_REMOVE;
}

static gboolean
delay_timeout_cb (gpointer user_data)
{
  Run *run = user_data;
  gint64 now = g_get_monotonic_time ();
  GQueue due = G_QUEUE_INIT;
  Lookup *lookup;

  g_clear_pointer (&run->delay_source, g_source_unref);

  while ((lookup = g_queue_peek_head (&run->delayed)) != NULL && lookup->due_us <= now)
    g_queue_push_tail (&due, g_queue_pop_head (&run->delayed));

  /* Retries go first: they have waited already. */
  while ((lookup = g_queue_pop_tail (&due)) != NULL)
    {
      lookup->state = LOOKUP_QUEUED;
      g_queue_push_head (&run->queue, lookup);
    }

  arm_delay_timer (run);
  pump (run);
  return G_SOURCE_REMOVE;
}

static gboolean
rate_timeout_cb (gpointer user_data)
{
  Run *run = user_data;

  g_clear_pointer (&run->rate_source, g_source_unref);
  pump (run);
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  /* Possibly in another thread: cancelling ours is all that is safe here. Its source
   * takes it to the main context.
   */
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
run_cancelled_cb (GCancellable *cancellable,
                  gpointer      user_data)
{
  Run *run = user_data;

  g_clear_pointer (&run->cancel_source, g_source_unref);

  if (!run->stopping && !run->finished)
    {
      g_autoptr(GError) error = NULL;

      if (run->caller_cancellable == NULL ||
          !g_cancellable_set_error_if_cancelled (run->caller_cancellable, &error))
        g_cancellable_set_error_if_cancelled (run->cancellable, &error);

      stop_run (run, error, run->batch->cancel_reason != NULL ? run->batch->cancel_reason
                                                              : _("Not checked: the run was cancelled"));
      maybe_finish (run);
    }

  return G_SOURCE_REMOVE;
}

static void
on_lookup_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autofree Request *request = user_data;
  g_autoptr(Run) run = request->run;
  RvProvider *provider = RV_PROVIDER (object);
  RvBatch *self = run->batch;
  Lookup *lookup = request->lookup;
  g_autoptr(GError) error = NULL;
  g_autoptr(RvRecord) record = NULL;

  record = rv_provider_lookup_finish (provider, result, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      double took = MAX (g_get_monotonic_time () - request->sent_us, 1);

      run->latency_us = run->latency_us > 0 ? 0.8 * run->latency_us + 0.2 * took : took;
    }

  g_assert (lookup->state == LOOKUP_IN_FLIGHT);
  g_assert (run->in_flight > 0 && run->n_ops > 0);
  run->in_flight--;
  run->n_ops--;
  lookup->state = LOOKUP_WAITING;
  mark_progress (self);

  if (record != NULL)
    {
      /* Even after a cancel: an answer that came is kept. */
      take_answer (run, lookup, provider, record);
    }
  else if (run->stopping)
    {
      /* Cancelled: the entry stays unanswered. */
    }
  else if (g_error_matches (error, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_NOT_FOUND))
    {
      take_not_found (run, lookup);
    }
  else if (g_error_matches (error, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_AUTHENTICATION))
    {
      stop_run (run, error, _("Not checked: the API token was refused"));
    }
  else if (g_error_matches (error, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_RATE_LIMITED))
    {
      take_rate_limited (run, lookup, request->sent_us, error);
    }
  else if (g_error_matches (error, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_BAD_FORMAT))
    {
      /* Translators: %s is the provider's explanation of why it refused the number. */
      g_autofree char *reason = g_strdup_printf (_("Not checked: %s"), error->message);

      /* Only offline checks decide INVALID: a refusal is not a verdict. */
      run->consecutive_failures = 0;
      give_up (run, lookup, reason);
    }
  else
    {
      take_transient (run, lookup, error);
    }

  pump (run);
  maybe_finish (run);
}

static void
on_lookup_many_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(ManyRequest) request = user_data;
  Run *run = request->run;
  RvProvider *provider = RV_PROVIDER (object);
  RvBatch *self = run->batch;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;

  records = rv_provider_lookup_many_finish (provider, result, &error);

  g_assert (run->many_in_flight > 0 && run->n_ops > 0);
  run->many_in_flight--;
  run->n_ops--;
  run->many_busy[request->provider] = FALSE;
  mark_progress (self);

  for (guint i = 0; i < request->lookups->len; i++)
    {
      Lookup *lookup = g_ptr_array_index (request->lookups, i);

      lookup->state = LOOKUP_WAITING;
    }

  if (records == NULL)
    {
      if (run->stopping)
        {
          /* Cancelled: these stay unanswered. */
        }
      else if (g_error_matches (error, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_AUTHENTICATION))
        {
          stop_run (run, error, _("Not checked: the API token was refused"));
        }
      else
        {
          /* Translators: %s is the provider's explanation of a failure. */
          g_autofree char *reason = g_strdup_printf (_("Not checked: %s"), error->message);

          for (guint i = 0; i < request->lookups->len; i++)
            fall_through (run, g_ptr_array_index (request->lookups, i), reason);
        }
    }
  else
    {
      for (guint i = 0; i < request->lookups->len; i++)
        {
          Lookup *lookup = g_ptr_array_index (request->lookups, i);
          RvRecord *record = i < records->len ? g_ptr_array_index (records, i) : NULL;

          if (record != NULL)
            take_answer (run, lookup, provider, record);
          else if (!run->stopping)
            fall_through (run, lookup, self->offline_reason);
        }
    }

  pump (run);
  maybe_finish (run);
}

static void
on_cache_read (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autofree CacheRead *read = user_data;
  g_autoptr(Run) run = read->run;
  RvBatch *self = run->batch;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;

  records = rv_store_get_records_finish (RV_STORE (object), result, &error);
  run->n_ops--;

  if (records == NULL)
    {
      if (!run->stopping)
        {
          /* Translators: %s is the database's explanation. */
          g_autofree char *reason =
            g_strdup_printf (_("Not checked: the database could not be read (%s)"),
                             error->message);

          stop_run (run, error, reason);
        }
      maybe_finish (run);
      return;
    }

  g_assert (records->len == read->n);

  for (guint i = 0; i < read->n; i++)
    {
      Lookup *lookup = &run->lookups[read->first + i];
      RvRecord *record = g_ptr_array_index (records, i);

      /* A hit is an answer already stored: it is reported even while stopping. */
      if (record != NULL && is_fresh_enough (self, record))
        take_cache_hit (run, lookup, record);
      else if (!run->stopping)
        take_miss (run, lookup);
    }

  mark_progress (self);
  cache_read_next (run);
  pump (run);
  maybe_finish (run);
}

static void
on_flushed (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Flush) data = user_data;
  Run *run = data->run;
  g_autoptr(GError) error = NULL;

  run->flushing = FALSE;
  run->n_ops--;

  if (!rv_store_put_records_finish (RV_STORE (object), result, &error))
    {
      g_ptr_array_extend_and_steal (run->buffer_lookups, g_steal_pointer (&data->lookups));
      store_failed (run, error);
    }
  else
    {
      /* On disk: now they may be reported. */
      for (guint i = 0; i < data->lookups->len; i++)
        report_answer (run, g_ptr_array_index (data->lookups, i),
                       g_ptr_array_index (data->records, i));
    }

  if (run->buffer_records->len > 0 &&
      (run->flush_due || run->stopping || run->buffer_records->len >= FLUSH_ANSWERS))
    flush (run);

  pump (run);
  maybe_finish (run);
}

/* GObject overrides */

static void
rv_batch_dispose (GObject *object)
{
  RvBatch *self = (RvBatch *)object;

  clear_source (&self->progress_source);
  g_clear_object (&self->store);
  g_clear_pointer (&self->providers, g_ptr_array_unref);

  G_OBJECT_CLASS (rv_batch_parent_class)->dispose (object);
}

static void
rv_batch_finalize (GObject *object)
{
  RvBatch *self = (RvBatch *)object;

  g_assert (self->run == NULL);

  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->row_entries, g_array_unref);
  g_clear_pointer (&self->index, g_hash_table_unref);
  g_clear_pointer (&self->offline_reason, g_free);
  g_clear_pointer (&self->cancel_reason, g_free);
  g_clear_error (&self->last_error);
  g_clear_pointer (&self->limiter, rv_rate_limiter_free);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (rv_batch_parent_class)->finalize (object);
}

static void
rv_batch_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  RvBatch *self = RV_BATCH (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rv_batch_class_init (RvBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rv_batch_dispose;
  object_class->finalize = rv_batch_finalize;
  object_class->get_property = rv_batch_get_property;

  /**
   * RvBatch:state:
   *
   * What the batch is doing: ready, running, paused by the user, or paused by the
   * circuit breaker.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       RV_TYPE_BATCH_STATE,
                       RV_BATCH_STATE_READY,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RvBatch::progress:
   * @self: a #RvBatch
   *
   * The progress changed (rv_batch_get_progress()). Emitted at most 20 times a second
   * while running, and once more when a run ends.
   */
  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);

  /**
   * RvBatch::entry-changed:
   * @self: a #RvBatch
   * @entry: the entry whose result was replaced
   *
   * An entry has a new result (rv_batch_get_entry_result()): an answer, which is in
   * the store already, or a reason why it stays pending; or its rows changed, a row
   * having been given another value (rv_batch_set_row_value()). Every row of the entry
   * (rv_batch_get_entry_rows()) shares its result.
   */
  signals[ENTRY_CHANGED] =
    g_signal_new ("entry-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
rv_batch_init (RvBatch *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->providers = g_ptr_array_new_with_free_func (g_object_unref);
  self->offline_reason = g_strdup (_("Not checked online"));
  self->concurrency = DEFAULT_CONCURRENCY;
  self->max_age_found = DEFAULT_MAX_AGE_FOUND;
  self->max_age_not_found = DEFAULT_MAX_AGE_NOT_FOUND;
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->base_ms = DEFAULT_BASE_MS;
  self->cap_ms = DEFAULT_CAP_MS;
  self->breaker_threshold = DEFAULT_BREAKER_THRESHOLD;
  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->entries, entry_clear);
  self->row_entries = g_array_new (FALSE, FALSE, sizeof (int));
  self->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->empty_entry = -1;
  self->state = RV_BATCH_STATE_READY;
  self->progress.eta_us = -1;
  self->rand = g_rand_new ();
}

/* Public API */

/**
 * rv_batch_new:
 * @store: (nullable): the database: the cache, and where every answer is written
 *
 * Creates an empty batch on the thread-default main context; everything it does
 * asynchronously happens there.
 *
 * Returns: (transfer full): a new #RvBatch
 */
RvBatch *
rv_batch_new (RvStore *store)
{
  RvBatch *self;

  g_return_val_if_fail (store == NULL || RV_IS_STORE (store), NULL);

  self = g_object_new (RV_TYPE_BATCH, NULL);
  g_set_object (&self->store, store);
  return self;
}

/**
 * rv_batch_add_provider:
 * @self: a #RvBatch
 * @provider: a provider
 *
 * Adds a source, asked after those added before it: a RUC one provider does not know
 * (%RV_PROVIDER_ERROR_NOT_FOUND, or no answer from a lookup_many()) goes on to the
 * next one, and the last one's "not found" is the verdict.
 */
void
rv_batch_add_provider (RvBatch    *self,
                       RvProvider *provider)
{
  g_return_if_fail (RV_IS_BATCH (self));
  g_return_if_fail (RV_IS_PROVIDER (provider));
  g_return_if_fail (self->run == NULL);

  g_ptr_array_add (self->providers, g_object_ref (provider));
}

/**
 * rv_batch_set_offline_reason:
 * @self: a #RvBatch
 * @reason: one translated sentence
 *
 * Sets the reason given to the values no source could answer: with no provider, those
 * that are not in the cache; with providers that answer many at once, those the last of
 * them has no answer for. The default is "Not checked online".
 */
void
rv_batch_set_offline_reason (RvBatch    *self,
                             const char *reason)
{
  g_return_if_fail (RV_IS_BATCH (self));
  g_return_if_fail (reason != NULL);

  g_free (self->offline_reason);
  self->offline_reason = g_strdup (reason);
}

/**
 * rv_batch_set_cancel_reason:
 * @self: a #RvBatch
 * @reason: (nullable): one translated sentence, or %NULL for the default
 *
 * Sets the reason given to the values left unanswered when a run is cancelled, for a
 * caller that cancels for a reason of its own (the provider is unavailable, the user
 * pressed Ctrl+C). The default is "Not checked: the run was cancelled".
 */
void
rv_batch_set_cancel_reason (RvBatch    *self,
                            const char *reason)
{
  g_return_if_fail (RV_IS_BATCH (self));

  g_free (self->cancel_reason);
  self->cancel_reason = g_strdup (reason);
}

/**
 * rv_batch_set_concurrency:
 * @self: a #RvBatch
 * @concurrency: requests in flight at most (at least 1)
 *
 * Sets the size of the window of one-at-a-time requests; also while running.
 */
void
rv_batch_set_concurrency (RvBatch *self,
                          guint    concurrency)
{
  g_return_if_fail (RV_IS_BATCH (self));

  self->concurrency = MAX (concurrency, 1);
  if (self->run != NULL)
    kick (self->run);
}

/**
 * rv_batch_get_concurrency:
 * @self: a #RvBatch
 *
 * Returns: the requests in flight at most
 */
guint
rv_batch_get_concurrency (RvBatch *self)
{
  g_return_val_if_fail (RV_IS_BATCH (self), 0);

  return self->concurrency;
}

/**
 * rv_batch_set_rate:
 * @self: a #RvBatch
 * @per_minute: requests per minute at most, or 0 for the default of the first provider
 *   that answers one RUC at a time (0 there too means no limit)
 *
 * Sets the rate limit; also while running. Requests are spaced evenly, so that no
 * 60 seconds ever hold more than @per_minute of them.
 */
void
rv_batch_set_rate (RvBatch *self,
                   guint    per_minute)
{
  g_return_if_fail (RV_IS_BATCH (self));

  self->rate = per_minute;
  if (self->limiter != NULL)
    configure_limiter (self);
  if (self->run != NULL)
    kick (self->run);
}

/**
 * rv_batch_set_max_age:
 * @self: a #RvBatch
 * @found_seconds: how old a stored "found" answer may be to be used; negative for any
 *   age, 0 to always ask again
 * @not_found_seconds: the same for a stored "not found"
 *
 * Sets how fresh the cache must be. The defaults are a week and a day.
 */
void
rv_batch_set_max_age (RvBatch *self,
                      gint64   found_seconds,
                      gint64   not_found_seconds)
{
  g_return_if_fail (RV_IS_BATCH (self));

  self->max_age_found = found_seconds;
  self->max_age_not_found = not_found_seconds;
}

/**
 * rv_batch_set_retry_policy:
 * @self: a #RvBatch
 * @max_attempts: times a RUC is asked before it is given up after transient failures
 *   (at least 1)
 * @base_ms: the first backoff's ceiling
 * @cap_ms: the largest backoff
 *
 * After its n-th transient failure a RUC is asked again after a random wait between
 * 0 and min(@cap_ms, @base_ms × 2ⁿ⁻¹). A 429 without Retry-After pauses every request
 * by @base_ms × 2ⁿ for the n-th one in a row, at most @cap_ms. The defaults are 4,
 * 1000 and 60000.
 */
void
rv_batch_set_retry_policy (RvBatch *self,
                           guint    max_attempts,
                           guint    base_ms,
                           guint    cap_ms)
{
  g_return_if_fail (RV_IS_BATCH (self));

  self->max_attempts = MAX (max_attempts, 1);
  self->base_ms = base_ms;
  self->cap_ms = MAX (cap_ms, base_ms);
}

/**
 * rv_batch_set_breaker_threshold:
 * @self: a #RvBatch
 * @failures: transient failures in a row that make the batch
 *   %RV_BATCH_STATE_UNAVAILABLE; 0 never does
 *
 * Sets the circuit breaker. The default is 10.
 */
void
rv_batch_set_breaker_threshold (RvBatch *self,
                                guint    failures)
{
  g_return_if_fail (RV_IS_BATCH (self));

  self->breaker_threshold = failures;
}

/**
 * rv_batch_add_rows:
 * @self: a #RvBatch
 * @values: (array length=n_values) (nullable): the cells of the RUC column, one per row;
 *   %NULL for a row without one (a blank or title row)
 * @n_values: how many
 *
 * Adds rows. Each value is checked offline and the rows are grouped by normalised
 * value: one entry per distinct value, whatever the number of rows that hold it. All
 * empty cells share one entry (invalid, "Empty cell") that is not counted in the
 * progress. Not while running.
 *
 * Returns: the number of rows added
 */
guint
rv_batch_add_rows (RvBatch            *self,
                   const char * const *values,
                   guint               n_values)
{
  g_return_val_if_fail (RV_IS_BATCH (self), 0);
  g_return_val_if_fail (values != NULL || n_values == 0, 0);
  g_return_val_if_fail (self->run == NULL, 0);

  for (guint i = 0; i < n_values; i++)
    {
      guint row = self->row_entries->len;
      int index = -1;

      if (values[i] != NULL)
        {
          index = (int) ensure_entry (self, values[i]);
          attach_row (self, index, row);
        }
      g_array_append_val (self->row_entries, index);
    }

  self->progress.rows += n_values;
  self->progress.done = self->progress.unique - self->progress.counts[RV_VERDICT_PENDING];
  return n_values;
}

/**
 * rv_batch_set_row_value:
 * @self: a #RvBatch
 * @row: a row
 * @value: the row's new value, such as a suggested RUC the user accepted
 * @error: return location for a #GError
 *
 * Gives @row a new value, also a row added without one. The value is checked offline
 * as rv_batch_add_rows() checks them, and the row moves to the entry of its normalised
 * value: the entry of the rows that hold that value already, with its result, or a new
 * entry at the end. The other rows of the old value stay where they are.
 *
 * An entry left without rows keeps its number but counts nowhere: not in the progress
 * (which is then what a batch built with the rows' values now would show) nor in
 * rv_batch_count_cached_async(), and no run looks it up. The next run answers the new
 * entry like any other that is not final.
 *
 * When the row moves, #RvBatch::entry-changed is emitted for its new entry, then for its
 * old one if rows are left there, and #RvBatch::progress once.
 *
 * Not while a run is going on (also paused, or %RV_BATCH_STATE_UNAVAILABLE).
 *
 * Returns: %TRUE, or %FALSE with %G_IO_ERROR_BUSY while a run is going on
 */
gboolean
rv_batch_set_row_value (RvBatch     *self,
                        guint        row,
                        const char  *value,
                        GError     **error)
{
  int old_index;
  guint index;

  g_return_val_if_fail (RV_IS_BATCH (self), FALSE);
  g_return_val_if_fail (row < self->row_entries->len, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The run's lookups point at entries, and its counts at what they are. */
  if (self->run != NULL)
    {
      /* Translators: said when a value of the sheet (such as a suggested RUC the user
       * accepted) is to be changed while its RUCs are being looked up. */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("A value cannot be changed while the run is going on; wait "
                             "for it to end or cancel it."));
      return FALSE;
    }

  old_index = g_array_index (self->row_entries, int, row);
  index = ensure_entry (self, value);
  if ((int) index == old_index)
    return TRUE;

  if (old_index >= 0)
    detach_row (self, old_index, row);
  attach_row (self, index, row);
  g_array_index (self->row_entries, int, row) = index;
  self->progress.done = self->progress.unique - self->progress.counts[RV_VERDICT_PENDING];

  g_signal_emit (self, signals[ENTRY_CHANGED], 0, index);
  if (old_index >= 0 && get_entry (self, old_index)->n_rows > 0)
    g_signal_emit (self, signals[ENTRY_CHANGED], 0, (guint) old_index);

  /* Now rather than on the timer: the counters follow the row at once. */
  clear_source (&self->progress_source);
  g_signal_emit (self, signals[PROGRESS], 0);
  return TRUE;
}

/**
 * rv_batch_get_n_rows:
 * @self: a #RvBatch
 *
 * Returns: the number of rows added
 */
guint
rv_batch_get_n_rows (RvBatch *self)
{
  g_return_val_if_fail (RV_IS_BATCH (self), 0);

  return self->row_entries->len;
}

/**
 * rv_batch_get_n_entries:
 * @self: a #RvBatch
 *
 * Returns: the number of entries: distinct values, the empty one included, and those
 *   rv_batch_set_row_value() left without rows
 */
guint
rv_batch_get_n_entries (RvBatch *self)
{
  g_return_val_if_fail (RV_IS_BATCH (self), 0);

  return self->entries->len;
}

/**
 * rv_batch_get_row_entry:
 * @self: a #RvBatch
 * @row: a row
 *
 * Returns: the entry of @row, or -1 for a row added without a value
 */
int
rv_batch_get_row_entry (RvBatch *self,
                        guint    row)
{
  g_return_val_if_fail (RV_IS_BATCH (self), -1);
  g_return_val_if_fail (row < self->row_entries->len, -1);

  return g_array_index (self->row_entries, int, row);
}

/**
 * rv_batch_get_row_result:
 * @self: a #RvBatch
 * @row: a row
 *
 * Returns: (transfer none) (nullable): the result of @row's value, or %NULL for a row
 *   added without one
 */
RvResult *
rv_batch_get_row_result (RvBatch *self,
                         guint    row)
{
  int index;

  g_return_val_if_fail (RV_IS_BATCH (self), NULL);
  g_return_val_if_fail (row < self->row_entries->len, NULL);

  index = g_array_index (self->row_entries, int, row);
  return index >= 0 ? get_entry (self, index)->result : NULL;
}

/**
 * rv_batch_get_entry_result:
 * @self: a #RvBatch
 * @entry: an entry
 *
 * Returns: (transfer none): the entry's result; it is replaced (and "entry-changed"
 *   emitted) when an answer arrives, so take a reference to keep it
 */
RvResult *
rv_batch_get_entry_result (RvBatch *self,
                           guint    entry)
{
  g_return_val_if_fail (RV_IS_BATCH (self), NULL);
  g_return_val_if_fail (entry < self->entries->len, NULL);

  return get_entry (self, entry)->result;
}

/**
 * rv_batch_get_entry_rows:
 * @self: a #RvBatch
 * @entry: an entry
 * @n_rows: (out): how many rows hold the entry's value
 *
 * Returns: (array length=n_rows) (transfer none): the rows, in order, none for an entry
 *   left without rows; valid until rows are added or a row's value changes
 */
const guint *
rv_batch_get_entry_rows (RvBatch *self,
                         guint    entry,
                         guint   *n_rows)
{
  Entry *e;

  g_return_val_if_fail (RV_IS_BATCH (self), NULL);
  g_return_val_if_fail (entry < self->entries->len, NULL);
  g_return_val_if_fail (n_rows != NULL, NULL);

  e = get_entry (self, entry);
  *n_rows = e->n_rows;
  return e->n_rows > 1 ? e->rows : &e->row;
}

/**
 * rv_batch_run_async:
 * @self: a #RvBatch
 * @cancellable: (nullable): a #GCancellable to stop the run
 * @callback: called when the run is over
 * @user_data: data for @callback
 *
 * Answers every entry that is not final: from the cache, then from the providers. The
 * values given up on stay %RV_VERDICT_PENDING with a reason, and a later run asks
 * about them again. Not while a run is going on.
 */
void
rv_batch_run_async (RvBatch             *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Run *run;
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (RV_IS_BATCH (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (self->run == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rv_batch_run_async);

  run = g_atomic_rc_box_new0 (Run);
  run->batch = g_object_ref (self);
  run->task = g_steal_pointer (&task);
  run->cancellable = g_cancellable_new ();
  run->many_queues = g_new0 (GQueue, MAX (self->providers->len, 1));
  run->many_busy = g_new0 (gboolean, MAX (self->providers->len, 1));
  run->buffer_records = g_ptr_array_new_with_free_func ((GDestroyNotify) rv_record_unref);
  run->buffer_lookups = g_ptr_array_new ();
  run->rate_changed_us = now;
  meter_reset (&run->answers, now);
  build_lookups (run);
  self->run = run;

  g_clear_error (&self->last_error);
  self->progress.to_look_up = 0;
  self->progress.cache_hits = 0;
  self->progress.requests = 0;
  self->progress.retries = 0;
  self->progress.in_flight = 0;
  self->progress.rate = 0;
  self->progress.eta_us = -1;
  self->elapsed_us = 0;
  configure_limiter (self);

  run->cancel_source = g_cancellable_source_new (run->cancellable);
  g_source_set_callback (run->cancel_source, G_SOURCE_FUNC (run_cancelled_cb), run_ref (run),
                         (GDestroyNotify) run_unref);
  g_source_set_static_name (run->cancel_source, "[rv-batch] cancelled");
  g_source_attach (run->cancel_source, self->context);

  if (cancellable != NULL)
    {
      run->caller_cancellable = g_object_ref (cancellable);
      run->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                   g_object_ref (run->cancellable),
                                                   g_object_unref);
    }

  /* The work starts from the main loop, never inside this call. */
  run->kick_source = run_add_source (run, -1, start_cb, "[rv-batch] start");
  set_state (self, RV_BATCH_STATE_RUNNING);
}

/**
 * rv_batch_run_finish:
 * @self: a #RvBatch
 * @result: the result given to the callback
 * @error: %G_IO_ERROR_CANCELLED, the provider's %RV_PROVIDER_ERROR_AUTHENTICATION, or
 *   the store's error
 *
 * Returns: %TRUE if every entry was answered or given up on (see the verdict counts in
 *   rv_batch_get_progress())
 */
gboolean
rv_batch_run_finish (RvBatch       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (RV_IS_BATCH (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == rv_batch_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * rv_batch_pause:
 * @self: a #RvBatch
 *
 * Stops sending requests; those in flight finish and their answers are recorded.
 * Nothing happens unless a run is going on.
 */
void
rv_batch_pause (RvBatch *self)
{
  g_return_if_fail (RV_IS_BATCH (self));

  if (self->run == NULL || self->run->stopping)
    return;

  if (self->state == RV_BATCH_STATE_RUNNING || self->state == RV_BATCH_STATE_UNAVAILABLE)
    set_state (self, RV_BATCH_STATE_PAUSED);
}

/**
 * rv_batch_resume:
 * @self: a #RvBatch
 *
 * Goes on after rv_batch_pause(), or after the circuit breaker made the batch
 * %RV_BATCH_STATE_UNAVAILABLE (its count of failures starts again).
 */
void
rv_batch_resume (RvBatch *self)
{
  g_return_if_fail (RV_IS_BATCH (self));

  if (self->run == NULL || self->run->stopping)
    return;

  if (self->state == RV_BATCH_STATE_PAUSED || self->state == RV_BATCH_STATE_UNAVAILABLE)
    {
      self->run->consecutive_failures = 0;
      set_state (self, RV_BATCH_STATE_RUNNING);
      kick (self->run);
    }
}

/**
 * rv_batch_get_state:
 * @self: a #RvBatch
 *
 * Returns: what the batch is doing
 */
RvBatchState
rv_batch_get_state (RvBatch *self)
{
  g_return_val_if_fail (RV_IS_BATCH (self), RV_BATCH_STATE_READY);

  return self->state;
}

/**
 * rv_batch_get_last_error:
 * @self: a #RvBatch
 *
 * Returns: (transfer none) (nullable): why the circuit breaker tripped, or why the last
 *   run stopped (a refused token, a store failure); cleared when a run starts
 */
const GError *
rv_batch_get_last_error (RvBatch *self)
{
  g_return_val_if_fail (RV_IS_BATCH (self), NULL);

  return self->last_error;
}

/* The values a count of cached answers asks the store about: one RUC for every distinct
 * value not decided yet (a DNI and its RUC 10 share one), with how many values each
 * stands for. */
typedef struct
{
  GStrv  rucs;
  guint *n_values;
} CountCached;

static void
count_cached_free (CountCached *data)
{
  g_strfreev (data->rucs);
  g_free (data->n_values);
  g_free (data);
}

static void
on_count_cached_read (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RvBatch *self = g_task_get_source_object (task);
  CountCached *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) records = NULL;
  GError *error = NULL;
  guint n_cached = 0;

  records = rv_store_get_records_finish (RV_STORE (object), result, &error);
  if (records == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < records->len; i++)
    {
      RvRecord *record = g_ptr_array_index (records, i);

      if (record != NULL && is_fresh_enough (self, record))
        n_cached += data->n_values[i];
    }
  g_task_return_int (task, n_cached);
}

/**
 * rv_batch_count_cached_async:
 * @self: a #RvBatch with its rows added
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the count is known
 * @user_data: for @callback
 *
 * Counts the distinct values not decided yet whose answer is in the database and young
 * enough to be used (rv_batch_set_max_age()): what a run would take from the cache
 * without asking anyone. For the window's pre-flight line ("2,900 already checked · 265
 * to look up"); it changes no result.
 */
void
rv_batch_count_cached_async (RvBatch             *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) rucs = NULL;
  g_autoptr(GArray) n_values = NULL;
  CountCached *data;

  g_return_if_fail (RV_IS_BATCH (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rv_batch_count_cached_async);

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  rucs = g_ptr_array_new ();
  n_values = g_array_new (FALSE, TRUE, sizeof (guint));

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = get_entry (self, i);
      const char *ruc = rv_result_get_ruc (entry->result);
      gpointer slot;

      if (!entry_is_counted (self, i) || rv_result_is_final (entry->result) ||
          ruc == NULL || ruc[0] == 0)
        continue;

      if (g_hash_table_lookup_extended (seen, ruc, NULL, &slot))
        {
          g_array_index (n_values, guint, GPOINTER_TO_UINT (slot))++;
          continue;
        }

      g_hash_table_insert (seen, (gpointer) ruc, GUINT_TO_POINTER (rucs->len));
      g_ptr_array_add (rucs, g_strdup (ruc));
      g_array_set_size (n_values, rucs->len);
      g_array_index (n_values, guint, rucs->len - 1) = 1;
    }

  if (rucs->len == 0)
    {
      g_task_return_int (task, 0);
      return;
    }

  g_ptr_array_add (rucs, NULL);
  data = g_new0 (CountCached, 1);
  data->n_values = (guint *) g_array_free (g_steal_pointer (&n_values), FALSE);
  data->rucs = (GStrv) g_ptr_array_free (g_steal_pointer (&rucs), FALSE);
  g_task_set_task_data (task, data, (GDestroyNotify) count_cached_free);

  rv_store_get_records_async (self->store, data->rucs, self->max_age_found,
                              self->max_age_not_found, cancellable, on_count_cached_read,
                              g_steal_pointer (&task));
}

/**
 * rv_batch_count_cached_finish:
 * @self: a #RvBatch
 * @result: the #GAsyncResult given to the callback
 * @n_cached: (out): distinct values a run would take from the database
 * @error: return location for a #GError
 *
 * Returns: %TRUE with @n_cached set; else %FALSE with @error set (the store could not be
 *   read, or the count was cancelled)
 */
gboolean
rv_batch_count_cached_finish (RvBatch       *self,
                              GAsyncResult  *result,
                              guint         *n_cached,
                              GError       **error)
{
  gssize n;

  g_return_val_if_fail (RV_IS_BATCH (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (n_cached != NULL, FALSE);

  n = g_task_propagate_int (G_TASK (result), error);
  if (n < 0)
    return FALSE;
  *n_cached = (guint) n;
  return TRUE;
}

/**
 * rv_batch_fill_run:
 * @self: a #RvBatch
 * @record: the record of a run in the store
 *
 * Sets @record's counts (distinct values, verdicts, answers from the database,
 * requests) from the progress of the current (or last) run, for rv_store_finish_run().
 */
void
rv_batch_fill_run (RvBatch *self,
                   RvRun   *record)
{
  g_return_if_fail (RV_IS_BATCH (self));
  g_return_if_fail (record != NULL);

  record->unique = self->progress.unique;
  memcpy (record->counts, self->progress.counts, sizeof record->counts);
  record->cache_hits = self->progress.cache_hits;
  record->requests = self->progress.requests;
}

/**
 * rv_batch_get_progress:
 * @self: a #RvBatch
 *
 * Returns: (transfer none): the progress now; the counters of requests, cache hits
 *   and time are those of the current (or last) run
 */
const RvBatchProgress *
rv_batch_get_progress (RvBatch *self)
{
  g_return_val_if_fail (RV_IS_BATCH (self), NULL);

  update_progress (self);
  return &self->progress;
}
