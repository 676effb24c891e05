package storage

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/internal/keyring"
	"qunshen/model"
)

// queue is a small hand-written queue: every record type, CJK text, traditional characters.
const queue = `{"type":"group","id":"g1","name":"第三党支部党员群","kind":"party","platform":"wechat","owner":"wx_owner","branch":"第三党支部","purpose":"支部工作交流","nickname_rule":"branch+name","approved_by":"机关党委","approved_at":"2026-03-01T09:00:00+08:00","filing_no":"备2026-031"}
{"type":"group","id":"g2","name":"城东项目群","kind":"project","platform":"wecom","owner":"wx_pm","project_end":"2026-05-30T00:00:00+08:00"}
{"type":"member","id":"wx_owner","group":"g1","name":"曾志强","nickname":"第三党支部-曾志强","branch":"第三党支部","role":"owner","party_member":true,"joined":"2026-03-01T09:00:00+08:00","last_active":"2026-06-01T10:00:00+08:00"}
{"type":"member","id":"wx_a","group":"g1","name":"單海燕","nickname":"🌸小燕","branch":"第三党支部","role":"member","party_member":true,"joined":"2026-03-02T09:00:00+08:00","last_active":"2026-06-02T10:00:00+08:00"}
{"type":"member","id":"wx_pm","group":"g2","name":"解明","nickname":"项目部-解明","role":"owner","joined":"2026-01-02T09:00:00+08:00"}
{"type":"post","id":"p1","group":"g1","author":"wx_a","time":"2026-06-03T09:30:00+08:00","title":"关于召开支部大会的通知","body":"定于周五下午召开支部大会。\n——第三党支部 2026年6月3日","attachments":["议程.docx"]}
{"type":"post","id":"p2","group":"g1","author":"wx_owner","time":"2026-06-03T10:00:00+08:00","title":"干部任免","body":"关于干部任免的重大事项，请审签。","major":true}
{"type":"post","id":"p3","group":"g2","author":"wx_pm","time":"2026-06-03T08:00:00+08:00","title":"週報","body":"本週進度正常。"}
{"type":"report","id":"r1","group":"g1","reporter":"wx_owner","member":"wx_a","post":"p0","time":"2026-06-03T11:00:00+08:00","text":"在群里发广告"}
{"type":"application","id":"a1","group":"g1","member":"wx_a","kind":"exit","time":"2026-06-04T09:00:00+08:00","text":"调离本单位，申请退群"}
`

type env struct {
	t     *testing.T
	dir   string
	st    *Store
	admin *model.Signer
	sec   *model.Signer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir()}
	e.open()
	var err error
	e.admin, err = keyring.NewSigner("王管理", model.RoleAdmin, "第三党支部")
	e.check(err)
	e.sec, err = keyring.NewSigner("李书记", model.RoleSecretary, "第三党支部")
	e.check(err)
	for _, s := range []*model.Signer{e.admin, e.sec} {
		e.check(keyring.SaveKey(e.dbPath(), s, nil))
		e.check(e.st.Register(s))
	}
	return e
}

func (e *env) dbPath() string { return filepath.Join(e.dir, "qunshen.db") }

func (e *env) open() {
	e.t.Helper()
	st, err := Open(e.dbPath())
	e.check(err)
	e.st = st
	e.t.Cleanup(func() { st.Close() })
}

func (e *env) reopen() {
	e.t.Helper()
	e.check(e.st.Close())
	e.open()
}

func (e *env) check(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) file(name, content string) string {
	p := filepath.Join(e.dir, name)
	e.check(os.WriteFile(p, []byte(content), 0o600))
	return p
}

func (e *env) status() Status {
	s, err := e.st.Status()
	e.check(err)
	return s
}

func (e *env) hash() model.Hash {
	h, err := e.st.StateHash()
	e.check(err)
	return h
}

// reopenedFrom downgrades the database to schema with change (nil for none) and AsOlderSchema,
// checks that the downgrade changed the state, reopens it, and checks that opening it brought it
// back to exactly the state it had, which verifies.
func (e *env) reopenedFrom(schema int, change func(tx *bbolt.Tx) error) {
	e.t.Helper()
	want, before := e.hash(), e.rawHash()
	e.check(e.st.DB().Update(func(tx *bbolt.Tx) error {
		if schema < sealedSince { // the records as that schema kept them, for change to read
			if err := asUnsealed(tx); err != nil {
				return err
			}
		}
		if change != nil {
			if err := change(tx); err != nil {
				return err
			}
		}
		return asOlderLayout(tx, schema)
	}))
	if e.rawHash() == before {
		e.t.Fatal("the downgrade changed nothing")
	}
	e.reopen()
	if e.hash() != want {
		e.t.Fatalf("the database of schema %d was not brought to what schema %d holds", schema, SchemaVersion)
	}
	e.verify()
}

// rawHash is a digest of the projection's buckets as they are stored, which a database of an
// older schema has too.
func (e *env) rawHash() [32]byte {
	e.t.Helper()
	h := sha256.New()
	e.check(e.st.DB().View(func(tx *bbolt.Tx) error {
		for _, name := range projectionBuckets {
			b := tx.Bucket(name)
			if b == nil {
				continue
			}
			if err := b.ForEach(func(k, v []byte) error { h.Write(k); h.Write([]byte{0}); h.Write(v); return nil }); err != nil {
				return err
			}
		}
		return nil
	}))
	return [32]byte(h.Sum(nil))
}

func (e *env) verify() {
	e.t.Helper()
	if _, err := e.st.Verify(); err != nil {
		e.t.Fatalf("verify: %v", err)
	}
}

func TestImportRoundTrip(t *testing.T) {
	e := newEnv(t)
	f := e.file("q.jsonl", queue)
	res, err := e.st.Import(e.admin, []string{f}, ImportOptions{})
	e.check(err)
	if res.Records != 10 || res.Events != 10 {
		t.Fatalf("first import: %+v", res)
	}
	s := e.status()
	if s.Posts["pending"] != 3 || s.Members["active"] != 3 || s.Violations["open"] != 1 || s.Applications["pending"] != 1 || s.Groups["active"] != 2 {
		t.Fatalf("status %+v", s)
	}
	h := e.hash()
	e.reopen()
	if e.hash() != h {
		t.Fatal("reopening changed the state")
	}
	e.verify()
	pend, err := e.st.PostsByStatus(model.PostPending, 50)
	e.check(err)
	if len(pend) != 3 || pend[0].ID != "p3" || pend[1].ID != "p1" || pend[2].ID != "p2" {
		t.Fatalf("pending, oldest first: %v", ids(pend))
	}
	if pend[1].Title != "关于召开支部大会的通知" || !pend[2].Major {
		t.Fatalf("post read back wrong: %+v", pend[1])
	}
	// Importing the same file again changes nothing and writes no event.
	res, err = e.st.Import(e.admin, []string{f}, ImportOptions{})
	e.check(err)
	if res.Events != 0 || res.Unchanged != 10 || e.hash() != h || e.status().Events != s.Events {
		t.Fatalf("second import: %+v", res)
	}
	e.verify()
}

func ids(ps []model.Post) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func TestImportUpdatesRosterDetails(t *testing.T) {
	e := newEnv(t)
	_, err := e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})
	e.check(err)
	changed := strings.Replace(queue, `"nickname":"🌸小燕"`, `"nickname":"第三党支部-单海燕"`, 1)
	res, err := e.st.Import(e.admin, []string{e.file("q2.jsonl", changed)}, ImportOptions{})
	e.check(err)
	if res.Events != 1 {
		t.Fatalf("a changed nickname: %+v", res)
	}
	m, ok, err := e.st.Member("g1", "wx_a")
	e.check(err)
	if !ok || m.Nickname != "第三党支部-单海燕" || m.Status != model.MemberActive {
		t.Fatalf("member %+v", m)
	}
	e.verify()
}

func TestBadLinesApplyNothing(t *testing.T) {
	good := strings.SplitAfter(queue, "\n")
	cases := []struct {
		name, line, want string
	}{
		{"broken JSON", `{"type":"post","id":"p9",`, "broken JSON"},
		{"unknown type", `{"type":"poster","id":"p9"}`, `unknown type "poster"`},
		{"no type", `{"id":"p9"}`, `no "type"`},
		{"missing id", `{"type":"post","group":"g1","author":"wx_a","time":"2026-06-03T09:30:00+08:00"}`, "without an id"},
		{"bad time", `{"type":"post","id":"p9","group":"g1","author":"wx_a","time":"2026-06-03 09:30"}`, "not an RFC 3339 time"},
		{"missing time", `{"type":"post","id":"p9","group":"g1","author":"wx_a"}`, `missing "time"`},
		{"invalid UTF-8", "{\"type\":\"post\",\"id\":\"p9\",\"body\":\"\xff\xfe\"}", "invalid UTF-8 at byte 34"},
		{"wrong field type", `{"type":"post","id":"p9","group":"g1","author":"wx_a","time":"2026-06-03T09:30:00+08:00","major":"yes"}`, `"major" should be bool`},
		{"unknown author", `{"type":"post","id":"p9","group":"g1","author":"wx_nobody","time":"2026-06-03T09:30:00+08:00"}`, `unknown member "wx_nobody" of group "g1"`},
		{"unknown group", `{"type":"post","id":"p9","group":"g9","author":"wx_a","time":"2026-06-03T09:30:00+08:00"}`, `unknown group "g9"`},
		{"bad group kind", `{"type":"group","id":"g9","name":"x","kind":"club"}`, `unknown kind "club"`},
		{"control in id", "{\"type\":\"post\",\"id\":\"p\\u001b9\",\"group\":\"g1\",\"author\":\"wx_a\",\"time\":\"2026-06-03T09:30:00+08:00\"}", "control character"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			before := e.hash()
			events := e.status().Events
			// The bad line stands after good ones: none of them may be applied.
			content := strings.Join(good[:8], "") + c.line + "\n" + strings.Join(good[8:], "")
			f := e.file("bad.jsonl", content)
			_, err := e.st.Import(e.admin, []string{f}, ImportOptions{})
			if err == nil {
				t.Fatal("a bad file was imported")
			}
			if !strings.Contains(err.Error(), f+":9:") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not name %s:9 and %q", err, f, c.want)
			}
			if e.hash() != before || e.status().Events != events {
				t.Fatal("part of a bad file was applied")
			}
		})
	}
}

func TestBadSecondFileAppliesNothing(t *testing.T) {
	e := newEnv(t)
	before := e.hash()
	a := e.file("a.jsonl", queue)
	b := e.file("b.jsonl", `{"type":"post","id":"p9","group":"g1","author":"wx_a","time":"yesterday"}`+"\n")
	if _, err := e.st.Import(e.admin, []string{a, b}, ImportOptions{}); err == nil || !strings.Contains(err.Error(), b+":1:") {
		t.Fatalf("error %v", err)
	}
	if e.hash() != before {
		t.Fatal("the good first file was applied although the second was bad")
	}
}

func TestReferencesMustComeFirst(t *testing.T) {
	e := newEnv(t)
	lines := strings.SplitAfter(queue, "\n")
	posts := e.file("posts.jsonl", strings.Join(lines[5:8], ""))
	roster := e.file("roster.jsonl", strings.Join(lines[:5], ""))
	before := e.hash()
	_, err := e.st.Import(e.admin, []string{posts, roster}, ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), posts+":1: post p1: unknown group \"g1\"") {
		t.Fatalf("posts before their roster: %v", err)
	}
	if e.hash() != before {
		t.Fatal("a refused import changed the state")
	}
	_, err = e.st.Import(e.admin, []string{roster, posts}, ImportOptions{})
	e.check(err)
	if e.status().Posts["pending"] != 3 {
		t.Fatal("posts after their roster were not imported")
	}
}

func TestDecidedPostCannotBeReplaced(t *testing.T) {
	e := newEnv(t)
	_, err := e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})
	e.check(err)
	_, err = e.st.Append(e.admin, model.Draft{Kind: model.PostApprove, Subject: "p1", Payload: []byte("{}")})
	e.check(err)
	before := e.hash()
	changed := strings.Replace(queue, "定于周五下午", "定于周六上午", 1)
	_, err = e.st.Import(e.admin, []string{e.file("q2.jsonl", changed)}, ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "q2.jsonl:6: post p1 is approved already") {
		t.Fatalf("error %v", err)
	}
	if e.hash() != before {
		t.Fatal("the refused file changed the state")
	}
}

func TestVerifyDetectsAChangedByte(t *testing.T) {
	e := newEnv(t)
	_, err := e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})
	e.check(err)
	e.verify()
	e.check(e.st.Close())
	raw, err := os.ReadFile(e.dbPath())
	e.check(err)
	// Change the text everywhere it is stored — in the log and in the projection alike — so
	// that only the hash chain and the signatures can tell.
	old, repl := []byte("本週進度正常"), []byte("本週進度異常")
	if bytes.Count(raw, old) < 2 {
		t.Fatalf("the text is stored %d times", bytes.Count(raw, old))
	}
	e.check(os.WriteFile(e.dbPath(), bytes.ReplaceAll(raw, old, repl), 0o600))
	e.open()
	_, err = e.st.Verify()
	if err == nil || !strings.Contains(err.Error(), "altered or damaged") {
		t.Fatalf("verify after a changed byte: %v", err)
	}
}

func TestVerifyDetectsProjectionDrift(t *testing.T) {
	e := newEnv(t)
	_, err := e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})
	e.check(err)
	e.check(e.st.DB().Update(func(tx *bbolt.Tx) error {
		p, _, _ := newTxState(tx).Post("p1")
		p.Status = model.PostApproved
		return recordsOf(tx, bPosts).Put([]byte("p1"), encodePost(&p, nil)) // a sound record, wrong

	}))
	if _, err := e.st.Verify(); err == nil || !strings.Contains(err.Error(), `posts "p1" differs`) {
		t.Fatalf("verify after a projection edit: %v", err)
	}
}

func TestSecondOpenFailsFast(t *testing.T) {
	e := newEnv(t)
	start := time.Now()
	_, err := Open(e.dbPath())
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "another qunshen has this database open") {
		t.Fatalf("second open: %v", err)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Fatalf("the refusal took %v", d)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	e := newEnv(t)
	e.check(e.st.DB().Update(func(tx *bbolt.Tx) error { return tx.Bucket(bMeta).Put(kSchema, []byte("99")) }))
	e.check(e.st.Close())
	_, err := Open(e.dbPath())
	if err == nil || !strings.Contains(err.Error(), "schema 99, newer") {
		t.Fatalf("open of a newer schema: %v", err)
	}
}

func TestFilesAre0600(t *testing.T) {
	e := newEnv(t)
	bk := filepath.Join(e.dir, "backup.db")
	e.check(e.st.Backup(bk))
	paths := []string{e.dbPath(), bk, keyring.KeyPath(e.dbPath(), e.admin.Operator.Key), keyring.KeyPath(e.dbPath(), e.sec.Operator.Key)}
	for _, p := range paths {
		fi, err := os.Stat(p)
		e.check(err)
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v", p, fi.Mode().Perm())
		}
	}
	fi, err := os.Stat(keyring.KeyDir(e.dbPath()))
	e.check(err)
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("key folder is %v", fi.Mode().Perm())
	}
}

func TestBackupHoldsTheSameState(t *testing.T) {
	e := newEnv(t)
	_, err := e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})
	e.check(err)
	h := e.hash()
	bk := filepath.Join(e.dir, "backup.db")
	e.check(e.st.Backup(bk))
	b, err := Open(bk)
	e.check(err)
	defer b.Close()
	if hb, err := b.StateHash(); err != nil || hb != h {
		t.Fatal("the backup holds another state")
	}
	if _, err := b.Verify(); err != nil {
		t.Fatal(err)
	}
}

func TestSignerRoundTrip(t *testing.T) {
	e := newEnv(t)
	s, err := e.st.LoadSigner("", nil)
	e.check(err)
	if s.Operator.Name != "王管理" || model.KeyOf(s.Priv) != e.admin.Operator.Key {
		t.Fatalf("default operator %+v", s.Operator)
	}
	s, err = e.st.LoadSigner("李书记", nil)
	e.check(err)
	if s.Operator.Role != model.RoleSecretary {
		t.Fatal("secretary")
	}
	if _, err := e.st.LoadSigner("nobody", nil); !errors.Is(err, ErrNoOperator) {
		t.Fatalf("unknown operator: %v", err)
	}
	other, _ := keyring.NewSigner("王管理", model.RoleAdmin, "")
	if err := e.st.Register(other); err == nil {
		t.Fatal("a second operator of the same name was registered")
	}
}

// A post that comes again in one import — later in its file, in a second file, or stored
// already — is a resubmission of the post, never a second post: the import passes over the
// look-up only of posts its validation found nowhere before.
func TestPostAgainInOneImport(t *testing.T) {
	e := newEnv(t)
	e.check(e.err(e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})))
	again := `{"type":"post","id":"p4","group":"g1","author":"wx_a","time":"2026-06-05T09:00:00+08:00","title":"初稿","body":"第一稿"}
{"type":"post","id":"p4","group":"g1","author":"wx_a","time":"2026-06-05T09:00:00+08:00","title":"二稿","body":"第二稿"}
{"type":"post","id":"p1","group":"g1","author":"wx_a","time":"2026-06-03T09:30:00+08:00","title":"关于召开支部大会的通知（修改）","body":"改在周六。"}
{"type":"post","id":"p5","group":"g1","author":"wx_a","time":"2026-06-05T10:00:00+08:00","title":"五","body":"第一稿"}
`
	later := `{"type":"post","id":"p5","group":"g1","author":"wx_a","time":"2026-06-05T10:00:00+08:00","title":"五","body":"第二稿"}
`
	_, err := e.st.Import(e.admin, []string{e.file("again.jsonl", again), e.file("later.jsonl", later)}, ImportOptions{})
	e.check(err)
	if s := e.status(); s.Posts["pending"] != 5 {
		t.Fatalf("%d pending posts, want 5 (p1 … p5, each once)", s.Posts["pending"])
	}
	for id, body := range map[string]string{"p1": "改在周六。", "p4": "第二稿", "p5": "第二稿"} {
		p, ok, err := e.st.Post(id)
		e.check(err)
		if !ok || p.Body != body {
			t.Fatalf("%s: %q, want the last version %q", id, p.Body, body)
		}
	}
	pend, err := e.st.PostsByStatus(model.PostPending, 50)
	e.check(err)
	if len(pend) != 5 {
		t.Fatalf("the status index holds %v", ids(pend))
	}
	e.verify()
}

// The checks' findings are stored with the post, in its record and in the report index,
// also when the checks that run in order change a post after it was prepared for the writer.
func TestImportStoresTheChecksFindings(t *testing.T) {
	e := newEnv(t)
	check := func(p *model.Post, _ model.GroupKind) any {
		p.Findings = append(p.Findings, model.Finding{Rule: "format", Category: "format", Clause: "§4", Severity: "low"})
		return nil
	}
	seen := map[string]bool{}
	inOrder := func(p *model.Post, _ model.GroupKind, _ any) bool {
		if !seen[p.Author] {
			seen[p.Author] = true
			return false
		}
		p.Findings = append(p.Findings, model.Finding{Rule: "flood", Category: "flood", Clause: "§5", Severity: "high"})
		return true
	}
	_, err := e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{Check: check, InOrder: inOrder})
	e.check(err)
	e.verify()
	for id, want := range map[string]int{"p1": 1, "p2": 1, "p3": 1} {
		p, _, err := e.st.Post(id)
		e.check(err)
		if len(p.Findings) != want {
			t.Fatalf("%s: findings %+v", id, p.Findings)
		}
	}
	more := `{"type":"post","id":"p6","group":"g1","author":"wx_a","time":"2026-06-06T09:30:00+08:00","title":"又一条","body":"再发一条。"}
`
	_, err = e.st.Import(e.admin, []string{e.file("more.jsonl", more)}, ImportOptions{Check: check, InOrder: inOrder})
	e.check(err)
	e.verify()
	p, _, err := e.st.Post("p6")
	e.check(err)
	if len(p.Findings) != 2 || p.Findings[1].Rule != "flood" {
		t.Fatalf("p6: findings %+v", p.Findings)
	}
}

// A database of schema 3 kept the facts of submission in the report index and nothing in the
// status index's values: opening it moves them, and it then holds exactly what a database of
// schema 4 holds for the same events.
func TestSchema3MovesTheFactsOfSubmission(t *testing.T) {
	e := newEnv(t)
	e.check(e.err(e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})))
	e.decide(model.PostEscalate, "p2")
	e.decide(model.PostApprove, "p1")
	e.reopenedFrom(3, func(tx *bbolt.Tx) error {
		ix, rep := tx.Bucket(ixPostStatus), tx.Bucket(ixFacts)
		return tx.Bucket(bPosts).ForEach(func(k, v []byte) error {
			p, _, err := decodePost(v)
			if err != nil {
				return err
			}
			facts := model.PostFacts(&p)
			if err := rep.Put(factKey(&facts[0]), factValue(&facts[0])); err != nil {
				return err
			}
			return ix.Put(postStatusKey(&p), []byte{})
		})
	})
	n := 0
	e.check(e.st.Facts(model.FactSubmit, time.Time{}, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), nil, func(f *model.Fact) error {
		n++
		return nil
	}))
	if n != 3 {
		t.Fatalf("%d facts of submission, want 3", n)
	}
}
