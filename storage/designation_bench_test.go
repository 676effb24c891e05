package storage

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"qunshen/internal/keyring"
	"qunshen/internal/procmem"
	"qunshen/model"
)

// benchOperators is the number of operators' machines of the city office's benchmark (300;
// QUNSHEN_BENCH_OPERATORS sets it, an even number), benchPostsPerGroup their posts.
var (
	benchOperators     = envInt("QUNSHEN_BENCH_OPERATORS", 300)
	benchPostsPerGroup = envInt("QUNSHEN_BENCH_POSTS", 400)
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 1 {
		return n
	}
	return def
}

// BenchmarkCityOffice300: a city office gathers the bundles of 300 operators' machines under
// one authority, which it alone trusts. Each of 150 groups, of a branch of its own, has an
// administrator and a secretary, each designated for that branch: the administrator imports
// the group's queue and decides every post (a fifth are major matters, escalated), the
// secretary takes the administrator's bundle and signs the major matters off. The merge — the
// committee's bundle and the 300 operators', every event checked against its designation and
// scope, in one import — is timed, with its CPU time and the peak memory of the process.
func BenchmarkCityOffice300(b *testing.B) {
	dir := b.TempDir()
	auth, err := keyring.NewSigner("市委宣传部", model.RoleAuthority, "")
	if err != nil {
		b.Fatal(err)
	}
	cst, err := Open(filepath.Join(dir, "committee.db"))
	if err != nil {
		b.Fatal(err)
	}
	if err := cst.Register(auth); err != nil {
		b.Fatal(err)
	}
	designate := func(op *model.Signer, branch string) []byte {
		d := model.Designation{Serial: fmt.Sprintf("%x", op.Operator.Key[:8]), AuthorityName: auth.Operator.Name, Key: op.Operator.Key,
			Name: op.Operator.Name, Role: op.Operator.Role, Scope: model.Scope{Branch: branch}, From: time.Now().Add(-time.Hour), Issued: time.Now()}
		d.Normalize()
		d.Sign(auth.Priv)
		raw, _ := json.Marshal(d)
		if _, err := cst.Append(auth, model.Draft{Kind: model.AuthorityDesignate, Subject: d.Serial, Payload: raw}); err != nil {
			b.Fatal(err)
		}
		return raw
	}
	machine := func(name string, role model.Role, branch string) (*Store, *model.Signer) {
		st, err := Open(filepath.Join(dir, name+".db"))
		if err != nil {
			b.Fatal(err)
		}
		op, err := keyring.NewSigner(name, role, branch)
		if err != nil {
			b.Fatal(err)
		}
		if err := st.Register(op); err != nil {
			b.Fatal(err)
		}
		raw := designate(op, branch)
		var d model.Designation
		json.Unmarshal(raw, &d)
		if _, err := st.Append(op, model.Draft{Kind: model.OperatorDesignate, Subject: d.Serial, Payload: raw}); err != nil {
			b.Fatal(err)
		}
		if err := st.AddTrust(keyring.Trust{Key: auth.Operator.Key, Name: auth.Operator.Name, Role: model.RoleAuthority}); err != nil {
			b.Fatal(err)
		}
		return st, op
	}
	decide := func(st *Store, op *model.Signer, ids []string, kind func(i int) model.Kind, seen int) {
		var drafts []model.Draft
		for i, id := range ids {
			if k := kind(i); k != "" {
				drafts = append(drafts, model.Draft{Kind: k, Subject: id, Payload: []byte(`{"seen":` + strconv.Itoa(seen) + `}`)})
			}
		}
		if _, err := st.Append(op, drafts...); err != nil {
			b.Fatal(err)
		}
	}
	var files []string
	groups := benchOperators / 2
	for g := range groups {
		branch := fmt.Sprintf("第%d党支部", g+1)
		ast, admin := machine(fmt.Sprintf("admin%d", g), model.RoleAdmin, branch)
		q := filepath.Join(dir, fmt.Sprintf("queue%d.jsonl", g))
		var sb strings.Builder
		fmt.Fprintf(&sb, `{"type":"group","id":"g%d","name":"%s党员群","kind":"party","branch":"%s"}`+"\n", g, branch, branch)
		for m := range 20 {
			fmt.Fprintf(&sb, `{"type":"member","id":"m%d","group":"g%d","name":"成员%d","branch":"%s"}`+"\n", m, g, m, branch)
		}
		ids := make([]string, benchPostsPerGroup)
		for i := range ids {
			ids[i] = fmt.Sprintf("g%d-p%d", g, i)
			fmt.Fprintf(&sb, `{"type":"post","id":"%s","group":"g%d","author":"m%d","time":"2026-06-03T09:%02d:%02d+08:00","title":"通知%d","body":"关于第%d项工作的安排，请各位按时完成。","major":%v}`+"\n",
				ids[i], g, i%20, i/60%60, i%60, i, i, i%5 == 0)
		}
		if err := os.WriteFile(q, []byte(sb.String()), 0o600); err != nil {
			b.Fatal(err)
		}
		if _, err := ast.Import(admin, []string{q}, ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		decide(ast, admin, ids, func(i int) model.Kind {
			if i%5 == 0 {
				return model.PostEscalate
			}
			return model.PostApprove
		}, 0)
		af := filepath.Join(dir, fmt.Sprintf("admin%d.qsb", g))
		if _, err := ast.ExportBundle(admin, af, ExportOptions{}); err != nil {
			b.Fatal(err)
		}
		ast.Close()
		sst, sec := machine(fmt.Sprintf("secretary%d", g), model.RoleSecretary, branch)
		if _, err := sst.ImportBundles([]string{af}, SyncOptions{}); err != nil {
			b.Fatal(err)
		}
		decide(sst, sec, ids, func(i int) model.Kind {
			if i%5 == 0 {
				return model.PostSignOff
			}
			return ""
		}, 1)
		sf := filepath.Join(dir, fmt.Sprintf("secretary%d.qsb", g))
		if _, err := sst.ExportBundle(sec, sf, ExportOptions{}); err != nil {
			b.Fatal(err)
		}
		sst.Close()
		files = append(files, af, sf)
	}
	cf := filepath.Join(dir, "committee.qsb")
	if _, err := cst.ExportBundle(auth, cf, ExportOptions{}); err != nil {
		b.Fatal(err)
	}
	cst.Close()
	files = append([]string{cf}, files...)
	wantPosts := int64(groups * benchPostsPerGroup)

	b.ResetTimer()
	var took, cpu time.Duration
	var peak, peakAnon int64
	events := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		city, err := Open(filepath.Join(b.TempDir(), "city.db"))
		if err != nil {
			b.Fatal(err)
		}
		if err := city.AddTrust(keyring.Trust{Key: auth.Operator.Key, Name: auth.Operator.Name, Role: model.RoleAuthority}); err != nil {
			b.Fatal(err)
		}
		debug.FreeOSMemory()
		b.StartTimer()
		stop, err := profile(os.Getenv("QUNSHEN_BENCH_PROFILE"))
		if err != nil {
			b.Fatal(err)
		}
		start, cpu0 := time.Now(), cpuTime()
		peaks := procmem.Watch(os.Getpid())
		res, err := city.ImportBundles(files, SyncOptions{})
		rss, anon := peaks()
		stop()
		took += time.Since(start)
		cpu += cpuTime() - cpu0
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		s, err := city.Status()
		if err != nil {
			b.Fatal(err)
		}
		if got := s.Posts[string(model.PostApproved)] + s.Posts[string(model.PostSignedOff)]; got != wantPosts || s.Superseded != 0 {
			b.Fatalf("the city office holds %d posts decided of %d, %d events set aside", got, wantPosts, s.Superseded)
		}
		city.Close()
		events = res.New
		peak, peakAnon = max(peak, rss), max(peakAnon, anon)
	}
	b.ReportMetric(float64(len(files)), "bundles")
	b.ReportMetric(float64(events), "events")
	b.ReportMetric(took.Seconds()*1000/float64(b.N), "merge-ms")
	b.ReportMetric(float64(events)*float64(b.N)/took.Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/float64(events), "cpu-µs/event")
	if peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MB")
		b.ReportMetric(float64(peakAnon)/(1<<20), "peak-anon-MB")
	}
}
