package storage

import (
	"path/filepath"
	"testing"
	"time"

	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/review"
)

// BenchmarkReport1M makes the supervisor's report over the benchmarks' database of a million
// posts (May to October 2026), of which 400,000 were escalated (half of those then signed off)
// and 200,000 rejected, each an hour or so after it was submitted: 800,000 decisions. The
// report of a month (July, with June beside it) must take at most 200 ms, that of a year at
// most 1 s.
func BenchmarkReport1M(b *testing.B) {
	q := benchFixture(b)
	st, err := Open(filepath.Join(b.TempDir(), "report.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	// Events carry the clock's time, and a new event always follows the log: the operators
	// and the import are dated before the posts, so that decisions can be dated after them.
	var times []time.Time
	st.SetClock(func() time.Time {
		if len(times) == 0 {
			return time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		}
		t := times[0]
		times = times[1:]
		return t
	})
	admin, _ := keyring.NewSigner("admin", model.RoleAdmin, "")
	sec, _ := keyring.NewSigner("sec", model.RoleSecretary, "")
	for _, s := range []*model.Signer{admin, sec} {
		if err := st.Register(s); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := st.Import(admin, []string{q}, ImportOptions{Now: func() time.Time { return time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC) }}); err != nil {
		b.Fatal(err)
	}
	posts, err := st.PostsByStatus(model.PostPending, benchPosts)
	if err != nil {
		b.Fatal(err)
	}
	// A day at a time: the administrator escalates two posts in five and rejects one, an hour
	// after each was submitted; then the secretary signs off half the escalated ones.
	escalate, reject := []byte(`{"seen":0}`), []byte(`{"seen":0,"reason":"bench"}`)
	signoff := []byte(`{"seen":1}`)
	n := 0
	for from := 0; from < len(posts); {
		day := posts[from].Time.UTC().Truncate(24 * time.Hour)
		to := from
		for to < len(posts) && posts[to].Time.UTC().Truncate(24*time.Hour).Equal(day) {
			to++
		}
		var ad, sd []model.Draft
		var at, stimes []time.Time
		for i := from; i < to; i++ {
			p := &posts[i]
			switch i % 5 {
			case 0, 1:
				ad = append(ad, model.Draft{Kind: model.PostEscalate, Subject: p.ID, Payload: escalate})
				at = append(at, p.Time.Add(time.Hour))
				if i%5 == 0 {
					sd = append(sd, model.Draft{Kind: model.PostSignOff, Subject: p.ID, Payload: signoff})
					stimes = append(stimes, p.Time.Add(3*time.Hour))
				}
			case 2:
				ad = append(ad, model.Draft{Kind: model.PostReject, Subject: p.ID, Payload: reject})
				at = append(at, p.Time.Add(time.Hour))
			}
		}
		for _, d := range []struct {
			s      *model.Signer
			drafts []model.Draft
			times  []time.Time
		}{{admin, ad, at}, {sec, sd, stimes}} {
			if len(d.drafts) == 0 {
				continue
			}
			times = d.times
			if _, err := st.Append(d.s, d.drafts...); err != nil {
				b.Fatal(err)
			}
			n += len(d.drafts)
		}
		from = to
	}
	st.SetClock(nil)
	pol, cal := review.DefaultPolicy(), review.DefaultCalendar()
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 11, 2, 10, 0, 0, 0, loc)
	old := time.Local
	time.Local = loc
	defer func() { time.Local = old }()
	// The two checks of CheckDocument alone: the walk of the file's pages (run by every
	// command), and bbolt's tx.Check.
	for _, c := range []struct {
		name  string
		check func() error
	}{{"check-structure", st.CheckStructure}, {"check-engine", st.checkEngine}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := c.check(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/check")
		})
	}
	for _, c := range []struct {
		name, period string
	}{{"month", "2026-07"}, {"year", "2026"}, {"month-group", "2026-07"}, {"month-checked", "2026-07"}} {
		b.Run(c.name, func(b *testing.B) {
			p, err := review.ParsePeriod(c.period, now)
			if err != nil {
				b.Fatal(err)
			}
			scope := review.Scope{Kind: "all"}
			if c.name == "month-group" {
				scope = review.Scope{Kind: "group", Value: posts[0].Group}
			}
			var r *review.Report
			b.ResetTimer()
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				// As the command line makes a report: the database checked whole first
				// (the structure of the file and bbolt's own check).
				if c.name == "month-checked" {
					if err := st.CheckDocument(); err != nil {
						b.Fatal(err)
					}
				}
				if r, err = review.MakeReport(st, review.ReportOptions{Period: p, Scope: scope, Now: now, Policy: pol, Calendar: cal, Operator: "bench"}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/report")
			// CPU time is steadier than the clock on a shared machine: compare changes with it.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/report")
			b.ReportMetric(float64(r.Cur.Submitted+r.Prev.Submitted), "posts")
			b.ReportMetric(float64(r.Cur.Reviewed+r.Prev.Reviewed+r.Cur.Decisions[model.PostSignOff]+r.Prev.Decisions[model.PostSignOff]), "decisions")
		})
	}
	b.Logf("%d decisions", n)
}
