package ui_test

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"qunshen/internal/gen"
	"qunshen/internal/i18n"
	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
	"qunshen/ui"
)

// benchStore is a database of n generated posts, made once per benchmark.
func benchStore(b *testing.B, posts, members int) (*storage.Store, *model.Signer) {
	dir := b.TempDir()
	q := filepath.Join(dir, "q.jsonl")
	f, err := os.Create(q)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := gen.Write(w, gen.Options{Posts: posts, Members: members, Groups: 40, Seed: 7}); err != nil {
		b.Fatal(err)
	}
	w.Flush()
	f.Close()
	st, err := storage.Open(filepath.Join(dir, "q.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	admin, _ := keyring.NewSigner("王管理", model.RoleAdmin, "")
	if err := st.Register(admin); err != nil {
		b.Fatal(err)
	}
	check, inOrder := review.NewChecker(review.DefaultPolicy(), nil).ImportChecks()
	if _, err := st.Import(admin, []string{q}, storage.ImportOptions{Check: check, InOrder: inOrder}); err != nil {
		b.Fatal(err)
	}
	return st, admin
}

// loaded is a workbench with every command of its start run.
func loaded(b *testing.B, st *storage.Store, s *model.Signer, w, h int) *harness {
	hs := &harness{t: &testing.T{}, st: st, w: w, h: h}
	hs.m = ui.New(fixedService{&review.Service{Store: st, Signer: s, Clock: clock}}, i18n.ZH)
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(hs.m.Init())
	return hs
}

// BenchmarkView100k draws the pending pane holding 100,000 posts at 200×50: ≤ 2 ms.
func BenchmarkView100k(b *testing.B) {
	st, admin := benchStore(b, 100_000, 10_000)
	h := loaded(b, st, admin, 200, 50)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = h.m.View()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/view")
}

// BenchmarkNavigationKey moves the cursor down a row and draws: ≤ 1 ms.
func BenchmarkNavigationKey(b *testing.B) {
	st, admin := benchStore(b, 100_000, 10_000)
	h := loaded(b, st, admin, 200, 50)
	down := keyMsg("down")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, cmd := h.m.Update(down)
		h.m = m
		h.run(cmd) // the author's record of the new post, read once
		_ = h.m.View()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/key")
}

// BenchmarkFirstFrame1M opens a database of 1,000,000 posts and draws the first full frame
// (the oldest pending posts on screen): ≤ 100 ms. The commands of the start run as bubbletea
// runs them, each on its own goroutine; the other panes' loads go on behind the first frame.
func BenchmarkFirstFrame1M(b *testing.B) {
	st, admin := benchStore(b, 1_000_000, 50_000)
	path := st.Path()
	st.Close()
	b.ResetTimer()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		st, err := storage.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		m := tea.Model(ui.New(fixedService{&review.Service{Store: st, Signer: admin, Clock: clock}}, i18n.ZH))
		m, _ = m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
		msgs := make(chan tea.Msg, 64)
		var wg sync.WaitGroup
		var spawn func(cmd tea.Cmd)
		spawn = func(cmd tea.Cmd) {
			if cmd == nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				msg := cmd()
				if v := reflect.ValueOf(msg); msg != nil && v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
					if _, batch := msg.(tea.BatchMsg); batch {
						for j := 0; j < v.Len(); j++ {
							spawn(v.Index(j).Interface().(tea.Cmd))
						}
						return
					}
					for j := 0; j < v.Len(); j++ { // a sequence: in order, here
						if c := v.Index(j).Interface().(tea.Cmd); c != nil {
							msgs <- c()
						}
					}
					return
				}
				if msg != nil {
					msgs <- msg
				}
			}()
		}
		spawn(m.Init())
		for {
			msg := <-msgs
			m, _ = m.Update(msg)
			if v := m.View().Content; strings.Contains(v, "06-0") || strings.Contains(v, "05-0") {
				break // the first rows of the queue are on screen
			}
		}
		total += time.Since(start)
		b.StopTimer()
		go func() {
			for range msgs {
			}
		}()
		wg.Wait()
		close(msgs)
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/first-frame")
}
