// Package reportfix builds the small database on which the figures of the supervisor's
// report are checked by hand: a few posts, decisions, violations, applications and
// rectifications in May and June 2026, each at a known time. The tests of review, ui and the
// command line share it; DOMAIN.md §5 and the hand-computed values are in review's tests.
package reportfix

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
)

// CST is the time zone of the fixture (Asia/Shanghai has no summer time).
var CST = time.FixedZone("CST", 8*3600)

// Now is the time the reports of the fixture are made.
var Now = time.Date(2026, 7, 2, 10, 0, 0, 0, CST)

// Queue is the fixture's groups, members, posts, reports and applications. A post's findings
// are set by Check from the [category] marks in its body.
const Queue = `{"type":"group","id":"g1","name":"第三党支部党员群","kind":"party","branch":"第三党支部","nickname_rule":"branch+name"}
{"type":"group","id":"g2","name":"办公室工作群","kind":"work","branch":"办公室","nickname_rule":"dept+name"}
{"type":"group","id":"g3","name":"城东项目群","kind":"project","project_end":"2026-05-29T00:00:00+08:00"}
{"type":"member","id":"m1","group":"g1","name":"张伟","nickname":"第三党支部-张伟","branch":"第三党支部","party_member":true,"joined":"2026-01-05T09:00:00+08:00","last_active":"2026-06-20T10:00:00+08:00"}
{"type":"member","id":"m2","group":"g1","name":"李娜","nickname":"娜娜","branch":"第三党支部","party_member":true,"joined":"2026-01-05T09:00:00+08:00","last_active":"2026-01-10T10:00:00+08:00"}
{"type":"member","id":"m3","group":"g2","name":"王强","nickname":"办公室-王强","branch":"办公室","joined":"2026-01-05T09:00:00+08:00","last_active":"2026-06-25T10:00:00+08:00"}
{"type":"member","id":"m4","group":"g3","name":"赵敏","joined":"2026-01-02T09:00:00+08:00"}
{"type":"post","id":"pm1","group":"g1","author":"m1","time":"2026-05-20T10:00:00+08:00","title":"五月学习安排","body":"学习安排。"}
{"type":"post","id":"p1","group":"g1","author":"m2","time":"2026-06-01T09:00:00+08:00","title":"推广","body":"加微信了解 [ads]"}
{"type":"post","id":"p2","group":"g1","author":"m1","time":"2026-06-02T09:00:00+08:00","title":"干部任免","body":"干部任免 [major]","major":true}
{"type":"post","id":"p3","group":"g2","author":"m3","time":"2026-06-03T09:00:00+08:00","title":"周报","body":"本周进度正常。"}
{"type":"post","id":"p4","group":"g2","author":"m3","time":"2026-06-10T09:00:00+08:00","title":"消息","body":"据内部消息 [ads] [rumour]"}
{"type":"post","id":"p5","group":"g3","author":"m4","time":"2026-06-30T23:30:00+08:00","title":"收尾","body":"项目收尾。"}
{"type":"post","id":"p6","group":"g1","author":"m1","time":"2026-06-15T09:00:00+08:00","title":"党课通知","body":"周五党课。"}
{"type":"post","id":"p7","group":"g1","author":"m1","time":"2026-07-01T00:00:00+08:00","title":"七月安排","body":"七月安排。"}
{"type":"report","id":"r3","group":"g1","reporter":"m2","member":"m1","time":"2026-05-10T10:00:00+08:00","text":"发广告"}
{"type":"report","id":"r1","group":"g1","reporter":"m1","member":"m2","time":"2026-06-05T10:00:00+08:00","text":"发广告"}
{"type":"report","id":"r2","group":"g2","reporter":"m3","member":"m3","time":"2026-06-20T10:00:00+08:00","text":"闲聊"}
{"type":"application","id":"a1","group":"g1","member":"m1","kind":"join","time":"2026-05-25T09:00:00+08:00","text":"申请入群"}
{"type":"application","id":"a2","group":"g2","member":"m3","kind":"exit","time":"2026-06-10T09:00:00+08:00","text":"调离"}
{"type":"application","id":"a3","group":"g1","member":"m2","kind":"appeal","time":"2026-06-20T09:00:00+08:00","text":"申诉"}
`

var marks = map[string]model.Finding{
	"[ads]":    {Rule: "ads", Category: "ads", Clause: "ST 五(一)4", Severity: "warn"},
	"[rumour]": {Rule: "rumour", Category: "rumour", Clause: "IW 第十一条(八)", Severity: "warn"},
	"[major]":  {Rule: "major-matter", Category: "major", Clause: "PM 三(三)2", Severity: "escalate"},
}

// Check sets a post's findings from the marks in its body, in the order of the body.
func Check(p *model.Post, _ model.GroupKind) any {
	p.Findings = nil
	for i := 0; i < len(p.Body); i++ {
		for m, f := range marks {
			if strings.HasPrefix(p.Body[i:], m) {
				f.Start, f.End, f.Field = i, i+len(m), "body"
				p.Findings = append(p.Findings, f)
			}
		}
	}
	return nil
}

// Fixture is the built database and its operators.
type Fixture struct {
	Store                        *storage.Store
	Path                         string
	Admin, Secretary, Supervisor *model.Signer
}

// Build makes the fixture's database in dir: the operators are registered and the queue
// imported on 2026-05-01, then every decision is made at its own time.
func Build(t testing.TB, dir string) *Fixture {
	t.Helper()
	path := filepath.Join(dir, "report.db")
	st, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f := &Fixture{Store: st, Path: path}
	clock := time.Date(2026, 5, 1, 8, 0, 0, 0, CST)
	st.SetClock(func() time.Time { return clock })
	signers := []**model.Signer{&f.Admin, &f.Secretary, &f.Supervisor}
	for i, o := range []struct {
		name   string
		role   model.Role
		branch string
	}{{"王管理", model.RoleAdmin, "第三党支部"}, {"李书记", model.RoleSecretary, "第三党支部"}, {"周监督", model.RoleSupervisor, "机关党委"}} {
		s, err := keyring.NewSigner(o.name, o.role, o.branch)
		if err != nil {
			t.Fatal(err)
		}
		if err := keyring.SaveKey(path, s, nil); err != nil {
			t.Fatal(err)
		}
		if err := st.Register(s); err != nil {
			t.Fatal(err)
		}
		*signers[i] = s
	}
	q := filepath.Join(dir, "report-queue.jsonl")
	if err := os.WriteFile(q, []byte(Queue), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(f.Admin, []string{q}, storage.ImportOptions{Check: Check, Now: func() time.Time { return clock }}); err != nil {
		t.Fatal(err)
	}
	at := func(s string) {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, CST)
		if err != nil {
			t.Fatal(err)
		}
		clock = tm
	}
	svc := func(s *model.Signer) *review.Service { return &review.Service{Store: st, Signer: s} }
	decide := func(when string, s *model.Signer, post string, k model.Kind, reason string) {
		at(when)
		if _, err := svc(s).Decide(post, k, reason); err != nil {
			t.Fatalf("%s %s: %v", k, post, err)
		}
	}
	act := func(when string, s *model.Signer, k model.Kind, subject string, payload any) {
		at(when)
		if _, err := svc(s).Act(k, subject, payload); err != nil {
			t.Fatalf("%s %s: %v", k, subject, err)
		}
	}
	admin, sec, sup := f.Admin, f.Secretary, f.Supervisor
	// The desk: incidents, their measures and reports upward, accountability (CW 五, IW 第十二条(三)).
	do := func(when string, s *model.Signer, f func(*review.Service) error) {
		at(when)
		if err := f(svc(s)); err != nil {
			t.Fatalf("%s: %v", when, err)
		}
	}
	found := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, CST)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	open := func(id string, k model.IncidentKind, group, post, summary, when string) func(*review.Service) error {
		return func(s *review.Service) error {
			_, _, err := s.OpenIncident(review.NewIncident{ID: id, Kind: k, Group: group, Post: post, Summary: summary, Found: found(when)})
			return err
		}
	}
	measure := func(id, text, post string) func(*review.Service) error {
		return func(s *review.Service) error { _, _, err := s.MeasureIncident(id, text, post, ""); return err }
	}
	account := func(n review.NewAccountability) func(*review.Service) error {
		return func(s *review.Service) error { _, _, err := s.RecordAccountability(n); return err }
	}
	act("2026-05-11 10:00", admin, model.ViolationFeedback, "r3", model.FeedbackPayload{Text: "已收到，正在核实。"})
	decide("2026-05-20 12:00", admin, "pm1", model.PostApprove, "")
	do("2026-05-25 10:00", admin, open("I1", model.IncidentOpinion, "g2", "", "群内争吵引发舆情", "2026-05-25 09:00"))
	do("2026-05-25 12:00", admin, measure("I1", "提醒双方停止争吵", ""))
	do("2026-05-28 10:00", sup, account(review.NewAccountability{ID: "Q1", Group: "g2", Person: "王强", Measure: model.AccNotice, Incident: "I1", Text: "处置不及时"}))
	do("2026-06-01 09:40", admin, open("I2", model.IncidentEmergency, "", "p1", "群内发布广告引流信息", "2026-06-01 09:30"))
	decide("2026-06-01 10:00", admin, "p1", model.PostReject, "含广告")
	do("2026-06-01 10:30", admin, measure("I2", "驳回该信息", "p1"))
	act("2026-06-02 09:00", sec, model.ApplicationApprove, "a1", model.ReasonPayload{})
	decide("2026-06-02 09:30", admin, "p2", model.PostEscalate, "")
	do("2026-06-02 10:00", admin, func(s *review.Service) error {
		_, err := s.EscalateIncident("I2", "街道党工委", "已电话报告")
		return err
	})
	decide("2026-06-02 13:00", sec, "p2", model.PostSignOff, "")
	decide("2026-06-03 17:00", admin, "p3", model.PostApprove, "")
	act("2026-06-05 10:00", sup, model.RectificationOrder, "R1", model.Rectification{ID: "R1", Group: "g2", Item: "content",
		Finding: "未落实信息发布审核", Deadline: review.EndOfDay(time.Date(2026, 6, 19, 0, 0, 0, 0, CST))})
	act("2026-06-06 10:00", admin, model.ViolationVerify, "r1", model.ReasonPayload{})
	act("2026-06-07 10:00", admin, model.ViolationSanction, "r1", model.ReasonPayload{Step: "批评教育"})
	act("2026-06-08 10:00", admin, model.ViolationFeedback, "r1", model.FeedbackPayload{Text: "经核实，已按规定处理。"})
	do("2026-06-09 10:00", sec, func(s *review.Service) error { _, err := s.CloseIncident("I2", "已处置完毕"); return err })
	do("2026-06-10 10:00", sup, account(review.NewAccountability{ID: "Q2", Group: "g1", Person: "张伟", Measure: model.AccTalk, Incident: "I2", Text: "群内管理不到位"}))
	decide("2026-06-11 09:00", admin, "p4", model.PostChanges, "请删去未经证实的消息")
	act("2026-06-12 10:00", admin, model.ViolationRecord, "v1", model.Violation{ID: "v1", Group: "g1", Member: "m2", Rule: "ads",
		Time: time.Date(2026, 6, 12, 10, 0, 0, 0, CST), Text: "再次发广告"})
	act("2026-06-13 10:00", admin, model.ViolationVerify, "v1", model.ReasonPayload{})
	act("2026-06-13 11:00", admin, model.ViolationSanction, "v1", model.ReasonPayload{Step: "警告"})
	decide("2026-06-15 09:10", admin, "p6", model.PostApprove, "")
	decide("2026-06-15 09:20", admin, "p6", model.PostUndo, "")
	decide("2026-06-15 11:00", admin, "p6", model.PostApprove, "")
	act("2026-06-18 10:00", sup, model.RectificationClose, "R1", model.ReasonPayload{})
	act("2026-06-20 10:00", sup, model.RectificationOrder, "R2", model.Rectification{ID: "R2", Branch: "第三党支部", Item: "discipline",
		Finding: "违规处理未及时反馈举报人", Deadline: review.EndOfDay(time.Date(2026, 6, 26, 0, 0, 0, 0, CST))})
	do("2026-06-20 11:00", admin, open("I3", model.IncidentSecurity, "g3", "", "项目资料外传", "2026-06-20 08:00"))
	act("2026-06-21 10:00", admin, model.ViolationDismiss, "r2", model.ReasonPayload{})
	act("2026-06-22 09:00", admin, model.AppealUphold, "a3", model.ReasonPayload{Reason: "处理得当"})
	do("2026-06-23 08:00", admin, measure("I3", "要求删除外传资料", ""))
	do("2026-06-28 10:00", sup, account(review.NewAccountability{ID: "Q3", Group: "g1", Person: "李书记", Measure: model.AccNotice, Rectification: "R2", Text: "逾期未整改"}))
	at("2026-07-02 10:00")
	return f
}
