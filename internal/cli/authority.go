package cli

// The authority: the committee's key (authority init), the designations it signs (designate)
// and revokes (revoke), the operator attaching the designation given to it (accept), and the
// designations known here (list). Trusting an authority is trust --authority (keys.go).

import (
	"bufio"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
)

type authorityOptions struct {
	name, out, role, branch, groups, from, until, reason string
	all, passphrase, json                                bool
}

// qunshen authority init|designate|accept|revoke|list.
func newAuthorityCmd(e *env) *cobra.Command {
	var o authorityOptions
	// The flags each verb takes.
	flags := map[string][]string{
		"init":      {"name", "output", "passphrase"},
		"designate": {"output", "role", "branch", "groups", "all", "from", "until"},
		"accept":    {},
		"revoke":    {"reason"},
		"list":      {"json"},
	}
	var c *cobra.Command
	c = e.command("authority", func(args []string) error {
		if len(args) == 0 {
			return usagef("cli.authority.want")
		}
		verb, rest := args[0], args[1:]
		allowed, ok := flags[verb]
		if !ok {
			return usagef("cli.authority.unknown", verb)
		}
		var bad error
		c.Flags().Visit(func(f *pflag.Flag) {
			if bad == nil && !slices.Contains(allowed, f.Name) && c.InheritedFlags().Lookup(f.Name) == nil {
				bad = usagef("cli.authority.flag", f.Name, verb)
			}
		})
		if bad != nil {
			return bad
		}
		want := map[string]int{"init": 0, "designate": 1, "accept": 1, "revoke": 1, "list": 0}[verb]
		if len(rest) < want {
			switch verb {
			case "designate":
				return usagef("cli.authority.want-designate")
			case "accept":
				return usagef("cli.authority.want-accept")
			}
			return usagef("cli.authority.want-revoke")
		}
		if len(rest) > want {
			return usagef("cli.unexpected", rest[want])
		}
		switch verb {
		case "init":
			return e.authorityInit(o)
		case "designate":
			return e.authorityDesignate(rest[0], o)
		case "accept":
			return e.authorityAccept(rest[0])
		case "revoke":
			return e.authorityRevoke(rest[0], o.reason)
		}
		return e.authorityList(o.json)
	})
	f := c.Flags()
	f.StringVar(&o.name, "name", "", e.t("cli.authority.flag.name"))
	f.StringVarP(&o.out, "output", "o", "", e.t("cli.authority.flag.output"))
	f.BoolVar(&o.passphrase, "passphrase", false, e.tf("cli.authority.flag.passphrase", passphraseEnv))
	f.StringVar(&o.role, "role", "", e.t("cli.authority.flag.role"))
	f.StringVar(&o.branch, "branch", "", e.t("cli.authority.flag.branch"))
	f.StringVar(&o.groups, "groups", "", e.t("cli.authority.flag.groups"))
	f.BoolVar(&o.all, "all", false, e.t("cli.authority.flag.all"))
	f.StringVar(&o.from, "from", "", e.t("cli.authority.flag.from"))
	f.StringVar(&o.until, "until", "", e.t("cli.authority.flag.until"))
	f.StringVar(&o.reason, "reason", "", e.t("cli.authority.flag.reason"))
	f.BoolVar(&o.json, "json", false, e.t("cli.authority.flag.json"))
	c.ValidArgsFunction = verbs("init", "designate", "accept", "revoke", "list")
	c.RegisterFlagCompletionFunc("role", fixed(roleCodes()...))
	return c
}

func roleCodes() []string {
	out := make([]string, len(model.Roles))
	for i, r := range model.Roles {
		out[i] = string(r)
	}
	return out
}

// localAuthority is the authority whose key is on this machine.
func localAuthority(st *storage.Store) (model.Operator, bool, error) {
	ops, err := st.Operators()
	if err != nil {
		return model.Operator{}, false, err
	}
	trusts, err := st.TrustList()
	if err != nil {
		return model.Operator{}, false, err
	}
	for _, o := range ops {
		if o.Role != model.RoleAuthority {
			continue
		}
		for _, t := range trusts {
			if t.Key == o.Key && t.Local {
				return o, true, nil
			}
		}
	}
	return model.Operator{}, false, nil
}

// authoritySigner opens the store and the key of the authority of this machine.
func (e *env) authoritySigner() (*storage.Store, *model.Signer, error) {
	st, err := e.open()
	if err != nil {
		return nil, nil, err
	}
	a, ok, err := localAuthority(st)
	if err == nil && !ok {
		err = i18n.E("cli.authority.none", st.Path())
	}
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	s, err := st.LoadSigner(a.Name, e.keyPassphrase(a.Name))
	if err != nil {
		if errors.Is(err, keyring.ErrWrongPassphrase) {
			e.passphrase = nil
		}
		st.Close()
		return nil, nil, err
	}
	return st, s, nil
}

func (e *env) authorityInit(o authorityOptions) error {
	if strings.TrimSpace(o.name) == "" {
		return usagef("cli.authority.name-required")
	}
	if o.out == "" {
		return usagef("cli.output-required")
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	if a, ok, err := localAuthority(st); err != nil {
		return err
	} else if ok {
		return i18n.E("cli.authority.exists", a.Name, a.Key.Fingerprint(), st.Path())
	}
	if _, err := st.Operator(o.name); err == nil {
		return i18n.E("cli.init.exists", o.name, st.Path())
	}
	var pass []byte
	if o.passphrase {
		if pass, err = e.newPassphrase(o.name); err != nil {
			return err
		}
	}
	s, err := keyring.NewSigner(o.name, model.RoleAuthority, "")
	if err != nil {
		return err
	}
	// The public file first: a name it refuses makes nothing.
	a := keyring.Authority{Key: s.Operator.Key, Name: o.name, Made: e.now().UTC()}
	if err := keyring.WriteAuthorityFile(o.out, a); err != nil {
		return err
	}
	if err := keyring.SaveKey(st.Path(), s, pass); err != nil {
		return err
	}
	if err := st.Register(s); err != nil {
		return err
	}
	e.say("cli.authority.made", o.name, st.Path())
	e.say("cli.authority.written", o.out)
	e.say("cli.key.fingerprint", s.Operator.Key.Fingerprint())
	e.say("cli.authority.compare")
	if pass != nil {
		e.say("cli.init.encrypted", passphraseEnv)
	}
	return nil
}

// parseDay reads a day (YYYY-MM-DD, in the zone of the times shown: China time unless --tz
// says otherwise); end gives the end of the day (the start of the next), else its start.
func (e *env) parseDay(flag, s string, end bool) (time.Time, error) {
	if e.zone == nil {
		e.zone = review.ChinaTime
	}
	d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), e.zone)
	if err != nil {
		return time.Time{}, usagef("cli.authority.day", flag, s)
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}

func (e *env) authorityDesignate(keyFile string, o authorityOptions) error {
	if o.out == "" {
		return usagef("cli.output-required")
	}
	scope := model.Scope{All: o.all, Branch: strings.TrimSpace(o.branch)}
	for _, g := range strings.Split(o.groups, ",") {
		if g = strings.TrimSpace(g); g != "" {
			scope.Groups = append(scope.Groups, g)
		}
	}
	switch {
	case scope.All && (scope.Branch != "" || len(scope.Groups) > 0):
		return usagef("cli.authority.all-alone")
	case !scope.All && scope.Branch == "" && len(scope.Groups) == 0:
		return usagef("cli.authority.scope-required")
	}
	var opt review.DesignateOptions
	opt.Scope = scope
	var err error
	if o.from != "" {
		if opt.From, err = e.parseDay("--from", o.from, false); err != nil {
			return err
		}
	}
	if o.until != "" {
		if opt.Until, err = e.parseDay("--until", o.until, true); err != nil {
			return err
		}
	}
	k, err := keyring.ReadKeyFile(keyFile)
	if err != nil {
		return err
	}
	if o.role != "" {
		r, ok := model.ParseRole(o.role)
		if !ok {
			return usagef("cli.authority.role", o.role)
		}
		if r != k.Role {
			return i18n.E("cli.authority.role-differs", keyFile, k.Name, i18n.E("role."+string(k.Role)), i18n.E("role."+string(r)))
		}
	}
	if scope.All && k.Role != model.RoleSupervisor {
		return i18n.E("cli.authority.all-supervisor", k.Name, i18n.E("role."+string(k.Role)))
	}
	st, s, err := e.authoritySigner()
	if err != nil {
		return err
	}
	defer st.Close()
	svc := review.Service{Store: st, Signer: s, Clock: e.now}
	op := model.Operator{Key: k.Key, Name: k.Name, Role: k.Role, Branch: k.Branch}
	d, err := svc.Designate(op, opt)
	if err != nil {
		return err
	}
	if err := keyring.WriteDesignationFile(o.out, d); err != nil {
		e.tell("cli.authority.file-failed", d.Serial)
		return err
	}
	e.say("cli.authority.designated", d.Serial, d.Name, e.role(d.Role), i18n.ScopeText(e.lang, d.Scope), e.validity(d))
	e.say("cli.authority.designation-written", o.out)
	return nil
}

// validity names a designation's period: from its start, until its end (the last day it holds).
func (e *env) validity(d model.Designation) string {
	if d.Until.IsZero() {
		return e.tf("cli.authority.from", e.day(d.From))
	}
	return e.tf("cli.authority.from-until", e.day(d.From), e.day(d.Until.Add(-time.Nanosecond)))
}

// day is the day of a time, in the zone of the times shown.
func (e *env) day(t time.Time) string {
	if e.zone == nil {
		e.zone = review.ChinaTime
	}
	return t.In(e.zone).Format(time.DateOnly)
}

// whenKnown is e.when, or "-" for a time not known.
func (e *env) whenKnown(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return e.when(t)
}

func (e *env) authorityAccept(file string) error {
	d, err := keyring.ReadDesignationFile(file)
	if err != nil {
		return err
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	ops, err := st.Operators()
	if err != nil {
		return err
	}
	trusts, err := st.TrustList()
	if err != nil {
		return err
	}
	var op *model.Operator
	for i := range ops {
		if ops[i].Key != d.Key || ops[i].Role == model.RoleAuthority {
			continue
		}
		for _, t := range trusts {
			if t.Key == d.Key && t.Local {
				op = &ops[i] // an operator of this machine, whose key is here
			}
		}
	}
	if op == nil {
		return i18n.E("cli.authority.not-here", file, d.Name, d.Key.Fingerprint(), st.Path())
	}
	if as := e.operatorName(); as != "" && as != op.Name {
		return i18n.E("cli.authority.not-as", file, d.Name, as)
	}
	s, err := st.LoadSigner(op.Name, e.keyPassphrase(op.Name))
	if err != nil {
		if errors.Is(err, keyring.ErrWrongPassphrase) {
			e.passphrase = nil
		}
		return err
	}
	svc := review.Service{Store: st, Signer: s, Clock: e.now}
	ev, err := svc.Accept(d)
	if err != nil {
		return err
	}
	e.say("cli.authority.designation", d.Serial, d.AuthorityName, d.Authority.Fingerprint())
	e.say("cli.authority.for", d.Name, e.role(d.Role), i18n.ScopeText(e.lang, d.Scope), e.validity(d))
	if ev.IsZero() {
		e.say("cli.authority.attached-already", d.Serial, d.Name)
		return nil
	}
	e.say("cli.authority.attached", d.Serial, d.Name, ev.Short())
	trusted := false
	if ts, err := st.TrustList(); err == nil {
		for _, t := range ts {
			trusted = trusted || t.Key == d.Authority && t.Role == model.RoleAuthority && !t.Revoked()
		}
	}
	if !trusted {
		e.tell("cli.authority.accept-untrusted", d.AuthorityName)
	}
	return nil
}

func (e *env) authorityRevoke(query, reason string) error {
	st, s, err := e.authoritySigner()
	if err != nil {
		return err
	}
	defer st.Close()
	svc := review.Service{Store: st, Signer: s, Clock: e.now}
	d, err := svc.Revoke(query, reason)
	if err != nil {
		return err
	}
	e.say("cli.authority.revoked", d.Serial, d.Name, e.role(d.Role), i18n.ScopeText(e.lang, d.Scope), e.when(d.Revoked))
	e.say("cli.authority.revoke-carry")
	return nil
}

// designationRow is a designation as authority list --json writes it.
type designationRow struct {
	Serial        string    `json:"serial"`
	Name          string    `json:"name"`
	Key           string    `json:"key"`
	Role          string    `json:"role"`
	All           bool      `json:"all,omitempty"`
	Branch        string    `json:"branch,omitempty"`
	Groups        []string  `json:"groups,omitempty"`
	From          time.Time `json:"from"`
	Until         time.Time `json:"until,omitzero"`
	Status        string    `json:"status"`
	Attached      time.Time `json:"attached,omitzero"`
	Revoked       time.Time `json:"revoked,omitzero"`
	Authority     string    `json:"authority"`
	AuthorityName string    `json:"authority_name"`
}

// designationStatus is where a designation stands now: in-force, not-yet, expired, revoked.
func designationStatus(d *model.DesignationRecord, now time.Time) string {
	var de *model.DesignationError
	if err := d.InForce(now); errors.As(err, &de) {
		return de.Why
	}
	return "in-force"
}

func (e *env) authorityList(asJSON bool) error {
	st, svc, err := e.reader()
	if err != nil {
		return err
	}
	defer st.Close()
	ds, err := svc.Designations()
	if err != nil {
		return err
	}
	now := e.now()
	if asJSON {
		w := bufio.NewWriter(e.stdout)
		defer w.Flush()
		enc := json.NewEncoder(w)
		for i := range ds {
			d := &ds[i]
			if err := enc.Encode(designationRow{Serial: d.Serial, Name: d.Name, Key: d.Key.String(), Role: string(d.Role), All: d.Scope.All,
				Branch: d.Scope.Branch, Groups: d.Scope.Groups, From: d.From, Until: d.Until, Status: designationStatus(d, now),
				Attached: d.Accepted, Revoked: d.Revoked, Authority: d.Authority.String(), AuthorityName: d.AuthorityName}); err != nil {
				return err
			}
		}
		return nil
	}
	if len(ds) == 0 {
		e.say("cli.authority.list-none")
		return nil
	}
	head := []string{}
	for _, k := range []string{"serial", "name", "role", "scope", "validity", "status", "attached", "authority"} {
		head = append(head, e.t("cli.authority.col."+k))
	}
	rows := [][]string{head}
	for i := range ds {
		d := &ds[i]
		status := e.t("cli.authority.status." + designationStatus(d, now))
		if !d.Revoked.IsZero() {
			status = e.tf("cli.authority.status.revoked-on", e.when(d.Revoked))
		}
		attached := e.whenKnown(d.Accepted)
		rows = append(rows, []string{d.Serial, inert.Line(d.Name), e.role(d.Role), i18n.ScopeText(e.lang, d.Scope), e.validity(d.Designation),
			status, attached, inert.Line(d.AuthorityName)})
	}
	writeTable(e.stdout, rows)
	return nil
}
