package i18n

import (
	"strings"
	"testing"
	"time"

	"qunshen/model"
)

// The refusals of designations read in both languages: in English as the model words them, in
// Chinese with the names of roles, actions and entities.
func TestExplainDesignationRefusals(t *testing.T) {
	scope := &model.ScopeError{Operator: "孙书记", Role: model.RoleSecretary, Serial: "5e1a", Scope: model.Scope{Branch: "东湖街道"},
		Kind: model.PostSignOff, Entity: "post", ID: "p2", Group: "g1", Branch: "第三党支部"}
	group := &model.ScopeError{Operator: "王芳", Role: model.RoleAdmin, Serial: "a1", Scope: model.Scope{Groups: []string{"g1", "g2"}},
		Kind: model.GroupRegister, Entity: "group", ID: "g9", Group: "g9", Branch: "第一党支部"}
	at := time.Date(2027, 12, 31, 16, 0, 0, 0, time.UTC)
	expired := &model.DesignationError{Serial: "5e1a", Name: "李明", Why: model.DesignationExpired, When: at, Kind: model.PostSignOff, Subject: "p2", At: at.Add(time.Hour)}
	fault := &model.DesignationFault{Why: model.WhyBadSignature}
	for _, c := range []struct {
		err    error
		zh, en string
	}{
		{scope, "孙书记（支部书记，指定书 5e1a）只能处理东湖街道的群组：信息 p2 属于群组 g1（第三党支部），不在此范围内，不能审签（post.signoff）", scope.Error()},
		{group, "王芳（群管理员，指定书 a1）只能处理群组 g1、g2：群组 g9（第一党支部） 不在此范围内，不能登记群组（group.register）", group.Error()},
		{expired, "李明 的指定书 5e1a 已于 2028-01-01 00:00:00 到期：2028-01-01 01:00:00 的审签（post.signoff）p2 不在其有效期内", "the designation 5e1a of 李明 ended on 2028-01-01 00:00:00: the action post.signoff p2 of 2028-01-01 01:00:00 is outside it"},
		{fault, "指定书有误：签名不是指定机关的：指定书被改动，或由其他密钥签名", fault.Error()},
	} {
		if got := Explain(ZH, c.err); got != c.zh {
			t.Errorf("Chinese:\n got %s\nwant %s", got, c.zh)
		}
		if got := Explain(EN, c.err); got != c.en {
			t.Errorf("English:\n got %s\nwant %s", got, c.en)
		}
	}
	if s := Explain(EN, &model.PermissionError{Role: model.RoleAdmin, Kind: model.PostSignOff}); !strings.HasSuffix(s, "(only secretary); a department head holds the secretary's powers over a department's groups") {
		t.Errorf("the department head's powers: %s", s)
	}
}
