package cli

import (
	"encoding/json"
	"strings"

	"github.com/spf13/cobra"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// qunshen group show G [--json]: a group, and its responsibility chain (IW 第六条): who
// answers for it first, who manages it, who supervises it.
func newGroupCmd(e *env) *cobra.Command {
	var asJSON bool
	c := e.command("group", func(args []string) error {
		if len(args) == 0 || args[0] != "show" {
			return usagef("cli.group.want")
		}
		if len(args) != 2 {
			if len(args) > 2 {
				return usagef("cli.unexpected", args[2])
			}
			return usagef("cli.group.want")
		}
		return e.groupShow(args[1], asJSON)
	})
	c.Flags().BoolVar(&asJSON, "json", false, e.t("cli.group.flag.json"))
	c.ValidArgsFunction = verbs("show")
	return c
}

func (e *env) groupShow(id string, asJSON bool) error {
	st, svc, err := e.reader()
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := svc.Chain(id)
	if err != nil {
		return err
	}
	if asJSON {
		raw, err := json.Marshal(c)
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(append(raw, '\n'))
		return err
	}
	g, _, err := svc.Group(id)
	if err != nil {
		return err
	}
	branch := g.Branch
	if branch == "" {
		branch = "-"
	}
	e.say("cli.group.head", g.ID, g.Name, e.name("cli.gkind.", string(g.Kind)), branch)
	for _, part := range []struct {
		key string
		rs  []model.Responsible
	}{{"cli.group.first", c.First}, {"cli.group.managers", c.Managers}, {"cli.group.supervisors", c.Supervisors}} {
		e.say(part.key, e.responsibles(part.rs))
	}
	return nil
}

// responsibles names the people of one part of a chain, one after the other.
func (e *env) responsibles(rs []model.Responsible) string {
	if len(rs) == 0 {
		return e.t("none")
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = i18n.ChainPerson(e.lang, r)
	}
	return strings.Join(out, e.t("list.sep"))
}
