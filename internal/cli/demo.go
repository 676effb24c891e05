package cli

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"qunshen/internal/gen"
	"qunshen/internal/i18n"
	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
)

// The operators of the demo.
const (
	demoAdmin     = "演示管理员"
	demoSecretary = "演示书记"
)

func demoDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		d = os.TempDir()
	}
	return filepath.Join(d, "qunshen", "demo")
}

// qunshen demo [--as admin|secretary]: the global --as names the demo's operator by role.
func newDemoCmd(e *env) *cobra.Command {
	return e.command("demo", func(args []string) error {
		if len(args) > 0 {
			return usagef("cli.unexpected", args[0])
		}
		return e.runDemo()
	})
}

func (e *env) runDemo() error {
	as := demoAdmin
	switch e.as {
	case "", "admin", demoAdmin:
	case "secretary", demoSecretary:
		as = demoSecretary
	default:
		return usagef("cli.demo.as")
	}
	if e.db == "" {
		e.db = filepath.Join(demoDir(), "demo.db")
	}
	if _, err := os.Stat(e.db); errors.Is(err, os.ErrNotExist) {
		e.tell("cli.demo.making", filepath.Dir(e.db))
		if err := makeDemo(e.db); err != nil {
			return i18n.E("cli.demo.failed", err)
		}
	}
	e.as = as
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := e.loadSigner(st); err != nil {
		return err
	}
	return e.openWorkbench(st)
}

// makeDemo builds the demo database in a fresh folder and renames it into place, so that an
// interrupted build leaves no half demo behind.
func makeDemo(dbPath string) error {
	parent := filepath.Dir(dbPath)
	if err := os.MkdirAll(filepath.Dir(parent), 0o700); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(parent), ".demo-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	db := filepath.Join(tmp, filepath.Base(dbPath))
	st, err := storage.Open(db)
	if err != nil {
		return err
	}
	defer func() {
		if st != nil {
			st.Close()
		}
	}()
	var admin *model.Signer
	for _, o := range []struct {
		name   string
		role   model.Role
		branch string
	}{{demoAdmin, model.RoleAdmin, "第一党支部"}, {demoSecretary, model.RoleSecretary, "第一党支部"}} {
		s, err := keyring.NewSigner(o.name, o.role, o.branch)
		if err != nil {
			return err
		}
		if err := keyring.SaveKey(db, s, nil); err != nil {
			return err
		}
		if err := st.Register(s); err != nil {
			return err
		}
		if admin == nil {
			admin = s
		}
	}
	queue := filepath.Join(tmp, "queue.jsonl")
	f, err := os.OpenFile(queue, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := gen.Write(w, gen.Options{Posts: 3000, Members: 400, Groups: 6, Seed: 1}); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	check, inOrder := review.NewChecker(review.DefaultPolicy(), nil).ImportChecks()
	if _, err := st.Import(admin, []string{queue}, storage.ImportOptions{Check: check, InOrder: inOrder}); err != nil {
		return err
	}
	os.Remove(queue)
	if err := st.Close(); err != nil {
		return err
	}
	st = nil
	if err := os.RemoveAll(parent); err != nil {
		return err
	}
	return os.Rename(tmp, parent)
}
