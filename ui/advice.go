package ui

import (
	"errors"
	"slices"
	"strings"

	"qunshen/internal/i18n"
	"qunshen/keymap"
	"qunshen/model"
)

// advise says what to do after a refusal of the service, when the screen knows: escalate to
// the secretary, leave it to the role that may act, look again at what changed.
func (c *common) advise(kind model.Kind, err error) string {
	var pe *model.PermissionError
	var te *model.TransitionError
	switch {
	case errors.As(err, &pe):
		allowed := model.AllowedRoles(pe.Kind)
		switch {
		case (pe.Kind == model.PostSignOff || pe.Kind == model.PostReturn) && model.Allowed(c.op.Role, model.PostEscalate):
			return c.tf("advice.escalate", keymap.Name(c.km.Escalate))
		case model.Holds(c.op.Role, model.RoleSecretary) && strings.HasPrefix(string(pe.Kind), "post.") && model.Allowed(c.op.Role, model.PostSignOff):
			return c.tf("advice.secretary", keymap.Name(c.km.SignOff), keymap.Name(c.km.Return))
		case slices.Contains(allowed, model.RoleSecretary) && !model.Holds(c.op.Role, model.RoleSecretary):
			return c.t("advice.ask.secretary")
		case len(allowed) > 0:
			names := make([]string, len(allowed))
			for i, r := range allowed {
				names[i] = c.t("role." + string(r))
			}
			return c.tf("advice.ask", strings.Join(names, i18n.T(c.lang, "list.sep")))
		}
	case errors.As(err, &te):
		switch {
		case strings.HasPrefix(te.Why, "it has block findings"):
			return c.tf("advice.override", keymap.Name(c.km.Approve), keymap.Name(c.km.Reject))
		case strings.Contains(te.Why, "secretary signs it off"):
			return c.tf("advice.escalate", keymap.Name(c.km.Escalate))
		case strings.HasPrefix(te.Why, "it changed since it was read"):
			return c.t("advice.reread")
		case strings.HasPrefix(te.Why, "only ") && strings.Contains(te.Why, "who decided"):
			return c.t("advice.undo-own")
		case te.Entity == "post" && (te.State == string(model.PostApproved) || te.State == string(model.PostSignedOff) || te.State == string(model.PostPublished)) &&
			te.Kind != model.PostRetract && te.Kind != model.PostUndo:
			return c.tf("advice.published", keymap.Name(c.km.Retract))
		case te.Kind == model.ViolationSanction && te.State == string(model.ViolationOpen):
			return c.tf("advice.verify-first", keymap.Name(c.km.Verify))
		}
	}
	return ""
}
