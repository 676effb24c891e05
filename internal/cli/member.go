package cli

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"qunshen/model"
	"qunshen/review"
)

type memberOptions struct {
	group, until, violation, reason string
}

// memberVerbs are the actions of the Roster pane on a member, by the words of the command
// line.
func memberVerbs() map[string]model.Kind {
	return map[string]model.Kind{
		"warn":    model.MemberWarn,
		"mute":    model.MemberMute,
		"remove":  model.MemberRemove,
		"restore": model.MemberRestore,
	}
}

// qunshen member warn|mute|remove|restore MEMBER [--group G] [--until DURATION]
// [--violation V] --reason TEXT: the Roster pane's actions on a member, through the service.
func newMemberCmd(e *env) *cobra.Command {
	var o memberOptions
	c := e.command("member", func(args []string) error {
		if len(args) == 0 {
			return usagef("cli.member.want")
		}
		kind, ok := memberVerbs()[args[0]]
		if !ok {
			return usagef("cli.member.unknown", args[0])
		}
		if len(args) != 2 {
			return usagef("cli.member.want")
		}
		return e.runMember(kind, args[1], o)
	})
	f := c.Flags()
	f.StringVar(&o.group, "group", "", e.t("cli.member.flag.group"))
	f.StringVar(&o.until, "until", "", e.t("cli.member.flag.until"))
	f.StringVar(&o.violation, "violation", "", e.t("cli.member.flag.violation"))
	f.StringVar(&o.reason, "reason", "", e.t("cli.member.flag.reason"))
	c.ValidArgsFunction = verbs("warn", "mute", "remove", "restore")
	return c
}

func (e *env) runMember(kind model.Kind, id string, o memberOptions) error {
	switch {
	case kind == model.MemberMute && o.until == "":
		return usagef("cli.member.until-needed")
	case kind != model.MemberMute && o.until != "":
		return usagef("cli.member.until-only")
	case kind == model.MemberRestore && o.violation != "":
		return usagef("cli.member.restore-violation")
	case strings.TrimSpace(o.reason) == "":
		return usagef("cli.member.reason-needed")
	}
	var until time.Time
	if o.until != "" {
		var err error
		if until, err = parseUntil(o.until, e.now()); err != nil {
			return &usageError{err: err}
		}
	}
	st, svc, err := e.actor()
	if err != nil {
		return err
	}
	defer st.Close()
	a := review.MemberAction{Kind: kind, Group: o.group, Member: id, Reason: strings.TrimSpace(o.reason), Until: until,
		Violation: o.violation, Lang: string(e.lang)}
	ev, err := svc.MemberAct(a)
	if err != nil {
		return err
	}
	group := o.group
	if group == "" {
		ms, err := svc.MembersByID(id)
		if err != nil || len(ms) != 1 {
			return err
		}
		group = ms[0].Group
	}
	m, _, err := svc.Member(group, id)
	if err != nil {
		return err
	}
	e.say("cli.member.done", m.ID, m.Group, e.t("cli.did."+string(kind)), e.memberState(m), ev.Short(), svc.Operator().Name)
	return nil
}

// memberState is where a member stands: status (until when, if muted), warnings, step.
func (e *env) memberState(m model.Member) string {
	s := e.name("member.", string(m.Status))
	if m.Status == model.MemberMuted {
		s += e.tf("cli.member.until", e.whenKnown(m.MutedUntil))
	}
	if m.Warnings > 0 {
		s += e.tf("cli.member.warnings", m.Warnings)
	}
	if m.Step != "" {
		s += e.tf("cli.member.step", m.Step)
	}
	return s
}
