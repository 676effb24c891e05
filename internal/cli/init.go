package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"qunshen/internal/i18n"
	"qunshen/internal/keyring"
	"qunshen/model"
)

// qunshen init: an operator of this machine and its key.
func newInitCmd(e *env) *cobra.Command {
	var o struct {
		name, role, branch string
		passphrase         bool
	}
	c := e.command("init", func(args []string) error {
		if len(args) > 0 {
			return usagef("cli.unexpected", args[0])
		}
		return e.runInit(o.name, o.role, o.branch, o.passphrase)
	})
	f := c.Flags()
	f.StringVar(&o.name, "name", "", e.t("cli.init.flag.name"))
	f.StringVar(&o.role, "role", "", e.t("cli.init.flag.role"))
	f.StringVar(&o.branch, "branch", "", e.t("cli.init.flag.branch"))
	f.BoolVar(&o.passphrase, "passphrase", false, e.tf("cli.init.flag.passphrase", passphraseEnv))
	c.RegisterFlagCompletionFunc("role", fixed("admin", "secretary", "owner", "supervisor"))
	return c
}

func (e *env) runInit(name, roleName, branch string, withPassphrase bool) error {
	if strings.TrimSpace(name) == "" {
		return usagef("cli.init.name-required")
	}
	// The rule of a key file: an operator made here can always export its key.
	for _, f := range []struct {
		flag, value string
		required    bool
	}{{"--name", name, true}, {"--branch", branch, false}} {
		if fault := keyring.CheckText(f.value, f.required); fault != "" {
			return usagef("cli.init.text."+string(fault), f.flag, f.value, keyring.MaxText)
		}
	}
	role, ok := model.ParseRole(roleName)
	if !ok {
		return usagef("cli.init.role", roleName)
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Operator(name); err == nil {
		return i18n.E("cli.init.exists", name, st.Path())
	}
	var pass []byte
	if withPassphrase {
		if pass, err = e.newPassphrase(name); err != nil {
			return err
		}
	}
	s, err := keyring.NewSigner(name, role, branch)
	if err != nil {
		return err
	}
	if err := keyring.SaveKey(st.Path(), s, pass); err != nil {
		return err
	}
	if err := st.Register(s); err != nil {
		return err
	}
	e.say("cli.init.done", name, e.role(role), st.Path())
	e.say("cli.init.fingerprint", s.Operator.Key.Fingerprint())
	if pass != nil {
		e.say("cli.init.encrypted", passphraseEnv)
	}
	return nil
}
