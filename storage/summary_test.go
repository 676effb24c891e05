package storage

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"qunshen/model"
	"qunshen/review"
)

// TestPostSummaries: the summaries a list holds are the posts' own, each status oldest first,
// and limit is per status.
func TestPostSummaries(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("党", model.MaxSummaryLine) // three bytes a character: cut inside one
	q := queue + `{"type":"post","id":"p4","group":"g2","author":"wx_pm","time":"2026-06-03T12:00:00+08:00","body":"` + long + `\n第二行"}` + "\n"
	check, inOrder := review.NewChecker(review.DefaultPolicy(), nil).ImportChecks()
	_, err := e.st.Import(e.admin, []string{e.file("q.jsonl", q)}, ImportOptions{Check: check, InOrder: inOrder})
	e.check(err)
	statuses := model.PostStatuses
	posts, err := e.st.Posts(statuses, 0)
	e.check(err)
	sums, err := e.st.PostSummaries(statuses, 0)
	e.check(err)
	if len(sums) != len(posts) || len(posts) < 4 {
		t.Fatalf("%d summaries of %d posts", len(sums), len(posts))
	}
	flagged := false
	for i := range posts {
		if want := posts[i].Summary(); !reflect.DeepEqual(sums[i], want) {
			t.Fatalf("summary %d:\n%+v\nwant\n%+v", i, sums[i], want)
		}
		s := sums[i]
		if s.ID != posts[i].ID || s.Title != posts[i].Title || s.Status != posts[i].Status || len(s.Severities) != len(posts[i].Findings) {
			t.Fatalf("summary %d does not carry its post: %+v", i, s)
		}
		flagged = flagged || len(s.Severities) > 0
		if s.ID == "p4" {
			if s.Title != "" || len(s.Line) > model.MaxSummaryLine || !utf8.ValidString(s.Line) || !strings.HasPrefix(long, s.Line) || len(s.Line) < model.MaxSummaryLine-3 {
				t.Fatalf("the first line of p4 cut wrong: %d bytes", len(s.Line))
			}
		} else if s.Line != "" {
			t.Fatalf("a post with a title has a line: %+v", s)
		}
	}
	if !flagged {
		t.Fatal("no post of the queue has a finding: the severities are not tried")
	}
	one, err := e.st.PostSummaries(statuses, 1)
	e.check(err)
	present := map[model.PostStatus]bool{}
	for _, s := range sums {
		present[s.Status] = true
	}
	if len(one) != len(present) || one[0].ID != sums[0].ID {
		t.Fatalf("limit 1 a status: %d summaries", len(one))
	}
}
