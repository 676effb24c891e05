package cli

// qunshen accountability: the measures of accountability (问责, IW 第十二条(三), CW 六(二)2)
// that a supervisor records against a group's owner or a person responsible.

import (
	"bufio"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"qunshen/model"
	"qunshen/review"
)

type accountabilityOptions struct {
	group, person, measure, incident, rectification, text, id string
	json                                                      bool
}

func (o *accountabilityOptions) only(verb string) error {
	if verb == "list" {
		for _, f := range []struct {
			set  bool
			name string
		}{{o.person != "", "--person"}, {o.measure != "", "--measure"},
			{o.incident != "", "--incident"}, {o.rectification != "", "--rectification"}, {o.text != "", "--text"}, {o.id != "", "--id"}} {
			if f.set {
				return usagef("cli.violation.only", f.name, "record")
			}
		}
		return nil
	}
	if o.json {
		return usagef("cli.violation.only", "--json", "list")
	}
	return nil
}

// qunshen accountability record --group G --person NAME --measure M [--incident ID |
// --rectification ID] --text TEXT [--id ID]; qunshen accountability list [--group G] [--json].
func newAccountabilityCmd(e *env) *cobra.Command {
	var o accountabilityOptions
	c := e.command("accountability", func(args []string) error {
		if len(args) == 0 {
			return usagef("cli.acc.want")
		}
		if args[0] != "record" && args[0] != "list" {
			return usagef("cli.acc.unknown", args[0])
		}
		if len(args) > 1 {
			return usagef("cli.unexpected", args[1])
		}
		if err := o.only(args[0]); err != nil {
			return err
		}
		if args[0] == "list" {
			return e.accountabilityList(o)
		}
		return e.accountabilityRecord(o)
	})
	f := c.Flags()
	f.StringVar(&o.group, "group", "", e.t("cli.acc.flag.group"))
	f.StringVar(&o.person, "person", "", e.t("cli.acc.flag.person"))
	f.StringVar(&o.measure, "measure", "", e.t("cli.acc.flag.measure"))
	f.StringVar(&o.incident, "incident", "", e.t("cli.acc.flag.incident"))
	f.StringVar(&o.rectification, "rectification", "", e.t("cli.acc.flag.rectification"))
	f.StringVar(&o.text, "text", "", e.t("cli.acc.flag.text"))
	f.StringVar(&o.id, "id", "", e.t("cli.acc.flag.id"))
	f.BoolVar(&o.json, "json", false, e.t("cli.acc.flag.json"))
	c.ValidArgsFunction = verbs("record", "list")
	c.RegisterFlagCompletionFunc("measure", fixed(strs(model.AccountabilityMeasures)...))
	return c
}

func (e *env) accountabilityRecord(o accountabilityOptions) error {
	measures := strings.Join(strs(model.AccountabilityMeasures), ", ")
	m, ok := review.ParseAccountabilityMeasure(o.measure)
	switch {
	case o.group == "" && o.incident == "" && o.rectification == "":
		return usagef("cli.acc.group")
	case strings.TrimSpace(o.person) == "":
		return usagef("cli.acc.person")
	case o.measure == "":
		return usagef("cli.acc.measure-needed", measures)
	case !ok:
		return usagef("cli.acc.measure-bad", o.measure, measures)
	case o.incident != "" && o.rectification != "":
		return usagef("cli.acc.one")
	case strings.TrimSpace(o.text) == "":
		return usagef("cli.acc.text")
	}
	st, svc, err := e.actor()
	if err != nil {
		return err
	}
	defer st.Close()
	x, ev, err := svc.RecordAccountability(review.NewAccountability{ID: o.id, Group: o.group, Person: strings.TrimSpace(o.person), Measure: m,
		Incident: o.incident, Rectification: o.rectification, Text: strings.TrimSpace(o.text)})
	if err != nil {
		return err
	}
	tied := ""
	switch {
	case x.Incident != "":
		tied = e.tf("cli.acc.tied.incident", x.Incident)
	case x.Rectification != "":
		tied = e.tf("cli.acc.tied.rect", x.Rectification)
	}
	e.say("cli.acc.recorded", x.ID, x.Person, x.Group, e.name("acc.", string(x.Measure)), x.Clause, tied, ev.Short(), x.By)
	return nil
}

// accountabilityRow is a row of accountability list --json.
type accountabilityRow struct {
	ID            string    `json:"id"`
	Group         string    `json:"group"`
	Person        string    `json:"person"`
	Measure       string    `json:"measure"`
	Incident      string    `json:"incident"`
	Rectification string    `json:"rectification"`
	Text          string    `json:"text"`
	Clause        string    `json:"clause"`
	Time          time.Time `json:"time,omitzero"`
	By            string    `json:"by"`
}

func toAccountabilityRow(x model.Accountability) accountabilityRow {
	return accountabilityRow{ID: x.ID, Group: x.Group, Person: x.Person, Measure: string(x.Measure), Incident: x.Incident,
		Rectification: x.Rectification, Text: x.Text, Clause: x.Clause, Time: x.Time, By: x.By}
}

func (e *env) accountabilityList(o accountabilityOptions) error {
	st, svc, err := e.reader()
	if err != nil {
		return err
	}
	defer st.Close()
	xs, err := svc.Accountabilities()
	if err != nil {
		return err
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	rows := [][]string{{e.t("cli.col.id"), e.t("cli.col.group"), e.t("cli.col.person"), e.t("cli.col.measure"), e.t("cli.col.time"),
		e.t("cli.col.tied"), e.t("cli.col.clause"), e.t("cli.col.text")}}
	slices.SortStableFunc(xs, func(a, b model.Accountability) int { return a.Time.Compare(b.Time) })
	for _, x := range xs {
		if o.group != "" && x.Group != o.group {
			continue
		}
		if o.json {
			if err := enc.Encode(toAccountabilityRow(x)); err != nil {
				return err
			}
			continue
		}
		tied := x.Incident
		if tied == "" {
			tied = x.Rectification
		}
		rows = append(rows, cells(x.ID, x.Group, x.Person, e.t("acc."+string(x.Measure)), e.whenKnown(x.Time), tied, x.Clause, x.Text))
	}
	if o.json {
		return nil
	}
	if len(rows) == 1 {
		e.say("cli.list.none")
		return nil
	}
	writeTable(w, rows)
	return nil
}
