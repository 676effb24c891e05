package storage

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	fastjson "github.com/goccy/go-json"
	"go.etcd.io/bbolt"

	"qunshen/internal/bundle"
	"qunshen/internal/i18n"
	"qunshen/internal/keyring"
	"qunshen/model"
)

// The import's check of the events of designated operators (docs/trust.md). An origin that
// this machine does not trust itself is accepted when it carries a designation by an
// authority trusted here — attached in the same bundle, earlier in its chain, or known here —
// and each of its events is within the designation's period, before a revocation known here
// (in the database, or carried by the bundles imported), in the role designated, for an
// action of that role, on an entity whose group the designation's scope covers. An origin
// trusted by its key and designated too is held to its designation's period and scope. A
// fault refuses the import whole, as every other fault of a bundle does; the fold checks
// every event again, in the canonical order, and sets aside what it does not admit.
//
// The work is done only for designated origins: an import of pairwise-trusted origins
// without designations costs one look at each origin's record.

// designated is what the check of one import knows beyond the trust store: the events of the
// bundles, the designations the origins carry, and, built when first needed, the revocations
// and the groups of the entities the bundles make.
type designated struct {
	st *txState
	// few are the events of the import that name, attach or revoke designations
	// (operator.register, operator.designate, authority.revoke), by origin in the order of
	// their sequence: few beside the rest, read in one pass over the import and kept.
	few map[model.Key][]*incoming
	// scan reads every event of the import again, in a pass of its own (for the groups of the
	// entities its events make, read only when a designated origin acts on one).
	scan func(f func(x *incoming) error) error

	// The origin whose chain connect is walking, its name, and its designation: in force at
	// the event being checked (cur), and the first it attaches (first), which covers the
	// events of its chain before that (its registration).
	origin     model.Key
	name       string
	cur, first *model.DesignationRecord
	attached   map[model.Hash]attach // by the event's id
	// firstFault is the refusal of the first designation the origin attaches, when it has
	// none good before: what refuses its events before it, too.
	firstFault error

	revocations map[string]revocation // serial → a revocation the bundles carry
	index       *entityGroups
	groups      map[string]model.Group // the groups resolved
	// exporters are the names of the makers of bundles accepted by their designation.
	exporters map[model.Key]string
}

// names is the name of a maker of a bundle accepted by its designation.
func (d *designated) names(k model.Key) (string, bool) {
	n, ok := d.exporters[k]
	return n, ok
}

// attach is an operator.designate event of the import, read: its designation, or the fault
// that refuses it.
type attach struct {
	d   *model.DesignationRecord
	err error
}

// revocation is an authority.revoke event of the import.
type revocation struct {
	by model.Key
	at time.Time
}

// entityGroups are the groups of the entities the import's events make, and the branches of
// the groups they register, for the scope of what acts on them.
type entityGroups struct {
	posts, violations, applications, rectifications map[string]string
	branches                                        map[string]string
	rectBranches                                    map[string]string // a rectification against a branch
}

// recordOf is what the check reads of an entity's record in a payload.
type recordOf struct {
	ID     string `json:"id"`
	Group  string `json:"group"`
	Branch string `json:"branch"`
}

// newDesignated reads, in one pass over the events of the import (the plans', merged from the
// bundles and the parked ones), those that name, attach or revoke designations.
func newDesignated(st *txState, plans []*originPlan, txOf func(*bbolt.Tx) *bbolt.Tx) (*designated, error) {
	d := &designated{st: st, few: map[model.Key][]*incoming{}}
	d.scan = func(f func(x *incoming) error) error {
		for _, p := range plans {
			if err := p.each(txOf, false, f); err != nil {
				return err
			}
		}
		return nil
	}
	err := d.scan(func(x *incoming) error {
		switch x.ev.Kind {
		case model.OperatorRegister, model.OperatorDesignate, model.AuthorityRevoke:
			// Kept: the memory of what scan gives is used again after f returns.
			body := bytes.Clone(x.body)
			ev, err := model.DecodeEvent(body)
			if err != nil {
				return x.fail("%v", err)
			}
			d.few[ev.Origin] = append(d.few[ev.Origin], &incoming{ev: ev, id: x.id, body: body, parked: x.parked, file: x.file, off: x.off})
		}
		return nil
	})
	return d, err
}

// beginOrigin makes the check ready for the events of origin o: its designation known here,
// and the designations its events attach.
func (c *trustChecker) beginOrigin(o model.Key) error {
	d := c.d
	xs := d.few[o]
	d.origin, d.name, d.cur, d.first, d.attached, d.firstFault = o, o.Fingerprint(), nil, nil, nil, nil
	if op, ok, err := d.st.Operator(o); err != nil {
		return err
	} else if ok {
		d.name = op.Name
		if op.Designation != "" {
			rec, ok, err := d.st.Designation(op.Designation)
			if err != nil {
				return err
			}
			if ok {
				d.cur = d.withRevocation(&rec)
			}
		}
	}
	for _, x := range xs {
		switch x.ev.Kind {
		case model.OperatorRegister:
			var op model.Operator
			if json.Unmarshal(x.ev.Payload, &op) == nil && op.Name != "" && d.name == o.Fingerprint() {
				d.name = op.Name
			}
		case model.OperatorDesignate:
			if d.attached == nil {
				d.attached = map[model.Hash]attach{}
			}
			a := readAttach(x)
			if a.err == nil {
				a.d = d.withRevocation(a.d)
				if d.first == nil {
					d.first = a.d
				}
			} else if d.first == nil && d.firstFault == nil {
				d.firstFault = i18n.E("keyring.event.refused", keyring.EventName(&x.ev, d.name), a.err)
			}
			d.attached[x.id] = a
		}
	}
	return nil
}

// readAttach reads the designation an operator.designate event carries: whole, signed, of its
// origin's key.
func readAttach(x *incoming) attach {
	var dd model.Designation
	if err := fastjson.Unmarshal(x.ev.Payload, &dd); err != nil {
		return attach{err: i18n.E("storage.designation.payload", err.Error())}
	}
	if err := dd.Check(); err != nil {
		return attach{err: err}
	}
	if dd.Key != x.ev.Origin {
		return attach{err: i18n.E("keyring.designated.other-key", dd.Serial, dd.Name, dd.Key.Fingerprint(), x.ev.Origin.Fingerprint())}
	}
	dd.Normalize()
	return attach{d: &model.DesignationRecord{Designation: dd}}
}

// withRevocation is rec with the earliest revocation known: in the database, or carried by
// the import, by the authority that made it.
func (d *designated) withRevocation(rec *model.DesignationRecord) *model.DesignationRecord {
	r := *rec
	if stored, ok, err := d.st.Designation(r.Serial); err == nil && ok && !stored.Revoked.IsZero() &&
		(r.Revoked.IsZero() || stored.Revoked.Before(r.Revoked)) {
		r.Revoked = stored.Revoked
	}
	if v, ok := d.revoked()[r.Serial]; ok && v.by == r.Authority && (r.Revoked.IsZero() || v.at.Before(r.Revoked)) {
		r.Revoked = v.at
	}
	return &r
}

// revoked are the revocations the import carries, read once.
func (d *designated) revoked() map[string]revocation {
	if d.revocations != nil {
		return d.revocations
	}
	d.revocations = map[string]revocation{}
	for _, xs := range d.few {
		for _, x := range xs {
			if x.ev.Kind != model.AuthorityRevoke {
				continue
			}
			var r model.Revocation
			if json.Unmarshal(x.ev.Payload, &r) != nil || r.Serial != x.ev.Subject {
				continue // the fold refuses it; it revokes nothing here
			}
			if old, ok := d.revocations[r.Serial]; !ok || x.ev.Time.Before(old.at) {
				d.revocations[r.Serial] = revocation{by: x.ev.Origin, at: x.ev.Time}
			}
		}
	}
	return d.revocations
}

// carries reports whether the origin begun carries a designation the event is checked against.
func (d *designated) carries(x *incoming) bool {
	return d.cur != nil || d.first != nil || d.firstFault != nil || x.ev.Kind == model.OperatorDesignate
}

// checkDesignated checks an event of the origin begun (beginOrigin) against its designation:
// t is its key's record here, if ok. It returns nil, or the refusal.
func (c *trustChecker) checkDesignated(x *incoming, t keyring.Trust, ok bool) error {
	d := c.d
	if x.ev.Kind == model.OperatorDesignate {
		a := d.attached[x.id]
		if a.err != nil {
			return i18n.E("keyring.event.refused", keyring.EventName(&x.ev, d.name), a.err)
		}
		d.cur = a.d
	}
	rec := d.cur
	if ok {
		// Trusted by its key: a designation narrows what it may do from the event that
		// attaches it on, as the fold has it; what it signed before stays as it was.
		if rec == nil {
			return nil
		}
		switch x.ev.Kind {
		case model.OperatorRegister, model.OperatorDesignate:
			return nil
		}
		if err := rec.HoldsFor(&x.ev); err != nil {
			return i18n.E("keyring.event.refused", keyring.EventName(&x.ev, d.name), err)
		}
	} else {
		if rec == nil {
			rec = d.first // its events before the first it attaches: its registration
		}
		if rec == nil && d.firstFault != nil {
			return d.firstFault
		}
		var at keyring.Trust
		atOK := false
		if rec != nil {
			var err error
			if at, atOK, err = c.get(rec.Authority); err != nil {
				return err
			}
		}
		if err := keyring.CheckDesignated(rec, at, atOK, d.name, &x.ev); err != nil {
			return err
		}
	}
	return c.inScope(x, rec)
}

// inScope refuses an event whose entity's group the designation's scope does not cover.
func (c *trustChecker) inScope(x *incoming, rec *model.DesignationRecord) error {
	if rec == nil || rec.Scope.All {
		return nil
	}
	refuse := func(entity, id, group, branch string, kind model.Kind) error {
		return &model.ScopeError{Operator: rec.Name, Role: rec.Role, Serial: rec.Serial, Scope: rec.Scope, Kind: kind, Entity: entity, ID: id, Group: group, Branch: branch}
	}
	event := keyring.EventName(&x.ev, c.d.name)
	check := func(kind model.Kind, subject string, payload []byte) error {
		entity, id, group, branch, err := c.d.entityOf(kind, subject, payload)
		if err != nil || entity == "" {
			return err
		}
		if group == "" {
			if branch != "" && !rec.Scope.CoversBranch(branch) {
				return refuse(entity, id, "", branch, kind)
			}
			return nil
		}
		g, err := c.d.group(group)
		if err != nil {
			return err
		}
		if !rec.Scope.Covers(&g) {
			return refuse(entity, id, g.ID, g.Branch, kind)
		}
		if kind == model.GroupRegister && branch != g.Branch {
			// The group as registered must be in scope too.
			if n := (model.Group{ID: g.ID, Branch: branch}); !rec.Scope.Covers(&n) {
				return refuse(entity, id, g.ID, branch, kind)
			}
		}
		return nil
	}
	if x.ev.Kind != model.ImportBatch {
		if err := check(x.ev.Kind, x.ev.Subject, x.ev.Payload); err != nil {
			return i18n.E("keyring.event.refused", event, err)
		}
		return nil
	}
	items, err := model.DecodeBatch(x.ev.Payload)
	if err != nil {
		return nil // refused by the check of the batch before
	}
	for i := range items {
		if err := check(items[i].Kind, items[i].Subject, items[i].Payload); err != nil {
			return i18n.E("keyring.event.refused", event, i18n.E("keyring.event.record", i+1, err))
		}
	}
	return nil
}

// entityOf names the entity an action acts on and the group it is of (or, for an inspection
// of a whole branch, the branch; for a group's registration, the group and the branch it is
// registered with). An entity found nowhere names no group: the fold refuses the action. The
// records that make an entity are read once, by the index of the import (indexed), under
// their subject: the fold refuses a record whose subject is not its id.
func (d *designated) entityOf(kind model.Kind, subject string, payload []byte) (entity, id, group, branch string, err error) {
	ix := d.indexed()
	var rec recordOf
	read := func() bool { return fastjson.Unmarshal(payload, &rec) == nil }
	switch {
	case kind == model.GroupRegister:
		return "group", subject, subject, ix.branches[subject], nil
	case kind == model.GroupDissolve:
		return "group", subject, subject, "", nil
	case strings.HasPrefix(string(kind), "member."):
		g, m, ok := strings.Cut(subject, "\x00")
		if !ok {
			return
		}
		return "member", m, g, "", nil
	case kind == model.PostSubmit:
		return "post", subject, ix.posts[subject], "", nil
	case strings.HasPrefix(string(kind), "post."):
		g, err := d.entityGroup(bPosts, subject)
		return "post", subject, g, "", err
	case kind == model.ComplaintFile || kind == model.ViolationRecord:
		return "violation", subject, ix.violations[subject], "", nil
	case strings.HasPrefix(string(kind), "violation."):
		g, err := d.entityGroup(bViolations, subject)
		return "violation", subject, g, "", err
	case kind == model.ApplicationFile:
		return "application", subject, ix.applications[subject], "", nil
	case strings.HasPrefix(string(kind), "application.") || strings.HasPrefix(string(kind), "appeal."):
		g, err := d.entityGroup(bApps, subject)
		return "application", subject, g, "", err
	case kind == model.RectificationOrder:
		if !read() {
			return
		}
		return "rectification", rec.ID, rec.Group, rec.Branch, nil
	case kind == model.RectificationClose:
		g, err := d.entityGroup(bRects, subject)
		if g == "" && err == nil {
			return "rectification", subject, "", d.rectBranch(subject), nil
		}
		return "rectification", subject, g, "", err
	}
	return
}

// entityGroup is the group of an entity: as the import's events make it, or as stored.
func (d *designated) entityGroup(bucket []byte, id string) (string, error) {
	ix := d.indexed()
	m := map[string]map[string]string{string(bPosts): ix.posts, string(bViolations): ix.violations, string(bApps): ix.applications, string(bRects): ix.rectifications}[string(bucket)]
	if g, ok := m[id]; ok {
		return g, nil
	}
	raw := d.st.get(bucket, []byte(id))
	if raw == nil {
		return "", nil
	}
	if bytes.Equal(bucket, bPosts) {
		// The group is the second string of a post's record: read that far only.
		if len(raw) < 1 || raw[0] != postRecordVersion {
			return "", errPostRecord
		}
		r := model.Reader{B: raw[1:]}
		r.Raw()
		g := r.Str()
		if r.Err != nil {
			return "", errPostRecord
		}
		return g, nil
	}
	var rec recordOf
	if err := fastjson.Unmarshal(raw, &rec); err != nil {
		return "", err
	}
	if bytes.Equal(bucket, bRects) && rec.Group == "" {
		ix.rectBranches[id] = rec.Branch
	}
	return rec.Group, nil
}

func (d *designated) rectBranch(id string) string { return d.indexed().rectBranches[id] }

// group is a group as the import's events register it, or as stored (an unknown one is a
// group of no branch, which only a scope listing it covers); read once an import.
func (d *designated) group(id string) (model.Group, error) {
	if g, ok := d.groups[id]; ok {
		return g, nil
	}
	g, ok, err := d.st.Group(id)
	if err != nil {
		return g, err
	}
	if !ok {
		g = model.Group{ID: id}
	}
	if b, ok := d.indexed().branches[id]; ok {
		g.Branch = b
	}
	if d.groups == nil {
		d.groups = map[string]model.Group{}
	}
	d.groups[id] = g
	return g, nil
}

// indexed reads, once, the groups of the entities the import's events make.
func (d *designated) indexed() *entityGroups {
	if d.index != nil {
		return d.index
	}
	ix := &entityGroups{posts: map[string]string{}, violations: map[string]string{}, applications: map[string]string{},
		rectifications: map[string]string{}, branches: map[string]string{}, rectBranches: map[string]string{}}
	d.index = ix
	note := func(kind model.Kind, payload []byte) {
		var rec recordOf
		switch kind {
		case model.PostSubmit, model.ComplaintFile, model.ViolationRecord, model.ApplicationFile:
			// Posts, violations and applications begin with their id and group.
			if id, g, ok := idAndGroup(payload); ok {
				rec.ID, rec.Group = id, g
				break
			}
			fallthrough
		case model.RectificationOrder, model.GroupRegister:
			if fastjson.Unmarshal(payload, &rec) != nil {
				return
			}
		default:
			return
		}
		// Kept: the payload's memory is used again once the pass moves on.
		rec.ID, rec.Group, rec.Branch = strings.Clone(rec.ID), strings.Clone(rec.Group), strings.Clone(rec.Branch)
		switch kind {
		case model.PostSubmit:
			ix.posts[rec.ID] = rec.Group
		case model.ComplaintFile, model.ViolationRecord:
			ix.violations[rec.ID] = rec.Group
		case model.ApplicationFile:
			ix.applications[rec.ID] = rec.Group
		case model.RectificationOrder:
			ix.rectifications[rec.ID] = rec.Group
			if rec.Group == "" {
				ix.rectBranches[rec.ID] = rec.Branch
			}
		case model.GroupRegister:
			ix.branches[rec.ID] = rec.Branch
		}
	}
	// A fault of the pass is the check's of the events, which refuses them on its own.
	_ = d.scan(func(x *incoming) error {
		if x.ev.Kind != model.ImportBatch {
			note(x.ev.Kind, x.ev.Payload)
			return nil
		}
		items, err := model.DecodeBatch(x.ev.Payload)
		if err != nil {
			return nil
		}
		for i := range items {
			note(items[i].Kind, items[i].Payload)
		}
		return nil
	})
	return ix
}

// designatedExporter checks the maker of a bundle whose key this machine does not trust
// itself: accepted when it is designated by an authority trusted here. Its signature proves
// who assembled the bundle; each event is checked on its own, its time against the
// designation's period and revocation. It returns the designation's name.
func (c *trustChecker) designatedExporter(k model.Key, name string) (string, error) {
	var rec *model.DesignationRecord
	if op, ok, err := c.d.st.Operator(k); err != nil {
		return "", err
	} else if ok && op.Designation != "" {
		if r, ok, err := c.d.st.Designation(op.Designation); err != nil {
			return "", err
		} else if ok {
			rec = &r
		}
	}
	var fault error
	for _, x := range c.d.few[k] {
		if x.ev.Kind == model.OperatorDesignate {
			if a := readAttach(x); a.err == nil {
				rec = a.d
			} else if fault == nil {
				fault = i18n.E("keyring.event.refused", keyring.EventName(&x.ev, name), a.err)
			}
		}
	}
	switch {
	case rec == nil && fault != nil:
		return "", fault // the designation it carries is refused: say why
	case rec == nil:
		return "", keyring.CheckExporter(keyring.Trust{}, false, k, name)
	}
	rec = c.d.withRevocation(rec)
	at, ok, err := c.get(rec.Authority)
	if err != nil {
		return "", err
	}
	switch {
	case !ok || at.Role != model.RoleAuthority:
		return "", i18n.E("storage.exporter.untrusted", name, rec.Serial, rec.AuthorityName, rec.Authority.Fingerprint())
	case at.Revoked():
		return "", i18n.E("keyring.designated.authority-revoked", rec.Serial, at.Name, at.RevokedAt.Format(time.DateOnly))
	}
	if c.d.exporters == nil {
		c.d.exporters = map[model.Key]string{}
	}
	c.d.exporters[k] = rec.Name
	return rec.Name, nil
}

// refuse is the refusal of an incoming event's bundle for err, a fault in the catalogue's
// words: the file and the place in it named.
func (x *incoming) refuse(err error) error {
	return &bundle.Error{File: x.file, Offset: x.off, Msg: err.Error(), Err: err}
}

// idAndGroup reads the id and the group at the start of an entity's JSON as encoding/json
// writes it ({"id":"…","group":"…",…}) when neither holds an escape or a byte that is not
// UTF-8, and neither key comes again (a bare "id": or "group": is a key in JSON, never in a
// string); ok false otherwise, for the decoder to read. An import of a city's bundles reads
// the group of every post so.
func idAndGroup(b []byte) (id, group string, ok bool) {
	if bytes.Count(b, []byte(`"id":`)) != 1 || bytes.Count(b, []byte(`"group":`)) != 1 {
		return "", "", false
	}
	str := func(prefix string) (string, bool) {
		if !bytes.HasPrefix(b, []byte(prefix)) {
			return "", false
		}
		b = b[len(prefix):]
		end := bytes.IndexByte(b, '"')
		if end < 0 || bytes.IndexByte(b[:end], '\\') >= 0 || !utf8.Valid(b[:end]) {
			return "", false
		}
		s := string(b[:end])
		b = b[end+1:]
		return s, true
	}
	if id, ok = str(`{"id":"`); !ok {
		return "", "", false
	}
	group, ok = str(`,"group":"`)
	return id, group, ok
}
