package ui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qunshen/internal/i18n"
	"qunshen/model"
	"qunshen/review"
)

// golden compares a screen with its golden file, or rewrites it with -update.
func golden(t *testing.T, name, screen string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	got := ansi.Strip(screen) + "\n"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n%s", path, got)
	}
}

// viewsStore is the fixture and morePosts with a post in every view: p1 approved, p2
// escalated, p5 escalated and returned by the secretary.
func viewsStore(t *testing.T) *harness {
	h := moreHarness(t, 80, 24)
	a := review.Service{Store: h.st, Signer: h.admin, Clock: clock}
	s := review.Service{Store: h.st, Signer: h.sec, Clock: clock}
	for _, d := range []struct {
		svc    *review.Service
		post   string
		kind   model.Kind
		reason string
	}{{&a, "p1", model.PostApprove, ""}, {&a, "p2", model.PostEscalate, ""}, {&a, "p5", model.PostEscalate, ""},
		{&s, "p5", model.PostReturn, "请补充会议纪要后再报"}} {
		if _, err := d.svc.Decide(d.post, d.kind, d.reason); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// TestGoldenViews keeps each view of the administrator's Pending pane at 80×24 and 200×50, in
// Chinese and English.
func TestGoldenViews(t *testing.T) {
	h := viewsStore(t)
	names := []string{"queue", "returned", "escalated", "findings", "block", "signoff", "warn", "published"}
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
			h.w, h.h = size[0], size[1]
			h.open(h.admin, lang)
			for i, name := range names {
				h.keys("f", "g")
				for range i {
					h.keys("down")
				}
				h.keys("enter")
				golden(t, strings.Join([]string{"view", name, string(lang), itoa(size[0]) + "x" + itoa(size[1])}, "-"), h.screen())
			}
		}
	}
}

// TestGoldenHelp keeps the ? screen at its top and scrolled a page down, at 80×24 and
// 200×50, in Chinese and English.
func TestGoldenHelp(t *testing.T) {
	h := moreHarness(t, 80, 24)
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
			h.w, h.h = size[0], size[1]
			h.open(h.admin, lang)
			h.keys("?")
			name := strings.Join([]string{"help", string(lang), itoa(size[0]) + "x" + itoa(size[1])}, "-")
			golden(t, name+"-top", h.screen())
			h.send(tea.KeyPressMsg{Code: tea.KeyPgDown})
			golden(t, name+"-scrolled", h.screen())
		}
	}
}

// TestGoldenQuestions keeps the questions before a decision and the secretary's queue at
// 80×24, in Chinese and English.
func TestGoldenQuestions(t *testing.T) {
	h := viewsStore(t)
	for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
		h.w, h.h = 80, 24
		h.open(h.admin, lang)
		h.goTo("週報")
		h.keys("a")
		golden(t, "ask-warn-"+string(lang)+"-80x24", h.screen())
		h.keys("n")
		h.goTo("报销")
		h.keys("a")
		golden(t, "ask-override-"+string(lang)+"-80x24", h.screen())
		h.keys("esc", "g", "space", "j", "space", "j", "space", "a")
		golden(t, "ask-batch-"+string(lang)+"-80x24", h.screen())
		h.keys("n", "-")
		h.open(h.sec, lang)
		golden(t, "secretary-"+string(lang)+"-80x24", h.screen())
	}
}
