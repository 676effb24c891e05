package keymap

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qunshen/internal/i18n"
)

// TestDocIsCurrent fails when docs/keys.md is not what the keymap makes of it, as lazygit's
// cheatsheet check does.
func TestDocIsCurrent(t *testing.T) {
	path := filepath.Join("..", filepath.FromSlash(DocPath))
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run `%s` from the root of the module to write it", err, Regenerate)
	}
	if !bytes.Equal(got, Doc()) {
		t.Fatalf("%s is stale: run `%s` from the root of the module and commit it", DocPath, Regenerate)
	}
}

// bindings are every key.Binding field of Keys, by name.
func bindings(k Keys) map[string]key.Binding {
	out := map[string]key.Binding{}
	v := reflect.ValueOf(k)
	for i := 0; i < v.NumField(); i++ {
		if !v.Type().Field(i).IsExported() {
			continue
		}
		if b, ok := v.Field(i).Interface().(key.Binding); ok {
			out[v.Type().Field(i).Name] = b
		}
	}
	return out
}

func same(a, b key.Binding) bool {
	return slices.Equal(a.Keys(), b.Keys()) && a.Help() == b.Help()
}

// TestEveryKeyIsInAGroup: a binding in no group would be missing from the ? screen and
// docs/keys.md.
func TestEveryKeyIsInAGroup(t *testing.T) {
	k := New(i18n.EN)
	for name, b := range bindings(k) {
		found := false
		for _, g := range k.Groups() {
			for _, x := range g.Bindings {
				found = found || same(x, b)
			}
		}
		if !found {
			t.Errorf("%s is in no group", name)
		}
	}
}

// TestNoKeyTwiceInAPlace: in each place, one key does one thing.
func TestNoKeyTwiceInAPlace(t *testing.T) {
	k := New(i18n.EN)
	places := map[string][]Group{
		"pending":    {k.Global(), k.Pending(), k.Move(), k.List()},
		"reading":    {k.Global(), k.Reading(), k.Move()},
		"confirm":    {k.Confirmation()},
		"roster":     {k.Global(), k.Roster(), k.Move(), k.List()},
		"violations": {k.Global(), k.Violations(), k.Move(), k.List()},
		"groups":     {k.Global(), k.Register(), k.Move(), k.List()},
		"reports":    {k.Global(), k.Reports(), k.Move()},
		"filter":     {k.Filtering()},
		"export":     {k.ExportFormats()},
		"prompt":     {k.Prompt()},
	}
	for place, gs := range places {
		seen := map[string]string{}
		for _, g := range gs {
			for _, b := range g.Bindings {
				for _, s := range b.Keys() {
					if d, dup := seen[s]; dup && d != b.Help().Desc {
						t.Errorf("%s: %q is both %q and %q", place, s, d, b.Help().Desc)
					}
					seen[s] = b.Help().Desc
				}
			}
		}
	}
}

// TestHelpInTheCatalogue: every help text and heading is in both languages.
func TestHelpInTheCatalogue(t *testing.T) {
	for _, l := range []i18n.Lang{i18n.ZH, i18n.EN} {
		k := New(l)
		for name, b := range bindings(k) {
			if d := b.Help().Desc; d == "" || strings.HasPrefix(d, "key.") {
				t.Errorf("%s: %s has no help (%q)", l, name, d)
			}
		}
		for _, g := range k.Groups() {
			if strings.HasPrefix(g.Title, "keys.") || strings.HasPrefix(g.Title, "tab.") {
				t.Errorf("%s: no heading %q", l, g.Title)
			}
		}
	}
	for _, s := range []string{"keys.doc.title", "keys.doc.lang", "keys.doc.intro", "keys.doc.key", "keys.doc.does"} {
		for _, l := range []i18n.Lang{i18n.ZH, i18n.EN} {
			if i18n.T(l, s) == s {
				t.Errorf("%s: no %s", l, s)
			}
		}
	}
}

func TestPaneOf(t *testing.T) {
	k := New(i18n.ZH)
	for i, c := range []rune("12345") {
		if got, ok := k.PaneOf(tea.KeyPressMsg{Code: c, Text: string(c)}); !ok || got != i {
			t.Errorf("%c: pane %d, %v", c, got, ok)
		}
	}
	if _, ok := k.PaneOf(tea.KeyPressMsg{Code: '6', Text: "6"}); ok {
		t.Error("6 chose a pane")
	}
}

var _ help.KeyMap = Help{}

func TestHelpIsAKeyMap(t *testing.T) {
	k := New(i18n.ZH)
	h := Help{Short: []key.Binding{k.Approve}, Groups: []Group{k.Pending(), k.Move()}}
	if len(h.ShortHelp()) != 1 || len(h.FullHelp()) != 2 || len(h.FullHelp()[0]) != len(k.Pending().Bindings) {
		t.Errorf("help %v", h.FullHelp())
	}
}
