/* rv-export-dialog.c
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

#define G_LOG_DOMAIN "rv-export-dialog"

#include "config.h"

#include "rv-export-dialog-private.h"

#include <string.h>

#include <glib/gi18n.h>

struct _RvExportDialog
{
  AdwWindow             parent_instance;

  /* The export, copied: the sheet and the results referenced, the summary's strings
   * duplicated, so that the window may go on with its run while the dialog is open.
   */
  RvExport              export;
  RvExportSummary       summary;
  GPtrArray            *results;
  GPtrArray            *strings;
  GDateTime            *started_at;
  char                 *input_path;

  GtkFileChooserNative *chooser;
  GCancellable         *cancellable;   /* the write under way, or NULL */
  GFile                *destination;   /* where it goes */
  guint                 closing : 1;   /* cancelled by the user: close when it stops */
  guint                 disposed : 1;

  /* Template widgets */
  AdwPreferencesGroup  *error_group;
  GtkLabel             *error_label;
  AdwWindowTitle       *window_title;
  GtkWidget            *cancel_button;
  GtkWidget            *export_button;
  GtkSpinner           *spinner;
  GtkWidget            *page;
  GtkCheckButton       *xlsx_check;
  GtkCheckButton       *ods_check;
  GtkCheckButton       *csv_check;
  GtkCheckButton       *all_check;
  GtkCheckButton       *valid_check;
  GtkCheckButton       *problems_check;
};

G_DEFINE_FINAL_TYPE (RvExportDialog, rv_export_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_FORMAT,
  PROP_ROWS,
  N_PROPS
};

enum {
  EXPORTED,
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The last choices, for the next dialog: the application's lifetime is enough (there are
 * no settings keys for them).
 */
static RvExportFormat last_format = RV_EXPORT_FORMAT_XLSX;
static RvExportRows last_rows = RV_EXPORT_ALL;

static GtkCheckButton *
get_format_check (RvExportDialog *self,
                  RvExportFormat  format)
{
  switch (format)
    {
    case RV_EXPORT_FORMAT_CSV:
      return self->csv_check;
    case RV_EXPORT_FORMAT_ODS:
      return self->ods_check;
    case RV_EXPORT_FORMAT_XLSX:
    default:
      return self->xlsx_check;
    }
}

static GtkCheckButton *
get_rows_check (RvExportDialog *self,
                RvExportRows    rows)
{
  switch (rows)
    {
    case RV_EXPORT_VALID:
      return self->valid_check;
    case RV_EXPORT_PROBLEMS:
      return self->problems_check;
    case RV_EXPORT_ALL:
    default:
      return self->all_check;
    }
}

static const char *
keep_string (RvExportDialog *self,
             const char     *text)
{
  if (text == NULL)
    return NULL;
  g_ptr_array_add (self->strings, g_strdup (text));
  return g_ptr_array_index (self->strings, self->strings->len - 1);
}

static void
result_unref (gpointer result)
{
  if (result != NULL)
    rv_result_unref (result);
}

static void
set_export (RvExportDialog *self,
            const RvExport *export)
{
  guint n_rows = rv_sheet_get_n_rows (export->sheet);

  self->export = *export;
  self->export.sheet = g_object_ref (export->sheet);
  self->results = g_ptr_array_new_full (n_rows + 1, result_unref);
  for (guint row = 0; row < n_rows; row++)
    g_ptr_array_add (self->results,
                     export->results[row] != NULL ? rv_result_ref (export->results[row]) : NULL);
  g_ptr_array_add (self->results, NULL);
  self->export.results = (RvResult * const *) self->results->pdata;

  self->export.summary = NULL;
  if (export->summary != NULL)
    {
      self->strings = g_ptr_array_new_with_free_func (g_free);
      self->summary = *export->summary;
      self->summary.file_name = keep_string (self, export->summary->file_name);
      self->summary.file_sha256 = keep_string (self, export->summary->file_sha256);
      self->summary.sheet_name = keep_string (self, export->summary->sheet_name);
      self->summary.column = keep_string (self, export->summary->column);
      self->summary.provider = keep_string (self, export->summary->provider);
      self->summary.padron_date = keep_string (self, export->summary->padron_date);
      if (export->summary->started_at != NULL)
        self->started_at = g_date_time_ref (export->summary->started_at);
      self->summary.started_at = self->started_at;
      self->export.summary = &self->summary;
    }
}

static void
set_busy (RvExportDialog *self,
          gboolean        busy)
{
  gtk_widget_set_sensitive (self->export_button, !busy);
  gtk_widget_set_sensitive (self->page, !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);

  if (busy)
    {
      g_autofree char *name = g_file_get_basename (self->destination);
      g_autofree char *subtitle = NULL;

      /* Translators: shown under the dialog's title while the file is written. */
      subtitle = g_strdup_printf (_("Writing “%s”…"), name);
      adw_window_title_set_subtitle (self->window_title, subtitle);
    }
  else
    adw_window_title_set_subtitle (self->window_title, NULL);
}

/* @file with the chosen format's extension, when the user typed a name without it. */
static GFile *
with_extension (GFile          *file,
                RvExportFormat  format)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *full_name = NULL;
  RvExportFormat named;

  if (name == NULL || parent == NULL ||
      (rv_export_format_from_path (name, &named) && named == format))
    return g_object_ref (file);

  full_name = g_strconcat (name, ".", rv_export_format_get_extension (format), NULL);
  return g_file_get_child (parent, full_name);
}

static void
fail (RvExportDialog *self,
      const char     *message)
{
  /* The dialog stays, so that the user can choose another place; the sentence stays above
   * the choices, over nothing, until the next try.
   */
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_group), TRUE);
  g_signal_emit (self, signals[FAILED], 0, message);
}

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(RvExportDialog) self = user_data;
  g_autoptr(GFile) file = g_steal_pointer (&self->destination);
  g_autoptr(GError) error = NULL;
  gboolean written;

  g_assert (RV_IS_EXPORT_DIALOG (self));

  written = rv_export_write_finish (result, &error);
  g_clear_object (&self->cancellable);
  if (self->disposed)
    return;

  /* A file that was in place before the cancellation took effect is reported all the
   * same: it is there, and the window may offer to show it.
   */
  if (written)
    g_signal_emit (self, signals[EXPORTED], 0, file);

  if (written || self->closing)
    {
      if (error != NULL)
        g_debug ("%s", error->message);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  set_busy (self, FALSE);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fail (self, error->message);
}

static void
on_chooser_response_cb (RvExportDialog       *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  g_autoptr(GtkFileChooserNative) owned = g_steal_pointer (&self->chooser);
  g_autoptr(GFile) file = NULL;

  g_assert (RV_IS_EXPORT_DIALOG (self));

  if (response != GTK_RESPONSE_ACCEPT)
    return;

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    _rv_export_dialog_export_to (self, file);
}

static void
on_export_clicked_cb (RvExportDialog *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  g_autofree char *pattern = NULL;
  RvExportFormat format;

  g_assert (RV_IS_EXPORT_DIALOG (self));

  if (self->cancellable != NULL || self->chooser != NULL)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->error_group), FALSE);
  format = rv_export_dialog_get_format (self);
  /* Translators: the title of the file chooser that asks where to export. */
  self->chooser = gtk_file_chooser_native_new (_("Export"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               /* Translators: the file chooser's accept button. */
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  if (self->input_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self->input_path);
      g_autoptr(GFile) folder = g_file_new_for_path (dir);

      if (g_file_query_exists (folder, NULL))
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
    }
  name = _rv_export_dialog_suggest_name (self->input_path, format);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);

  /* The filter is named as the chosen row is. */
  gtk_file_filter_set_name (filter,
                            gtk_check_button_get_active (self->xlsx_check) ? _("Excel workbook (.xlsx)") :
                            gtk_check_button_get_active (self->ods_check) ? _("OpenDocument spreadsheet (.ods)") :
                            _("CSV, UTF-8 (.csv)"));
  pattern = g_strconcat ("*.", rv_export_format_get_extension (format), NULL);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_cancel_clicked_cb (RvExportDialog *self)
{
  g_assert (RV_IS_EXPORT_DIALOG (self));

  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
on_close_request_cb (RvExportDialog *self)
{
  g_assert (RV_IS_EXPORT_DIALOG (self));

  if (self->cancellable == NULL)
    return FALSE;

  /* A write is under way: stop it, and destroy the dialog when the writer has removed its
   * temporary file (see write_cb); until then, the user sees it closed.
   */
  self->closing = TRUE;
  g_cancellable_cancel (self->cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  return TRUE;
}

static void
on_format_toggled_cb (RvExportDialog *self,
                      GtkCheckButton *check)
{
  g_assert (RV_IS_EXPORT_DIALOG (self));

  if (gtk_check_button_get_active (check))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORMAT]);
}

static void
on_rows_toggled_cb (RvExportDialog *self,
                    GtkCheckButton *check)
{
  g_assert (RV_IS_EXPORT_DIALOG (self));

  if (gtk_check_button_get_active (check))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROWS]);
}

static void
rv_export_dialog_dispose (GObject *object)
{
  RvExportDialog *self = (RvExportDialog *)object;

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), RV_TYPE_EXPORT_DIALOG);

  G_OBJECT_CLASS (rv_export_dialog_parent_class)->dispose (object);
}

static void
rv_export_dialog_finalize (GObject *object)
{
  RvExportDialog *self = (RvExportDialog *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->destination);
  g_clear_object (&self->export.sheet);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_clear_pointer (&self->strings, g_ptr_array_unref);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_free (self->input_path);

  G_OBJECT_CLASS (rv_export_dialog_parent_class)->finalize (object);
}

static void
rv_export_dialog_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  RvExportDialog *self = RV_EXPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_FORMAT:
      g_value_set_enum (value, rv_export_dialog_get_format (self));
      break;

    case PROP_ROWS:
      g_value_set_enum (value, rv_export_dialog_get_rows (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rv_export_dialog_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  RvExportDialog *self = RV_EXPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_FORMAT:
      rv_export_dialog_set_format (self, g_value_get_enum (value));
      break;

    case PROP_ROWS:
      rv_export_dialog_set_rows (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rv_export_dialog_class_init (RvExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rv_export_dialog_dispose;
  object_class->finalize = rv_export_dialog_finalize;
  object_class->get_property = rv_export_dialog_get_property;
  object_class->set_property = rv_export_dialog_set_property;

  properties[PROP_FORMAT] =
    g_param_spec_enum ("format", NULL, NULL,
                       RV_TYPE_EXPORT_FORMAT, RV_EXPORT_FORMAT_XLSX,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ROWS] =
    g_param_spec_enum ("rows", NULL, NULL,
                       RV_TYPE_EXPORT_ROWS, RV_EXPORT_ALL,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RvExportDialog::exported:
   * @self: the dialog
   * @file: the file written
   *
   * The file is in place; the dialog closes next.
   */
  signals[EXPORTED] =
    g_signal_new ("exported",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL,
                  g_cclosure_marshal_VOID__OBJECT,
                  G_TYPE_NONE, 1, G_TYPE_FILE);

  /**
   * RvExportDialog::failed:
   * @self: the dialog
   * @message: what went wrong, one sentence ("Cannot write “NAME”: REASON")
   *
   * The file could not be written. The dialog stays open, showing @message, so that the
   * user can choose another place.
   */
  signals[FAILED] =
    g_signal_new ("failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL,
                  g_cclosure_marshal_VOID__STRING,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/rucvalidator/RucValidator/rv-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RvExportDialog, error_group);
  gtk_widget_class_bind_template_child (widget_class, RvExportDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, RvExportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, RvExportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, RvExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, RvExportDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, RvExportDialog, page);
  gtk_widget_class_bind_template_child (widget_class, RvExportDialog, xlsx_check);
  gtk_widget_class_bind_template_child (widget_class, RvExportDialog, ods_check);
  gtk_widget_class_bind_template_child (widget_class, RvExportDialog, csv_check);
  gtk_widget_class_bind_template_child (widget_class, RvExportDialog, all_check);
  gtk_widget_class_bind_template_child (widget_class, RvExportDialog, valid_check);
  gtk_widget_class_bind_template_child (widget_class, RvExportDialog, problems_check);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_close_request_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_format_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_rows_toggled_cb);
}

static void
rv_export_dialog_init (RvExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * rv_export_dialog_new:
 * @parent: the window the dialog is modal to
 * @export: what to write; copied (the sheet and results referenced, the summary
 *   duplicated), so that the caller may change it at once
 * @input_path: (nullable): the checked file, whose folder and name the file chooser
 *   suggests
 *
 * Returns: (transfer none): a new dialog, owned by GTK's list of windows until it closes
 */
RvExportDialog *
rv_export_dialog_new (GtkWindow      *parent,
                      const RvExport *export,
                      const char     *input_path)
{
  RvExportDialog *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (export != NULL, NULL);
  g_return_val_if_fail (RV_IS_SHEET (export->sheet), NULL);
  g_return_val_if_fail (export->results != NULL || rv_sheet_get_n_rows (export->sheet) == 0,
                        NULL);

  self = g_object_new (RV_TYPE_EXPORT_DIALOG,
                       "transient-for", parent,
                       "format", last_format,
                       "rows", last_rows,
                       NULL);
  set_export (self, export);
  self->input_path = g_strdup (input_path);

  /* Without a summary, only CSV can be written. */
  if (export->summary == NULL)
    {
      rv_export_dialog_set_format (self, RV_EXPORT_FORMAT_CSV);
      gtk_widget_set_sensitive (gtk_widget_get_ancestor (GTK_WIDGET (self->xlsx_check),
                                                         ADW_TYPE_ACTION_ROW), FALSE);
      gtk_widget_set_sensitive (gtk_widget_get_ancestor (GTK_WIDGET (self->ods_check),
                                                         ADW_TYPE_ACTION_ROW), FALSE);
    }

  return self;
}

/**
 * rv_export_dialog_present:
 * @self: a #RvExportDialog
 *
 * Shows the dialog.
 */
void
rv_export_dialog_present (RvExportDialog *self)
{
  g_return_if_fail (RV_IS_EXPORT_DIALOG (self));

  gtk_window_present (GTK_WINDOW (self));
}

/**
 * rv_export_dialog_get_format:
 * @self: a #RvExportDialog
 *
 * Returns: the format chosen
 */
RvExportFormat
rv_export_dialog_get_format (RvExportDialog *self)
{
  g_return_val_if_fail (RV_IS_EXPORT_DIALOG (self), RV_EXPORT_FORMAT_XLSX);

  if (gtk_check_button_get_active (self->ods_check))
    return RV_EXPORT_FORMAT_ODS;
  if (gtk_check_button_get_active (self->csv_check))
    return RV_EXPORT_FORMAT_CSV;
  return RV_EXPORT_FORMAT_XLSX;
}

/**
 * rv_export_dialog_set_format:
 * @self: a #RvExportDialog
 * @format: the format to choose
 *
 * Chooses @format, as a click on its row does.
 */
void
rv_export_dialog_set_format (RvExportDialog *self,
                             RvExportFormat  format)
{
  g_return_if_fail (RV_IS_EXPORT_DIALOG (self));

  /* The toggled handler notifies, on a real change only. */
  gtk_check_button_set_active (get_format_check (self, format), TRUE);
}

/**
 * rv_export_dialog_get_rows:
 * @self: a #RvExportDialog
 *
 * Returns: which rows are chosen
 */
RvExportRows
rv_export_dialog_get_rows (RvExportDialog *self)
{
  g_return_val_if_fail (RV_IS_EXPORT_DIALOG (self), RV_EXPORT_ALL);

  if (gtk_check_button_get_active (self->valid_check))
    return RV_EXPORT_VALID;
  if (gtk_check_button_get_active (self->problems_check))
    return RV_EXPORT_PROBLEMS;
  return RV_EXPORT_ALL;
}

/**
 * rv_export_dialog_set_rows:
 * @self: a #RvExportDialog
 * @rows: the rows to choose
 *
 * Chooses @rows, as a click on its row does.
 */
void
rv_export_dialog_set_rows (RvExportDialog *self,
                           RvExportRows    rows)
{
  g_return_if_fail (RV_IS_EXPORT_DIALOG (self));

  gtk_check_button_set_active (get_rows_check (self, rows), TRUE);
}

/**
 * _rv_export_dialog_export_to:
 * @self: a #RvExportDialog
 * @file: where to write, as the file chooser returned it
 *
 * What accepting the file chooser does: writes the export there in the chosen format and
 * rows (adding the format's extension to a name without it), then emits
 * #RvExportDialog::exported and closes, or emits #RvExportDialog::failed and stays.
 */
void
_rv_export_dialog_export_to (RvExportDialog *self,
                             GFile          *file)
{
  RvExportFormat format;
  RvExport export;
  g_autofree char *path = NULL;

  g_return_if_fail (RV_IS_EXPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->cancellable == NULL);

  format = rv_export_dialog_get_format (self);
  export = self->export;
  export.rows = rv_export_dialog_get_rows (self);
  last_format = format;
  last_rows = export.rows;

  g_set_object (&self->destination, NULL);
  self->destination = with_extension (file, format);
  path = g_file_get_path (self->destination);
  if (path == NULL)
    {
      g_autofree char *name = g_file_get_basename (self->destination);
      g_autofree char *message = NULL;

      /* Translators: the file chooser returned a place that is not on this computer. */
      message = g_strdup_printf (_("Cannot write “%s”: only files on this computer can be written"),
                                 name);
      g_clear_object (&self->destination);
      fail (self, message);
      return;
    }

  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  rv_export_write_async (&export, format, path, self->cancellable, write_cb,
                         g_object_ref (self));
}

/**
 * _rv_export_dialog_suggest_name:
 * @input_path: (nullable): the checked file
 * @format: the format to write
 *
 * Returns: (transfer full): the name the file chooser suggests: the input's name without
 *   its extension, "-validated" (translated) and @format's extension
 */
char *
_rv_export_dialog_suggest_name (const char     *input_path,
                                RvExportFormat  format)
{
  g_autofree char *base = NULL;
  const char *extension = rv_export_format_get_extension (format);
  /* Translators: the suffix of an exported file's name, as in "proveedores-validated.xlsx";
   * one word that a file name can hold, in lower case, without spaces.
   */
  const char *suffix = C_("file name", "validated");
  char *dot;

  if (input_path != NULL && input_path[0] != '\0')
    base = g_path_get_basename (input_path);
  if (base == NULL || g_str_equal (base, ".") || g_str_equal (base, G_DIR_SEPARATOR_S))
    return g_strconcat (suffix, ".", extension, NULL);

  dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';

  return g_strconcat (base, "-", suffix, ".", extension, NULL);
}

/**
 * _rv_export_dialog_get_cancellable:
 * @self: a #RvExportDialog
 *
 * Returns: (transfer none) (nullable): the cancellable of the write under way
 */
GCancellable *
_rv_export_dialog_get_cancellable (RvExportDialog *self)
{
  g_return_val_if_fail (RV_IS_EXPORT_DIALOG (self), NULL);

  return self->cancellable;
}

/* Show in Folder */

typedef struct
{
  char              *uri;
  char              *folder_uri;
  GAppLaunchContext *context;
} ShowData;

static void
show_data_free (ShowData *data)
{
  g_free (data->uri);
  g_free (data->folder_uri);
  g_clear_object (&data->context);
  g_free (data);
}

static void
launch_folder_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_app_info_launch_default_for_uri_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* The fallback: the folder itself, in whatever opens folders. */
static void
launch_folder (GTask *task)
{
  ShowData *data = g_task_get_task_data (task);

  g_app_info_launch_default_for_uri_async (data->folder_uri, data->context, NULL,
                                           launch_folder_cb, task);
}

static void
show_items_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_debug ("The file manager cannot show the file: %s", error->message);
  launch_folder (g_steal_pointer (&task));
}

static void
bus_get_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  ShowData *data = g_task_get_task_data (task);
  const char *uris[] = { data->uri, NULL };

  connection = g_bus_get_finish (result, &error);
  if (connection == NULL)
    {
      g_debug ("No session bus: %s", error->message);
      launch_folder (g_steal_pointer (&task));
      return;
    }

  /* The file manager selects the file in its folder (Nautilus, Dolphin, Nemo, Caja…). */
  g_dbus_connection_call (connection,
                          "org.freedesktop.FileManager1",
                          "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1",
                          "ShowItems",
                          g_variant_new ("(^ass)", uris, ""),
                          NULL,
                          G_DBUS_CALL_FLAGS_NONE,
                          -1,
                          NULL,
                          show_items_cb,
                          g_steal_pointer (&task));
}

/**
 * _rv_show_in_folder_async:
 * @parent: (nullable): the window asking
 * @file: the file to show
 * @callback: called when the file manager was asked, or failed
 * @user_data: for @callback
 *
 * rv_show_in_folder(), telling the tests when it is done.
 */
void
_rv_show_in_folder_async (GtkWindow           *parent,
                          GFile               *file,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GFile) folder = NULL;
  ShowData *data;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (G_IS_FILE (file));

  folder = g_file_get_parent (file);
  data = g_new0 (ShowData, 1);
  data->uri = g_file_get_uri (file);
  data->folder_uri = g_file_get_uri (folder != NULL ? folder : file);
  if (parent != NULL)
    data->context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (
                                            gtk_widget_get_display (GTK_WIDGET (parent))));

  task = g_task_new (NULL, NULL, callback, user_data);
  g_task_set_source_tag (task, _rv_show_in_folder_async);
  g_task_set_task_data (task, data, (GDestroyNotify) show_data_free);
  g_bus_get (G_BUS_TYPE_SESSION, NULL, bus_get_cb, g_steal_pointer (&task));
}

/**
 * _rv_show_in_folder_finish:
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when a file manager was asked to show the file or its folder
 */
gboolean
_rv_show_in_folder_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
show_in_folder_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!_rv_show_in_folder_finish (result, &error))
    g_debug ("Cannot show the folder: %s", error->message);
}

/**
 * rv_show_in_folder:
 * @parent: (nullable): the window asking
 * @file: the file to show
 *
 * Opens @file's folder in the file manager, with @file selected when the file manager
 * speaks org.freedesktop.FileManager1; else opens the folder with the default application
 * for folders. Errors are only logged: there is nothing more the user could do.
 */
void
rv_show_in_folder (GtkWindow *parent,
                   GFile     *file)
{
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (G_IS_FILE (file));

  _rv_show_in_folder_async (parent, file, show_in_folder_cb, NULL);
}
