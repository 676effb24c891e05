package model

import (
	"fmt"
	"slices"
	"strings"
)

func (a *applier) accountabilityRecord() error {
	var x Accountability
	if err := a.payload(&x); err != nil {
		return err
	}
	if x.ID == "" || x.ID != a.e.Subject {
		return fmt.Errorf("accountability.record: subject %q and id %q differ", a.e.Subject, x.ID)
	}
	refuse := func(why string) error { return a.refuse("accountability", x.ID, "new", why) }
	if _, ok, err := a.st.Accountability(x.ID); err != nil || ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("accountability %s exists already", x.ID)
	}
	g, ok, err := a.st.Group(x.Group)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("accountability %s: unknown group %q", x.ID, x.Group)
	}
	if err := a.inScope("accountability", x.ID, x.Group); err != nil {
		return err
	}
	switch {
	case !slices.Contains(AccountabilityMeasures, x.Measure):
		return fmt.Errorf("accountability %s: unknown measure %q", x.ID, x.Measure)
	case strings.TrimSpace(x.Person) == "":
		return refuse("accountability names the person held to account")
	case strings.TrimSpace(x.Text) == "":
		return refuse("accountability says why")
	case x.Incident != "" && x.Rectification != "":
		return refuse("accountability is tied to one incident or one rectification")
	}
	if x.Incident != "" {
		in, ok, err := a.st.Incident(x.Incident)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("accountability %s: unknown incident %q", x.ID, x.Incident)
		}
		if in.Group != x.Group {
			return refuse(fmt.Sprintf("incident %s is of group %s", in.ID, in.Group))
		}
	}
	if x.Rectification != "" {
		r, ok, err := a.st.Rectification(x.Rectification)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("accountability %s: unknown rectification %q", x.ID, x.Rectification)
		}
		if r.Group != x.Group && (r.Group != "" || r.Branch == "" || r.Branch != g.Branch) {
			return refuse(fmt.Sprintf("rectification %s is not of group %s", r.ID, x.Group))
		}
		// Accountability answers a rectification refused or overdue (CW 六(二)2, IW 第十二条(三)).
		overdue := !r.Deadline.IsZero() && (r.Status == RectOpen && r.Deadline.Before(a.e.Time) || r.Status == RectClosed && r.Closed.After(r.Deadline))
		if !overdue {
			return refuse(fmt.Sprintf("rectification %s is not overdue: accountability answers a rectification refused or overdue", r.ID))
		}
	}
	x.Clause, x.Time, x.By = AccountabilityClause(x.Measure), a.e.Time, a.actor
	return a.st.PutAccountability(nil, &x)
}
