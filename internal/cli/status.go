package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/model"
	"qunshen/storage"
)

// qunshen status [--json] [--hash]: the counts of what the database holds.
func newStatusCmd(e *env) *cobra.Command {
	var asJSON, hash bool
	c := e.command("status", func(args []string) error {
		if len(args) > 0 {
			return usagef("cli.unexpected", args[0])
		}
		return e.runStatus(asJSON, hash)
	})
	c.Flags().BoolVar(&asJSON, "json", false, e.t("cli.status.flag.json"))
	c.Flags().BoolVar(&hash, "hash", false, e.t("cli.status.flag.hash"))
	return c
}

func (e *env) runStatus(asJSON, hash bool) error {
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := st.Status()
	if err != nil {
		return err
	}
	if hash {
		h, err := st.StateHash()
		if err != nil {
			return err
		}
		s.State = h.String()
	}
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(s)
	}
	e.printStatus(st, s)
	if s.State != "" {
		e.say("cli.status.state", s.State)
	}
	return nil
}

// printStatus writes the counts by status, with the words of the catalogue.
func (e *env) printStatus(st *storage.Store, s storage.Status) {
	l := e.lang
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	fmt.Fprintf(w, "%s  %s: %s  %s: %d  %s: %d", i18n.T(l, "app.title"), i18n.T(l, "db"), inert.Line(st.Path()), i18n.T(l, "events"), s.Events, i18n.T(l, "disputed"), s.Disputed)
	if s.Superseded > 0 {
		fmt.Fprintf(w, "  %s: %d", i18n.T(l, "superseded"), s.Superseded)
	}
	if s.Parked > 0 {
		fmt.Fprintf(w, "  %s: %d", i18n.T(l, "parked"), s.Parked)
	}
	fmt.Fprintln(w)
	line := func(title, prefix string, order []string, m map[string]int64) {
		fmt.Fprintf(w, "%s:", i18n.T(l, title))
		for _, k := range order {
			fmt.Fprintf(w, "  %s %d", i18n.T(l, prefix+"."+k), m[k])
		}
		fmt.Fprintln(w)
	}
	line("posts", "post", strs(model.PostStatuses), s.Posts)
	line("members", "member", strs(model.MemberStatuses), s.Members)
	line("violations", "violation", strs(model.ViolationStatuses), s.Violations)
	line("applications", "application", strs(model.ApplicationStatuses), s.Applications)
	line("groups", "group", []string{"active", "rectifying", "dissolved"}, s.Groups)
}

func strs[S ~string](ss []S) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// qunshen verify: every signature, the hash chains, the projection against the log.
func newVerifyCmd(e *env) *cobra.Command {
	return e.command("verify", func(args []string) error {
		if len(args) > 0 {
			return usagef("cli.unexpected", args[0])
		}
		st, err := e.openUnchecked() // Verify checks the structure first, and says what it found
		if err != nil {
			return err
		}
		defer st.Close()
		rep, err := st.Verify()
		if d := (*storage.DamagedError)(nil); errors.As(err, &d) {
			err = d.Cause
		}
		if err != nil {
			return i18n.E("cli.verify.failed", err)
		}
		e.say("cli.verify.ok", rep.Events, rep.Origins, rep.Checkpoints)
		return nil
	})
}
