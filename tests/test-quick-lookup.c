/* test-quick-lookup.c
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

#include "config.h"

#include <locale.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "rv-application.h"
#include "rv-mock-api.h"
#include "rv-preferences-window.h"
#include "rv-ruc.h"
#include "rv-test-gui.h"
#include "rv-window.h"

/* The window's quick lookup (Enter in the "RUC or DNI" row) against the mock APIMIGO
 * server, in this process and on the main context, with a temporary database.
 */

#define SUNAT "20131312955"
#define GOOD_TOKEN "quick-lookup-token"

/* One application for the process: each case opens a window of its own. */
static RvApplication *app;

typedef struct
{
  RvMockApi      *mock;
  RvApplication  *app;
  RvWindow       *window;
  GSettings      *settings;
  char           *dir;
  GtkWidget      *entry;
  GtkWidget      *spinner;
  GtkWidget      *card;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *db = NULL;

  fixture->mock = rv_mock_api_new ();
  rv_mock_api_set_token (fixture->mock, GOOD_TOKEN);
  g_assert_true (rv_mock_api_listen (fixture->mock, 0, &error));
  g_assert_no_error (error);
  url = rv_mock_api_dup_base_url (fixture->mock);

  fixture->dir = g_dir_make_tmp ("rv-quick-lookup-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (fixture->dir, "cache.sqlite3", NULL);
  g_setenv ("RUC_VALIDATOR_DB", db, TRUE);
  g_setenv ("RUC_VALIDATOR_TOKEN", GOOD_TOKEN, TRUE);

  fixture->settings = g_settings_new ("io.github.rucvalidator.RucValidator");
  g_settings_reset (fixture->settings, "provider");
  g_settings_set_string (fixture->settings, "base-url", url);

  if (app == NULL)
    {
      app = rv_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
    }
  fixture->app = g_object_ref (app);
  fixture->window = rv_window_new (GTK_APPLICATION (fixture->app));
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
  RV_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));

  fixture->entry = rv_test_find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_ENTRY_ROW,
                                        _("RUC or DNI"));
  g_assert_nonnull (fixture->entry);
  fixture->spinner = rv_test_find_widget (fixture->entry, GTK_TYPE_SPINNER, NULL);
  g_assert_nonnull (fixture->spinner);
  fixture->card = rv_test_find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_PREFERENCES_GROUP,
                                       NULL);
  /* The card is the group titled "Taxpayer", not the first one. */
  for (GtkWidget *w = fixture->card; w != NULL; w = gtk_widget_get_next_sibling (w))
    if (ADW_IS_PREFERENCES_GROUP (w) &&
        g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (w)),
                   _("Taxpayer")) == 0)
      fixture->card = w;
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (fixture->card)), ==,
                   _("Taxpayer"));
}

static GtkWindow *
find_other_window (Fixture *fixture)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      /* Each window's shortcuts window stays hidden, and goes with it. */
      if (window != GTK_WINDOW (fixture->window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWindow *other;

  /* Other windows first, each until it is gone: the preferences window may still wait for
   * the keyring, and must not outlive the window it is transient for.
   */
  while ((other = find_other_window (fixture)) != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (other), (gpointer *) &other);
      gtk_window_destroy (other);
      RV_TEST_WAIT_FOR (other == NULL);
    }
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  RV_TEST_WAIT_FOR (fixture->window == NULL);
  g_clear_object (&fixture->app);
  g_clear_object (&fixture->settings);
  g_assert_finalize_object (g_steal_pointer (&fixture->mock));

  {
    g_autofree char *db = g_build_filename (fixture->dir, "cache.sqlite3", NULL);
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_unlink (db);
    g_rmdir (fixture->dir);
  }
  g_clear_pointer (&fixture->dir, g_free);
  g_unsetenv ("RUC_VALIDATOR_TOKEN");
}

static guint
mock_requests (Fixture *fixture)
{
  RvMockStats stats;

  rv_mock_api_get_stats (fixture->mock, &stats);
  return stats.requests;
}

/* The search button at the end of the entry row (the row has a hidden button of its own). */
static GtkWidget *
find_lookup_button (GtkWidget *root)
{
  if (GTK_IS_BUTTON (root) &&
      g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (root)), "system-search-symbolic") == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_lookup_button (child);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Types @value and presses Enter in the entry row, as a user does. */
static void
type_and_enter (Fixture    *fixture,
                const char *value)
{
  gtk_editable_set_text (GTK_EDITABLE (fixture->entry), value);
  g_signal_emit_by_name (fixture->entry, "entry-activated");
}

static void
wait_lookup_done (Fixture *fixture)
{
  RV_TEST_WAIT_FOR (!gtk_widget_get_visible (fixture->spinner));
}

/* The subtitle of the card's row titled @title, or NULL when that row is hidden. */
static const char *
card_row (Fixture    *fixture,
          const char *title)
{
  GtkWidget *row = rv_test_find_widget (fixture->card, ADW_TYPE_ACTION_ROW, title);

  g_assert_nonnull (row);
  if (!gtk_widget_get_visible (row))
    return NULL;
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

/* The verdict row under the entry. */
static AdwActionRow *
verdict_row (Fixture *fixture)
{
  GtkWidget *group = gtk_widget_get_ancestor (fixture->entry, ADW_TYPE_PREFERENCES_GROUP);
  GtkWidget *row = gtk_widget_get_next_sibling (fixture->entry);

  g_assert_nonnull (group);
  g_assert_true (ADW_IS_ACTION_ROW (row));
  return ADW_ACTION_ROW (row);
}

static void
test_valid_then_cache (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *name = g_strdup_printf ("EMPRESA %s S.A.C.", SUNAT);
  AdwActionRow *row;

  g_assert_false (gtk_widget_get_visible (fixture->card));
  type_and_enter (fixture, SUNAT);
  /* The lookup runs on the main loop: the spinner shows while it does. */
  g_assert_true (gtk_widget_get_visible (fixture->spinner));
  wait_lookup_done (fixture);

  row = verdict_row (fixture);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   SUNAT ": Valid");
  g_assert_true (gtk_widget_get_visible (fixture->card));
  g_assert_cmpstr (card_row (fixture, "Business name"), ==, name);
  g_assert_cmpstr (card_row (fixture, "Taxpayer state"), ==, "ACTIVO");
  g_assert_cmpstr (card_row (fixture, "Domicile condition"), ==, "HABIDO");
  g_assert_cmpstr (card_row (fixture, "Ubigeo"), ==, "150101");
  g_assert_nonnull (card_row (fixture, "Checked at"));
  g_assert_cmpstr (card_row (fixture, "Source"), ==, "From APIMIGO, just now");
  g_assert_cmpuint (mock_requests (fixture), ==, 1);
  g_assert_cmpuint (rv_mock_api_count_ruc (fixture->mock, SUNAT), ==, 1);

  /* Again: the database answers, APIMIGO is not asked. */
  gtk_editable_set_text (GTK_EDITABLE (fixture->entry), "");
  g_assert_false (gtk_widget_get_visible (fixture->card));
  type_and_enter (fixture, SUNAT);
  wait_lookup_done (fixture);
  g_assert_true (gtk_widget_get_visible (fixture->card));
  g_assert_cmpstr (card_row (fixture, "Business name"), ==, name);
  g_assert_true (g_str_has_prefix (card_row (fixture, "Source"), "From the database, checked 2"));
  g_assert_cmpuint (mock_requests (fixture), ==, 1);

  rv_test_wait_frames (GTK_WIDGET (fixture->window), 30);
  rv_test_save_screenshot (GTK_WIDGET (fixture->window), "quick-lookup-cache.png");
}

/* A well-formed RUC the mock answers "not found". */
static void
find_not_found_ruc (char ruc[12])
{
  for (guint dni = 10000000; dni < 10100000; dni++)
    {
      char text[9];

      g_snprintf (text, sizeof text, "%08u", dni);
      rv_ruc_from_dni (text, ruc);
      if (rv_mock_api_expected_answer (ruc) == RV_MOCK_ANSWER_NOT_FOUND)
        return;
    }
  g_assert_not_reached ();
}

static void
test_not_found_and_malformed (Fixture       *fixture,
                              gconstpointer  data)
{
  char ruc[12];
  g_autofree char *title = NULL;
  AdwActionRow *row = verdict_row (fixture);

  find_not_found_ruc (ruc);
  type_and_enter (fixture, ruc);
  wait_lookup_done (fixture);
  title = g_strdup_printf ("%s: Not found", ruc);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, title);
  g_assert_true (gtk_widget_get_visible (fixture->card));
  g_assert_null (card_row (fixture, "Business name"));
  g_assert_cmpuint (mock_requests (fixture), ==, 1);

  /* A wrong check digit: the offline verdict and its suggestion, and nothing sent. */
  type_and_enter (fixture, "20131312956");
  g_assert_false (gtk_widget_get_visible (fixture->spinner));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "20131312956");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==,
                   "Wrong check digit. Did you mean 20131312955?");
  g_assert_false (gtk_widget_get_visible (fixture->card));
  {
    GtkWidget *button = find_lookup_button (fixture->entry);

    g_assert_nonnull (button);
    g_assert_false (gtk_widget_get_sensitive (button));
    g_assert_nonnull (gtk_widget_get_tooltip_text (button));
  }
  /* Let anything that could have been sent arrive. */
  rv_test_wait_frames (GTK_WIDGET (fixture->window), 10);
  g_assert_cmpuint (mock_requests (fixture), ==, 1);
}

static void
test_offline (Fixture       *fixture,
              gconstpointer  data)
{
  AdwActionRow *row = verdict_row (fixture);

  g_settings_set_string (fixture->settings, "provider", "offline");
  type_and_enter (fixture, SUNAT);
  wait_lookup_done (fixture);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   SUNAT ": Pending");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==,
                   "Not checked online: lookups are turned off in Preferences");
  g_assert_cmpuint (mock_requests (fixture), ==, 0);
}

static void
test_button (Fixture       *fixture,
             gconstpointer  data)
{
  GtkWidget *button = find_lookup_button (fixture->entry);

  gtk_editable_set_text (GTK_EDITABLE (fixture->entry), SUNAT);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Look Up Online (Enter)");
  g_signal_emit_by_name (button, "clicked");
  wait_lookup_done (fixture);
  g_assert_true (gtk_widget_get_visible (fixture->card));
  g_assert_cmpuint (mock_requests (fixture), ==, 1);
}

static void
test_wrong_token (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWindow *dialog;
  GtkWindow *preferences;

  g_setenv ("RUC_VALIDATOR_TOKEN", "not-the-token", TRUE);
  type_and_enter (fixture, SUNAT);
  RV_TEST_WAIT_FOR ((dialog = rv_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  g_assert_false (gtk_widget_get_visible (fixture->spinner));
  g_assert_false (gtk_widget_get_visible (fixture->card));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "The API token was rejected");
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "preferences"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog),
                                                          "preferences"), ==,
                   "Open _Preferences");
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "close"));
  g_assert_null (rv_test_find_toplevel (RV_TYPE_PREFERENCES_WINDOW));

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "preferences");
  RV_TEST_WAIT_FOR ((preferences = rv_test_find_toplevel (RV_TYPE_PREFERENCES_WINDOW)) != NULL);
  g_assert_true (gtk_window_get_transient_for (preferences) == GTK_WINDOW (fixture->window));
}

static void
test_focus_action (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *menu_button = rv_test_find_widget (GTK_WIDGET (fixture->window),
                                                GTK_TYPE_MENU_BUTTON, NULL);
  GtkWidget *focus;
  g_auto(GStrv) accels = NULL;

  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture->app), "win.lookup");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>l"));
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>f"));

  gtk_widget_grab_focus (menu_button);
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->window));
  g_assert_false (focus != NULL && gtk_widget_is_ancestor (focus, fixture->entry));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.lookup", NULL));
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->window));
  g_assert_nonnull (focus);
  g_assert_true (GTK_IS_TEXT (focus));
  g_assert_true (gtk_widget_is_ancestor (focus, fixture->entry));
}

static gboolean
set_true_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_typing_cancels (Fixture       *fixture,
                     gconstpointer  data)
{
  AdwActionRow *row = verdict_row (fixture);
  RvMockStats stats;
  gboolean waited = FALSE;

  rv_mock_api_set_latency (fixture->mock, 2000, 0);
  type_and_enter (fixture, SUNAT);
  RV_TEST_WAIT_FOR (mock_requests (fixture) == 1);
  g_assert_true (gtk_widget_get_visible (fixture->spinner));

  /* A new value while the answer is on its way: the card goes back to the offline check,
   * and the stale answer, when it comes, changes nothing.
   */
  gtk_editable_set_text (GTK_EDITABLE (fixture->entry), "20100047218");
  g_assert_false (gtk_widget_get_visible (fixture->spinner));
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (fixture->entry)));
  g_timeout_add (2500, set_true_cb, &waited);
  RV_TEST_WAIT_FOR (waited);

  rv_mock_api_get_stats (fixture->mock, &stats);
  g_assert_cmpuint (stats.requests, ==, 1);
  g_assert_false (gtk_widget_get_visible (fixture->card));
  g_assert_false (gtk_widget_get_visible (fixture->spinner));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "20100047218");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Well-formed RUC of a company");
}

static void
screenshot (Fixture    *fixture,
            const char *name)
{
  type_and_enter (fixture, SUNAT);
  wait_lookup_done (fixture);
  g_assert_true (gtk_widget_get_visible (fixture->card));
  /* Let the entry row's title animation end. */
  rv_test_wait_frames (GTK_WIDGET (fixture->window), 30);
  /* The window brought the card into view by itself: whole, or its top when it is taller
   * than the page. */
  {
    GtkWidget *scrolled = gtk_widget_get_ancestor (fixture->card, GTK_TYPE_SCROLLED_WINDOW);
    double x, top;
    double bottom;

    g_assert_nonnull (scrolled);
    g_assert_true (gtk_widget_translate_coordinates (fixture->card, scrolled, 0, 0, &x, &top));
    bottom = top + gtk_widget_get_height (fixture->card);
    g_test_message ("card from %.0f to %.0f in a page of %d", top, bottom,
                    gtk_widget_get_height (scrolled));
    g_assert_cmpfloat (top, >=, -1);
    g_assert_true (bottom <= gtk_widget_get_height (scrolled) + 1 || top <= 1);
  }
  rv_test_save_screenshot (GTK_WIDGET (fixture->window), name);
}

static void
test_screenshot_en (Fixture       *fixture,
                    gconstpointer  data)
{
  screenshot (fixture, "quick-lookup.png");
  g_assert_nonnull (rv_test_find_widget (fixture->card, ADW_TYPE_ACTION_ROW, "Business name"));
}

/* In a process of its own started in Spanish: GLib decides once per process whether
 * libraries' strings are translated (see test-results-view.c).
 */
static void
test_screenshot_es (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture_set_up (&fixture, NULL);
      screenshot (&fixture, "quick-lookup-es.png");
      g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (fixture.card)), ==,
                       "Contribuyente");
      g_assert_nonnull (rv_test_find_widget (fixture.card, ADW_TYPE_ACTION_ROW, "Razón social"));
      g_assert_true (g_str_has_prefix (card_row (&fixture, "Fuente"), "De APIMIGO"));
      fixture_tear_down (&fixture, NULL);
      return;
    }

  g_setenv ("RV_TEST_LANGUAGE", "es", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT |
                                   G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("RV_TEST_LANGUAGE");
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("RUC_VALIDATOR_LOCALEDIR");

  /* English, but for the Spanish screenshot's subprocess (which a C.UTF-8 locale honours). */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", g_getenv ("RV_TEST_LANGUAGE") ?: "en", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);

  /* A display is required: CI runs this under xvfb-run. */
  rv_test_gui_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/quick-lookup/valid-then-cache", test_valid_then_cache);
  ADD ("/quick-lookup/not-found-and-malformed", test_not_found_and_malformed);
  ADD ("/quick-lookup/offline", test_offline);
  ADD ("/quick-lookup/button", test_button);
  ADD ("/quick-lookup/wrong-token", test_wrong_token);
  ADD ("/quick-lookup/focus-action", test_focus_action);
  ADD ("/quick-lookup/typing-cancels", test_typing_cancels);
  ADD ("/quick-lookup/screenshot/en", test_screenshot_en);
#undef ADD
  g_test_add_func ("/quick-lookup/screenshot/es", test_screenshot_es);

  return g_test_run ();
}
