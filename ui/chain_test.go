package ui_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"qunshen/internal/i18n"
	"qunshen/internal/keyring"
	"qunshen/model"
)

// The group picker (ctrl+g) shows the responsibility chain of the group under the cursor
// (IW 第六条): the designated secretary first, the owner and administrators, the supervisors
// and the authority.
func TestGroupPickerShowsTheChain(t *testing.T) {
	h := newHarness(t)
	auth, _ := keyring.NewSigner("机关党委", model.RoleAuthority, "")
	if err := h.st.Register(auth); err != nil {
		t.Fatal(err)
	}
	d := model.Designation{Serial: "5e1a", AuthorityName: "机关党委", Key: h.sec.Operator.Key, Name: h.sec.Operator.Name, Role: model.RoleSecretary,
		Scope: model.Scope{Branch: "第三党支部"}, From: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2099, 12, 31, 16, 0, 0, 0, time.UTC), Issued: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	d.Normalize()
	d.Sign(auth.Priv)
	raw, _ := json.Marshal(d)
	if _, err := h.st.Append(auth, model.Draft{Kind: model.AuthorityDesignate, Subject: d.Serial, Payload: raw}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.Append(h.sec, model.Draft{Kind: model.OperatorDesignate, Subject: d.Serial, Payload: raw}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang i18n.Lang
		want []string
	}{
		{i18n.ZH, []string{"第三党支部党员群 的责任链（IW 第六条）", "第一责任人：李书记（支部书记，指定书 5e1a，至 2099-12-31）", "直接管理：曾志强（群主，群组登记）", "监督：机关党委（指定机关）"}},
		{i18n.EN, []string{"The responsibility chain of 第三党支部党员群 (IW 第六条)", "first responsible: 李书记 (branch secretary, designation 5e1a, until 2099-12-31)", "managers: 曾志强 (group owner, group record)", "supervisors: 机关党委 (authority)"}},
	} {
		h.open(h.admin, c.lang)
		h.send(tea.KeyPressMsg{Code: 'g', Mod: tea.ModCtrl})
		if s := h.screen(); strings.Contains(s, c.want[0]) {
			t.Fatalf("a chain shown for every group:\n%s", s)
		}
		h.keys("down") // g1
		s := h.screen()
		for _, w := range c.want {
			if !strings.Contains(s, w) {
				t.Fatalf("%s: the picker does not show %q:\n%s", c.lang, w, s)
			}
		}
		h.keys("esc")
	}
}
