package cli

// The keys of the operators: a key exported to a file, trusted on another machine after its
// fingerprint was compared, listed and revoked; and the passphrase of an encrypted private key.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/storage"
)

// passphraseEnv names the environment variable that gives the passphrase of a private key.
const passphraseEnv = "QUNSHEN_PASSPHRASE"

// qunshen key export -o FILE.
func newKeyCmd(e *env) *cobra.Command {
	var out string
	c := e.command("key", func(args []string) error {
		if len(args) == 0 || args[0] != "export" {
			return usagef("cli.key.want")
		}
		if len(args) > 1 {
			return usagef("cli.unexpected", args[1])
		}
		if out == "" {
			return usagef("cli.output-required")
		}
		return e.exportKey(out)
	})
	c.ValidArgsFunction = verbs("export")
	c.Flags().StringVarP(&out, "output", "o", "", e.t("cli.key.flag.output"))
	return c
}

func (e *env) exportKey(out string) error {
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	op, err := st.Operator(e.operatorName())
	if err != nil {
		return err
	}
	if err := keyring.WriteKeyFile(out, op); err != nil {
		return err
	}
	e.say("cli.key.written", op.Name, e.role(op.Role), out)
	e.say("cli.key.fingerprint", op.Key.Fingerprint())
	e.say("cli.key.compare")
	return nil
}

// qunshen trust FILE [--yes], --list, --revoke NAME|FINGERPRINT.
func newTrustCmd(e *env) *cobra.Command {
	var o struct {
		yes, list         bool
		revoke, authority string
	}
	c := e.command("trust", func(args []string) error {
		switch {
		case o.authority != "" && (o.list || o.revoke != "" || len(args) > 0):
			return usagef("cli.trust.authority-alone")
		case o.authority != "":
			return e.trustAuthority(o.authority, o.yes)
		case o.list && (o.revoke != "" || len(args) > 0):
			return usagef("cli.trust.list-alone")
		case o.list:
			return e.listTrust()
		case o.revoke != "" && len(args) > 0:
			return usagef("cli.trust.revoke-alone")
		case o.revoke != "":
			return e.revokeTrust(o.revoke)
		case len(args) != 1:
			return usagef("cli.trust.one-file")
		}
		return e.trust(args[0], o.yes)
	})
	f := c.Flags()
	f.BoolVar(&o.yes, "yes", false, e.t("cli.trust.flag.yes"))
	f.BoolVar(&o.list, "list", false, e.t("cli.trust.flag.list"))
	f.StringVar(&o.revoke, "revoke", "", e.t("cli.trust.flag.revoke"))
	f.StringVar(&o.authority, "authority", "", e.t("cli.trust.flag.authority"))
	return c
}

// trustAuthority trusts an authority, once, after its fingerprint was compared: from then on
// the operators it designates are accepted for their role and scope, within their validity.
func (e *env) trustAuthority(path string, yes bool) error {
	a, err := keyring.ReadAuthorityFile(path)
	if err != nil {
		return err
	}
	return e.trustAfterAsking(a.Trust(), yes, trustWords{
		already: func(old keyring.Trust) { e.say("cli.trust.authority-already", old.Name, e.when(old.TrustedAt)) },
		show: func() {
			e.say("cli.trust.authority-file", path)
			e.say("cli.trust.name", a.Name)
			e.say("cli.trust.role", e.role(model.RoleAuthority))
			e.say("cli.trust.made", e.when(a.Made))
			e.say("cli.trust.fingerprint", a.Key.Fingerprint())
		},
		compare: "cli.trust.authority-compare", ask: "cli.trust.authority-ask", refused: "cli.trust.authority-refused",
		done: func() { e.say("cli.trust.authority-done", a.Name) },
	})
}

func (e *env) trust(path string, yes bool) error {
	t, err := keyring.ReadKeyFile(path)
	if err != nil {
		return err
	}
	return e.trustAfterAsking(t, yes, trustWords{
		already: func(old keyring.Trust) { e.say("cli.trust.already", old.Name, e.role(old.Role), e.when(old.TrustedAt)) },
		show: func() {
			branch := t.Branch
			if branch == "" {
				branch = "-"
			}
			e.say("cli.trust.file", path)
			e.say("cli.trust.name", t.Name)
			e.say("cli.trust.role", e.role(t.Role))
			e.say("cli.trust.branch", branch)
			e.say("cli.trust.fingerprint", t.Key.Fingerprint())
		},
		compare: "cli.trust.compare", ask: "cli.trust.ask", refused: "cli.trust.refused",
		done: func() { e.say("cli.trust.done", t.Name, e.role(t.Role)) },
	})
}

// trustWords are what trusting a key file and trusting an authority file say differently: a
// key trusted already, the file shown, the catalogue's keys of the question, and the trust
// recorded.
type trustWords struct {
	already               func(old keyring.Trust)
	show                  func()
	compare, ask, refused string
	done                  func()
}

// trustAfterAsking trusts t, after showing its file and asking (unless yes); a key trusted
// already under another name or role is refused whatever the answer, one trusted already as
// asked is left as it is.
func (e *env) trustAfterAsking(t keyring.Trust, yes bool, w trustWords) error {
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	all, err := st.TrustList()
	if err != nil {
		return err
	}
	for _, old := range all {
		if old.Key != t.Key {
			continue
		}
		if old.Name != t.Name || old.Role != t.Role {
			return st.AddTrust(t) // refused whatever the answer: it says why
		}
		if !old.Revoked() {
			w.already(old)
			return nil
		}
	}
	w.show()
	if !yes {
		e.say(w.compare, t.Name)
		ok, err := e.confirm(e.t(w.ask))
		if err != nil {
			return err
		}
		if !ok {
			return i18n.E(w.refused, t.Name)
		}
	}
	if err := st.AddTrust(t); err != nil {
		return err
	}
	w.done()
	return nil
}

// confirm asks a yes-or-no question on the command's streams; only y or yes is a yes.
func (e *env) confirm(question string) (bool, error) {
	fmt.Fprint(e.stdout, question)
	if e.stdin == nil {
		fmt.Fprintln(e.stdout)
		return false, i18n.E("cli.trust.no-answer")
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	if errors.Is(err, io.EOF) {
		fmt.Fprintln(e.stdout)
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes", nil
}

func (e *env) listTrust() error {
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	all, err := st.TrustList()
	if err != nil {
		return err
	}
	if len(all) == 0 {
		e.say("cli.trust.none")
		return nil
	}
	head := []string{}
	for _, k := range []string{"name", "role", "branch", "fingerprint", "kind", "trusted", "revoked"} {
		head = append(head, e.t("cli.trust.col."+k))
	}
	rows := [][]string{head}
	for _, t := range all {
		kind := e.t("cli.trust.peer")
		if t.Local {
			kind = e.t("cli.trust.local")
		}
		revoked := "-"
		if t.Revoked() {
			revoked = e.when(t.RevokedAt)
		}
		branch := t.Branch
		if branch == "" {
			branch = "-"
		}
		rows = append(rows, []string{inert.Line(t.Name), e.role(t.Role), inert.Line(branch), t.Key.Fingerprint(), kind, e.when(t.TrustedAt), revoked})
	}
	writeTable(e.stdout, rows)
	return nil
}

// writeTable writes rows in columns padded to their width on a terminal (a CJK character is
// two columns wide).
func writeTable(w io.Writer, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], ansi.StringWidth(cell))
		}
	}
	var b bytes.Buffer
	for _, r := range rows {
		for i, cell := range r {
			b.WriteString(cell)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(cell)+2))
			}
		}
		b.WriteByte('\n')
	}
	w.Write(b.Bytes())
}

func (e *env) revokeTrust(q string) error {
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	t, err := st.RevokeTrust(q)
	if err != nil {
		return err
	}
	e.say("cli.trust.revoked", t.Name, e.role(t.Role), t.Key.Fingerprint())
	if t.Local {
		e.tell("cli.trust.revoked-local", t.Name)
	}
	return nil
}

// terminalIn is the command's standard input when it is a terminal.
func (e *env) terminalIn() (*os.File, bool) {
	f, ok := e.stdin.(*os.File)
	return f, ok && term.IsTerminal(f.Fd())
}

// readPassphrase asks for a passphrase on the terminal, without echo.
func (e *env) readPassphrase(f *os.File, prompt string) ([]byte, error) {
	fmt.Fprint(e.stderr, inert.Line(prompt))
	p, err := term.ReadPassword(f.Fd())
	fmt.Fprintln(e.stderr)
	return p, err
}

// newPassphrase is the passphrase of a new key (init --passphrase): $QUNSHEN_PASSPHRASE, or
// asked twice on the terminal.
func (e *env) newPassphrase(name string) ([]byte, error) {
	if p := os.Getenv(passphraseEnv); p != "" {
		return []byte(p), nil
	}
	f, ok := e.terminalIn()
	if !ok {
		return nil, i18n.E("cli.pass.no-terminal", passphraseEnv)
	}
	p, err := e.readPassphrase(f, e.tf("cli.pass.ask", name))
	if err != nil {
		return nil, err
	}
	if len(p) == 0 {
		return nil, i18n.E("cli.pass.empty")
	}
	again, err := e.readPassphrase(f, e.t("cli.pass.again"))
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(p, again) {
		return nil, i18n.E("cli.pass.differ")
	}
	return p, nil
}

// keyPassphrase is the passphrase of an encrypted key, for LoadSigner: $QUNSHEN_PASSPHRASE,
// else asked on the terminal once for the process.
func (e *env) keyPassphrase(name string) func() ([]byte, error) {
	return func() ([]byte, error) {
		if p := os.Getenv(passphraseEnv); p != "" {
			return []byte(p), nil
		}
		if e.passphrase != nil {
			return e.passphrase, nil
		}
		f, ok := e.terminalIn()
		if !ok {
			return nil, i18n.E("cli.pass.set-or-terminal", passphraseEnv)
		}
		p, err := e.readPassphrase(f, e.tf("cli.pass.ask", name))
		if err != nil {
			return nil, err
		}
		e.passphrase = p
		return p, nil
	}
}

// loadSigner reads the key of the operator in force, asking for its passphrase when it is
// encrypted.
func (e *env) loadSigner(st *storage.Store) (*model.Signer, error) {
	name := e.operatorName()
	op, err := st.Operator(name)
	if errors.Is(err, storage.ErrNoOperator) {
		if name == "" {
			return nil, i18n.EIs(storage.ErrNoOperator, "cli.no-operator", e.dbPath())
		}
		return nil, i18n.EIs(storage.ErrNoOperator, "cli.unknown-operator", name, e.dbPath())
	}
	if err != nil {
		return nil, err
	}
	s, err := st.LoadSigner(op.Name, e.keyPassphrase(op.Name))
	if errors.Is(err, keyring.ErrWrongPassphrase) {
		e.passphrase = nil // ask again next time
	}
	return s, err
}
