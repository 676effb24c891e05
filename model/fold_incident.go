package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

func (a *applier) incidentOpen() error {
	var in Incident
	if err := a.payload(&in); err != nil {
		return err
	}
	if in.ID == "" || in.ID != a.e.Subject {
		return fmt.Errorf("incident.open: subject %q and incident id %q differ", a.e.Subject, in.ID)
	}
	if !slices.Contains(IncidentKinds, in.Kind) {
		return fmt.Errorf("incident %s: unknown kind %q", in.ID, in.Kind)
	}
	if strings.TrimSpace(in.Summary) == "" {
		return a.refuse("incident", in.ID, "new", "an incident says what happened")
	}
	if _, ok, err := a.st.Incident(in.ID); err != nil || ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("incident %s exists already", in.ID)
	}
	if _, ok, err := a.st.Group(in.Group); err != nil || !ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("incident %s: unknown group %q", in.ID, in.Group)
	}
	if err := a.inScope("incident", in.ID, in.Group); err != nil {
		return err
	}
	if in.Post != "" {
		p, ok, err := a.st.Post(in.Post)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("incident %s: unknown post %q", in.ID, in.Post)
		}
		if p.Group != in.Group {
			return fmt.Errorf("incident %s: post %s is of group %q, not %q", in.ID, p.ID, p.Group, in.Group)
		}
		if in.Member == "" {
			in.Member = p.Author
		}
	}
	if in.Member != "" {
		if _, ok, err := a.st.Member(MemberKey(in.Group, in.Member)); err != nil || !ok {
			if err != nil {
				return err
			}
			return fmt.Errorf("incident %s: unknown member %q in group %q", in.ID, in.Member, in.Group)
		}
	}
	if in.Found.IsZero() {
		in.Found = a.e.Time
	}
	if in.Found.After(a.e.Time) {
		return a.refuse("incident", in.ID, "new", "it cannot have been found after it was recorded")
	}
	in.Found = in.Found.UTC()
	in.Opened, in.OpenedBy, in.Status = a.e.Time, a.actor, IncOpen
	in.Measures, in.Escalations, in.FollowUps = nil, nil, nil
	in.Impact, in.Next, in.Outcome, in.ClosedBy = "", "", "", ""
	in.Closed = time.Time{}
	return a.st.PutIncident(nil, &in)
}

// WhyIncidentClosed is why an action on a closed incident is refused.
const WhyIncidentClosed = "an incident closed takes nothing more"

func (a *applier) incidentAction() error {
	in, err := load(a, incidentKind, nil, nil)
	if err != nil {
		return err
	}
	if in.Status == IncClosed {
		return a.refuse("incident", in.ID, string(in.Status), WhyIncidentClosed)
	}
	if err := a.inScope("incident", in.ID, in.Group); err != nil {
		return err
	}
	old := in
	refuse := func(why string) error { return a.refuse("incident", in.ID, string(in.Status), why) }
	switch a.e.Kind {
	case IncidentMeasure:
		var p MeasurePayload
		if err := a.payload(&p); err != nil {
			return err
		}
		if strings.TrimSpace(p.Text) == "" {
			return refuse("a measure says what was done")
		}
		if p.Post != "" && p.Member != "" {
			return refuse("a measure is linked to the decision on one post or one member")
		}
		m := Measure{Time: a.e.Time, By: a.actor, Role: a.e.Role, Text: p.Text, Post: p.Post, Member: p.Member}
		if err := a.measureLink(&in, &p, &m); err != nil {
			return err
		}
		in.Measures = append(slices.Clone(in.Measures), m)
	case IncidentEscalate:
		var p EscalatePayload
		if err := a.payload(&p); err != nil {
			return err
		}
		if strings.TrimSpace(p.To) == "" {
			return refuse("a report upward names whom it goes to")
		}
		in.Escalations = append(slices.Clone(in.Escalations), Escalation{Time: a.e.Time, By: a.actor, Role: a.e.Role, To: p.To, Text: p.Text})
		in.Status = IncEscalated
	case IncidentFollowUp:
		var p FollowUpPayload
		if err := a.payload(&p); err != nil {
			return err
		}
		if strings.TrimSpace(p.Text+p.Impact+p.Next) == "" {
			return refuse("a follow-up says something: what was done, the impact or the next steps")
		}
		in.FollowUps = append(slices.Clone(in.FollowUps), FollowUp{Time: a.e.Time, By: a.actor, Role: a.e.Role, Text: p.Text, Impact: p.Impact, Next: p.Next})
		if p.Impact != "" {
			in.Impact = p.Impact
		}
		if p.Next != "" {
			in.Next = p.Next
		}
	case IncidentClose:
		var p ClosePayload
		if err := a.payload(&p); err != nil {
			return err
		}
		if strings.TrimSpace(p.Outcome) == "" {
			return refuse("an incident is closed with its outcome")
		}
		in.Status, in.Outcome, in.Closed, in.ClosedBy = IncClosed, p.Outcome, a.e.Time, a.actor
	}
	return a.st.PutIncident(&old, &in)
}

// memberActions are the decisions on a member that a measure may name.
var memberActions = []Kind{MemberWarn, MemberMute, MemberRemove, MemberRestore}

// measureLink checks the post or member a measure names, in the incident's group, and the
// decision it names: a decision of the post's history, or an action on the member.
func (a *applier) measureLink(in *Incident, p *MeasurePayload, m *Measure) error {
	refuse := func(why string) error { return a.refuse("incident", in.ID, string(in.Status), why) }
	switch {
	case p.Post != "":
		post, ok, err := a.st.Post(p.Post)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("incident %s: unknown post %q", in.ID, p.Post)
		}
		if post.Group != in.Group {
			return refuse(fmt.Sprintf("post %s is of group %s, not the incident's", post.ID, post.Group))
		}
		if p.Decision.IsZero() {
			return nil
		}
		for _, d := range post.History {
			if d.Event == p.Decision {
				m.Decision, m.DecisionKind, m.DecisionTime = d.Event, d.Kind, d.Time
				return nil
			}
		}
		return refuse(fmt.Sprintf("decision %s is not in the history of post %s", p.Decision.Short(), post.ID))
	case p.Member != "":
		if _, ok, err := a.st.Member(MemberKey(in.Group, p.Member)); err != nil || !ok {
			if err != nil {
				return err
			}
			return fmt.Errorf("incident %s: unknown member %q in group %q", in.ID, p.Member, in.Group)
		}
		if p.Decision.IsZero() {
			return nil
		}
		if !slices.Contains(memberActions, p.DecisionKind) || p.DecisionTime.IsZero() || p.DecisionTime.After(a.e.Time) {
			return refuse("a measure on a member names an action taken on the member before it")
		}
		m.Decision, m.DecisionKind, m.DecisionTime = p.Decision, p.DecisionKind, p.DecisionTime.UTC()
	case !p.Decision.IsZero():
		return refuse("a decision is named with its post or member")
	}
	return nil
}
