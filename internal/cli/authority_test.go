package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qunshen/model"
)

// TestAuthorityFlow runs the command block on four machines: the committee designates
// an administrator and a secretary, each attaches the designation given to them; every machine
// trusts the committee once, and none exchanges keys with another; the city office's machine,
// which trusts only the committee, takes both operators' bundles and holds their state. Then
// the committee revokes the secretary.
func TestAuthorityFlow(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	machine := func(name string) *cli { return &cli{t: t, db: p(name + ".db")} }
	committee, admin, sec, city := machine("committee"), machine("admin"), machine("sec"), machine("city")

	out := committee.ok("authority", "init", "--name", "机关党委", "-o", p("机关党委.authority.json"))
	if !strings.Contains(out, "authority 机关党委 created") || !strings.Contains(out, "fingerprint: ") {
		t.Fatalf("authority init:\n%s", out)
	}
	committee.fails("has an authority already", "authority", "init", "--name", "宣传部", "-o", p("x.json"))
	admin.ok("init", "--name", "王芳", "--role", "admin", "--branch", "第三党支部")
	admin.ok("key", "export", "-o", p("王芳.key.json"))
	sec.ok("init", "--name", "李明", "--role", "secretary", "--branch", "第三党支部")
	sec.ok("key", "export", "-o", p("李明.key.json"))

	committee.fails("name the scope", "authority", "designate", p("王芳.key.json"), "-o", p("x.json"))
	committee.fails("is not designated a branch secretary", "authority", "designate", p("王芳.key.json"), "--role", "secretary", "--branch", "第三党支部", "-o", p("x.json"))
	committee.fails("only a supervisor is designated for every group", "authority", "designate", p("王芳.key.json"), "--all", "-o", p("x.json"))
	committee.fails("authority accept takes no --branch", "authority", "accept", p("x.json"), "--branch", "x")
	out = committee.ok("authority", "designate", p("王芳.key.json"), "--branch", "第三党支部", "--groups", "g2", "-o", p("王芳.designation.json"))
	if !strings.Contains(out, "王芳, admin, for the groups of 第三党支部 and the groups g2, from ") {
		t.Fatalf("designate:\n%s", out)
	}
	committee.ok("authority", "designate", p("李明.key.json"), "--role", "secretary", "--branch", "第三党支部", "--until", "2099-12-31", "-o", p("李明.designation.json"))
	admin.fails("is no operator of", "authority", "accept", p("李明.designation.json"))
	out = admin.ok("authority", "accept", p("王芳.designation.json"))
	if !strings.Contains(out, "signed by the authority 机关党委") || !strings.Contains(out, "attached (event") {
		t.Fatalf("accept:\n%s", out)
	}
	sec.ok("authority", "accept", p("李明.designation.json"))
	if out := sec.ok("authority", "accept", p("李明.designation.json")); !strings.Contains(out, "is attached to 李明 already") {
		t.Fatalf("accepting twice:\n%s", out)
	}
	for _, m := range []*cli{admin, sec, city} {
		out := m.ok("trust", "--authority", p("机关党委.authority.json"), "--yes")
		if !strings.Contains(out, "trusted the authority 机关党委") {
			t.Fatalf("trust --authority:\n%s", out)
		}
	}
	if out := city.ok("trust", "--authority", p("机关党委.authority.json")); !strings.Contains(out, "is trusted already") {
		t.Fatalf("trusting again:\n%s", out)
	}

	admin.ok("import", queueFile)
	admin.ok("decide", "p1", "approve")
	admin.ok("decide", "p3", "reject", "--reason", "广告")
	admin.ok("decide", "p2", "escalate")
	admin.ok("sync", "export", "--peer", "李明", "-o", p("a1.qsb"))
	sec.ok("sync", "import", p("a1.qsb"))
	sec.ok("decide", "p2", "signoff")
	sec.ok("sync", "export", "--peer", "王芳", "-o", p("s1.qsb"))
	admin.ok("sync", "import", p("s1.qsb"))
	city.ok("sync", "import", p("a1.qsb"), p("s1.qsb"))
	committee.ok("sync", "export", "-o", p("c1.qsb")) // the authority signs: the machine has no operator
	for _, m := range []*cli{admin, sec, city} {
		m.ok("sync", "import", p("c1.qsb"))
	}
	state := city.status().State
	for _, m := range []*cli{admin, sec} {
		if m.status().State != state {
			t.Fatal("the machines differ after exchanging everything")
		}
	}
	city.ok("verify")

	// Who answers for the group, as the designations say.
	out = city.ok("group", "show", "g1")
	for _, w := range []string{"first responsible: 李明 (branch secretary, designation ", "managers: 曾志强 (group owner, group record), 王芳 (administrator, designation ", "supervisors: 机关党委 (authority)"} {
		if !strings.Contains(out, w) {
			t.Fatalf("group show does not say %q:\n%s", w, out)
		}
	}
	var chain model.Chain
	if err := json.Unmarshal([]byte(city.ok("group", "show", "g1", "--json")), &chain); err != nil || len(chain.First) != 1 || chain.First[0].Name != "李明" {
		t.Fatalf("group show --json: %+v %v", chain, err)
	}
	city.fails("unknown group", "group", "show", "g404")

	// The list, as a script reads it.
	var rows []designationRow
	for _, line := range strings.Split(strings.TrimSpace(city.ok("authority", "list", "--json")), "\n") {
		var r designationRow
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	if len(rows) != 2 || rows[0].Status != "in-force" || rows[0].Attached.IsZero() {
		t.Fatalf("authority list --json: %+v", rows)
	}

	// Revoked: the committee's bundle carries it; the secretary, who knows it, signs no more.
	committee.fails("no designation in force by this authority is named", "authority", "revoke", "张三")
	out = committee.ok("authority", "revoke", "李明", "--reason", "调离")
	if !strings.Contains(out, "revoked: 李明 (secretary, for the groups of 第三党支部)") {
		t.Fatalf("revoke:\n%s", out)
	}
	committee.fails("no designation in force", "authority", "revoke", "李明")
	committee.ok("sync", "export", "-o", p("c2.qsb"))
	sec.ok("sync", "import", p("c2.qsb"))
	sec.fails("was revoked on", "application", "approve", "a1", "--reason", "同意")
	if out := sec.ok("authority", "list"); !strings.Contains(out, "revoked 20") {
		t.Fatalf("authority list after the revocation:\n%s", out)
	}

	// Chinese.
	out, _, _ = zh(t, city.db, "group", "show", "g1")
	if !strings.Contains(out, "第一责任人：李明（支部书记，指定书 ") {
		t.Fatalf("group show in Chinese:\n%s", out)
	}
	_, errs, _ := zh(t, sec.db, "application", "approve", "a1")
	if !strings.Contains(errs, "李明 的指定书") || !strings.Contains(errs, "被撤销") {
		t.Fatalf("refusal in Chinese: %s", errs)
	}
	if _, err := os.Stat(p("机关党委.authority.json")); err != nil {
		t.Fatal(err)
	}
}

// A secretary designated for another branch signs off nothing of this one, on the command
// line, and a department head holds the secretary's powers over the groups of a department.
func TestScopeOnTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	c := &cli{t: t, db: p("q.db")}
	c.ok("authority", "init", "--name", "机关党委", "-o", p("a.json"))
	c.ok("init", "--name", "王芳", "--role", "admin")
	c.ok("init", "--name", "孙书记", "--role", "secretary", "--branch", "东湖街道")
	c.ok("init", "--name", "钱主任", "--role", "depthead", "--branch", "第三党支部")
	c.ok("import", queueFile)
	c.ok("decide", "p2", "escalate")
	c.ok("--as", "孙书记", "key", "export", "-o", p("sun.key.json"))
	c.ok("authority", "designate", p("sun.key.json"), "--branch", "东湖街道", "-o", p("sun.json"))
	c.ok("authority", "accept", p("sun.json"))
	c.fails("孙书记 (secretary, designation ", "--as", "孙书记", "decide", "p2", "signoff")
	c.fails("may act only on the groups of 东湖街道: the action post.signoff on post p2 is of group g1 (第三党支部), outside that scope", "--as", "孙书记", "decide", "p2", "signoff")
	// The desk's actions belong to a group, as the posts do: an incident, its measures,
	// an application to create a group of another branch.
	c.fails("the action incident.open on incident I1 is of group g1 (第三党支部), outside that scope", "--as", "孙书记", "incident", "open", "--kind", "opinion", "--group", "g1", "--summary", "群内舆情", "--id", "I1")
	c.ok("incident", "open", "--kind", "opinion", "--group", "g1", "--summary", "群内舆情", "--id", "I1")
	c.fails("outside that scope", "--as", "孙书记", "incident", "escalate", "I1", "--to", "街道党工委")
	c.fails("outside that scope", "--as", "孙书记", "group", "approve", "g2", "--filing-no", "备-2")
	// The department head, undesignated, signs off as a secretary would.
	c.ok("--as", "钱主任", "decide", "p2", "signoff")
	c.fails("the role depthead may not take the action post.approve (only admin, owner)", "--as", "钱主任", "decide", "p1", "approve")
}
