package ui_test

import (
	"archive/zip"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"qunshen/internal/i18n"
	"qunshen/internal/reportfix"
	"qunshen/model"
	"qunshen/review"
)

// TestGroupsGolden keeps the Groups pane of the supervisor on the report fixture at 80×24
// and 200×50, in Chinese and English: the register with its badges and a group whole (its
// chain, overdue rectification, incidents and accountability); and at 80×24 the group read
// whole (enter), scrolled to its incidents.
func TestGroupsGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
			h, _ := reportHarness(t, size[0], size[1], lang)
			h.keys("5")
			name := strings.Join([]string{"groups", string(lang), itoa(size[0]) + "x" + itoa(size[1])}, "-")
			golden(t, name, h.screen())
			if size[0] == 80 {
				h.keys("enter")
				h.send(tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl})
				golden(t, "groups-detail-"+string(lang)+"-80x24", h.screen())
			}
		}
	}
}

// supervisorService is the service of the report fixture's supervisor, for the checks.
func supervisorService(h *harness, f *reportfix.Fixture) *review.Service {
	return &review.Service{Store: h.st, Signer: f.Supervisor, Clock: func() time.Time { return reportfix.Now }}
}

// TestSupervisorsPathOnTheScreen follows the README's path for a supervisor on the screen:
// the unapproved groups found from the report's figure, one approved and filed (and a second
// approval refused), an incident opened from a post, a measure linked to it, the report
// upward recorded, the upward report written and read back, accountability recorded; an
// administrator may not record accountability, and applies to create a group.
func TestSupervisorsPathOnTheScreen(t *testing.T) {
	t.Chdir(t.TempDir()) // the upward report is written into the working folder
	h, f := reportHarness(t, 120, 40, i18n.EN)
	svc := supervisorService(h, f)
	reg, err := svc.Register()
	if err != nil {
		t.Fatal(err)
	}
	var unapproved []review.RegisterEntry
	for _, e := range reg {
		if e.Has(review.CheckUnapproved) && !e.IsApplication() {
			unapproved = append(unapproved, e)
		}
	}
	if len(unapproved) == 0 {
		t.Fatal("the fixture has no unapproved group")
	}

	// The report's figure opens the unapproved groups in the Groups pane.
	h.keys("4")
	h.selectRow(i18n.T(i18n.EN, "register.check.unapproved"))
	h.keys("enter")
	s := h.plain()
	if !strings.Contains(s, "5 Groups") || !strings.Contains(s, unapproved[0].Group.Name) || !strings.Contains(s, "unfiled") {
		t.Fatalf("the figure did not open the unapproved groups:\n%s", s)
	}

	// Approved and filed with a number; approved again, refused with a message.
	g := unapproved[0].Group
	h.goTo(prefix(g.Name))
	h.keys("a")
	h.typeText("备2026-099")
	h.keys("enter")
	if got, _, _ := svc.Group(g.ID); got.FilingNo != "备2026-099" || got.ApprovedBy != f.Supervisor.Operator.Name {
		t.Fatalf("after a: %+v\n%s", got, h.plain())
	}
	h.keys("a")
	if s := h.plain(); !strings.Contains(s, "备2026-099") || !strings.Contains(s, "approved") {
		t.Fatalf("a second approval is not refused with a message:\n%s", s)
	}
	h.keys("esc")

	// An incident opened from a pending post, its kind and what happened asked.
	h.keys("1")
	posts, err := svc.Posts([]model.PostStatus{model.PostPending}, 0)
	if err != nil || len(posts) == 0 {
		t.Fatal("no pending post", err)
	}
	post := posts[0]
	h.goTo(firstTitle(post))
	h.keys("i", "down") // public opinion
	h.typeText("群内发布违法信息")
	h.keys("enter")
	var in model.Incident
	ins, _ := svc.Incidents()
	for _, x := range ins {
		if x.Summary == "群内发布违法信息" {
			in = x
		}
	}
	if in.ID == "" || in.Post != post.ID || in.Kind != model.IncidentOpinion || in.Group != post.Group {
		t.Fatalf("incident from the post: %+v\n%s", in, h.plain())
	}

	// In the Groups pane: a measure linked to the post, the report upward, the upward report.
	h.keys("5", "esc")
	h.goTo(prefix(h.groupName(post.Group)))
	h.keys("m")
	if strings.Contains(h.plain(), "Choose the incident") {
		h.keys("enter") // the latest is offered first
	}
	h.typeText("撤回该信息并禁言发布者")
	h.keys("enter")
	h.keys("e")
	if strings.Contains(h.plain(), "Choose the incident") {
		h.keys("enter")
	}
	h.typeText("街道党工委")
	h.keys("enter")
	in, err = svc.Incident(in.ID)
	if err != nil || len(in.Measures) != 1 || in.Measures[0].Post != post.ID || len(in.Escalations) != 1 || in.Escalations[0].To != "街道党工委" || in.Status != model.IncEscalated {
		t.Fatalf("measure and report upward: %+v %v\n%s", in, err, h.plain())
	}
	h.keys("w")
	if strings.Contains(h.plain(), "Write the upward report") {
		h.keys("enter") // the latest incident
	}
	docx := "qunshen-incident-" + in.ID + ".docx"
	if s := h.plain(); !strings.Contains(s, "upward report written in the working folder: "+docx) {
		t.Fatalf("no report written:\n%s", s)
	}
	text := docxText(t, docx)
	if !strings.Contains(text, "群内发布违法信息") || !strings.Contains(text, "街道党工委") {
		t.Fatalf("the upward report does not tell the incident:\n%s", text)
	}
	if _, err := os.Stat("qunshen-incident-" + in.ID + ".md"); err != nil {
		t.Fatal(err)
	}

	// Accountability: the measure and the person, then the incident it answers and why.
	h.keys("A")
	h.typeText("解明") // the group's record names no owner to offer
	h.keys("enter")
	h.typeText("处置不及时")
	h.keys("enter")
	accs, _ := svc.Accountabilities()
	i := slices.IndexFunc(accs, func(x model.Accountability) bool { return x.Text == "处置不及时" && x.Incident == in.ID })
	if i < 0 || accs[i].Measure != model.AccTalk || accs[i].Group != post.Group || accs[i].Person != "解明" {
		t.Fatalf("accountability: %+v\n%s", accs, h.plain())
	}
	if s := h.plain(); !strings.Contains(s, "accountability recorded") {
		t.Fatalf("no message:\n%s", s)
	}

	// The administrator may open an incident, not hold anyone to account.
	h.openAs(f.Admin, i18n.EN)
	h.keys("5", "A")
	if s := h.plain(); !strings.Contains(s, "accountability.record") || !strings.Contains(s, "only supervisor") {
		t.Fatalf("the administrator's accountability is not refused:\n%s", s)
	}
	if after, _ := svc.Accountabilities(); len(after) != len(accs) {
		t.Fatal("a refused accountability was recorded")
	}
	// It applies to create a group: its kind and name, then its purpose.
	h.keys("n", "down") // a work group
	h.typeText("第三党支部宣传工作群")
	h.keys("enter")
	h.typeText("发布支部宣传信息")
	h.keys("enter")
	apps, _ := svc.GroupApplications()
	if len(apps) != 1 || apps[0].Name != "第三党支部宣传工作群" || apps[0].Kind != model.GroupKinds[1] || apps[0].Purpose != "发布支部宣传信息" || apps[0].Applicant != f.Admin.Operator.Name {
		t.Fatalf("application: %+v\n%s", apps, h.plain())
	}
	if s := h.plain(); !strings.Contains(s, "applied to create a group") || !strings.Contains(s, "applied") {
		t.Fatalf("the application is not shown:\n%s", s)
	}
}

// prefix is the start of a name, as a narrow column shows it.
func prefix(s string) string {
	r := []rune(s)
	return string(r[:min(len(r), 5)])
}

// firstTitle is what the Pending pane shows of a post in its row.
func firstTitle(p model.Post) string {
	if p.Title != "" {
		return p.Title
	}
	return strings.SplitN(p.Body, "\n", 2)[0]
}

// groupName is a group's name in the store.
func (h *harness) groupName(id string) string {
	g, _, err := h.st.Group(id)
	if err != nil {
		h.t.Fatal(err)
	}
	return g.Name
}

// docxText is the text of word/document.xml of a .docx, its tags left in.
func docxText(t *testing.T, path string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, f := range z.File {
		if f.Name == "word/document.xml" {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(r)
			r.Close()
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("%s has no word/document.xml", path)
	return ""
}
