package ui

import (
	"slices"
	"testing"
	"time"

	"qunshen/model"
)

// memberFields are the texts the roster finds a member by, in its order and of its kinds.
func memberFields(m model.Member) []string {
	return []string{m.Name, m.Nickname, m.Branch, m.Group, m.ID, m.Group, ""}
}

var memberKinds = []fieldKind{fieldName, fieldName, fieldText, fieldText, fieldID, fieldID, fieldBody}

func newMemberFilter(ms []model.Member) *Filter[model.Member] {
	l := NewList(func(m model.Member) string { return m.Key() }, func(m model.Member, w int) string { return m.Name })
	l.SetRows(ms)
	return NewFilter(filterTestCommon(), l, memberFields, memberKinds...)
}

// percentile is the nearest-rank percentile of sorted durations, in milliseconds.
func percentile(d []time.Duration, p float64) float64 {
	i := int(float64(len(d))*p+0.999999) - 1
	return float64(d[min(max(i, 0), len(d)-1)]) / float64(time.Millisecond)
}

// BenchmarkFilterKeystroke times the matching work of each keystroke (the command a key
// makes: run, then the command itself) over 50,000 members, their pinyin and masks built
// beforehand. Each word is typed key by key from an empty query, the results of the queries
// before forgotten, so that none is found made already. "brief" types the words of the
// brief; "names" more searches of people, by pinyin, characters and id.
//
// p50-ms and p99-ms are the percentiles of the keystrokes' times, keystrokes/s their number
// over their total time; show-ms is the mean time the list then takes to show the result, on
// the screen's goroutine (List.Show, not timed in the keystroke).
func BenchmarkFilterKeystroke(b *testing.B) {
	for _, c := range []struct {
		name  string
		words []string
	}{
		{"brief", []string{"zhang", "zw", "王", "第三党支部", "wx_"}},
		{"names", []string{"zzq", "shanhaiyan", "ouyang", "lixiaoming", "李娜", "陈", "wx_a9k", "chen ming"}},
	} {
		b.Run(c.name, func(b *testing.B) { benchKeystrokes(b, c.words) })
	}
}

func benchKeystrokes(b *testing.B, words []string) {
	ms := filterMembers(b)
	f := newMemberFilter(ms)
	f.index().build()
	var ds []time.Duration
	var show time.Duration
	hits := 0
	b.ResetTimer()
	for range b.N {
		for _, w := range words {
			b.StopTimer()
			f.Clear()
			f.ix.mu.Lock()
			f.ix.done, f.ix.fifo = nil, nil // no result made already
			f.ix.mu.Unlock()
			b.StartTimer()
			rs := []rune(w)
			for k := 1; k <= len(rs); k++ {
				t0 := time.Now()
				f.query = string(rs[:k])
				msg := f.run()().(filterMsg)
				ds = append(ds, time.Since(t0))
				t1 := time.Now()
				f.update(msg)
				show += time.Since(t1)
				hits += len(msg.idx)
			}
		}
	}
	b.StopTimer()
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	ms1 := float64(time.Millisecond)
	b.ReportMetric(percentile(ds, 0.50), "p50-ms")
	b.ReportMetric(percentile(ds, 0.99), "p99-ms")
	b.ReportMetric(float64(ds[len(ds)-1])/ms1, "max-ms")
	b.ReportMetric(float64(len(ds))/sum.Seconds(), "keystrokes/s")
	b.ReportMetric(float64(hits)/float64(len(ds)), "rows/keystroke")
	b.ReportMetric(float64(show)/float64(len(ds))/ms1, "show-ms")
}

// BenchmarkFilterKeys times building the keys of 50,000 members from nothing: reading the
// rows' texts (on the screen's goroutine), then their masks and pinyin keys (in a command),
// with no character's reading known yet.
func BenchmarkFilterKeys(b *testing.B) {
	ms := filterMembers(b)
	var read, build time.Duration
	for range b.N {
		pyMemo.Lock()
		pyMemo.m = map[rune]string{}
		pyMemo.Unlock()
		f := newMemberFilter(ms)
		t0 := time.Now()
		ix := f.index()
		t1 := time.Now()
		ix.build()
		read, build = read+t1.Sub(t0), build+time.Since(t1)
	}
	n := float64(b.N) * float64(time.Millisecond)
	b.ReportMetric(float64(read)/n, "read-ms")
	b.ReportMetric(float64(build)/n, "keys-ms")
}

// BenchmarkFilterReindex times indexing 50,000 members again after a reload (Refresh), their
// texts' keys known.
func BenchmarkFilterReindex(b *testing.B) {
	ms := filterMembers(b)
	f := newMemberFilter(ms)
	f.index().build()
	var read, build time.Duration
	for range b.N {
		f.Refresh()
		t0 := time.Now()
		ix := f.index()
		t1 := time.Now()
		ix.build()
		read, build = read+t1.Sub(t0), build+time.Since(t1)
	}
	n := float64(b.N) * float64(time.Millisecond)
	b.ReportMetric(float64(read)/n, "read-ms")
	b.ReportMetric(float64(build)/n, "index-ms")
}
