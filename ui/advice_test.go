package ui

import (
	"strings"
	"testing"

	"qunshen/internal/i18n"
	"qunshen/keymap"
	"qunshen/model"
)

// Each refusal the screen can meet says what to do after it.
func TestAdviceAfterARefusal(t *testing.T) {
	admin := &common{lang: i18n.ZH, km: keymap.New(i18n.ZH), op: model.Operator{Role: model.RoleAdmin}}
	sec := &common{lang: i18n.ZH, km: keymap.New(i18n.ZH), op: model.Operator{Role: model.RoleSecretary}}
	for _, c := range []struct {
		c    *common
		err  error
		want string
	}{
		{admin, &model.PermissionError{Role: model.RoleAdmin, Kind: model.PostSignOff}, "请按 e 提交支部书记审签"},
		{sec, &model.PermissionError{Role: model.RoleSecretary, Kind: model.PostApprove}, "按 s 审签或按 b 退回"},
		{admin, &model.PermissionError{Role: model.RoleAdmin, Kind: model.ApplicationApprove}, "请交支部书记处理"},
		{admin, &model.TransitionError{Entity: "post", State: "pending", Kind: model.PostApprove, Why: "it has block findings (bank-card): it is published only by an override with a reason"}, "按 a 后写明放行理由，或按 r 驳回"},
		{admin, &model.TransitionError{Entity: "post", State: "pending", Kind: model.PostApprove, Why: "a major matter is published only after the secretary signs it off (PM 三(三)2)"}, "按 e 提交"},
		{admin, &model.TransitionError{Entity: "post", State: "approved", Kind: model.PostEscalate}, "请按 x 撤回"},
		{admin, &model.TransitionError{Entity: "post", State: "pending", Kind: model.PostApprove, Why: "it changed since it was read (3 steps of history then, 4 now): look at it again"}, "已重新读取"},
		{admin, &model.TransitionError{Entity: "violation", State: "open", Kind: model.ViolationSanction}, "请先按 v 核实"},
	} {
		if got := c.c.advise("", c.err); !strings.Contains(got, c.want) {
			t.Errorf("%v: advice %q, want %q", c.err, got, c.want)
		}
	}
}
