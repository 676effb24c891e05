package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"qunshen/internal/i18n"
)

// TestHelpScreenHasEveryGroup: the ? screen, made of the panes' groups, holds every group of
// the keymap (which docs/keys.md lists), in its order.
func TestHelpScreenHasEveryGroup(t *testing.T) {
	b := newPaneBench(t, "")
	var got, want []string
	for _, g := range b.app.helpGroups() {
		got = append(got, g.Title)
	}
	for _, g := range b.app.km.Groups() {
		want = append(want, g.Title)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("the ? screen's groups:\n%v\nthe keymap's:\n%v", got, want)
	}
}

// TestHelpScreenScrolls: on a small terminal the ? screen moves with the list keys, its
// title kept, down to the last group and back.
func TestHelpScreenScrolls(t *testing.T) {
	b := newPaneBench(t, "")
	b.open(b.admin, i18n.EN, 80, 24)
	b.keys("?")
	s := stripSGR(b.screen())
	last := b.app.km.Prompt().Title
	if !strings.Contains(s, "Keys (? or esc to close)") || !strings.Contains(s, b.app.km.Global().Title) || strings.Contains(s, last) {
		t.Fatalf("the ? screen at first:\n%s", s)
	}
	b.keys("G")
	s = stripSGR(b.screen())
	if !strings.Contains(s, "Keys (? or esc to close)") || !strings.Contains(s, last) || strings.Contains(s, b.app.km.Global().Title) {
		t.Fatalf("the ? screen at its end:\n%s", s)
	}
	b.keys("g")
	if s := stripSGR(b.screen()); !strings.Contains(s, b.app.km.Global().Title) {
		t.Fatalf("the ? screen back at its top:\n%s", s)
	}
	b.keys("esc")
	if b.app.help {
		t.Fatal("esc did not close the ? screen")
	}
}

// keyString finds a key compared or bound outside keymap.
var keyString = regexp.MustCompile(`msg\.String\(\)|key\.NewBinding|key\.WithKeys|\.String\(\) *==|case "(enter|esc|up|down|tab|ctrl\+[a-z])"`)

// TestKeysOnlyInKeymap: the screen matches key presses against keymap's bindings, never
// against key strings of its own.
func TestKeysOnlyInKeymap(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range strings.Split(string(b), "\n") {
			if keyString.MatchString(l) {
				t.Errorf("%s:%d: a key outside keymap: %s", f, i+1, strings.TrimSpace(l))
			}
		}
	}
}
