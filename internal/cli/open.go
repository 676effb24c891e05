package cli

import (
	"fmt"
	"os"

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
	"qunshen/ui"
)

// runOpen is qunshen with no command: the workbench on the database. When its output is not
// a terminal (a script, a pipe) it prints what is in the database instead: the counts and the
// oldest pending posts.
func (e *env) runOpen() error {
	st, err := e.openUnchecked()
	if err != nil {
		return err
	}
	defer st.Close()
	return e.openWorkbench(st)
}

// openWorkbench runs the screen as the operator in force, or prints the overview.
func (e *env) openWorkbench(st *storage.Store) error {
	if !terminal(e.stdout) || !terminal(os.Stdin) {
		if err := st.CheckStructure(); err != nil {
			return err
		}
		return e.showDatabase(st)
	}
	s, err := e.loadSigner(st)
	if err != nil {
		return err
	}
	pol, err := e.loadPolicy()
	if err != nil {
		return err
	}
	cal, err := loadCalendar("")
	if err != nil {
		return err
	}
	opts := []ui.Option{ui.WithZone(e.zone)}
	if e.noMouse {
		opts = append(opts, ui.WithoutMouse())
	}
	return ui.Run(&review.Service{Store: st, Signer: s, Rules: pol, Calendar: cal}, e.lang, opts...)
}

func (e *env) showDatabase(st *storage.Store) error {
	l := e.lang
	if op, err := st.Operator(e.operatorName()); err == nil {
		fmt.Fprintf(e.stdout, "%s: %s (%s)\n", i18n.T(l, "operator"), inert.Line(op.Name), i18n.T(l, "role."+string(op.Role)))
	}
	s, err := st.Status()
	if err != nil {
		return err
	}
	e.printStatus(st, s)
	posts, err := st.PostsByStatus(model.PostPending, 10)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\n%s:\n", i18n.T(l, "oldest.pending"))
	if len(posts) == 0 {
		fmt.Fprintf(e.stdout, "  %s\n", i18n.T(l, "none"))
	}
	for _, p := range posts {
		fmt.Fprintf(e.stdout, "  %s  %s  %-12s %s\n", e.when(p.Time), inert.Line(p.ID), inert.Line(p.Group), inert.Line(p.Title))
	}
	return nil
}
