package main

// The keys of the operators: a key exported to a file, trusted on another machine after its
// fingerprint was compared, listed and revoked; and the passphrase of an encrypted private key.

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/storage"
)

// passphraseEnv names the environment variable that gives the passphrase of a private key.
const passphraseEnv = "QUNSHEN_PASSPHRASE"

var (
	initPassphrase bool
	keyOut         string
	trustYes       bool
	trustList      bool
	trustRevoke    string
)

func keyFlags(fs *flag.FlagSet, _ *ctx) {
	fs.StringVar(&keyOut, "o", "", "the key `file` to write")
}

func trustFlags(fs *flag.FlagSet, _ *ctx) {
	fs.BoolVar(&trustYes, "yes", false, "trust the key without asking (only after comparing its fingerprint)")
	fs.BoolVar(&trustList, "list", false, "list the trusted keys, revoked ones included")
	fs.StringVar(&trustRevoke, "revoke", "", "revoke the key of this operator `name`, fingerprint or key hex")
}

// runKey is `qunshen key export -o FILE`.
func runKey(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) == 0 || args[0] != "export" {
		return usagef("want: key export -o FILE")
	}
	if len(args) > 1 {
		return usagef("unexpected %q", args[1])
	}
	if keyOut == "" {
		return usagef("-o FILE is required")
	}
	st, err := c.open()
	if err != nil {
		return err
	}
	defer st.Close()
	op, err := st.Operator(c.operatorName())
	if err != nil {
		return err
	}
	if err := keyring.WriteKeyFile(keyOut, op); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "the public key of %s (%s) written to %s\nfingerprint: %s\n", inert(op.Name), op.Role, keyOut, op.Key.Fingerprint())
	fmt.Fprintf(c.stdout, "whoever trusts this file should compare the fingerprint with you, by voice or in person\n")
	return nil
}

// runTrust is `qunshen trust FILE [--yes]`, `--list` and `--revoke`.
func runTrust(c *ctx, _ *flag.FlagSet, args []string) error {
	switch {
	case trustList && (trustRevoke != "" || len(args) > 0):
		return usagef("--list takes no file and no --revoke")
	case trustList:
		return listTrust(c)
	case trustRevoke != "" && len(args) > 0:
		return usagef("--revoke takes no file (quote a fingerprint that has spaces)")
	case trustRevoke != "":
		return revokeTrust(c, trustRevoke)
	case len(args) != 1:
		return usagef("name one key file")
	}
	path := args[0]
	t, err := keyring.ReadKeyFile(path)
	if err != nil {
		return err
	}
	st, err := c.open()
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
			fmt.Fprintf(c.stdout, "the key of %s (%s) is trusted already, since %s\n", inert(old.Name), old.Role, when(old.TrustedAt))
			return nil
		}
	}
	branch := t.Branch
	if branch == "" {
		branch = "-"
	}
	fmt.Fprintf(c.stdout, "key file %s\n  name:        %s\n  role:        %s\n  branch:      %s\n  fingerprint: %s\n",
		path, t.Name, t.Role, branch, t.Key.Fingerprint())
	if !trustYes {
		fmt.Fprintf(c.stdout, "compare the fingerprint with the one %s reads you from their machine (qunshen key export prints it)\n", t.Name)
		ok, err := c.confirm("trust this key? [y/N] ")
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("the key of %s is not trusted", t.Name)
		}
	}
	if err := st.AddTrust(t); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "trusted the key of %s (%s); its events are accepted from other machines\n", t.Name, t.Role)
	return nil
}

// confirm asks a yes-or-no question on the command's streams; only y or yes is a yes.
func (c *ctx) confirm(question string) (bool, error) {
	fmt.Fprint(c.stdout, question)
	if c.stdin == nil {
		fmt.Fprintln(c.stdout)
		return false, errors.New("no answer (nothing to read it from): pass --yes to trust without asking")
	}
	line, err := bufio.NewReader(c.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	if errors.Is(err, io.EOF) {
		fmt.Fprintln(c.stdout)
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes", nil
}

func listTrust(c *ctx) error {
	st, err := c.open()
	if err != nil {
		return err
	}
	defer st.Close()
	all, err := st.TrustList()
	if err != nil {
		return err
	}
	if len(all) == 0 {
		fmt.Fprintln(c.stdout, "no trusted keys (qunshen init makes an operator; qunshen trust FILE trusts another's)")
		return nil
	}
	rows := [][]string{{"NAME", "ROLE", "BRANCH", "FINGERPRINT", "KIND", "TRUSTED", "REVOKED"}}
	for _, t := range all {
		kind := "peer"
		if t.Local {
			kind = "local"
		}
		revoked := "-"
		if t.Revoked() {
			revoked = when(t.RevokedAt)
		}
		branch := t.Branch
		if branch == "" {
			branch = "-"
		}
		rows = append(rows, []string{inert(t.Name), string(t.Role), inert(branch), t.Key.Fingerprint(), kind, when(t.TrustedAt), revoked})
	}
	writeTable(c.stdout, rows)
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

func revokeTrust(c *ctx, q string) error {
	st, err := c.open()
	if err != nil {
		return err
	}
	defer st.Close()
	t, err := st.RevokeTrust(q)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "revoked the key of %s (%s, fingerprint %s): its events are no longer accepted from other machines\n",
		inert(t.Name), t.Role, t.Key.Fingerprint())
	if t.Local {
		fmt.Fprintf(c.stderr, "warning: %s is an operator made on this machine: this database no longer trusts its own key\n", inert(t.Name))
	}
	return nil
}

func when(t time.Time) string { return t.Local().Format("2006-01-02 15:04") }

// terminalIn is the command's standard input when it is a terminal.
func (c *ctx) terminalIn() (*os.File, bool) {
	f, ok := c.stdin.(*os.File)
	return f, ok && term.IsTerminal(f.Fd())
}

// readPassphrase asks for a passphrase on the terminal, without echo.
func (c *ctx) readPassphrase(f *os.File, prompt string) ([]byte, error) {
	fmt.Fprint(c.stderr, prompt)
	p, err := term.ReadPassword(f.Fd())
	fmt.Fprintln(c.stderr)
	return p, err
}

// newPassphrase is the passphrase of a new key (init --passphrase): $QUNSHEN_PASSPHRASE, or
// asked twice on the terminal.
func (c *ctx) newPassphrase(name string) ([]byte, error) {
	if p := os.Getenv(passphraseEnv); p != "" {
		return []byte(p), nil
	}
	f, ok := c.terminalIn()
	if !ok {
		return nil, fmt.Errorf("--passphrase: the standard input is not a terminal to ask for the passphrase on: set %s", passphraseEnv)
	}
	p, err := c.readPassphrase(f, fmt.Sprintf("passphrase for the key of %s: ", name))
	if err != nil {
		return nil, err
	}
	if len(p) == 0 {
		return nil, errors.New("an empty passphrase is refused")
	}
	again, err := c.readPassphrase(f, "the same passphrase again: ")
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(p, again) {
		return nil, errors.New("the two passphrases differ: nothing was made")
	}
	return p, nil
}

// keyPassphrase is the passphrase of an encrypted key, for LoadSigner: $QUNSHEN_PASSPHRASE,
// else asked on the terminal once for the process.
func (c *ctx) keyPassphrase(name string) func() ([]byte, error) {
	return func() ([]byte, error) {
		if p := os.Getenv(passphraseEnv); p != "" {
			return []byte(p), nil
		}
		if c.passphrase != nil {
			return c.passphrase, nil
		}
		f, ok := c.terminalIn()
		if !ok {
			return nil, fmt.Errorf("set %s or run on a terminal", passphraseEnv)
		}
		p, err := c.readPassphrase(f, fmt.Sprintf("passphrase for the key of %s: ", name))
		if err != nil {
			return nil, err
		}
		c.passphrase = p
		return p, nil
	}
}

// loadSigner reads the key of the operator in force, asking for its passphrase when it is
// encrypted.
func (c *ctx) loadSigner(st *storage.Store) (*model.Signer, error) {
	op, err := st.Operator(c.operatorName())
	if err != nil {
		return nil, err
	}
	s, err := st.LoadSigner(op.Name, c.keyPassphrase(op.Name))
	if errors.Is(err, keyring.ErrWrongPassphrase) {
		c.passphrase = nil // ask again next time
	}
	return s, err
}
