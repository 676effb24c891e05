package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/x/term"

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
)

// t is the catalogue's text of key in the language in force.
func (e *env) t(key string) string { return i18n.T(e.lang, key) }

// tf is the catalogue's text of key with its verbs filled. Every string argument is made
// inert on one line: names, titles and paths from outside cannot drive the terminal.
func (e *env) tf(key string, args ...any) string {
	safe := make([]any, len(args))
	for i, a := range args {
		if s, ok := a.(string); ok {
			a = inert.Line(s)
		}
		safe[i] = a
	}
	return i18n.Tf(e.lang, key, safe...)
}

// say writes a line of the catalogue to standard output.
func (e *env) say(key string, args ...any) { fmt.Fprintln(e.stdout, e.tf(key, args...)) }

// tell writes a line of the catalogue to standard error: notes and warnings beside the
// output.
// Standard error is not guarded as standard output is (the lines of progress move the
// cursor), so what is written there is made inert where it is written: names and paths.
func (e *env) tell(key string, args ...any) { fmt.Fprintln(e.stderr, inert.Text(e.tf(key, args...))) }

// name is how a role, an action or a status is named: by the code the command line takes
// (admin, post.signoff, pending) in English, by its name in the catalogue in Chinese.
// prefix is the catalogue's ("role.", "kind.", "post." …).
func (e *env) name(prefix, code string) string {
	n := code
	if i18n.Has(prefix + code) {
		n = i18n.T(e.lang, prefix+code)
	}
	return e.tf("cli.name", code, n)
}

func (e *env) role(r model.Role) string { return e.name("role.", string(r)) }

// dbPath is the database in force: --db, $QUNSHEN_DB, or the user's data directory.
func (e *env) dbPath() string {
	if e.db != "" {
		return e.db
	}
	if p := os.Getenv("QUNSHEN_DB"); p != "" {
		return p
	}
	return filepath.Join(dataDir(), "qunshen", "qunshen.db")
}

func dataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return d
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share")
	}
	return "."
}

// operatorName is the operator in force: --as, else $QUNSHEN_AS (else the store's first).
func (e *env) operatorName() string {
	if e.as != "" {
		return e.as
	}
	return os.Getenv("QUNSHEN_AS")
}

// open opens the database in force, says which temporary files of a killed compact or
// restore it removed, and checks the structure of its file: a command neither answers from
// a damaged database nor writes to it (storage.DamagedError).
func (e *env) open() (*storage.Store, error) {
	st, err := e.openUnchecked()
	if err != nil {
		return nil, err
	}
	if err := st.CheckStructure(); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// openForDocument opens the database for a document that is signed and sent upward (a
// report, an archive): besides the check of open, bbolt's own check of the whole file, so
// that no document is made from a damaged database.
func (e *env) openForDocument() (*storage.Store, error) {
	st, err := e.openUnchecked()
	if err != nil {
		return nil, err
	}
	if err := st.CheckDocument(); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// openUnchecked opens the database without the check of its structure: for the workbench,
// whose first frame cannot wait for a walk of the whole file.
func (e *env) openUnchecked() (*storage.Store, error) {
	st, err := storage.Open(e.dbPath())
	if err != nil {
		return nil, err
	}
	e.tellRemoved(st.Removed())
	if st.Undone() {
		e.tell("cli.import.undone", st.Path())
	}
	return st, nil
}

// loadPolicy is the policy in force: --policy, $QUNSHEN_POLICY, or the built-in one.
func (e *env) loadPolicy() (*review.Policy, error) {
	path := e.policy
	if path == "" {
		path = os.Getenv("QUNSHEN_POLICY")
	}
	if path == "" {
		return review.DefaultPolicy(), nil
	}
	return review.LoadPolicy(path)
}

// loadCalendar is the calendar in force: the --calendar given, $QUNSHEN_CALENDAR, or the
// built-in one.
func loadCalendar(path string) (*review.Calendar, error) {
	if path == "" {
		path = os.Getenv("QUNSHEN_CALENDAR")
	}
	if path == "" {
		return review.DefaultCalendar(), nil
	}
	return review.LoadCalendar(path)
}

// signer opens the store and the key of the operator in force.
func (e *env) signer() (*storage.Store, *model.Signer, error) {
	st, err := e.open()
	if err != nil {
		return nil, nil, err
	}
	s, err := e.loadSigner(st)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, s, nil
}

// terminal reports whether w is a terminal: a file that answers as one, not any character
// device (/dev/null is one too).
func terminal(w any) bool {
	if g, ok := w.(*inert.Guard); ok {
		w = g.Unwrap()
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// progressLine returns a function that rewrites one line of progress on standard error when
// it is a terminal, or nil.
func (e *env) progressLine() func(string) {
	if !terminal(e.stderr) {
		return nil
	}
	return func(s string) { fmt.Fprintf(e.stderr, "\r%s\033[K", inert.Line(strings.TrimSpace(s))) }
}

// stepNote tells what a long step is doing, on a terminal only; endProgress wipes it.
func (e *env) stepNote(key string, args ...any) {
	if terminal(e.stderr) {
		fmt.Fprint(e.stderr, inert.Line(e.tf(key, args...)))
	}
}

// endProgress wipes the line of progress.
func (e *env) endProgress() {
	if terminal(e.stderr) {
		fmt.Fprint(e.stderr, "\r\033[K")
	}
}
