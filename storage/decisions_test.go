package storage

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"qunshen/model"
)

// A line of the decisions carries only the fields of its action (docs/formats.md): no "until"
// but for a mute.
func TestExportDecisionsLeavesOutWhatTheActionLacks(t *testing.T) {
	e := newEnv(t)
	_, err := e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})
	e.check(err)
	e.decide(model.PostApprove, "p1")
	var out bytes.Buffer
	n, err := e.st.ExportDecisions(time.Time{}, &out)
	e.check(err)
	if n != 1 || !strings.Contains(out.String(), `"action":"publish"`) || strings.Contains(out.String(), "until") {
		t.Fatalf("%d lines:\n%s", n, out.String())
	}
}
